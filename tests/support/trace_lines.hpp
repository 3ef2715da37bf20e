// A trace sink for tests: collects what a Server, Upgrader, Dialer or Conn traces (from any
// thread) so a test can assert the lines instead of scraping standard error.
//
//     wire::test::TraceLines lines;
//     server.trace = lines.sink();
//     ...
//     CHECK(lines.count("http recv | GET / HTTP/1.1") == 1);
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "http/trace.hpp"

namespace wire::test {

class TraceLines {
  public:
    // The sink; it refers to this object, which must outlive whoever traces into it.
    http::TraceSink sink() {
        return [this](std::string_view text) {
            std::lock_guard lock(mu_);
            text_ += text;
        };
    }

    // Every line so far, without its newline.
    std::vector<std::string> lines() const {
        std::vector<std::string> out;
        const std::string all = text();
        std::size_t at = 0;
        while (at < all.size()) {
            const std::size_t end = all.find('\n', at);
            out.push_back(all.substr(at, end - at));
            if (end == std::string::npos) break;
            at = end + 1;
        }
        return out;
    }

    std::string text() const {
        std::lock_guard lock(mu_);
        return text_;
    }

    // Lines that start with `prefix`.
    std::size_t count(std::string_view prefix) const {
        std::size_t n = 0;
        for (const auto& l : lines()) {
            if (std::string_view(l).substr(0, prefix.size()) == prefix) ++n;
        }
        return n;
    }

    // The first line starting with `prefix`, or "".
    std::string first(std::string_view prefix) const {
        for (const auto& l : lines()) {
            if (std::string_view(l).substr(0, prefix.size()) == prefix) return l;
        }
        return {};
    }

    // Index of the first line starting with `prefix`, or npos: for asserting order.
    std::size_t index(std::string_view prefix) const {
        const auto all = lines();
        for (std::size_t i = 0; i < all.size(); ++i) {
            if (std::string_view(all[i]).substr(0, prefix.size()) == prefix) return i;
        }
        return std::string::npos;
    }

    // Waits (up to 3 s) until at least `n` lines start with `prefix`: a peer's thread may trace
    // a little after the bytes it wrote arrived.
    bool wait_for(std::string_view prefix, std::size_t n = 1) const {
        const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(3);
        while (count(prefix) < n) {
            if (std::chrono::steady_clock::now() > end) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        return true;
    }

    void clear() {
        std::lock_guard lock(mu_);
        text_.clear();
    }

  private:
    mutable std::mutex mu_;
    std::string text_;
};

// Runs `f` with standard error redirected to a temporary file; returns what was written there.
// For checking that trace mode off prints nothing.
template <typename F>
std::string capture_stderr(F f) {
    std::fflush(stderr);
    FILE* tmp = std::tmpfile();
    if (tmp == nullptr) return "(capture_stderr: no temporary file)";
    const int saved = ::dup(2);
    ::dup2(::fileno(tmp), 2);
    f();
    std::fflush(stderr);
    ::dup2(saved, 2);
    ::close(saved);
    std::string out;
    std::rewind(tmp);
    char buf[512];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, tmp)) > 0)
        out.append(buf, n);
    std::fclose(tmp);
    return out;
}

}  // namespace wire::test
