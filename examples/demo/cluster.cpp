// wire:glue
#include "cluster.hpp"

#include <unistd.h>

#include <cstdlib>
#include <future>

#include "../example_flags.hpp"
#include "demo.hpp"

namespace demo {

namespace ws = wire::websocket;
using namespace std::chrono_literals;

namespace {

std::string flag_or_env(int argc, char** argv, const char* flag, const char* env) {
    std::string value = example::flag(argc, argv, flag, "");
    if (value.empty()) {
        if (const char* e = std::getenv(env); e != nullptr) value = e;
    }
    return value;
}

wire::cluster::RedisBackplaneOptions options(const std::string& address, const char* prefix) {
    wire::cluster::RedisBackplaneOptions o;
    o.redis.address = address;
    o.redis.backoff_max = 1000ms;  // a restarted redis is found again within a second
    o.prefix = prefix;
    return o;
}

}  // namespace

std::string redis_address(int argc, char** argv) {
    return flag_or_env(argc, argv, "--redis", "WIRE_REDIS");
}

std::string instance_name(int argc, char** argv) {
    std::string name = flag_or_env(argc, argv, "--instance", "WIRE_INSTANCE");
    return name.empty() ? "pid-" + std::to_string(::getpid()) : name;
}

Cluster::Cluster(Live& live, const std::string& redis_address, std::string instance)
    : live_(live),
      instance_(std::move(instance)),
      chat_(std::make_unique<wire::cluster::RedisBackplane>(
          loop_, options(redis_address, "wire-demo:chat:"))),
      push_(std::make_unique<wire::cluster::RedisBackplane>(
          loop_, options(redis_address, "wire-demo:push:"))) {}

Cluster::~Cluster() {
    stop();
}

void Cluster::start() {
    // Both start before the loop runs (their lifetime rule), the Hub's attach before any
    // connection subscribes.
    // Plain pub/sub with the defaults: start() has no combination of options to refuse.
    (void)chat_->start();
    (void)push_->start();
    push_->attach(this);
    push_->subscribe("system");
    live_.engine.hub().set_backplane(chat_.get());
    thread_ = std::thread([this] { (void)loop_.run(); });
}

void Cluster::stop() {
    if (!thread_.joinable()) return;
    live_.engine.hub().set_backplane(nullptr);
    std::promise<void> stopped;
    loop_.post([&] {
        chat_.reset();
        push_.reset();
        stopped.set_value();
        loop_.stop();
    });
    stopped.get_future().wait();
    thread_.join();
}

void Cluster::publish_push(const std::string& text) {
    const std::string head = instance_ + "\n";
    (void)push_->publish("system",
                         {reinterpret_cast<const std::uint8_t*>(head.data()), head.size()},
                         {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

void Cluster::on_backplane_message(std::string_view, std::span<const std::uint8_t> message) {
    const std::string_view m(reinterpret_cast<const char*>(message.data()), message.size());
    const auto nl = m.find('\n');
    // Without our header it is not the demo's; our own message was delivered here already.
    if (nl == std::string_view::npos || m.substr(0, nl) == instance_) return;
    (void)live_.push.broadcast(std::string(m.substr(nl + 1)));
}

}  // namespace demo
