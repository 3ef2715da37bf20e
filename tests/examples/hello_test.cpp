// examples/hello.cpp: seed 000's hello-world server, checked with curl.
#include <doctest/doctest.h>

#include "example_process.hpp"

using namespace wire::test;

TEST_CASE("hello answers every path with hello world and stops cleanly on SIGINT") {
    ExampleProcess hello("hello");
    REQUIRE(hello.started());
    REQUIRE(hello.wait_listening());
    CHECK(run_command("curl -s " + local_url(hello.port(), "/")) == "hello world!\n");
    // "/" is a subtree pattern: every path lands on the handler, as in Go.
    const std::string head = run_command("curl -s -i " + local_url(hello.port(), "/any/path"));
    CHECK(head.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(head.find("Content-Length: 13\r\n") != std::string::npos);
    CHECK(head.find("Content-Type: text/plain; charset=utf-8\r\n") != std::string::npos);
    CHECK(hello.terminate(SIGINT) == 0);  // Ctrl-C
}
