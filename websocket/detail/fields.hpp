// Small helpers over parsed header fields, shared by the Dialer and the Upgrader.
#pragma once

#include <string>
#include <string_view>

#include "http/header_view.hpp"

namespace wire::websocket::detail {

// Every value of a list field joined with ", " (RFC 9110 §5.3: repeated field lines of a list
// field mean the same as one line with the values comma-separated).
inline std::string joined_values(const http::HeaderView& fields, std::string_view name) {
    std::string out;
    for (const auto& f : fields) {
        if (f.name.size() != name.size()) continue;
        bool same = true;
        for (std::size_t i = 0; i < name.size() && same; ++i) {
            same = (f.name[i] | 0x20) == (name[i] | 0x20);
        }
        if (!same) continue;
        if (!out.empty()) out += ", ";
        out.append(f.value);
    }
    return out;
}

}  // namespace wire::websocket::detail
