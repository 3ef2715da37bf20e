// EventLoop::receive_ahead and receive: on io_uring the kernel receives a socket's bytes into the
// loop's shared buffers before the handler reads (net/detail/uring_poller.hpp); on epoll receive
// is recv(2). Either way the handler sees the same stream, told of it as readable while bytes
// wait, with back-pressure, the end of the stream after the bytes, and nothing left behind when
// the socket leaves the loop.
#include <doctest/doctest.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "net/detail/uring_buffers.hpp"
#include "net/detail/uring_poller.hpp"
#include "net/detail/uring_ring.hpp"
#include "net/event_loop.hpp"
#include "net/socket.hpp"
#include "tests/net/helpers.hpp"

using namespace wire::net;
using wire::net::test::Pair;
using wire::net::test::pattern;
using wire::net::test::run_for;
using wire::net::test::run_until;
using wire::net::test::uring_available;
using namespace std::chrono_literals;

namespace {

// Reads with loop.receive, at most `chunk` bytes per readiness (level triggering must bring it
// back), until the end of the stream; checks every byte against the pattern.
struct StreamReader final : IoHandler {
    EventLoop* loop = nullptr;
    int fd = -1;
    std::size_t chunk = 7;
    bool reading = true;         // false: told of the bytes, reads none
    std::size_t total = 0;       // bytes read
    std::size_t wrong = 0;       // bytes that broke the pattern
    std::size_t told_ahead = 0;  // readiness calls that found bytes already received
    std::size_t told = 0;
    std::size_t read_turns = 0;  // readiness calls that read bytes
    bool ended = false;
    int error = 0;
    std::vector<std::uint8_t> buf = std::vector<std::uint8_t>(256 * 1024);

    // Registers `f` with `l`, received ahead.
    void watch(EventLoop& l, int f) {
        loop = &l;
        fd = f;
        REQUIRE_FALSE(l.add(f, Interest::readable, this));
        l.receive_ahead(f);
    }

    void on_readable() override {
        ++told;
        if (loop->received_ahead(fd) > 0) ++told_ahead;
        if (!reading || ended) return;
        const long n = loop->receive(fd, buf.data(), chunk);
        if (n == 0) {
            ended = true;
        } else if (n < 0) {
            if (errno != EAGAIN) error = errno;
        } else {
            ++read_turns;
            for (long i = 0; i < n; ++i)
                if (buf[static_cast<std::size_t>(i)] !=
                    pattern(total + static_cast<std::size_t>(i)))
                    ++wrong;
            total += static_cast<std::size_t>(n);
        }
    }
    void on_error() override { error = -1; }
};

// Writes `size` bytes of the pattern from another thread, waiting for room as a peer would.
void write_pattern(int fd, std::size_t size, std::size_t piece) {
    std::vector<std::uint8_t> out(size);
    for (std::size_t i = 0; i < size; ++i)
        out[i] = pattern(i);
    std::size_t sent = 0;
    while (sent < size) {
        const ssize_t n = ::send(fd, out.data() + sent, std::min(piece, size - sent), MSG_NOSIGNAL);
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
        } else if (n < 0 && errno == EAGAIN) {
            std::this_thread::sleep_for(100us);
        } else {
            FAIL("send failed: ", errno);
        }
    }
}

// Whether this kernel receives ahead (io_uring with buffer rings, multishot receives and
// DEFER_TASKRUN: 6.1 or newer); elsewhere receive() is recv(2) on either backend.
bool receive_ahead_available() {
    if (!uring_available()) return false;
    EventLoop loop(LoopBackend::uring);
    Pair p;
    StreamReader h;
    h.reading = false;
    h.watch(loop, p.a.fd());
    REQUIRE(::send(p.b.fd(), "x", 1, 0) == 1);
    run_for(loop, 5ms);
    const bool ahead = loop.received_ahead(p.a.fd()) == 1;
    REQUIRE_FALSE(loop.remove(p.a.fd()));
    if (!ahead) MESSAGE("this kernel does not receive ahead: recv(2) on io_uring too");
    return ahead;
}

}  // namespace

