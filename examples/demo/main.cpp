// demo: the server `make run` starts. One address, every example with a browser side:
//
//   http://127.0.0.1:8080/            the home page, linking everything below
//   /echo.html  /chat.html  /push.html  /tail.html   the WebSocket pages
//   /files/     a file server over examples/static/
//   /inspect    the request inspector (seed 000)
//
// Everything is served through http::gzip_handler: pages, scripts, listings and the inspector
// go gzip-compressed to a browser that accepts it (Vary: Accept-Encoding), and the WebSocket
// routes behind it upgrade as before (the handler passes hijack and upgrade_on_loop through).
//   /seed/001/client.html, /seed/002/   the seed tutorials' own pages
//
//   build/examples/demo [--port N] [--tail FILE]     (or PORT=N)
//   build/examples/demo --redis HOST:PORT --instance NAME     one instance of a cluster
//                                       (cluster.hpp; WIRE_REDIS, WIRE_INSTANCE)
//
// examples/demo/ROUTES.md lists every route and what the pages expect of it. The terminal shows
// the URL and one access-log line per request. Ctrl-C (or SIGTERM) shuts down gracefully:
// requests in flight finish and WebSocket clients get a close frame with 1001 (going away).
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "../example_flags.hpp"
#include "cluster.hpp"
#include "demo.hpp"
#include "http/gzip_handler.hpp"
#include "http/request.hpp"
#include "http/serve_mux.hpp"
#include "http/server.hpp"
#include "http/server_error.hpp"
#include "net/error.hpp"
#include "websocket/route.hpp"

namespace http = wire::http;

namespace {

// One line per response: client, request line, status, body bytes, time taken. It goes to the
// terminal and, appended, to the log file /tail follows by default: open /tail.html, then click
// around in another tab and watch your own requests arrive.
class AccessLog {
  public:
    explicit AccessLog(const std::filesystem::path& file) : file_(file, std::ios::app) {}
    void operator()(const http::AccessLogEntry& e) {
        const double ms = std::chrono::duration<double, std::milli>(e.duration).count();
        char timing[32];
        std::snprintf(timing, sizeof timing, " %.2f ms", ms);
        write(e.remote_addr, e.method, e.target, e.proto,
              std::to_string(e.status) + " " + std::to_string(e.bytes) + timing);
    }
    // An upgraded request: 101, then the connection belongs to a WebSocket session.
    void upgraded(const http::Request& r) {
        write(r.remote_addr, r.method, r.target, r.proto(), "101 websocket");
    }

  private:
    void write(std::string_view addr, std::string_view method, std::string_view target,
               std::string_view proto, const std::string& outcome) {
        std::string line;
        line.append(addr).append(" \"").append(method).append(" ").append(target).append(" ");
        line.append(proto).append("\" ").append(outcome).append("\n");
        std::lock_guard lock(mu_);  // handlers on several loops or workers log at once
        std::fwrite(line.data(), 1, line.size(), stdout);
        std::fflush(stdout);
        file_ << line << std::flush;
    }

    std::mutex mu_;
    std::ofstream file_;
};

demo::Paths find_paths(int argc, char** argv) {
    demo::Paths paths;
    paths.www = demo::find_repo_dir("examples/demo/www");
    paths.static_dir = demo::find_repo_dir("examples/static");
    paths.tail_file = example::flag(argc, argv, "--tail", "");
    if (paths.tail_file.empty())
        paths.tail_file = std::filesystem::temp_directory_path() / "wire-demo-access.log";
    return paths;
}

// Ctrl-C and SIGTERM are taken by one thread of ours with sigwait(2) instead of
// Server::shutdown_on_signals, which runs the shutdown hooks on an event loop: the hook that
// closes the threaded sessions blocks (each closing handshake waits for the peer), and a loop
// must not block, so server.shutdown() is called from this thread instead.
sigset_t stop_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
}

void block_stop_signals() {
    const sigset_t set = stop_signals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void stop_on_signal(http::Server& server) {
    const sigset_t set = stop_signals();
    int sig = 0;
    sigwait(&set, &sig);
    (void)server.shutdown(std::chrono::seconds(2));
}

}  // namespace

int main(int argc, char** argv) {
    const demo::Paths paths = find_paths(argc, argv);
    auto mux = std::make_shared<http::ServeMux>();
    demo::add_pages(*mux, paths);
    demo::add_files(*mux, paths);
    demo::add_inspector(*mux);
    http::Server server;
    demo::Live live;
    live.tail_file = paths.tail_file;
    demo::add_sockets(*mux, live);
    std::unique_ptr<demo::Cluster> cluster;
    if (const std::string redis = demo::redis_address(argc, argv); !redis.empty()) {
        live.instance = demo::instance_name(argc, argv);
        cluster = std::make_unique<demo::Cluster>(live, redis, live.instance);
        live.cluster = cluster.get();
    }
    AccessLog log_file(paths.tail_file);
    live.on_upgrade = [&log_file](const http::Request& r) { log_file.upgraded(r); };

    server.addr = example::listen_address(argc, argv);
    server.handler = http::gzip_handler(mux);
    server.access_log = [&log_file](const http::AccessLogEntry& e) { log_file(e); };
    // Upgraded connections are no longer the server's: it tells us when it shuts down, and
    // every WebSocket gets a close frame with 1001 (going away). The chat's connections live on
    // the server's loops, which keep running until their closing handshakes are done (or 1 s).
    server.register_on_shutdown([&live] { live.sessions.stop_all(); });
    wire::websocket::shutdown_with(server, live.engine, std::chrono::seconds(1));
    server.log = [](std::string_view line) {
        std::fprintf(stdout, "wire demo: %.*s\n", static_cast<int>(line.size()), line.data());
        std::fflush(stdout);
    };
    block_stop_signals();  // before any thread starts, so that every thread inherits it
    if (cluster) cluster->start();
    if (paths.www.empty()) std::fprintf(stderr, "demo: pages not found (set WIRE_DEMO_ROOT)\n");
    if (auto listening = server.listen(); !listening) {
        // e.g. "demo: listen 127.0.0.1:8080: address already in use"
        std::fprintf(stderr, "demo: %s\n",
                     wire::net::describe("listen", server.addr, listening.error()).c_str());
        return 1;
    }
    if (cluster) {
        std::printf("wire demo: instance %s, joined through redis at %s\n", live.instance.c_str(),
                    demo::redis_address(argc, argv).c_str());
    }
    std::printf(
        "wire demo: open http://%s/ in a browser (Ctrl-C stops)\n"
        "wire demo: /tail follows %s\n",
        server.address().to_string().c_str(), paths.tail_file.c_str());
    std::fflush(stdout);
    std::thread stopper(stop_on_signal, std::ref(server));
    auto result = server.serve();
    if (result.error() != http::ServerError::server_closed) ::kill(::getpid(), SIGTERM);
    stopper.join();  // (woken above if serve() failed by itself)
    live.sessions.wait();
    if (cluster) cluster->stop();
    // server_closed (Go's ErrServerClosed): Ctrl-C or SIGTERM stopped it gracefully. Success.
    if (result.error() == http::ServerError::server_closed) return 0;
    std::fprintf(stderr, "demo: %s\n", result.error().message().c_str());
    return 1;
}
