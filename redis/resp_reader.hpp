// RespReader: finds where one RESP reply ends and checks every byte of it on the way, without
// copying or allocating. RespCursor (resp_cursor.hpp) then walks the checked bytes as values.
//
// Framing and reading are two steps, as in picohttpparser's "is the head complete?" before the
// fields are used: a client must know a reply is whole before it can act on it, and a reply is a
// tree (arrays of arrays, maps, attributes) whose end is known only when its last leaf is.
//
//     RespReader reader(limits);
//     ReadResult r = reader.read(buffered);   // the bytes of the reply in progress, from its start
//     if (r.need_more()) ... read more from the socket, append, call again
//     if (r.failed())    ... r.error at byte r.offset: close the connection
//     if (r.done())      ... the reply is buffered[0, r.consumed): walk it with RespCursor,
//                            then drop those bytes and read the next reply
//
// Resumable at any byte: between calls the reader keeps how far it has checked and the elements
// still owed by each open aggregate, so each byte is examined once (a partial line is examined
// again, at most Limits::max_line_length bytes). The buffer given must hold the same bytes as at
// the previous call, with more after them; it may have moved.
//
// The grammar (RESP2 and RESP3, https://redis.io/docs/reference/protocol-spec/):
//   value     = simple / bulk / aggregate
//   simple    = ( "+" / "-" / ":" / "_" / "#" / "," / "(" ) line CRLF
//   bulk      = ( "$" / "!" / "=" ) length CRLF *OCTET CRLF     ; exactly `length` octets
//   aggregate = ( "*" / "%" / "~" / ">" / "|" ) count CRLF *value
// A map ("%") and an attribute ("|") hold `count` pairs. An attribute annotates the value that
// follows it and is not an element of its parent. "$-1" and "*-1" are RESP2's nulls.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "redis/error.hpp"
#include "redis/limits.hpp"
#include "redis/resp_type.hpp"

namespace wire::redis {

enum class Outcome : std::uint8_t { done, need_more, error };

struct [[nodiscard]] ReadResult {
    Outcome outcome = Outcome::need_more;
    std::size_t consumed = 0;  // done: the reply's length in bytes; otherwise 0
    Type type = Type::null;    // done: the reply's type (a push is a pub/sub message, no reply)
    Error error{};
    std::size_t offset = 0;  // error: the byte of the buffer where the rule failed

    bool done() const noexcept { return outcome == Outcome::done; }
    bool need_more() const noexcept { return outcome == Outcome::need_more; }
    bool failed() const noexcept { return outcome == Outcome::error; }
};

class RespReader {
  public:
    // The most aggregates Limits::max_depth may allow open at once (the reader's fixed stack).
    static constexpr std::size_t max_depth = 64;

    explicit RespReader(const Limits& limits = {}) noexcept;

    // See above. After done the reader is ready for the next reply (its buffer starts at that
    // reply's first byte). After an error it stays failed until reset().
    ReadResult read(std::span<const std::uint8_t> buffer) noexcept;
    void reset() noexcept;

    // After need_more: the fewest bytes the buffer must hold before reading on can succeed (the
    // end of a bulk string whose length is known, or one byte more). For sizing reads only:
    // memory should still follow the bytes that arrive.
    [[nodiscard]] std::size_t need() const noexcept { return need_; }

  private:
    struct Open {
        std::uint64_t left;  // values still owed to this aggregate
        bool attribute;      // an attribute: when it ends, its parent still waits for a value
    };
    struct Line {
        std::size_t begin;  // first byte after the type byte
        std::size_t end;    // the CR
    };

    ReadResult step(std::span<const std::uint8_t> b, bool& finished) noexcept;
    ReadResult find_line(std::span<const std::uint8_t> b, Line& line) noexcept;
    ReadResult check_simple(Type t, std::span<const std::uint8_t> b, Line line) noexcept;
    ReadResult start_bulk(Type t, std::span<const std::uint8_t> b, Line line,
                          bool& finished) noexcept;
    ReadResult start_aggregate(Type t, std::span<const std::uint8_t> b, Line line,
                               bool& finished) noexcept;
    ReadResult end_bulk(std::span<const std::uint8_t> b, bool& finished) noexcept;
    bool complete_one() noexcept;
    ReadResult fail(Error e, std::size_t at) noexcept;
    ReadResult more(std::size_t need) noexcept;

    Limits limits_;
    std::size_t pos_ = 0;        // bytes of the reply checked so far
    std::size_t bulk_from_ = 0;  // inside a bulk string: its first payload byte...
    std::size_t bulk_end_ = 0;   // ...and the byte after its last (its CRLF); 0 when not inside
    Type bulk_type_ = Type::bulk_string;
    Type first_ = Type::null;  // the reply's own type
    std::size_t need_ = 0;
    std::size_t depth_ = 0;  // open aggregates + 1 for the reply itself; 0 between replies
    bool failed_ = false;
    Error error_{};
    std::size_t error_at_ = 0;
    std::array<Open, max_depth + 1> open_{};
};

// The integer of a RESP line: [+-]digits, within int64 (RESP ":" values, lengths, counts).
[[nodiscard]] bool parse_integer(std::span<const std::uint8_t> text, std::int64_t& out) noexcept;

}  // namespace wire::redis
