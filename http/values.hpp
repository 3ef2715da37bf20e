// Values: a multi-valued map of query parameters or form fields, Go's url.Values.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace wire::http {

// Keys are case-sensitive (unlike header names). Insertion order is kept; encode() sorts by key
// as Go does, so the output is deterministic.
class Values {
  public:
    // The first value for `key`, or "".
    [[nodiscard]] std::string_view get(std::string_view key) const noexcept;
    [[nodiscard]] std::vector<std::string_view> values(std::string_view key) const;
    [[nodiscard]] bool has(std::string_view key) const noexcept;
    void add(std::string_view key, std::string_view value);
    void set(std::string_view key, std::string_view value);
    void del(std::string_view key) noexcept;

    [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
    [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }
    [[nodiscard]] auto begin() const noexcept { return entries_.begin(); }
    [[nodiscard]] auto end() const noexcept { return entries_.end(); }
    void clear() noexcept { entries_.clear(); }

    // "a=1&b=x+y" form (application/x-www-form-urlencoded), keys sorted, values in order.
    [[nodiscard]] std::string encode() const;

  private:
    std::vector<std::pair<std::string, std::string>> entries_;
};

// Parses a query string ("a=1&b=2&a=3") into `out`, as Go's url.ParseQuery: pairs split on "&",
// "+" is a space, keys and values percent-decoded. A pair that cannot be decoded, or that holds
// ";" (Go 1.17+: ambiguous between parsers), is skipped and the first such error is returned;
// the other pairs are still added.
std::error_code parse_query(std::string_view query, Values& out);

}  // namespace wire::http
