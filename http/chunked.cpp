#include "http/chunked.hpp"

#include <algorithm>

#include "http/detail/chars.hpp"

namespace wire::http {
namespace {

using detail::is_token;

bool is_ws(char c) {
    return c == ' ' || c == '\t';
}

// qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text   (RFC 9110 §5.6.4)
bool is_qdtext(char c) {
    return c != '"' && c != '\\' && detail::is_field_value(c);
}

}  // namespace

BodyResult ChunkedDecoder::decode(std::string_view in) noexcept {
    if (state_ == State::failed) return {Outcome::error, 0, {}, error_, total_};
    std::size_t i = 0;
    while (i < in.size() && state_ != State::done) {
        if (state_ == State::data) {
            // Chunk data is handed out as it is, a view into `in`.
            const auto n =
                static_cast<std::size_t>(std::min<std::uint64_t>(chunk_left_, in.size() - i));
            const std::string_view data = in.substr(i, n);
            chunk_left_ -= n;
            if (chunk_left_ == 0) state_ = State::data_cr;
            i += n;
            total_ += n;
            return {Outcome::need_more, i, data, {}, 0};
        }
        if (!step(in[i])) return {Outcome::error, i, {}, error_, total_};
        ++i;
        ++total_;
    }
    const Outcome o = state_ == State::done ? Outcome::done : Outcome::need_more;
    return {o, i, {}, {}, 0};
}

bool ChunkedDecoder::step(char c) noexcept {
    switch (state_) {
        case State::size:
            if (detail::is_hex(c)) {
                // Why: Limits::max_chunk_size_digits bounds the line, then 64 bits bound the value.
                if (++digits_ > limits_.max_chunk_size_digits)
                    return fail(Error::chunk_size_too_long);
                if (chunk_left_ > (UINT64_MAX >> 4)) return fail(Error::chunk_size_overflow);
                chunk_left_ = (chunk_left_ << 4) | detail::hex_value(c);
                return true;
            }
            // Why: "+5", "0x5", " 5" and an empty size are not 1*HEXDIG.
            if (digits_ == 0) return fail(Error::bad_chunk_size);
            state_ = State::ext_ws;
            ext_saw_ws_ = false;
            ext_bytes_ = (c == '\r' || c == '\n') ? 0 : 1;  // the extension starts here
            return ext_byte(c);
        case State::ext_ws:
        case State::ext_name_start:
        case State::ext_name:
        case State::ext_after_name:
        case State::ext_value_start:
        case State::ext_token:
        case State::ext_quoted:
        case State::ext_quoted_pair:
            if (++ext_bytes_ > limits_.max_chunk_extension)
                return fail(Error::chunk_extension_too_long);
            return ext_byte(c);
        case State::size_lf:
            if (c != '\n') return fail(Error::bare_cr);
            state_ = State::data;
            [[fallthrough]];
        case State::data:
            // Reached at the end of a size line: decide what follows it.
            if (chunk_left_ == 0) {
                state_ = State::trailer_start;
                return true;
            }
            // RFC 9112 §7.1: the sum of chunk sizes is the body length, bounded by max_body.
            if (chunk_left_ > limits_.max_body - body_bytes_) return fail(Error::body_too_large);
            body_bytes_ += chunk_left_;
            return true;
        case State::data_cr:
            if (c == '\r') {
                state_ = State::data_lf;
                return true;
            }
            if (c == '\n' && lenient_.bare_lf) {
                state_ = State::size;
                digits_ = ext_bytes_ = 0;
                return true;
            }
            // Why: data longer than its size line said is the chunked smuggling shape.
            return fail(Error::bad_chunk_terminator);
        case State::data_lf:
            if (c != '\n') return fail(Error::bad_chunk_terminator);
            state_ = State::size;
            digits_ = ext_bytes_ = 0;
            return true;
        default:
            return trailer_byte(c);
    }
}

// chunk-ext, one byte at a time (RFC 9112 §7.1.1).
bool ChunkedDecoder::ext_byte(char c) noexcept {
    switch (state_) {
        case State::ext_ws:
            if (is_ws(c)) {
                ext_saw_ws_ = true;
                return true;
            }
            if (c == ';') {
                state_ = State::ext_name_start;
                ext_saw_ws_ = false;
                return true;
            }
            // Why: BWS is only allowed before ";" (RFC 9112 §7.1.1), so "5 \r\n" is invalid.
            if ((c == '\r' || c == '\n') && ext_saw_ws_) return fail(Error::bad_chunk_extension);
            if (c == '\r') {
                state_ = State::size_lf;
                return true;
            }
            if (c == '\n' && lenient_.bare_lf) {
                state_ = State::size_lf;
                return step('\n');
            }
            if (c == '\n') return fail(Error::bare_lf);
            return fail(ext_saw_ws_ ? Error::bad_chunk_extension : Error::bad_chunk_size);
        case State::ext_name_start:
            if (is_ws(c)) return true;
            if (!is_token(c)) return fail(Error::bad_chunk_extension);
            state_ = State::ext_name;
            return true;
        case State::ext_name:
            if (is_token(c)) return true;
            state_ = State::ext_after_name;
            ext_saw_ws_ = false;
            [[fallthrough]];
        case State::ext_after_name:
            if (is_ws(c)) {
                ext_saw_ws_ = true;
                return true;
            }
            if (c == '=') {
                state_ = State::ext_value_start;
                return true;
            }
            state_ = State::ext_ws;
            return ext_byte(c);
        case State::ext_value_start:
            if (is_ws(c)) return true;
            if (c == '"') {
                state_ = State::ext_quoted;
                return true;
            }
            if (!is_token(c)) return fail(Error::bad_chunk_extension);
            state_ = State::ext_token;
            return true;
        case State::ext_token:
            if (is_token(c)) return true;
            state_ = State::ext_ws;
            ext_saw_ws_ = false;
            ext_bytes_ = (c == '\r' || c == '\n') ? 0 : 1;  // the extension starts here
            return ext_byte(c);
        case State::ext_quoted:
            if (c == '"') {
                state_ = State::ext_ws;
                ext_saw_ws_ = false;
                return true;
            }
            if (c == '\\') {
                state_ = State::ext_quoted_pair;
                return true;
            }
            return is_qdtext(c) || fail(Error::bad_chunk_extension);
        case State::ext_quoted_pair:
            // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
            if (!detail::is_field_value(c)) return fail(Error::bad_chunk_extension);
            state_ = State::ext_quoted;
            return true;
        default:
            return fail(Error::bad_chunk_extension);
    }
}

// trailer-section = *( field-line CRLF ), then the final CRLF (RFC 9112 §7.1.2).
bool ChunkedDecoder::trailer_byte(char c) noexcept {
    if (state_ != State::end_lf && state_ != State::trailer_lf &&
        ++trailer_bytes_ > limits_.max_trailer_bytes) {
        return fail(Error::trailer_too_large);
    }
    switch (state_) {
        case State::trailer_start:
            if (c == '\r') {
                state_ = State::end_lf;
                return true;
            }
            if (c == '\n') {
                if (!lenient_.bare_lf) return fail(Error::bare_lf);
                state_ = State::done;
                return true;
            }
            // Why: obs-fold and empty names are rejected here as in the head.
            if (!is_token(c)) return fail(Error::bad_trailer_field);
            state_ = State::trailer_name;
            return true;
        case State::trailer_name:
            if (is_token(c)) return true;
            if (c != ':') return fail(Error::bad_trailer_field);
            state_ = State::trailer_value;
            return true;
        case State::trailer_value:
            if (detail::is_field_value(c)) return true;
            if (c == '\r') {
                state_ = State::trailer_lf;
                return true;
            }
            if (c == '\n' && lenient_.bare_lf) {
                state_ = State::trailer_start;
                return true;
            }
            return fail(c == '\n' ? Error::bare_lf : Error::bad_trailer_field);
        case State::trailer_lf:
            if (c != '\n') return fail(Error::bare_cr);
            state_ = State::trailer_start;
            return true;
        case State::end_lf:
            if (c != '\n') return fail(Error::bare_cr);
            state_ = State::done;
            return true;
        default:
            return fail(Error::bad_trailer_field);
    }
}

}  // namespace wire::http
