// Reply: a view of one complete reply, as a command's callback receives it. The bytes live in
// the connection's read buffer until the callback returns; copy what must outlive it (or use
// OwnedReply).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "redis/resp_cursor.hpp"
#include "redis/resp_type.hpp"

namespace wire::redis {

struct Reply {
    std::span<const std::uint8_t> bytes;  // empty when the command got no reply (an error)
    Type type = Type::null;

    [[nodiscard]] RespCursor cursor() const noexcept { return RespCursor(bytes); }
    // The first value (the whole reply for a scalar; the header for an aggregate).
    [[nodiscard]] Value value() const noexcept {
        Value v;
        RespCursor c(bytes);
        if (!c.next_data(v)) return {};
        return v;
    }
};

// A reply copied out of the connection's buffer (the blocking facade returns these).
struct OwnedReply {
    std::string bytes;
    Type type = Type::null;

    [[nodiscard]] Reply view() const noexcept {
        return {{reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()}, type};
    }
    [[nodiscard]] Value value() const noexcept { return view().value(); }
};

}  // namespace wire::redis
