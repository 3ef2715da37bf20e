// examples/log_tail.cpp: seed 002's purpose, a log file followed into the browser.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "example_process.hpp"
#include "ws_test_support.hpp"

using namespace wire::test;
namespace ws = wire::websocket;
namespace fs = std::filesystem;

TEST_CASE("log_tail sends appended lines and follows rotation") {
    const fs::path dir = fs::temp_directory_path() / ("wire-tail-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const fs::path log = dir / "app.log";
    std::ofstream(log) << "already there\n";

    ExampleProcess server("log_tail", {"--file", log.string()});
    REQUIRE(server.wait_listening());
    CHECK(run_command("curl -s " + local_url(server.port(), "/")).find("/tail") !=
          std::string::npos);
    auto conn = ws::Dialer{}.dial(ws_url(server.port(), "/tail"));
    REQUIRE(conn);
    CHECK(next_text(*conn) == "# tailing " + log.string());
    std::ofstream(log, std::ios::app) << "first\nsecond\n";
    CHECK(next_text(*conn) == "first\nsecond");
    fs::rename(log, dir / "app.log.1");
    std::ofstream(log) << "after rotation\n";
    CHECK(next_text(*conn) == "after rotation");
    CHECK(server.terminate() == 0);
    fs::remove_all(dir);
}

TEST_CASE("log_tail without --file says how to use it") {
    ExampleProcess server("log_tail");
    CHECK(server.wait_exit() == 2);
    CHECK(server.transcript().find("usage: log_tail --file PATH") != std::string::npos);
}
