// LoopConn sending one message in fragments (send_first_fragment, send_fragment,
// send_last_fragment): the frames on the wire (RFC 6455 §5.4), the data messages held while a
// message is open (a send, a Hub publish, a ConnHandle send), control frames between fragments,
// closing with a message open, the held messages' bound, and with permessage-deflate one
// DEFLATE stream per message, RSV1 on its first frame only (RFC 7692 §6.1), each fragment
// inflatable as it arrives, with and without context takeover.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/alloc_probe.hpp"
#include "tests/support/eventually.hpp"
#include "tests/websocket/event_client.hpp"
#include "tests/websocket/frame_log.hpp"
#include "websocket/loop_conn.hpp"
#include "websocket/message_inflater.hpp"
#include "websocket/ws_server.hpp"

using namespace wire::websocket;
using namespace std::chrono_literals;
using wire::websocket::test::Client;
using wire::websocket::test::FrameLog;
using wire::websocket::test::ReceivedFrame;

namespace {

std::span<const std::uint8_t> bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// A one-loop server whose route runs `on_text` for each text message from the client.
std::unique_ptr<WebSocketServer> serve(Endpoint e) {
    ServerOptions o;
    o.loops = 1;
    o.trace = {};
    auto s = std::make_unique<WebSocketServer>(o);
    s->route("/", std::move(e));
    REQUIRE_FALSE(s->listen("127.0.0.1:0"));
    s->start();
    return s;
}

// What the loop thread's sends returned, read by the test thread once all are in.
struct Statuses {
    std::mutex mu;
    std::vector<SendStatus> v;
    void add(SendStatus st) {
        std::lock_guard lock(mu);
        v.push_back(st);
    }
    std::vector<SendStatus> wait_for(std::size_t n) {
        (void)wire::test::eventually([&] {
            std::lock_guard lock(mu);
            return v.size() >= n;
        });
        std::lock_guard lock(mu);
        return v;
    }
};

std::uint64_t queued_when_settled(WebSocketServer& s) {
    (void)wire::test::eventually([&] { return s.engine().stats().queued_bytes == 0; });
    return s.engine().stats().queued_bytes;
}

void check_frame(const std::optional<ReceivedFrame>& f, Opcode op, bool fin, std::string_view p) {
    REQUIRE(f);
    CHECK(f->opcode == op);
    CHECK(f->fin == fin);
    CHECK(f->payload == p);
}

}  // namespace

TEST_CASE(
    "LoopConn fragments: one message leaves as its frames, a UTF-8 character cut across two") {
    Statuses got;  // the loop thread's, read after the frames arrived
    std::atomic<bool> open_between{false};
    Endpoint e;
    e.handlers.on_message = [&](LoopConn& c, const LoopMessage&) {
        got.add(c.send_first_fragment(Opcode::text, bytes("h\xc3")));  // é cut in two
        got.add(c.send_fragment(bytes("\xa9llo ")));
        got.add(c.send_fragment({}));  // an empty fragment is a frame too
        open_between = c.sending_fragments();
        got.add(c.send_last_fragment(bytes("world")));
        if (c.sending_fragments()) open_between = false;
    };
    auto server = serve(std::move(e));
    Client c = Client::connect(server->port());
    REQUIRE(c.send(Opcode::text, "go"));
    check_frame(c.read_frame(), Opcode::text, false, "h\xc3");
    check_frame(c.read_frame(), Opcode::continuation, false, "\xa9llo ");
    check_frame(c.read_frame(), Opcode::continuation, false, "");
    check_frame(c.read_frame(), Opcode::continuation, true, "world");
    const auto st = got.wait_for(4);
    CHECK(open_between);
    REQUIRE(st.size() == 4);
    for (const SendStatus one : st)
        CHECK(one == SendStatus::sent);
    CHECK(wire::test::eventually([&] { return server->engine().stats().messages_out == 1; }));
}