TEST_CASE("EventLoop receive_ahead: a stream arrives whole and in order, read 7 bytes a turn") {
    for (const LoopBackend backend : {LoopBackend::epoll, LoopBackend::uring}) {
        CAPTURE(to_string(backend));
        EventLoop loop(backend);
        Pair p;
        StreamReader h;
        h.chunk = 7;
        h.watch(loop, p.a.fd());
        constexpr std::size_t size = 100 * 1000;
        std::thread peer([&] {
            write_pattern(p.b.fd(), size, 1000);
            ::shutdown(p.b.fd(), SHUT_WR);
        });
        run_until(loop, [&] { return h.ended || h.error != 0; });
        peer.join();
        CHECK(h.total == size);
        CHECK(h.wrong == 0);
        CHECK(h.ended);
        CHECK(h.error == 0);
        if (loop.backend() == LoopBackend::uring && receive_ahead_available()) {
            // The turns that read bytes found them in the loop's buffers, not the socket. (Not
            // every readiness call reads bytes: an arrival the owner already read is told too.)
            MESSAGE("turns that read bytes received ahead: ", h.told_ahead, " of ", h.read_turns,
                    " (", h.told, " told)");
            CHECK(h.told_ahead * 2 > h.read_turns);
        }
        REQUIRE_FALSE(loop.remove(p.a.fd()));
    }
}

TEST_CASE("EventLoop receive_ahead: the end of the stream comes after the bytes, and stays") {
    for (const LoopBackend backend : {LoopBackend::epoll, LoopBackend::uring}) {
        CAPTURE(to_string(backend));
        EventLoop loop(backend);
        Pair p;
        StreamReader h;
        h.reading = false;
        h.watch(loop, p.a.fd());
        std::uint8_t three[3] = {pattern(0), pattern(1), pattern(2)};
        REQUIRE(::send(p.b.fd(), three, 3, 0) == 3);
        ::shutdown(p.b.fd(), SHUT_WR);
        run_for(loop, 20ms);
        CHECK(h.told >= 1);
        std::uint8_t buf[16];
        CHECK(loop.receive(p.a.fd(), buf, sizeof buf) == 3);
        CHECK(buf[2] == pattern(2));
        CHECK(loop.receive(p.a.fd(), buf, sizeof buf) == 0);
        CHECK(loop.receive(p.a.fd(), buf, sizeof buf) == 0);
        REQUIRE_FALSE(loop.remove(p.a.fd()));
    }
}

