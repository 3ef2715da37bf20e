// Interop with a browser, permessage-deflate (RFC 7692) on both faces: headless Chromium
// (driven over the DevTools pipe, tests/examples/chromium.hpp) loads a page from our
// http::Server and opens a WebSocket to a websocket::handle route (a LoopConn), then one to a
// route whose handler upgrades with the blocking Upgrader (a Conn on a thread). Chromium offers
// permessage-deflate with client_max_window_bits; we ask for windows below the default both
// ways. Text and binary messages of 0 B to 1 MiB are echoed and compared in the page; our frame
// traces show both directions compressed. One browser serves both faces: its start is most of
// the test's time.
#include <doctest/doctest.h>

#include <memory>
#include <mutex>
#include <string>

#include "http/request.hpp"
#include "http/response_writer.hpp"
#include "http/serve_mux.hpp"
#include "http/server.hpp"
#include "tests/examples/chromium.hpp"
#include "tests/websocket/echo_server.hpp"
#include "tests/websocket/frame_log.hpp"
#include "tests/websocket/serving.hpp"
#include "websocket/loop_conn.hpp"
#include "websocket/route.hpp"
#include "websocket/upgrader.hpp"

using namespace wire;
using namespace wire::websocket;
using namespace wire::websocket::test;

namespace {

// run() opens the socket, checks the agreed extension, sends each message, compares its echo,
// closes, and resolves to "ok <extensions>" or "fail:<why>".
constexpr std::string_view kPage = R"(<!doctype html>
<html><body><script>
function jsonLike(n) {
  const parts = [];
  let len = 0;
  for (let i = 0; len < n; i++) {
    const s = '{"id":' + i + ',"name":"user' + (i % 97) + '","note":"\u00e9t\u00e9"},';
    parts.push(s);
    len += s.length;
  }
  return parts.join('').slice(0, n);
}
function noise(n) {
  const b = new Uint8Array(n);
  let x = 12345;
  for (let i = 0; i < n; i++) { x = (Math.imul(x, 1103515245) + 12345) >>> 0; b[i] = x >>> 24; }
  return b;
}
function same(got, want) {
  if (typeof want === 'string') return got === want;
  const g = new Uint8Array(got);
  if (g.length !== want.length) return false;
  for (let i = 0; i < g.length; i++) if (g[i] !== want[i]) return false;
  return true;
}
async function run(path) {
  const sent = ['hello \u00e9\u{1F600}', new Uint8Array([0, 1, 2, 254, 255]), '',
                new Uint8Array(0), jsonLike(70000), noise(200000), jsonLike(1 << 20),
                new TextEncoder().encode(jsonLike(1 << 18))];
  const ws = new WebSocket('ws://' + location.host + path);
  ws.binaryType = 'arraybuffer';
  const queue = [];
  let waiting = null;
  ws.onmessage = (e) => { if (waiting) { waiting(e.data); waiting = null; } else queue.push(e.data); };
  const next = () => queue.length ? Promise.resolve(queue.shift())
                                  : new Promise((ok) => { waiting = ok; });
  const closed = new Promise((ok) => { ws.onclose = (e) => ok(e.code); });
  const opened = await new Promise((ok) => { ws.onopen = () => ok(true); ws.onerror = () => ok(false); });
  if (!opened) return 'fail:open';
  if (!ws.extensions.includes('permessage-deflate')) return 'fail:extensions=' + ws.extensions;
  for (let step = 0; step < sent.length; step++) {
    ws.send(sent[step]);
    const got = await Promise.race([next(), closed.then((c) => ({closed: c}))]);
    if (got && got.closed !== undefined) return 'fail:closed ' + got.closed + ' at ' + step;
    if (!same(got, sent[step])) return 'fail:step' + step;
  }
  ws.close(1000, 'done');
  const code = await closed;
  return code === 1000 ? 'ok ' + ws.extensions : 'fail:close' + code;
}
</script></body></html>
)";

// What both faces must show: the offer, the agreement, eight messages compressed both ways
// (RSV1 on the first frame of each only, RFC 7692 §6.1).
struct Face {
    FrameLog log;
    std::mutex mu;
    std::string offer;
    bool negotiated = false;

