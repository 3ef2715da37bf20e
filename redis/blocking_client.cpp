// wire:glue
#include "redis/blocking_client.hpp"

#include <future>

#include "net/error.hpp"

namespace wire::redis {

BlockingClient::BlockingClient(Options options)
    : client_(std::make_unique<Client>(loop_, std::move(options))) {
    loop_.post([this] { client_->start(); });
    thread_ = std::thread([this] { (void)loop_.run(); });
}

BlockingClient::~BlockingClient() {
    std::promise<void> stopped;
    loop_.post([this, &stopped] {
        client_->stop();
        client_.reset();
        stopped.set_value();
        loop_.stop();
    });
    stopped.get_future().wait();
    thread_.join();
}

bool BlockingClient::wait_connected(std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (!client_->connected()) {
        if (std::chrono::steady_clock::now() >= end) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

net::Result<OwnedReply> BlockingClient::command(std::span<const std::string_view> args,
                                                std::chrono::milliseconds timeout) {
    // Shared with the callback, which may run after a timeout has returned.
    struct Slot {
        std::promise<net::Result<OwnedReply>> promise;
    };
    auto slot = std::make_shared<Slot>();
    auto future = slot->promise.get_future();
    client_->command(args, [slot](std::error_code ec, const Reply& r) {
        if (ec) {
            slot->promise.set_value(ec);
            return;
        }
        OwnedReply owned{std::string(reinterpret_cast<const char*>(r.bytes.data()), r.bytes.size()),
                         r.type};
        slot->promise.set_value(std::move(owned));
    });
    if (future.wait_for(timeout) != std::future_status::ready) return net::Error::timeout;
    return future.get();
}

}  // namespace wire::redis
