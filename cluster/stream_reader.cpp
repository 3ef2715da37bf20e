// wire:glue
#include "cluster/stream_reader.hpp"

#include <vector>

namespace wire::cluster {
namespace {

using namespace std::chrono_literals;

std::span<const std::uint8_t> bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace

StreamReader::StreamReader(net::EventLoop& loop, const redis::Options& options,
                           std::chrono::milliseconds block, Deliver deliver)
    : loop_(loop),
      block_(block),
      deliver_(std::move(deliver)),
      retry_([](net::Timer&, void* me) { static_cast<StreamReader*>(me)->pump(); }, this),
      client_(loop, options) {}

StreamReader::~StreamReader() {
    stopped_ = true;
    loop_.cancel(retry_);
}

void StreamReader::start() {
    stopped_ = false;
    client_.start();
    loop_.post([this] { pump(); });
}

void StreamReader::stop() {
    stopped_ = true;
    loop_.cancel(retry_);
    client_.stop();
}

void StreamReader::follow(const std::string& key) {
    {
        std::lock_guard lock(mu_);
        if (streams_.contains(key)) return;
        streams_[key];
    }
    loop_.post([this, key] { resolve(key); });
}

void StreamReader::forget(const std::string& key) {
    std::lock_guard lock(mu_);
    streams_.erase(key);
}

// Where a new topic starts: after the stream's last entry, or at its beginning when it is empty.
void StreamReader::resolve(const std::string& key) {
    {
        std::lock_guard lock(mu_);
        auto it = streams_.find(key);
        if (it == streams_.end() || !it->second.last_id.empty() || it->second.resolving) return;
        it->second.resolving = true;
    }
    client_.command({"XREVRANGE", key, "+", "-", "COUNT", "1"},
                    [this, key](std::error_code error, const redis::Reply& reply) {
                        std::string id = "0-0";
                        redis::RespCursor c = reply.cursor();
                        redis::Value v;
                        // [[id, [field, value]]]: the id is the third value.
                        if (!error && c.next_data(v) && v.size > 0 && c.next_data(v) &&
                            c.next_data(v) && v.is_string()) {
                            id = v.text;
                        }
                        std::lock_guard lock(mu_);
                        auto it = streams_.find(key);
                        if (it == streams_.end()) return;
                        it->second.resolving = false;
                        if (!error) it->second.last_id = id;  // else tried again by pump()
                    });
}

void StreamReader::pump() {
    if (stopped_ || reading_) return;
    std::vector<std::string> keys;
    std::vector<std::string> ids;
    {
        std::lock_guard lock(mu_);
        for (const auto& [key, position] : streams_) {
            if (position.last_id.empty()) continue;
            keys.push_back(key);
            ids.push_back(position.last_id);
        }
    }
    {
        std::vector<std::string> unresolved;
        {
            std::lock_guard lock(mu_);
            for (const auto& [key, position] : streams_)
                if (position.last_id.empty() && !position.resolving) unresolved.push_back(key);
        }
        for (const auto& key : unresolved)
            resolve(key);
    }
    if (keys.empty()) return retry_soon();
    const std::string block = std::to_string(block_.count());
    std::vector<std::string_view> args{"XREAD", "COUNT", "1000", "BLOCK", block, "STREAMS"};
    args.insert(args.end(), keys.begin(), keys.end());
    args.insert(args.end(), ids.begin(), ids.end());
    reading_ = true;
    client_.command(args, [this](std::error_code error, const redis::Reply& reply) {
        reading_ = false;
        if (stopped_) return;
        if (error) return retry_soon();  // not connected, or lost: the ids are kept
        on_entries(reply);
        pump();
    });
}

void StreamReader::retry_soon() {
    if (!stopped_ && !retry_.armed()) loop_.arm_after(retry_, 20ms);
}

// XREAD's reply: nil after BLOCK with nothing new; else per stream its name and its entries,
// as a map (RESP3) or as two-element arrays (RESP2). Each entry: [id, [field, value, ...]].
void StreamReader::on_entries(const redis::Reply& reply) {
    redis::RespCursor c = reply.cursor();
    redis::Value top;
    if (!c.next_data(top) || top.is_null || top.type == redis::Type::null) return;
    const bool as_map = top.type == redis::Type::map;
    const std::uint64_t streams = as_map ? top.size / 2 : top.size;
    for (std::uint64_t s = 0; s < streams; ++s) {
        redis::Value v;
        if (!as_map && !c.next_data(v)) return;  // the [name, entries] pair
        redis::Value name;
        redis::Value entries;
        if (!c.next_data(name) || !c.next_data(entries)) return;
        const std::string key(name.text);
        std::string last;
        for (std::uint64_t e = 0; e < entries.size; ++e) {
            redis::Value entry, id, fields;
            if (!c.next_data(entry) || !c.next_data(id) || !c.next_data(fields)) return;
            last = id.text;
            for (std::uint64_t f = 0; f + 1 < fields.size; f += 2) {
                redis::Value k, val;
                if (!c.next_data(k) || !c.next_data(val)) return;
                if (k.text == field) deliver_(key, bytes(val.text));
            }
        }
        std::lock_guard lock(mu_);
        if (auto it = streams_.find(key); it != streams_.end() && !last.empty())
            it->second.last_id = last;
    }
}

}  // namespace wire::cluster
