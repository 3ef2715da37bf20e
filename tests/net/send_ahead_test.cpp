// EventLoop::send and its companions (and UringSends, the arena behind them): on io_uring a send is
// handed to the kernel at the end of the pass, with every other socket's, in the loop's own
// io_uring_enter (net/detail/uring_poller.hpp, "Sends"); on epoll it is send(2). Either way the
// peer gets each socket's bytes whole and in order, writability is reported only once the loop
// holds none of them, a shutdown comes after them, and closing, reusing or handing over a socket
// loses none and mixes none.
#include <doctest/doctest.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "net/detail/uring_poller.hpp"
#include "net/detail/uring_sends.hpp"
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

// A handler that counts what the loop tells it.
struct Watcher final : IoHandler {
    EventLoop* loop = nullptr;
    int fd = -1;
    std::size_t readable = 0, writable = 0, errors = 0;
    std::size_t writable_with_unsent = 0;  // told writable while the loop still held bytes
    void on_readable() override { ++readable; }
    void on_writable() override {
        ++writable;
        if (loop->unsent(fd) > 0) ++writable_with_unsent;
    }
    void on_error() override { ++errors; }
};

// Writes the pattern from `from` onwards through the loop, `piece` bytes a call, until the loop
// refuses (EAGAIN) or `limit` bytes in all; returns the new position.
std::size_t send_pattern(EventLoop& loop, int fd, std::size_t from, std::size_t piece,
                         std::size_t limit) {
    std::vector<std::uint8_t> out(piece);
    while (from < limit) {
        const std::size_t n = std::min(piece, limit - from);
        for (std::size_t i = 0; i < n; ++i)
            out[i] = pattern(from + i);
        const long sent = loop.send(fd, out.data(), n);
        if (sent < 0) {
            REQUIRE(errno == EAGAIN);
            break;
        }
        from += static_cast<std::size_t>(sent);
        if (static_cast<std::size_t>(sent) < n) break;
    }
    return from;
}

// Reads everything `fd` has (non-blocking); checks it against the pattern from `at`.
struct PatternReader {
    int fd;
    std::size_t total = 0;
    std::size_t wrong = 0;
    bool ended = false;
    // Reads what is there now, at most `limit` bytes.
    void drain(std::size_t limit = SIZE_MAX) {
        std::vector<std::uint8_t> buf(64 * 1024);
        while (limit > 0) {
            const ssize_t n = ::recv(fd, buf.data(), std::min(buf.size(), limit), MSG_DONTWAIT);
            if (n == 0) ended = true;
            if (n <= 0) return;
            for (ssize_t i = 0; i < n; ++i)
                if (buf[static_cast<std::size_t>(i)] !=
                    pattern(total + static_cast<std::size_t>(i)))
                    ++wrong;
            total += static_cast<std::size_t>(n);
            limit -= static_cast<std::size_t>(n);
        }
    }
};

// A loop on `backend` sending on `p.a` (watched by `w`, readable interest); the test reads
// `p.b`.
struct Sending {
    EventLoop loop;
    Pair p;
    Watcher w;
    explicit Sending(LoopBackend backend) : loop(backend) {
        w.loop = &loop;
        w.fd = p.a.fd();
        REQUIRE_FALSE(loop.add(p.a.fd(), Interest::readable, &w));
    }
    ~Sending() { (void)loop.remove(p.a.fd()); }
    int fd() const { return p.a.fd(); }
    // Passes of `per_pass` bytes in sends of 1 KiB, the peer not reading, until the loop
    // refuses one; returns the bytes taken. On io_uring the refusal comes at the end of a pass:
    // the loop then holds what the kernel did not take.
    std::size_t fill(std::size_t per_pass) {
        std::size_t sent = 0;
        for (int pass = 0; pass < 1000; ++pass) {
            const std::size_t before = sent;
            sent = send_pattern(loop, fd(), sent, 1024, sent + per_pass);
            run_for(loop, 1ms);
            if (sent < before + per_pass) return sent;
        }
        FAIL("the loop never refused");
        return sent;
    }
};

// Whether sends on this kernel's io_uring loops wait for the end of the pass (6.1 or newer).
bool send_ahead_available() {
    if (!uring_available()) return false;
    Sending t(LoopBackend::uring);
    REQUIRE(t.loop.send(t.fd(), "x", 1) == 1);
    char c = 0;
    const bool ahead = ::recv(t.p.b.fd(), &c, 1, MSG_DONTWAIT) < 0;
    run_for(t.loop, 2ms);
    CHECK(::recv(t.p.b.fd(), &c, 1, MSG_DONTWAIT) == (ahead ? 1 : -1));
    if (!ahead) MESSAGE("this kernel does not send ahead: send(2) on io_uring too");
    return ahead;
}