    void saw(const http::Request& r) {
        std::lock_guard lock(mu);
        offer = std::string(r.header.get("Sec-WebSocket-Extensions"));
    }
    void agreed(bool on) {
        std::lock_guard lock(mu);
        negotiated = on;
    }
    void check() {
        std::lock_guard lock(mu);
        CHECK(offer.find("permessage-deflate") != std::string::npos);
        CHECK(offer.find("client_max_window_bits") != std::string::npos);
        CHECK(negotiated);
        const FrameTally in = log.tally("recv"), out = log.tally("send");
        INFO("received: " << in << "\nsent: " << out);
        CHECK(in.violations.empty());
        CHECK(out.violations.empty());
        CHECK(in.messages == 8);
        CHECK(out.messages == 8);
        CHECK(in.compressed == 8);
        CHECK(out.compressed == 8);
    }
};

// Windows below the default, both ways: Chromium's deflater must keep to 10 bits, its inflater
// must follow ours at 11 (RFC 7692 §7.1.2).
CompressionOptions small_windows() {
    CompressionOptions c;
    c.threshold = 0;
    c.server_max_window_bits = 11;
    c.client_max_window_bits = 10;
    return c;
}

}  // namespace

TEST_CASE("interop: headless Chromium with permessage-deflate on both our faces") {
    if (!wire::test::Chromium::available()) {
        MESSAGE("skipped: chromium is not installed");
        return;
    }
    Face loop_face, blocking_face;
    EchoThreads threads;  // the blocking face's Conns; joined after the server has stopped
    {
        auto mux = std::make_shared<http::ServeMux>();
        http::Server server;
        server.addr = "127.0.0.1:0";
        server.loops = 1;
        server.log = [](std::string_view) {};
        server.handler = mux;
        mux->handle_func("GET /{$}", [](http::ResponseWriter& w, http::Request&) {
            w.header().set("Content-Type", "text/html; charset=utf-8");
            (void)w.write(kPage);
        });
        // The event-driven face: a websocket::handle route's LoopConn.
        Engine engine;
        Endpoint echo;
        echo.options.enable_compression = true;
        echo.options.compression = small_windows();
        echo.options.limits.frame.max_message_size = 8u << 20;
        echo.options.limits.max_queued_bytes = 8u << 20;
        echo.options.trace = loop_face.log.sink();
        echo.handlers.on_open = [&](LoopConn& c) { loop_face.agreed(c.compression()); };
        echo.handlers.on_message = [](LoopConn& c, const LoopMessage& m) {
            (void)c.send(m.opcode, m.payload);
        };
        const auto upgrade = upgrade_handler(engine, echo);
        mux->handle_func("/loop", [&](http::ResponseWriter& w, http::Request& r) {
            loop_face.saw(r);
            upgrade->serve(w, r);
        });
        // The blocking face: the Upgrader hijacks the connection for a Conn on a thread.
        Upgrader upgrader;
        upgrader.enable_compression = true;
        upgrader.compression = small_windows();
        upgrader.trace = blocking_face.log.sink();
        mux->handle_func("/blocking", [&](http::ResponseWriter& w, http::Request& r) {
            blocking_face.saw(r);
            auto conn = upgrader.upgrade(w, r);
            if (!conn) return;
            blocking_face.agreed(conn->compression() != nullptr);
            threads.start(std::move(*conn));
        });
        Running running(server);

        wire::test::Chromium browser;
        REQUIRE(browser.started());
        const std::string tab =
            browser.open("http://127.0.0.1:" + std::to_string(server.address().port()) + "/");
        REQUIRE(!tab.empty());
        REQUIRE(browser.wait_for(tab, "typeof run === 'function'"));
        const std::string agreed =
            "ok permessage-deflate; server_max_window_bits=11; client_max_window_bits=10";
        CHECK(browser.eval_string(tab, "run('/loop')") == agreed);
        CHECK(browser.eval_string(tab, "run('/blocking')") == agreed);
    }
    {
        INFO("event-driven face");
        loop_face.check();
    }
    {
        INFO("blocking face");
        blocking_face.check();
    }
}
