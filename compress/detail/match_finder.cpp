#include "compress/detail/match_finder.hpp"

#include <algorithm>
#include <cstring>

namespace wire::compress::detail {
namespace {

inline std::uint32_t load32(const std::uint8_t* p) noexcept {
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

inline std::uint64_t load64(const std::uint8_t* p) noexcept {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
}

// How many bytes a and b have in common, up to max: 8 at a time, the first difference found as
// the lowest set bit of the xor (in a little-endian load the first byte is the lowest).
inline unsigned common_length(const std::uint8_t* a, const std::uint8_t* b, unsigned max) noexcept {
    unsigned n = 0;
    while (n + 8 <= max) {
        const std::uint64_t x = load64(a + n) ^ load64(b + n);
        if (x != 0) return n + (static_cast<unsigned>(__builtin_ctzll(x)) >> 3);
        n += 8;
    }
    while (n < max && a[n] == b[n])
        ++n;
    return n;
}

// A match of 3 bytes costs about as much as three literals; the finder's hash covers 4 bytes,
// so it reports matches of 4 and more.
constexpr unsigned shortest_reported = 4;

inline void store32(std::uint8_t* p, std::uint32_t v) noexcept {
    std::memcpy(p, &v, 4);
}

constexpr std::uint32_t hash_multiplier = 0x9e3779b1u;

// The largest b with 2^b * 2 <= entries: how many buckets of two fit in the tables.
unsigned bucket_bits_for(std::size_t entries) noexcept {
    unsigned b = 0;
    while ((std::size_t{4} << b) <= entries)
        ++b;
    return b;
}

// Positions before this index have the 4 bytes the hash reads.
inline std::size_t hash_end(const MatchWindow& w) noexcept {
    return w.end >= 4 ? w.end - 3 : 0;
}

}  // namespace

MatchFinder::MatchFinder(unsigned hash_bits, unsigned chain_bits, std::size_t symbol_capacity)
    : hash_shift_(32 - hash_bits),
      chain_mask_((1u << chain_bits) - 1),
      bucket_shift_(
          32 - bucket_bits_for((std::size_t{1} << hash_bits) + (std::size_t{1} << chain_bits))),
      links_(new std::uint16_t[(std::size_t{1} << hash_bits) + (std::size_t{1} << chain_bits)]()),
      items_(new std::uint32_t[symbol_capacity]),
      head_(links_.get()),
      prev_(links_.get() + (std::size_t{1} << hash_bits)),
      stop_(symbol_capacity - 2),
      bytes_(sizeof(MatchFinder) +
             2 * ((std::size_t{1} << hash_bits) + (std::size_t{1} << chain_bits)) +
             4 * symbol_capacity) {
    clear_block();
}

void MatchFinder::clear_block() noexcept {
    count_ = 0;
    std::memset(lit_len_freq_, 0, sizeof lit_len_freq_);
    std::memset(distance_freq_, 0, sizeof distance_freq_);
    lit_len_freq_[end_of_block] = 1;  // RFC 1951 §3.2.5: every block ends with symbol 256
}

BlockSymbols MatchFinder::block(const std::uint8_t* bytes, std::size_t byte_count) const noexcept {
    return {items_.get(), count_, lit_len_freq_, distance_freq_, bytes, byte_count};
}

[[gnu::always_inline]] inline void MatchFinder::literal(std::uint8_t byte) noexcept {
    items_[count_++] = byte;
    ++lit_len_freq_[byte];
}

[[gnu::always_inline]] inline void MatchFinder::match(unsigned length, unsigned distance) noexcept {
    items_[count_++] = (distance << 8) | (length - min_match);
    ++lit_len_freq_[257 + length_symbol_of[length - min_match]];
    ++distance_freq_[distance_symbol_of(distance)];
}

// The bucket of the 4 bytes at `at`: two 16-bit positions, the most recent first.
[[gnu::always_inline]] inline std::uint16_t* MatchFinder::bucket_of(
    const std::uint8_t* at) const noexcept {
    return head_ + 2 * ((load32(at) * hash_multiplier) >> bucket_shift_);
}

// Position p becomes the newest of its bucket and the older one moves second: in memory (little
// endian) one 4-byte load and one store.
[[gnu::always_inline]] inline void MatchFinder::bucket_insert(const MatchWindow& w,
                                                              std::size_t p) noexcept {
    auto* slot = reinterpret_cast<std::uint8_t*>(bucket_of(w.data + p));
    store32(slot, load32(slot) << 16 | static_cast<std::uint16_t>(w.base16 + p));
}

void MatchFinder::insert_range(const MatchWindow& w, std::size_t from, std::size_t to) noexcept {
    to = std::min(to, hash_end(w));
    if (bucketed_) {
        for (std::size_t p = from; p < to; ++p)
            bucket_insert(w, p);
        return;
    }
    for (std::size_t p = from; p < to; ++p) {
        const std::uint32_t h = (load32(w.data + p) * hash_multiplier) >> hash_shift_;
        const auto pos = static_cast<std::uint16_t>(w.base16 + p);
        prev_[pos & chain_mask_] = head_[h];
        head_[h] = pos;
    }
}

// Indexes position p, then walks its hash chain for the longest match longer than
// `better_than`. Returns distance 0 when there is none.
// Inlined into the matching loops: it runs once per position, and a call costs a tenth of it.
[[gnu::always_inline]] inline MatchFinder::Match MatchFinder::insert_and_search(
    const MatchWindow& w, std::size_t p, unsigned chain, unsigned nice,
    unsigned better_than) noexcept {
    const std::uint8_t* here = w.data + p;
    const std::uint32_t h = (load32(here) * hash_multiplier) >> hash_shift_;
    const auto pos = static_cast<std::uint16_t>(w.base16 + p);
    std::uint16_t candidate = head_[h];
    head_[h] = pos;
    prev_[pos & chain_mask_] = candidate;
    // The next position's head is the next cache miss: start it now.
    if (p + 5 <= w.end)
        __builtin_prefetch(&head_[(load32(here + 1) * hash_multiplier) >> hash_shift_]);

    // RFC 1951 §3.2.5: lengths up to 258; distances up to the window, never before the data.
    const auto max_length = static_cast<unsigned>(std::min<std::size_t>(max_match, w.end - p));
    const auto max_dist = static_cast<unsigned>(std::min<std::size_t>(w.window_size, p - w.low));
    Match best{std::max(better_than, shortest_reported - 1), 0};
    if (best.length >= max_length) return best;
    // A candidate longer than the best must match the 4 bytes that end one past the best: that
    // test (and then the first 4 bytes) rejects most candidates without a loop.
    const std::uint32_t first4 = load32(here);
    std::uint32_t best_end4 = load32(here + best.length - 3);
    unsigned last_dist = 0;
    while (chain-- > 0) {
        const unsigned dist = static_cast<std::uint16_t>(pos - candidate);
        if (dist <= last_dist || dist > max_dist) break;  // the chain left the window, or is stale
        const std::uint8_t* there = here - dist;
        if (load32(there + best.length - 3) == best_end4 && load32(there) == first4) {
            const unsigned len = 4 + common_length(there + 4, here + 4, max_length - 4);
            if (len > best.length) {
                best = {len, dist};
                if (len >= nice || len >= max_length) break;
                best_end4 = load32(here + len - 3);
            }
        }
        last_dist = dist;
        candidate = prev_[candidate & chain_mask_];
    }
    return best;
}

// The fast level's search at `here` (position `pos`), given what its bucket held before: the
// two earlier positions with the same hash, each tried first by its 4 bytes (the hash's), then
// byte by byte. Returns distance 0 when neither matches.
[[gnu::always_inline]] inline MatchFinder::Match MatchFinder::bucket_search(
    const MatchWindow& w, const std::uint8_t* here, std::uint16_t pos, std::uint32_t held,
    unsigned max_dist, unsigned nice) const noexcept {
    const std::uint32_t first4 = load32(here);
    // dist - 1 < max_dist: 1 <= dist <= max_dist in one unsigned test (an empty slot, or this
    // very position from an earlier pass, gives 0).
    const unsigned d0 = static_cast<std::uint16_t>(pos - static_cast<std::uint16_t>(held));
    const unsigned d1 = static_cast<std::uint16_t>(pos - static_cast<std::uint16_t>(held >> 16));
    const bool hit0 = d0 - 1 < max_dist && load32(here - d0) == first4;
    const bool hit1 = d1 - 1 < max_dist && d1 != d0 && load32(here - d1) == first4;
    if (!hit0 && !hit1) return {0, 0};
    // RFC 1951 §3.2.5: lengths up to 258.
    const auto max_length =
        static_cast<unsigned>(std::min<std::ptrdiff_t>(max_match, w.data + w.end - here));
    Match best{0, 0};
    if (hit0) {
        best = {4 + common_length(here - d0 + 4, here + 4, max_length - 4), d0};
        if (best.length >= nice || best.length >= max_length) return best;
    }
    // Longer than the first candidate only if it matches the 4 bytes that end one past it.
    if (hit1 && (best.length == 0 || load32(here - d1 + best.length - 3) ==
                                         load32(here + best.length - 3))) {
        const unsigned len = 4 + common_length(here - d1 + 4, here + 4, max_length - 4);
        if (len > best.length) best = {len, d1};
    }
    return best;
}

// The fast level: greedy matching on the buckets. The same steps as greedy() with
// insert_and_search(), arranged for speed: the next position's bucket is found (and fetched
// from memory) while this one is searched, and a position is indexed with one load and store.
std::size_t MatchFinder::fast_greedy(const MatchWindow& w, std::size_t p, std::size_t limit,
                                     const MatchParams& params) noexcept {
    const std::size_t search_end = std::min(limit, hash_end(w));
    // RFC 1951 §3.2.5: distances up to the window, never before the data.
    const std::size_t whole_window_from = w.low + w.window_size;
    unsigned misses = 0;  // literals since the last match
    std::uint16_t* bucket = p < search_end ? bucket_of(w.data + p) : nullptr;
    while (p < search_end && count_ < stop_) {
        const std::uint8_t* here = w.data + p;
        auto* slot = reinterpret_cast<std::uint8_t*>(bucket);
        const std::uint32_t held = load32(slot);
        const auto pos = static_cast<std::uint16_t>(w.base16 + p);
        store32(slot, held << 16 | pos);  // the newest first, the older one second
        // The next position's bucket is the next cache miss: start it now.
        if (p + 1 < search_end) {
            bucket = bucket_of(here + 1);
            __builtin_prefetch(bucket);
        }
        const auto max_dist =
            static_cast<unsigned>(p >= whole_window_from ? w.window_size : p - w.low);
        const Match m = bucket_search(w, here, pos, held, max_dist, params.nice_length);
        if (m.distance == 0) {
            literal(*here);
            ++p;
            // Data that has not matched for a while (compressed or random bytes) is stepped
            // through faster: after every 32 misses one more byte goes out unindexed.
            if (++misses >= 32) {
                std::size_t run = std::min<std::size_t>(misses >> 5, search_end - p);
                run = std::min(run, stop_ - count_);
                for (; run > 0; --run)
                    literal(w.data[p++]);
                if (p < search_end) bucket = bucket_of(w.data + p);
            }
            continue;
        }
        misses = 0;
        match(m.length, m.distance);
        const std::size_t match_end = p + m.length;
        // Indexing every position inside a long match costs time for little gain.
        if (m.length <= params.max_insert)
            for (std::size_t q = p + 1; q < match_end && q < search_end; ++q)
                bucket_insert(w, q);
        p = match_end;
        if (p < search_end) bucket = bucket_of(w.data + p);
    }
    // The last 3 bytes cannot start a match the hash would find.
    while (p < limit && p >= search_end && count_ < stop_)
        literal(w.data[p++]);
    return p;
}

std::size_t MatchFinder::find(const MatchWindow& w, std::size_t cur, std::size_t limit,
                              const MatchParams& params) noexcept {
    if (params.lazy) return lazy(w, cur, limit, params);
    return params.buckets ? fast_greedy(w, cur, limit, params) : greedy(w, cur, limit, params);
}

// Greedy: take the longest match at each position (the fast levels).
std::size_t MatchFinder::greedy(const MatchWindow& w, std::size_t p, std::size_t limit,
                                const MatchParams& params) noexcept {
    const std::size_t indexable = hash_end(w);
    unsigned misses = 0;  // literals since the last match
    while (p < limit && count_ < stop_) {
        if (p >= indexable) {
            literal(w.data[p++]);
            continue;
        }
        const Match m = insert_and_search(w, p, params.max_chain, params.nice_length, 0);
        if (m.distance == 0) {
            literal(w.data[p++]);
            // Data that has not matched for a while (compressed or random bytes) is stepped
            // through faster: after every 32 misses one more byte goes out unindexed.
            if (params.skip && ++misses >= 32) {
                std::size_t run = std::min<std::size_t>(misses >> 5, limit - p);
                run = std::min(run, stop_ - count_);
                for (; run > 0; --run)
                    literal(w.data[p++]);
            }
            continue;
        }
        misses = 0;
        match(m.length, m.distance);
        const std::size_t match_end = p + m.length;
        // Indexing every position inside a long match costs time for little gain.
        if (m.length <= params.max_insert) insert_range(w, p + 1, match_end);
        p = match_end;
    }
    return p;
}

// Lazy: RFC 1951 §4 "lazy matching": before taking a match, look for a longer one starting at
// the next byte; if there is one, this byte goes out as a literal and the search moves on.
std::size_t MatchFinder::lazy(const MatchWindow& w, std::size_t p, std::size_t limit,
                              const MatchParams& params) noexcept {
    const std::size_t indexable = hash_end(w);
    while (p < limit && count_ < stop_) {
        if (p >= indexable) {
            literal(w.data[p++]);
            continue;
        }
        Match m = insert_and_search(w, p, params.max_chain, params.nice_length, 0);
        std::size_t indexed = p + 1;
        if (m.distance == 0) {
            literal(w.data[p++]);
            continue;
        }
        while (m.length < params.lazy_length && p + 1 < limit && p + 1 < indexable &&
               count_ < stop_) {
            // A good match already: a shorter search for a better one.
            const unsigned chain =
                m.length >= params.good_length ? params.max_chain / 4u + 1 : params.max_chain;
            const Match next = insert_and_search(w, p + 1, chain, params.nice_length, m.length);
            indexed = p + 2;
            if (next.distance == 0) break;
            literal(w.data[p++]);
            m = next;
        }
        match(m.length, m.distance);
        const std::size_t match_end = p + m.length;
        insert_range(w, indexed, match_end);
        p = match_end;
    }
    return p;
}

}  // namespace wire::compress::detail
