#include "http/detail/routing_tree.hpp"

#include <algorithm>

#include "http/detail/route_escape.hpp"

namespace wire::http::detail {
namespace {

RouteNode& child(std::unique_ptr<RouteNode>& slot) {
    if (!slot) slot = std::make_unique<RouteNode>();
    return *slot;
}

// Literal children are ordered by length first, then bytes: most keys a lookup passes over
// differ in length, which settles the comparison without touching their text.
bool shorter_or_less(std::string_view a, std::string_view b) noexcept {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
}

RouteNode& literal_child(RouteNode& node, const std::string& text) {
    auto& kids = node.literals;
    auto it = std::lower_bound(
        kids.begin(), kids.end(), text,
        [](const auto& kid, const std::string& t) { return shorter_or_less(kid.first, t); });
    if (it == kids.end() || it->first != text) {
        it = kids.insert(it, {text, std::make_unique<RouteNode>()});
    }
    return *it->second;
}

// The literal child matching an escaped request segment, or null.
const RouteNode* find_literal(const RouteNode& node, std::string_view raw) noexcept {
    const auto& kids = node.literals;
    if (kids.empty()) return nullptr;
    std::string_view key = raw;
    std::array<char, 256> scratch;  // no initialisation needed: only decoded bytes are read
    if (raw.find('%') != std::string_view::npos) {
        if (raw.size() > scratch.size()) {
            // A long escaped segment: compare each key against it rather than decode it here.
            for (const auto& kid : kids) {
                if (unescaped_equals(raw, kid.first)) return kid.second.get();
            }
            return nullptr;
        }
        key = decode_segment(raw, scratch);
    }
    auto it = std::lower_bound(
        kids.begin(), kids.end(), key,
        [](const auto& kid, std::string_view r) { return shorter_or_less(kid.first, r); });
    return (it != kids.end() && it->first == key) ? it->second.get() : nullptr;
}

}  // namespace

RoutingTree::HostTree& RoutingTree::host_tree_for_insert(const std::string& host) {
    if (host.empty()) return any_host_;
    for (HostTree& h : hosts_) {
        if (h.host == host) return h;
    }
    return hosts_.emplace_back(HostTree{host, {}});
}

void RoutingTree::insert(const Pattern& pattern, std::size_t route) {
    HostTree* host = &host_tree_for_insert(pattern.host);
    auto method = std::find_if(host->methods.begin(), host->methods.end(),
                               [&](const MethodTree& m) { return m.method == pattern.method; });
    if (method == host->methods.end()) {
        method = host->methods.insert(host->methods.end(), MethodTree{pattern.method, {}});
    }
    RouteNode* node = &method->root;
    for (const Segment& s : pattern.segments) {
        switch (s.kind) {
            case SegmentKind::literal:
                node = &literal_child(*node, s.text);
                break;
            case SegmentKind::wildcard:
                node = &child(node->wildcard);
                break;
            case SegmentKind::end:
                node = &child(node->end);
                break;
            case SegmentKind::multi:
                node = &child(node->multi);
                break;
        }
    }
    node->route = route;
}

std::size_t walk(const RouteNode& node, std::string_view path, Captures& captures) noexcept {
    if (path.empty()) return node.route;
    const PathStep step = next_segment(path);
    if (step.trailing_slash) {
        if (node.end && node.end->route != no_route) return node.end->route;
    } else {
        // 1. A literal is the most specific way to match this segment.
        if (const RouteNode* lit = find_literal(node, step.raw)) {
            if (const std::size_t r = walk(*lit, step.rest, captures); r != no_route) return r;
        }
        // 2. Then a one-segment wildcard (never the trailing slash), undone if the rest fails.
        if (node.wildcard && captures.count < max_path_values) {
            captures.segments[captures.count++] = {step.raw.data(), step.raw.size()};
            if (const std::size_t r = walk(*node.wildcard, step.rest, captures); r != no_route) {
                return r;
            }
            --captures.count;
        }
    }
    // 3. Last, a multi takes everything left, including a lone trailing slash.
    if (node.multi && node.multi->route != no_route) {
        captures.rest = path.substr(1);
        return node.multi->route;
    }
    return no_route;
}

const RoutingTree::HostTree* RoutingTree::host_tree(std::string_view host) const noexcept {
    if (host.empty()) return &any_host_;
    for (const HostTree& h : hosts_) {
        if (host_equals(host, h.host)) return &h;
    }
    return nullptr;
}

std::size_t RoutingTree::find_in(const HostTree& tree, std::string_view method,
                                 std::string_view path, Captures& captures) noexcept {
    // Exact method first, then GET for a HEAD request (RFC 9110 §9.3.2), then "any method".
    const RouteNode* order[3] = {nullptr, nullptr, nullptr};
    const bool head = method == "HEAD";
    for (const MethodTree& m : tree.methods) {
        if (m.method == method) {
            order[0] = &m.root;
        } else if (m.method.empty()) {
            order[2] = &m.root;
        } else if (head && m.method == "GET") {
            order[1] = &m.root;
        }
    }
    for (const RouteNode* root : order) {
        if (!root) continue;
        captures.count = 0;
        if (const std::size_t r = walk(*root, path, captures); r != no_route) return r;
    }
    return no_route;
}

std::size_t RoutingTree::find(std::string_view method, std::string_view host, std::string_view path,
                              Captures& captures) const noexcept {
    if (path.empty() || path[0] != '/') return no_route;
    // Go's compatibility rule: a pattern with a host beats every pattern without one.
    if (!host.empty() && !hosts_.empty()) {
        if (const HostTree* h = host_tree(host)) {
            if (const std::size_t r = find_in(*h, method, path, captures); r != no_route) return r;
        }
    }
    return find_in(any_host_, method, path, captures);
}

void RoutingTree::allowed_methods(std::string_view host, std::string_view path,
                                  std::vector<std::string_view>& out) const {
    if (path.empty() || path[0] != '/') return;
    const HostTree* trees[2] = {&any_host_, host.empty() ? nullptr : host_tree(host)};
    for (const HostTree* h : trees) {
        if (!h) continue;
        for (const MethodTree& m : h->methods) {
            // A method-less route would have matched already; it says nothing about methods.
            if (m.method.empty()) continue;
            Captures scratch;
            if (walk(m.root, path, scratch) != no_route) out.push_back(m.method);
        }
    }
}

}  // namespace wire::http::detail
