// Drives an Inflater the way a caller with small buffers does: input in pieces (bytes not
// consumed are presented again in front of the next piece), output space in chunks of chosen
// sizes. Used to check that every split of input and of output space gives the same result.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "compress/inflater.hpp"

namespace wire::test {

struct Inflated {
    std::string out;
    compress::Outcome outcome = compress::Outcome::need_more;
    compress::Error error{};
    std::size_t consumed = 0;  // of all pieces together
};

// `space(i)` is the output space offered to the i-th inflate() call (at least 1).
inline Inflated inflate_pieces(compress::Inflater& inflater,
                               const std::vector<std::string_view>& pieces,
                               const std::function<std::size_t(std::size_t)>& space,
                               bool last_input = true) {
    Inflated r;
    std::string pending;
    std::size_t next_piece = 0, stalls = 0;
    std::vector<std::uint8_t> buffer;
    for (std::size_t call = 0;; ++call) {
        if (pending.empty() && next_piece < pieces.size()) pending += pieces[next_piece++];
        const bool last = last_input && next_piece == pieces.size();
        buffer.assign(space(call), 0);
        const auto step = inflater.inflate(
            {reinterpret_cast<const std::uint8_t*>(pending.data()), pending.size()}, buffer, last);
        r.out.append(reinterpret_cast<const char*>(buffer.data()), step.produced);
        r.consumed += step.consumed;
        pending.erase(0, step.consumed);
        if (!step.need_more()) {
            r.outcome = step.outcome;
            r.error = step.error;
            return r;
        }
        if (step.consumed == 0 && step.produced == 0) {
            if (next_piece == pieces.size()) {  // nothing more to give: the caller stops
                r.outcome = compress::Outcome::need_more;
                return r;
            }
            pending += pieces[next_piece++];
            // A decoder that takes nothing and gives nothing although it has both is stuck.
            if (++stalls > pieces.size() + 2) {
                FAIL("the inflater makes no progress");
                return r;
            }
        }
    }
}

inline Inflated inflate_whole(compress::Inflater& inflater, std::string_view in,
                              std::size_t space = 1 << 20) {
    return inflate_pieces(inflater, {in}, [space](std::size_t) { return space; });
}

}  // namespace wire::test
