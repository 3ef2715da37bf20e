// Every limit of the websocket layer, in one place, each with the error it produces.
#pragma once

#include <cstdint>

namespace wire::websocket {

struct Limits {
    // RFC 6455 §10.4: "implementations SHOULD impose a limit on frame sizes and the total message
    // size". A data frame whose header would take the message past this fails with
    // Error::message_too_big, answered with close code 1009 (gorilla's SetReadLimit; 16 MiB by
    // default, where gorilla has no limit at all).
    std::uint64_t max_message_size = 16 * 1024 * 1024;
};

}  // namespace wire::websocket
