// examples/demo in a real browser: headless Chromium, driven over the DevTools protocol by
// tests/examples/browser/drive_demo.js, clicks through the pages as ROUTES.md describes: the echo
// page gets its message back, two chat tabs see each other, the push form reaches a second tab,
// the log tail shows a line the test appends and counts it right, the file listing and the seed
// pages wear the demo's style with a link home, /favicon.ico is an icon. It also saves the
// README's screenshot of the home page ($WIRE_BUILD/demo-home.png, copied to docs/ by hand),
// showing the address `make run` uses (127.0.0.1:8080) whatever port the test's demo has. With
// redis-server installed the demo is one instance of a cluster (--redis, --instance), and the
// chat page must show which instance the tab is on.
// Skipped when chromium or node is missing.
#include <doctest/doctest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "example_process.hpp"
#include "tests/support/redis_server.hpp"

using namespace wire::test;

namespace {
bool have(const char* program) {
    return run_command(std::string("command -v ") + program + " >/dev/null && echo yes") == "yes\n";
}
}  // namespace

TEST_CASE("demo pages work in headless Chromium: echo, chat, push, tail, screenshot") {
    if (!have("chromium") || !have("node") || !std::filesystem::exists("examples/demo/www")) {
        MESSAGE("skipped: needs chromium, node and examples/demo/www");
        return;
    }
    // One instance joined through redis, when there is one: the pages work the same, and the
    // chat page names the instance (one Chromium serves both, it is slow to start).
    std::optional<RedisServer> redis;
    std::vector<std::string> args;
    std::vector<const char*> steps{"ok echo", "ok chat",   "ok push",
                                   "ok tail", "ok frames", "ok screenshot"};
    std::string scenarios;
    if (RedisServer::available()) {
        redis.emplace();
        REQUIRE(redis->ready());
        args = {"--redis", redis->address(), "--instance", "west-2"};
        scenarios = " echo chat push tail frames screenshot instance";
        steps.push_back("ok instance");
    }
    ExampleProcess demo("demo", args);
    REQUIRE(demo.wait_listening());
    const std::string shot = build_dir() + "/demo-home.png";
    std::filesystem::remove(shot);
    const std::string out = run_command(
        "WIRE_INSTANCE=west-2 NODE_PATH=/usr/share/nodejs timeout 120 node "
        "tests/examples/browser/drive_demo.js " +
        local_url(demo.port(), "") + " " + shot + scenarios + " 2>&1");
    CAPTURE(out);
    for (const char* step : steps)
        CHECK(out.find(step) != std::string::npos);
    CHECK(out.find("FAIL") == std::string::npos);
    CHECK(std::filesystem::file_size(shot) > 10000);
    CHECK(demo.terminate() == 0);
}
