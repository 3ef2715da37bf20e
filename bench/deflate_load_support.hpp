// What the compressed WebSocket load programs share: JSON-like text to compress, and a
// process's CPU time read from /proc, so each figure is per server CPU-second.
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace wire::bench {

// Chat- and telemetry-like JSON records, cut to exactly `n` bytes.
inline std::string json_like(std::size_t n) {
    std::string s;
    for (std::size_t i = 0; s.size() < n; ++i) {
        s += "{\"id\":" + std::to_string(i) + ",\"user\":\"name" + std::to_string(i % 97) +
             "\",\"score\":" + std::to_string((i * 7919) % 10007) +
             ",\"tags\":[\"alpha\",\"beta\"],\"active\":" + (i % 3 ? "true" : "false") + "},";
    }
    s.resize(n);
    return s;
}

// utime + stime of `pid`, in clock ticks (proc(5): fields 14 and 15).
inline long cpu_ticks(long pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(f, line);
    std::istringstream in(line.substr(line.rfind(')') + 2));
    std::string field;
    long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && in >> field; ++i) {
        if (i == 14) utime = std::atol(field.c_str());
        if (i == 15) stime = std::atol(field.c_str());
    }
    return utime + stime;
}

}  // namespace wire::bench
