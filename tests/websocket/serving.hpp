// An http::Server serving on a thread of its own for the duration of a test scope.
#pragma once

#include <thread>

#include <doctest/doctest.h>
#include "http/server.hpp"

namespace wire::websocket::test {

// The server on a thread; stopped (loops joined) before the Engine declared after it goes.
struct Running {
    wire::http::Server& server;
    std::thread thread;
    explicit Running(wire::http::Server& s) : server(s) {
        REQUIRE(server.listen());
        thread = std::thread([this] { (void)server.serve(); });
    }
    ~Running() {
        server.close();
        thread.join();
    }
};

}  // namespace wire::websocket::test