TEST_CASE("EventLoop receive_ahead: interest none stops the kernel receiving (back-pressure)") {
    if (!receive_ahead_available()) return;
    EventLoop loop(LoopBackend::uring);
    Pair p;
    StreamReader h;
    h.reading = false;
    h.watch(loop, p.a.fd());
    run_for(loop, 5ms);  // the receive is armed
    REQUIRE_FALSE(loop.modify(p.a.fd(), Interest::none));
    run_for(loop, 5ms);  // and cancelled
    // The peer writes until its socket refuses: the loop takes nothing more for this socket.
    std::vector<std::uint8_t> out(64 * 1024);
    std::size_t sent = 0;
    while (sent < 64 * 1024 * 1024) {
        for (std::size_t i = 0; i < out.size(); ++i)
            out[i] = pattern(sent + i);
        const ssize_t n = ::send(p.b.fd(), out.data(), out.size(), MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<std::size_t>(n);
        run_for(loop, 1ms);
    }
    CHECK(sent < 64 * 1024 * 1024);  // the peer was held back
    CHECK(loop.received_ahead(p.a.fd()) == 0);
    // Readable again: everything arrives, in order.
    REQUIRE_FALSE(loop.modify(p.a.fd(), Interest::readable));
    h.reading = true;
    h.chunk = 64 * 1024;
    ::shutdown(p.b.fd(), SHUT_WR);
    run_until(loop, [&] { return h.ended || h.error != 0; });
    CHECK(h.total == sent);
    CHECK(h.wrong == 0);
    REQUIRE_FALSE(loop.remove(p.a.fd()));
}

// When every buffer holds bytes nobody has read yet, the kernel ends the receives of the
// sockets that find none (ENOBUFS): those wait on a poll and read with recv(2) until buffers
// are back. Nothing is lost or reordered either way.
TEST_CASE("EventLoop receive_ahead: sockets that find the buffers all taken lose nothing") {
    if (!receive_ahead_available()) return;
    detail::use_receive_buffers_for_tests(8);  // taken by the loop's first receive_ahead
    EventLoop loop(LoopBackend::uring);
    constexpr int sockets = 20;
    std::vector<Pair> pairs(sockets);
    std::vector<StreamReader> readers(sockets);
    for (int i = 0; i < sockets; ++i) {
        StreamReader& h = readers[static_cast<std::size_t>(i)];
        h.reading = false;  // until the buffers have run dry
        h.chunk = 1000;
        h.watch(loop, pairs[static_cast<std::size_t>(i)].a.fd());
    }
    detail::use_receive_buffers_for_tests(0);
    run_for(loop, 5ms);  // every receive is armed
    std::vector<std::uint8_t> first(100);
    for (std::size_t i = 0; i < first.size(); ++i)
        first[i] = pattern(i);
    for (Pair& p : pairs)
        REQUIRE(::send(p.b.fd(), first.data(), first.size(), 0) == 100);
    run_for(loop, 20ms);
    int holding = 0;
    for (StreamReader& h : readers) {
        if (loop.received_ahead(h.fd) > 0) ++holding;
        CHECK(h.told >= 1);  // held or not, each was told of its bytes
    }
    CHECK(holding == 8);  // one buffer each while they lasted
    // The rest of each stream, then the end; now everyone reads.
    std::vector<std::thread> peers;
    for (Pair& p : pairs) {
        const int fd = p.b.fd();
        peers.emplace_back([fd] {
            std::vector<std::uint8_t> rest(50 * 1000);
            for (std::size_t i = 0; i < rest.size(); ++i)
                rest[i] = pattern(100 + i);
            std::size_t sent = 0;
            while (sent < rest.size()) {
                const ssize_t n =
                    ::send(fd, rest.data() + sent, std::min<std::size_t>(700, rest.size() - sent),
                           MSG_NOSIGNAL);
                if (n > 0)
                    sent += static_cast<std::size_t>(n);
                else
                    std::this_thread::sleep_for(100us);
            }
            ::shutdown(fd, SHUT_WR);
        });
    }
    for (StreamReader& h : readers)
        h.reading = true;
    run_until(loop, [&] {
        for (const StreamReader& h : readers)
            if (!h.ended && h.error == 0) return false;
        return true;
    });
    for (std::thread& t : peers)
        t.join();
    for (StreamReader& h : readers) {
        CHECK(h.total == 50 * 1000 + 100);
        CHECK(h.wrong == 0);
        CHECK(h.error == 0);
        REQUIRE_FALSE(loop.remove(h.fd));
    }
}

// A socket whose arrivals fill whole buffers reads with recv(2) straight into the caller's
// buffer: receiving ahead would add a copy and save little. Small arrivals bring it back.
TEST_CASE("EventLoop receive_ahead: a bulk stream is read with recv(2), small arrivals ahead") {
    if (!receive_ahead_available()) return;
    EventLoop loop(LoopBackend::uring);
    Pair p;
    int size = 1 << 20;
    REQUIRE(::setsockopt(p.b.fd(), SOL_SOCKET, SO_SNDBUF, &size, sizeof size) == 0);
    StreamReader h;
    h.chunk = 256 * 1024;
    h.watch(loop, p.a.fd());
    constexpr std::size_t bulk = 16 * 1024 * 1024;
    std::thread peer([&] { write_pattern(p.b.fd(), bulk, 256 * 1024); });
    run_until(loop, [&] { return h.total >= bulk || h.error != 0; });
    peer.join();
    CHECK(h.total == bulk);
    CHECK(h.wrong == 0);
    MESSAGE("bulk: ", h.told_ahead, " of ", h.told, " turns found bytes received ahead");
    CHECK(h.told_ahead * 4 < h.told);
    // Small messages now, one at a time: received ahead again.
    const std::size_t before_told = h.told, before_ahead = h.told_ahead;
    h.chunk = 64;
    for (int i = 0; i < 20; ++i) {
        std::uint8_t small[10];
        for (std::size_t j = 0; j < sizeof small; ++j)
            small[j] = pattern(h.total + j);
        REQUIRE(::send(p.b.fd(), small, sizeof small, 0) == 10);
        const std::size_t want = h.total + 10;
        run_until(
            loop, [&] { return h.total >= want; }, 2s);
    }
    CHECK(h.wrong == 0);
    const std::size_t told = h.told - before_told, ahead = h.told_ahead - before_ahead;
    MESSAGE("small: ", ahead, " of ", told, " turns found bytes received ahead");
    CHECK(ahead * 2 > told);
    REQUIRE_FALSE(loop.remove(p.a.fd()));
}

TEST_CASE("EventLoop receive_ahead: remove() drops what waits; the fd's next socket starts clean") {
    for (const LoopBackend backend : {LoopBackend::epoll, LoopBackend::uring}) {
        CAPTURE(to_string(backend));
        EventLoop loop(backend);
        StreamReader h;
        h.reading = false;
        int first_fd = -1;
        {
            Pair p;
            first_fd = p.a.fd();
            h.watch(loop, first_fd);
            REQUIRE(::send(p.b.fd(), "old", 3, 0) == 3);
            run_for(loop, 10ms);
            if (loop.backend() == LoopBackend::uring && receive_ahead_available())
                CHECK(loop.received_ahead(first_fd) == 3);
            REQUIRE_FALSE(loop.remove(first_fd));
            CHECK(loop.received_ahead(first_fd) == 0);
        }
        Pair q;  // the lowest free fds: most likely the same numbers
        CAPTURE(q.a.fd() == first_fd);
        h.watch(loop, q.a.fd());
        REQUIRE(::send(q.b.fd(), "new", 3, 0) == 3);
        run_for(loop, 10ms);
        char buf[16] = {};
        CHECK(loop.receive(q.a.fd(), buf, sizeof buf) == 3);
        CHECK(std::string(buf, 3) == "new");
        REQUIRE_FALSE(loop.remove(q.a.fd()));
    }
}

// A handler that reads on until EAGAIN, or blocks in poll(2) for more, gets the socket's bytes
// at once: a read that finds nothing held cancels the kernel's receive and calls recv(2).
TEST_CASE("EventLoop receive_ahead: reading until EAGAIN, then in poll(2), loses nothing") {
    for (const LoopBackend backend : {LoopBackend::epoll, LoopBackend::uring}) {
        CAPTURE(to_string(backend));
        EventLoop loop(backend);
        Pair p;
        struct Greedy final : IoHandler {
            EventLoop* loop;
            int fd;
            std::string got;
            void on_readable() override {
                char buf[5];
                for (;;) {
                    const long n = loop->receive(fd, buf, sizeof buf);
                    if (n <= 0) break;
                    got.append(buf, static_cast<std::size_t>(n));
                }
                if (got == "first") {
                    // Blocks on the socket itself, as a handler reading a body on the loop does.
                    pollfd pf{fd, POLLIN, 0};
                    REQUIRE(::poll(&pf, 1, 2000) == 1);
                    const long n = loop->receive(fd, buf, sizeof buf);
                    REQUIRE(n > 0);
                    got.append(buf, static_cast<std::size_t>(n));
                }
            }
            void on_error() override {}
        } h;
        h.loop = &loop;
        h.fd = p.a.fd();
        REQUIRE_FALSE(loop.add(p.a.fd(), Interest::readable, &h));
        loop.receive_ahead(p.a.fd());
        REQUIRE(::send(p.b.fd(), "first", 5, 0) == 5);
        std::thread later([&] {
            std::this_thread::sleep_for(50ms);
            REQUIRE(::send(p.b.fd(), "+more", 5, 0) == 5);
        });
        run_until(
            loop, [&] { return h.got.size() >= 10; }, 3s);
        later.join();
        CHECK(h.got == "first+more");
        REQUIRE_FALSE(loop.remove(p.a.fd()));
    }
}

// Within a pass, sockets with bytes received ahead are dispatched before the writable ones, as
// an epoll wait often lists them: a handler that reads and answers then finds its peers' queues
// still waiting for writability and adds to them (a fan-out's answers leave in fewer writes).
TEST_CASE("EventLoop receive_ahead: held bytes are dispatched before writability in a pass") {
    if (!receive_ahead_available()) return;
    EventLoop loop(LoopBackend::uring);
    Pair reading, writing;
    std::vector<char> order;
    struct Recorder final : IoHandler {
        Recorder(std::vector<char>& o, char n, EventLoop& l, int f)
            : order(&o), name(n), loop(&l), fd(f) {}
        std::vector<char>* order;
        char name;
        EventLoop* loop;
        int fd;
        void on_readable() override {
            order->push_back(name);
            char buf[16];
            (void)loop->receive(fd, buf, sizeof buf);
        }
        void on_writable() override {
            order->push_back(name);
            (void)loop->modify(fd, Interest::none);
        }
        void on_error() override {}
    };
    Recorder r(order, 'r', loop, reading.a.fd()), w(order, 'w', loop, writing.a.fd());
    REQUIRE(::send(reading.b.fd(), "x", 1, 0) == 1);
    REQUIRE_FALSE(loop.add(writing.a.fd(), Interest::writable, &w));
    REQUIRE_FALSE(loop.add(reading.a.fd(), Interest::readable, &r));
    loop.receive_ahead(reading.a.fd());
    run_for(loop, 10ms);  // one pass has both: the poll's completion and the receive's
    REQUIRE(order.size() == 2);
    CHECK(order[0] == 'r');
    CHECK(order[1] == 'w');
    REQUIRE_FALSE(loop.remove(reading.a.fd()));
    REQUIRE_FALSE(loop.remove(writing.a.fd()));
}

namespace {

// 64 receive buffers lent through a ring of their own, for the trim tests.
struct TrimmedBuffers {
    static constexpr unsigned count = 64;
    detail::UringBuffers buffers{count, 16 * 1024, count};
    std::unique_ptr<detail::UringRing> ring;

    // False where there is nothing to test: no io_uring, or a kernel without buffer rings.
    bool attach() {
        if (!uring_available()) return false;
        std::error_code ec;
        ring = detail::UringRing::create(8, 32, ec);
        REQUIRE(ring);
        REQUIRE_FALSE(ring->enable());
        return !buffers.attach(*ring);
    }
    // A burst: refill(16) lends 2 x 16 + 8 = 40 buffers, ids 0 to 39 (the top of the free
    // stack), and bytes land in each, as the kernel's receive would put them.
    void lend_and_fill() {
        buffers.refill(16);
        for (std::uint16_t id = 0; id < 40; ++id) {
            buffers.data(id)[0] = 1;
            buffers.took(id, 100);
        }
    }
    void put_back() {
        for (std::uint16_t id = 0; id < 40; ++id)
            buffers.put(id);  // id 39 last: the warmest
    }
    bool resident(std::uint16_t id) const {
        unsigned char v = 0;
        REQUIRE(::mincore(buffers.data(id), static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)),
                          &v) == 0);
        return (v & 1) != 0;
    }
    int resident_of_burst() const {
        int kept = 0;
        for (std::uint16_t id = 0; id < 40; ++id)
            kept += resident(id) ? 1 : 0;
        return kept;
    }
};

}  // namespace

