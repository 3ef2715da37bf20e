// ws_idle_load: opens N idle WebSocket connections to a server and reports the server's memory per
// connection. The shared kit's wsload does the same up to ~28,000 connections: every client
// socket to one server address needs its own source port, and Linux hands out
// ip_local_port_range (32768-60999 here) per source address. This tool spreads the connections
// over several source addresses (127.0.0.2, .3, ...: all of 127/8 is local on Linux) with
// IP_BIND_ADDRESS_NO_PORT, so 100,000 and more fit.
//
//   build/bench/ws_idle_load --port 8190 --pid SERVER_PID --conns 100000 [--batch 200]
//                            [--per-address 25000] [--first-address 0] [--settle 2] [--hold 0]
//                            [--path /] [--extensions "permessage-deflate; ..."]
// With --extensions the request offers them and phase 2's message is compressed (RSV1) when the
// server accepted permessage-deflate, so that a server with context takeover holds its history.
// Where RLIMIT_NOFILE is below N (it caps both ends), several servers on several ports, each with
// its own ws_idle_load (--first-address apart, --hold to keep the connections while the others
// finish), hold the N connections together: bench/bench-ws-event.sh does that.
//
// Phase 1: every connection completes the handshake (at most `batch` in flight), then the
// server's RSS is read after `settle` seconds. Phase 2: every connection echoes one masked 16-byte
// binary message; RSS again. Prints one line of key=value pairs starting with RESULT.
// Single-threaded, epoll, non-blocking; raises its own RLIMIT_NOFILE.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

struct Options {
    int port = 8190;
    long pid = 0;
    std::size_t conns = 10000;
    std::size_t batch = 200;
    std::size_t per_address = 25000;
    std::uint32_t first_address = 0;  // 0: 127.0.0.2
    int settle = 2;
    int hold = 0;  // seconds to keep the connections open after the report
    std::string path = "/";
    std::string extensions;  // offered in Sec-WebSocket-Extensions when set
};

// The RFC 6455 §1.3 example key and the accept value it must produce.
constexpr const char* key = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr const char* accept_line = "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

long rss_kb(long pid) {
    const std::string file = "/proc/" + std::to_string(pid) + "/status";
    FILE* f = std::fopen(file.c_str(), "r");
    if (f == nullptr) return -1;
    char line[256];
    long kb = -1;
    while (std::fgets(line, sizeof line, f) != nullptr) {
        if (std::strncmp(line, "VmRSS:", 6) == 0) kb = std::strtol(line + 6, nullptr, 10);
    }
    std::fclose(f);
    return kb;
}

int open_socket(const Options& o, std::size_t index) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    // The port is picked at connect() time, per destination, instead of at bind() time.
    const int one = 1;
    (void)::setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    sockaddr_in src{};
    src.sin_family = AF_INET;
    src.sin_addr.s_addr =
        htonl(0x7F000002u + o.first_address + static_cast<std::uint32_t>(index / o.per_address));
    sockaddr_in dst{};
    dst.sin_family = AF_INET;
    dst.sin_port = htons(static_cast<std::uint16_t>(o.port));
    dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0 ||
        (::connect(fd, reinterpret_cast<sockaddr*>(&dst), sizeof dst) != 0 &&
         errno != EINPROGRESS)) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Runs one exchange on every connection, `batch` at a time: `start` begins it (false: failed),
// `on_ready` (called for `events`) returns 1 when done, 0 for more, -1 on failure. Failed
// descriptors become `failed`.
constexpr int failed = -1;
constexpr int not_open = -2;

