// The server against real clients: curl (keep-alive, chunked upload, 100-continue, HEAD,
// HTTP/1.0) and wrk (a thousand connections, no socket errors, no non-2xx answers).
#include <doctest/doctest.h>
#include <sys/resource.h>

#include <cstdlib>
#include <string>

#include "http/serve_mux.hpp"
#include "tests/http/server_support.hpp"
#include "tests/support/run_command.hpp"

using namespace wire::http;
using wire::test::run_command;
using namespace wire::http::test;

namespace {

bool have(const char* tool) {
    return std::system((std::string("command -v ") + tool + " >/dev/null 2>&1").c_str()) == 0;
}

std::shared_ptr<ServeMux> app() {
    auto mux = std::make_shared<ServeMux>();
    mux->handle_func("/", [](ResponseWriter& w, Request&) { (void)w.write("hello world!\n"); });
    mux->handle_func("POST /upload", [](ResponseWriter& w, Request& r) {
        std::string body;
        auto ok = r.body().read_all(body);
        (void)w.write(ok ? "received " + std::to_string(body.size()) + " bytes\n" : "error\n");
    });
    return mux;
}

}  // namespace

TEST_CASE("curl: keep-alive, chunked upload, 100-continue, HEAD, HTTP/1.0") {
    if (!have("curl")) {
        MESSAGE("curl not installed: skipped");
        return;
    }
    TestServer s(app());
    const std::string base = "curl -sS --max-time 10 http://" + s.address();

    const std::string twice =
        run_command("curl -sv --max-time 10 http://" + s.address() + "/ http://" + s.address() +
                    "/ -o /dev/null -o /dev/null");
    CHECK(twice.find("Re-using existing connection") != std::string::npos);

    const std::string chunked =
        run_command("head -c 100000 /dev/zero | " + base +
                    "/upload -H 'Transfer-Encoding: chunked' --data-binary @-");
    CHECK(chunked == "received 100000 bytes\n");

    const std::string expect =
        run_command("head -c 5000 /dev/zero | curl -sv --max-time 10 http://" + s.address() +
                    "/upload -H 'Expect: 100-continue' --data-binary @-");
    CHECK(expect.find("HTTP/1.1 100 Continue") != std::string::npos);
    CHECK(expect.find("received 5000 bytes") != std::string::npos);

    const std::string head = run_command(base + "/ -I");
    CHECK(head.find("HTTP/1.1 200 OK") != std::string::npos);
    CHECK(head.find("Content-Length: 13") != std::string::npos);

    const std::string old =
        run_command("curl -sv --max-time 10 --http1.0 http://" + s.address() + "/");
    CHECK(old.find("HTTP/1.1 200 OK") != std::string::npos);  // RFC 9110 §6.2: our version
    CHECK(old.find("hello world!") != std::string::npos);
}

TEST_CASE("wrk: a thousand keep-alive connections, no socket errors, no non-2xx") {
    if (!have("wrk")) {
        MESSAGE("wrk not installed: skipped");
        return;
    }
    // One descriptor per connection on each side of loopback: raise the soft limit.
    rlimit lim{};
    ::getrlimit(RLIMIT_NOFILE, &lim);
    if (lim.rlim_cur < 4096 && lim.rlim_max >= 4096) {
        lim.rlim_cur = 4096;
        ::setrlimit(RLIMIT_NOFILE, &lim);
    }
    TestServer s(app());
    const std::string out =
        run_command("wrk -t1 -c1000 -d2s --timeout 5s http://" + s.address() + "/");
    INFO(out);
    CHECK(out.find("requests in") != std::string::npos);
    CHECK(out.find("Socket errors") == std::string::npos);
    CHECK(out.find("Non-2xx") == std::string::npos);
}
