// MatchFinder: LZ77 with hash chains (RFC 1951 §4), and the symbol buffer of the open block.
//
// Each position is indexed by a hash of its next 4 bytes: head[hash] is the most recent
// position with that hash, prev[position] the one before it, so the chain from head[] visits
// earlier and earlier positions whose 4 bytes probably match. Matches are verified byte by
// byte, so the tables are only ever hints: a stale entry (from an older part of the stream,
// or from another stream that borrowed the same tables) costs a probe, never a wrong match.
// That is what lets one MatchFinder serve every Deflater of a thread (DeflateTables).
//
// The fast level (1) lays the same memory out differently: as buckets of the two most recent
// positions per hash, no chains (the layout of libdeflate's and ISA-L's fastest levels). Indexing
// a position is one 4-byte load and store, and a search looks at two candidates at most, each
// tested by its first 4 bytes before any loop. Chains of 3 found a little more (0.5 points of
// ratio on the bench corpus) in about a quarter more time.
//
// Positions are stored as the low 16 bits of the stream position. A candidate's distance is
// the 16-bit difference; it must be at most the window size and the data's reach, and it must
// grow along a chain (a stale entry that breaks the order ends the walk).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "compress/detail/block_writer.hpp"

namespace wire::compress::detail {

// How hard to look, per level (the knobs of zlib's configuration table, with our meanings).
struct MatchParams {
    std::uint16_t max_chain;    // candidates examined per position
    std::uint16_t nice_length;  // a match this long ends the search
    std::uint16_t good_length;  // lazy: after a match this long, search a quarter of the chain
    std::uint16_t lazy_length;  // lazy: a match this long is taken without looking one further
    std::uint16_t max_insert;   // greedy: index the positions inside matches up to this long
    bool lazy;                  // lazy evaluation (RFC 1951 §4) instead of greedy
    bool skip;                  // greedy: step faster through data where nothing matches
    bool buckets;               // greedy: two positions per hash, no chains (see above)
};

// The bytes the finder works on: data[low, end) may be referred to; matches start below the
// limit given to find() and may extend up to end.
struct MatchWindow {
    const std::uint8_t* data;
    std::uint16_t base16;  // low 16 bits of the stream position of data[0]
    std::size_t low;       // the first byte a back-reference may reach (stream start, full flush)
    std::size_t end;       // one past the last byte of input
    unsigned window_size;  // 2^window_bits: the farthest distance allowed
};

class MatchFinder {
  public:
    // 2^hash_bits heads, 2^chain_bits chain links (at least the window size), room for
    // `symbol_capacity` symbols per block.
    MatchFinder(unsigned hash_bits, unsigned chain_bits, std::size_t symbol_capacity);

    std::size_t memory_in_use() const noexcept { return bytes_; }

    // The Deflater that indexed these tables last (0: none). Another one must re-index.
    std::uint64_t owner = 0;

    // The layout the tables hold: chains, or buckets (level 1). A stream that needs the other
    // one indexes its history again, as after another stream.
    bool bucketed() const noexcept { return bucketed_; }
    void set_bucketed(bool on) noexcept { bucketed_ = on; }

    // Indexes positions [from, to) (those with 4 bytes before w.end), in the current layout.
    void insert_range(const MatchWindow& w, std::size_t from, std::size_t to) noexcept;

    // Finds matches for the positions from `cur` to `limit`, appending symbols to the open
    // block; stops early when the symbol buffer is full. Returns the next position to
    // examine (past `limit` when the last match reached beyond it).
    std::size_t find(const MatchWindow& w, std::size_t cur, std::size_t limit,
                     const MatchParams& params) noexcept;

    bool full() const noexcept { return count_ >= stop_; }
    bool empty() const noexcept { return count_ == 0; }
    // The open block, with `bytes` its input (nullptr if no longer available).
    BlockSymbols block(const std::uint8_t* bytes, std::size_t byte_count) const noexcept;
    void clear_block() noexcept;

  private:
    struct Match {
        unsigned length;
        unsigned distance;
    };
    std::size_t greedy(const MatchWindow& w, std::size_t p, std::size_t limit,
                       const MatchParams& params) noexcept;
    std::size_t lazy(const MatchWindow& w, std::size_t p, std::size_t limit,
                     const MatchParams& params) noexcept;
    Match insert_and_search(const MatchWindow& w, std::size_t p, unsigned chain, unsigned nice,
                            unsigned better_than) noexcept;
    std::size_t fast_greedy(const MatchWindow& w, std::size_t p, std::size_t limit,
                            const MatchParams& params) noexcept;
    Match bucket_search(const MatchWindow& w, const std::uint8_t* here, std::uint16_t pos,
                        std::uint32_t held, unsigned max_dist, unsigned nice) const noexcept;
    std::uint16_t* bucket_of(const std::uint8_t* at) const noexcept;
    void bucket_insert(const MatchWindow& w, std::size_t p) noexcept;
    void literal(std::uint8_t byte) noexcept;
    void match(unsigned length, unsigned distance) noexcept;

    unsigned hash_shift_;
    unsigned chain_mask_;
    unsigned bucket_shift_;  // 32 - log2(buckets): the buckets fill the heads and links
    bool bucketed_ = false;
    std::unique_ptr<std::uint16_t[]> links_;  // head[] then prev[]
    std::unique_ptr<std::uint32_t[]> items_;
    std::uint16_t* head_;
    std::uint16_t* prev_;
    std::size_t count_ = 0;
    std::size_t stop_;
    std::size_t bytes_;
    std::uint32_t lit_len_freq_[num_lit_len_symbols];
    std::uint32_t distance_freq_[num_distance_symbols];
};

}  // namespace wire::compress::detail
