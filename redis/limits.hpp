// Every limit of the redis layer in one struct, each with its own Error. The reader allocates
// nothing: these bound what a server may make the client hold, since the connection buffer grows
// with the bytes of a reply until the reply is complete.
#pragma once

#include <cstddef>
#include <cstdint>

namespace wire::redis {

struct Limits {
    // A simple line: "+status", "-error", ":integer", a length or count header, a RESP3 double or
    // big number, without its CRLF. Error::line_too_long.
    std::size_t max_line_length = 64 * 1024;
    // A bulk string ("$", "!" and "=" values). redis-server's own proto-max-bulk-len is 512 MiB;
    // a client of a pub/sub backplane never needs that much. Error::bulk_too_long.
    std::uint64_t max_bulk_length = 64 * 1024 * 1024;
    // Elements of one aggregate; a map's or attribute's pairs count two. Error::aggregate_too_long.
    std::uint64_t max_aggregate_count = 1024 * 1024;
    // Aggregates open at once (an XREAD reply nests four deep). At most RespReader::max_depth.
    // Error::nesting_too_deep.
    std::size_t max_depth = 16;
    // All bytes of one reply. Error::reply_too_large.
    std::uint64_t max_reply_bytes = 128 * 1024 * 1024;
};

}  // namespace wire::redis
