#include "compress/detail/huffman_decoder.hpp"

namespace wire::compress::detail {
namespace {

// The table entry for `symbol` of `alphabet`, whose code uses `bits` bits in this table.
DecodeEntry entry_for(Alphabet alphabet, unsigned symbol, unsigned bits) noexcept {
    const auto b = static_cast<std::uint8_t>(bits);
    const auto value = static_cast<std::uint16_t>(symbol);
    switch (alphabet) {
        case Alphabet::code_lengths:
            return {value, DecodeEntry::literal, b};
        case Alphabet::literal_length:
            if (symbol < end_of_block_symbol) return {value, DecodeEntry::literal, b};
            if (symbol == end_of_block_symbol) return {0, DecodeEntry::end_of_block, b};
            // §3.2.5: 286 and 287 have fixed codes but no meaning.
            if (symbol - 257 >= length_base.size()) return {0, DecodeEntry::invalid, b};
            return {length_base[symbol - 257], length_extra[symbol - 257], b};
        case Alphabet::distance:
            // §3.2.5: 30 and 31 have fixed codes but no meaning.
            if (symbol >= distance_base.size()) return {0, DecodeEntry::invalid, b};
            return {distance_base[symbol], distance_extra[symbol], b};
    }
    return {};
}

// Writes `entry` at every index whose low `bits` bits are `reversed`: the code is followed by
// every possible combination of the bits after it.
void replicate(DecodeEntry* table, std::size_t size, unsigned reversed, unsigned bits,
               DecodeEntry entry) noexcept {
    for (std::size_t i = reversed; i < size; i += std::size_t{1} << bits)
        table[i] = entry;
}

}  // namespace

Error build_canonical(const std::uint8_t* lengths, std::size_t n, Alphabet alphabet,
                      CanonicalCode& code) noexcept {
    code.count.fill(0);
    for (std::size_t s = 0; s < n; ++s)
        ++code.count[lengths[s]];
    code.count[0] = 0;

    // §3.2.2, Kraft: each code of length L uses 2^(15-L) of the 2^15 patterns of 15 bits.
    // `left` counts the patterns still free at the current length.
    int left = 1, longest = 0, used = 0;
    for (unsigned len = 1; len <= max_code_bits; ++len) {
        left = left * 2 - code.count[len];
        // Why reject: more codes than patterns means two symbols would share a code.
        if (left < 0) return Error::oversubscribed_code;
        if (code.count[len] != 0) longest = static_cast<int>(len);
        used += code.count[len];
    }
    code.complete = left == 0;
    if (!code.complete) {
        // Why reject: unused patterns are bits a decoder cannot interpret. Two shapes are
        // allowed, as zlib allows them: one symbol with a one-bit code (a block of only
        // end-of-block, or only one distance), and a distance code with no symbols (a block
        // of literals only). The code-length code must always be complete.
        const bool one_symbol = longest == 1 && alphabet != Alphabet::code_lengths;
        const bool empty = used == 0 && alphabet == Alphabet::distance;
        if (!one_symbol && !empty) return Error::incomplete_code;
    }

    // Sort the symbols by (length, symbol): offsets[len] is where that length's run begins.
    std::array<std::uint16_t, max_code_bits + 2> offsets{};
    for (unsigned len = 1; len <= max_code_bits; ++len)
        offsets[len + 1] = static_cast<std::uint16_t>(offsets[len] + code.count[len]);
    for (std::size_t s = 0; s < n; ++s)
        if (lengths[s] != 0) code.symbol[offsets[lengths[s]]++] = static_cast<std::uint16_t>(s);
    code.symbols = static_cast<std::uint16_t>(used);
    return Error{};
}

std::size_t build_decode_table(const CanonicalCode& code, Alphabet alphabet, unsigned root,
                               DecodeEntry* table) noexcept {
    const std::size_t root_size = std::size_t{1} << root;
    // An incomplete code leaves some patterns without a code: they must decode as invalid.
    if (!code.complete)
        for (std::size_t i = 0; i < root_size; ++i)
            table[i] = {};

    // Walk the codes in canonical order (§3.2.2): `next_code` is the code of the next symbol,
    // one more than the previous, doubled each time the length grows.
    unsigned next_code = 0;
    std::size_t index = 0;  // into code.symbol
    for (unsigned len = 1; len <= root; ++len, next_code <<= 1)
        for (unsigned k = 0; k < code.count[len]; ++k, ++index, ++next_code)
            replicate(table, root_size, reverse_bits(next_code, len), len,
                      entry_for(alphabet, code.symbol[index], len));

    // Codes longer than the root: all codes that share their first `root` bits share a
    // second-level table, indexed by the bits after the root. Its size is fixed by the
    // longest code under that prefix; the canonical order puts those codes side by side.
    std::array<std::uint16_t, max_code_bits + 1> remaining = code.count;
    std::size_t used = root_size;
    unsigned prefix = ~0u, sub_bits = 0;
    DecodeEntry* sub = nullptr;
    for (unsigned len = root + 1; len <= max_code_bits; ++len, next_code <<= 1) {
        for (; remaining[len] > 0; --remaining[len], ++index, ++next_code) {
            const unsigned reversed = reverse_bits(next_code, len);
            if ((reversed & (root_size - 1)) != prefix) {
                prefix = reversed & static_cast<unsigned>(root_size - 1);
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
                table[prefix] = {static_cast<std::uint16_t>(used), DecodeEntry::subtable,
                                 static_cast<std::uint8_t>(sub_bits)};
                used += std::size_t{1} << sub_bits;
            }
            replicate(sub, std::size_t{1} << sub_bits, reversed >> root, len - root,
                      entry_for(alphabet, code.symbol[index], len - root));
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
            build_decode_table(codes.literal_length, Alphabet::literal_length,
                               literal_length_root_bits, literal_length.data());
            build_decode_table(codes.distance, Alphabet::distance, distance_root_bits,
                               distance.data());
            codes.literal_length_table = literal_length.data();
            codes.distance_table = distance.data();
        }
    };
    static const Fixed fixed;
    return fixed.codes;
}

}  // namespace wire::compress::detail
