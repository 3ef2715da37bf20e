#include "http/header_view.hpp"

#include "http/detail/chars.hpp"

namespace wire::http {

std::string_view HeaderView::get(std::string_view name) const noexcept {
    for (const Field& f : fields_) {
        if (detail::iequals(f.name, name)) return f.value;
    }
    return {};
}

bool HeaderView::has(std::string_view name) const noexcept {
    return count(name) > 0;
}

std::size_t HeaderView::count(std::string_view name) const noexcept {
    std::size_t n = 0;
    for (const Field& f : fields_)
        n += detail::iequals(f.name, name) ? 1 : 0;
    return n;
}

std::vector<std::string_view> HeaderView::values(std::string_view name) const {
    std::vector<std::string_view> out;
    for (const Field& f : fields_) {
        if (detail::iequals(f.name, name)) out.push_back(f.value);
    }
    return out;
}

bool HeaderView::has_token(std::string_view name, std::string_view token) const noexcept {
    for (const Field& f : fields_) {
        if (detail::iequals(f.name, name) && detail::list_has_token(f.value, token)) return true;
    }
    return false;
}

}  // namespace wire::http
