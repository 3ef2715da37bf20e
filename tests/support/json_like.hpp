// json_like(n): n bytes of JSON-like text (chat and telemetry records), which compresses as real
// WebSocket traffic does; the compression tests' usual payload.
#pragma once

#include <cstddef>
#include <string>

namespace wire::test {

inline std::string json_like(std::size_t n) {
    std::string s;
    for (std::size_t i = 0; s.size() < n; ++i) {
        s += "{\"id\":" + std::to_string(i) + ",\"name\":\"user" + std::to_string(i % 97) +
             "\",\"active\":" + (i % 3 ? "true" : "false") + "},";
    }
    s.resize(n);
    return s;
}

}  // namespace wire::test
