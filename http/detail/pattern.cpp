#include "http/detail/pattern.hpp"

#include <algorithm>
#include <stdexcept>

#include "http/detail/route_escape.hpp"

namespace wire::http::detail {
namespace {

[[noreturn]] void reject(std::string_view text, std::string_view reason) {
    std::string message = "invalid route pattern \"";
    message.append(text).append("\": ").append(reason);
    throw std::invalid_argument(message);
}

// RFC 9110 §5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
//                          "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
bool is_tchar(char c) noexcept {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Wildcard names follow Go's identifiers, restricted here to ASCII: a letter or '_' first.
bool is_identifier(std::string_view name) noexcept {
    if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
    for (char c : name) {
        const bool ok =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (!ok) return false;
    }
    return true;
}

char lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

// RFC 9110 §9.1: the method is a token; it is case-sensitive, so it is kept as written.
void parse_method(std::string_view text, std::string_view method, Pattern& out) {
    if (method.empty()) reject(text, "missing method before the space");
    for (char c : method) {
        // why: a method that is not a token can never appear in a valid request line.
        if (!is_tchar(c)) reject(text, "the method is not a valid token (RFC 9110 §9.1)");
    }
    out.method = std::string(method);
}

void parse_host(std::string_view text, std::string_view host, Pattern& out) {
    for (char c : host) {
        // why: "{id}/x" is almost always a path that lost its leading slash, not a host.
        if (c == '{' || c == '}')
            reject(text, "the host contains a brace (missing '/' before it?)");
        if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
            reject(text, "the host contains a space or control character");
        }
        out.host.push_back(lower(c));
    }
}

// One `{...}` piece: `{name}`, `{name...}` or `{$}`. `last` says whether it ends the path.
void parse_wildcard(std::string_view text, std::string_view piece, bool last, Pattern& out) {
    // why: a wildcard must be a whole segment, so "/b_{id}" or "/{id}.json" is refused.
    if (piece.size() < 2 || piece.front() != '{' || piece.back() != '}') {
        reject(text, "a wildcard must be a whole segment: {name}, {name...} or {$}");
    }
    std::string_view inner = piece.substr(1, piece.size() - 2);
    if (inner == "$") {
        if (!last) reject(text, "{$} may only end the path");
        out.segments.push_back({SegmentKind::end, {}});
        return;
    }
    SegmentKind kind = SegmentKind::wildcard;
    if (inner.size() >= 3 && inner.substr(inner.size() - 3) == "...") {
        inner.remove_suffix(3);
        kind = SegmentKind::multi;
        if (!last) reject(text, "a {name...} wildcard may only end the path");
    }
    if (inner.empty()) reject(text, "a wildcard needs a name");
    if (!is_identifier(inner)) reject(text, "a wildcard name must be an identifier");
    for (const Segment& s : out.segments) {
        if (s.kind != SegmentKind::literal && s.text == inner) {
            reject(text, "the same wildcard name is used twice");
        }
    }
    if (++out.named_wildcards > max_path_values) reject(text, "more than 16 named wildcards");
    out.segments.push_back({kind, std::string(inner)});
}

// path = "/" [ segment *( "/" segment ) ] [ "/" ]; segments split on '/', a trailing '/' becomes
// an anonymous multi (the subtree). Paths must be clean: a request path is cleaned before
// matching, so "//", "/./" or "/../" in a pattern could never match (CONNECT excepted, as in Go).
void parse_path(std::string_view text, std::string_view path, Pattern& out) {
    const bool must_be_clean = out.method != "CONNECT";
    std::string_view body = path.substr(1);
    while (true) {
        const std::size_t slash = body.find('/');
        const std::string_view piece = body.substr(0, slash);
        const bool last = slash == std::string_view::npos;
        if (piece.empty() && last) {  // the path ends in '/': the whole subtree below it
            out.segments.push_back({SegmentKind::multi, {}});
            return;
        }
        if (must_be_clean && (piece.empty() || piece == "." || piece == "..")) {
            reject(text, "the path is not clean (empty, \".\" or \"..\" segment) so never matches");
        }
        if (piece.find_first_of("{}") != std::string_view::npos) {
            parse_wildcard(text, piece, last, out);
        } else {
            Segment literal{SegmentKind::literal, {}};
            append_unescaped(piece, literal.text);
            out.segments.push_back(std::move(literal));
        }
        if (last) return;
        body.remove_prefix(slash + 1);
    }
}

}  // namespace

Pattern parse_pattern(std::string_view text) {
    if (text.empty()) reject(text, "empty pattern");
    Pattern out;
    out.text = std::string(text);
    std::string_view rest = text;
    // 1. An optional method, ended by spaces or tabs.
    if (const std::size_t gap = text.find_first_of(" \t"); gap != std::string_view::npos) {
        parse_method(text, text.substr(0, gap), out);
        rest = text.substr(gap);
        rest.remove_prefix(std::min(rest.size(), rest.find_first_not_of(" \t")));
    }
    // 2. An optional host, everything before the first '/'.
    const std::size_t slash = rest.find('/');
    if (slash == std::string_view::npos)
        reject(text, "missing '/' (the form is [METHOD ][HOST]/[PATH])");
    parse_host(text, rest.substr(0, slash), out);
    // 3. The path.
    parse_path(text, rest.substr(slash), out);
    return out;
}

std::string_view Pattern::wildcard_name(std::size_t i) const noexcept {
    for (const Segment& s : segments) {
        if (s.kind == SegmentKind::literal || s.kind == SegmentKind::end || s.text.empty())
            continue;
        if (i-- == 0) return s.text;
    }
    return {};
}

bool Pattern::matches_path(std::string_view path) const noexcept {
    for (const Segment& s : segments) {
        if (path.empty() || path[0] != '/') return false;
        if (s.kind == SegmentKind::multi) return true;  // takes the rest, at least "/"
        const PathStep step = next_segment(path);
        switch (s.kind) {
            case SegmentKind::end:
                return step.trailing_slash;
            case SegmentKind::wildcard:
                if (step.trailing_slash) return false;  // `{x}` never matches the trailing slash
                break;
            default:
                if (step.trailing_slash || !unescaped_equals(step.raw, s.text)) return false;
        }
        path = step.rest;
    }
    return path.empty();
}

bool Pattern::matches_method(std::string_view request_method) const noexcept {
    // RFC 9110 §9.3.2: HEAD is GET without the body, so a GET route serves HEAD too.
    return method.empty() || method == request_method ||
           (method == "GET" && request_method == "HEAD");
}

bool Pattern::matches_host(std::string_view request_host) const noexcept {
    return host.empty() || host_equals(request_host, host);
}

bool host_equals(std::string_view request_host, std::string_view pattern_host) noexcept {
    if (request_host.size() != pattern_host.size()) return false;
    for (std::size_t i = 0; i < request_host.size(); ++i) {
        if (lower(request_host[i]) != pattern_host[i]) return false;
    }
    return true;
}

}  // namespace wire::http::detail
