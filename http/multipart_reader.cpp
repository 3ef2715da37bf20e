// wire:glue
#include "http/multipart_reader.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include "http/error.hpp"

namespace wire::http {
MultipartReader::MultipartReader(std::string_view boundary, Source source, const FormLimits& limits,
                                 std::size_t buffer_size)
    : parser_(boundary, limits),
      source_(std::move(source)),
      // The parser decides on a header section once it holds max_part_header_bytes + 1 bytes
      // of it, and on a delimiter once it holds CRLF "--" boundary, 64 bytes of
      // transport-padding and CRLF: the buffer must hold the larger of the two.
      capacity_(std::max({buffer_size, limits.max_part_header_bytes + 1, boundary.size() + 72})),
      buf_(std::make_unique<char[]>(capacity_)) {}

// Reads more of the body behind what the parser kept.
std::error_code MultipartReader::fill() {
    if (begin_ > 0) {
        std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    // Why: cannot happen with the capacity above; a parser change must not turn into a loop.
    if (end_ == capacity_) return Error::part_header_too_large;
    auto n = source_(buf_.get() + end_, capacity_ - end_);
    if (!n) return n.error();
    // RFC 2046 §5.1.1: the body ends with the close-delimiter; anything else was cut short.
    if (*n == 0) return Error::unexpected_eof;
    end_ += *n;
    return {};
}

// The parser's next event other than need_more, reading from the source as it asks.
net::Result<MultipartStep> MultipartReader::step() {
    while (!error_) {
        const MultipartStep s = parser_.parse(std::string_view(buf_.get() + begin_, end_ - begin_));
        begin_ += s.consumed;
        if (s.event == MultipartEvent::error) {
            error_ = s.error;
        } else if (s.event != MultipartEvent::need_more) {
            return s;
        } else {
            error_ = fill();
        }
    }
    return error_;
}

// The next piece of the current part's body, "" at its end. pending_ is empty here, so the
// buffer may be compacted.
net::Result<std::string_view> MultipartReader::next_data() {
    if (state_ != State::in_part) return std::string_view{};
    auto s = step();
    if (!s) return s.error();
    if (s->event == MultipartEvent::data) return s->data;
    if (s->event == MultipartEvent::part_end) {
        state_ = State::between_parts;
        return std::string_view{};
    }
    // Why: inside a part the parser only reports data and part_end; anything else is a bug.
    return error_ = Error::bad_multipart;
}

net::Result<MultipartPart*> MultipartReader::next_part() {
    if (error_) return error_;
    // Go's NextPart: what the caller did not read of the current part is skipped.
    pending_ = {};
    while (state_ == State::in_part) {
        auto d = next_data();
        if (!d) return d.error();
    }
    if (state_ == State::done) return nullptr;
    auto s = step();
    if (!s) return s.error();
    if (s->event == MultipartEvent::part_begin) {
        state_ = State::in_part;
        return &part_;
    }
    if (s->event == MultipartEvent::done) {
        state_ = State::done;
        return nullptr;
    }
    // Why: between parts the parser reports only part_begin and done.
    return error_ = Error::bad_multipart;
}

const Header& MultipartPart::header() const noexcept {
    return reader_.parser_.header();
}

std::string_view MultipartPart::form_name() const noexcept {
    return reader_.parser_.form_name();
}

std::string_view MultipartPart::file_name() const noexcept {
    return reader_.parser_.file_name();
}

bool MultipartPart::is_file() const noexcept {
    return reader_.parser_.is_file();
}

net::Result<std::string_view> MultipartPart::read_some() {
    if (!reader_.pending_.empty()) return std::exchange(reader_.pending_, {});
    return reader_.next_data();
}

net::Result<std::size_t> MultipartPart::read(void* data, std::size_t size) {
    if (size == 0) return std::size_t{0};
    std::string_view& pending = reader_.pending_;
    if (pending.empty()) {
        auto d = reader_.next_data();
        if (!d) return d.error();
        pending = *d;
    }
    if (pending.empty()) return std::size_t{0};  // the end of the part
    const std::size_t n = std::min(size, pending.size());
    std::memcpy(data, pending.data(), n);
    pending.remove_prefix(n);
    return n;
}

}  // namespace wire::http