constexpr LoopBackend backends[] = {LoopBackend::epoll, LoopBackend::uring};

}  // namespace

TEST_CASE("EventLoop send: a send waits for the end of the pass on io_uring, none on epoll") {
    {
        Sending t(LoopBackend::epoll);
        REQUIRE(t.loop.send(t.fd(), "x", 1) == 1);
        char c = 0;
        CHECK(::recv(t.p.b.fd(), &c, 1, MSG_DONTWAIT) == 1);
    }
    if (uring_available()) (void)send_ahead_available();  // checks both halves on io_uring
}

TEST_CASE("EventLoop send: sockets that send in turn, small and large, each keep their order") {
    for (const LoopBackend backend : backends) {
        CAPTURE(to_string(backend));
        EventLoop loop(backend);
        constexpr int count = 3;
        Pair pairs[count];
        Watcher w[count];
        std::size_t sent[count] = {};
        for (int i = 0; i < count; ++i)
            REQUIRE_FALSE(loop.add(pairs[i].a.fd(), Interest::readable, &w[i]));
        // Each tick sends, socket by socket and back again, pieces of 5 bytes, 3 KiB and
        // 20 KiB (past the size that goes to the kernel at once), so that one socket's bytes of
        // a pass are split by others' and a large send follows small ones.
        constexpr std::size_t pieces[] = {5, 3000, 5, 20000, 700};
        constexpr std::size_t limit = 400 * 1000;
        int ticks = 0;
        std::function<void(Timer&)> on_tick = [&](Timer& t) {
            ++ticks;
            for (const std::size_t piece : pieces)
                for (int i = 0; i < count; ++i)
                    sent[i] = send_pattern(loop, pairs[i].a.fd(), sent[i], piece,
                                           std::min(limit, sent[i] + piece));
            for (int i = count - 1; i >= 0; --i)
                sent[i] =
                    send_pattern(loop, pairs[i].a.fd(), sent[i], 11, std::min(limit, sent[i] + 11));
            loop.arm_after(t, 1ms);
        };
        Timer tick(
            [](Timer& t, void* self) { (*static_cast<std::function<void(Timer&)>*>(self))(t); },
            &on_tick);
        loop.arm_after(tick, 1ms);
        std::vector<PatternReader> readers;
        for (int i = 0; i < count; ++i)
            readers.push_back({pairs[i].b.fd()});
        run_until(loop, [&] {
            bool all = true;
            for (int i = 0; i < count; ++i) {
                readers[static_cast<std::size_t>(i)].drain();
                all = all && readers[static_cast<std::size_t>(i)].total == limit;
            }
            return all;
        });
        loop.cancel(tick);
        CHECK(ticks > 1);
        for (int i = 0; i < count; ++i) {
            CAPTURE(i);
            CHECK(sent[i] == limit);
            CHECK(readers[static_cast<std::size_t>(i)].total == limit);
            CHECK(readers[static_cast<std::size_t>(i)].wrong == 0);
            REQUIRE_FALSE(loop.remove(pairs[i].a.fd()));
        }
    }
}

