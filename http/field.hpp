// One header field line as the parser found it (RFC 9112 §5): views into the caller's buffer.
#pragma once

#include <string_view>

namespace wire::http {

// `name` keeps the case it was sent with; `value` has its leading and trailing whitespace
// removed (RFC 9112 §5: OWS is not part of the value). Both point into the buffer that was
// parsed and are valid while that buffer is unchanged.
struct Field {
    std::string_view name;
    std::string_view value;
};

}  // namespace wire::http
