// examples/hijack.cpp: seed 004's Hijacker example, a raw TCP conversation after an HTTP request.
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "example_process.hpp"

using namespace wire::test;

TEST_CASE("hijack: the handler takes the connection and speaks raw TCP") {
    ExampleProcess hijack("hijack");
    REQUIRE(hijack.wait_listening());

    TcpClient client(hijack.port());
    REQUIRE(client.send("GET /hijack HTTP/1.1\r\nHost: x\r\n\r\n"));
    REQUIRE(client.read_until("Say hi: "));
    // No HTTP response head: after hijack() the bytes are the handler's own.
    CHECK(client.received() == "Now we're speaking raw TCP. Say hi: ");
    REQUIRE(client.send("hi \"there\"\n"));
    REQUIRE(client.read_to_eof());  // the handler closes the connection
    CHECK(client.received() ==
          "Now we're speaking raw TCP. Say hi: You said: \"hi \\\"there\\\"\\n\"\nBye.\n");
    CHECK(hijack.terminate() == 0);
}

TEST_CASE("hijack: bytes sent with the request reach the handler through the reader") {
    ExampleProcess hijack("hijack");
    REQUIRE(hijack.wait_listening());
    TcpClient client(hijack.port());
    // The greeting arrives in the same packet as the request: the server had already read it,
    // and hijack() hands it over in the buffered reader.
    REQUIRE(client.send("GET /hijack HTTP/1.1\r\nHost: x\r\n\r\nearly\n"));
    REQUIRE(client.read_to_eof());
    CHECK(client.received().ends_with("You said: \"early\\n\"\nBye.\n"));
    CHECK(hijack.terminate() == 0);
}

TEST_CASE("hijack: SIGTERM closes a silent hijacked connection and the server exits 0") {
    ExampleProcess hijack("hijack");
    REQUIRE(hijack.wait_listening());
    TcpClient client(hijack.port());
    REQUIRE(client.send("GET /hijack HTTP/1.1\r\nHost: x\r\n\r\n"));
    REQUIRE(client.read_until("Say hi: "));
    const auto start = std::chrono::steady_clock::now();
    CHECK(hijack.terminate(SIGTERM, 5s) == 0);
    CHECK(std::chrono::steady_clock::now() - start < 4s);  // not the 60 s read deadline
    CHECK(client.read_to_eof());
}

TEST_CASE("hijack: the command examples/README.md gives works with nothing but bash") {
    // The line after "build/examples/hijack &" in the README, with the example's port.
    std::ifstream readme("examples/README.md");
    REQUIRE(readme);
    std::string line, command;
    while (std::getline(readme, line)) {
        const auto at = line.find("build/examples/hijack &");
        if (at == std::string::npos) continue;
        command = line.substr(line.find('(', at));
        break;
    }
    REQUIRE(command.find("/dev/tcp/127.0.0.1/8080") != std::string::npos);
    ExampleProcess hijack("hijack");
    REQUIRE(hijack.wait_listening());
    const std::string port = std::to_string(hijack.port());
    command.replace(command.find("8080"), 4, port);
    // bash -c with the command in single quotes: escape the command's own quotes.
    std::string quoted;
    for (const char c : command)
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    const std::string out = run_command("timeout 10 bash -c '" + quoted + "'");
    CAPTURE(command);
    CHECK(out == "Now we're speaking raw TCP. Say hi: You said: \"hi\\n\"\nBye.\n");
    CHECK(hijack.terminate() == 0);
}
