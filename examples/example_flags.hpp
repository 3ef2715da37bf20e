// example_flags.hpp: the one thing every example program parses, where to listen or connect.
//
//   build/examples/NAME [--port N]     (or PORT=N in the environment; default 8080)
//
// The seeds listen on ":8080" (every interface); the examples listen on 127.0.0.1 so that a
// learner's demo is not reachable from the network. PORT=0 picks a free port, which the server
// prints ("listening on http://127.0.0.1:PORT"): the tests use that.
#pragma once

#include <cstdlib>
#include <cstring>
#include <string>

namespace example {

// The port from --port N, else $PORT, else `fallback`.
inline std::string port(int argc, char** argv, const char* fallback = "8080") {
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], "--port") == 0) return argv[i + 1];
    }
    const char* env = std::getenv("PORT");
    return env != nullptr && *env != '\0' ? env : fallback;
}

// "127.0.0.1:PORT", what a server example listens on.
inline std::string listen_address(int argc, char** argv, const char* fallback = "8080") {
    return "127.0.0.1:" + port(argc, argv, fallback);
}

// The value of `--name VALUE`, or `fallback`.
inline std::string flag(int argc, char** argv, const char* name, std::string fallback) {
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
    }
    return fallback;
}

}  // namespace example
