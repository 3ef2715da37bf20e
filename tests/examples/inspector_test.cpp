// examples/inspector.cpp: seed 000's request inspector prints what a request is made of.
#include <doctest/doctest.h>

#include "example_process.hpp"

using namespace wire::test;

TEST_CASE("inspector prints remote address, method, path, headers and body, then answers") {
    ExampleProcess inspector("inspector");
    REQUIRE(inspector.wait_listening());

    TcpClient client(inspector.port());
    REQUIRE(client.connected());
    REQUIRE(
        client.send("POST /go?x=1 HTTP/1.1\r\nHost: example.test\r\nX-Seed: 000\r\n"
                    "Content-Length: 9\r\nConnection: close\r\n\r\nname=wire"));
    REQUIRE(client.read_to_eof());
    CHECK(client.received().starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(client.received().ends_with("\r\n\r\ntest成功"));

    auto connected = inspector.wait_for(" connected");
    REQUIRE(connected);
    CHECK(connected->starts_with("127.0.0.1:"));
    CHECK(inspector.read_line() == "method: POST");
    CHECK(inspector.read_line() == "url: /go");
    CHECK(inspector.read_line() == "header:");
    CHECK(inspector.read_line() == "  Host: example.test");
    CHECK(inspector.read_line() == "  X-Seed: 000");
    CHECK(inspector.read_line() == "  Content-Length: 9");
    CHECK(inspector.read_line() == "  Connection: close");
    CHECK(inspector.read_line() == "body: name=wire");
    CHECK(inspector.terminate() == 0);
}

TEST_CASE("inspector reads a chunked body and leaves other paths to the mux (404)") {
    ExampleProcess inspector("inspector");
    REQUIRE(inspector.wait_listening());
    const std::string out = run_command(
        "curl -s -H 'Transfer-Encoding: chunked' --data-binary "
        "'hello chunks' " +
        local_url(inspector.port(), "/go"));
    CHECK(out == "test成功");
    CHECK(inspector.wait_for("body: hello chunks"));
    CHECK(run_command("curl -s -o /dev/null -w '%{http_code}' " +
                      local_url(inspector.port(), "/other")) == "404");
    CHECK(inspector.terminate() == 0);
}
