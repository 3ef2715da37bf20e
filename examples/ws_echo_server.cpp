// ws_echo_server: a thread-per-connection WebSocket server on the blocking Conn, the shape of
// gorilla's echo example. `/` echoes every message to its sender; `/broadcast` sends every message
// to every open /broadcast connection, sender included (the bench kit's server contract,
// ../shared/bench/README.md).
//
//   build/examples/ws_echo_server --port 8090
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "net/listener.hpp"
#include "websocket/upgrader.hpp"

using namespace wire;

namespace {

// The /broadcast room: each member's writes are serialized by its own mutex, since several
// reader threads write to it (the Conn allows one writer at a time).
struct Member {
    websocket::Conn conn;
    std::mutex write_mu;
};

class Room {
  public:
    void join(Member* m) {
        std::lock_guard lock(mu_);
        members_.insert(m);
    }
    void leave(Member* m) {
        std::lock_guard lock(mu_);
        members_.erase(m);
    }
    void send(websocket::Opcode type, std::span<const std::uint8_t> data) {
        std::lock_guard lock(mu_);  // members stay alive while listed
        for (Member* m : members_) {
            std::lock_guard write(m->write_mu);
            (void)m->conn.write_message(type, data);
        }
    }

  private:
    std::mutex mu_;
    std::set<Member*> members_;
};

Room room;

void echo(websocket::Conn& conn) {
    for (;;) {
        auto msg = conn.read_message();
        if (!msg) break;
        if (!conn.write_message(msg->type, msg->data)) break;
    }
}

void broadcast(websocket::Conn conn) {
    Member me{std::move(conn), {}};
    room.join(&me);
    for (;;) {
        auto msg = me.conn.read_message();
        if (!msg) break;
        room.send(msg->type, msg->data);
    }
    room.leave(&me);
    std::lock_guard write(me.write_mu);
    (void)me.conn.close(websocket::close_code::normal, "", std::chrono::seconds(1));
}

void serve(net::Socket socket) {
    (void)socket.set_no_delay(true);
    websocket::Upgrader upgrader;
    upgrader.handshake_timeout = std::chrono::seconds(10);
    std::string target;
    auto conn = upgrader.upgrade_connection(net::Conn(std::move(socket)), &target);
    if (!conn) return;
    if (target == "/broadcast") {
        broadcast(std::move(*conn));
        return;
    }
    echo(*conn);
    (void)conn->close(websocket::close_code::normal, "", std::chrono::seconds(1));
}

}  // namespace

int main(int argc, char** argv) {
    std::string port = std::getenv("PORT") != nullptr ? std::getenv("PORT") : "8090";
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], "--port") == 0) port = argv[i + 1];
    }
    std::signal(SIGPIPE, SIG_IGN);
    auto listener = net::Listener::listen("127.0.0.1:" + port);
    if (!listener) {
        std::fprintf(stderr, "listen: %s\n", listener.error().message().c_str());
        return 1;
    }
    std::printf("listening on ws://%s/\n", listener->address().to_string().c_str());
    std::fflush(stdout);
    for (;;) {
        auto socket = listener->accept_wait();
        if (!socket) continue;  // EMFILE and friends: the listener already shed the connection
        std::thread(serve, std::move(*socket)).detach();
    }
}
