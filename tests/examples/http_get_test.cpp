// examples/http_get.cpp: seed 000 §2.3.2's client against its server (examples/inspector.cpp).
#include <doctest/doctest.h>

#include "example_process.hpp"

using namespace wire::test;

TEST_CASE("http_get prints the status, the header and the body of GET /go") {
    ExampleProcess server("inspector");
    REQUIRE(server.wait_listening());
    ExampleProcess client("http_get", {}, {"PORT=" + std::to_string(server.port())});
    CHECK(client.wait_exit() == 0);
    const std::string& out = client.transcript();
    CHECK(out.starts_with("200 OK\n"));
    CHECK(out.find("Content-Length: 10\n") != std::string::npos);  // "test成功" is 10 bytes
    CHECK(out.find("read complete\ntest成功\n") != std::string::npos);
    CHECK(server.wait_for("method: GET"));
    CHECK(server.terminate() == 0);
}

TEST_CASE("http_get reports a refused connection") {
    ExampleProcess client("http_get", {"http://127.0.0.1:1/"});
    CHECK(client.wait_exit() == 1);
}
