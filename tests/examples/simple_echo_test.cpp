// examples/simple_echo_server.cpp and simple_echo_client.cpp: seed 000 §5.1.3's short pair.
#include <doctest/doctest.h>

#include "example_process.hpp"

using namespace wire::test;

TEST_CASE("simple_echo_client gets every message back from simple_echo_server, then closes") {
    ExampleProcess server("simple_echo_server");
    REQUIRE(server.wait_listening());
    ExampleProcess client("simple_echo_client", {"--count", "3", "--interval-ms", "20"},
                          {"PORT=" + std::to_string(server.port())});
    CHECK(client.wait_exit(10s) == 0);
    const std::string& out = client.transcript();
    std::size_t echoes = 0;
    for (auto at = out.find("Receive:Hello World!"); at != std::string::npos;
         at = out.find("Receive:Hello World!", at + 1))
        ++echoes;
    CHECK(echoes == 3);
    CHECK(server.wait_for("Receive message:Hello World!"));
    CHECK(server.terminate() == 0);
}

TEST_CASE("simple_echo_client reports a server that is not there") {
    ExampleProcess client("simple_echo_client", {"--count", "1"}, {"PORT=1"});
    CHECK(client.wait_exit(10s) == 1);
    CHECK(client.transcript().find("Error connecting to websocket Server") != std::string::npos);
}
