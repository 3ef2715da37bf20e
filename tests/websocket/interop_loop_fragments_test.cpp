// Interop: our event-driven route sends messages in fragments (LoopConn::send_first_fragment ..
// send_last_fragment) to Node's ws and python3-websockets, which echo each message back whole:
// a text cut inside its UTF-8 characters (the peers check UTF-8 over the whole message), a
// binary one, one sent uncompressed although compression was agreed, and a message sent while
// the first was open (held, so it arrives after it, whole). Without permessage-deflate, with it
// (RSV1 on each compressed message's first frame only, RFC 7692 §6.1, checked in our trace),
// and with it but no context takeover.
#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "tests/websocket/frame_log.hpp"
#include "tests/websocket/peers.hpp"
#include "websocket/loop_conn.hpp"
#include "websocket/ws_server.hpp"

using namespace wire::websocket;
using namespace wire::websocket::test;

namespace {

std::span<const std::uint8_t> bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Text with two- and four-byte characters: 1000-byte pieces cut inside them.
std::string utf8_text() {
    std::string s;
    for (int i = 0; s.size() < 40000; ++i)
        s += "{\"n\":" + std::to_string(i) + ",\"name\":\"Zo\xc3\xab \xf0\x9f\x98\x80\"},";
    return s;
}

// Bytes that barely compress, with a compressible run in the middle.
std::string noise(std::size_t n) {
    std::string s(n, '\0');
    std::uint32_t x = 12345;
    for (std::size_t i = 0; i < n; ++i) {
        x = x * 1103515245u + 12345u;
        s[i] = static_cast<char>(i > n / 3 && i < n / 2 ? 'z' : (x >> 16) & 0xff);
    }
    return s;
}

std::vector<std::string> split(const std::string& s, std::size_t piece) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < s.size(); i += piece)
        out.push_back(s.substr(i, piece));
    return out;
}

struct Sent {
    Opcode op;
    std::string payload;
};

// The route: on open, sends the messages; checks each echo in turn; closes with 1000 after
// the last.
struct FragmentRoute {
    std::vector<std::string> text = split(utf8_text(), 1000);
    std::vector<std::string> binary = split(noise(100000), 16000);
    std::vector<std::string> plain = {"\x01", "", "\x02\x03"};
    std::vector<Sent> expected;
    std::atomic<int> matched{0}, mismatched{0};
    int next = 0;  // the loop thread's

    FragmentRoute() {
        auto join = [](const std::vector<std::string>& v) {
            std::string s;
            for (const auto& p : v)
                s += p;
            return s;
        };
        text.insert(text.begin() + 3, "");  // an empty fragment too
        expected = {{Opcode::text, join(text)},
                    {Opcode::text, "whole"},
                    {Opcode::binary, join(binary)},
                    {Opcode::binary, join(plain)}};
    }

    static void send_pieces(LoopConn& c, Opcode op, const std::vector<std::string>& pieces,
                            bool compress) {
        (void)c.send_first_fragment(op, bytes(pieces.front()), compress);
        for (std::size_t i = 1; i + 1 < pieces.size(); ++i) {
            (void)c.send_fragment(bytes(pieces[i]));
            // RFC 6455 §5.4: held until the message ends, then sent whole.
            if (op == Opcode::text && i == 5) (void)c.send_text("whole");
        }
        (void)c.send_last_fragment(bytes(pieces.back()));
    }

    Endpoint endpoint(FrameLog& log, bool deflate, bool no_takeover) {
        Endpoint e;
        e.options.enable_compression = deflate;
        e.options.compression.server_no_context_takeover = no_takeover;
        e.options.trace = log.sink();
        e.handlers.on_open = [this](LoopConn& c) {
            send_pieces(c, Opcode::text, text, true);
            send_pieces(c, Opcode::binary, binary, true);
            send_pieces(c, Opcode::binary, plain, false);
        };
        e.handlers.on_message = [this](LoopConn& c, const LoopMessage& m) {
            const Sent& want = expected[static_cast<std::size_t>(next)];
            const bool same = m.opcode == want.op && m.text() == want.payload;
            (same ? matched : mismatched).fetch_add(1);
            if (++next == static_cast<int>(expected.size())) c.close(close_code::normal);
        };
        return e;
    }
};

void fragments_to_peer(PeerKind kind, bool deflate, bool no_takeover) {
    FrameLog log;
    FragmentRoute route;
    {
        ServerOptions o;
        o.loops = 1;
        o.trace = {};
        WebSocketServer server(o);
        server.route("/frag", route.endpoint(log, deflate, no_takeover));
        REQUIRE_FALSE(server.listen("127.0.0.1:0"));
        server.start();
        const auto argv = peer_command(kind, "echo-client",
                                       "ws://127.0.0.1:" + std::to_string(server.port()) + "/frag");
        if (argv.empty()) {
            MESSAGE("skipped: " << peer_name(kind) << " is not installed");
            return;
        }
        expect_peer_client_ok(argv);
    }
    CHECK(route.matched == 4);
    CHECK(route.mismatched == 0);
    const FrameTally out = log.tally("send");
    INFO("sent: " << out);
    CHECK(out.violations.empty());  // RSV1 on a compressed message's first frame only
    CHECK(out.messages == 4);
    CHECK(out.compressed == (deflate ? 2 : 0));  // "whole" is under the threshold
    CHECK(out.fragmented == (deflate ? 2 : 0));
    CHECK(out.frames ==
          static_cast<int>(route.text.size() + 1 + route.binary.size() + route.plain.size()));
}

void fragments_to(PeerKind kind) {
    const std::string peer = peer_name(kind);
    CAPTURE(peer);
    SUBCASE("uncompressed") {
        fragments_to_peer(kind, false, false);
    }
    SUBCASE("permessage-deflate") {
        fragments_to_peer(kind, true, false);
    }
    SUBCASE("permessage-deflate, no context takeover") {
        fragments_to_peer(kind, true, true);
    }
}

}  // namespace

TEST_CASE("interop: our route sends fragmented messages to Node ws") {
    fragments_to(PeerKind::node);
}

TEST_CASE("interop: our route sends fragmented messages to python3-websockets") {
    fragments_to(PeerKind::python);
}
