// The three outcomes of every codec step (STYLE.md §3): needing more bytes is not an error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/error.hpp"

namespace wire::http {

enum class Outcome : std::uint8_t { done, need_more, error };

// What a parse step returns: how it ended, the bytes it consumed, and on error which rule
// failed and the byte offset (from the start of the buffer given) where it was found.
struct [[nodiscard]] ParseResult {
    Outcome outcome = Outcome::need_more;
    std::size_t consumed = 0;
    Error error{};
    std::size_t offset = 0;

    bool done() const noexcept { return outcome == Outcome::done; }
    bool need_more() const noexcept { return outcome == Outcome::need_more; }
    bool failed() const noexcept { return outcome == Outcome::error; }
};

}  // namespace wire::http

namespace wire::http {

// What a body step returns: like ParseResult, plus `data`, a view of decoded body bytes found
// in this step's input (possibly empty). `offset` counts from the first byte of the body.
struct [[nodiscard]] BodyResult {
    Outcome outcome = Outcome::need_more;
    std::size_t consumed = 0;
    std::string_view data;
    Error error{};
    std::uint64_t offset = 0;

    bool done() const noexcept { return outcome == Outcome::done; }
    bool need_more() const noexcept { return outcome == Outcome::need_more; }
    bool failed() const noexcept { return outcome == Outcome::error; }
};

}  // namespace wire::http