template <class Start, class Ready>
std::size_t run_phase(int ep, std::vector<int>& fds, std::size_t batch, std::uint32_t interest,
                      Start start, Ready on_ready) {
    std::size_t next = 0, in_flight = 0, done = 0;
    epoll_event events[256];
    auto finish = [&](std::size_t i, bool ok) {
        (void)::epoll_ctl(ep, EPOLL_CTL_DEL, fds[i], nullptr);
        if (!ok) ::close(std::exchange(fds[i], failed));
        done += ok ? 1 : 0;
        --in_flight;
    };
    while (next < fds.size() || in_flight > 0) {
        while (next < fds.size() && in_flight < batch) {
            const std::size_t i = next++;
            if (fds[i] == failed) continue;
            epoll_event ev{};
            ev.data.u64 = i;
            ev.events = interest;
            if (!start(i) || ::epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev) != 0) {
                if (fds[i] >= 0) ::close(fds[i]);
                fds[i] = failed;
                continue;
            }
            ++in_flight;
        }
        const int n = ::epoll_wait(ep, events, 256, 10000);
        if (n <= 0) break;  // ten seconds without progress: give up on the rest
        for (int k = 0; k < n; ++k) {
            const auto i = static_cast<std::size_t>(events[k].data.u64);
            const int r = on_ready(i);
            if (r != 0) finish(i, r > 0);
        }
    }
    return done;
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i];
        const char* v = argv[i + 1];
        if (k == "--port")
            o.port = std::atoi(v);
        else if (k == "--pid")
            o.pid = std::atol(v);
        else if (k == "--conns")
            o.conns = std::strtoul(v, nullptr, 10);
        else if (k == "--batch")
            o.batch = std::strtoul(v, nullptr, 10);
        else if (k == "--per-address")
            o.per_address = std::strtoul(v, nullptr, 10);
        else if (k == "--first-address")
            o.first_address = static_cast<std::uint32_t>(std::atoi(v));
        else if (k == "--settle")
            o.settle = std::atoi(v);
        else if (k == "--hold")
            o.hold = std::atoi(v);
        else if (k == "--path")
            o.path = v;
        else if (k == "--extensions")
            o.extensions = v;
    }
    if (o.batch == 0) o.batch = 1;
    if (o.per_address == 0) o.per_address = 25000;
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    const Options o = parse(argc, argv);
    rlimit rl{};
    (void)::getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    (void)::setrlimit(RLIMIT_NOFILE, &rl);
    const long rss0 = o.pid > 0 ? rss_kb(o.pid) : -1;
    const int ep = ::epoll_create1(EPOLL_CLOEXEC);
    std::vector<int> fds(o.conns, not_open);
    std::vector<std::uint32_t> got(o.conns, 0);
    const std::string request =
        "GET " + o.path +
        " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: " +
        key + "\r\nSec-WebSocket-Version: 13\r\n" +
        (o.extensions.empty() ? std::string()
                              : "Sec-WebSocket-Extensions: " + o.extensions + "\r\n") +
        "\r\n";
    const auto t0 = std::chrono::steady_clock::now();
    // Phase 1: connect and handshake. The request is sent once the connect completes; a small
    // request fits the empty send buffer, so one send() is enough.
    const std::size_t open = run_phase(
        ep, fds, o.batch, EPOLLIN | EPOLLOUT,
        [&](std::size_t i) { return (fds[i] = open_socket(o, i)) >= 0; },
        [&](std::size_t i) -> int {
            char buf[512];
            if (got[i] == 0) {  // first readiness: the request goes out
                if (::send(fds[i], request.data(), request.size(), MSG_NOSIGNAL) < 0) {
                    return errno == ENOTCONN ? 0 : -1;
                }
                got[i] = 1;
                epoll_event ev{};
                ev.data.u64 = i;
                ev.events = EPOLLIN;
                (void)::epoll_ctl(ep, EPOLL_CTL_MOD, fds[i], &ev);
            }
            const ssize_t n = ::recv(fds[i], buf, sizeof buf - 1, 0);
            if (n < 0) return errno == EAGAIN || errno == ENOTCONN ? 0 : -1;
            if (n == 0) return -1;
            buf[n] = '\0';
            // The 101 response arrives in one segment on loopback.
            return std::strncmp(buf, "HTTP/1.1 101", 12) == 0 && std::strstr(buf, accept_line) ? 1
                                                                                               : -1;
        });
    const double connect_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::this_thread::sleep_for(std::chrono::seconds(o.settle));
    const long rss_hs = o.pid > 0 ? rss_kb(o.pid) : -1;
    // Phase 2: one masked 16-byte binary message each, echoed unmasked (RFC 6455 §5.2).
    std::uint8_t frame[24] = {0x82,    0x90,    1,       2,       3,       4,
                              'i' ^ 1, 'd' ^ 2, 'l' ^ 3, 'e' ^ 4, '1' ^ 1, '2' ^ 2,
                              '3' ^ 3, '4' ^ 4, '5' ^ 1, '6' ^ 2, '7' ^ 3, '8' ^ 4,
                              '9' ^ 1, '0' ^ 2, 'a' ^ 3, 'b' ^ 4};
    std::size_t frame_len = 22;
    if (!o.extensions.empty()) {
        // The same 16 bytes compressed (RFC 7692 §7.2.1: raw DEFLATE, the sync tail removed),
        // RSV1 set: a server that accepted the offer inflates it and keeps its history.
        const std::uint8_t deflated[18] = {0xca, 0x4c, 0xc9, 0x49, 0x35, 0x34, 0x32, 0x36, 0x31,
                                           0x35, 0x33, 0xb7, 0xb0, 0x34, 0x48, 0x4c, 0x02, 0x00};
        frame[0] = 0xC2;  // FIN, RSV1, binary
        frame[1] = 0x80 | sizeof deflated;
        for (std::size_t k = 0; k < sizeof deflated; ++k)
            frame[6 + k] = static_cast<std::uint8_t>(deflated[k] ^ frame[2 + k % 4]);
        frame_len = 6 + sizeof deflated;
    }
    std::fill(got.begin(), got.end(), 0);
    std::vector<std::uint32_t> need(o.conns, 18);
    const std::size_t echoed = run_phase(
        ep, fds, o.batch, EPOLLIN,
        [&](std::size_t i) {
            return ::send(fds[i], frame, frame_len, MSG_NOSIGNAL) ==
                   static_cast<ssize_t>(frame_len);
        },
        [&](std::size_t i) -> int {
            std::uint8_t buf[64];
            const ssize_t n = ::recv(fds[i], buf, sizeof buf, 0);
            if (n < 0) return errno == EAGAIN ? 0 : -1;
            if (n == 0) return -1;
            // The echo: a 2-byte header and the payload its length names (compressed or not).
            if (got[i] == 0 && n >= 2) need[i] = 2 + (buf[1] & 0x7Fu);
            got[i] += static_cast<std::uint32_t>(n);
            return got[i] >= need[i] ? 1 : 0;
        });
    std::this_thread::sleep_for(std::chrono::seconds(o.settle));
    const long rss_echo = o.pid > 0 ? rss_kb(o.pid) : -1;
    const auto per_conn = [&](long kb) {
        return open > 0 && kb >= 0
                   ? static_cast<double>(kb - rss0) * 1024.0 / static_cast<double>(open)
                   : -1.0;
    };
    std::printf(
        "RESULT conns=%zu open=%zu failed=%zu echoed=%zu connect_s=%.2f conn_per_s=%.0f "
        "rss0_kb=%ld rss_hs_kb=%ld rss_echo_kb=%ld bytes_per_conn_hs=%.0f "
        "bytes_per_conn_echo=%.0f\n",
        o.conns, open, o.conns - open, echoed, connect_s,
        connect_s > 0 ? static_cast<double>(open) / connect_s : 0.0, rss0, rss_hs, rss_echo,
        per_conn(rss_hs), per_conn(rss_echo));
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::seconds(o.hold));
    for (int fd : fds) {
        if (fd >= 0) ::close(fd);
    }
    ::close(ep);
    return open == o.conns && echoed == open ? 0 : 1;
}
