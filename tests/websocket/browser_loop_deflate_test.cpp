// Interop with a browser on the event-driven face: headless Chromium (driven over the DevTools
// pipe, tests/examples/chromium.hpp) loads a page from our http::Server and opens a WebSocket to
// a websocket::handle route with permessage-deflate (RFC 7692), which Chromium offers with
// client_max_window_bits; we ask for windows below the default both ways. Text and binary
// messages of 0 B to 2 MiB are echoed by the LoopConn and compared in the page; our frame trace
// shows both directions compressed.
#include <doctest/doctest.h>

#include <memory>
#include <mutex>
#include <string>

#include "http/request.hpp"
#include "http/response_writer.hpp"
#include "http/serve_mux.hpp"
#include "http/server.hpp"
#include "tests/examples/chromium.hpp"
#include "tests/websocket/frame_log.hpp"
#include "tests/websocket/serving.hpp"
#include "websocket/loop_conn.hpp"
#include "websocket/route.hpp"

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
async function run() {
  const sent = ['hello \u00e9\u{1F600}', new Uint8Array([0, 1, 2, 254, 255]), '',
                new Uint8Array(0), jsonLike(70000), noise(200000), jsonLike(2 << 20),
                new TextEncoder().encode(jsonLike(1 << 19))];
  const ws = new WebSocket('ws://' + location.host + '/ws');
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

}  // namespace

TEST_CASE("interop: headless Chromium with permessage-deflate on our event-driven route") {
    if (!wire::test::Chromium::available()) {
        MESSAGE("skipped: chromium is not installed");
        return;
    }
    FrameLog log;
    std::mutex mu;
    std::string offer;
    bool negotiated = false;
    {
        auto mux = std::make_shared<http::ServeMux>();
        http::Server server;
        server.addr = "127.0.0.1:0";
        server.loops = 1;
        server.log = [](std::string_view) {};
        server.handler = mux;
        Engine engine;
        Endpoint echo;
        echo.options.enable_compression = true;
        echo.options.compression.threshold = 0;
        // Windows below the default, both ways: Chromium's deflater must keep to 10 bits, its
        // inflater must follow ours at 11 (RFC 7692 §7.1.2).
        echo.options.compression.server_max_window_bits = 11;
        echo.options.compression.client_max_window_bits = 10;
        echo.options.limits.frame.max_message_size = 8u << 20;
        echo.options.limits.max_queued_bytes = 8u << 20;
        echo.options.trace = log.sink();
        echo.handlers.on_open = [&](LoopConn& c) {
            std::lock_guard lock(mu);
            negotiated = c.compression();
        };
        echo.handlers.on_message = [](LoopConn& c, const LoopMessage& m) {
            (void)c.send(m.opcode, m.payload);
        };
        mux->handle_func("GET /{$}", [](http::ResponseWriter& w, http::Request&) {
            w.header().set("Content-Type", "text/html; charset=utf-8");
            (void)w.write(kPage);
        });
        const auto upgrade = upgrade_handler(engine, echo);
        mux->handle_func("/ws", [&](http::ResponseWriter& w, http::Request& r) {
            {
                std::lock_guard lock(mu);
                offer = std::string(r.header.get("Sec-WebSocket-Extensions"));
            }
            upgrade->serve(w, r);
        });
        Running running(server);

        wire::test::Chromium browser;
        REQUIRE(browser.started());
        const std::string tab =
            browser.open("http://127.0.0.1:" + std::to_string(server.address().port()) + "/");
        REQUIRE(!tab.empty());
        REQUIRE(browser.wait_for(tab, "typeof run === 'function'"));
        const std::string result = browser.eval_string(tab, "run()");
        CHECK(result ==
              "ok permessage-deflate; server_max_window_bits=11; client_max_window_bits=10");
    }
    std::lock_guard lock(mu);
    CHECK(offer.find("permessage-deflate") != std::string::npos);
    CHECK(offer.find("client_max_window_bits") != std::string::npos);
    CHECK(negotiated);
    // Every data message compressed both ways (RSV1 on its first frame only, RFC 7692 §6.1).
    const FrameTally in = log.tally("recv"), out = log.tally("send");
    INFO("received: " << in << "\nsent: " << out);
    CHECK(in.violations.empty());
    CHECK(out.violations.empty());
    CHECK(in.messages == 8);
    CHECK(out.messages == 8);
    CHECK(in.compressed == 8);
    CHECK(out.compressed == 8);
}
