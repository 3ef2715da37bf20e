#include "websocket/shared_frame.hpp"

#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>

#include "websocket/frame_writer.hpp"

namespace wire::websocket {

SharedFrame::Block* SharedFrame::allocate(std::size_t size) {
    void* p = ::operator new(sizeof(Block) + size);
    return new (p) Block{{1}, size};
}

SharedFrame SharedFrame::make(Opcode op, std::span<const std::uint8_t> payload, std::uint8_t rsv,
                              bool fin) {
    if (is_control(op) && payload.size() > max_control_payload) {
        throw std::invalid_argument("SharedFrame::make: control payload over 125 bytes");
    }
    SharedFrame f;
    f.block_ = allocate(frame_size(payload.size(), false));
    const auto r = encode_frame(make_header(op, fin, Role::server, {}, rsv), payload,
                                {f.data(), f.block_->size});
    if (r.error) throw std::logic_error("SharedFrame::make: " + r.error.message());
    return f;
}

SharedFrame SharedFrame::copy_of(std::span<const std::uint8_t> bytes) {
    SharedFrame f;
    f.block_ = allocate(bytes.size());
    if (!bytes.empty()) std::memcpy(f.data(), bytes.data(), bytes.size());
    return f;
}

SharedFrame::SharedFrame(const SharedFrame& other) noexcept : block_(other.block_) {
    if (block_) block_->refs.fetch_add(1, std::memory_order_relaxed);
}

SharedFrame::~SharedFrame() {
    // acq_rel: the thread that frees must see every other thread's reads as finished.
    if (block_ && block_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        block_->~Block();
        ::operator delete(block_);
    }
}

std::span<const std::uint8_t> SharedFrame::bytes() const noexcept {
    if (!block_) return {};
    return {data(), block_->size};
}

}  // namespace wire::websocket
