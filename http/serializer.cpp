#include "http/serializer.hpp"

#include <charconv>
#include <cstdlib>
#include <new>
#include <utility>

#include "http/detail/chars.hpp"
#include "http/status.hpp"

namespace wire::http {
namespace {

// Appends `value` with CR, LF and NUL turned into spaces: they would end the field line early
// and let the rest be read as a new field or a new message (response splitting).
void append_sanitised(Serializer& out, std::string_view value) {
    for (char c : value)
        out.push_back((c == '\r' || c == '\n' || c == '\0') ? ' ' : c);
}

void append_number(Serializer& out, std::uint64_t n, int base = 10) {
    char tmp[24];
    const auto r = std::to_chars(tmp, tmp + sizeof tmp, n, base);
    out.append({tmp, static_cast<std::size_t>(r.ptr - tmp)});
}

}  // namespace

Serializer::Serializer(const Serializer& other) {
    append(other.data());
}

Serializer& Serializer::operator=(const Serializer& other) {
    if (this != &other) {
        clear();
        append(other.data());
    }
    return *this;
}

Serializer::Serializer(Serializer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      cap_(std::exchange(other.cap_, 0)) {}

Serializer& Serializer::operator=(Serializer&& other) noexcept {
    if (this != &other) {
        std::free(data_);
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
        cap_ = std::exchange(other.cap_, 0);
    }
    return *this;
}

Serializer::~Serializer() {
    std::free(data_);
}

void Serializer::grow(std::size_t more) {
    std::size_t cap = cap_ < 512 ? 512 : cap_;
    while (cap - size_ <= more)
        cap *= 2;
    void* p = std::realloc(data_, cap);
    if (p == nullptr) throw std::bad_alloc();
    data_ = static_cast<char*>(p);
    cap_ = cap;
}

void Serializer::status_line(int status, std::string_view reason, int version_minor) {
    append("HTTP/1.");
    push_back(static_cast<char>('0' + (version_minor == 0 ? 0 : 1)));
    push_back(' ');
    // status-code = 3DIGIT: a code outside 100..999 is a programmer error; write 500 instead.
    if (status < 100 || status > 999) status = 500;
    append_number(*this, static_cast<std::uint64_t>(status));
    push_back(' ');
    append_sanitised(*this, reason.empty() ? status_text(status) : reason);
    append("\r\n");
}

void Serializer::request_line(std::string_view method, std::string_view target, int version_minor) {
    append(method);
    push_back(' ');
    append_sanitised(*this, target);
    append(" HTTP/1.");
    push_back(static_cast<char>('0' + (version_minor == 0 ? 0 : 1)));
    append("\r\n");
}

bool Serializer::field(std::string_view name, std::string_view value) {
    // field-name = token (RFC 9110 §5.1); anything else cannot be sent safely.
    if (name.empty()) return false;
    for (char c : name) {
        if (!detail::is_token(c)) return false;
    }
    append(name);
    append(": ");
    append_sanitised(*this, detail::trim_ows(value));
    append("\r\n");
    return true;
}

void Serializer::fields(const Header& header) {
    for (std::size_t i = 0; i < header.size(); ++i) {
        const Field f = header[i];
        (void)field(f.name, f.value);
    }
}

void Serializer::content_length(std::uint64_t n) {
    append("Content-Length: ");
    append_number(*this, n);
    append("\r\n");
}

void Serializer::chunk_header(std::size_t n) {
    std::array<char, 18> tmp;
    append(chunk_size_line(n, tmp));
}

void Serializer::last_chunk(const Header* trailers) {
    // last-chunk = 1*("0") [ chunk-ext ] CRLF, then trailer-section CRLF (RFC 9112 §7.1).
    append("0\r\n");
    if (trailers != nullptr) fields(*trailers);
    append("\r\n");
}

std::string_view chunk_size_line(std::size_t n, std::array<char, 18>& out) noexcept {
    const auto r = std::to_chars(out.data(), out.data() + 16, n, 16);
    char* p = r.ptr;
    *p++ = '\r';
    *p++ = '\n';
    return {out.data(), static_cast<std::size_t>(p - out.data())};
}

}  // namespace wire::http
