// wire:glue
#include "websocket/route.hpp"

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "http/request.hpp"
#include "http/response_writer.hpp"
#include "websocket/detail/fields.hpp"
#include "websocket/handshake.hpp"
#include "websocket/trace.hpp"

namespace wire::websocket {

namespace {

void answer_failure(http::ResponseWriter& w, const HandshakeCheck& check) {
    for (const HandshakeField& f : check.fields)
        w.header().set(f.name, f.value);
    w.header().set("Content-Type", "text/plain; charset=utf-8");
    w.write_header(check.status);
    (void)w.write(check.body);
}

}  // namespace

http::HandlerPtr upgrade_handler(Engine& engine, const Endpoint& endpoint, RouteOptions options) {
    return http::handler_func(
        [&engine, &endpoint, options](http::ResponseWriter& w, http::Request& r) {
            // 1. RFC 6455 §4.2.1: the request must be a valid opening handshake.
            detail::JoinedUpgradeLists lists;
            const UpgradeRequest req =
                detail::upgrade_request_of(r.method, r.proto_minor, r.host, r.header, lists);
            UpgradeResponse resp;
            ServerHandshakeOptions hs;
            if (endpoint.options.enable_compression) hs.compression = &endpoint.options.compression;
            HandshakeCheck check = accept_upgrade(req, hs, resp);
            if (check.ok() && options.check_same_origin && !is_same_origin(req.origin, req.host)) {
                check = handshake_failure(Error::handshake_bad_origin);
            }
            if (!check.ok()) return answer_failure(w, check);
            // 2. Admission: refuse before the connection costs anything.
            if (!engine.admit()) {
                if (net::EventLoop* loop = net::EventLoop::current()) engine.count_refused(*loop);
                w.header().set("Retry-After", "1");
                w.write_header(503);
                (void)w.write("server at capacity\n");
                return;
            }
            // 3. Ask the server to hand the socket over on this loop once the 101 is out.
            std::optional<DeflateParams> deflate;
            if (resp.deflate) deflate = resp.deflate_params;
            auto taken = w.upgrade_on_loop([&engine, &endpoint, deflate](http::LoopUpgrade&& u) {
                const std::span<const std::uint8_t> early{
                    reinterpret_cast<const std::uint8_t*>(u.already_read.data()),
                    u.already_read.size()};
                (void)engine.adopt(*u.loop, std::move(u.socket), early, endpoint, false, deflate);
            });
            if (!taken) {
                w.write_header(500);
                (void)w.write("WebSocket routes need handlers on the loops (worker_threads = 0)\n");
                return;
            }
            // 4. RFC 6455 §4.2.2: the 101 with the accept value and what was negotiated. (The
            //    server traces the 101 itself; the endpoint's trace shows where the value came
            //    from.)
            trace_accept(endpoint.options.trace, req.key, Direction::sent);
            w.header().set("Upgrade", "websocket");
            w.header().set("Connection", "Upgrade");
            w.header().set("Sec-WebSocket-Accept", resp.accept.view());
            if (!resp.protocol.empty()) w.header().set("Sec-WebSocket-Protocol", resp.protocol);
            if (!resp.extensions.response.empty())
                w.header().set("Sec-WebSocket-Extensions", resp.extensions.response);
            w.write_header(101);
        });
}

void handle(http::ServeMux& mux, std::string_view pattern, Engine& engine, const Endpoint& endpoint,
            RouteOptions options) {
    mux.handle(pattern, upgrade_handler(engine, endpoint, options));
}

void shutdown_with(http::Server& server, Engine& engine, net::EventLoop::Duration drain) {
    server.register_on_shutdown_wait(
        [&engine, drain](std::function<void()> done) { engine.shutdown(drain, std::move(done)); });
}

}  // namespace wire::websocket
