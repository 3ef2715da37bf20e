// The event-driven WebSocket server of the bench contract (../shared/bench/README.md):
//   ws://127.0.0.1:PORT/           echoes each message to its sender, same opcode
//   ws://127.0.0.1:PORT/broadcast  sends each message to every /broadcast connection (a Hub topic)
// Options: --port N (or PORT), WORKERS loops (default 1), --busy-poll US (each loop stays awake
// up to US microseconds after a busy pass: ServerOptions::busy_poll, docs/performance.md),
// --deflate MODE to accept permessage-deflate (docs/websocket-compression.md): 15 or 12 (both
// windows, context takeover) or no-takeover (15-bit windows, a fresh history per message).
// SIGINT/SIGTERM: 1001 to every client, up to 2 s to drain, exit.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "net/error.hpp"
#include "websocket/loop_conn.hpp"
#include "websocket/ws_server.hpp"

using namespace wire::websocket;

namespace {

unsigned env_number(const char* name, unsigned fallback) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' ? static_cast<unsigned>(std::strtoul(v, nullptr, 10))
                                      : fallback;
}

}  // namespace

int main(int argc, char** argv) {
    unsigned port = env_number("PORT", 8090);
    ServerOptions options;
    std::string deflate = "off";
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], "--deflate") == 0) deflate = argv[i + 1];
        if (std::strcmp(argv[i], "--port") == 0)
            port = static_cast<unsigned>(std::atoi(argv[i + 1]));
        if (std::strcmp(argv[i], "--busy-poll") == 0)
            options.busy_poll = std::chrono::microseconds(std::atol(argv[i + 1]));
    }
    options.loops = env_number("WORKERS", 1);
    WebSocketServer server(options);

    EventOptions event;
    if (deflate != "off") {
        event.enable_compression = true;
        event.compression.threshold = 0;
        const int bits = deflate == "12" ? 12 : 15;
        event.compression.server_max_window_bits = event.compression.client_max_window_bits = bits;
        const bool fresh = deflate == "no-takeover";
        event.compression.server_no_context_takeover = fresh;
        event.compression.client_no_context_takeover = fresh;
    }
    Endpoint echo{event, {}};
    echo.handlers.on_message = [](LoopConn& c, const LoopMessage& m) {
        (void)c.send(m.opcode, m.payload);
    };
    server.route("/", echo);

    Endpoint broadcast{event, {}};
    Hub& hub = server.hub();
    broadcast.handlers.on_open = [](LoopConn& c) { c.subscribe("all"); };
    broadcast.handlers.on_message = [&hub](LoopConn&, const LoopMessage& m) {
        hub.publish("all", m.opcode, m.payload);
    };
    server.route("/broadcast", broadcast);

    const std::string address = "127.0.0.1:" + std::to_string(port);
    if (auto ec = server.listen(address)) {
        // e.g. "listen 127.0.0.1:8090: address already in use"
        std::fprintf(stderr, "ws_event_echo_server: %s\n",
                     wire::net::describe("listen", address, ec).c_str());
        return 1;
    }
    if (auto ec = server.shutdown_on_signals(std::chrono::seconds(2))) {
        std::fprintf(stderr, "signals: %s\n", ec.message().c_str());
        return 1;
    }
    std::printf("listening on ws://127.0.0.1:%u/\n", static_cast<unsigned>(server.port()));
    std::fflush(stdout);
    std::fprintf(stderr, "ws_event_echo_server: %zu loop(s), %zu B per connection object\n",
                 server.loops().size(), sizeof(LoopConn));
    server.run();
    const EventStats s = server.engine().stats();
    std::fprintf(stderr, "served %llu connections, %llu messages in, %llu out, %llu dropped\n",
                 static_cast<unsigned long long>(s.accepted),
                 static_cast<unsigned long long>(s.messages_in),
                 static_cast<unsigned long long>(s.messages_out),
                 static_cast<unsigned long long>(s.dropped));
    return 0;  // SIGINT or SIGTERM: a graceful stop is success
}
