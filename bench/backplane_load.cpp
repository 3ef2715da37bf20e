// backplane_load: the load and the probe of bench/bench-backplane.sh. It opens --subs WebSocket
// connections to each of several instances of a chat (every message any connection sends is
// broadcast to all connections of all instances), sends timestamped messages from one
// connection of the first instance, and measures on every receiving connection how long each
// took from publish to delivery. It reads the CPU time of the server processes (--pids: the
// instances and redis-server) around the measured interval, so that deliveries per CPU-second
// cover all of them together.
//
//   build/bench/backplane_load --ports 9001,9002,9003 --subs 1000 --pids 11,12,13,14
//       [--proto ws|sio] [--path /chat] [--size 64] [--rate 0] [--window 16] [--duration 5]
//
// --rate 0 sends as fast as the slowest path allows: at most --window messages not yet
// delivered to a tracking connection on the last instance. --rate R paces R messages per second
// (for latency at a given load). --proto sio speaks socket.io's framing over its WebSocket
// transport (Engine.IO 4: "40" to join the namespace, events as 42["msg","..."], "3" answers the
// server's "2"). One thread, epoll, non-blocking. Latencies are counted per microsecond up to
// 1 s (a p99 of 1000000 means "1 s or more"). Prints one line of key=value pairs starting with
// RESULT; runnable_waiting_s is the time the load's and the servers' threads were ready to run
// but waited for a core (a shared machine's share of the latency).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
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
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
        .count();
}

struct Options {
    std::vector<int> ports;
    std::vector<int> pids;
    std::size_t subs = 1000;
    bool sio = false;
    std::string path = "/chat";
    std::size_t size = 64;
    double rate = 0;
    std::size_t window = 16;
    double duration = 5;
};

std::vector<int> numbers(const std::string& list) {
    std::vector<int> out;
    std::stringstream in(list);
    std::string item;
    while (std::getline(in, item, ','))
        if (!item.empty()) out.push_back(std::atoi(item.c_str()));
    return out;
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--ports")
            o.ports = numbers(v);
        else if (k == "--pids")
            o.pids = numbers(v);
        else if (k == "--subs")
            o.subs = std::stoul(v);
        else if (k == "--proto")
            o.sio = v == "sio";
        else if (k == "--path")
            o.path = v;
        else if (k == "--size")
            o.size = std::stoul(v);
        else if (k == "--rate")
            o.rate = std::stod(v);
        else if (k == "--window")
            o.window = std::stoul(v);
        else if (k == "--duration")
            o.duration = std::stod(v);
        else {
            std::fprintf(stderr, "backplane_load: unknown flag %s\n", k.c_str());
            std::exit(2);
        }
    }
    if (o.ports.empty()) {
        std::fprintf(stderr, "backplane_load: --ports is required\n");
        std::exit(2);
    }
    if (o.sio && o.path == "/chat") o.path = "/socket.io/?EIO=4&transport=websocket";
    return o;
}

// utime + stime of a process (all its threads), in seconds.
double cpu_seconds(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::size_t paren = stat.rfind(')');
    if (paren == std::string::npos) return 0;
    std::istringstream fields(stat.substr(paren + 2));
    std::string f;
    double ticks = 0;
    for (int i = 3; i <= 15 && fields >> f; ++i)
        if (i == 14 || i == 15) ticks += std::stod(f);
    return ticks / double(sysconf(_SC_CLK_TCK));
}

// Seconds the threads of a process spent runnable but waiting for a core (schedstat's second
// field, summed over /proc/PID/task): on a shared machine, where latency goes that no process
// spends on CPU.
double wait_seconds(int pid) {
    double total = 0;
    const std::string tasks = "/proc/" + std::to_string(pid) + "/task";
    for (const auto& t : std::filesystem::directory_iterator(tasks)) {
        std::ifstream in(t.path() / "schedstat");
        double on_cpu = 0, waiting = 0;
        if (in >> on_cpu >> waiting) total += waiting / 1e9;
    }
    return total;
}

double wait_seconds(const std::vector<int>& pids) {
    double total = wait_seconds(::getpid());
    for (const int p : pids)
        total += wait_seconds(p);
    return total;
}

double cpu_seconds(const std::vector<int>& pids) {
    double total = 0;
    for (const int p : pids)
        total += cpu_seconds(p);
    return total;
}

enum class State { handshake, joining, open, dead };

struct Conn {
    int fd = -1;
    State state = State::handshake;
    std::string in;   // bytes not yet a whole frame (or the handshake's response)
    std::string out;  // bytes the kernel did not take yet
    bool probed = false;
    std::uint64_t received = 0;
};

class Load {
  public:
    explicit Load(Options o) : o_(std::move(o)), latency_us_(kMaxUs + 1, 0) {}
    int run();

  private:
    static constexpr std::size_t kMaxUs = 1'000'000;
    bool connect_all();
    bool wait_probes();
    void measure();
    void poll(int timeout_ms);
    void on_readable(Conn& c);
    void on_frame(Conn& c, std::uint8_t opcode, std::string_view payload);
    void on_message(Conn& c, std::string_view text);
    void send_frame(Conn& c, std::uint8_t opcode, std::string_view payload);
    void send_message(Conn& c, std::string_view text);
    void flush(Conn& c);
    std::string stamped(char kind);
    std::uint64_t percentile(double q) const;

