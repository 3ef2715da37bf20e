// wire:glue
#include "cluster/redis_backplane.hpp"

namespace wire::cluster {
namespace {

std::string_view text(std::span<const std::uint8_t> b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

redis::Options named(redis::Options o, std::string_view role) {
    if (o.client_name.empty()) o.client_name = std::string("wire-backplane-") + std::string(role);
    return o;
}

}  // namespace

RedisBackplane::RedisBackplane(net::EventLoop& loop, RedisBackplaneOptions options)
    : options_(std::move(options)),
      publisher_(loop, named(options_.redis, "pub")),
      subscriber_(loop, named(options_.redis, "sub"),
                  [this](std::string_view channel, std::span<const std::uint8_t> message) {
                      deliver(channel, message);
                  }) {
    if (options_.streams) {
        reader_ = std::make_unique<StreamReader>(
            loop, named(options_.redis, "streams"), options_.stream_block,
            [this](std::string_view key, std::span<const std::uint8_t> message) {
                stream_received_.fetch_add(1, std::memory_order_relaxed);
                deliver(key, message);
            });
    }
}

RedisBackplane::~RedisBackplane() = default;

std::error_code RedisBackplane::start() {
    // Why refused: a stream is a key, which SSUBSCRIBE does not follow; silently ignoring either
    // option would hand the user a backplane other than the one asked for.
    if (options_.streams && options_.sharded) return Error::streams_not_sharded;
    // Why refused: XADD MAXLEN 0 trims every entry at once, and readers would hear nothing.
    if (options_.streams && options_.stream_maxlen == 0) return Error::stream_maxlen_zero;
    if (reader_) {
        publisher_.set_on_ready(
            [this, &loop = publisher_.loop(), alive = std::weak_ptr<bool>(alive_)] {
                // Posted, not run inside the connection's handshake step.
                loop.post([this, alive] {
                    if (!alive.expired()) flush_outbox();
                });
            });
    }
    publisher_.start();
    if (reader_) {
        reader_->start();
    } else {
        subscriber_.start();
    }
    return {};
}

void RedisBackplane::stop() {
    publisher_.stop();
    if (reader_) {
        reader_->stop();
    } else {
        subscriber_.stop();
    }
}

void RedisBackplane::attach(Sink* sink) {
    sink_.store(sink, std::memory_order_release);
}

bool RedisBackplane::publish(std::string_view topic, std::span<const std::uint8_t> head,
                             std::span<const std::uint8_t> body) {
    // The channel name is built in a buffer each thread reuses: no allocation per message.
    thread_local std::string channel;
    channel.assign(options_.prefix);
    channel.append(topic);
    if (reader_) return append(channel, head, body);
    const std::string_view pieces[] = {text(head), text(body)};
    return publisher_.publish(channel, pieces, options_.sharded);
}

// Streams mode: while the publisher is down, or anything still waits, the message joins the
// outbox (in order); else it is appended at once.
bool RedisBackplane::append(const std::string& key, std::span<const std::uint8_t> head,
                            std::span<const std::uint8_t> body) {
    thread_local std::string message;
    message.assign(text(head));
    message.append(text(body));
    std::lock_guard lock(outbox_mu_);
    if (outbox_.empty() && publisher_.connected() && xadd(key, message)) return true;
    // Why counted lost: the outbox is bounded, memory must not follow an outage's length.
    if (outbox_.size() >= options_.stream_outbox) {
        stream_lost_.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    outbox_.push_back({key, message});
    return true;
}

// XADD key MAXLEN ~ N * m <head+body>: "~" lets redis trim whole nodes, cheaper than an exact
// length; the stream keeps at least N entries. False when it could not even be sent (the caller
// keeps the message); a failure on the way (the connection lost with it in flight: it may or
// may not be stored) is counted lost.
bool RedisBackplane::xadd(const std::string& key, const std::string& message) {
    const std::string maxlen = std::to_string(options_.stream_maxlen);
    return publisher_.command(
        {"XADD", key, "MAXLEN", "~", maxlen, "*", StreamReader::field, message},
        [this](std::error_code error, const redis::Reply&) {
            if (error == redis::Error::not_connected || error == redis::Error::queue_full) return;
            auto& counter = error ? stream_lost_ : stream_published_;
            counter.fetch_add(1, std::memory_order_relaxed);
        });
}

// On the loop thread after each (re)connect: what waited goes out first, in order. What cannot
// be sent (lost again meanwhile) stays for the next connection.
void RedisBackplane::flush_outbox() {
    std::lock_guard lock(outbox_mu_);
    while (!outbox_.empty()) {
        if (!xadd(outbox_.front().key, outbox_.front().message)) return;
        outbox_.pop_front();
    }
}

void RedisBackplane::subscribe(std::string_view topic) {
    if (reader_) return reader_->follow(options_.prefix + std::string(topic));
    subscriber_.subscribe(options_.prefix + std::string(topic), options_.sharded);
}

void RedisBackplane::unsubscribe(std::string_view topic) {
    if (reader_) return reader_->forget(options_.prefix + std::string(topic));
    subscriber_.unsubscribe(options_.prefix + std::string(topic));
}

void RedisBackplane::deliver(std::string_view channel, std::span<const std::uint8_t> message) {
    // Only our prefix is subscribed; anything else would be a server mix-up, and is dropped.
    if (channel.substr(0, options_.prefix.size()) != options_.prefix) return;
    if (Sink* sink = sink_.load(std::memory_order_acquire)) {
        sink->on_backplane_message(channel.substr(options_.prefix.size()), message);
    }
}

bool RedisBackplane::connected() const {
    if (reader_) return publisher_.connected() && reader_->client().connected();
    return publisher_.connected() && subscriber_.connected();
}

websocket::BackplaneStats RedisBackplane::stats() const {
    const redis::Stats p = publisher_.stats();
    const redis::Stats s = subscriber_.stats();
    websocket::BackplaneStats out;
    out.connected = p.connected && s.connected;
    out.published = p.published;
    out.received = s.received;
    out.lost = p.failed_publishes;
    out.reconnects = p.reconnects + s.reconnects;
    out.resubscribes = s.resubscribes;
    out.disconnected = std::max(p.disconnected, s.disconnected);
    if (reader_) {
        const redis::Stats r = reader_->client().stats();
        out.connected = p.connected && r.connected;
        out.published = stream_published_.load(std::memory_order_relaxed);
        out.received = stream_received_.load(std::memory_order_relaxed);
        out.lost = stream_lost_.load(std::memory_order_relaxed);
        out.reconnects = p.reconnects + r.reconnects;
        out.resubscribes = 0;  // positions, not subscriptions: nothing to subscribe again
        out.disconnected = std::max(p.disconnected, r.disconnected);
    }
    return out;
}

}  // namespace wire::cluster
