// The demo's pages: a fixed table of routes to files under the www directory (not a general file
// server: only these names can be asked for, so no path ever reaches the disk unchecked).
#pragma once

#include <string>

#include "http/serve_mux.hpp"

namespace demo {

// Registers GET routes for the pages in `www` (examples/demo/www): "/", "/echo.html", ...,
// "/wire.js", "/style.css", and the seed pages rendered with their ws:// URL.
void register_pages(wire::http::ServeMux& mux, const std::string& www);

}  // namespace demo
