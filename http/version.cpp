#include "http/version.hpp"

namespace wire::http {

bool parse_http_version(std::string_view text, int& major, int& minor) noexcept {
    // why: exactly "HTTP/" DIGIT "." DIGIT; anything longer or shorter is not a version.
    if (text.size() != 8 || text.substr(0, 5) != "HTTP/" || text[6] != '.') return false;
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (!digit(text[5]) || !digit(text[7])) return false;
    major = text[5] - '0';
    minor = text[7] - '0';
    return true;
}

}  // namespace wire::http
