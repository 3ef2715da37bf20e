// Read-only lookups over the fields of a parsed message, the same questions Header answers,
// without copying: the view form of a header (RFC 9110 §5).
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "http/field.hpp"

namespace wire::http {

// A view over a caller-owned array of fields (usually HeadParser's). Names compare
// case-insensitively (RFC 9110 §5.1). Valid while the fields and the bytes they point into are.
class HeaderView {
  public:
    HeaderView() = default;
    explicit HeaderView(std::span<const Field> fields) noexcept : fields_(fields) {}

    // The first value of `name`, or "" when absent.
    [[nodiscard]] std::string_view get(std::string_view name) const noexcept;
    [[nodiscard]] bool has(std::string_view name) const noexcept;
    // How many field lines named `name` there are.
    [[nodiscard]] std::size_t count(std::string_view name) const noexcept;
    // Every value of `name`, in order (allocates: not for the hot path).
    [[nodiscard]] std::vector<std::string_view> values(std::string_view name) const;
    // Whether any `name` line holds `token` in its comma-separated list, case-insensitively
    // (RFC 9110 §5.6.1): has_token("Connection", "upgrade").
    [[nodiscard]] bool has_token(std::string_view name, std::string_view token) const noexcept;

    [[nodiscard]] std::size_t size() const noexcept { return fields_.size(); }
    [[nodiscard]] bool empty() const noexcept { return fields_.empty(); }
    [[nodiscard]] const Field& operator[](std::size_t i) const noexcept { return fields_[i]; }
    [[nodiscard]] auto begin() const noexcept { return fields_.begin(); }
    [[nodiscard]] auto end() const noexcept { return fields_.end(); }

  private:
    std::span<const Field> fields_;
};

}  // namespace wire::http
