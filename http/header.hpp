// An owning, multi-valued header for building messages: Go's http.Header in C++.
//
// Keys are stored in Go's canonical form ("content-type" -> "Content-Type") and compared
// case-insensitively (RFC 9110 §5.1). All keys and values live in one byte arena, so a Header
// that is clear()ed and refilled for each response allocates nothing once warmed up.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http/field.hpp"

namespace wire::http {

// Go's http.CanonicalHeaderKey: the first letter and every letter after '-' upper case, the
// rest lower case. A key with a byte that is not a token character (a space, a colon...) is
// returned unchanged, as Go does, so it is never silently rewritten.
std::string canonical_header_key(std::string_view key);

class Header {
  public:
    // Appends a value to `key`'s list (Go's Header.Add).
    void add(std::string_view key, std::string_view value);
    // Replaces every value of `key` with `value` (Go's Header.Set).
    void set(std::string_view key, std::string_view value);
    // The first value of `key`, or "" (Go's Header.Get). Valid until the next change.
    [[nodiscard]] std::string_view get(std::string_view key) const noexcept;
    // Every value of `key`, in insertion order (Go's Header.Values).
    [[nodiscard]] std::vector<std::string_view> values(std::string_view key) const;
    // Removes every value of `key` (Go's Header.Del).
    void del(std::string_view key) noexcept;
    [[nodiscard]] bool has(std::string_view key) const noexcept;
    // Whether a `key` value lists `token` (RFC 9110 §5.6.1), e.g. ("Connection", "close").
    [[nodiscard]] bool has_token(std::string_view key, std::string_view token) const noexcept;

    // Number of field lines (values), and the i-th one as {canonical key, value}.
    [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
    [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }
    [[nodiscard]] Field operator[](std::size_t i) const noexcept;
    // Forgets every field but keeps the memory for the next message.
    void clear() noexcept;

  private:
    struct Entry {
        std::uint32_t key_at, key_len, value_at, value_len;
    };
    [[nodiscard]] std::string_view key_of(const Entry& e) const noexcept {
        return {bytes_.data() + e.key_at, e.key_len};
    }
    [[nodiscard]] std::string_view value_of(const Entry& e) const noexcept {
        return {bytes_.data() + e.value_at, e.value_len};
    }
    std::uint32_t append(std::string_view s);

    std::string bytes_;  // every key and value, back to back
    std::vector<Entry> entries_;
};

}  // namespace wire::http
