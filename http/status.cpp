#include "http/status.hpp"

#include <array>
#include <cstdint>

namespace wire::http {
namespace {

struct StatusEntry {
    int code;
    std::string_view text;
};

// Every code in the IANA registry (RFC 9110 names where it renamed them: 413 "Content Too
// Large", 422 "Unprocessable Content"), sorted by code.
constexpr std::array<StatusEntry, 63> kStatuses{{
    {100, "Continue"},                         // RFC 9110 §15.2.1
    {101, "Switching Protocols"},              // §15.2.2
    {102, "Processing"},                       // RFC 2518
    {103, "Early Hints"},                      // RFC 8297
    {200, "OK"},                               // §15.3.1
    {201, "Created"},                          // §15.3.2
    {202, "Accepted"},                         // §15.3.3
    {203, "Non-Authoritative Information"},    // §15.3.4
    {204, "No Content"},                       // §15.3.5
    {205, "Reset Content"},                    // §15.3.6
    {206, "Partial Content"},                  // §15.3.7
    {207, "Multi-Status"},                     // RFC 4918
    {208, "Already Reported"},                 // RFC 5842
    {226, "IM Used"},                          // RFC 3229
    {300, "Multiple Choices"},                 // §15.4.1
    {301, "Moved Permanently"},                // §15.4.2
    {302, "Found"},                            // §15.4.3
    {303, "See Other"},                        // §15.4.4
    {304, "Not Modified"},                     // §15.4.5
    {305, "Use Proxy"},                        // §15.4.6 (deprecated)
    {306, "(Unused)"},                         // §15.4.7
    {307, "Temporary Redirect"},               // §15.4.8
    {308, "Permanent Redirect"},               // §15.4.9
    {400, "Bad Request"},                      // §15.5.1
    {401, "Unauthorized"},                     // §15.5.2
    {402, "Payment Required"},                 // §15.5.3
    {403, "Forbidden"},                        // §15.5.4
    {404, "Not Found"},                        // §15.5.5
    {405, "Method Not Allowed"},               // §15.5.6
    {406, "Not Acceptable"},                   // §15.5.7
    {407, "Proxy Authentication Required"},    // §15.5.8
    {408, "Request Timeout"},                  // §15.5.9
    {409, "Conflict"},                         // §15.5.10
    {410, "Gone"},                             // §15.5.11
    {411, "Length Required"},                  // §15.5.12
    {412, "Precondition Failed"},              // §15.5.13
    {413, "Content Too Large"},                // §15.5.14
    {414, "URI Too Long"},                     // §15.5.15
    {415, "Unsupported Media Type"},           // §15.5.16
    {416, "Range Not Satisfiable"},            // §15.5.17
    {417, "Expectation Failed"},               // §15.5.18
    {418, "I'm a teapot"},                     // §15.5.19 "(Unused)"; RFC 2324's phrase, as Go
    {421, "Misdirected Request"},              // §15.5.20
    {422, "Unprocessable Content"},            // §15.5.21
    {423, "Locked"},                           // RFC 4918
    {424, "Failed Dependency"},                // RFC 4918
    {425, "Too Early"},                        // RFC 8470
    {426, "Upgrade Required"},                 // §15.5.22
    {428, "Precondition Required"},            // RFC 6585
    {429, "Too Many Requests"},                // RFC 6585
    {431, "Request Header Fields Too Large"},  // RFC 6585
    {451, "Unavailable For Legal Reasons"},    // RFC 7725
    {500, "Internal Server Error"},            // §15.6.1
    {501, "Not Implemented"},                  // §15.6.2
    {502, "Bad Gateway"},                      // §15.6.3
    {503, "Service Unavailable"},              // §15.6.4
    {504, "Gateway Timeout"},                  // §15.6.5
    {505, "HTTP Version Not Supported"},       // §15.6.6
    {506, "Variant Also Negotiates"},          // RFC 2295
    {507, "Insufficient Storage"},             // RFC 4918
    {508, "Loop Detected"},                    // RFC 5842
    {510, "Not Extended"},                     // RFC 2774 (obsoleted)
    {511, "Network Authentication Required"},  // RFC 6585
}};

constexpr bool sorted() {
    for (std::size_t i = 1; i < kStatuses.size(); ++i) {
        if (kStatuses[i - 1].code >= kStatuses[i].code) return false;
    }
    return true;
}
static_assert(sorted(), "kStatuses must be sorted by code");

// code - 100 -> 1 + its index in kStatuses, or 0: status_text is asked once per response, so
// it is a table lookup rather than a search.
constexpr int kFirstCode = 100;
constexpr int kLastCode = 599;
constexpr auto kSlotOf = [] {
    std::array<std::uint8_t, kLastCode - kFirstCode + 1> slots{};
    for (std::size_t i = 0; i < kStatuses.size(); ++i) {
        slots[static_cast<std::size_t>(kStatuses[i].code - kFirstCode)] =
            static_cast<std::uint8_t>(i + 1);
    }
    return slots;
}();

}  // namespace

std::string_view status_text(int code) noexcept {
    if (code < kFirstCode || code > kLastCode) return {};
    const std::uint8_t slot = kSlotOf[static_cast<std::size_t>(code - kFirstCode)];
    return slot == 0 ? std::string_view() : kStatuses[slot - 1u].text;
}

}  // namespace wire::http
