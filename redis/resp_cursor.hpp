// RespCursor: walks a reply that RespReader has found complete, one value at a time, in the
// order of the bytes (an aggregate, then its elements). Every value is a view of the reply's
// bytes: nothing is copied, nothing allocated. The views live as long as those bytes.
//
//     RespCursor c(reply);              // the bytes [0, r.consumed) of a done read
//     Value v;
//     while (c.next(v)) ...             // "array of 3", then "bulk string 'message'", ...
//
// The cursor trusts the reader's check but never reads past the span it was given: on bytes the
// reader did not pass it stops (next() returns false) instead of reading on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "redis/resp_type.hpp"

namespace wire::redis {

struct Value {
    Type type = Type::null;
    // RESP3 "_", and RESP2's "$-1" (type bulk_string) and "*-1" (type array).
    bool is_null = false;
    // Simple strings and errors, bulk strings and errors, a verbatim string's text (after its
    // format), and the digits of integers, doubles and big numbers, as they came.
    std::string_view text;
    std::string_view format;   // verbatim strings: "txt", "mkd"
    std::int64_t integer = 0;  // integers; booleans are 1 or 0
    // Aggregates: the values that follow as its elements (a map's or attribute's pairs count two).
    std::uint64_t size = 0;

    [[nodiscard]] bool is_error() const noexcept {
        return type == Type::error || type == Type::bulk_error;
    }
    [[nodiscard]] bool is_string() const noexcept {
        return !is_null &&
               (type == Type::simple_string || type == Type::bulk_string || type == Type::verbatim);
    }
};

class RespCursor {
  public:
    explicit RespCursor(std::span<const std::uint8_t> reply) noexcept : bytes_(reply) {}
    explicit RespCursor(std::string_view reply) noexcept
        : bytes_(reinterpret_cast<const std::uint8_t*>(reply.data()), reply.size()) {}

    // The next value; false at the end of the bytes (or on bytes the reader would refuse).
    [[nodiscard]] bool next(Value& v) noexcept;
    // Skips the elements of the aggregate `v` just returned by next() (and everything nested in
    // them). False if the bytes end first.
    [[nodiscard]] bool skip(const Value& v) noexcept;
    // The next value that is not an attribute (attributes and their pairs are skipped).
    [[nodiscard]] bool next_data(Value& v) noexcept;

    [[nodiscard]] std::size_t offset() const noexcept { return pos_; }
    [[nodiscard]] bool at_end() const noexcept { return pos_ >= bytes_.size(); }

  private:
    std::span<const std::uint8_t> bytes_;
    std::size_t pos_ = 0;
};

}  // namespace wire::redis
