// HTTP dates (RFC 9110 §5.6.7): IMF-fixdate formatting with a per-second cache for the Date
// header, and parsing of the three formats a recipient must accept.
#pragma once

#include <cstddef>
#include <ctime>
#include <optional>
#include <string_view>

namespace wire::http {

// "Sun, 06 Nov 1994 08:49:37 GMT" is 29 bytes.
inline constexpr std::size_t kHttpDateSize = 29;

// Writes the IMF-fixdate for `t` (seconds since the epoch, UTC) into out[0..29).
void format_http_date(std::time_t t, char* out) noexcept;

// Parses IMF-fixdate, or the obsolete RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime
// ("Sun Nov  6 08:49:37 1994") forms; nullopt if `s` is none of them (RFC 9110 §5.6.7).
std::optional<std::time_t> parse_http_date(std::string_view s) noexcept;

// The Date value for the current second, formatted once per second. The caller passes the time
// (codecs read no clocks): a server calls get(now) with its loop's cached clock for every
// response. One instance per thread; not synchronised.
class DateCache {
  public:
    // The IMF-fixdate for `now`; the view is valid until the next call with another second.
    std::string_view get(std::time_t now) noexcept {
        if (now != cached_) {
            format_http_date(now, text_);
            cached_ = now;
        }
        return {text_, kHttpDateSize};
    }

  private:
    std::time_t cached_ = -1;
    char text_[kHttpDateSize] = {};
};

}  // namespace wire::http
