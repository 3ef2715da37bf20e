// Opening files under a root directory without ever leaving it, for the file server.
//
// A URL path is percent-decoded, checked and cleaned lexically (so "..", "%2e%2e" and "//" cannot
// climb), then opened relative to the root's descriptor with openat2(RESOLVE_BENEATH), which
// makes the kernel refuse any resolution that leaves the root, symlinks included (Linux 5.6+).
// Where openat2 is missing, the fallback resolves the path with realpath(3) and checks that the
// result lies under the root's own real path before opening it.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

namespace wire::http::detail {

// The relative file path for URL path `url_path` ("/a%20b/c.txt" -> "a b/c.txt", "/" -> "."):
// percent-decoded, then cleaned. Errors (all answered with 400): bad percent-encoding, a NUL
// byte, and any ".." element in the decoded path (Go rejects these too, rather than guess).
std::error_code url_path_to_relative(std::string_view url_path, std::string& out);

// Opens `relative` (from url_path_to_relative) under the directory open as `root_fd`, read-only
// and close-on-exec. Errors: the system's (ENOENT, EACCES...), and EXDEV when the path would
// resolve outside the root. On success `fd` is the caller's to close.
std::error_code open_beneath(int root_fd, const std::string& relative, int& fd);

}  // namespace wire::http::detail
