// ChunkedDecoder: the chunked transfer coding (RFC 9112 §7.1), decoded without copying.
//
//   chunked-body   = *chunk last-chunk trailer-section CRLF
//   chunk          = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//   chunk-size     = 1*HEXDIG
//   last-chunk     = 1*("0") [ chunk-ext ] CRLF
//   chunk-ext      = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
//   chunk-ext-val  = token / quoted-string
//   trailer-section = *( field-line CRLF )
//
// Resumable at any byte: feed whatever bytes arrived; each call returns the chunk data it found
// as a view into its input. Extensions are validated and skipped (RFC 9112 §7.1.1: a recipient
// ignores unknown extensions); trailer fields are validated and skipped (RFC 9112 §7.1.2: they
// must not be merged into the header unless known safe, and this layer knows none).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/limits.hpp"
#include "http/outcome.hpp"

namespace wire::http {

class ChunkedDecoder {
  public:
    explicit ChunkedDecoder(const Limits& limits = {}, Lenient lenient = {}) noexcept
        : limits_(limits), lenient_(lenient) {}

    // Decodes from the start of `in` until it has a run of chunk data (returned in `data`,
    // a view into `in`), the body ends (done), more input is needed, or an error. Call again
    // with in.substr(consumed) (plus any new bytes) while the outcome is need_more.
    BodyResult decode(std::string_view in) noexcept;

    // Decoded body bytes so far.
    [[nodiscard]] std::uint64_t body_bytes() const noexcept { return body_bytes_; }
    void reset() noexcept { *this = ChunkedDecoder(limits_, lenient_); }

  private:
    enum class State : std::uint8_t {
        size,
        ext_ws,  // BWS after the size or a value, before ";" or CRLF
        ext_name_start,
        ext_name,
        ext_after_name,
        ext_value_start,
        ext_token,
        ext_quoted,
        ext_quoted_pair,
        size_lf,
        data,
        data_cr,
        data_lf,
        trailer_start,
        trailer_name,
        trailer_value,
        trailer_lf,
        end_lf,
        done,
        failed,
    };

    bool step(char c) noexcept;  // one framing byte; false on error
    bool ext_byte(char c) noexcept;
    bool trailer_byte(char c) noexcept;
    bool fail(Error e) noexcept {
        error_ = e;
        state_ = State::failed;
        return false;
    }

    Limits limits_;
    Lenient lenient_;
    std::uint64_t chunk_left_ = 0;  // size of the chunk being read, then bytes left of it
    std::uint64_t body_bytes_ = 0;
    std::uint64_t total_ = 0;  // framing and data bytes consumed, for error offsets
    std::size_t digits_ = 0;
    std::size_t ext_bytes_ = 0;
    std::size_t trailer_bytes_ = 0;
    Error error_{};
    State state_ = State::size;
    bool ext_saw_ws_ = false;
};

}  // namespace wire::http
