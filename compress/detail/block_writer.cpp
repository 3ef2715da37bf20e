#include "compress/detail/block_writer.hpp"

#include <algorithm>
#include <cstring>

#include "compress/detail/huffman_encoder.hpp"

namespace wire::compress::detail {
namespace {

// RFC 1951 §3.2.7: the order in which the code length code's lengths are sent (the ones most
// often unused come last, so HCLEN can cut them off).
constexpr std::uint8_t code_length_order[num_code_length_symbols] = {
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

constexpr std::uint16_t reverse_bits(unsigned code, unsigned len) {
    unsigned r = 0;
    for (unsigned b = 0; b < len; ++b, code >>= 1)
        r = (r << 1) | (code & 1);
    return static_cast<std::uint16_t>(r);
}

// RFC 1951 §3.2.6: the fixed codes, as the table there lists them.
constexpr LitLenDistanceCodes fixed_codes = [] {
    LitLenDistanceCodes c{};
    for (unsigned s = 0; s < num_lit_len_symbols + 2; ++s) {
        const unsigned len = fixed_lit_len_bits(s);
        const unsigned code = s < 144   ? 0x30 + s
                              : s < 256 ? 0x190 + (s - 144)
                              : s < 280 ? s - 256
                                        : 0xc0 + (s - 280);
        c.lit_len_bits[s] = static_cast<std::uint8_t>(len);
        c.lit_len_code[s] = reverse_bits(code, len);
    }
    for (unsigned d = 0; d < num_distance_symbols + 2; ++d) {
        c.distance_bits[d] = fixed_distance_bits;
        c.distance_code[d] = reverse_bits(d, fixed_distance_bits);
    }
    return c;
}();

// Bits of a stored block of n bytes written after `bit_offset` pending bits (§3.2.4): per
// chunk of up to 65,535 bytes a 3-bit header, padding to the byte, LEN and NLEN, the bytes.
std::uint64_t stored_bits(unsigned bit_offset, std::size_t n) {
    const std::uint64_t chunks = n == 0 ? 1 : (n + 65534) / 65535;
    const unsigned first_pad = (8 - (bit_offset + 3) % 8) % 8;
    return (3 + first_pad) + (chunks - 1) * 8 + chunks * 32 + std::uint64_t{n} * 8;
}

// How many of lengths[i..n) equal lengths[i]: 8 at a time (the buffer has 8 bytes of slack
// past n), the first difference found as the lowest set bit of the XOR.
unsigned run_at(const std::uint8_t* lengths, unsigned i, unsigned n) {
    const std::uint64_t pattern = lengths[i] * 0x0101010101010101ull;
    unsigned j = i + 1;
    for (;;) {
        std::uint64_t v;
        std::memcpy(&v, lengths + j, 8);
        const std::uint64_t x = v ^ pattern;
        if (x != 0) {
            j += static_cast<unsigned>(__builtin_ctzll(x)) >> 3;
            break;
        }
        j += 8;
        if (j >= n) break;
    }
    return std::min(j, n) - i;
}

// RFC 1951 §3.2.7: the literal/length and distance code lengths, as one sequence, with runs
// coded by 16 (repeat the previous length 3-6 times), 17 (3-10 zeros) and 18 (11-138 zeros).
void run_length_code(const std::uint8_t* lengths, unsigned n, BlockPlan& plan,
                     std::uint32_t* freq) {
    unsigned out = 0;
    auto emit = [&](unsigned symbol, unsigned extra) {
        plan.rle_symbol[out] = static_cast<std::uint8_t>(symbol);
        plan.rle_extra[out] = static_cast<std::uint8_t>(extra);
        ++freq[symbol];
        ++out;
    };
    for (unsigned i = 0; i < n;) {
        const unsigned len = lengths[i];
        unsigned run = run_at(lengths, i, n);
        i += run;
        if (len == 0) {
            for (; run >= 11; run -= std::min(run, 138u))
                emit(18, std::min(run, 138u) - 11);
            if (run >= 3) emit(17, run - 3), run = 0;
        } else {
            emit(len, 0), --run;  // a repeat needs a previous length to repeat
            for (; run >= 3; run -= std::min(run, 6u))
                emit(16, std::min(run, 6u) - 3);
        }
        for (; run > 0; --run)
            emit(len, 0);
    }
    plan.rle_count = out;
}

// The dynamic block's size, extra bits aside; leaves its code lengths and header in `plan`.
std::uint64_t plan_dynamic(const BlockSymbols& b, BlockPlan& plan) {
    LitLenDistanceCodes& c = plan.codes;
    std::uint64_t bits = build_code_lengths(b.lit_len_freq, num_lit_len_symbols, max_code_bits,
                                            c.lit_len_bits, &plan.lit_len_shape) +
                         build_code_lengths(b.distance_freq, num_distance_symbols, max_code_bits,
                                            c.distance_bits, &plan.distance_shape);
    // §3.2.7: HLIT + 257 literal/length lengths, HDIST + 1 distance lengths; trailing zeros
    // need not be sent.
    plan.hlit = num_lit_len_symbols;
    while (plan.hlit > 257 && c.lit_len_bits[plan.hlit - 1] == 0)
        --plan.hlit;
    plan.hdist = num_distance_symbols;
    while (plan.hdist > 1 && c.distance_bits[plan.hdist - 1] == 0)
        --plan.hdist;

    std::uint8_t all[num_lit_len_symbols + num_distance_symbols + 8];  // 8: run_at's slack
    std::copy_n(c.lit_len_bits, plan.hlit, all);
    std::copy_n(c.distance_bits, plan.hdist, all + plan.hlit);
    std::memset(all + plan.hlit + plan.hdist, 0xff, 8);  // no code length: ends every run
    std::uint32_t cl_freq[num_code_length_symbols] = {};
    run_length_code(all, plan.hlit + plan.hdist, plan, cl_freq);
    bits += build_code_lengths(cl_freq, num_code_length_symbols, max_code_length_code_bits,
                               plan.code_length_bits, &plan.code_length_shape);
    plan.hclen = num_code_length_symbols;
    while (plan.hclen > 4 && plan.code_length_bits[code_length_order[plan.hclen - 1]] == 0)
        --plan.hclen;
    return bits + 3 + 5 + 5 + 4 + 3 * plan.hclen + 2 * cl_freq[16] + 3 * cl_freq[17] +
           7 * cl_freq[18];
}

// The symbols' bits (extra bits aside) under the fixed code (§3.2.6): 8 bits for literals
// 0-143, 9 for 144-255, 7 for 256-279, 8 for 280-287, 5 for every distance.
std::uint64_t fixed_data_bits(const BlockSymbols& b) {
    auto sum = [](const std::uint32_t* f, unsigned n) {
        std::uint64_t total = 0;
        for (unsigned i = 0; i < n; ++i)
            total += f[i];
        return total;
    };
    const std::uint32_t* f = b.lit_len_freq;
    return 8 * sum(f, 144) + 9 * sum(f + 144, 112) + 7 * sum(f + 256, 24) +
           8 * sum(f + 280, num_lit_len_symbols - 280) +
           fixed_distance_bits * sum(b.distance_freq, num_distance_symbols);
}

void write_symbols(BitWriter& out, const BlockSymbols& b, const LitLenDistanceCodes& c) {
    const std::uint32_t* item = b.items;
    const std::uint32_t* const end = b.items + b.count;
    auto put_literal = [&](std::uint32_t literal) {
        out.put(c.lit_len_code[literal], c.lit_len_bits[literal]);
    };
    while (item != end) {
        const std::uint32_t first = *item++;
        if (first < 256) {
            // Literals, up to three per flush: fewer than 8 bits are held after a flush and a
            // literal's code has at most 15, so three fit the 64-bit accumulator.
            put_literal(first);
            if (item != end && *item < 256) {
                put_literal(*item++);
                if (item != end && *item < 256) put_literal(*item++);
            }
        } else {
            // §3.2.5: a length symbol and its extra bits, then a distance symbol and its own.
            const unsigned lc = first & 0xff, distance = first >> 8;
            const unsigned ls = length_symbol_of[lc];
            out.put(c.lit_len_code[257 + ls], c.lit_len_bits[257 + ls]);
            out.put(lc + 3 - length_base[ls], length_extra[ls]);
            const unsigned ds = distance_symbol_of(distance);
            out.put(c.distance_code[ds], c.distance_bits[ds]);
            out.put(distance - distance_base[ds], distance_extra[ds]);
        }
        out.flush();
    }
    out.put(c.lit_len_code[end_of_block], c.lit_len_bits[end_of_block]);
    out.flush();
}

void write_dynamic_header(BitWriter& out, const BlockPlan& plan) {
    out.put(plan.hlit - 257, 5);
    out.put(plan.hdist - 1, 5);
    out.put(plan.hclen - 4, 4);
    out.flush();
    // Fewer than 8 bits are held after a flush: eight 3-bit lengths, or four run-length items
    // (a code of at most 7 bits and at most 7 extra bits each), fit the accumulator together.
    for (unsigned i = 0; i < plan.hclen; i += 8) {
        for (unsigned k = i; k < i + 8 && k < plan.hclen; ++k)
            out.put(plan.code_length_bits[code_length_order[k]], 3);
        out.flush();
    }
    static constexpr std::uint8_t extra_bits[3] = {2, 3, 7};  // symbols 16, 17, 18
    for (unsigned i = 0; i < plan.rle_count; i += 4) {
        for (unsigned k = i; k < i + 4 && k < plan.rle_count; ++k) {
            const unsigned s = plan.rle_symbol[k];
            out.put(plan.code_length_code[s], plan.code_length_bits[s]);
            if (s >= 16) out.put(plan.rle_extra[k], extra_bits[s - 16]);
        }
        out.flush();
    }
}

}  // namespace

void plan_block(const BlockSymbols& b, unsigned bit_offset, BlockPlan& plan) noexcept {
    // The extra bits of lengths and distances cost the same in a fixed and a dynamic block.
    std::uint64_t extra = 0, matches = 0;
    for (unsigned i = 0; i < 29; ++i) {
        extra += std::uint64_t{b.lit_len_freq[257 + i]} * length_extra[i];
        matches += b.lit_len_freq[257 + i];
    }
    for (unsigned i = 0; i < num_distance_symbols; ++i)
        extra += std::uint64_t{b.distance_freq[i]} * distance_extra[i];

    const std::uint64_t dynamic = extra + plan_dynamic(b, plan);
    // §3.2.6: no fixed literal code is shorter than 8 bits, no length or end-of-block code
    // than 7, and distance codes have 5. When the dynamic block is smaller than even that, the
    // fixed codes cannot win and their exact size (a sum over every symbol) is not needed.
    const std::uint64_t literals = b.count - matches;
    const std::uint64_t fixed_at_least = 3 + extra + 8 * literals + (7 + 5) * matches + 7;
    const std::uint64_t fixed =
        dynamic < fixed_at_least ? fixed_at_least : 3 + extra + fixed_data_bits(b);
    // A block whose input already left the window cannot be stored.
    const std::uint64_t stored =
        b.bytes != nullptr || b.byte_count == 0 ? stored_bits(bit_offset, b.byte_count) : ~0ull;

    if (stored <= fixed && stored <= dynamic) {
        plan.type = BlockType::stored, plan.bits = stored;
    } else if (fixed <= dynamic) {
        plan.type = BlockType::fixed, plan.bits = fixed;
    } else {
        plan.type = BlockType::dynamic, plan.bits = dynamic;
        LitLenDistanceCodes& c = plan.codes;
        // Symbols past HLIT and HDIST do not occur: they need no code.
        build_codes(c.lit_len_bits, plan.hlit, plan.lit_len_shape, c.lit_len_code);
        build_codes(c.distance_bits, plan.hdist, plan.distance_shape, c.distance_code);
        build_codes(plan.code_length_bits, num_code_length_symbols, plan.code_length_shape,
                    plan.code_length_code);
    }
}

void write_block(BitWriter& out, const BlockSymbols& b, const BlockPlan& plan,
                 bool final) noexcept {
    if (plan.type == BlockType::stored) {
        write_stored(out, b.bytes, b.byte_count, final);
        return;
    }
    // §3.2.3: BFINAL, then BTYPE (01 fixed, 10 dynamic).
    out.put(final ? 1 : 0, 1);
    out.put(static_cast<unsigned>(plan.type), 2);
    if (plan.type == BlockType::dynamic) {
        write_dynamic_header(out, plan);
        write_symbols(out, b, plan.codes);
    } else {
        write_symbols(out, b, fixed_codes);
    }
}

void write_stored(BitWriter& out, const std::uint8_t* bytes, std::size_t n, bool final) noexcept {
    do {
        const std::size_t chunk = std::min<std::size_t>(n, 65535);
        out.put(final && chunk == n ? 1 : 0, 1);
        out.put(0, 2);  // BTYPE 00: stored
        out.align_to_byte();
        // §3.2.4: LEN, then NLEN, its one's complement, both least significant byte first.
        const std::uint8_t len[4] = {
            static_cast<std::uint8_t>(chunk), static_cast<std::uint8_t>(chunk >> 8),
            static_cast<std::uint8_t>(~chunk), static_cast<std::uint8_t>(~chunk >> 8)};
        out.write_bytes(len, 4);
        out.write_bytes(bytes, chunk);
        bytes += chunk;
        n -= chunk;
    } while (n > 0);
}

std::size_t stored_max_bytes(std::size_t n) noexcept {
    return static_cast<std::size_t>(stored_bits(0, n) / 8) + 10;
}

}  // namespace wire::compress::detail
