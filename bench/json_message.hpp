// The small-message benchmarks' input: a JSON array of chat messages, exactly `n` bytes long,
// the same bytes every run (inflate_bench and compress_message_loop measure the same message).
#pragma once

#include <cstddef>
#include <string>

namespace wire::bench {

inline std::string json_message(std::size_t n) {
    std::string s = "[";
    for (int i = 0; s.size() < n; ++i)
        s += "{\"type\":\"chat\",\"room\":\"lobby\",\"user\":\"user" + std::to_string(i % 17) +
             "\",\"seq\":" + std::to_string(1000 + i * 7) + ",\"text\":\"hello there, number " +
             std::to_string(i) + "\"},";
    s.resize(n - 1);
    return s + "]";
}

}  // namespace wire::bench
