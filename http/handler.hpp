// Handler: what answers a request, Go's http.Handler, plus HandlerFunc for any callable.
//
//   wire::http::ServeMux mux;
//   mux.handle_func("/", [](wire::http::ResponseWriter& w, wire::http::Request&) {
//       (void)w.write("hello world!\n");  // write() is [[nodiscard]]: a client may be gone
//   });
//
// Lifetime and threading (the contract every handler relies on):
//   - serve() gets a ResponseWriter and a Request that are valid only until it returns (or until
//     it hijacks the connection). Views in the Request point into the connection's buffers: copy
//     what must outlive the call.
//   - By default handlers run ON the server's event loop: a handler must not block (no sleeping,
//     no blocking I/O, no waiting on locks held long). One blocked handler stalls every connection
//     of its loop. Configure Server::worker_threads for blocking handlers (see server.hpp).
//   - One Handler object serves many requests, possibly on several loops at once: serve() must be
//     safe to call concurrently (keep per-request state on the stack).
//   - An exception escaping serve() is caught by the server: it answers 500 if nothing was sent
//     yet and closes that connection; the server keeps running.
#pragma once

#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

namespace wire::http {

class ResponseWriter;
class Request;

class Handler {
  public:
    virtual ~Handler() = default;
    virtual void serve(ResponseWriter& w, Request& r) = 0;
};

// Shared ownership: a handler is often registered in a mux and also kept by the program.
using HandlerPtr = std::shared_ptr<Handler>;

// Go's http.HandlerFunc: adapts any callable taking (ResponseWriter&, Request&).
class HandlerFunc final : public Handler {
  public:
    using Function = std::function<void(ResponseWriter&, Request&)>;
    explicit HandlerFunc(Function fn) : fn_(std::move(fn)) {}
    void serve(ResponseWriter& w, Request& r) override { fn_(w, r); }

  private:
    Function fn_;
};

// A HandlerPtr from a callable: handler_func([](ResponseWriter& w, Request& r) { ... }).
template <class F>
requires std::is_invocable_v<F&, ResponseWriter&, Request&> HandlerPtr handler_func(F&& fn) {
    return std::make_shared<HandlerFunc>(HandlerFunc::Function(std::forward<F>(fn)));
}

}  // namespace wire::http
