#include "http/router.hpp"

#include <algorithm>
#include <stdexcept>

#include "http/detail/pattern_relation.hpp"
#include "http/detail/route_escape.hpp"

namespace wire::http {

std::string_view RouteMatch::path_value(std::string_view name) const noexcept {
    for (std::size_t i = 0; i < value_count_; ++i) {
        if (values_[i].name == name) return values_[i].value;
    }
    return {};
}

void RouteMatch::reset() noexcept {
    outcome_ = Outcome::not_found;
    route_ = detail::no_route;
    pattern_ = {};
    value_count_ = 0;
    allow_.clear();
    redirect_.clear();
}

std::size_t Router::add(std::string_view text) {
    detail::Pattern pattern = detail::parse_pattern(text);
    // Conflicts are checked against every pattern: registration is rare, clarity wins here.
    for (const detail::Pattern& other : patterns_) {
        // why: two patterns without a best one for some request would make routing ambiguous.
        if (detail::conflicts(pattern, other)) {
            std::string message = "route pattern \"";
            message.append(pattern.text).append("\" conflicts with \"").append(other.text);
            message.append("\": ").append(detail::describe_conflict(pattern, other));
            throw std::invalid_argument(message);
        }
    }
    const std::size_t route = patterns_.size();
    const auto last = pattern.segments.back().kind;
    if (last == detail::SegmentKind::multi || last == detail::SegmentKind::end) {
        slash_ending_lengths_ |= std::uint64_t{1}
                                 << std::min<std::size_t>(pattern.segments.size(), 63);
    }
    patterns_.push_back(std::move(pattern));
    tree_.insert(patterns_.back(), route);
    return route;
}

// A match is exact unless a multi swallowed something beyond a trailing slash: "/a/{$}" and
// "/a/{rest...}" match "/a/" exactly, "/a/" matches "/a/b" only as a subtree, and "/" never
// matches "/a/" exactly. Then the pattern has one segment per '/' of the path.
bool Router::exact_match(std::size_t route, std::string_view path) const noexcept {
    const detail::Pattern& p = patterns_[route];
    if (!p.ends_in_multi()) return true;
    if (path.empty() || path.back() != '/') return false;
    return p.segments.size() == static_cast<std::size_t>(std::count(path.begin(), path.end(), '/'));
}

bool Router::may_redirect(std::string_view path) const noexcept {
    if (path.empty() || path[0] != '/' || path.back() == '/') return false;
    // "path/" has one more segment than path has slashes; see slash_ending_lengths_.
    const auto segments = static_cast<std::size_t>(std::count(path.begin(), path.end(), '/')) + 1;
    return (slash_ending_lengths_ >> std::min<std::size_t>(segments, 63)) & 1;
}

void Router::match(std::string_view method, std::string_view host, std::string_view path,
                   RouteMatch& out) const {
    out.reset();
    // why: most muxes name no host, and then the Host header plays no part in routing.
    host = tree_.has_hosts() ? strip_port(host) : std::string_view();
    detail::Captures captures;
    const std::size_t route = tree_.find(method, host, path, captures);
    // Go's subtree redirect: "/tree" that nothing matches exactly, while "/tree/" is matched
    // exactly by some pattern, is answered "301 -> /tree/" (the request probably lost its slash).
    // (A path ending in '/' is never redirected: tested first, as it is the cheapest test.)
    if (!path.empty() && path.back() != '/' &&
        (route == detail::no_route || !exact_match(route, path)) && may_redirect(path)) {
        out.redirect_.assign(path);
        out.redirect_.push_back('/');
        detail::Captures probe;
        const std::size_t slashed = tree_.find(method, host, out.redirect_, probe);
        if (slashed != detail::no_route && exact_match(slashed, out.redirect_)) {
            out.outcome_ = RouteMatch::Outcome::redirect;
            return;
        }
        out.redirect_.clear();
    }
    if (route != detail::no_route) {
        out.outcome_ = RouteMatch::Outcome::matched;
        out.route_ = route;
        out.pattern_ = patterns_[route].text;
        // Tested here, not in fill_values: most patterns have no wildcards, so no call at all.
        if (patterns_[route].named_wildcards != 0) fill_values(route, captures, path, out);
        return;
    }
    fill_allow(host, path, out);
}

void Router::fill_values(std::size_t route, const detail::Captures& captures, std::string_view path,
                         RouteMatch& out) const {
    const detail::Pattern& p = patterns_[route];
    // A value without escapes is a view into the request path, no copy. Escaped ones are decoded
    // into decoded_: each is a distinct piece of the path and decoding never lengthens text, so
    // one reservation of path.size() holds them all and the views stay valid.
    out.decoded_.clear();
    std::size_t next = 0;
    for (const detail::Segment& s : p.segments) {
        std::string_view raw;
        if (s.kind == detail::SegmentKind::wildcard && next < captures.count) {
            raw = captures.segments[next++].view();
        } else if (s.kind == detail::SegmentKind::multi && !s.text.empty()) {
            raw = captures.rest;
        } else {
            continue;
        }
        std::string_view value = raw;
        if (raw.find('%') != std::string_view::npos) {
            if (out.decoded_.empty()) out.decoded_.reserve(path.size());
            const std::size_t start = out.decoded_.size();
            detail::append_unescaped(raw, out.decoded_);
            value = std::string_view(out.decoded_).substr(start);
        }
        out.values_[out.value_count_++] = {s.text, value};
    }
}

void Router::fill_allow(std::string_view host, std::string_view path, RouteMatch& out) const {
    out.methods_.clear();
    tree_.allowed_methods(host, path, out.methods_);
    // The subtree redirect would apply for another method, so its methods are allowed too.
    if (!path.empty() && path[0] == '/' && path.back() != '/') {
        out.redirect_.assign(path);
        out.redirect_.push_back('/');
        tree_.allowed_methods(host, out.redirect_, out.methods_);
        out.redirect_.clear();
    }
    if (out.methods_.empty()) return;  // not_found: no pattern's path matches at all
    // RFC 9110 §9.3.2: wherever GET is served, so is HEAD.
    if (std::find(out.methods_.begin(), out.methods_.end(), "GET") != out.methods_.end()) {
        out.methods_.push_back("HEAD");
    }
    std::sort(out.methods_.begin(), out.methods_.end());
    out.methods_.erase(std::unique(out.methods_.begin(), out.methods_.end()), out.methods_.end());
    // RFC 9110 §10.2.1: Allow = #method, a comma-separated list.
    for (std::string_view m : out.methods_) {
        if (!out.allow_.empty()) out.allow_.append(", ");
        out.allow_.append(m);
    }
    out.outcome_ = RouteMatch::Outcome::method_not_allowed;
}

std::string_view strip_port(std::string_view host) noexcept {
    // RFC 3986 §3.2.2: an IPv6 literal is bracketed, and its colons are not a port separator.
    if (!host.empty() && host[0] == '[') {
        const std::size_t close = host.find(']');
        return close == std::string_view::npos ? host : host.substr(0, close + 1);
    }
    const std::size_t colon = host.find(':');
    return colon == std::string_view::npos ? host : host.substr(0, colon);
}

}  // namespace wire::http
