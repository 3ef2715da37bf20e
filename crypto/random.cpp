#include "crypto/random.hpp"

#include <sys/random.h>

#include <cerrno>

namespace wire::crypto {

std::error_code fill_random(std::span<std::uint8_t> out) noexcept {
    std::size_t filled = 0;
    while (filled < out.size()) {
        const ssize_t got = getrandom(out.data() + filled, out.size() - filled, 0);
        if (got < 0) {
            if (errno == EINTR) continue;  // interrupted before any byte: just ask again
            return {errno, std::system_category()};
        }
        filled += static_cast<std::size_t>(got);  // short read: ask for the rest
    }
    return {};
}

}  // namespace wire::crypto
