// The fast path: the same decoding as BlockDecoder::decode_one(), arranged for the machine.
//
// What it does differently, and why:
//   - Symbols are found by table lookup (huffman_decoder.hpp), one or two per code, instead of
//     one step per bit.
//   - Up to four literals are decoded per refill.
//   - The bit buffer is refilled 8 bytes at a time with one unaligned load, keeping as many
//     whole bytes as fit: afterwards it holds at least 56 bits, and a whole item (15 + 5 bits
//     of length, 15 + 13 of distance: at most 48) decodes with no "is there input?" check.
//   - It runs only while a longest match (plus slack) of output space remains and the bits at
//     hand hold a whole item, so no read or write inside an item needs a bounds check; the
//     output limit is the end of that space, so it holds here too.
//   - Matches are copied 16 (or 8) bytes at a time, the first 32 bytes without a test, which may
//     write up to 31 bytes past the match (inside the slack, overwritten by what comes next).
// Whatever it leaves, the careful path finishes.
#include "compress/detail/inflate_fast.hpp"

#include <array>
#include <cstring>

namespace wire::compress::detail {
namespace {

constexpr std::uint64_t low_bits(unsigned n) noexcept {
    return (std::uint64_t{1} << n) - 1;
}

// low_bits() of a length's or distance's extra bits (0 to 13), looked up: one load instead of
// building the mask with a shift for every extra-bits field.
constexpr std::array<std::uint32_t, 16> extra_mask = [] {
    std::array<std::uint32_t, 16> m{};
    for (unsigned n = 0; n < m.size(); ++n)
        m[n] = static_cast<std::uint32_t>(low_bits(n));
    return m;
}();

// Copies a match whose source lies inside this call's output, with room to spare behind it.
inline std::uint8_t* copy_in_output(std::uint8_t* op, std::uint32_t distance,
                                    std::uint32_t length) noexcept {
    const std::uint8_t* from = op - distance;
    std::uint8_t* const end = op + length;
    if (distance >= 16) {  // each 16-byte piece reads only bytes already written
        // Most matches are short: 32 bytes go without a test, the rest 16 at a time.
        std::memcpy(op, from, 16);
        std::memcpy(op + 16, from + 16, 16);
        for (op += 32, from += 32; op < end; op += 16, from += 16)
            std::memcpy(op, from, 16);
    } else if (distance >= 8) {  // each 8-byte piece reads only bytes already written
        do {
            std::memcpy(op, from, 8);
            op += 8;
            from += 8;
        } while (op < end);
    } else if (distance == 1) {  // a run of one byte
        std::memset(op, *from, length);
    } else {
        // A pattern shorter than 8 bytes repeats with period `distance`, and so with any
        // multiple of it: after a few single bytes, copy 8 at a time from `period` bytes back.
        unsigned period = distance;
        while (period < 8)
            period += distance;
        for (unsigned k = period - distance; k > 0 && op < end; --k)
            *op++ = *from++;
        for (from = op - period; op < end; op += 8, from += 8)
            std::memcpy(op, from, 8);
    }
    return end;
}

}  // namespace

FastStop inflate_fast(const BlockCodes& codes, BitBuffer& buffer, Input& in, Output& out,
                      const History& history, Error& error) noexcept {
    const std::uint8_t* ip = in.next;
    const std::uint8_t* const ip_entry = ip;
    const std::uint8_t* const ip_last = in.end - fast_input_margin;
    std::uint8_t* op = out.next;
    std::uint8_t* const op_last = out.end - fast_output_margin;
    std::uint64_t bits = buffer.bits;
    unsigned count = buffer.count;

    const DecodeEntry* const literal_length = codes.literal_length_table;
    const DecodeEntry* const distance_table = codes.distance_table;
    const unsigned literal_length_root = codes.literal_length_root;
    const unsigned distance_root = codes.distance_root;
    const std::uint64_t literal_length_mask = low_bits(literal_length_root);
    const std::uint64_t distance_mask = low_bits(distance_root);
    const std::uint32_t farthest = history.max_distance(), history_have = history.have();
    FastStop stop = FastStop::margin;

    while (op <= op_last) {
        if (ip <= ip_last) {
            // Refill: 8 bytes land above the bits held; keep the whole bytes that fit.
            bits |= load_le64(ip) << count;
            ip += (63 - count) >> 3;
            count |= 56;
        } else {
            // The last few bytes: one at a time, and only while a whole item may still fit.
            for (; count <= 56 && ip < in.end; ++ip, count += 8)
                bits |= std::uint64_t{*ip} << count;
            if (count < fast_item_bits) {
                // Fewer bits than the longest item: a literal or the end of the block whose code
                // lies within the bits at hand still decodes here (a message's last items, which
                // are followed by fewer than 48 bits); anything else goes to the careful path.
                const DecodeEntry last = literal_length[bits & literal_length_mask];
                if (last.bits > count || last.kind < DecodeEntry::literal ||
                    last.kind > DecodeEntry::end_of_block)
                    break;
                bits >>= last.bits;
                count -= last.bits;
                if (last.kind == DecodeEntry::end_of_block) {
                    stop = FastStop::end_of_block;
                    break;
                }
                *op++ = static_cast<std::uint8_t>(last.value);
                continue;
            }
        }

        DecodeEntry e = literal_length[bits & literal_length_mask];
        if (e.kind == DecodeEntry::subtable) {
            bits >>= literal_length_root;
            count -= literal_length_root;
            e = literal_length[e.value + (bits & low_bits(e.bits))];
        }
        bits >>= e.bits;
        count -= e.bits;
        if (e.kind == DecodeEntry::literal) {
            *op++ = static_cast<std::uint8_t>(e.value);
            // Text is mostly literals: three more may follow without a refill. At least 33 bits
            // are left (48 near the end of the input, 56 elsewhere, less at most 15 for the
            // first code), and a literal found in the first-level table takes at most 10.
            for (int more = 0; more < 3; ++more) {
                e = literal_length[bits & literal_length_mask];
                if (e.kind != DecodeEntry::literal) break;
                bits >>= e.bits;
                count -= e.bits;
                *op++ = static_cast<std::uint8_t>(e.value);
            }
            continue;
        }
        if (e.kind > DecodeEntry::literal) {  // not a length: one test for both rare cases
            if (e.kind == DecodeEntry::end_of_block) {
                stop = FastStop::end_of_block;
            } else {  // invalid: see decode_one() for why
                error = Error::invalid_symbol;
                stop = FastStop::failed;
            }
            break;
        }
        const std::uint32_t length =
            e.value + (static_cast<std::uint32_t>(bits) & extra_mask[e.kind]);
        bits >>= e.kind;
        count -= e.kind;

        e = distance_table[bits & distance_mask];
        if (e.kind == DecodeEntry::subtable) {
            bits >>= distance_root;
            count -= distance_root;
            e = distance_table[e.value + (bits & low_bits(e.bits))];
        }
        bits >>= e.bits;
        count -= e.bits;
        if (e.kind == DecodeEntry::invalid) {
            error = Error::invalid_symbol;
            stop = FastStop::failed;
            break;
        }
        const std::uint32_t distance =
            e.value + (static_cast<std::uint32_t>(bits) & extra_mask[e.kind]);
        bits >>= e.kind;
        count -= e.kind;

        const auto written = static_cast<std::size_t>(op - out.start);
        if (distance > farthest || distance > written + history_have) {
            error = Error::distance_too_far;
            stop = FastStop::failed;
            break;
        }
        if (distance <= written) {
            op = copy_in_output(op, distance, length);
        } else {  // reaches into the history: the general copy
            Output rest{out.start, op, out.end};
            copy_match(rest, history, distance, length);
            op = rest.next;
        }
    }

    // Give back the whole bytes read ahead but not used (never more than this call read), and
    // clear the bits above `count` again.
    const auto read = static_cast<unsigned>(ip - ip_entry);
    const unsigned unused = (count >> 3) < read ? (count >> 3) : read;
    ip -= unused;
    count -= unused * 8;
    buffer.bits = bits & low_bits(count);
    buffer.count = count;
    in.next = ip;
    out.next = op;
    return stop;
}

}  // namespace wire::compress::detail
