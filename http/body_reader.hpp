// BodyReader: the body step after HeadParser, for every framing RFC 9112 §6.3 defines.
// Pure and zero-copy: each read() hands out body bytes as views into its input.
//
//   HeadParser p(...); p.parse(buf) -> done, consumed n
//   BodyReader body(options); body.start(p.head());
//   loop: r = body.read(rest); use r.data; rest.remove_prefix(r.consumed); until r.done()
//   at end of input: body.finish() (done for a close-delimited response, unexpected_eof otherwise)
#pragma once

#include <cstdint>
#include <string_view>

#include "http/chunked.hpp"
#include "http/message_head.hpp"
#include "http/outcome.hpp"
#include "http/parser.hpp"

namespace wire::http {

class BodyReader {
  public:
    explicit BodyReader(const ParseOptions& options = {}) noexcept
        : options_(options), chunked_(options.limits, options.lenient) {}

    // Begins the body of `head` (its framing and content_length).
    void start(const MessageHead& head) noexcept;

    // Reads body bytes from the start of `in`: `data` is a view into `in`. done once the body is
    // complete (`consumed` then stops at the body's end: what follows is the next message).
    // need_more: call again with in.substr(consumed) and any new bytes.
    BodyResult read(std::string_view in) noexcept;

    // The peer closed the connection: a close-delimited body ends here; any other unfinished
    // body is Error::unexpected_eof (RFC 9112 §8: an incomplete message).
    BodyResult finish() noexcept;

    [[nodiscard]] bool done() const noexcept { return done_; }
    // Body bytes delivered so far.
    [[nodiscard]] std::uint64_t bytes_read() const noexcept { return read_; }

  private:
    ParseOptions options_;
    ChunkedDecoder chunked_;
    Framing framing_ = Framing::none;
    std::uint64_t left_ = 0;  // content_length: bytes still to come
    std::uint64_t read_ = 0;
    bool done_ = true;
};

}  // namespace wire::http
