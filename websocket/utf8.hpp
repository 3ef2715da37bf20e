// Incremental UTF-8 validation (RFC 3629 §4; Unicode Table 3-7, well-formed byte sequences) for
// text messages that arrive in fragments (RFC 6455 §5.6, §8.1).
//
//   UTF8-char = UTF8-1 / UTF8-2 / UTF8-3 / UTF8-4
//   UTF8-1    = %x00-7F
//   UTF8-2    = %xC2-DF UTF8-tail
//   UTF8-3    = %xE0 %xA0-BF UTF8-tail / %xE1-EC 2( UTF8-tail ) /
//               %xED %x80-9F UTF8-tail / %xEE-EF 2( UTF8-tail )
//   UTF8-4    = %xF0 %x90-BF 2( UTF8-tail ) / %xF1-F3 3( UTF8-tail ) /
//               %xF4 %x80-8F 2( UTF8-tail )
//   UTF8-tail = %x80-BF
//
// The narrowed second-byte ranges are what reject overlong forms (E0 80..9F, F0 80..8F),
// surrogates (ED A0..BF) and code points above U+10FFFF (F4 90.., F5..FF).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace wire::websocket {

class Utf8Validator {
  public:
    // Validates the next piece of the text. Returns false at the first byte that cannot continue
    // valid UTF-8 (fail fast, RFC 6455 §8.1), and keeps returning false until reset().
    // A character may be split across pieces at any byte.
    [[nodiscard]] bool feed(std::span<const std::uint8_t> bytes) noexcept;
    [[nodiscard]] bool feed(std::string_view text) noexcept {
        return feed({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
    }

    // True when everything fed so far is valid and ends on a character boundary: call it at the
    // end of a message, where a truncated sequence is an error.
    [[nodiscard]] bool complete() const noexcept { return !failed_ && need_ == 0; }
    [[nodiscard]] bool failed() const noexcept { return failed_; }
    // Bytes accepted before the first invalid one, over all pieces (meaningful when failed()).
    [[nodiscard]] std::uint64_t error_offset() const noexcept { return offset_; }

    void reset() noexcept { *this = Utf8Validator{}; }

  private:
    bool continue_open(const std::uint8_t* p, std::size_t n, std::size_t& i) noexcept;
    bool fail_at(std::size_t index) noexcept;

    std::uint64_t offset_ = 0;  // bytes accepted so far
    std::uint8_t need_ = 0;     // continuation bytes still expected for the current character
    std::uint8_t lo_ = 0x80;    // allowed range of the next continuation byte
    std::uint8_t hi_ = 0xBF;
    bool failed_ = false;
};

// Whole-buffer check: valid and not truncated.
[[nodiscard]] bool is_valid_utf8(std::span<const std::uint8_t> bytes) noexcept;
[[nodiscard]] bool is_valid_utf8(std::string_view text) noexcept;

}  // namespace wire::websocket
