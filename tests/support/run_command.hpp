// run_command(command): runs a shell command (curl, python3, a peer's client) and returns what it
// printed, standard output and error together.
#pragma once

#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <string>

namespace wire::test {

inline std::string run_command(const std::string& command) {
    std::string out;
    FILE* p = ::popen((command + " 2>&1").c_str(), "r");
    REQUIRE(p != nullptr);
    std::array<char, 4096> buf;
    while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p))
        out.append(buf.data(), n);
    ::pclose(p);
    return out;
}

}  // namespace wire::test
