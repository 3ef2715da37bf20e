// wire:glue
#include "websocket/conn_handle.hpp"

#include "websocket/detail/loop_state.hpp"
#include "websocket/loop_conn.hpp"

namespace wire::websocket {

bool ConnHandle::send(Opcode op, std::string payload) const {
    if (state_ == nullptr || !state_->attached()) return false;
    auto task = [st = state_, slot = slot_, gen = generation_, op, p = std::move(payload)] {
        if (LoopConn* c = st->find(slot, gen)) {
            (void)c->send(op, {reinterpret_cast<const std::uint8_t*>(p.data()), p.size()});
        }
    };
    // On the connection's own loop there is nothing to cross: send now, in order.
    if (state_->loop.in_loop_thread()) {
        task();
    } else {
        state_->loop.post(std::move(task));
    }
    return true;
}

bool ConnHandle::close(std::uint16_t code, std::string reason) const {
    if (state_ == nullptr || !state_->attached()) return false;
    auto task = [st = state_, slot = slot_, gen = generation_, code, r = std::move(reason)] {
        if (LoopConn* c = st->find(slot, gen)) c->close(code, r);
    };
    if (state_->loop.in_loop_thread()) {
        task();
    } else {
        state_->loop.post(std::move(task));
    }
    return true;
}

}  // namespace wire::websocket