TEST_CASE(
    "LoopConn fragments: a send, a Hub publish and a handle's send wait for the open message") {
    WebSocketServer* self = nullptr;
    std::mutex mu;
    ConnHandle handle;
    Statuses got;
    Endpoint e;
    e.handlers.on_open = [&](LoopConn& c) {
        c.subscribe("news");
        std::lock_guard lock(mu);
        handle = c.handle();
    };
    e.handlers.on_message = [&](LoopConn& c, const LoopMessage& m) {
        if (m.text() == "go") {
            got.add(c.send_first_fragment(Opcode::binary, bytes("1")));
            got.add(c.send_text("direct"));  // RFC 6455 §5.4: not between the fragments
            self->hub().publish("news", "published");
            CHECK(c.ping(bytes("p")));  // §5.5: control frames may go between them
            got.add(c.send_fragment(bytes("2")));
        } else {
            got.add(c.send_last_fragment(bytes("3")));
        }
    };
    auto server = serve(std::move(e));
    self = server.get();
    Client c = Client::connect(server->port());
    REQUIRE(c.send(Opcode::text, "go"));
    check_frame(c.read_frame(), Opcode::binary, false, "1");
    check_frame(c.read_frame(), Opcode::ping, true, "p");
    check_frame(c.read_frame(), Opcode::continuation, false, "2");
    {
        std::lock_guard lock(mu);
        REQUIRE(handle.send_text("via handle"));
    }
    // Nothing more while the message is open: the three messages are held.
    c.set_timeout(300ms);
    CHECK_FALSE(c.read_frame());
    c.set_timeout(5s);
    REQUIRE(c.send(Opcode::text, "end"));
    check_frame(c.read_frame(), Opcode::continuation, true, "3");
    std::vector<std::string> after;
    for (int i = 0; i < 3; ++i) {
        auto f = c.read_frame();
        REQUIRE(f);
        CHECK(f->opcode == Opcode::text);
        CHECK(f->fin);
        after.push_back(f->payload);
    }
    // In the order they were sent on the loop; the handle's after the message at least.
    CHECK(std::find(after.begin(), after.end(), "direct") <
          std::find(after.begin(), after.end(), "published"));
    CHECK(std::find(after.begin(), after.end(), "via handle") != after.end());
    const auto st = got.wait_for(4);
    REQUIRE(st.size() == 4);
    CHECK(st[0] == SendStatus::sent);
    CHECK(st[1] == SendStatus::buffered);
    CHECK(st[2] == SendStatus::sent);
    CHECK(st[3] == SendStatus::sent);
    CHECK(queued_when_settled(*server) == 0);
}

TEST_CASE("LoopConn fragments: closing with a message open abandons it and drops what it held") {
    std::atomic<bool> after_close_dropped{false}, still_open{true};
    Endpoint e;
    e.handlers.on_message = [&](LoopConn& c, const LoopMessage&) {
        (void)c.send_first_fragment(Opcode::text, bytes("part"));
        (void)c.send_text("held");
        c.close(close_code::normal, "bye");
        still_open = c.sending_fragments();
        after_close_dropped = c.send_fragment(bytes("more")) == SendStatus::dropped &&
                              c.send_last_fragment(bytes("end")) == SendStatus::dropped;
    };
    auto server = serve(std::move(e));
    Client c = Client::connect(server->port());
    REQUIRE(c.send(Opcode::text, "go"));
    check_frame(c.read_frame(), Opcode::text, false, "part");
    // §5.5: the close frame may follow a fragment; the message is never finished.
    const auto close = c.read_frame();
    REQUIRE(close);
    CHECK(close->opcode == Opcode::close);
    CHECK(close->close_code() == close_code::normal);
    REQUIRE(c.send_close(close_code::normal));
    CHECK(c.wait_eof());
    CHECK_FALSE(still_open);
    CHECK(after_close_dropped);
    CHECK(server->engine().stats().dropped == 3);  // "held", "more", "end"
    CHECK(queued_when_settled(*server) == 0);
}

TEST_CASE("LoopConn fragments: the peer's close while a message is open abandons it too") {
    std::atomic<bool> open_at_close{true};
    Endpoint e;
    e.handlers.on_message = [&](LoopConn& c, const LoopMessage&) {
        (void)c.send_first_fragment(Opcode::binary, bytes("x"));
        (void)c.send_text("held");
    };
    e.handlers.on_close = [&](LoopConn& c, std::uint16_t, std::string_view) {
        open_at_close = c.sending_fragments();
    };
    auto server = serve(std::move(e));
    Client c = Client::connect(server->port());
    REQUIRE(c.send(Opcode::text, "go"));
    check_frame(c.read_frame(), Opcode::binary, false, "x");
    REQUIRE(c.send_close(close_code::going_away));
    const auto close = c.read_frame();  // our answer: no "held" before it
    REQUIRE(close);
    CHECK(close->opcode == Opcode::close);
    CHECK(c.wait_eof());
    CHECK(wire::test::eventually([&] { return !open_at_close; }));
    (void)wire::test::eventually([&] { return server->engine().stats().dropped == 1; });
    CHECK(server->engine().stats().dropped == 1);
    CHECK(queued_when_settled(*server) == 0);
}

