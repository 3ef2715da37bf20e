#include "compress/detail/huffman_decoder.hpp"

#include <algorithm>
#include <cstring>

namespace wire::compress::detail {
namespace {

// The entry of each symbol, without its code length: what the symbol means (§3.2.5).
struct SymbolEntries {
    std::array<DecodeEntry, literal_length_symbols> literal_length{};
    std::array<DecodeEntry, distance_symbols> distance{};
    std::array<DecodeEntry, code_length_symbols> code_length{};
};

constexpr SymbolEntries make_symbol_entries() noexcept {
    SymbolEntries e;
    for (unsigned s = 0; s < literal_length_symbols; ++s) {
        if (s < end_of_block_symbol) {
            e.literal_length[s] = DecodeEntry::make(DecodeEntry::literal, s);
        } else if (s == end_of_block_symbol) {
            e.literal_length[s] =
                DecodeEntry::make(DecodeEntry::end_of_block | DecodeEntry::exceptional, 0);
        } else if (s - 257 < length_base.size()) {
            e.literal_length[s] = DecodeEntry::make(0, length_base[s - 257], length_extra[s - 257]);
        }  // 286 and 287: fixed codes (§3.2.6) but no meaning; they stay invalid
    }
    for (unsigned s = 0; s < distance_base.size(); ++s)  // 30 and 31 stay invalid
        e.distance[s] = DecodeEntry::make(0, distance_base[s], distance_extra[s]);
    for (unsigned s = 0; s < code_length_symbols; ++s)
        e.code_length[s] = DecodeEntry::make(DecodeEntry::literal, s);
    return e;
}

constexpr SymbolEntries symbol_entries = make_symbol_entries();

const DecodeEntry* entries_of(Alphabet alphabet) noexcept {
    switch (alphabet) {
        case Alphabet::literal_length:
            return symbol_entries.literal_length.data();
        case Alphabet::distance:
            return symbol_entries.distance.data();
        case Alphabet::code_lengths:
            break;
    }
    return symbol_entries.code_length.data();
}

// Eight code lengths of 0 at once.
bool all_zero8(const std::uint8_t* p) noexcept {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return v == 0;
}

}  // namespace

Error build_canonical(const std::uint8_t* lengths, std::size_t n, Alphabet alphabet,
                      CanonicalCode& code) noexcept {
    // List the symbols that have a code. Unused symbols come in long runs: eight lengths of 0
    // are skipped with one test.
    std::array<std::uint16_t, literal_length_symbols> with_code;
    std::size_t listed = 0, s = 0;
    auto list = [&](std::size_t t) {  // one store per symbol, no branch
        with_code[listed] = static_cast<std::uint16_t>(t);
        listed += lengths[t] != 0;
    };
    for (; s + 8 <= n; s += 8) {
        if (all_zero8(lengths + s)) continue;
#pragma GCC unroll 8  // eight lengths: straight-line code
        for (std::size_t k = 0; k < 8; ++k)
            list(s + k);
    }
    for (; s < n; ++s)
        list(s);
    code.count.fill(0);
    for (std::size_t k = 0; k < listed; ++k)
        ++code.count[lengths[with_code[k]]];
    return build_canonical_listed(lengths, with_code.data(), listed, 0, alphabet, code);
}

Error build_canonical_listed(const std::uint8_t* lengths, const std::uint16_t* with_code,
                             std::size_t listed, std::uint16_t first, Alphabet alphabet,
                             CanonicalCode& code) noexcept {
    code.count[0] = 0;
    // §3.2.2, Kraft: each code of length L uses 2^(15-L) of the 2^15 patterns of 15 bits.
    // `left` counts the patterns still free at the current length. The same pass finds where
    // each length's run begins in the symbols sorted by (length, symbol), and it stops at the
    // longest code: past it no pattern is used, so `left` would only double.
    int left = 1;
    unsigned len = 0, placed = 0;
    std::array<std::uint16_t, max_code_bits + 1> offsets;
    while (placed < listed && len < max_code_bits) {
        ++len;
        offsets[len] = static_cast<std::uint16_t>(placed);
        left = left * 2 - code.count[len];
        // Why reject: more codes than patterns means two symbols would share a code.
        if (left < 0) return Error::oversubscribed_code;
        placed += code.count[len];
    }
    const unsigned longest = len;
    code.complete = left == 0;
    if (!code.complete) {
        // Why reject: unused patterns are bits a decoder cannot interpret. Two shapes are
        // allowed, as zlib allows them: one symbol with a one-bit code (a block of only
        // end-of-block, or only one distance), and a distance code with no symbols (a block
        // of literals only). The code-length code must always be complete.
        const bool one_symbol = longest == 1 && alphabet != Alphabet::code_lengths;
        const bool empty = listed == 0 && alphabet == Alphabet::distance;
        if (!one_symbol && !empty) return Error::incomplete_code;
    }

    // Sort the symbols by (length, symbol): the list is in symbol order already.
    for (std::size_t k = 0; k < listed; ++k) {
        const auto symbol = static_cast<std::uint16_t>(with_code[k] - first);
        code.symbol[offsets[lengths[symbol]]++] = symbol;
    }
    code.symbols = static_cast<std::uint16_t>(listed);
    code.longest = static_cast<std::uint8_t>(longest);
    return Error{};
}

std::size_t build_decode_table(const CanonicalCode& code, Alphabet alphabet, unsigned root,
                               DecodeEntry* table) noexcept {
    const DecodeEntry* const entries = entries_of(alphabet);
    // Codes up to the root length. A code of length L stands for every entry whose low L bits
    // are the code (reversed: see reverse_bits), whatever bits follow it: 2^(root - L) entries,
    // one every 2^L. They are filled by doubling, length by length: the codes of length L go
    // into the first 2^L entries, one store each; then those 2^L entries are copied above
    // themselves, which gives each of them its copy with bit L set, and the table is right for
    // L + 1 bits. A complete code writes every entry this way (an entry its code does not
    // reach yet is a longer code's, written at that code's length before it is copied on); an
    // incomplete one leaves entries no code reaches, which start invalid.
    const std::size_t size = std::size_t{1} << root;
    if (!code.complete) std::fill_n(table, size, DecodeEntry{});
    unsigned len = 1;  // from the shortest code: below it there is nothing to copy
    while (len < root && code.count[len] == 0)
        ++len;
    std::size_t filled = std::size_t{1} << len;
    unsigned next_code = 0;  // §3.2.2: consecutive within a length, doubled to the next
    std::size_t index = 0;   // into code.symbol
    for (;;) {
        const unsigned codes = code.count[len];  // (in a local: the stores below may alias it)
        // (Each entry's place is looked up reversed from a plain counter: the stores do not
        // wait on one another, as they would with the counter itself kept reversed. A code of
        // up to 8 bits is one byte reversed and shifted down: the common case, and a third of
        // the instructions of the 16-bit reversal.)
        const std::uint16_t* const symbols = code.symbol.data() + index;
        if (len <= 8) {
            const unsigned shift = 8 - len;
            for (unsigned k = 0; k < codes; ++k)
                table[reversed_bytes[next_code + k] >> shift] = entries[symbols[k]].with_code(len);
        } else {
            for (unsigned k = 0; k < codes; ++k)
                table[reverse_bits(next_code + k, len)] = entries[symbols[k]].with_code(len);
        }
        index += codes;
        next_code += codes;
        if (len == root) break;
        std::memcpy(table + filled, table, filled * sizeof(DecodeEntry));
        filled *= 2;
        ++len;
        next_code <<= 1;
    }
    if (code.longest <= root) return size;  // no code goes on past the root
    next_code <<= 1;  // the first code one bit longer than the root

    // Codes longer than the root: all codes that share their first `root` bits share a
    // second-level table, indexed by the bits after the root. Its size is fixed by the
    // longest code under that prefix; the canonical order puts those codes side by side.
    std::array<std::uint16_t, max_code_bits + 1> remaining = code.count;
    std::size_t used = size;
    unsigned prefix = ~0u, sub_bits = 0;
    DecodeEntry* sub = nullptr;
    for (len = root + 1; len <= code.longest; ++len, next_code <<= 1) {
        for (; remaining[len] > 0; --remaining[len], ++index, ++next_code) {
            const unsigned bits = reverse_bits(next_code, len);
            if ((bits & (size - 1)) != prefix) {
                prefix = bits & static_cast<unsigned>(size - 1);
                // How deep this prefix's subtree goes: fill it level by level with the codes
                // still to place until it is full.
                sub_bits = len - root;
                int free_slots = 1 << sub_bits;
                while (sub_bits + root < max_code_bits) {
                    free_slots -= remaining[sub_bits + root];
                    if (free_slots <= 0) break;
                    ++sub_bits;
                    free_slots <<= 1;
                }
                sub = table + used;
                table[prefix] =
                    DecodeEntry::to_subtable(static_cast<unsigned>(used), root, sub_bits);
                used += std::size_t{1} << sub_bits;
            }
            // Every entry whose low bits are the code's bits after the root.
            const DecodeEntry e = entries[code.symbol[index]].with_code(len - root);
            for (std::size_t i = bits >> root; i < (std::size_t{1} << sub_bits);
                 i += std::size_t{1} << (len - root))
                sub[i] = e;
        }
    }
    return used;
}

const BlockCodes& fixed_codes() noexcept {
    struct Fixed {
        BlockCodes codes;
        std::array<DecodeEntry, std::size_t{1} << literal_length_root_bits> literal_length;
        std::array<DecodeEntry, std::size_t{1} << distance_root_bits> distance;

        Fixed() noexcept {
            // §3.2.6: the lengths are fixed, so the codes are too.
            static constexpr auto ll_lengths = fixed_literal_length_lengths();
            std::array<std::uint8_t, distance_symbols> d_lengths;
            d_lengths.fill(5);
            (void)build_canonical(ll_lengths.data(), ll_lengths.size(), Alphabet::literal_length,
                                  codes.literal_length);
            (void)build_canonical(d_lengths.data(), d_lengths.size(), Alphabet::distance,
                                  codes.distance);
            codes.literal_length_root =
                root_bits_for(codes.literal_length, literal_length_root_bits);
            codes.distance_root = root_bits_for(codes.distance, distance_root_bits);
            build_decode_table(codes.literal_length, Alphabet::literal_length,
                               codes.literal_length_root, literal_length.data());
            build_decode_table(codes.distance, Alphabet::distance, codes.distance_root,
                               distance.data());
            codes.literal_length_table = literal_length.data();
            codes.distance_table = distance.data();
        }
    };
    static const Fixed fixed;
    return fixed.codes;
}

}  // namespace wire::compress::detail
