// How two patterns relate, by the sets of requests they match (Go 1.22's precedence rule).
//
//   equivalent     they match exactly the same requests          -> conflict
//   more_specific  a matches a strict subset of b's requests     -> a wins where both match
//   more_general   the reverse                                   -> b wins
//   disjoint       no request matches both                       -> no interaction
//   overlaps       some requests match both, neither contains    -> conflict
//
// A pattern with a host always beats one without (Go keeps this for compatibility), so patterns
// whose hosts differ never conflict. Registration rejects conflicts, which guarantees that the
// patterns matching any one request are totally ordered: the most specific one is unique.
#pragma once

#include <string>

#include "http/detail/pattern.hpp"

namespace wire::http::detail {

enum class Relation : std::uint8_t { equivalent, more_specific, more_general, disjoint, overlaps };

[[nodiscard]] const char* relation_name(Relation r) noexcept;

// Methods: "" matches all, GET matches GET and HEAD, anything else only itself.
[[nodiscard]] Relation compare_methods(const Pattern& a, const Pattern& b) noexcept;
// Paths, segment by segment.
[[nodiscard]] Relation compare_paths(const Pattern& a, const Pattern& b) noexcept;
// Methods and paths together (the host is handled by the caller, see above).
[[nodiscard]] Relation compare(const Pattern& a, const Pattern& b) noexcept;

// Whether registering both would leave some request without a single best pattern.
[[nodiscard]] bool conflicts(const Pattern& a, const Pattern& b) noexcept;

// For two conflicting patterns: why, with example paths (Go's message, in our words).
[[nodiscard]] std::string describe_conflict(const Pattern& a, const Pattern& b);

// A path both patterns match (paths must overlap), and one that `a` matches but `b` does not
// (`a` must not be more specific than `b` by path). Used in messages and checked in tests.
[[nodiscard]] std::string common_path(const Pattern& a, const Pattern& b);
[[nodiscard]] std::string difference_path(const Pattern& a, const Pattern& b);

}  // namespace wire::http::detail
