// HeadParser: an incremental, zero-copy, strict parser for the head of an HTTP/1.1 request or
// response (RFC 9112 §2-§5), in the manner of picohttpparser with llhttp's strictness.
//
// Contract, for a server reading into one buffer per connection:
//   * parse(buf) looks at buf from its start. It returns done (consumed = the head's length),
//     need_more, or error (with the Error and the byte offset where it was found).
//   * need_more: read more bytes, append them after the ones already given, and call parse()
//     again with the longer buffer. The parser resumes at the byte where it stopped (only an
//     incomplete version, status code or CRLF pair is looked at again), so a head arriving in
//     many pieces costs about one pass in total. The bytes
//     already given must stay at the same address and unchanged; if the caller has to move
//     them (compacting or growing its buffer) it calls reset() and the head is parsed again
//     from the start: correct, only slower.
//   * done: head() describes the message; its views point into buf and into the caller's
//     Field array, which the next parse() after reset() overwrites. The body (if any) starts
//     at buf.substr(consumed) and is read with BodyReader. For the next pipelined message call
//     reset() and parse the bytes after the body: no allocation ever happens, the fields land
//     in the caller's array.
//   * error: the parser stays in error until reset(); status_for(error) is the answer to send.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "http/detail/framing.hpp"
#include "http/field.hpp"
#include "http/limits.hpp"
#include "http/message_head.hpp"
#include "http/outcome.hpp"

namespace wire::http {

struct ParseOptions {
    Limits limits{};
    Lenient lenient{};
};

class HeadParser {
  public:
    enum class Kind : std::uint8_t { request, response };

    // `fields` is the caller's array the parsed field lines are written into; at most
    // min(fields.size(), limits.max_fields) are accepted (Error::too_many_fields beyond).
    HeadParser(Kind kind, std::span<Field> fields, const ParseOptions& options = {}) noexcept;

    // Parses (or resumes parsing) the head at the start of `buf`. See the contract above.
    ParseResult parse(std::string_view buf) noexcept;

    // Valid after parse() returned done.
    [[nodiscard]] const MessageHead& head() const noexcept { return head_; }

    // For a response parser: the request was HEAD, so the response has no body whatever its
    // fields say (RFC 9112 §6.3 rule 1). Applies to the current message; reset() clears it.
    void set_response_to_head(bool to_head) noexcept { to_head_ = to_head; }

    // Forgets the current message, ready for the next one.
    void reset() noexcept;

  private:
    enum class State : std::uint8_t {
        start,   // before the start line: skipping empty lines (RFC 9112 §2.2)
        method,  // request-line
        target,
        version,
        status_line,  // status-line: version SP status-code
        reason,
        start_line_end,
        field_start,  // field section (RFC 9112 §5)
        field_name,
        field_ows,
        field_value,
        done,
        failed,
    };
    enum class Step : std::uint8_t { next, more, fail };

    // Each scanner takes the position by value (a char load could alias a pointer held by
    // reference, forcing a reload per byte) and returns where it stopped.
    struct Scan {
        Step step;
        const char* p;
    };
    Scan request_line(const char* p, const char* end) noexcept;
    Scan status_line(const char* p, const char* end) noexcept;
    Scan start_line_end(const char* p, const char* end, Error garbage) noexcept;
    Scan fields(const char* p, const char* end) noexcept;
    Scan field_value(const char* p, const char* end) noexcept;
    bool version(const char* p) noexcept;
    Step store_field(const char* value_end) noexcept;
    Step fail(Error e, std::size_t offset) noexcept;
    Step fail(Error e, const char* at) noexcept {
        return fail(e, static_cast<std::size_t>(at - base_));
    }
    ParseResult complete(std::size_t consumed) noexcept;

    ParseOptions options_;
    std::span<Field> storage_;
    MessageHead head_;
    detail::FramingFacts facts_;
    detail::HostMemo hosts_;      // survives reset()
    const char* base_ = nullptr;  // buf.data() of the current call
    std::size_t max_fields_;
    std::size_t count_ = 0;       // fields stored so far
    std::size_t line_start_ = 0;  // offset of the current line
    std::size_t mark_ = 0;        // offset where the current token starts
    std::size_t name_end_ = 0;    // offset one past the current field name
    std::size_t pos_ = 0;         // where parsing resumes
    Error error_{};
    std::size_t error_at_ = 0;
    Kind kind_;
    State state_ = State::start;
    bool to_head_ = false;
};

}  // namespace wire::http
