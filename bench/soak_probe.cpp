// soak_probe: measures what a server's shutdown does to requests in flight. N keep-alive
// connections each send `GET PATH` again as soon as the previous response is complete (one
// request at a time, as browsers and wrk do); a connection that ends, or whose response says
// "Connection: close", is replaced by a new one at once. Meanwhile bench/soak.sh sends the
// server SIGTERM. Every request ends in one of these classes:
//   completed   the whole response arrived (status 200, the expected body)
//   lost        it was sent, then the connection ended without its whole response:
//               lost_eof (FIN, no response byte), lost_reset (RST, no response byte),
//               truncated (part of the response)
// and every connection attempt refused by the kernel (the listener is closed) counts as
// `refused`: its request never left, so it was never accepted. A graceful shutdown leaves
// lost = 0. The probe stops once no connection is open and connects have been refused for
// --quiet-ms, or after --max-seconds.
//
//   build/bench/soak_probe --port P [--conns 500] [--path /probe] [--body "probe\n"]
//                          [--quiet-ms 1000] [--max-seconds 60]
// Prints "RESULT sent=... completed=... lost=... ..." on standard output; exit status 3 if
// anything was lost or wrong.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    int port = 8096;
    int conns = 500;
    std::string path = "/probe";
    std::string body = "probe\n";
    long quiet_ms = 1000;
    long max_seconds = 60;
};

struct Counts {
    std::uint64_t sent = 0, completed = 0, refused = 0, lost_eof = 0, lost_reset = 0;
    std::uint64_t truncated = 0, bad = 0, closed_idle = 0, connects = 0;
};

enum class State { unused, connecting, waiting, retry };

struct Probe {
    std::uint32_t id = 0;  // index in the table, the epoll key
    int fd = -1;
    State state = State::unused;
    std::string in;  // response bytes so far
    Clock::time_point retry_at{};
};

Options opt;
Counts counts;
std::string request;
int ep = -1;
Clock::time_point last_accepted = Clock::now();
bool ever_refused = false;

void fail(const char* what) {
    std::perror(what);
    std::exit(2);
}

void close_probe(Probe& p, Clock::duration retry_after) {
    if (p.fd >= 0) {
        (void)epoll_ctl(ep, EPOLL_CTL_DEL, p.fd, nullptr);
        ::close(p.fd);
    }
    p.fd = -1;
    p.in.clear();
    p.state = State::retry;
    p.retry_at = Clock::now() + retry_after;
}

