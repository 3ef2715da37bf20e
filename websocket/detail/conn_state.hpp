// wire:glue
// The state behind a websocket::Conn (kept out of conn.hpp so the public header stays short, and
// on the heap so a Conn moves while its mutexes stay put). Not for users.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <system_error>

#include "net/conn.hpp"
#include "net/mutex.hpp"
#include "websocket/close_error.hpp"
#include "websocket/conn.hpp"
#include "websocket/detail/byte_buffer.hpp"
#include "websocket/detail/window_history.hpp"
#include "websocket/frame.hpp"
#include "websocket/frame_reader.hpp"
#include "websocket/mask.hpp"
#include "websocket/message_deflater.hpp"
#include "websocket/message_inflater.hpp"
#include "websocket/trace.hpp"

namespace wire::websocket::detail {

struct ConnState {
    ConnState(net::Conn conn, const ConnOptions& options);
    ~ConnState();

    // ---- reading (read_mu held by the reading thread)
    std::error_code next_event(Event& ev);
    std::error_code next_event_into(Event& ev, std::uint8_t* dst, std::size_t room);
    std::error_code begin_message();
    void begin_inflate();
    void end_inflate() noexcept;
    std::error_code inflate_into(std::span<const std::uint8_t> in, bool last, ByteBuffer& out);
    std::error_code skip_compressed();
    Result<Message> read_compressed();
    Result<std::size_t> read_inflated(std::span<std::uint8_t> out);
    std::error_code fill(std::uint64_t need);
    std::error_code on_control(const Event& ev);
    std::error_code fail_read(std::error_code ec);
    std::error_code fail_protocol(std::error_code ec);
    std::error_code wait_for_peer_close(Clock::time_point deadline);
    void drain(Clock::time_point deadline);

    // ---- writing
    Result<void> write_control_frame(Opcode type, std::span<const std::uint8_t> payload,
                                     Clock::time_point deadline);  // takes write_mu itself
    // The rest need write_mu held.
    Result<void> send_frame(FrameHeader h, std::span<const std::uint8_t> payload);
    Result<void> send_buffered(Opcode type, bool fin, std::uint8_t rsv = 0);
    Result<void> write_compressed(Opcode type, std::span<const std::uint8_t> data);
    Result<void> deflate_into_buffer(Opcode& type, std::span<const std::uint8_t> data, bool last);
    void begin_deflate();
    void end_deflate() noexcept;
    std::error_code next_mask_key(MaskKey& key);
    Result<void> write_bytes(const iovec* iov, std::size_t count);
    std::error_code write_state() const noexcept;
    std::uint8_t* write_buffer();  // allocated on first use: a server may never need it
    void release_write_buffer();   // back to the pool, if there is one, after a message

    net::Conn net;
    Role role;
    std::string subprotocol;
    http::TraceSink trace;  // ConnOptions::trace; empty: off

    // Trace mode: the frame `r` began, if it began one (read_mu held).
    void trace_received(const ConsumeResult& r) const noexcept {
        if (trace && r.event.frame_begin) [[unlikely]]
            trace_frame(trace, reader.frame_header(), r.event.payload, Direction::received);
    }
    // Trace mode: a frame about to be written, its payload not yet masked (write_mu held).
    void trace_sent(const FrameHeader& h, std::span<const std::uint8_t> payload) const noexcept {
        if (trace) [[unlikely]]
            trace_frame(trace, h, payload, Direction::sent);
    }

    // Read side. rbuf[rstart, rend) holds bytes read and not yet consumed.
    std::unique_ptr<std::uint8_t[]> rbuf;
    std::size_t rcap;
    std::size_t rstart = 0;
    std::size_t rend = 0;
    FrameReader reader;
    std::error_code read_err;         // sticky
    std::span<std::uint8_t> pending;  // payload of the last data event not yet handed out
    bool msg_open = false;            // the current message has more data events to come
    Opcode msg_type = Opcode::binary;
    std::uint64_t msg_seq = 0;  // bumped per message: a stale MessageReader reads nothing
    ByteBuffer message;         // read_message's assembly buffer
    // permessage-deflate (RFC 7692), when negotiated: whether the message being read is
    // compressed (its first frame had RSV1), the inflater the thread lends for it until it
    // ends (detail/codec_pool.hpp), and with context takeover the history the peer's next
    // message may refer back to (§7.2.3.2), all that stays between messages.
    bool msg_compressed = false;
    std::unique_ptr<MessageInflater> inflater;
    WindowHistory received_history;
    // read_message's compressed message, inflated into a buffer the thread lends until the
    // next read call (when the view dies), so an idle connection waiting for data holds none.
    ByteBuffer inflated;
    std::uint64_t read_limit;
    net::Mutex read_mu;  // held by whoever reads (one reader; close() may read)
    // The handlers may be set on one thread while close() reads on another (a server shutting
    // down right after an upgrade): handler_mu guards them; they are copied out and called with
    // no lock held, so a handler may set another one.
    std::mutex handler_mu;
    Conn::PingHandler ping_handler;
    Conn::PingHandler pong_handler;
    Conn::CloseHandler close_handler;

    // Closing. state_mu guards close_received, read_done and peer_close.
    std::mutex state_mu;
    std::condition_variable state_cv;
    bool close_received = false;
    bool read_done = false;
    CloseError peer_close;
    std::atomic<bool> closing{false};  // close() or abort() has begun

    // Write side.
    net::Mutex write_mu;                   // held for each frame: data, fragment or control
    std::atomic<bool> writing{false};      // a data writer is active (one-writer check)
    std::unique_ptr<std::uint8_t[]> wbuf;  // [max_header_size room | payload...]
    std::size_t wcap;
    std::shared_ptr<WriteBufferPool> pool;  // gives buffers of exactly wcap bytes
    std::size_t wlen = 0;                   // payload bytes buffered by a MessageWriter
    // permessage-deflate's sending half (writer side: one data writer at a time): the deflater
    // the thread lends for the message being written, the buffer it lends too when this
    // connection keeps none (a server without a pool), and with context takeover the history
    // of what was sent; whether data messages are compressed (Conn::enable_write_compression),
    // and the size below which they are not.
    std::unique_ptr<MessageDeflater> deflater;
    ByteBuffer lent_wbuf;
    WindowHistory sent_history;
    std::optional<DeflateParams> deflate_params;  // what the handshake agreed
    int compression_level = 1;
    bool write_compression = false;
    std::uint64_t deflate_in = 0;          // bytes of the message being compressed, so far (trace)
    std::uint64_t deflate_out = 0;         // and of its payload on the wire
    Opcode msg_out_type = Opcode::binary;  // the compressed message being written
    std::size_t compression_threshold = 0;
    std::error_code write_err;  // sticky
    std::atomic<bool> close_sent{false};
    std::mutex deadline_mu;  // orders changes of the socket's write deadline
    Clock::time_point write_deadline{};
    std::array<std::uint8_t, 256> mask_pool{};  // 64 masking keys per getrandom(2)
    std::size_t mask_pos = 256;
};

}  // namespace wire::websocket::detail
