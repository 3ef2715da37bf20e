// ServerConn: one accepted HTTP/1.1 connection on an event loop.
// wire:glue
//
// Reading. Bytes are read into the loop's shared 64 KiB buffer and every complete request found
// there is served at once; only an incomplete request (a head still arriving, or a body being
// waited for) is copied into the connection's own buffer, which is freed as soon as it empties.
// An idle keep-alive connection therefore holds no buffer at all: this object, its timer, and
// an epoll slot.
//
// Writing. The responses to the requests of one read are rendered into the loop's output arena
// and leave in one send(2). What the kernel does not take is kept here until the socket is
// writable again; meanwhile the connection reads nothing more (back-pressure).
//
// Closing. After a final response with "Connection: close" (or an error answer) the connection
// half-closes (FIN) and drains what the client still sends for a short while before closing, so
// that unread input does not make the kernel reset the connection and destroy the response in
// flight (what nginx calls lingering close, Go's closeWriteAndWait).
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "http/detail/byte_buffer.hpp"
#include "http/error.hpp"
#include "http/message_head.hpp"
#include "http/response_writer.hpp"
#include "http/serializer.hpp"
#include "net/event_loop.hpp"
#include "net/timer.hpp"

namespace wire::http::detail {

class LoopContext;
struct Exchange;

// The peer's address in 20 bytes, formatted only when a request needs it.
struct PeerAddress {
    std::uint8_t ip[16] = {};
    std::uint16_t port = 0;
    std::uint8_t family = 0;  // AF_INET, AF_INET6, or 0 (Unix or unknown)
    std::uint8_t unused = 0;  // no padding, so that == can compare the bytes at once
    static PeerAddress from(const sockaddr_storage& ss) noexcept;
    std::string_view format(char (&out)[64]) const noexcept;
    // Asked once per request (is the exchange's formatted address still this one's?): one
    // 20-byte compare instead of the member-wise default's 19 byte compares.
    friend bool operator==(const PeerAddress& a, const PeerAddress& b) noexcept {
        return std::memcmp(&a, &b, sizeof(PeerAddress)) == 0;
    }
};

static_assert(sizeof(PeerAddress) == 20, "PeerAddress must have no padding bytes");

class ServerConn final : public net::IoHandler {
  public:
    ServerConn(LoopContext& ctx, int fd, const PeerAddress& peer);
    ~ServerConn();
    ServerConn(const ServerConn&) = delete;
    ServerConn& operator=(const ServerConn&) = delete;

    void on_readable() override;
    void on_writable() override;
    void on_error() override;

    // Waiting for its next request with nothing buffered in either direction.
    [[nodiscard]] bool idle() const noexcept;
    [[nodiscard]] bool on_loop_thread() const noexcept;
    // Closes at once (RST-free only if nothing is unread) and deletes this object.
    void close_now() noexcept;
    // Shutdown found this idle connection: it closes once quiet for Server::shutdown_idle_grace,
    // unless a request comes first (that one is answered, with "Connection: close").
    void close_when_quiet() noexcept;
    // Shutdown deadline: close now, or abort the I/O of a worker that holds the connection.
    void abort() noexcept;
    void arm_first_request_timer();

    // For the response and the request body (on the thread running the handler).
    net::Result<void> send_now(Serializer& out);       // loop: what fits; worker: all
    net::Result<void> send_blocking(Serializer& out);  // everything, waiting if needed
    std::error_code read_more(std::string& into);      // blocks until bytes arrive
    net::Result<Hijacked> hijack(Exchange& ex);

    // Worker pool side.
    void run_on_worker(Exchange& ex);

    ServerConn* list_prev = nullptr;  // LoopContext's list
    ServerConn* list_next = nullptr;

  private:
    enum class Next : std::uint8_t { keep, close, gone, handed_off };
    enum class State : std::uint8_t { active, handling, lingering };
    // What the timer waits for; `quiet`: the end of an idle connection's shutdown grace.
    enum class Wait : std::uint8_t { idle, head, body, write, linger, quiet };

    void run(const char* buf, std::size_t len);
    Next process(const char* buf, std::size_t len, bool& waiting_body);
    Next serve_one(Exchange& ex, const MessageHead& head, std::string_view data,
                   std::size_t head_len, std::size_t& consumed, bool& moved);
    Next reject(Exchange& ex, Error error);
    void hand_off(const char* buf, std::size_t pos, std::size_t len);
    // Loop thread, before the socket passes to code that reads it with recv(2) (a worker, a
    // hijacker, an upgraded connection): the bytes the loop received ahead for it, appended.
    void take_received_ahead(std::string& into);
    // Loop thread, before the socket is written (or waited on) other than through the loop:
    // the bytes the loop still holds for it (net/event_loop.hpp, take_unsent) go in front of
    // pending_.
    void take_loop_sends();
    net::Result<void> flush_blocking();  // pending_, waiting for writability as needed
    void after_worker(Next next);
    void finish_batch(Next next, bool waiting_body);
    bool write_batch(Serializer& out);
    bool drain_pending();
    void linger() noexcept;
    [[nodiscard]] bool input_waiting() const noexcept;
    // After a keep-alive response: the idle timer, or in a shutdown, close_when_quiet.
    void wait_for_next_request();
    void arm(Wait wait);
    static void on_timer(net::Timer&, void* self);

    LoopContext* ctx_;
    net::Timer timer_;
    ByteBuffer in_;       // a partial request (head still arriving, or a body awaited)
    ByteBuffer pending_;  // response bytes the kernel has not taken yet
    int fd_;
    PeerAddress peer_;
    State state_ = State::active;
    Wait wait_ = Wait::idle;
    bool close_after_write_ = false;
    bool hijacked_ = false;
};

}  // namespace wire::http::detail
