#include "http/method.hpp"

#include <array>

namespace wire::http {
namespace {

constexpr std::array<std::string_view, 9> kNames{"GET",     "HEAD",    "POST",  "PUT",  "DELETE",
                                                 "CONNECT", "OPTIONS", "TRACE", "PATCH"};

}  // namespace

Method method_from(std::string_view name) noexcept {
    for (std::size_t i = 0; i < kNames.size(); ++i) {
        if (kNames[i] == name) return static_cast<Method>(i);
    }
    return Method::other;
}

std::string_view method_name(Method m) noexcept {
    const auto i = static_cast<std::size_t>(m);
    return i < kNames.size() ? kNames[i] : std::string_view();
}

}  // namespace wire::http
