// echo_client: seed 000 §5.1.2, the client that writes a message every second and, on Ctrl-C,
// closes the WebSocket cleanly.
//
//   build/examples/echo_server &      then      build/examples/echo_client [--port N]
//   [--url ws://127.0.0.1:8080/socket] [--interval-ms 1000]
//
// The Go program is a select over two channels: a one-second timer and the interrupt signal.
// Here the main thread blocks SIGINT and SIGTERM and waits in sigtimedwait() with a one-second
// timeout, which is that select: a timeout means "time to send", a signal means "shut down".
// A second thread reads (Go's receiveHandler goroutine) and says when it is done.
//
// The clean shutdown, as in the seed: send a close frame (1000, normal closure), then wait for the
// reader to see the server's answering close frame, at most one second, then exit.
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <future>
#include <string>
#include <thread>

#include "example_flags.hpp"
#include "websocket/close.hpp"
#include "websocket/conn.hpp"
#include "websocket/dialer.hpp"

namespace ws = wire::websocket;
using namespace std::chrono_literals;

namespace {

void log_line(const std::string& text) {
    std::fprintf(stdout, "%s\n", text.c_str());
    std::fflush(stdout);
}

// Go's receiveHandler: print every message until the connection ends; `done` closes on return.
void receive_handler(ws::Conn& conn, std::promise<void> done) {
    for (;;) {
        auto msg = conn.read_message();
        if (!msg) {
            log_line("Error in receive: " + msg.error().message());
            break;
        }
        log_line("Received: " + std::string(msg->text()));
    }
    done.set_value();
}

}  // namespace

int main(int argc, char** argv) {
    // Block the signals before any thread starts, so every thread inherits the mask and only
    // sigtimedwait() below ever sees them (signal.Notify(interrupt, os.Interrupt)).
    sigset_t interrupt;
    sigemptyset(&interrupt);
    sigaddset(&interrupt, SIGINT);
    sigaddset(&interrupt, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &interrupt, nullptr);

    const std::string url = example::flag(
        argc, argv, "--url", "ws://127.0.0.1:" + example::port(argc, argv) + "/socket");
    const long interval_ms = std::stol(example::flag(argc, argv, "--interval-ms", "1000"));

    ws::Dialer dialer;
    auto conn = dialer.dial(url);
    if (!conn) {
        std::fprintf(stderr, "Error connecting to Websocket Server: %s\n",
                     conn.error().message().c_str());
        return 1;
    }
    log_line("connected to " + url);
    std::promise<void> done_promise;
    std::future<void> done = done_promise.get_future();
    std::thread receiver(receive_handler, std::ref(*conn), std::move(done_promise));

    const timespec tick{interval_ms / 1000, (interval_ms % 1000) * 1'000'000};
    int exit_code = 0;
    for (;;) {
        const int sig = sigtimedwait(&interrupt, nullptr, &tick);
        if (sig < 0) {  // the timer: write a message
            if (auto w = conn->write_message(ws::Opcode::text, "Hello from wire!"); !w) {
                log_line("Error during writing to websocket: " + w.error().message());
                exit_code = 1;
                break;
            }
            continue;
        }
        // We received a SIGINT (Ctrl + C). Terminate gracefully...
        log_line("Received SIGINT interrupt signal. Closing all pending connections");
        const auto close = ws::format_close_message(ws::close_code::normal, "");
        if (auto w = conn->write_control(ws::Opcode::close, close, ws::Clock::now() + 1s); !w) {
            log_line("Error during closing websocket: " + w.error().message());
            exit_code = 1;
            break;
        }
        if (done.wait_for(1s) == std::future_status::ready) {
            log_line("Receiver Channel Closed! Exiting....");
        } else {
            log_line("Timeout in closing receiving channel. Exiting....");
        }
        break;
    }
    conn->abort();  // ends the reader if it is still waiting
    receiver.join();
    return exit_code;
}
