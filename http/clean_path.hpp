// clean_path: Go's path.Clean, the lexical path normalisation ServeMux and FileServer rely on.
#pragma once

#include <string>
#include <string_view>

namespace wire::http {

// The shortest path equal to `path` by purely lexical processing, applying in turn:
//   1. Replace multiple slashes with a single slash.
//   2. Eliminate each "." path name element (the current directory).
//   3. Eliminate each inner ".." element and the non-".." element that precedes it.
//   4. Eliminate ".." elements that begin a rooted path ("/.." is "/").
// The result ends in a slash only if it is the root "/"; an empty result is ".".
// No percent-decoding happens here: decode first if "%2e%2e" must count as "..".
std::string clean_path(std::string_view path);

}  // namespace wire::http
