// Interop with a browser: headless Chromium opens a page served by a small thread-per-connection
// server, exchanges text and binary messages with our server Conn over /ws, and reports the
// outcome by requesting /result?<outcome>. (With permessage-deflate, on both our faces:
// browser_deflate_test.cpp.)
#include <doctest/doctest.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <list>
#include <mutex>
#include <string>
#include <thread>

#include "http/parser.hpp"
#include "net/listener.hpp"
#include "tests/support/process.hpp"
#include "websocket/detail/fields.hpp"
#include "websocket/upgrader.hpp"

using namespace wire;
using namespace wire::websocket;
using namespace std::chrono_literals;

namespace {

// The page: text, binary, a 70000-byte text and a fragmented-sized binary, each echoed back and
// compared; then a clean close. Any surprise is reported as "fail:<why>".
constexpr std::string_view kPage = R"(<!doctype html>
<html><body><script>
function report(s) { fetch('/result?' + encodeURIComponent(s)); }
const big = 'x'.repeat(70000);
const bytes = new Uint8Array(100000);
for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) & 255;
const sent = ['hello from chromium \u00e9\u{1F600}', new Uint8Array([0, 1, 2, 254, 255]), big, bytes];
let step = 0;
const ws = new WebSocket('ws://' + location.host + '/ws');
ws.binaryType = 'arraybuffer';
ws.onopen = () => ws.send(sent[0]);
ws.onmessage = (e) => {
  const want = sent[step];
  let same;
  if (typeof want === 'string') {
    same = e.data === want;
  } else {
    const got = new Uint8Array(e.data);
    same = got.length === want.length && got.every((b, i) => b === want[i]);
  }
  if (!same) { report('fail:step' + step); return; }
  step += 1;
  if (step < sent.length) { ws.send(sent[step]); return; }
  ws.close(1000, 'done');
};
ws.onclose = (e) => report(step === sent.length && e.code === 1000 ? 'ok' : 'fail:close' + e.code);
ws.onerror = () => report('fail:error');
</script></body></html>
)";

// Serves "/" (the page), "/ws" (echo over our Conn) and "/result?..." (records the outcome).
class PageServer {
  public:
    PageServer() {
        auto l = net::Listener::listen(net::Address::ipv4_loopback(0));
        REQUIRE(l);
        listener_ = std::move(*l);
        accept_ = std::thread([this] {
            while (!stop_) {
                auto s = listener_.accept_wait(20ms);
                if (!s) continue;
                std::lock_guard lock(mu_);
                threads_.emplace_back(
                    [this, sock = std::move(*s)]() mutable { serve(net::Conn(std::move(sock))); });
            }
        });
    }
    ~PageServer() {
        stop_ = true;
        accept_.join();
        for (auto& t : threads_)
            t.join();
    }
    int port() const { return listener_.address().port(); }
    // The outcome the page reported, or "" when it did not within `timeout`.
    std::string wait_result(std::chrono::milliseconds timeout) {
        std::unique_lock lock(mu_);
        cv_.wait_for(lock, timeout, [&] { return !result_.empty(); });
        return result_;
    }

  private:
    void serve(net::Conn conn) {
        conn.set_deadline(net::Conn::Clock::now() + 30s);
        std::string buf(8192, '\0');
        std::size_t len = 0;
        std::array<http::Field, 64> fields;
        http::HeadParser parser(http::HeadParser::Kind::request, fields);
        http::ParseResult r;
        for (;;) {
            r = parser.parse({buf.data(), len});
            if (!r.need_more()) break;
            auto n = conn.read(buf.data() + len, buf.size() - len);
            if (!n || *n == 0) return;
            len += *n;
        }
        if (!r.done()) return;
        const auto& head = parser.head();
        if (head.target == "/ws") {
            websocket_echo(std::move(conn), head,
                           std::string_view(buf).substr(r.consumed, len - r.consumed));
            return;
        }
        std::string body, type = "text/plain";
        if (head.target == "/") {
            body = kPage;
            type = "text/html; charset=utf-8";
        } else if (head.target.rfind("/result?", 0) == 0) {
            std::lock_guard lock(mu_);
            result_ = std::string(head.target.substr(8));
            cv_.notify_all();
        }
        (void)conn.write("HTTP/1.1 200 OK\r\nContent-Type: " + type +
                         "\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) +
                         "\r\n\r\n" + body);
        (void)conn.shutdown_write();
        char sink[256];
        (void)conn.read(sink, sizeof sink);
    }

    void websocket_echo(net::Conn conn, const http::MessageHead& head, std::string_view rest) {
        const std::string connection = websocket::detail::joined_values(head.fields, "Connection");
        UpgradeRequest req;
        req.method = head.method;
        req.http_version = "HTTP/1.1";
        req.host = head.host;
        req.upgrade = head.fields.get("Upgrade");
        req.connection = connection;
        req.version = head.fields.get("Sec-WebSocket-Version");
        req.key = head.fields.get("Sec-WebSocket-Key");
        req.extensions = head.fields.get("Sec-WebSocket-Extensions");
        req.origin = head.fields.get("Origin");  // same-origin: the page came from this server
        Upgrader upgrader;
        upgrader.trace = {};
        auto ws = upgrader.upgrade_parsed(std::move(conn), req, rest);
        if (!ws) return;
        for (;;) {
            auto m = ws->read_message();
            if (!m) break;
            if (!ws->write_message(m->type, m->data)) break;
        }
        (void)ws->close(close_code::normal, "", 2s);
    }

  private:
    net::Listener listener_;
    std::atomic<bool> stop_{false};
    std::thread accept_;
    std::list<std::thread> threads_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::string result_;
};

std::string chromium_binary() {
    for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
        if (wire::test::have_program(name)) return name;
    }
    return {};
}

}  // namespace

TEST_CASE("interop: headless Chromium exchanges text and binary messages with our server") {
    const std::string chromium = chromium_binary();
    if (chromium.empty()) {
        MESSAGE("skipped: chromium is not installed");
        return;
    }
    PageServer server;
    char profile[] = "/tmp/wire-chromium-XXXXXX";
    REQUIRE(::mkdtemp(profile) != nullptr);
    {
        wire::test::Process browser(
            {chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-dev-shm-usage", std::string("--user-data-dir=") + profile,
             "--remote-debugging-port=0",  // keeps the browser open until the page reports
             "http://127.0.0.1:" + std::to_string(server.port()) + "/"},
            {}, /*quiet=*/true);  // Chromium logs D-Bus complaints that are not ours
        REQUIRE(browser.running());
        CHECK(server.wait_result(60s) == "ok");
    }  // the browser is killed here
    wire::test::Process cleanup({"rm", "-rf", profile});
    (void)cleanup.wait(10s);
}
