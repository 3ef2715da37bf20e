#include "compress/detail/huffman_encoder.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "compress/detail/lz77_codes.hpp"

namespace wire::compress::detail {
namespace {

constexpr unsigned max_symbols = 288;

// A leaf as one sortable integer: frequency above, symbol below (frequencies stay below 2^23:
// a block holds fewer symbols than that), so sorting compares plain integers.
using Leaf = std::uint32_t;
constexpr unsigned symbol_bits = 9;
inline Leaf make_leaf(std::uint32_t freq, unsigned symbol) {
    return freq << symbol_bits | symbol;
}
inline std::uint32_t freq_of(Leaf l) {
    return l >> symbol_bits;
}
inline unsigned symbol_of(Leaf l) {
    return l & ((1u << symbol_bits) - 1);
}

// Bit reversal of a byte, for the canonical codes.
constexpr auto reversed_byte = [] {
    std::array<std::uint8_t, 256> t{};
    for (unsigned i = 0; i < 256; ++i)
        for (unsigned b = 0; b < 8; ++b)
            if (i & (1u << b)) t[i] = static_cast<std::uint8_t>(t[i] | (0x80u >> b));
    return t;
}();

// Eight code lengths of 0 (symbols that do not occur), tested with one load.
inline bool eight_unused(const std::uint8_t* lengths) noexcept {
    std::uint64_t v;
    std::memcpy(&v, lengths, 8);
    return v == 0;
}

// Eight frequencies of 0, tested with four loads.
inline bool eight_zero(const std::uint32_t* freq) noexcept {
    std::uint64_t v[4];
    std::memcpy(v, freq, sizeof v);
    return (v[0] | v[1] | v[2] | v[3]) == 0;
}

// The used symbols as leaves, in symbol order; unused ones get length 0. Blocks of small
// messages use few of the 286 symbols, often in runs: eight unused ones are skipped at once.
unsigned gather_leaves(const std::uint32_t* freq, unsigned n, std::uint8_t* lengths,
                       Leaf* leaves) noexcept {
    std::memset(lengths, 0, n);
    unsigned count = 0, s = 0;
    for (; s + 8 <= n; s += 8) {
        if (eight_zero(freq + s)) continue;
#pragma GCC unroll 8  // eight lengths: straight-line code
        for (unsigned t = s; t < s + 8; ++t) {
            leaves[count] = make_leaf(freq[t], t);  // kept only if used: no branch to predict
            count += freq[t] != 0 ? 1 : 0;
        }
    }
    for (; s < n; ++s) {
        leaves[count] = make_leaf(freq[s], s);
        count += freq[s] != 0 ? 1 : 0;
    }
    return count;
}

// Sorts the leaves by frequency, then symbol: a counting sort on the frequency (stable, and the
// leaves come in symbol order), with one bucket per frequency below `count` and the last one
// for all the larger ones, which are few and are then sorted as plain integers.
void sort_leaves(Leaf* leaves, unsigned count) noexcept {
    std::uint16_t start[max_symbols];
    std::fill_n(start, count, std::uint16_t{0});
    const std::uint32_t last = count - 1;
    for (unsigned i = 0; i < count; ++i)
        ++start[std::min(freq_of(leaves[i]), last)];
    unsigned sum = 0;
    for (unsigned b = 0; b < count; ++b) {
        const unsigned n = start[b];
        start[b] = static_cast<std::uint16_t>(sum);
        sum += n;
    }
    Leaf sorted[max_symbols];
    for (unsigned i = 0; i < count; ++i)
        sorted[start[std::min(freq_of(leaves[i]), last)]++] = leaves[i];
    std::sort(sorted + start[last - 1], sorted + count);  // start[b] is now bucket b + 1's
    std::memcpy(leaves, sorted, count * sizeof(Leaf));
}

// Huffman's algorithm, in the two-queue form: the leaves sorted by frequency form one queue,
// the merged nodes another; nodes are made in non-decreasing weight, so the two lightest trees
// are always at the heads of the queues (a leaf first when weights tie). Done in place in one
// array `a` of the leaves' weights: a[i] for i < next is a node made already; once a node is
// taken as a child, its slot holds its parent's index instead of its weight. Counts the leaves
// at each depth (the deepest ones clamped to max_bits) into count_of_len.
bool huffman_leaf_depths(std::uint32_t* a, unsigned count, unsigned max_bits,
                         unsigned* count_of_len) noexcept {
    // Which comes next is data, not a pattern a branch predictor could learn: the choice is
    // made with selects. a[count] is a sentinel heavier than any tree, so an exhausted queue
    // is never chosen.
    unsigned leaf = 0, node = 0;
    a[count] = ~std::uint32_t{0};
    auto take = [&](unsigned next) -> std::uint32_t {
        const std::uint32_t leaf_weight = a[leaf];
        const std::uint32_t node_weight = node < next ? a[node] : ~std::uint32_t{0};
        const std::uint32_t is_node = leaf_weight > node_weight ? 1 : 0;
        const std::uint32_t node_mask = 0 - is_node;  // all ones when a node is taken
        a[node] ^= (a[node] ^ next) & node_mask;      // which becomes a child of `next`
        leaf += 1 - is_node;
        node += is_node;
        return leaf_weight ^ ((leaf_weight ^ node_weight) & node_mask);
    };
    for (unsigned next = 0; next + 1 < count; ++next) {
        const std::uint32_t w = take(next);
        a[next] = w + take(next);  // may read a[next] (a leaf) before it becomes the node
    }
    // Nodes 0 .. count-2, the root last; each parent comes after its children, so walking
    // down from the root meets each parent first and turns parent indexes into depths.
    const unsigned root = count - 2;
    a[root] = 0;
    for (unsigned i = root; i-- > 0;)
        a[i] = a[a[i]] + 1;
    // Depth by depth from the root: of the `slots` children at a depth, those that are nodes
    // (a run of the array, deepest first) continue; the others are leaves.
    int i = static_cast<int>(root);
    unsigned slots = 1;
    std::uint32_t depth = 0;
    for (; slots > 0; ++depth) {
        unsigned nodes = 0;
        for (; i >= 0 && a[i] == depth; --i)
            ++nodes;
        count_of_len[std::min(depth, std::uint32_t{max_bits})] += slots - nodes;
        slots = 2 * nodes;
    }
    return depth - 1 > max_bits;  // leaves were clamped: the lengths need limiting
}
// Limits the lengths to max_bits and keeps the code complete, working on the number of codes
// of each length. Kraft's inequality in integer units: a code of length L uses 2^(max-L) of
// the 2^max leaves of a full tree; a complete code uses exactly all of them.
void limit_lengths(unsigned* count_of_len, unsigned max_bits) noexcept {
    const std::uint32_t full = 1u << max_bits;
    std::uint32_t used = 0;
    for (unsigned len = 1; len <= max_bits; ++len)
        used += count_of_len[len] << (max_bits - len);
    // Clamping deep leaves to max_bits over-fills the tree: lengthen the longest codes that can
    // still grow (each such step frees the least space, and costs the fewest bits).
    while (used > full) {
        unsigned len = max_bits - 1;
        while (count_of_len[len] == 0)
            --len;
        --count_of_len[len];
        ++count_of_len[len + 1];
        used -= 1u << (max_bits - len - 1);
    }
    // A step above may free more than the excess: shorten the longest codes to fill the tree
    // again. All lengths are at most the longest present, so each step fits exactly.
    while (used < full) {
        unsigned len = max_bits;
        while (count_of_len[len] == 0)
            --len;
        if (len <= 1) break;
        --count_of_len[len];
        ++count_of_len[len - 1];
        used += 1u << (max_bits - len);
    }
}

}  // namespace

std::uint64_t build_code_lengths(const std::uint32_t* freq, unsigned n, unsigned max_bits,
                                 std::uint8_t* lengths, CodeShape* shape) noexcept {
    Leaf leaves[max_symbols];
    unsigned count = gather_leaves(freq, n, lengths, leaves);
    // A complete code needs two symbols (one bit each); borrow unused ones if need be.
    const bool borrow = count < 2;
    for (unsigned s = 0; count < 2 && s < n; ++s)
        if (freq[s] == 0) leaves[count++] = make_leaf(0, s);
    if (shape != nullptr) {  // the leaves are in symbol order until they are sorted
        for (unsigned i = 0; i < count; ++i)
            shape->symbols[i] = static_cast<std::uint16_t>(symbol_of(leaves[i]));
        if (borrow) std::sort(shape->symbols.begin(), shape->symbols.begin() + count);
        shape->used = count;
    }
    sort_leaves(leaves, count);

    std::uint32_t weights[max_symbols + 1];  // + huffman_leaf_depths' sentinel
    for (unsigned i = 0; i < count; ++i)
        weights[i] = freq_of(leaves[i]);
    unsigned count_of_len[max_code_bits + 2] = {};
    // Huffman's code is complete; only a code clamped to max_bits needs its lengths repaired.
    if (huffman_leaf_depths(weights, count, max_bits, count_of_len))
        limit_lengths(count_of_len, max_bits);
    if (shape != nullptr) {
        shape->counts.fill(0);
        for (unsigned len = 1; len <= max_bits; ++len)
            shape->counts[len] = static_cast<std::uint16_t>(count_of_len[len]);
    }

    // Hand out the lengths: the rarest symbols (first in `leaves`) take the longest codes.
    std::uint64_t bits = 0;
    unsigned i = 0;
    for (unsigned len = max_bits; len >= 1; --len) {
        for (const unsigned end = i + count_of_len[len]; i < end; ++i) {
            lengths[symbol_of(leaves[i])] = static_cast<std::uint8_t>(len);
            bits += std::uint64_t{freq_of(leaves[i])} * len;
        }
    }
    return bits;
}

namespace {

// §3.2.2 step 2: the smallest code of each length, from the codes of each length ([0] is 0).
void first_codes(const std::uint16_t* counts, unsigned* next_code) noexcept {
    unsigned code = 0;
    next_code[0] = 0;
    for (unsigned len = 1; len <= max_code_bits; ++len) {
        code = (code + counts[len - 1]) << 1;
        next_code[len] = code;
    }
}

// §3.2.2 step 3 for one symbol: the next code of its length, reversed so the bit writer can
// send it least significant bit first. A symbol without a code gets code 0.
inline void assign_code(const std::uint8_t* lengths, unsigned t, unsigned* next_code,
                        std::uint16_t* codes) noexcept {
    const unsigned len = lengths[t];
    const unsigned c = next_code[len]++;  // next_code[0] counts on, unused
    const unsigned reversed16 =
        static_cast<unsigned>(reversed_byte[c & 0xff]) << 8 | reversed_byte[(c >> 8) & 0xff];
    codes[t] = static_cast<std::uint16_t>(reversed16 >> (16 - len));  // len 0: code 0
}

}  // namespace

void build_codes(const std::uint8_t* lengths, unsigned n, std::uint16_t* codes) noexcept {
    // RFC 1951 §3.2.2 step 1: count the codes of each length (most lengths are 0: unused
    // symbols come in runs, skipped 8 at a time).
    std::uint16_t counts[max_code_bits + 1] = {};
    unsigned s = 0;
    for (; s + 8 <= n; s += 8) {
        if (eight_unused(lengths + s)) continue;
#pragma GCC unroll 8  // eight lengths: straight-line code
        for (unsigned k = 0; k < 8; ++k)
            ++counts[lengths[s + k]];
    }
    for (; s < n; ++s)
        ++counts[lengths[s]];
    counts[0] = 0;
    unsigned next_code[max_code_bits + 1];
    first_codes(counts, next_code);
    // Step 3: consecutive codes to the symbols of one length, in symbol order.
    for (s = 0; s + 8 <= n; s += 8) {
        if (eight_unused(lengths + s)) {
            std::fill_n(codes + s, 8, std::uint16_t{0});
            continue;
        }
#pragma GCC unroll 8  // eight lengths: straight-line code
        for (unsigned k = 0; k < 8; ++k)
            assign_code(lengths, s + k, next_code, codes);
    }
    for (; s < n; ++s)
        assign_code(lengths, s, next_code, codes);
}

void build_codes(const std::uint8_t* lengths, unsigned n, const CodeShape& shape,
                 std::uint16_t* codes) noexcept {
    unsigned next_code[max_code_bits + 1];
    first_codes(shape.counts.data(), next_code);
    std::fill_n(codes, n, std::uint16_t{0});
    for (unsigned k = 0; k < shape.used; ++k)  // in symbol order, as step 3 wants
        assign_code(lengths, shape.symbols[k], next_code, codes);
}

}  // namespace wire::compress::detail