    Options o_;
    int epoll_ = -1;
    std::vector<Conn> conns_;
    std::vector<std::uint64_t> latency_us_;
    std::uint64_t deliveries_ = 0;
    bool counting_ = false;
    std::size_t tracker_ = 0;  // a connection on the last instance
};

void Load::send_frame(Conn& c, std::uint8_t opcode, std::string_view payload) {
    // RFC 6455 §5.3: a client masks every frame; the key may be any 4 bytes (here zeros).
    std::string f;
    f.push_back(char(0x80 | opcode));
    if (payload.size() < 126) {
        f.push_back(char(0x80 | payload.size()));
    } else {
        f.push_back(char(0x80 | 126));
        f.push_back(char(payload.size() >> 8));
        f.push_back(char(payload.size() & 0xff));
    }
    f.append(4, '\0');
    f.append(payload);
    c.out.append(f);
    flush(c);
}

void Load::send_message(Conn& c, std::string_view text) {
    if (!o_.sio) return send_frame(c, 1, text);
    std::string event = "42[\"msg\",\"";
    event.append(text);
    event.append("\"]");
    send_frame(c, 1, event);
}

void Load::flush(Conn& c) {
    while (!c.out.empty()) {
        const ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR) c.state = State::dead;
            return;
        }
        c.out.erase(0, std::size_t(n));
    }
}

std::string Load::stamped(char kind) {
    char head[24];
    std::snprintf(head, sizeof head, "%c%016llx", kind, (unsigned long long)now_ns());
    std::string s(head);
    s.resize(std::max(o_.size, s.size()), 'x');
    return s;
}

void Load::on_message(Conn& c, std::string_view text) {
    if (o_.sio) {
        // Engine.IO: "2" is the server's ping; "40" the namespace joined; "42[...]" an event.
        if (text == "2") return send_frame(c, 1, "3");
        if (text.starts_with("0{")) return send_frame(c, 1, "40");
        if (text.starts_with("40")) {
            c.state = State::open;
            return;
        }
        const std::size_t at = text.find(",\"");
        if (!text.starts_with("42") || at == std::string_view::npos) return;
        text.remove_prefix(at + 2);
    }
    if (text.empty()) return;
    if (text[0] == 'P') c.probed = true;
    if (text[0] != 'M' || text.size() < 17) return;
    ++c.received;
    if (!counting_) return;
    ++deliveries_;
    std::int64_t sent = 0;
    for (const char h : text.substr(1, 16))
        sent = sent << 4 | (h <= '9' ? h - '0' : h - 'a' + 10);
    const auto us = std::uint64_t(std::max<std::int64_t>(0, (now_ns() - sent) / 1000));
    ++latency_us_[std::min<std::uint64_t>(us, kMaxUs)];
}

void Load::on_frame(Conn& c, std::uint8_t opcode, std::string_view payload) {
    if (opcode == 9) return send_frame(c, 10, payload);  // RFC 6455 §5.5.2: ping gets a pong
    if (opcode == 8) {
        c.state = State::dead;
        return;
    }
    if (opcode == 1 || opcode == 2) on_message(c, payload);
}

void Load::on_readable(Conn& c) {
    char buf[65536];
    for (;;) {
        const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
            c.state = State::dead;
            return;
        }
        if (n < 0) break;
        c.in.append(buf, std::size_t(n));
        if (std::size_t(n) < sizeof buf) break;
    }
    if (c.state == State::handshake) {
        const std::size_t end = c.in.find("\r\n\r\n");
        if (end == std::string::npos) return;
        if (c.in.compare(0, 12, "HTTP/1.1 101") != 0) {
            c.state = State::dead;
            return;
        }
        c.in.erase(0, end + 4);
        c.state = o_.sio ? State::joining : State::open;
    }
    std::size_t at = 0;
    while (c.in.size() - at >= 2) {
        const auto* p = reinterpret_cast<const std::uint8_t*>(c.in.data() + at);
        std::size_t len = p[1] & 0x7f, head = 2;
        if (len == 126) {
            if (c.in.size() - at < 4) break;
            len = std::size_t(p[2]) << 8 | p[3];
            head = 4;
        } else if (len == 127) {
            if (c.in.size() - at < 10) break;
            len = 0;
            for (int i = 2; i < 10; ++i)
                len = len << 8 | p[i];
            head = 10;
        }
        if (c.in.size() - at < head + len) break;
        on_frame(c, p[0] & 0x0f, std::string_view(c.in).substr(at + head, len));
        at += head + len;
    }
    c.in.erase(0, at);
}

void Load::poll(int timeout_ms) {
    epoll_event events[256];
    const int n = epoll_wait(epoll_, events, 256, timeout_ms);
    for (int i = 0; i < n; ++i) {
        Conn& c = conns_[events[i].data.u64];
        if (events[i].events & EPOLLOUT) flush(c);
        if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(c);
    }
}

