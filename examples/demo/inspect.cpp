// /inspect, any method: seed 000's request inspector as a page. The answer is the request as
// wire parsed it: the client's address, the request line, every field line and the body, then
// the content codings the client offered (Accept-Encoding, RFC 9110 §12.5.3) and the one the
// demo's gzip_handler picked for this very answer.
#include <string>

#include "demo.hpp"
#include "http/accept_encoding.hpp"
#include "http/handlers.hpp"
#include "http/request.hpp"
#include "http/response_writer.hpp"

namespace demo {

namespace http = wire::http;

void add_inspector(http::ServeMux& mux) {
    mux.handle_func("/inspect", [](http::ResponseWriter& w, http::Request& r) {
        std::string body;
        if (auto read = r.body().read_all(body); !read) {
            http::error(w, "cannot read the body: " + read.error().message(), 400);
            return;
        }
        std::string out;
        out.append("remote address: ").append(r.remote_addr).append("\n");
        out.append("method: ").append(r.method).append("\n");
        out.append("path: ").append(r.path).append("\n");
        if (!r.raw_query.empty()) out.append("query: ").append(r.raw_query).append("\n");
        out.append("proto: ").append(r.proto()).append("\n");
        out.append("header:\n");
        for (const auto& field : r.header) {
            out.append("  ").append(field.name).append(": ").append(field.value).append("\n");
        }
        out.append("body (").append(std::to_string(body.size())).append(" bytes):\n");
        out.append(body).append("\n");
        const http::AcceptEncoding offered = http::parse_accept_encoding(r.header);
        out.append("content codings offered: ");
        out.append(offered.present ? r.header.get("Accept-Encoding") : "(none: identity only)");
        const http::CodingChoice choice = http::choose_coding(offered);
        out.append("\ngzip_handler answers with: ").append(http::coding_name(choice.coding));
        out.append(" (when the answer is at least 1 KiB)\n");
        w.header().set("Content-Type", "text/plain; charset=utf-8");
        w.header().set("Cache-Control", "no-store");
        (void)w.write(out);
    });
}

}  // namespace demo
