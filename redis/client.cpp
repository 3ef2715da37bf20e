// wire:glue
#include "redis/client.hpp"

#include "redis/command.hpp"

namespace wire::redis {

Client::Client(net::EventLoop& loop, Options options) : link_(loop, std::move(options), *this) {}

Client::~Client() = default;

void Client::start() {
    link_.start();
}

void Client::stop() {
    link_.stop();
}

bool Client::refuse(std::error_code why, bool publish, const Callback& callback) {
    if (publish) link_.failed_publishes.fetch_add(1, std::memory_order_relaxed);
    if (callback) callback(why, Reply{});
    return false;
}

bool Client::command(std::span<const std::string_view> args, Callback callback) {
    {
        auto lock = link_.lock();
        if (!link_.ready_locked()) {
            lock.unlock();
            return refuse(Error::not_connected, false, callback);
        }
        if (link_.over_limit_locked()) {
            lock.unlock();
            return refuse(Error::queue_full, false, callback);
        }
        append_command(link_.out_locked(), args);
        link_.expect_reply_locked();
        pending_.push_back({std::move(callback), false});
    }
    link_.commands.fetch_add(1, std::memory_order_relaxed);
    link_.flush_soon();
    return true;
}

bool Client::publish(std::string_view channel, std::span<const std::string_view> message,
                     bool sharded, Callback callback) {
    {
        auto lock = link_.lock();
        if (!link_.ready_locked() || link_.over_limit_locked()) {
            const bool ready = link_.ready_locked();
            lock.unlock();
            return refuse(ready ? Error::queue_full : Error::not_connected, true, callback);
        }
        std::string& out = link_.out_locked();
        begin_command(out, 3);
        append_arg(out, sharded ? "SPUBLISH" : "PUBLISH");
        append_arg(out, channel);
        append_arg(out, message);
        link_.expect_reply_locked();
        pending_.push_back({std::move(callback), true});
    }
    link_.commands.fetch_add(1, std::memory_order_relaxed);
    link_.flush_soon();
    return true;
}

void Client::finish(Pending& p, std::error_code error, const Reply& reply) {
    if (p.publish) {
        (error ? link_.failed_publishes : link_.published).fetch_add(1, std::memory_order_relaxed);
    }
    if (p.callback) p.callback(error, reply);
}

bool Client::on_reply(const Reply& reply) {
    Pending p;
    {
        auto lock = link_.lock();
        if (pending_.empty()) return false;
        p = std::move(pending_.front());
        pending_.pop_front();
    }
    const Value v = reply.value();
    // PUBLISH answers with the number of receivers; anything else is a mix-up.
    if (p.publish && !v.is_error() && v.type != Type::integer) {
        finish(p, Error::unexpected_reply, reply);
        return false;
    }
    finish(p, v.is_error() ? std::error_code(Error::server_error) : std::error_code{}, reply);
    return true;
}

void Client::on_lost(std::error_code error) {
    std::deque<Pending> lost;
    {
        auto lock = link_.lock();
        lost.swap(pending_);
    }
    const std::error_code why = error == Error::closed ? error : Error::connection_lost;
    for (Pending& p : lost)
        finish(p, why, Reply{});
}

}  // namespace wire::redis
