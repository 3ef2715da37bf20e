// The fields that decide how a message is framed and whether its connection persists, gathered
// while the head is parsed and judged once it is complete (RFC 9112 §3.2, §6, §9.3).
// Kept apart from the byte-level parser so the smuggling rules read as one list.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/error.hpp"
#include "http/limits.hpp"
#include "http/message_head.hpp"

namespace wire::http::detail {

// The last Host value found valid, kept across the messages one parser reads: a connection
// (and most servers) sees the same Host on request after request, and comparing it with the
// last one costs a fraction of checking it again byte by byte.
class HostMemo {
  public:
    // Whether `host` is a valid Host field value (RFC 9110 §7.2).
    bool valid(std::string_view host) noexcept;

  private:
    static constexpr std::size_t capacity = 64;
    char bytes_[capacity]{};
    std::uint8_t size_ = 0;
};

class FramingFacts {
  public:
    // Looks at one field line; `at` is the offset of its first byte. Returns false and sets
    // error()/offset() when the field alone is already invalid (e.g. a malformed Content-Length).
    bool note(std::string_view name, std::string_view value, std::size_t at) noexcept;

    // Applies the rules to a complete request head; fills head's framing, keep_alive, host...
    bool finish_request(MessageHead& head, const Limits& limits, std::size_t head_end,
                        HostMemo& hosts) noexcept;
    // The same for a response; `to_head` is true when it answers a HEAD request.
    bool finish_response(MessageHead& head, bool to_head) noexcept;

    Error error() const noexcept { return error_; }
    std::size_t offset() const noexcept { return offset_; }

  private:
    bool fail(Error e, std::size_t at) noexcept {
        error_ = e;
        offset_ = at;
        return false;
    }
    bool note_content_length(std::string_view value, std::size_t at) noexcept;
    void note_transfer_encoding(std::string_view value, std::size_t at) noexcept;
    void note_connection(std::string_view value) noexcept;
    void apply_connection(MessageHead& head) const noexcept;

    std::uint64_t content_length_ = 0;
    std::string_view host_;
    std::size_t cl_at_ = 0, te_at_ = 0, host_at_ = 0, offset_ = 0;
    Error error_{};
    std::uint8_t host_count_ = 0;
    bool has_cl_ = false;
    bool has_te_ = false;
    bool te_chunked_last_ = false;  // the final coding so far is chunked
    bool te_chunked_seen_ = false;
    bool te_chunked_twice_ = false;
    bool te_other_ = false;  // a coding other than chunked appeared
    bool conn_close_ = false, conn_keep_alive_ = false, conn_upgrade_ = false;
    bool has_upgrade_ = false;
    bool expect_continue_ = false;
    bool expect_other_ = false;
};

// RFC 9112 §3.2: checks that the request-target's form suits the method and that its
// percent-encodings are whole, and for an absolute-form target makes its authority the
// request's host (§3.2.2). Returns Error{} when fine, else the error to answer (400).
Error check_target(MessageHead& head) noexcept;

}  // namespace wire::http::detail
