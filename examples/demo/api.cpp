#include "examples/demo/api.hpp"

#include <string>

#include "http/handlers.hpp"
#include "http/request.hpp"
#include "http/response_writer.hpp"
#include "http/values.hpp"

namespace demo {
namespace http = wire::http;
namespace {

void inspect(http::ResponseWriter& w, http::Request& r) {
    std::string body;
    const auto read = r.body().read_all(body);
    std::string out = "remote address: " + std::string(r.remote_addr) + "\n";
    out += "request line:   " + std::string(r.method) + " " + std::string(r.target) + " " +
           std::string(r.proto()) + "\n";
    out += "path:           " + std::string(r.path) + "\n";
    if (!r.raw_query.empty()) out += "query:          " + std::string(r.raw_query) + "\n";
    out += "header fields:\n";
    for (const http::Field& f : r.header)
        out += "  " + std::string(f.name) + ": " + std::string(f.value) + "\n";
    out += "body (" + std::to_string(body.size()) + " bytes):\n" + body;
    if (!body.empty() && body.back() != '\n') out += '\n';
    if (!read) out += "body error: " + read.error().message() + "\n";
    w.header().set("Content-Type", "text/plain; charset=utf-8");
    (void)w.write(out);
}

// Seed 003: POST /api/tool/send_message with `message`; every listening page receives it.
void send_message(http::ResponseWriter& w, http::Request& r, const Broadcast& broadcast) {
    std::string body;
    if (!r.body().read_all(body)) {
        http::error(w, "could not read the request body", 400);
        return;
    }
    http::Values form;
    (void)http::parse_query(body, form);         // application/x-www-form-urlencoded
    (void)http::parse_query(r.raw_query, form);  // or ?message=... on the URL
    const std::string_view message = form.get("message");
    if (message.empty()) {
        http::error(w, "the form field 'message' is missing or empty", 400);
        return;
    }
    const std::size_t reached = broadcast(message);
    w.header().set("Content-Type", "application/json");
    (void)w.write("{\"delivered_to\":" + std::to_string(reached) + "}\n");
}

}  // namespace

void register_api(http::ServeMux& mux, Broadcast broadcast) {
    mux.handle_func("/inspect", inspect);
    mux.handle_func("POST /api/tool/send_message",
                    [broadcast = std::move(broadcast)](http::ResponseWriter& w, http::Request& r) {
                        send_message(w, r, broadcast);
                    });
}

}  // namespace demo
