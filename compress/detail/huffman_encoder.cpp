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

// Huffman's algorithm, in the two-queue form: the leaves sorted by frequency form one queue,
// the merged nodes another; nodes are made in non-decreasing weight, so the two lightest trees
// are always at the heads of the queues. Writes each leaf's depth in the tree.
void huffman_depths(const Leaf* leaves, unsigned count, std::uint16_t* depth) noexcept {
    std::uint32_t node_weight[max_symbols];
    std::uint16_t parent[2 * max_symbols];  // ids: leaf i is i, node j is count + j
    unsigned next_leaf = 0, next_node = 0, nodes = 0;
    auto weight = [&](unsigned id) {
        return id < count ? freq_of(leaves[id]) : node_weight[id - count];
    };
    auto take_lightest = [&]() -> unsigned {
        if (next_leaf < count &&
            (next_node == nodes || freq_of(leaves[next_leaf]) <= node_weight[next_node]))
            return next_leaf++;
        return count + next_node++;
    };
    while (nodes < count - 1) {
        const unsigned a = take_lightest();
        const unsigned b = take_lightest();
        node_weight[nodes] = weight(a) + weight(b);
        parent[a] = parent[b] = static_cast<std::uint16_t>(count + nodes);
        ++nodes;
    }
    // The last node made is the root. Every parent is made after its children, so walking the
    // ids downwards from the root meets each parent before its children.
    const unsigned root = count + nodes - 1;
    std::uint16_t node_depth[2 * max_symbols];
    node_depth[root] = 0;
    for (unsigned id = root; id-- > 0;)
        node_depth[id] = static_cast<std::uint16_t>(node_depth[parent[id]] + 1);
    for (unsigned i = 0; i < count; ++i)
        depth[i] = node_depth[i];
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

void build_code_lengths(const std::uint32_t* freq, unsigned n, unsigned max_bits,
                        std::uint8_t* lengths) noexcept {
    Leaf leaves[max_symbols];
    unsigned count = 0;
    for (unsigned s = 0; s < n; ++s) {
        lengths[s] = 0;
        if (freq[s] != 0) leaves[count++] = make_leaf(freq[s], s);
    }
    // A complete code needs two symbols (one bit each); borrow unused ones if need be.
    for (unsigned s = 0; count < 2 && s < n; ++s)
        if (freq[s] == 0) leaves[count++] = make_leaf(0, s);
    std::sort(leaves, leaves + count);  // by frequency, then symbol

    std::uint16_t depth[max_symbols];
    huffman_depths(leaves, count, depth);
    unsigned count_of_len[max_code_bits + 2] = {};
    for (unsigned i = 0; i < count; ++i)
        ++count_of_len[std::min<unsigned>(depth[i], max_bits)];
    limit_lengths(count_of_len, max_bits);

    // Hand out the lengths: the rarest symbols (first in `leaves`) take the longest codes.
    unsigned i = 0;
    for (unsigned len = max_bits; len >= 1; --len)
        for (unsigned k = 0; k < count_of_len[len]; ++k)
            lengths[symbol_of(leaves[i++])] = static_cast<std::uint8_t>(len);
}

void build_codes(const std::uint8_t* lengths, unsigned n, std::uint16_t* codes) noexcept {
    // RFC 1951 §3.2.2 step 1: count the codes of each length.
    unsigned count_of_len[max_code_bits + 1] = {};
    for (unsigned s = 0; s < n; ++s) {
        if (s + 8 <= n && eight_unused(lengths + s)) {  // most are 0: skip them 8 at a time
            s += 7;
            continue;
        }
        if (lengths[s] != 0) ++count_of_len[lengths[s]];
    }
    // Step 2: the smallest code of each length.
    unsigned next_code[max_code_bits + 1] = {};
    unsigned code = 0;
    for (unsigned len = 1; len <= max_code_bits; ++len) {
        code = (code + count_of_len[len - 1]) << 1;
        next_code[len] = code;
    }
    // Step 3: consecutive codes to the symbols of one length, in symbol order; reversed here so
    // the bit writer can send them least significant bit first.
    for (unsigned s = 0; s < n; ++s) {
        if (s + 8 <= n && eight_unused(lengths + s)) {
            std::fill_n(codes + s, 8, std::uint16_t{0});
            s += 7;
            continue;
        }
        const unsigned len = lengths[s];
        if (len == 0) {
            codes[s] = 0;
            continue;
        }
        const unsigned c = next_code[len]++;
        const unsigned reversed16 =
            static_cast<unsigned>(reversed_byte[c & 0xff]) << 8 | reversed_byte[c >> 8];
        codes[s] = static_cast<std::uint16_t>(reversed16 >> (16 - len));
    }
}

}  // namespace wire::compress::detail
