// gzip_handler against Python's urllib with a gzip decoder (tests/http/peers/urllib_gzip.py):
// the decoder asks and decodes by Go's Transport rules, and checks what it gets back: the
// negotiation (gzip, deflate, refused codings), HEAD, Range, the minimum size, and a flushed
// event stream decoded piece by piece before the server writes the next event.
#include <doctest/doctest.h>

#include <chrono>
#include <future>
#include <mutex>
#include <string>

#include "http/gzip_handler.hpp"
#include "tests/http/peer_process.hpp"
#include "tests/http/server_support.hpp"
#include "tests/support/run_command.hpp"

using namespace wire;
using wire::test::run_command;
using namespace wire::http;
using namespace wire::http::test;
using namespace std::chrono_literals;

namespace {

std::string script() {
    std::string file = __FILE__;  // tests/http/gzip_urllib_test.cpp, relative to the repository
    return file.substr(0, file.rfind('/')) + "/peers/urllib_gzip.py";
}

std::string page() {
    std::string s = "<!doctype html><title>urllib</title>\n";
    for (int i = 0; s.size() < 6000; ++i)
        s += "<li>entry " + std::to_string(i) + " of a list that repeats itself</li>\n";
    return s;
}

}  // namespace

TEST_CASE("gzip_handler with Python's urllib and a gzip decoder") {
    if (!have_program("python3")) {
        MESSAGE("python3 not installed: skipped");
        return;
    }
    std::promise<void> release;
    auto released = release.get_future().share();
    std::once_flag once;
    TestServer s(gzip_handler(handler_func([&](ResponseWriter& w, Request& r) {
                     if (r.path == "/small") {
                         (void)w.write("short text, no point compressing\n");
                     } else if (r.path == "/events") {
                         w.header().set("Content-Type", "text/event-stream");
                         (void)w.write("data: first\n\n");
                         (void)w.flush();
                         // The client asks for /release once it decoded the first event.
                         (void)released.wait_for(10s);
                         (void)w.write("data: second\n\n");
                     } else if (r.path == "/release") {
                         std::call_once(once, [&] { release.set_value(); });
                         (void)w.write("ok\n");
                     } else {
                         w.header().set("Content-Type", "text/html");
                         w.header().set("Content-Length", std::to_string(page().size()));
                         (void)w.write(page());
                     }
                 })),
                 [](Server& cfg) { cfg.worker_threads = 4; });
    const std::string out = run_command("python3 " + script() + " http://" + s.address());
    CAPTURE(out);
    CHECK(out.find("FAIL") == std::string::npos);
    CHECK(out.size() >= 3);
    CHECK(out.substr(out.size() - 3) == "OK\n");
    std::call_once(once, [&] { release.set_value(); });  // a failed run must not hold /events
}
