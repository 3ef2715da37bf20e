// simple_echo_client: seed 000 §5.1.3's client: dial, then write "Hello World!" every second and
// print what comes back.
//
//   build/examples/simple_echo_client [--port N] [--count N] [--interval-ms 1000]
//
// --count stops after N messages (the seed runs until killed), closing with 1000 (normal).
// One reader thread for the whole connection: the seed starts a new reader goroutine on every
// tick, which gorilla forbids (one concurrent reader) and wire's Conn would assert on.
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "example_flags.hpp"
#include "websocket/conn.hpp"
#include "websocket/dialer.hpp"

namespace ws = wire::websocket;

namespace {

void receive_handler(ws::Conn& con) {
    for (;;) {
        auto message = con.read_message();
        if (!message) {
            std::printf("Error during Receive: %s\n", message.error().message().c_str());
            std::fflush(stdout);
            return;
        }
        std::printf("Receive:%.*s\n", static_cast<int>(message->data.size()),
                    reinterpret_cast<const char*>(message->data.data()));
        std::fflush(stdout);
    }
}

}  // namespace

int main(int argc, char** argv) {
    const std::string socket_url = "ws://127.0.0.1:" + example::port(argc, argv) + "/socket";
    const long count = std::stol(example::flag(argc, argv, "--count", "0"));  // 0: forever
    const auto interval =
        std::chrono::milliseconds(std::stol(example::flag(argc, argv, "--interval-ms", "1000")));

    // Dial: a TCP connection, then the opening handshake (RFC 6455 §4.1).
    auto conn = ws::Dialer{}.dial(socket_url);
    if (!conn) {
        std::fprintf(stderr, "Error connecting to websocket Server: %s\n",
                     conn.error().message().c_str());
        return 1;
    }
    std::thread receiver(receive_handler, std::ref(*conn));
    for (long sent = 0; count == 0 || sent < count; ++sent) {
        std::this_thread::sleep_for(interval);
        if (auto w = conn->write_message(ws::Opcode::text, "Hello World!"); !w) {
            std::printf("Error during writing to websocket: %s\n", w.error().message().c_str());
            break;
        }
    }
    // The closing handshake: our close frame, the server's answer (seen by the reader), done.
    (void)conn->close(ws::close_code::normal, "", std::chrono::seconds(1));
    receiver.join();
    return 0;
}