bool Load::connect_all() {
    conns_.resize(o_.ports.size() * o_.subs);
    std::size_t next = 0, opened = 0;
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    while (Clock::now() < deadline) {
        std::size_t pending = 0;
        for (std::size_t i = 0; i < next; ++i)
            pending += conns_[i].state == State::handshake || conns_[i].state == State::joining;
        while (next < conns_.size() && pending < 200) {
            Conn& c = conns_[next];
            const int port = o_.ports[next / o_.subs];
            c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            const int one = 1;
            ::setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_port = htons(std::uint16_t(port));
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            (void)::connect(c.fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
            epoll_event e{};
            e.events = EPOLLIN | EPOLLOUT | EPOLLET;
            e.data.u64 = next;
            epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &e);
            c.out = "GET " + o_.path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                    "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    "Sec-WebSocket-Version: 13\r\n\r\n";
            ++next;
            ++pending;
        }
        poll(10);
        opened = 0;
        for (const Conn& c : conns_) {
            if (c.state == State::dead) {
                std::fprintf(stderr, "backplane_load: a connection failed\n");
                return false;
            }
            opened += c.state == State::open;
        }
        if (opened == conns_.size()) return true;
    }
    std::fprintf(stderr, "backplane_load: %zu of %zu connections opened\n", opened, conns_.size());
    return false;
}

// Until every connection has heard a probe, the subscriptions of some instance are not in place.
bool Load::wait_probes() {
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while (Clock::now() < deadline) {
        send_message(conns_[0], stamped('P'));
        const auto until = Clock::now() + std::chrono::milliseconds(200);
        while (Clock::now() < until)
            poll(10);
        if (std::all_of(conns_.begin(), conns_.end(), [](const Conn& c) { return c.probed; })) {
            return true;
        }
    }
    std::fprintf(stderr, "backplane_load: not every connection heard the probe\n");
    return false;
}

std::uint64_t Load::percentile(double q) const {
    const auto want = std::uint64_t(q * double(deliveries_));
    std::uint64_t seen = 0;
    for (std::size_t us = 0; us <= kMaxUs; ++us) {
        seen += latency_us_[us];
        if (seen > want) return us;
    }
    return kMaxUs;
}

void Load::measure() {
    tracker_ = conns_.size() - 1;
    Conn& pub = conns_[0];
    const double cpu0 = cpu_seconds(o_.pids);
    const double wait0 = wait_seconds(o_.pids);
    const std::int64_t t0 = now_ns();
    const auto stop = std::int64_t(o_.duration * 1e9);
    std::uint64_t sent = 0;
    counting_ = true;
    const std::uint64_t tracked0 = conns_[tracker_].received;
    while (now_ns() - t0 < stop) {
        if (o_.rate > 0) {
            const auto due = std::uint64_t(double(now_ns() - t0) * o_.rate / 1e9);
            while (sent < due) {
                send_message(pub, stamped('M'));
                ++sent;
            }
            poll(1);
        } else {
            while (sent - (conns_[tracker_].received - tracked0) < o_.window) {
                send_message(pub, stamped('M'));
                ++sent;
            }
            poll(1);
        }
    }
    // Drain: every message to every connection, or 3 s.
    const std::uint64_t expected = sent * conns_.size();
    const std::int64_t drain_end = now_ns() + 3'000'000'000;
    while (deliveries_ < expected && now_ns() < drain_end)
        poll(5);
    const double seconds = double(now_ns() - t0) / 1e9;
    const double cpu = cpu_seconds(o_.pids) - cpu0;
    const double waited = wait_seconds(o_.pids) - wait0;
    std::size_t dead = 0;
    for (const Conn& c : conns_)
        dead += c.state == State::dead;
    std::printf(
        "RESULT conns=%zu sent=%llu deliveries=%llu lost=%lld seconds=%.3f cpu=%.3f "
        "deliveries_per_s=%.0f deliveries_per_cpu_s=%.0f p50_us=%llu p99_us=%llu max_us=%llu "
        "dead=%zu runnable_waiting_s=%.3f\n",
        conns_.size(), (unsigned long long)sent, (unsigned long long)deliveries_,
        (long long)expected - (long long)deliveries_, seconds, cpu, double(deliveries_) / seconds,
        cpu > 0 ? double(deliveries_) / cpu : 0.0, (unsigned long long)percentile(0.5),
        (unsigned long long)percentile(0.99), (unsigned long long)percentile(0.999999), dead,
        waited);
}

int Load::run() {
    rlimit r{};
    getrlimit(RLIMIT_NOFILE, &r);
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
    epoll_ = epoll_create1(0);
    if (!connect_all() || !wait_probes()) return 1;
    // Let the probes drain, then count only the measured messages.
    const auto settle = Clock::now() + std::chrono::milliseconds(300);
    while (Clock::now() < settle)
        poll(10);
    measure();
    for (const Conn& c : conns_)
        ::close(c.fd);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Load load(parse(argc, argv));
    return load.run();
}