void start_connect(Probe& p) {
    p.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (p.fd < 0) fail("socket");
    const int one = 1;
    (void)setsockopt(p.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(opt.port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ++counts.connects;
    if (::connect(p.fd, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0 && errno != EINPROGRESS) {
        // Refused outright: the request never leaves, so it was never accepted.
        ++counts.refused;
        ever_refused = true;
        close_probe(p, std::chrono::milliseconds(50));
        return;
    }
    p.state = State::connecting;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
    ev.data.u32 = p.id;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, p.fd, &ev) < 0) fail("epoll_ctl");
}

// The connection ended (FIN or error) while `p` waited for a response.
void ended(Probe& p, bool reset) {
    if (p.state == State::waiting) {
        if (!p.in.empty()) {
            ++counts.truncated;
        } else if (reset) {
            ++counts.lost_reset;
        } else {
            ++counts.lost_eof;
        }
    }
    close_probe(p, Clock::duration::zero());
}

void send_request(Probe& p) {
    const ssize_t n = ::send(p.fd, request.data(), request.size(), MSG_NOSIGNAL);
    if (n == static_cast<ssize_t>(request.size())) {
        ++counts.sent;
        p.state = State::waiting;
        return;
    }
    // Small requests on an empty socket go whole; anything else means the server is gone
    // before the request left: not sent, so not lost.
    ++counts.closed_idle;
    close_probe(p, Clock::duration::zero());
}

std::size_t content_length(std::string_view head) {
    const std::string_view key = "\r\ncontent-length:";
    for (std::size_t i = 0; i + key.size() <= head.size(); ++i) {
        if (strncasecmp(head.data() + i, key.data(), key.size()) == 0)
            return std::strtoul(head.data() + i + key.size(), nullptr, 10);
    }
    return static_cast<std::size_t>(-1);
}

bool says_close(std::string_view head) {
    const std::string_view key = "\r\nconnection: close";
    for (std::size_t i = 0; i + key.size() <= head.size(); ++i) {
        if (strncasecmp(head.data() + i, key.data(), key.size()) == 0) return true;
    }
    return false;
}

// Handles response bytes; true when a whole response was taken.
bool take_response(Probe& p) {
    const std::size_t end = p.in.find("\r\n\r\n");
    if (end == std::string::npos) return false;
    const std::string_view head(p.in.data(), end + 2);
    const std::size_t length = content_length(head);
    if (length == static_cast<std::size_t>(-1)) {
        ++counts.bad;  // the probe path must answer with Content-Length
        close_probe(p, Clock::duration::zero());
        return true;
    }
    if (p.in.size() < end + 4 + length) return false;
    const std::string_view body(p.in.data() + end + 4, length);
    if (head.substr(0, 12) != "HTTP/1.1 200" || body != opt.body) ++counts.bad;
    ++counts.completed;
    const bool close = says_close(head);
    p.in.erase(0, end + 4 + length);
    if (!p.in.empty()) ++counts.bad;  // no request was pipelined: nothing may follow
    if (close) {
        close_probe(p, Clock::duration::zero());
    } else {
        send_request(p);
    }
    return true;
}

void on_event(Probe& p, std::uint32_t events) {
    if (p.state == State::connecting) {
        int err = 0;
        socklen_t len = sizeof err;
        (void)getsockopt(p.fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
            ++counts.refused;
            ever_refused = true;
            close_probe(p, std::chrono::milliseconds(50));
            return;
        }
        if ((events & EPOLLOUT) == 0) return;
        last_accepted = Clock::now();
        // Connected: from now on only input matters (level-triggered EPOLLOUT would spin).
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLRDHUP;
        ev.data.u32 = p.id;
        (void)epoll_ctl(ep, EPOLL_CTL_MOD, p.fd, &ev);
        send_request(p);
        return;
    }
    char buf[16 * 1024];
    for (;;) {
        const ssize_t n = ::recv(p.fd, buf, sizeof buf, 0);
        if (n > 0) {
            p.in.append(buf, static_cast<std::size_t>(n));
            while (p.fd >= 0 && take_response(p)) {
            }
            if (p.fd < 0) return;
            continue;
        }
        if (n == 0) {
            ended(p, false);
            return;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN) return;
        ended(p, true);
        return;
    }
}

void parse_args(int argc, char** argv) {
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view a = argv[i];
        const char* v = argv[i + 1];
        if (a == "--port")
            opt.port = std::atoi(v);
        else if (a == "--conns")
            opt.conns = std::atoi(v);
        else if (a == "--path")
            opt.path = v;
        else if (a == "--body")
            opt.body = v;
        else if (a == "--quiet-ms")
            opt.quiet_ms = std::atol(v);
        else if (a == "--max-seconds")
            opt.max_seconds = std::atol(v);
        else {
            std::fprintf(stderr, "unknown option %s\n", argv[i]);
            std::exit(2);
        }
    }
    // The shell cannot pass "\n" literally: the default body names it, --body takes it escaped.
    for (std::size_t at; (at = opt.body.find("\\n")) != std::string::npos;)
        opt.body.replace(at, 2, "\n");
}

}  // namespace

int main(int argc, char** argv) {
    parse_args(argc, argv);
    request = "GET " + opt.path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        (void)setrlimit(RLIMIT_NOFILE, &rl);
    }
    ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) fail("epoll_create1");
    std::vector<Probe> probes(static_cast<std::size_t>(opt.conns));
    for (std::size_t i = 0; i < probes.size(); ++i) {
        probes[i].id = static_cast<std::uint32_t>(i);
        start_connect(probes[i]);
    }

    const auto started = Clock::now();
    const auto quiet = std::chrono::milliseconds(opt.quiet_ms);
    std::vector<epoll_event> events(1024);
    for (;;) {
        const auto now = Clock::now();
        std::size_t open = 0;
        for (Probe& p : probes) {
            if (p.state == State::retry && p.retry_at <= now) start_connect(p);
            if (p.fd >= 0) ++open;
        }
        if (open == 0 && ever_refused && now - last_accepted > quiet) break;
        if (now - started > std::chrono::seconds(opt.max_seconds)) break;
        const int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), 5);
        for (int i = 0; i < n; ++i) {
            Probe& p = probes[events[static_cast<std::size_t>(i)].data.u32];
            if (p.fd >= 0) on_event(p, events[static_cast<std::size_t>(i)].events);
        }
    }
    std::uint64_t pending = 0;
    for (const Probe& p : probes)
        if (p.state == State::waiting) ++pending;
    const std::uint64_t lost = counts.lost_eof + counts.lost_reset + counts.truncated;
    std::printf(
        "RESULT sent=%llu completed=%llu lost=%llu lost_eof=%llu lost_reset=%llu truncated=%llu "
        "refused=%llu closed_before_send=%llu bad=%llu pending_at_end=%llu connects=%llu\n",
        static_cast<unsigned long long>(counts.sent),
        static_cast<unsigned long long>(counts.completed), static_cast<unsigned long long>(lost),
        static_cast<unsigned long long>(counts.lost_eof),
        static_cast<unsigned long long>(counts.lost_reset),
        static_cast<unsigned long long>(counts.truncated),
        static_cast<unsigned long long>(counts.refused),
        static_cast<unsigned long long>(counts.closed_idle),
        static_cast<unsigned long long>(counts.bad), static_cast<unsigned long long>(pending),
        static_cast<unsigned long long>(counts.connects));
    return lost != 0 || counts.bad != 0 || pending != 0 ? 3 : 0;
}
