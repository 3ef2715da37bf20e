// eventually(f): polls f until it holds or a time limit passes, for tests that wait on another
// thread or process. A bound, never an exact time.
#pragma once

#include <chrono>
#include <thread>

namespace wire::test {

template <class F>
bool eventually(F f, std::chrono::milliseconds limit = std::chrono::milliseconds(3000)) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!f()) {
        if (std::chrono::steady_clock::now() > end) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

}  // namespace wire::test