TEST_CASE("LoopConn fragments: held messages count towards max_queued_bytes") {
    Statuses got;
    Endpoint e;
    e.options.limits.max_queued_bytes = 4096;
    e.options.slow_consumer = SlowConsumerPolicy::drop_newest;
    e.handlers.on_message = [&](LoopConn& c, const LoopMessage&) {
        const std::string big(2000, 'x');
        (void)c.send_first_fragment(Opcode::binary, bytes("a"));
        for (int i = 0; i < 3; ++i)
            got.add(c.send_binary(bytes(big)));  // 2 x 2004 bytes fit, a third does not
        (void)c.send_last_fragment(bytes("b"));
    };
    auto server = serve(std::move(e));
    Client c = Client::connect(server->port());
    REQUIRE(c.send(Opcode::text, "go"));
    check_frame(c.read_frame(), Opcode::binary, false, "a");
    check_frame(c.read_frame(), Opcode::continuation, true, "b");
    check_frame(c.read_frame(), Opcode::binary, true, std::string(2000, 'x'));
    check_frame(c.read_frame(), Opcode::binary, true, std::string(2000, 'x'));
    const auto st = got.wait_for(3);
    REQUIRE(st.size() == 3);
    CHECK(st[0] == SendStatus::buffered);
    CHECK(st[1] == SendStatus::buffered);
    CHECK(st[2] == SendStatus::dropped);
    CHECK(server->engine().stats().dropped == 1);
}

TEST_CASE("LoopConn fragments: a later fragment the queue limit refuses closes with 1013") {
    std::atomic<int> dropped_at{-1};
    std::atomic<bool> open_after{true};
    std::atomic<bool> handled{false};
    Endpoint e;
    e.options.limits.max_queued_bytes = 256 * 1024;
    e.options.slow_consumer = SlowConsumerPolicy::drop_oldest;
    e.handlers.on_message = [&](LoopConn& c, const LoopMessage&) {
        const std::string piece(65536, 'f');
        (void)c.send_first_fragment(Opcode::binary, bytes(piece));
        for (int i = 0; i < 400; ++i) {  // 26 MB: far more than loopback buffers hold
            if (c.send_fragment(bytes(piece)) == SendStatus::dropped) {
                dropped_at = i;
                break;
            }
        }
        open_after = c.is_open();
        handled = true;
    };
    auto server = serve(std::move(e));
    Client c = Client::connect(server->port());
    REQUIRE(c.send(Opcode::text, "go"));
    // Why: a client reading while the handler sends can keep pace with it on a loaded machine
    // (the server thread descheduled between sends), and then the queue never fills.
    REQUIRE(wire::test::eventually([&] { return handled.load(); }));
    // Every frame that arrives is a fragment of the unfinished message, then the close.
    int fragments = 0;
    std::uint16_t code = 0;
    for (;;) {
        auto f = c.read_frame();
        REQUIRE(f);
        if (f->opcode == Opcode::close) {
            code = f->close_code();
            break;
        }
        CHECK_FALSE(f->fin);
        ++fragments;
    }
    CHECK(wire::test::eventually([&] { return !open_after; }));
    CHECK(dropped_at >= 0);
    CHECK(code == close_code::try_again_later);
    CHECK(fragments == dropped_at + 1);
}

namespace {

// Inflates each frame's payload as it arrives; returns the pieces, one per frame.
struct Receiver {
    MessageInflater inflater;
    std::vector<std::uint8_t> out = std::vector<std::uint8_t>(1 << 20);

