// wire:glue
#include "http/handlers.hpp"

#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

#include "http/detail/dir_listing.hpp"  // append_html_escaped
#include "http/server_error.hpp"
#include "http/status.hpp"

namespace wire::http {

void error(ResponseWriter& w, std::string_view message, int status) {
    Header& h = w.header();
    // A length set by the handler no longer describes the error text.
    h.del("Content-Length");
    h.set("Content-Type", "text/plain; charset=utf-8");
    h.set("X-Content-Type-Options", "nosniff");
    w.write_header(status);
    (void)w.write(message);
    (void)w.write("\n");
}

void not_found(ResponseWriter& w, Request&) {
    error(w, "404 page not found", 404);
}

HandlerPtr not_found_handler() {
    return handler_func(not_found);
}

namespace {

// Go's Redirect resolves a relative reference against the request path's directory.
std::string resolve(const Request& r, std::string_view url) {
    const bool has_scheme = url.find("://") != std::string_view::npos;
    if (has_scheme || url.empty() || url[0] == '/') return std::string(url);
    std::string_view dir = r.path.substr(0, r.path.rfind('/') + 1);
    if (dir.empty()) dir = "/";
    return std::string(dir).append(url);
}

}  // namespace

void redirect(ResponseWriter& w, Request& r, std::string_view url, int status) {
    const std::string location = resolve(r, url);
    Header& h = w.header();
    h.set("Location", location);
    // RFC 9110 §15.4: a short hypertext note with a link helps clients that do not follow.
    const bool note = (r.method == "GET" || r.method == "HEAD") && !h.has("Content-Type");
    if (note) h.set("Content-Type", "text/html; charset=utf-8");
    w.write_header(status);
    if (note && r.method == "GET") {
        std::string body = "<a href=\"";
        detail::append_html_escaped(body, location);
        body.append("\">").append(status_text(status)).append("</a>.\n\n");
        (void)w.write(body);
    }
}

HandlerPtr redirect_handler(std::string url, int status) {
    return handler_func([url = std::move(url), status](ResponseWriter& w, Request& r) {
        redirect(w, r, url, status);
    });
}

HandlerPtr strip_prefix(std::string prefix, HandlerPtr handler) {
    return handler_func(
        [prefix = std::move(prefix), handler = std::move(handler)](ResponseWriter& w, Request& r) {
            if (!r.path.starts_with(prefix)) {
                not_found(w, r);
                return;
            }
            const std::string_view saved = r.path;
            r.path.remove_prefix(prefix.size());
            handler->serve(w, r);
            r.path = saved;
        });
}

void max_bytes_reader(Request& r, std::uint64_t max_bytes) {
    r.body().set_limit(max_bytes);
}

HandlerPtr max_bytes_handler(HandlerPtr handler, std::uint64_t max_bytes) {
    return handler_func([handler = std::move(handler), max_bytes](ResponseWriter& w, Request& r) {
        max_bytes_reader(r, max_bytes);
        handler->serve(w, r);
    });
}

namespace {

// The ResponseWriter the timed handler sees: everything is buffered until it finishes, and
// once the time is up its writes fail.
class TimeoutWriter final : public ResponseWriter {
  public:
    Header& header() override { return header_; }
    void write_header(int status) override {
        std::lock_guard lock(mu);
        if (status_ == 0 && !timed_out) status_ = status;
    }
    net::Result<std::size_t> write(std::string_view data) override {
        std::lock_guard lock(mu);
        if (timed_out) return ServerError::handler_timeout;
        if (status_ == 0) status_ = 200;
        body.append(data);
        return data.size();
    }
    net::Result<void> flush() override { return {}; }  // buffered by design
    int status() const noexcept override { return status_; }
    std::uint64_t bytes_written() const noexcept override { return body.size(); }

    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    bool timed_out = false;
    std::string body;
    Header header_;
    int status_ = 0;
};

}  // namespace

HandlerPtr timeout_handler(HandlerPtr handler, std::chrono::steady_clock::duration limit,
                           std::string message) {
    return handler_func([handler = std::move(handler), limit, message = std::move(message)](
                            ResponseWriter& w, Request& r) {
        TimeoutWriter tw;
        std::exception_ptr failure;
        std::thread worker([&] {
            try {
                handler->serve(tw, r);
            } catch (...) {
                failure = std::current_exception();
            }
            std::lock_guard lock(tw.mu);
            tw.done = true;
            tw.cv.notify_one();
        });
        std::unique_lock lock(tw.mu);
        const bool finished = tw.cv.wait_for(lock, limit, [&] { return tw.done; });
        if (!finished) {
            tw.timed_out = true;
            lock.unlock();
            // The 503 leaves now; the handler keeps its Request until it returns, so we wait
            // for it before returning ourselves (nothing it writes reaches the client).
            w.write_header(503);
            (void)w.write(message);
            (void)w.flush();
            worker.join();
            return;
        }
        lock.unlock();
        worker.join();
        if (failure) std::rethrow_exception(failure);
        for (std::size_t i = 0; i < tw.header_.size(); ++i) {
            w.header().add(tw.header_[i].name, tw.header_[i].value);
        }
        w.write_header(tw.status_ == 0 ? 200 : tw.status_);
        if (!tw.body.empty()) (void)w.write(tw.body);
    });
}

}  // namespace wire::http
