// LoopConn: a WebSocket connection that lives on an event loop (no thread, no blocking).
// wire:glue
//
// Reading. The loop reports the socket readable; the connection reads once into its loop's shared
// receive buffer and hands the bytes to a FrameReader, which unmasks them in place; whole messages
// go to on_message as views of that buffer. Only a frame cut in two by the read is copied into a
// buffer of the connection's own, freed again when the frame completes: an idle connection holds
// no read buffer at all. That buffer grows with the bytes that arrive (at most twice what is
// held), never to the length the frame header claims: a peer announcing 16 MiB and stalling
// costs what it sent.
//
// Writing. send() never blocks. With nothing queued, a small frame is encoded into the loop's cork
// buffer, so that all the replies to one read go out in one write(2) when the read handler
// returns (or at the end of the loop pass when sent from elsewhere); a large frame is written at
// once with writev (header + payload, no copy). What the kernel does not take goes to the
// connection's send queue (reference-counted frames, see SharedFrame) and is written when the
// socket is writable again. The queue is bounded by EventLimits::max_queued_bytes; past it the
// SlowConsumerPolicy decides. on_drain fires each time the queue empties. A message may also
// leave in fragments (send_first_fragment): other data messages wait for its end.
//
// Threading: every member function is for the connection's loop thread (checked by assert in
// builds without NDEBUG); other threads use handle().
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "net/event_loop.hpp"
#include "net/socket.hpp"
#include "net/timer.hpp"
#include "websocket/close.hpp"
#include "websocket/conn_handle.hpp"
#include "websocket/deflate_params.hpp"
#include "websocket/detail/window_history.hpp"
#include "websocket/event_handlers.hpp"
#include "websocket/frame_reader.hpp"
#include "websocket/message_deflater.hpp"
#include "websocket/message_inflater.hpp"
#include "websocket/shared_frame.hpp"