    std::string piece(const ReceivedFrame& f, bool first, bool text) {
        if (first) inflater.begin_message(text);
        std::span<const std::uint8_t> in = bytes(f.payload);
        std::string got;
        do {
            const auto r = inflater.inflate(in, out, f.fin);
            REQUIRE_FALSE(r.error);
            in = in.subspan(r.consumed);
            got.append(reinterpret_cast<const char*>(out.data()), r.produced);
        } while (!in.empty() || (f.fin && !inflater.message_done()));
        return got;
    }
};

void compressed_fragments(bool no_takeover) {
    CAPTURE(no_takeover);
    FrameLog log;
    const std::vector<std::string> text = {
        "h\xc3", "\xa9llo w\xc3\xb6rld, " + std::string(3000, 'w'), "", "{\"end\":true}"};
    const std::vector<std::string> binary = {"\x01\x02", "\x03\x04"};
    Endpoint e;
    e.options.enable_compression = true;
    e.options.trace = log.sink();
    e.handlers.on_message = [&](LoopConn& c, const LoopMessage&) {
        for (int m = 0; m < 2; ++m) {  // twice: with takeover the second refers to the first
            (void)c.send_first_fragment(Opcode::text, bytes(text[0]));
            for (std::size_t i = 1; i + 1 < text.size(); ++i)
                (void)c.send_fragment(bytes(text[i]));
            (void)c.send_last_fragment(bytes(text.back()));
        }
        // Uncompressed when asked, although negotiated.
        (void)c.send_first_fragment(Opcode::binary, bytes(binary[0]), /*compress=*/false);
        (void)c.send_last_fragment(bytes(binary[1]));
    };
    auto server = serve(std::move(e));
    Client c = Client::open(server->port(), "/",
                            no_takeover ? "Sec-WebSocket-Extensions: permessage-deflate; "
                                          "server_no_context_takeover\r\n"
                                        : "Sec-WebSocket-Extensions: permessage-deflate\r\n");
    REQUIRE(c.read_response().rfind("HTTP/1.1 101", 0) == 0);
    c.allowed_rsv = rsv1;
    REQUIRE(c.response_head.find("permessage-deflate") != std::string::npos);
    REQUIRE(c.send(Opcode::text, "go"));
    // Without takeover a fresh history per message: a back-reference into the first message
    // would fail the second.
    Receiver rx{MessageInflater(15, no_takeover, 1 << 20)};
    for (int m = 0; m < 2; ++m) {
        for (std::size_t i = 0; i < text.size(); ++i) {
            const auto f = c.read_frame();
            REQUIRE(f);
            CHECK(f->opcode == (i == 0 ? Opcode::text : Opcode::continuation));
            CHECK(f->fin == (i + 1 == text.size()));
            CHECK(f->rsv == (i == 0 ? rsv1 : 0));  // RFC 7692 §6.1
            // Every fragment inflates to its own bytes at once (a sync flush ends each).
            CHECK(rx.piece(*f, i == 0, true) == text[i]);
        }
    }
    check_frame(c.read_frame(), Opcode::binary, false, binary[0]);
    check_frame(c.read_frame(), Opcode::continuation, true, binary[1]);
    const auto sent = log.tally("send");
    INFO(sent);
    CHECK(sent.violations.empty());  // RSV1 on the first frame of each compressed message only
    CHECK(sent.messages == 3);
    CHECK(sent.compressed == 2);
    CHECK(sent.fragmented == 2);
    CHECK(sent.frames == 10);
}

}  // namespace

TEST_CASE(
    "LoopConn fragments with permessage-deflate: one stream, RSV1 first, each piece flushed") {
    SUBCASE("context takeover") {
        compressed_fragments(false);
    }
    SUBCASE("no context takeover") {
        compressed_fragments(true);
    }
}

namespace {

// Fragments sent while the queue is empty allocate nothing once the loop's codecs and the
// connection's history are in place (they grow with the history up to the window, once).
void fragments_allocate_nothing(const char* offer, bool compress) {
    constexpr int warm_up = 200, pieces = 50;
    std::atomic<long> allocations{-1};
    Endpoint e;
    e.options.enable_compression = true;
    e.handlers.on_message = [&](LoopConn& c, const LoopMessage&) {
        const std::string piece(200, 'p');
        (void)c.send_first_fragment(Opcode::text, bytes(piece), compress);
        // 40 KB, more than the 32 KiB window: the loop's deflater has grown to its full size.
        for (int i = 0; i < warm_up; ++i)
            (void)c.send_fragment(bytes(piece));
        const std::size_t before = wire::test::alloc::news.load();
        for (int i = 0; i < pieces; ++i)
            (void)c.send_fragment(bytes(piece));
        allocations = static_cast<long>(wire::test::alloc::news.load() - before);
        (void)c.send_last_fragment({});
    };
    auto server = serve(std::move(e));
    Client c = Client::open(server->port(), "/", offer);
    REQUIRE(c.read_response().rfind("HTTP/1.1 101", 0) == 0);
    c.allowed_rsv = rsv1;
    REQUIRE(c.send(Opcode::text, "go"));
    // The client reads (and allocates) only once the loop has counted.
    REQUIRE(wire::test::eventually([&] { return allocations >= 0; }));
    CHECK(allocations.load() == 0);
    for (int i = 0; i < warm_up + pieces + 2; ++i)
        REQUIRE(c.read_frame());
}

}  // namespace

TEST_CASE("LoopConn fragments: no allocation per fragment") {
    SUBCASE("uncompressed") {
        fragments_allocate_nothing("", false);
    }
    SUBCASE("compressed, context takeover") {
        fragments_allocate_nothing("Sec-WebSocket-Extensions: permessage-deflate\r\n", true);
    }
    SUBCASE("compressed, no context takeover") {
        fragments_allocate_nothing(
            "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n", true);
    }
}
