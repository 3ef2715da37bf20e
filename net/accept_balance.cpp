#include "net/accept_balance.hpp"

namespace wire::net {

AcceptBalance::AcceptBalance(std::size_t loops)
    : counts_(std::make_unique<Count[]>(loops)), size_(loops) {}

std::size_t AcceptBalance::assign(std::size_t self) noexcept {
    std::size_t least = self;
    std::uint64_t fewest = assigned(self);
    const std::uint64_t mine = fewest;
    for (std::size_t i = 0; i < size_; ++i) {
        const std::uint64_t n = assigned(i);
        if (n < fewest) {
            fewest = n;
            least = i;
        }
    }
    // Within the slack this loop keeps it: passing it on costs a post and another wake-up.
    const std::size_t owner = mine - fewest >= slack ? least : self;
    counts_[owner].value.fetch_add(1, std::memory_order_relaxed);
    return owner;
}

}  // namespace wire::net
