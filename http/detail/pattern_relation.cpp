#include "http/detail/pattern_relation.hpp"

namespace wire::http::detail {
namespace {

// Combining the relations of two independent parts (methods and path, or segment after segment):
// the whole is more specific only if no part is more general, and disjoint if any part is.
Relation combine(Relation r1, Relation r2) noexcept {
    if (r1 == Relation::equivalent) return r2;
    if (r1 == Relation::disjoint || r2 == Relation::disjoint) return Relation::disjoint;
    if (r2 == Relation::equivalent || r1 == r2) return r1;
    return Relation::overlaps;  // overlapping, or more specific in one part and general in another
}

Relation compare_segments(const Segment& a, const Segment& b) noexcept {
    using K = SegmentKind;
    if (a.kind == K::multi)
        return b.kind == K::multi ? Relation::equivalent : Relation::more_general;
    if (b.kind == K::multi) return Relation::more_specific;
    // `{$}` is the trailing slash, which only `{$}` and a multi match.
    if (a.kind == K::end || b.kind == K::end) {
        return a.kind == b.kind ? Relation::equivalent : Relation::disjoint;
    }
    if (a.kind == K::wildcard) {
        return b.kind == K::wildcard ? Relation::equivalent : Relation::more_general;
    }
    if (b.kind == K::wildcard) return Relation::more_specific;
    return a.text == b.text ? Relation::equivalent : Relation::disjoint;
}

// Example paths must be valid escaped request paths, so literal text is re-escaped.
void append_escaped(std::string& out, std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') ||
                           std::string_view("-._~!$&'()*+,;=:@").find(c) != std::string_view::npos;
        if (plain) {
            out.push_back(c);
        } else {
            out.push_back('%');
            out.push_back(hex[u >> 4]);
            out.push_back(hex[u & 15]);
        }
    }
}

// Appends one path segment that `s` matches: its literal, its wildcard's name, or a slash.
void append_example(std::string& out, const Segment& s) {
    out.push_back('/');
    if (s.kind == SegmentKind::literal || s.kind == SegmentKind::wildcard) {
        append_escaped(out, s.text);
    }
}

void append_name(std::string& out, std::string_view s) {
    out.push_back('"');
    out.append(s);
    out.push_back('"');
}

}  // namespace

const char* relation_name(Relation r) noexcept {
    switch (r) {
        case Relation::equivalent:
            return "equivalent";
        case Relation::more_specific:
            return "more specific";
        case Relation::more_general:
            return "more general";
        case Relation::disjoint:
            return "disjoint";
        case Relation::overlaps:
            return "overlapping";
    }
    return "?";
}

Relation compare_methods(const Pattern& a, const Pattern& b) noexcept {
    if (a.method == b.method) return Relation::equivalent;
    if (a.method.empty()) return Relation::more_general;
    if (b.method.empty()) return Relation::more_specific;
    // RFC 9110 §9.3.2: a GET route also serves HEAD, so it matches more requests than HEAD's.
    if (a.method == "GET" && b.method == "HEAD") return Relation::more_general;
    if (a.method == "HEAD" && b.method == "GET") return Relation::more_specific;
    return Relation::disjoint;
}

Relation compare_paths(const Pattern& a, const Pattern& b) noexcept {
    const std::size_t na = a.segments.size();
    const std::size_t nb = b.segments.size();
    // Without a multi, a pattern matches paths of exactly its own length.
    if (na != nb && !a.ends_in_multi() && !b.ends_in_multi()) return Relation::disjoint;
    Relation rel = Relation::equivalent;
    std::size_t i = 0;
    for (; i < na && i < nb; ++i) {
        rel = combine(rel, compare_segments(a.segments[i], b.segments[i]));
        if (rel == Relation::disjoint) return rel;
    }
    if (i == na && i == nb) return rel;
    // One ran out. Only a multi at its end lets it match the other's longer paths.
    if (i == na && a.ends_in_multi()) return combine(rel, Relation::more_general);
    if (i == nb && b.ends_in_multi()) return combine(rel, Relation::more_specific);
    return Relation::disjoint;
}

Relation compare(const Pattern& a, const Pattern& b) noexcept {
    const Relation methods = compare_methods(a, b);
    if (methods == Relation::disjoint) return methods;
    return combine(methods, compare_paths(a, b));
}

bool conflicts(const Pattern& a, const Pattern& b) noexcept {
    // Differing hosts: either one has no host (and loses to the other), or no request has both.
    if (a.host != b.host) return false;
    const Relation r = compare(a, b);
    return r == Relation::equivalent || r == Relation::overlaps;
}

std::string common_path(const Pattern& a, const Pattern& b) {
    std::string out;
    for (std::size_t i = 0; i < a.segments.size() && i < b.segments.size(); ++i) {
        const Segment& sa = a.segments[i];
        const Segment& sb = b.segments[i];
        if (sa.kind == SegmentKind::multi || sb.kind == SegmentKind::multi) {
            // The multi swallows whatever the other pattern still needs.
            const Pattern& longer = sa.kind == SegmentKind::multi ? b : a;
            for (std::size_t j = i; j < longer.segments.size(); ++j) {
                append_example(out, longer.segments[j]);
            }
            return out;
        }
        append_example(out, sa.kind == SegmentKind::literal ? sa : sb);
    }
    return out;
}

std::string difference_path(const Pattern& a, const Pattern& b) {
    std::string out;
    std::size_t i = 0;
    for (; i < a.segments.size() && i < b.segments.size(); ++i) {
        const Segment& sa = a.segments[i];
        const Segment& sb = b.segments[i];
        if (sa.kind == SegmentKind::multi) {
            // a's rest is open-ended. Against `{$}` any named segment escapes b; against
            // anything else (or another multi) the bare trailing slash does.
            out.push_back('/');
            if (sb.kind == SegmentKind::end) append_escaped(out, sa.text.empty() ? "x" : sa.text);
            return out;
        }
        if (sa.kind == SegmentKind::wildcard && sb.kind == SegmentKind::literal &&
            sa.text == sb.text) {
            // The wildcard's name would hit b's literal; any other text will do.
            out.push_back('/');
            append_escaped(out, sb.text + "x");
            continue;
        }
        append_example(out, sa);
    }
    // b is shorter and has no multi, so a's remaining segments already escape it.
    for (; i < a.segments.size(); ++i)
        append_example(out, a.segments[i]);
    return out;
}

std::string describe_conflict(const Pattern& a, const Pattern& b) {
    const Relation methods = compare_methods(a, b);
    const Relation paths = compare_paths(a, b);
    std::string out;
    append_name(out, a.text);
    if (combine(methods, paths) == Relation::equivalent) {
        out += " matches the same requests as ";
        append_name(out, b.text);
    } else if (paths == Relation::overlaps) {
        out += " and ";
        append_name(out, b.text);
        out += " both match some paths, but neither is more specific: ";
        append_name(out, a.text);
        out += " matches ";
        append_name(out, difference_path(a, b));
        out += " and the other does not; ";
        append_name(out, b.text);
        out += " matches ";
        append_name(out, difference_path(b, a));
        out += " and the other does not";
    } else {
        out += methods == Relation::more_general ? " matches more methods than "
                                                 : " matches fewer methods than ";
        append_name(out, b.text);
        out += paths == Relation::more_specific ? " but has a more specific path"
                                                : " but has a more general path";
    }
    out += "; both match the path ";
    append_name(out, common_path(a, b));
    return out;
}

}  // namespace wire::http::detail
