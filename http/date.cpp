#include "http/date.hpp"

#include <cstring>

namespace wire::http {
namespace {

constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kLongDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                     "Thursday", "Friday", "Saturday"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void put2(char* out, int v) {
    out[0] = static_cast<char>('0' + v / 10);
    out[1] = static_cast<char>('0' + v % 10);
}

// Reads `n` digits at s[at..]; -1 if any is not a digit (a leading space counts as 0 when
// `space_ok`, for asctime's day).
int digits(std::string_view s, std::size_t at, std::size_t n, bool space_ok = false) {
    if (s.size() < at + n) return -1;
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
        const char c = s[i];
        if (c == ' ' && space_ok && i == at) continue;
        if (c < '0' || c > '9') return -1;
        v = v * 10 + (c - '0');
    }
    return v;
}

int month_index(std::string_view s) {
    for (int i = 0; i < 12; ++i) {
        if (s == kMonths[i]) return i;
    }
    return -1;
}

// hour ":" minute ":" second at s[at..at+8)
bool time_of_day(std::string_view s, std::size_t at, std::tm& tm) {
    if (s.size() < at + 8 || s[at + 2] != ':' || s[at + 5] != ':') return false;
    tm.tm_hour = digits(s, at, 2);
    tm.tm_min = digits(s, at + 3, 2);
    tm.tm_sec = digits(s, at + 6, 2);
    return tm.tm_hour >= 0 && tm.tm_hour < 24 && tm.tm_min >= 0 && tm.tm_min < 60 &&
           tm.tm_sec >= 0 && tm.tm_sec <= 60;
}

std::optional<std::time_t> finish(std::tm& tm, int day, int month, int year) {
    if (day < 1 || day > 31 || month < 0 || year < 0) return std::nullopt;
    tm.tm_mday = day;
    tm.tm_mon = month;
    tm.tm_year = year - 1900;
    return timegm(&tm);
}

}  // namespace

void format_http_date(std::time_t t, char* out) noexcept {
    std::tm tm{};
    gmtime_r(&t, &tm);
    // IMF-fixdate = day-name "," SP date1 SP time-of-day SP GMT   (RFC 9110 §5.6.7)
    std::memcpy(out, kDays[tm.tm_wday], 3);
    std::memcpy(out + 3, ", ", 2);
    put2(out + 5, tm.tm_mday);
    out[7] = ' ';
    std::memcpy(out + 8, kMonths[tm.tm_mon], 3);
    out[11] = ' ';
    const int year = tm.tm_year + 1900;
    put2(out + 12, (year / 100) % 100);
    put2(out + 14, year % 100);
    out[16] = ' ';
    put2(out + 17, tm.tm_hour);
    out[19] = ':';
    put2(out + 20, tm.tm_min);
    out[22] = ':';
    put2(out + 23, tm.tm_sec);
    std::memcpy(out + 25, " GMT", 4);
}

std::optional<std::time_t> parse_http_date(std::string_view s) noexcept {
    std::tm tm{};
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    if (s.size() == 29 && s.substr(3, 2) == ", " && s.substr(25) == " GMT" && s[7] == ' ' &&
        s[11] == ' ' && s[16] == ' ') {
        if (!time_of_day(s, 17, tm)) return std::nullopt;
        return finish(tm, digits(s, 5, 2), month_index(s.substr(8, 3)), digits(s, 12, 4));
    }
    // asctime: "Sun Nov  6 08:49:37 1994"
    if (s.size() == 24 && s[3] == ' ' && s[7] == ' ' && s[10] == ' ' && s[19] == ' ') {
        if (!time_of_day(s, 11, tm)) return std::nullopt;
        return finish(tm, digits(s, 8, 2, true), month_index(s.substr(4, 3)), digits(s, 20, 4));
    }
    // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"; two-digit years per RFC 9110 §5.6.7
    // (more than 50 years in the future means the past century): 70-99 -> 19xx.
    const std::size_t comma = s.find(", ");
    if (comma != std::string_view::npos && s.size() == comma + 24 &&
        s.substr(comma + 20) == " GMT") {
        bool day_ok = false;
        for (const char* d : kLongDays)
            day_ok = day_ok || s.substr(0, comma) == d;
        const std::size_t at = comma + 2;
        if (!day_ok || s[at + 2] != '-' || s[at + 6] != '-' || s[at + 9] != ' ')
            return std::nullopt;
        if (!time_of_day(s, at + 10, tm)) return std::nullopt;
        int year = digits(s, at + 7, 2);
        if (year >= 0) year += year >= 70 ? 1900 : 2000;
        return finish(tm, digits(s, at, 2), month_index(s.substr(at + 3, 3)), year);
    }
    return std::nullopt;
}

}  // namespace wire::http
