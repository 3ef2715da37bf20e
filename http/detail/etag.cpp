#include "http/detail/etag.hpp"

namespace wire::http::detail {
namespace {

bool is_etagc(unsigned char c) {
    return c == 0x21 || (c >= 0x23 && c != 0x7f);
}

std::string_view skip_ows(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    return s;
}

}  // namespace

std::size_t scan_etag(std::string_view s, ETag& out) noexcept {
    std::size_t i = 0;
    out.weak = false;
    if (s.size() >= 2 && s[0] == 'W' && s[1] == '/') {
        out.weak = true;
        i = 2;
    }
    // Why: the opaque-tag must be quoted (RFC 9110 §8.8.3).
    if (i >= s.size() || s[i] != '"') return 0;
    const std::size_t open = i++;
    while (i < s.size() && is_etagc(static_cast<unsigned char>(s[i])))
        ++i;
    if (i >= s.size() || s[i] != '"') return 0;
    out.opaque = s.substr(open, i + 1 - open);
    return i + 1;
}

bool parse_etag(std::string_view s, ETag& out) noexcept {
    return !s.empty() && scan_etag(s, out) == s.size();
}

bool strong_equal(const ETag& a, const ETag& b) noexcept {
    return !a.weak && !b.weak && a.opaque == b.opaque;
}

bool weak_equal(const ETag& a, const ETag& b) noexcept {
    return a.opaque == b.opaque;
}

bool etag_list_matches(std::string_view list, std::string_view current, bool weak) noexcept {
    list = skip_ows(list);
    while (!list.empty() && (list.back() == ' ' || list.back() == '\t'))
        list.remove_suffix(1);
    ETag have;
    const bool has_current = parse_etag(current, have);
    if (list == "*") return !current.empty();
    // 1#entity-tag with OWS "," OWS between elements (and empty elements, RFC 9110 §5.6.1).
    while (!list.empty()) {
        if (list.front() == ',') {
            list = skip_ows(list.substr(1));
            continue;
        }
        ETag tag;
        const std::size_t n = scan_etag(list, tag);
        if (n == 0) return false;
        if (has_current && (weak ? weak_equal(tag, have) : strong_equal(tag, have))) return true;
        list = skip_ows(list.substr(n));
        // Why: two tags with no comma between them are not a list.
        if (!list.empty() && list.front() != ',') return false;
    }
    return false;
}

}  // namespace wire::http::detail
