// The demo's HTTP endpoints beside the pages: the request inspector and the system-message API.
#pragma once

#include <functional>
#include <string_view>

#include "http/serve_mux.hpp"

namespace demo {

// Where a system message goes; returns how many connections it reached. The WebSocket hub of
// /socket/system/message plugs in here.
using Broadcast = std::function<std::size_t(std::string_view message)>;

// "/inspect": the request as the server parsed it (seed 000's request inspector).
// "POST /api/tool/send_message": `message` from a form or query, handed to `broadcast` (seed 003).
void register_api(wire::http::ServeMux& mux, Broadcast broadcast);

}  // namespace demo
