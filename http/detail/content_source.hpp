// wire:glue
// The bytes the file server sends: a file (read with pread) or a string, behind one interface,
// and the part of ServeContent that both share (conditionals, ranges, writing).
#pragma once

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string_view>
#include <system_error>

#include "http/request.hpp"
#include "http/response_writer.hpp"

namespace wire::http::detail {

class ContentSource {
  public:
    [[nodiscard]] virtual std::uint64_t size() const = 0;
    // Reads up to `n` bytes at `offset`; returns how many (0 only at the end).
    virtual std::error_code read_at(std::uint64_t offset, char* data, std::size_t n,
                                    std::size_t& got) = 0;

  protected:
    ~ContentSource() = default;
};

// Go's serveContent: Last-Modified, preconditions, Content-Type, ranges, then the bytes.
// `encoded`: `content` is already in the Content-Encoding the header names (a precompressed
// file), so its size is the Content-Length. Otherwise a Content-Encoding set by the handler
// means someone downstream encodes the bytes, and no length is promised (Go's rule).
void serve_source(ResponseWriter& w, Request& r, std::string_view name,
                  std::optional<std::time_t> modtime, ContentSource& content, bool encoded = false);

}  // namespace wire::http::detail
