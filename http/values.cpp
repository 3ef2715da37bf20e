#include "http/values.hpp"

#include <algorithm>

#include "http/error.hpp"
#include "http/percent.hpp"

namespace wire::http {

std::string_view Values::get(std::string_view key) const noexcept {
    for (const auto& [k, v] : entries_) {
        if (k == key) return v;
    }
    return {};
}

std::vector<std::string_view> Values::values(std::string_view key) const {
    std::vector<std::string_view> out;
    for (const auto& [k, v] : entries_) {
        if (k == key) out.push_back(v);
    }
    return out;
}

bool Values::has(std::string_view key) const noexcept {
    return std::any_of(entries_.begin(), entries_.end(),
                       [&](const auto& e) { return e.first == key; });
}

void Values::add(std::string_view key, std::string_view value) {
    entries_.emplace_back(key, value);
}

void Values::set(std::string_view key, std::string_view value) {
    del(key);
    add(key, value);
}

void Values::del(std::string_view key) noexcept {
    std::erase_if(entries_, [&](const auto& e) { return e.first == key; });
}

std::string Values::encode() const {
    std::vector<const std::pair<std::string, std::string>*> sorted;
    sorted.reserve(entries_.size());
    for (const auto& e : entries_)
        sorted.push_back(&e);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](auto* a, auto* b) { return a->first < b->first; });
    std::string out;
    for (const auto* e : sorted) {
        if (!out.empty()) out.push_back('&');
        out += percent_encode(e->first, Escape::query);
        out.push_back('=');
        out += percent_encode(e->second, Escape::query);
    }
    return out;
}

std::error_code parse_query(std::string_view query, Values& out) {
    std::error_code first;
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (pair.empty()) continue;
        if (pair.find(';') != std::string_view::npos) {
            // Why: some parsers split on ";" too; accepting it lets two of them disagree.
            if (!first) first = Error::bad_url;
            continue;
        }
        const std::size_t eq = pair.find('=');
        std::string key, value;
        std::error_code ec = percent_decode(pair.substr(0, eq), key, Escape::query);
        if (!ec && eq != std::string_view::npos) {
            ec = percent_decode(pair.substr(eq + 1), value, Escape::query);
        }
        if (ec) {
            if (!first) first = ec;
            continue;
        }
        out.add(key, value);
    }
    return first;
}

}  // namespace wire::http
