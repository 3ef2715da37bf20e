#include "http/header.hpp"

#include <algorithm>
#include <stdexcept>

#include "http/detail/chars.hpp"

namespace wire::http {

std::string canonical_header_key(std::string_view key) {
    std::string out(key);
    for (char c : key) {
        if (!detail::is_token(c)) return out;  // not a valid name: leave it alone, like Go
    }
    bool upper = true;
    for (char& c : out) {
        c = upper ? detail::to_upper(c) : detail::to_lower(c);
        upper = c == '-';
    }
    return out;
}

std::uint32_t Header::append(std::string_view s) {
    // Offsets are 32-bit to keep entries small; a 4 GiB header is a programmer error.
    if (bytes_.size() + s.size() > 0xffffffffu)
        throw std::length_error("wire::http::Header too large");
    const auto at = static_cast<std::uint32_t>(bytes_.size());
    bytes_.append(s);
    return at;
}

void Header::add(std::string_view key, std::string_view value) {
    Entry e{};
    e.key_at = append(key);
    e.key_len = static_cast<std::uint32_t>(key.size());
    // Canonicalise in place in the arena: no temporary string.
    std::string_view stored(bytes_.data() + e.key_at, key.size());
    const bool valid = std::all_of(stored.begin(), stored.end(), detail::is_token);
    if (valid) {
        bool upper = true;
        for (std::size_t i = e.key_at; i < e.key_at + e.key_len; ++i) {
            char& c = bytes_[i];
            c = upper ? detail::to_upper(c) : detail::to_lower(c);
            upper = c == '-';
        }
    }
    e.value_at = append(value);
    e.value_len = static_cast<std::uint32_t>(value.size());
    entries_.push_back(e);
}

void Header::set(std::string_view key, std::string_view value) {
    del(key);
    add(key, value);
}

std::string_view Header::get(std::string_view key) const noexcept {
    for (const Entry& e : entries_) {
        if (detail::iequals(key_of(e), key)) return value_of(e);
    }
    return {};
}

std::vector<std::string_view> Header::values(std::string_view key) const {
    std::vector<std::string_view> out;
    for (const Entry& e : entries_) {
        if (detail::iequals(key_of(e), key)) out.push_back(value_of(e));
    }
    return out;
}

void Header::del(std::string_view key) noexcept {
    // The arena keeps the bytes until clear(); deletions are rare and headers small.
    std::erase_if(entries_, [&](const Entry& e) { return detail::iequals(key_of(e), key); });
}

bool Header::has(std::string_view key) const noexcept {
    return std::any_of(entries_.begin(), entries_.end(),
                       [&](const Entry& e) { return detail::iequals(key_of(e), key); });
}

bool Header::has_token(std::string_view key, std::string_view token) const noexcept {
    return std::any_of(entries_.begin(), entries_.end(), [&](const Entry& e) {
        return detail::iequals(key_of(e), key) && detail::list_has_token(value_of(e), token);
    });
}

Field Header::operator[](std::size_t i) const noexcept {
    return {key_of(entries_[i]), value_of(entries_[i])};
}

void Header::clear() noexcept {
    bytes_.clear();
    entries_.clear();
}

}  // namespace wire::http
