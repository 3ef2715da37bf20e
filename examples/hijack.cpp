// hijack: seed 004, Go's http.Hijacker example. A handler takes the TCP connection away from the
// HTTP server and speaks its own protocol on it, which is how a WebSocket upgrade starts.
//
//   build/examples/hijack [--port N]
//   (exec 3<>/dev/tcp/127.0.0.1/8080    # bash's own TCP client: the connection as descriptor 3
//    printf 'GET /hijack HTTP/1.1\r\nHost: x\r\n\r\nhi\n' >&3; cat <&3)
//   -> Now we're speaking raw TCP. Say hi: You said: "hi\n"
//      Bye.
//
// After hijack() the server never touches the socket again: no response head is sent (the client
// sees raw bytes, not HTTP), and closing the connection is ours. Handlers run on the server's
// event loop and must not block, so each hijacked connection gets a thread of its own, as Go
// gives each one a goroutine. On Ctrl-C the server's shutdown hook closes the connections still
// open, so their threads end, and main waits for them.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>

#include "example_flags.hpp"
#include "http/handlers.hpp"
#include "http/request.hpp"
#include "http/response_writer.hpp"
#include "http/serve_mux.hpp"
#include "http/server.hpp"
#include "http/server_error.hpp"
#include "net/error.hpp"

namespace http = wire::http;
namespace net = wire::net;

namespace {

// Go's %q: the text in double quotes with \n, \t, quotes and non-printable bytes escaped.
std::string quote(std::string_view s) {
    std::string out = "\"";
    for (const char c : s) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (c == '\n') {
            out.append("\\n");
        } else if (c == '\r') {
            out.append("\\r");
        } else if (c == '\t') {
            out.append("\\t");
        } else if (byte < 0x20 || byte == 0x7f) {
            static constexpr char hex[] = "0123456789abcdef";
            out.append("\\x").push_back(hex[byte >> 4]);
            out.push_back(hex[byte & 15]);
        } else {
            out.push_back(c);  // printable ASCII and UTF-8 bytes as they are
        }
    }
    out.push_back('"');
    return out;
}

// The connections we own after hijack(): counted so main can wait for their threads, listed so
// a shutdown can close them.
class Sessions {
  public:
    void start(http::Hijacked hijacked) {
        std::lock_guard lock(mu_);
        if (closing_) return;  // dropping `hijacked` closes the connection
        open_.insert(hijacked.conn.get());
        std::thread([this, h = std::move(hijacked)]() mutable { run(std::move(h)); }).detach();
    }
    // Server::register_on_shutdown: a closed Conn makes the blocked read fail at once.
    void close_all() {
        std::lock_guard lock(mu_);
        closing_ = true;
        for (net::Conn* conn : open_)
            (void)conn->close();
    }
    void wait() {
        std::unique_lock lock(mu_);
        done_.wait(lock, [this] { return open_.empty(); });
    }

  private:
    void run(http::Hijacked h) {
        talk(h);
        std::lock_guard lock(mu_);
        open_.erase(h.conn.get());
        // Close the socket before main may return; the reader and writer refer to the Conn.
        h.writer.reset();
        h.reader.reset();
        h.conn.reset();
        done_.notify_all();
    }

    static void talk(http::Hijacked& h) {
        (void)h.writer->write("Now we're speaking raw TCP. Say hi: ");
        if (auto flushed = h.writer->flush(); !flushed) return;
        // A client that never answers must not hold the thread forever.
        h.conn->set_read_deadline(std::chrono::steady_clock::now() + std::chrono::seconds(60));
        auto line = h.reader->read_until('\n');
        if (!line) {
            std::fprintf(stderr, "error reading string: %s\n", line.error().message().c_str());
            return;
        }
        (void)h.writer->write("You said: " + quote(*line) + "\nBye.\n");
        (void)h.writer->flush();
    }

    std::mutex mu_;
    std::condition_variable done_;
    std::set<net::Conn*> open_;
    bool closing_ = false;
};

}  // namespace

int main(int argc, char** argv) {
    Sessions sessions;
    http::handle_func("/hijack", [&sessions](http::ResponseWriter& w, http::Request&) {
        auto hijacked = w.hijack();
        if (!hijacked) {
            http::error(w, hijacked.error().message(), 500);
            return;
        }
        sessions.start(std::move(*hijacked));
    });

    http::Server server;
    server.addr = example::listen_address(argc, argv);
    server.register_on_shutdown([&sessions] { sessions.close_all(); });
    server.shutdown_on_signals(std::chrono::seconds(2));
    auto result = server.listen_and_serve();
    sessions.wait();
    // Like Go's ListenAndServe it returns only with an error: server_closed (Go's
    // ErrServerClosed) after Ctrl-C or SIGTERM stopped it gracefully, which is success.
    if (result.error() == http::ServerError::server_closed) return 0;
    std::fprintf(stderr, "hijack: %s\n",
                 wire::net::describe("listen", server.addr, result.error()).c_str());
    return 1;
}
