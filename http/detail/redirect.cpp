#include "http/detail/redirect.hpp"

#include "http/url.hpp"

namespace wire::http::detail {

RedirectRule redirect_rule(int status, std::string_view method) noexcept {
    switch (status) {
        case 301:
        case 302: {
            const bool post = method == "POST";
            return {true, !post, post};
        }
        case 303: {
            const bool head = method == "HEAD";
            return {true, false, !head};
        }
        case 307:
        case 308:
            return {true, true, false};
        default:
            return {};
    }
}

std::string remove_dot_segments(std::string_view in) {
    std::string out;
    while (!in.empty()) {
        // A: drop a leading "../" or "./".
        if (in.starts_with("../")) {
            in.remove_prefix(3);
        } else if (in.starts_with("./")) {
            in.remove_prefix(2);
            // B: "/./" or a final "/." become "/".
        } else if (in.starts_with("/./")) {
            in.remove_prefix(2);
        } else if (in == "/.") {
            in = "/";
            // C: "/../" or a final "/.." become "/" and drop the last output segment.
        } else if (in.starts_with("/../") || in == "/..") {
            in = in.size() == 3 ? std::string_view("/") : in.substr(3);
            const std::size_t slash = out.rfind('/');
            out.erase(slash == std::string::npos ? 0 : slash);
            // D: a lone "." or "..".
        } else if (in == "." || in == "..") {
            in = {};
        } else {
            // E: move the first segment (with its leading "/", if any) to the output.
            const std::size_t next = in.find('/', in.front() == '/' ? 1 : 0);
            const std::size_t n = next == std::string_view::npos ? in.size() : next;
            out.append(in.substr(0, n));
            in.remove_prefix(n);
        }
    }
    return out;
}

namespace {

std::string authority_of(const UrlView& u) {
    std::string a;
    if (!u.has_authority) return a;
    a += "//";
    if (!u.userinfo.empty()) {
        a += u.userinfo;
        a += '@';
    }
    a += u.host;
    if (!u.port.empty()) {
        a += ':';
        a += u.port;
    }
    return a;
}

// RFC 3986 §5.2.3: the reference's path appended to the base path's directory.
std::string merge(const UrlView& base, std::string_view ref_path) {
    if (base.has_authority && base.path.empty()) return "/" + std::string(ref_path);
    const std::size_t slash = base.path.rfind('/');
    if (slash == std::string_view::npos) return std::string(ref_path);
    return std::string(base.path.substr(0, slash + 1)) + std::string(ref_path);
}

}  // namespace

std::optional<std::string> resolve_reference(std::string_view base_text,
                                             std::string_view ref_text) {
    UrlView base, ref;
    if (parse_url(base_text, base) || base.scheme.empty()) return std::nullopt;
    if (parse_url(ref_text, ref)) return std::nullopt;
    std::string scheme(ref.scheme.empty() ? base.scheme : ref.scheme), authority, path;
    std::string_view query;
    bool has_query = false;
    if (!ref.scheme.empty() || ref.has_authority) {
        authority = authority_of(ref);
        path = remove_dot_segments(ref.path);
        query = ref.query, has_query = ref.has_query;
    } else {
        authority = authority_of(base);
        if (ref.path.empty()) {
            path = base.path;
            query = ref.has_query ? ref.query : base.query;
            has_query = ref.has_query || base.has_query;
        } else {
            path = remove_dot_segments(ref.path.front() == '/' ? std::string(ref.path)
                                                               : merge(base, ref.path));
            query = ref.query, has_query = ref.has_query;
        }
    }
    std::string out = scheme + ":" + authority + path;
    if (has_query) {
        out += '?';
        out += query;
    }
    return out;
}

}  // namespace wire::http::detail
