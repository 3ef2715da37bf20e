#include "net/detail/uring_accepts.hpp"

#include <unistd.h>

#include <algorithm>

namespace wire::net::detail {

UringAccepts::~UringAccepts() {
    while (!entries_.empty())
        forget(entries_.back().listener);
}

UringAccepts::Entry* UringAccepts::find(int listener) noexcept {
    for (Entry& e : entries_)
        if (e.listener == listener) return &e;
    return nullptr;
}

void UringAccepts::watch(int listener) {
    if (find(listener) == nullptr) entries_.push_back({listener, false, 0, {}});
}

void UringAccepts::forget(int listener) noexcept {
    Entry* e = find(listener);
    if (e == nullptr) return;
    // Accepted, never served: closed, so that the client sees the end rather than a hang.
    for (std::size_t i = e->head; i < e->ready.size(); ++i)
        ::close(e->ready[i]);
    e->ready.clear();
    e->head = 0;
    if (e != &entries_.back()) *e = std::move(entries_.back());
    entries_.pop_back();
}

bool UringAccepts::watched(int listener) const noexcept {
    return std::any_of(entries_.begin(), entries_.end(),
                       [&](const Entry& e) { return e.listener == listener; });
}

bool UringAccepts::push(int listener, int fd) {
    Entry* e = find(listener);
    if (e == nullptr) return false;
    e->ready.push_back(fd);
    return true;
}

void UringAccepts::flag(int listener) noexcept {
    if (Entry* e = find(listener)) e->flagged = true;
}

int UringAccepts::take(int listener) noexcept {
    Entry* e = find(listener);
    if (e == nullptr || e->head == e->ready.size()) return -1;
    const int fd = e->ready[e->head++];
    if (e->head == e->ready.size()) {
        e->ready.clear();  // keeps its capacity for the next burst
        e->head = 0;
    }
    return fd;
}

}  // namespace wire::net::detail
