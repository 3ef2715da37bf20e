// Cryptographically secure random bytes from the kernel, for WebSocket masking keys
// (RFC 6455 §5.3: "unpredictable") and Sec-WebSocket-Key nonces (§4.1).
#pragma once

#include <cstdint>
#include <span>
#include <system_error>

namespace wire::crypto {

// Fills `out` completely from getrandom(2). Retries EINTR and short reads; a short read can
// happen for requests above 256 bytes or when a signal arrives. Never uses rand().
[[nodiscard]] std::error_code fill_random(std::span<std::uint8_t> out) noexcept;

}  // namespace wire::crypto
