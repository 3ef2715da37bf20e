// Errors of the cluster layer as values (std::error_code, category "wire.cluster"): a
// RedisBackplane configured in a way it cannot honour says so from start(), before it connects.
#pragma once

#include <system_error>

namespace wire::cluster {

enum class Error {
    // Streams mode and sharded pub/sub together: a stream is a key, not a channel, so SSUBSCRIBE
    // has nothing to do with it, and one XREAD of several topics' streams would span the slots
    // of a redis Cluster (CROSSSLOT). One of the two must be chosen.
    streams_not_sharded = 1,
    // Streams mode with stream_maxlen 0: XADD MAXLEN 0 would keep nothing to read.
    stream_maxlen_zero,
};

const std::error_category& error_category() noexcept;

inline std::error_code make_error_code(Error e) noexcept {
    return {static_cast<int>(e), error_category()};
}

}  // namespace wire::cluster

template <>
struct std::is_error_code_enum<wire::cluster::Error> : std::true_type {};
