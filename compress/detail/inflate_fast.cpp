// The fast path: the same decoding as BlockDecoder::decode_one(), arranged for the machine.
//
// What it does differently, and why:
//   - Symbols are found by table lookup (huffman_decoder.hpp), one or two per code, instead of
//     one step per bit. An entry is one 32-bit word that says what the symbol is and how many
//     bits it takes: a length or distance drops its code and its extra bits in one shift, and
//     its extra bits are read from the bits as they were before it.
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

// low_bits(n) for the bits an entry takes (up to 15 + 13) or a subtable's index bits, looked up:
// one load instead of building the mask with a shift each time.
constexpr std::array<std::uint32_t, 32> extra_mask = [] {
    std::array<std::uint32_t, 32> m{};
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
                if (last.consumed() > count ||
                    !last.is(DecodeEntry::literal | DecodeEntry::end_of_block))
                    break;
                bits >>= last.consumed();
                count -= last.consumed();
                if (last.is(DecodeEntry::end_of_block)) {
                    stop = FastStop::end_of_block;
                    break;
                }
                *op++ = static_cast<std::uint8_t>(last.value());
                continue;
            }
        }

        DecodeEntry e = literal_length[bits & literal_length_mask];
        if (e.is(DecodeEntry::subtable)) {  // a code longer than the root: its second level
            bits >>= e.consumed();
            count -= e.consumed();
            e = literal_length[e.value() + (bits & extra_mask[e.code_bits()])];
        }
        if (e.is(DecodeEntry::literal)) {
            bits >>= e.consumed();
            count -= e.consumed();
            *op++ = static_cast<std::uint8_t>(e.value());
            // Text is mostly literals: three more may follow without a refill. At least 33 bits
            // are left (48 near the end of the input, 56 elsewhere, less at most 15 for the
            // first code), and a literal found in the first-level table takes at most 10.
            for (int more = 0; more < 3; ++more) {
                e = literal_length[bits & literal_length_mask];
                if (!e.is(DecodeEntry::literal)) break;
                bits >>= e.consumed();
                count -= e.consumed();
                *op++ = static_cast<std::uint8_t>(e.value());
            }
            continue;
        }
        if (e.is(DecodeEntry::exceptional)) {  // not a length: one test for both rare cases
            if (e.is(DecodeEntry::end_of_block)) {
                bits >>= e.consumed();
                count -= e.consumed();
                stop = FastStop::end_of_block;
            } else {  // invalid: see decode_one() for why
                error = Error::invalid_symbol;
                stop = FastStop::failed;
            }
            break;
        }
        // A length: its code and extra bits go in one shift; the extra bits are those just
        // above the code's.
        std::uint64_t taken = bits;
        bits >>= e.consumed();
        count -= e.consumed();
        const std::uint32_t length =
            e.value() +
            (static_cast<std::uint32_t>(taken & extra_mask[e.consumed()]) >> e.code_bits());

        e = distance_table[bits & distance_mask];
        if (e.is(DecodeEntry::subtable)) {
            bits >>= e.consumed();
            count -= e.consumed();
            e = distance_table[e.value() + (bits & extra_mask[e.code_bits()])];
        }
        if (e.is(DecodeEntry::exceptional)) {  // invalid: see decode_one() for why
            error = Error::invalid_symbol;
            stop = FastStop::failed;
            break;
        }
        taken = bits;
        bits >>= e.consumed();
        count -= e.consumed();
        const std::uint32_t distance =
            e.value() +
            (static_cast<std::uint32_t>(taken & extra_mask[e.consumed()]) >> e.code_bits());

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
