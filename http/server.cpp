// wire:glue
#include "http/server.hpp"

#include <signal.h>

#include "http/detail/server_core.hpp"
#include "http/server_error.hpp"

namespace wire::http {

Server::Server() : core_(std::make_unique<detail::ServerCore>(*this)) {}

Server::~Server() = default;

net::Result<void> Server::listen() {
    return core_->listen();
}

net::Result<void> Server::serve() {
    return core_->serve();
}

net::Result<void> Server::listen_and_serve() {
    if (auto r = core_->listen(); !r) return r;
    return core_->serve();
}

void Server::shutdown_on_signals(Duration grace) {
    core_->shutdown_on_signals(grace);
}

net::Address Server::address() const {
    return core_->address();
}

net::Result<void> Server::shutdown(std::chrono::steady_clock::time_point deadline) {
    return core_->shutdown(deadline);
}

void Server::close() {
    core_->close();
}

void Server::register_on_shutdown(std::function<void()> hook) {
    core_->register_on_shutdown(std::move(hook));
}

void Server::register_on_shutdown_wait(std::function<void(std::function<void()> done)> hook) {
    core_->register_on_shutdown_wait(std::move(hook));
}

std::size_t Server::connection_count() const noexcept {
    return core_->open();
}

net::Result<void> listen_and_serve(std::string_view addr, HandlerPtr handler) {
    Server server;
    server.addr = std::string(addr);
    server.handler = std::move(handler);
    server.shutdown_on_signals();
    return server.listen_and_serve();
}

}  // namespace wire::http
