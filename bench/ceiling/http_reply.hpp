// http_reply.hpp: the whole "HTTP server" of the ceiling servers: count the requests in the bytes
// read, and answer each with the same fixed response.
//
// Counting requests = counting the "\r\n\r\n" that ends each request head (RFC 9112 §2.1:
// start-line, fields, then an empty line). wrk sends GETs without a body, so that is exact for the
// benchmark. No parsing, no routing, no Date formatting: the user-space cost is a scan of ~40
// bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace ceiling {

// The same 130 bytes examples/hello_server sends (checked with curl -i), so both servers move the
// same bytes. The Date is frozen: a real server formats it once a second, which costs nothing per
// request.
inline constexpr std::string_view hello_response =
    "HTTP/1.1 200 OK\r\n"
    "Date: Sat, 21 Nov 2026 23:03:06 GMT\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Length: 13\r\n"
    "\r\n"
    "hello world!\n";

// Counts request heads ending in the bytes fed, across reads: `matched_` remembers how much of
// "\r\n\r\n" the previous read ended with.
class RequestCounter {
  public:
    std::size_t feed(const std::uint8_t* p, std::size_t n) noexcept {
        std::size_t count = 0;
        unsigned m = matched_;
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint8_t c = p[i];
            // Expected next: '\r' when m is 0 or 2, '\n' when m is 1 or 3.
            if (c == ((m & 1U) != 0 ? '\n' : '\r')) {
                if (++m == 4) {
                    ++count;
                    m = 0;
                }
            } else {
                m = c == '\r' ? 1 : 0;  // a stray '\r' may start the next terminator
            }
        }
        matched_ = static_cast<std::uint8_t>(m);
        return count;
    }

  private:
    std::uint8_t matched_ = 0;
};

// `copies` responses back to back, built once, so answering k requests is one send of the first
// k * size bytes: no copying per request. A send that went out partly resumes with `tail()`.
class ResponseBatch {
  public:
    static constexpr std::size_t copies = 4096;  // a 16 KiB read holds at most 4096 requests
    static constexpr std::size_t size = hello_response.size();

    ResponseBatch() noexcept {
        for (std::size_t i = 0; i < copies; ++i) {
            std::memcpy(bytes_ + i * size, hello_response.data(), size);
        }
    }
    // The last `owed` bytes of a run of responses, as far as one contiguous slice reaches:
    // starting at the right offset inside a response, at most the rest of the batch.
    std::string_view tail(std::size_t owed) const noexcept {
        const std::size_t offset = (size - owed % size) % size;
        const std::size_t len = owed < copies * size - offset ? owed : copies * size - offset;
        return {bytes_ + offset, len};
    }

  private:
    char bytes_[copies * size];
};

}  // namespace ceiling
