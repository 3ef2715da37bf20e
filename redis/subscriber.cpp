// wire:glue
#include "redis/subscriber.hpp"

#include <vector>

#include "redis/command.hpp"

namespace wire::redis {
namespace {

// The kinds of pub/sub message a subscriber gets: RESP3 sends them as pushes; RESP2 as arrays
// whose first element names the kind.
enum class Kind { message, subscribed, unsubscribed, sunsubscribed, other, none };

Kind kind_of(std::string_view k) {
    if (k == "message" || k == "smessage") return Kind::message;
    if (k == "subscribe" || k == "ssubscribe") return Kind::subscribed;
    if (k == "unsubscribe") return Kind::unsubscribed;
    if (k == "sunsubscribe") return Kind::sunsubscribed;
    if (k == "pmessage" || k == "psubscribe" || k == "punsubscribe") return Kind::other;
    return Kind::none;
}

std::span<const std::uint8_t> bytes_of(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace

Subscriber::Subscriber(net::EventLoop& loop, Options options, Handler on_message)
    : link_(loop, std::move(options), *this), handler_(std::move(on_message)) {}

Subscriber::~Subscriber() = default;

void Subscriber::start() {
    link_.start();
}

void Subscriber::stop() {
    link_.stop();
}

void Subscriber::queue_subscribe_locked(std::string_view channel, bool sharded) {
    append_command(link_.out_locked(), {sharded ? "SSUBSCRIBE" : "SUBSCRIBE", channel});
}

void Subscriber::subscribe(std::string_view channel, bool sharded) {
    {
        auto lock = link_.lock();
        if (!wanted_.emplace(std::string(channel), sharded).second) return;
        if (!link_.ready_locked()) return;  // on_ready subscribes it
        queue_subscribe_locked(channel, sharded);
    }
    link_.flush_soon();
}

void Subscriber::unsubscribe(std::string_view channel) {
    {
        auto lock = link_.lock();
        const auto it = wanted_.find(std::string(channel));
        if (it == wanted_.end()) return;
        const bool sharded = it->second;
        wanted_.erase(it);
        if (!link_.ready_locked()) return;
        append_command(link_.out_locked(), {sharded ? "SUNSUBSCRIBE" : "UNSUBSCRIBE", channel});
    }
    link_.flush_soon();
}

// A new connection hears nothing yet: subscribe to everything wanted. Plain channels go in one
// SUBSCRIBE; sharded ones one by one, since a cluster refuses an SSUBSCRIBE across slots.
void Subscriber::on_ready() {
    {
        auto lock = link_.lock();
        std::vector<std::string_view> plain{"SUBSCRIBE"};
        for (const auto& [channel, sharded] : wanted_) {
            if (sharded) {
                queue_subscribe_locked(channel, true);
            } else {
                plain.push_back(channel);
            }
        }
        if (plain.size() > 1) append_command(link_.out_locked(), plain);
        if (link_.stats_reconnected_locked()) {
            link_.resubscribes.fetch_add(wanted_.size(), std::memory_order_relaxed);
        }
    }
    link_.flush_soon();
}

// Subscribing produces no reply of its own (confirmations are pub/sub messages); the only
// replies on this connection are the link's PINGs, which the link keeps.
bool Subscriber::on_reply(const Reply&) {
    return false;
}

bool Subscriber::is_push(const Reply& reply) {
    if (reply.type != Type::array) return false;
    RespCursor c = reply.cursor();
    Value v;
    if (!c.next_data(v) || v.size == 0 || !c.next_data(v) || !v.is_string()) return false;
    return kind_of(v.text) != Kind::none;
}

bool Subscriber::on_push(const Reply& reply) {
    RespCursor c = reply.cursor();
    Value head, kind, channel, data;
    if (!c.next_data(head) || head.size < 3) return true;  // other pushes (invalidations...)
    if (!c.next_data(kind) || !kind.is_string()) return false;
    if (!c.next_data(channel) || !channel.is_string() || !c.next_data(data)) return false;
    switch (kind_of(kind.text)) {
        case Kind::message:
            link_.received.fetch_add(1, std::memory_order_relaxed);
            if (handler_) handler_(channel.text, bytes_of(data.text));
            return true;
        case Kind::subscribed:
            confirmed_.emplace(channel.text);
            confirmed_count_.store(confirmed_.size(), std::memory_order_relaxed);
            return true;
        case Kind::unsubscribed:
            confirmed_.erase(std::string(channel.text));
            confirmed_count_.store(confirmed_.size(), std::memory_order_relaxed);
            return true;
        case Kind::sunsubscribed: {
            confirmed_.erase(std::string(channel.text));
            confirmed_count_.store(confirmed_.size(), std::memory_order_relaxed);
            // Still wanted: the server dropped it (its slot moved); take it up again.
            bool again = false;
            {
                auto lock = link_.lock();
                const auto it = wanted_.find(std::string(channel.text));
                again = it != wanted_.end() && link_.ready_locked();
                if (again) queue_subscribe_locked(channel.text, true);
            }
            if (again) {
                link_.resubscribes.fetch_add(1, std::memory_order_relaxed);
                link_.flush_soon();
            }
            return true;
        }
        default:
            return true;
    }
}

void Subscriber::on_lost(std::error_code) {
    confirmed_.clear();
    confirmed_count_.store(0, std::memory_order_relaxed);
}

}  // namespace wire::redis
