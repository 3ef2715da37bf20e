// RESP reader differential: the replies found when the input arrives whole must be the replies
// found when it arrives in pieces of input-chosen sizes (same lengths, same types, same error at
// the same offset), and RespCursor must walk each complete reply to exactly its last byte.
#include <cstdlib>
#include <string>
#include <vector>

#include "redis/resp_cursor.hpp"
#include "redis/resp_reader.hpp"

namespace {

using wire::redis::ReadResult;

struct Seen {
    std::vector<std::size_t> lengths;
    ReadResult last;
};

// Walks one complete reply value by value; true if it ends exactly at the reply's end.
bool walks_to_end(std::span<const std::uint8_t> reply) {
    wire::redis::RespCursor c(reply);
    wire::redis::Value v;
    std::uint64_t owed = 1;
    while (owed > 0) {
        if (!c.next(v)) return false;
        if (v.type != wire::redis::Type::attribute) --owed;
        owed += v.size;
    }
    return c.at_end();
}

Seen run(const std::uint8_t* data, std::size_t n, std::size_t step_a, std::size_t step_b,
         const wire::redis::Limits& limits) {
    wire::redis::RespReader reader(limits);
    Seen seen;
    std::vector<std::uint8_t> pending;
    std::size_t at = 0, turn = 0;
    while (at < n) {
        const std::size_t len = std::min(n - at, (turn++ & 1) ? step_b : step_a);
        pending.insert(pending.end(), data + at, data + at + len);
        at += len;
        for (;;) {
            const ReadResult r = reader.read(pending);
            seen.last = r;
            if (r.failed()) return seen;
            if (r.need_more()) break;
            if (r.consumed == 0 || r.consumed > pending.size()) std::abort();
            if (!walks_to_end({pending.data(), r.consumed})) std::abort();
            seen.lengths.push_back(r.consumed);
            pending.erase(pending.begin(), pending.begin() + static_cast<long>(r.consumed));
        }
    }
    return seen;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    // The first two bytes choose the piece sizes; the rest is what the server sent.
    const std::size_t step_a = 1 + data[0] % 29, step_b = 1 + data[1] % 7;
    wire::redis::Limits limits;
    limits.max_depth = 8;
    limits.max_line_length = 64;
    limits.max_bulk_length = 4096;
    limits.max_aggregate_count = 64;
    const Seen whole = run(data + 2, size - 2, size, size, limits);
    const Seen pieces = run(data + 2, size - 2, step_a, step_b, limits);
    if (whole.lengths != pieces.lengths) std::abort();
    if (whole.last.failed() != pieces.last.failed()) std::abort();
    if (whole.last.failed() &&
        (whole.last.error != pieces.last.error || whole.last.offset != pieces.last.offset)) {
        std::abort();
    }
    return 0;
}