TEST_CASE("EventLoop send: bytes the kernel refuses wait in the loop; writable only after them") {
    for (const LoopBackend backend : backends) {
        CAPTURE(to_string(backend));
        Sending t(backend);
        // A small send buffer and passes of 64 KiB: on io_uring the loop then holds most of a
        // pass's bytes, more than the socket takes at each writability.
        const int small = 4096;
        REQUIRE(::setsockopt(t.fd(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small) == 0);
        const std::size_t sent = t.fill(64 * 1024);
        if (backend == LoopBackend::uring && send_ahead_available()) {
            CHECK(t.loop.unsent(t.fd()) > 0);
            errno = 0;
            CHECK(t.loop.send(t.fd(), "y", 1) == -1);  // no room while the loop holds bytes
            CHECK(errno == EAGAIN);
        }
        REQUIRE_FALSE(t.loop.modify(t.fd(), Interest::both));
        run_for(t.loop, 5ms);
        CHECK(t.w.writable == 0);
        // The peer reads, a little at a time: the held bytes go out in steps, then the owner
        // hears of writability.
        PatternReader r{t.p.b.fd()};
        run_until(t.loop, [&] {
            r.drain(1024);
            return t.w.writable > 0;
        });
        CHECK(t.w.writable > 0);
        CHECK(t.w.writable_with_unsent == 0);
        CHECK(t.loop.unsent(t.fd()) == 0);
        run_until(t.loop, [&] {
            r.drain();
            return r.total == sent;
        });
        CHECK(r.total == sent);
        CHECK(r.wrong == 0);
    }
}

TEST_CASE("EventLoop shutdown_write: the end of the stream comes after every byte sent") {
    for (const LoopBackend backend : backends) {
        for (const bool refused : {false, true}) {
            CAPTURE(to_string(backend));
            CAPTURE(refused);
            Sending t(backend);
            // With `refused`, the loop may hold bytes the kernel refused.
            std::size_t sent = refused ? t.fill(8 * 1024) : 0;
            sent = send_pattern(t.loop, t.fd(), sent, 10, sent + 30);  // in the same pass
            CHECK(t.loop.shutdown_write(t.fd()) == 0);
            PatternReader r{t.p.b.fd()};
            run_until(t.loop, [&] {
                r.drain();
                return r.ended;
            });
            CHECK(r.ended);
            CHECK(r.total == sent);
            CHECK(r.wrong == 0);
        }
    }
}

TEST_CASE(
    "EventLoop send: bytes sent just before remove() and close() arrive; none reach the fd's "
    "next socket") {
    for (const LoopBackend backend : backends) {
        CAPTURE(to_string(backend));
        EventLoop loop(backend);
        Pair first;
        Watcher w;
        REQUIRE_FALSE(loop.add(first.a.fd(), Interest::readable, &w));
        const int number = first.a.fd();
        // In one pass: send, remove, close, and a new socket that gets the same number.
        REQUIRE(send_pattern(loop, number, 0, 100, 100) == 100);
        REQUIRE_FALSE(loop.remove(number));
        REQUIRE_FALSE(first.a.close());
        Pair second;
        REQUIRE(second.a.fd() == number);
        REQUIRE_FALSE(loop.add(second.a.fd(), Interest::readable, &w));
        run_for(loop, 5ms);
        PatternReader r{first.b.fd()};
        r.drain();
        CHECK(r.total == 100);
        CHECK(r.wrong == 0);
        CHECK(r.ended);
        char c = 0;
        CHECK(::recv(second.b.fd(), &c, 1, MSG_DONTWAIT) == -1);
        CHECK(errno == EAGAIN);
        REQUIRE_FALSE(loop.remove(second.a.fd()));
    }
}

// Runs `loop` for `d` with `step(arg)` called in one of its passes, after 1 ms.
template <class Arg>
void run_with_step(EventLoop& loop, std::chrono::milliseconds d, void (*step)(Arg&), Arg& arg) {
    struct Call {
        void (*step)(Arg&);
        Arg* arg;
    } call{step, &arg};
    Timer in_pass([](Timer&, void* c) { static_cast<Call*>(c)->step(*static_cast<Call*>(c)->arg); },
                  &call);
    loop.arm_after(in_pass, 1ms);
    run_for(loop, d);
}

TEST_CASE(
    "EventLoop send: a socket that sent, then left the running loop and closed, ends at its peer; "
    "a new socket given its number in the same pass gets only its own bytes") {
    // On io_uring a socket that sends takes the fixed-file slot numbered like its fd, and the
    // slot holds the socket open: leaving must empty it, and before a new socket with the same
    // number fills it again in the same pass.
    for (const LoopBackend backend : backends) {
        CAPTURE(to_string(backend));
        struct Sockets {
            EventLoop loop;
            Watcher w;
            std::unique_ptr<Pair> old, next;
            explicit Sockets(LoopBackend b) : loop(b), old(std::make_unique<Pair>()) {
                w.loop = &loop;
            }
            int number() const { return old->a.fd(); }
        } t(backend);
        REQUIRE_FALSE(t.loop.add(t.number(), Interest::readable, &t.w));
        REQUIRE(send_pattern(t.loop, t.number(), 0, 100, 100) == 100);
        run_for(t.loop, 2ms);
        // One pass: send more, leave, close. The loop runs on.
        run_with_step<Sockets>(
            t.loop, 10ms,
            [](Sockets& st) {
                CHECK(send_pattern(st.loop, st.number(), 100, 50, 150) == 150);
                CHECK_FALSE(st.loop.remove(st.number()));
                CHECK_FALSE(st.old->a.close());
            },
            t);
        PatternReader r{t.old->b.fd()};
        r.drain();
        CHECK(r.total == 150);
        CHECK(r.wrong == 0);
        CHECK(r.ended);
        // A socket that sends, then, in one pass: it leaves and closes, and a new socket with
        // the same number joins and sends.
        t.old = std::make_unique<Pair>();
        REQUIRE_FALSE(t.loop.add(t.number(), Interest::readable, &t.w));
        REQUIRE(t.loop.send(t.number(), "old", 3) == 3);
        run_for(t.loop, 2ms);
        run_with_step<Sockets>(
            t.loop, 10ms,
            [](Sockets& st) {
                const int number = st.number();
                CHECK_FALSE(st.loop.remove(number));
                CHECK_FALSE(st.old->a.close());
                st.next = std::make_unique<Pair>();
                REQUIRE(st.next->a.fd() == number);
                CHECK_FALSE(st.loop.add(number, Interest::readable, &st.w));
                CHECK(st.loop.send(number, "next", 4) == 4);
            },
            t);
        REQUIRE(t.next != nullptr);
        char buf[16] = {};
        CHECK(::recv(t.old->b.fd(), buf, sizeof buf, MSG_DONTWAIT) == 3);
        CHECK(::recv(t.old->b.fd(), buf, sizeof buf, MSG_DONTWAIT) == 0);
        CHECK(::recv(t.next->b.fd(), buf, sizeof buf, MSG_DONTWAIT) == 4);
        CHECK(std::string_view(buf, 4) == "next");
        // Later passes send through the slot the new socket took.
        const int number = t.next->a.fd();
        CHECK(t.loop.send(number, "more", 4) == 4);
        run_for(t.loop, 2ms);
        CHECK(::recv(t.next->b.fd(), buf, sizeof buf, MSG_DONTWAIT) == 4);
        CHECK(std::string_view(buf, 4) == "more");
        // Leaving while the loop does not run: the socket closes all the same (the kernel may
        // take a moment to end the ring's requests).
        REQUIRE_FALSE(t.loop.remove(number));
        REQUIRE_FALSE(t.next->a.close());
        pollfd end{t.next->b.fd(), POLLIN, 0};
        CHECK(::poll(&end, 1, 2000) == 1);
        CHECK(::recv(t.next->b.fd(), buf, sizeof buf, MSG_DONTWAIT) == 0);
    }
}

TEST_CASE(
    "EventLoop send: when a socket cannot have its fixed-file slot, its bytes go all the same") {
    if (!send_ahead_available()) return;
    detail::spoil_file_updates_for_tests(true);
    Sending t(LoopBackend::uring);
    // Three passes: the first send names the slot the update failed to fill; that send's bytes
    // and the later ones go by the fd.
    std::size_t sent = 0;
    for (int pass = 0; pass < 3; ++pass) {
        sent = send_pattern(t.loop, t.fd(), sent, 1000, sent + 1000);
        run_for(t.loop, 2ms);
    }
    detail::spoil_file_updates_for_tests(false);
    CHECK(sent == 3000);
    PatternReader r{t.p.b.fd()};
    run_until(t.loop, [&] {
        r.drain();
        return r.total >= sent;
    });
    CHECK(r.total == sent);
    CHECK(r.wrong == 0);
    CHECK(t.w.errors == 0);
}

TEST_CASE("EventLoop take_unsent: the loop's bytes go to the next writer, in order") {
    for (const LoopBackend backend : backends) {
        CAPTURE(to_string(backend));
        Sending t(backend);
        const std::size_t sent = t.fill(8 * 1024);
        // Whatever the loop holds (refused bytes; none on epoll) moves to `held`.
        std::string held;
        t.loop.take_unsent(t.fd(), held);
        CHECK(t.loop.unsent(t.fd()) == 0);
        // The new writer: the taken bytes first, then its own, straight to the socket.
        std::string out = held;
        for (std::size_t i = 0; i < 5000; ++i)
            out.push_back(static_cast<char>(pattern(sent + i)));
        const std::size_t total = sent + 5000;
        PatternReader r{t.p.b.fd()};
        std::thread writer([&] {
            std::size_t done = 0;
            while (done < out.size()) {
                const ssize_t n =
                    ::send(t.fd(), out.data() + done, out.size() - done, MSG_NOSIGNAL);
                if (n > 0) done += static_cast<std::size_t>(n);
                if (n < 0) std::this_thread::sleep_for(100us);
            }
        });
        const auto until = std::chrono::steady_clock::now() + 10s;
        while (r.total < total && std::chrono::steady_clock::now() < until) {
            r.drain();
            std::this_thread::sleep_for(100us);
        }
        writer.join();
        CHECK(r.total == total);
        CHECK(r.wrong == 0);
        // The loop holds nothing for the socket any more: it is writable again at once.
        REQUIRE_FALSE(t.loop.modify(t.fd(), Interest::both));
        run_for(t.loop, 5ms);
        CHECK(t.w.writable > 0);
        CHECK(t.w.writable_with_unsent == 0);
    }
}

TEST_CASE("EventLoop send: a send error shows in a later send") {
    for (const LoopBackend backend : backends) {
        CAPTURE(to_string(backend));
        Sending t(backend);
        REQUIRE_FALSE(t.p.b.close());
        // The first send may be taken (on io_uring it fails at the end of the pass); a later
        // one reports the error.
        int error = 0;
        for (int pass = 0; pass < 10 && error == 0; ++pass) {
            if (t.loop.send(t.fd(), "abc", 3) < 0) error = errno;
            run_for(t.loop, 1ms);
        }
        CHECK((error == EPIPE || error == ECONNRESET));
        CHECK(t.w.readable + t.w.errors > 0);  // the socket was reported too
    }
}

TEST_CASE("EventLoop send: a socket's bytes of a pass go at once past about one large send") {
    for (const LoopBackend backend : backends) {
        CAPTURE(to_string(backend));
        Sending t(backend);
        // 40 sends of 1 KiB in one pass: the loop holds no more than ~16 KiB of them before it
        // hands them to the kernel, so that what it may have to keep stays small.
        REQUIRE(send_pattern(t.loop, t.fd(), 0, 1024, 40 * 1024) == 40 * 1024);
        PatternReader r{t.p.b.fd()};
        r.drain();
        CHECK(r.total >= 40 * 1024 - 16 * 1024);
        run_for(t.loop, 2ms);
        r.drain();
        CHECK(r.total == 40 * 1024);
        CHECK(r.wrong == 0);
    }
}

TEST_CASE("UringSends: a socket's pieces split by others' are joined, in order, for one send") {
    detail::UringSends sends;
    const std::string a1 = "first ", b1 = "other", a2 = "second";
    const auto queue = [&](int fd, const std::string& bytes, bool before) {
        REQUIRE(sends.has_room(bytes.size()));
        const iovec piece{const_cast<char*>(bytes.data()), bytes.size()};
        sends.queue(fd, {&piece, 1}, before);
    };
    queue(7, a1, false);
    queue(9, b1, false);
    queue(7, a2, true);
    sends.gather();
    std::string seven, nine;
    int segments_of_seven = 0;
    for (const auto& seg : sends.segments()) {
        const std::string bytes(reinterpret_cast<const char*>(sends.data(seg)), seg.length);
        if (seg.fd == 7) {
            seven += bytes;
            ++segments_of_seven;
        } else {
            nine += bytes;
        }
    }
    CHECK(segments_of_seven == 1);
    CHECK(seven == a1 + a2);
    CHECK(nine == b1);
    sends.clear();
    CHECK(sends.empty());
}

TEST_CASE("UringSends: trim gives back the arena's pages beyond the warm ones, between passes") {
    detail::UringSends sends;
    const long page = ::sysconf(_SC_PAGESIZE);
    const std::string piece(1000, 'x');
    const iovec one{const_cast<char*>(piece.data()), piece.size()};
    for (int i = 0; i < 200; ++i) {  // 200 KB in one pass
        REQUIRE(sends.has_room(piece.size()));
        sends.queue(i, {&one, 1}, false);
    }
    const std::uint8_t* base = sends.data(sends.segments()[0]);
    const auto resident = [&](std::size_t offset) {
        unsigned char v = 0;
        offset -= offset % static_cast<std::size_t>(page);  // mincore takes whole pages
        REQUIRE(::mincore(const_cast<std::uint8_t*>(base) + offset, static_cast<std::size_t>(page),
                          &v) == 0);
        return (v & 1) != 0;
    };
    CHECK(resident(150 * 1000));
    sends.trim();  // bytes still queued: nothing is given back
    CHECK(resident(150 * 1000));
    sends.clear();
    CHECK(sends.trimmable());
    sends.trim();
    CHECK_FALSE(sends.trimmable());
    CHECK(resident(0));
    CHECK_FALSE(resident(150 * 1000));
    CHECK_FALSE(resident(detail::UringSends::warm_bytes + static_cast<std::size_t>(page)));
}
