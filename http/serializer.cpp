#include "http/serializer.hpp"

#include <charconv>

#include "http/detail/chars.hpp"
#include "http/status.hpp"

namespace wire::http {
namespace {

// Appends `value` with CR, LF and NUL turned into spaces: they would end the field line early
// and let the rest be read as a new field or a new message (response splitting).
void append_sanitised(std::string& out, std::string_view value) {
    for (char c : value)
        out.push_back((c == '\r' || c == '\n' || c == '\0') ? ' ' : c);
}

void append_number(std::string& out, std::uint64_t n, int base = 10) {
    char tmp[24];
    const auto r = std::to_chars(tmp, tmp + sizeof tmp, n, base);
    out.append(tmp, r.ptr);
}

}  // namespace

void Serializer::status_line(int status, std::string_view reason, int version_minor) {
    buf_ += "HTTP/1.";
    buf_.push_back(static_cast<char>('0' + (version_minor == 0 ? 0 : 1)));
    buf_.push_back(' ');
    // status-code = 3DIGIT: a code outside 100..999 is a programmer error; write 500 instead.
    if (status < 100 || status > 999) status = 500;
    append_number(buf_, static_cast<std::uint64_t>(status));
    buf_.push_back(' ');
    append_sanitised(buf_, reason.empty() ? status_text(status) : reason);
    buf_ += "\r\n";
}

void Serializer::request_line(std::string_view method, std::string_view target, int version_minor) {
    buf_.append(method);
    buf_.push_back(' ');
    append_sanitised(buf_, target);
    buf_ += " HTTP/1.";
    buf_.push_back(static_cast<char>('0' + (version_minor == 0 ? 0 : 1)));
    buf_ += "\r\n";
}

bool Serializer::field(std::string_view name, std::string_view value) {
    // field-name = token (RFC 9110 §5.1); anything else cannot be sent safely.
    if (name.empty()) return false;
    for (char c : name) {
        if (!detail::is_token(c)) return false;
    }
    buf_.append(name);
    buf_ += ": ";
    append_sanitised(buf_, detail::trim_ows(value));
    buf_ += "\r\n";
    return true;
}

void Serializer::fields(const Header& header) {
    for (std::size_t i = 0; i < header.size(); ++i) {
        const Field f = header[i];
        (void)field(f.name, f.value);
    }
}

void Serializer::content_length(std::uint64_t n) {
    buf_ += "Content-Length: ";
    append_number(buf_, n);
    buf_ += "\r\n";
}

void Serializer::end_head() {
    buf_ += "\r\n";
}

void Serializer::chunk_header(std::size_t n) {
    std::array<char, 18> tmp;
    buf_.append(chunk_size_line(n, tmp));
}

void Serializer::chunk_end() {
    buf_ += "\r\n";
}

void Serializer::last_chunk(const Header* trailers) {
    // last-chunk = 1*("0") [ chunk-ext ] CRLF, then trailer-section CRLF (RFC 9112 §7.1).
    buf_ += "0\r\n";
    if (trailers != nullptr) fields(*trailers);
    buf_ += "\r\n";
}

std::string_view chunk_size_line(std::size_t n, std::array<char, 18>& out) noexcept {
    const auto r = std::to_chars(out.data(), out.data() + 16, n, 16);
    char* p = r.ptr;
    *p++ = '\r';
    *p++ = '\n';
    return {out.data(), static_cast<std::size_t>(p - out.data())};
}

}  // namespace wire::http
