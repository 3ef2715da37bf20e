// ServeMux: Go 1.22's request multiplexer, a Handler that routes each request to the handler
// registered for the most specific matching pattern (http/router.hpp has the pattern rules).
//
//   ServeMux mux;
//   mux.handle_func("GET /users/{id}", [](ResponseWriter& w, Request& r) {
//       (void)w.write(r.path_value("id"));
//   });
//
// What the mux answers itself, as Go's does:
//   - A path with "//", "." or ".." segments: 301 to its clean_path form, query kept (except
//     for CONNECT, whose target is not a path).
//   - "/tree" when only the subtree "/tree/" is registered: 301 to "/tree/", query kept.
//   - No pattern matches: 404 "404 page not found" (replaceable: set_not_found_handler).
//   - Patterns match the path but not the method: 405 with an Allow header listing the methods
//     that would match (RFC 9110 §15.5.6) (replaceable: set_method_not_allowed_handler; the
//     Allow header is set before it runs).
// Registration (handle, handle_func) throws std::invalid_argument for a malformed pattern or one
// that conflicts with a registered one, naming both. Register everything before serving: routing
// is lock-free and may run on every loop at once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/handler.hpp"
#include "http/router.hpp"

namespace wire::http {

class ServeMux final : public Handler {
  public:
    ServeMux();

    void handle(std::string_view pattern, HandlerPtr handler);
    void handle_func(std::string_view pattern, HandlerFunc::Function fn);

    void serve(ResponseWriter& w, Request& r) override;

    // Replace the answers for "no pattern matches" and "wrong method".
    void set_not_found_handler(HandlerPtr handler);
    void set_method_not_allowed_handler(HandlerPtr handler);

    // A person-readable account of how `r` would be routed: redirects, the winning pattern, and
    // the patterns that lost and why. For learners and debugging; allocates.
    [[nodiscard]] std::string explain(const Request& r) const;
    [[nodiscard]] std::string explain(std::string_view method, std::string_view host,
                                      std::string_view target) const;

    // Go's ServeMux.Handler: the handler serve() would run for `r` and the pattern that chose
    // it, without running it. For a redirect, a handler that sends it (pattern: the target
    // path for the subtree redirect, the cleaned path's pattern for the clean-path one); for a
    // 405, one that sets Allow and runs the method-not-allowed handler; for a 404, the
    // not-found handler; pattern "" for these last two. Path values are not set on `r`.
    // Allocates; for middleware and tests, not the hot path.
    struct Match {
        HandlerPtr handler;
        std::string pattern;
    };
    [[nodiscard]] Match handler(const Request& r) const;

  private:
    Router router_;
    std::vector<HandlerPtr> handlers_;  // indexed by route id
    HandlerPtr not_found_;
    HandlerPtr method_not_allowed_;
};

// The mux a null Server::handler (and listen_and_serve(addr, nullptr)) serves with, and Go's
// package-level http.Handle / http.HandleFunc that register on it.
ServeMux& default_serve_mux();
void handle(std::string_view pattern, HandlerPtr handler);
void handle_func(std::string_view pattern, HandlerFunc::Function fn);

}  // namespace wire::http