// The pages of receive buffers a burst used go back to the kernel, but those of the warmest,
// so a loop's memory after a burst of many requests at once returns to what a few need.
TEST_CASE("UringBuffers: trim gives back the pages of all but the warmest free buffers") {
    TrimmedBuffers t;
    if (!t.attach()) return;
    t.lend_and_fill();
    CHECK(t.buffers.touched() == 40);
    t.put_back();
    t.buffers.trim(8);
    CHECK(t.buffers.touched() == 8);
    CHECK(t.resident_of_burst() == 8);
    CHECK(t.resident(39));
    CHECK_FALSE(t.resident(0));
    CHECK(t.buffers.data(0)[0] == 0);  // a page given back reads as zeros when touched again
}

// After a burst the ring may hold many buffers that have pages (lent again after use) while no
// pass comes to lower it: trim takes those pages too, past the `keep` warmest.
TEST_CASE(
    "UringBuffers: trim gives back the pages of lent buffers when the free ones are not enough") {
    TrimmedBuffers t;
    if (!t.attach()) return;
    t.lend_and_fill();
    t.put_back();
    t.buffers.refill(16);  // the same 40, all with pages, lent again
    REQUIRE(t.buffers.free_count() == TrimmedBuffers::count - 40);
    CHECK(t.buffers.touched() == 40);
    t.buffers.trim(8);
    CHECK(t.buffers.touched() == 8);
    CHECK(t.resident_of_burst() == 8);
    CHECK(t.buffers.free_count() == TrimmedBuffers::count - 40);  // still lent: none moved
}
