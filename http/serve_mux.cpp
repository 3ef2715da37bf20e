#include "http/serve_mux.hpp"

#include <stdexcept>
#include <utility>

#include "http/clean_path.hpp"
#include "http/handlers.hpp"
#include "http/request.hpp"
#include "http/response_writer.hpp"

namespace wire::http {
namespace {

// Whether clean_path would change `path`: a "//", "." or ".." segment. A cheap scan first, so
// the usual clean path costs no allocation.
bool needs_cleaning(std::string_view path) noexcept {
    if (path.empty() || path[0] != '/') return true;
    const char* const end = path.data() + path.size();
    for (const char* p = path.data(); p < end; ++p) {
        if (*p != '/') continue;
        // The segment after this slash runs to the next '/' or the end.
        const char* seg = p + 1;
        if (seg == end) return false;  // a trailing slash is kept as it is
        if (*seg == '/') return true;  // an empty segment: "//"
        if (*seg != '.') continue;
        const char* after = seg + 1;  // "." or ".." alone?
        if (after < end && *after == '.') ++after;
        if (after == end || *after == '/') return true;
    }
    return false;
}

// Go's cleanPath: clean_path, but a trailing slash survives ("/a/b/" stays a subtree path).
std::string cleaned(std::string_view path) {
    std::string out =
        clean_path(path.empty() || path[0] != '/' ? "/" + std::string(path) : std::string(path));
    if (path.size() > 1 && path.back() == '/' && out != "/") out.push_back('/');
    return out;
}

void moved_permanently(ResponseWriter& w, Request& r, std::string location) {
    // Go keeps the query on both of its redirects, so a form GET survives.
    if (!r.raw_query.empty()) location.append("?").append(r.raw_query);
    redirect(w, r, location, 301);
}

HandlerPtr method_not_allowed_default() {
    return handler_func([](ResponseWriter& w, Request&) { error(w, "Method Not Allowed", 405); });
}

}  // namespace

ServeMux::ServeMux()
    : not_found_(not_found_handler()), method_not_allowed_(method_not_allowed_default()) {}

void ServeMux::handle(std::string_view pattern, HandlerPtr handler) {
    // why: a null handler would crash at the first request instead of at registration.
    if (!handler)
        throw std::invalid_argument("ServeMux: nil handler for \"" + std::string(pattern) + "\"");
    const std::size_t route = router_.add(pattern);
    if (handlers_.size() <= route) handlers_.resize(route + 1);
    handlers_[route] = std::move(handler);
}

void ServeMux::handle_func(std::string_view pattern, HandlerFunc::Function fn) {
    handle(pattern, std::make_shared<HandlerFunc>(std::move(fn)));
}

void ServeMux::set_not_found_handler(HandlerPtr handler) {
    not_found_ = handler ? std::move(handler) : not_found_handler();
}

void ServeMux::set_method_not_allowed_handler(HandlerPtr handler) {
    method_not_allowed_ = handler ? std::move(handler) : method_not_allowed_default();
}

void ServeMux::serve(ResponseWriter& w, Request& r) {
    // RFC 9110 §9.3.7: "OPTIONS *" asks about the server itself, not a resource: 200 with an
    // empty body, as Go's server answers it. (The parser allows "*" only with OPTIONS.)
    if (r.target == "*") {
        w.write_header(200);
        return;
    }
    // CONNECT's target is host:port, not a path: it is routed as it comes (as Go does).
    if (r.method != "CONNECT" && needs_cleaning(r.path)) {
        moved_permanently(w, r, cleaned(r.path));
        return;
    }
    RouteMatch& m = r.route_match();
    router_.match(r.method, r.host, r.path, m);
    switch (m.outcome()) {
        case RouteMatch::Outcome::matched:
            r.pattern = m.pattern();
            handlers_[m.route()]->serve(w, r);
            return;
        case RouteMatch::Outcome::redirect:
            moved_permanently(w, r, std::string(m.redirect_path()));
            return;
        case RouteMatch::Outcome::method_not_allowed:
            // RFC 9110 §15.5.6: a 405 must list the methods the target supports.
            w.header().set("Allow", m.allow());
            method_not_allowed_->serve(w, r);
            return;
        case RouteMatch::Outcome::not_found:
            not_found_->serve(w, r);
            return;
    }
}

ServeMux::Match ServeMux::handler(const Request& r) const {
    if (r.target == "*") {
        return {handler_func([](ResponseWriter& w, Request&) { w.write_header(200); }), ""};
    }
    std::string query;
    if (!r.raw_query.empty()) query.append("?").append(r.raw_query);
    RouteMatch m;
    if (r.method != "CONNECT" && needs_cleaning(r.path)) {
        const std::string clean = cleaned(r.path);
        router_.match(r.method, r.host, clean, m);
        std::string pattern(m.outcome() == RouteMatch::Outcome::matched ? m.pattern() : "");
        return {redirect_handler(clean + query, 301), std::move(pattern)};
    }
    router_.match(r.method, r.host, r.path, m);
    switch (m.outcome()) {
        case RouteMatch::Outcome::matched:
            return {handlers_[m.route()], std::string(m.pattern())};
        case RouteMatch::Outcome::redirect: {
            std::string to(m.redirect_path());
            return {redirect_handler(to + query, 301), to};
        }
        case RouteMatch::Outcome::method_not_allowed:
            return {handler_func([allow = std::string(m.allow()), next = method_not_allowed_](
                                     ResponseWriter& w, Request& req) {
                        w.header().set("Allow", allow);  // RFC 9110 §15.5.6
                        next->serve(w, req);
                    }),
                    ""};
        case RouteMatch::Outcome::not_found:
            break;
    }
    return {not_found_, ""};
}

std::string ServeMux::explain(const Request& r) const {
    return explain(r.method, r.host, r.target);
}

std::string ServeMux::explain(std::string_view method, std::string_view host,
                              std::string_view target) const {
    const std::string_view path = target.substr(0, target.find('?'));
    if (method != "CONNECT" && needs_cleaning(path)) {
        return "301 Moved Permanently to \"" + cleaned(path) +
               "\": the path is not clean (\"//\", \".\" or \"..\" segments), so the mux "
               "redirects before routing\n";
    }
    return router_.explain(method, host, path);
}

ServeMux& default_serve_mux() {
    static ServeMux mux;
    return mux;
}

void handle(std::string_view pattern, HandlerPtr handler) {
    default_serve_mux().handle(pattern, std::move(handler));
}

void handle_func(std::string_view pattern, HandlerFunc::Function fn) {
    default_serve_mux().handle_func(pattern, std::move(fn));
}

}  // namespace wire::http