namespace wire::websocket {

namespace detail {
class LoopState;
struct Topic;
}  // namespace detail

class LoopConn final : public net::IoHandler {
  public:
    // Data messages (RFC 6455 §5.6). `payload` is copied or written before send() returns.
    SendStatus send(Opcode op, std::span<const std::uint8_t> payload);
    SendStatus send_text(std::string_view text) {
        return send(Opcode::text,
                    {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
    }
    SendStatus send_binary(std::span<const std::uint8_t> bytes) {
        return send(Opcode::binary, bytes);
    }
    // A frame encoded once for many receivers (Hub::publish does this).
    SendStatus send_frame(const SharedFrame& frame);

    // One message sent as several frames (RFC 6455 §5.4), for a message produced in pieces:
    // uWebSockets' sendFirstFragment / sendFragment / sendLastFragment, gorilla's NextWriter
    // with each write one frame. Each call writes its frame at once (one writev, the payload
    // not copied unless the kernel leaves some of it, which waits in the send queue).
    //
    //     conn.send_first_fragment(Opcode::text, head);   // the message opens
    //     conn.send_fragment(middle);                     // any number of these, even empty
    //     conn.send_last_fragment(tail);                  // and ends
    //
    // While a message is open, the other data messages for this connection (send(),
    // send_frame(), a Hub publish, a ConnHandle send) are held, in order, and go out after its
    // last fragment: frames of two messages never interleave (§5.4). Held messages count
    // towards EventLimits::max_queued_bytes; past it the SlowConsumerPolicy decides as for
    // send() (drop_oldest drops whole messages already queued, never a fragment or a held
    // message). Control frames (pings, pongs, our close) may go between fragments (§5.5).
    //
    // With permessage-deflate (unless `compress` is false or write compression is off) the
    // message is one DEFLATE stream, RSV1 on its first frame only (RFC 7692 §6.1); each
    // fragment ends with a sync flush so that the peer can inflate it at once, and only the
    // last drops the 00 00 ff ff tail (§7.2.1); the compression threshold does not apply (the
    // size is not known at the first fragment). A fragment after the first that the send-queue
    // limit refuses cannot be dropped without corrupting the message: the connection closes
    // with 1013 instead (as for a compressed message with context takeover).
    //
    // A message still open when the connection closes (close(), a protocol error, a timeout)
    // is abandoned: the peer sees our close frame after its last fragment sent, never a final
    // frame, and the held messages are dropped (counted in EventStats::dropped). Later calls
    // return dropped. Starting a second message, or continuing one that was never started,
    // on an open connection is a programmer error (assert).
    SendStatus send_first_fragment(Opcode op, std::span<const std::uint8_t> payload,
                                   bool compress = true);
    SendStatus send_fragment(std::span<const std::uint8_t> payload);
    SendStatus send_last_fragment(std::span<const std::uint8_t> payload);
    // A message begun with send_first_fragment and not yet ended.
    [[nodiscard]] bool sending_fragments() const noexcept { return has(kOutOpen); }
    // RFC 6455 §5.5.2: at most 125 bytes; false when closing or too long.
    bool ping(std::span<const std::uint8_t> payload = {});
    // Starts the closing handshake (RFC 6455 §7.1.2): queued data is sent first, then our close
    // frame; the socket closes when the peer's close frame arrives or after timeouts.close.
    // Later sends are dropped. A reason longer than 123 bytes is cut.
    void close(std::uint16_t code = close_code::normal, std::string_view reason = {});

    // Bytes accepted by send() and not yet handed to the kernel.
    [[nodiscard]] std::size_t buffered_amount() const noexcept { return queued_bytes(); }
    // Open: no close frame sent or received yet.
    [[nodiscard]] bool is_open() const noexcept {
        return !close_sent_ && !close_received_ && !closed_;
    }
    [[nodiscard]] ConnHandle handle() const noexcept;
    [[nodiscard]] net::EventLoop& loop() const noexcept;
    [[nodiscard]] const Endpoint& endpoint() const noexcept { return endpoint_; }

    // Per-connection user data, owned by the user (free it in on_close).
    [[nodiscard]] void* user_data() const noexcept { return user_data_; }
    void set_user_data(void* data) noexcept { user_data_ = data; }

    // Topics of the Engine's Hub (hub.hpp).
    void subscribe(std::string_view topic);
    void unsubscribe(std::string_view topic);

    // permessage-deflate (RFC 7692), when the handshake agreed on it (EventOptions::
    // enable_compression): whether it did, gorilla's EnableWriteCompression (on by default
    // then; off sends messages uncompressed, which a peer must accept) and SetCompressionLevel
    // (0 stores .. 9 best; false when out of range).
    [[nodiscard]] bool compression() const noexcept { return has(kDeflate); }
    void enable_write_compression(bool on) noexcept { set(kWriteCompression, on && has(kDeflate)); }
    bool set_compression_level(int level) noexcept;

    // What this connection costs in user-space memory now: the object, its buffers, its queue
    // entries, its compression history (none without context takeover) and its slots in the
    // loop's tables (not the kernel's socket buffers).
    [[nodiscard]] std::size_t memory_usage() const noexcept;

    // Created by Engine::adopt.
    LoopConn(detail::LoopState& state, net::Socket socket, const Endpoint& endpoint,
             std::uint32_t slot, std::uint32_t generation);
    ~LoopConn();
    LoopConn(const LoopConn&) = delete;
    LoopConn& operator=(const LoopConn&) = delete;

    void on_readable() override;
    void on_writable() override;
    void on_error() override;

  private:
    friend class detail::LoopState;
    friend class Hub;
    friend class Engine;
    using TimePoint = net::EventLoop::TimePoint;
    struct Queued {
        SharedFrame frame;
        std::uint32_t offset = 0;  // bytes of it already written
        bool whole = true;         // whole messages only: drop_oldest may drop it
    };
    // A data message held while a fragmented one is open: a frame to pass on as it is
    // (send_frame), or a payload for send() (compressed, with context takeover, only when its
    // turn comes: its history follows the order of the wire, RFC 7692 §7.2.3.2).
    struct Held {
        SharedFrame bytes;
        Opcode op = Opcode::binary;
        bool frame = false;
        [[nodiscard]] std::size_t size() const noexcept;  // what it counts in queued_bytes
    };

    void start(std::span<const std::uint8_t> already_read);
    void use_deflate(const DeflateParams& params);
    [[nodiscard]] bool compresses(std::size_t size) const noexcept;
    std::span<const std::uint8_t> compress(std::span<const std::uint8_t> payload);
    void on_compressed(const Event& ev);
    std::size_t process(std::span<std::uint8_t> buf);
    std::size_t process_with(FrameReader& reader, std::span<std::uint8_t> buf);
    bool read_in_place();
    bool read_cut_frame(int fd, std::span<const std::uint8_t> rest, std::size_t in_view);
    void heard_from_peer();
    void keep_leftover(std::span<const std::uint8_t> rest, bool from_partial);
    [[nodiscard]] std::size_t partial_size(std::size_t held) const noexcept;
    void reallocate_partial(std::size_t cap);
    void on_data(const Event& ev);
    void on_control(const Event& ev);
    void deliver(Opcode op, std::span<const std::uint8_t> payload);
    void fail(std::error_code ec);

    SendStatus send_control(Opcode op, std::span<const std::uint8_t> payload);
    SendStatus continue_message(std::span<const std::uint8_t> payload, bool fin);
    SendStatus send_piece(Opcode op, std::span<const std::uint8_t> payload, bool fin);
    std::span<const std::uint8_t> compress_piece(std::span<const std::uint8_t> payload, bool fin);
    SendStatus hold(Opcode op, std::span<const std::uint8_t> payload, const SharedFrame& frame);
    std::vector<Held> take_held() noexcept;
    void release_held();
    void abandon_message();
    bool make_room(std::size_t size);
    SendStatus write_or_queue(Opcode op, std::span<const std::uint8_t> payload,
                              std::uint8_t rsv = 0);
    SendStatus write_large(Opcode op, std::span<const std::uint8_t> payload, std::uint8_t rsv,
                           bool fin = true);
    void enqueue(SharedFrame frame, std::size_t offset, bool whole = true);
    bool drop_front();
    void write_corked(std::span<const std::uint8_t> bytes);
    void flush_queue();
    void set_write_interest(bool on);
    void count_written(std::size_t n);
    void finish_if_done();

    void arm_timer();
    void on_timer();
    void terminate(std::uint16_t code);

    // What a connection holds only while it is busy or closing: a send queue, an incomplete
    // frame, a fragmented message, topics, the peer's close reason, the reader's state between
    // the fragments of a message, permessage-deflate's histories and its inflater for a message
    // in pieces. An idle connection has none of it, so it lives behind one pointer, made when
    // first needed and freed when empty again (release_extra_if_idle).
    struct Extra {
        std::vector<Queued> queue;
        std::size_t queued_bytes = 0;
        std::unique_ptr<std::uint8_t[]> partial;  // a frame cut by a read, only while incomplete
        std::uint32_t partial_len = 0;
        std::uint32_t partial_cap = 0;
        std::vector<std::uint8_t> message;  // a fragmented message being joined
        std::vector<detail::Topic*> topics;
        std::string close_reason;
        // The reader, while a read has left it inside a message or a frame (between the
        // fragments of a message, or a text frame checked ahead); at a message boundary each
        // read starts from a fresh reader, which holds nothing of the connection.
        std::optional<FrameReader> reader;
        // permessage-deflate: with context takeover, the two histories (2^bits bytes each way);
        // the loop's codecs (detail/loop_codecs.hpp: tables, windows, scratch) compress and
        // inflate every message, starting from them. An inflater of its own only while a
        // compressed message arrives in pieces (its decoding state spans reads). Without
        // context takeover, `sent` holds the fragments of a message we send in pieces, and
        // only until its end.
        std::unique_ptr<MessageInflater> inflater;
        detail::WindowHistory sent, received;
        // Data messages waiting for the end of the fragmented message we are sending.
        std::vector<Held> held;

        [[nodiscard]] bool empty() const noexcept;
    };
    Extra& extra();
    void release_extra_if_idle() noexcept;
    [[nodiscard]] bool queue_empty() const noexcept { return !extra_ || extra_->queue.empty(); }
    [[nodiscard]] std::size_t queued_bytes() const noexcept {
        return extra_ ? extra_->queued_bytes : 0;
    }
    [[nodiscard]] std::uint32_t partial_len() const noexcept {
        return extra_ ? extra_->partial_len : 0;
    }
    [[nodiscard]] ReaderOptions reader_options() const noexcept;

    // What every connection holds (static_assert'ed in loop_conn.cpp: idle_object_budget).
    detail::LoopState& state_;
    const Endpoint& endpoint_;
    net::Socket socket_;
    std::uint32_t slot_;
    std::uint32_t generation_;
    std::uint32_t need_ = 0;  // the reader's last need_more hint
    net::Timer timer_;
    TimePoint last_read_{};     // anything received: the peer is alive
    TimePoint last_message_{};  // a data message received: the peer is not idle
    TimePoint mark_{};          // when our ping or our close frame went out
    void* user_data_ = nullptr;
    std::unique_ptr<Extra> extra_;
    std::uint16_t close_code_ = close_code::abnormal;  // what on_close will report
    Opcode message_opcode_ = Opcode::binary;           // of the message being joined
    // permessage-deflate, when negotiated: the agreement; then the message being received:
    // compressed, and (stream_fragments) its first inflated piece not yet handed on. And the
    // message we send in fragments: begun and not ended, compressed (RFC 7692 §6.1). (Flags
    // in one byte: an idle connection's size is budgeted.)
    static constexpr std::uint8_t kDeflate = 1, kWriteCompression = 2, kSendNoTakeover = 4,
                                  kRecvNoTakeover = 8, kMsgCompressed = 16, kMsgFirstPiece = 32,
                                  kOutOpen = 64, kOutCompressed = 128;
    std::uint8_t deflate_flags_ = 0;
    std::uint8_t send_bits_ = 15;  // our window (the server's, RFC 7692 §7.1.2.1)
    std::uint8_t recv_bits_ = 15;  // the client's
    std::uint8_t level_ = 1;
    bool opened_ : 1 = false;
    bool close_sent_ : 1 = false;
    bool close_received_ : 1 = false;
    bool fail_ : 1 = false;  // we failed the connection: close TCP once our close frame is out
    bool ping_outstanding_ : 1 = false;
    bool write_interest_ : 1 = false;
    bool dirty_ : 1 = false;  // in the loop's list of queues to flush at the end of the pass
    bool closed_ : 1 = false;
    [[nodiscard]] bool has(std::uint8_t flag) const noexcept {
        return (deflate_flags_ & flag) != 0;
    }
    void set(std::uint8_t flag, bool on) noexcept {
        deflate_flags_ =
            static_cast<std::uint8_t>(on ? deflate_flags_ | flag : deflate_flags_ & ~flag);
    }
};

}  // namespace wire::websocket
