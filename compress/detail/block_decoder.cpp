#include "compress/detail/block_decoder.hpp"

#include <algorithm>
#include <cstring>

#include "compress/detail/inflate_fast.hpp"

namespace wire::compress::detail {
namespace {

// §3.2.2, one bit at a time (as puff.c decodes). `code` is the bits read so far as a number,
// the first bit most significant (§3.1.1: Huffman codes are packed most significant bit
// first); `first` is the smallest code of the current length and `index` the place of its
// symbol in c.symbol. The codes of one length are consecutive, so the bits read so far are a
// code of this length exactly when first <= code < first + count[len].
// The bits are peeked at `used` and not dropped, so the caller can give up and start again.
int decode_bitwise(const CanonicalCode& c, BitBuffer& bits, Input& in, unsigned& used) noexcept {
    unsigned code = 0, first = 0, index = 0;
    for (unsigned len = 1; len <= max_code_bits; ++len) {
        if (!bits.fill(in, used + 1)) return decode_needs_input;
        code |= bits.peek(used++, 1);
        const unsigned count = c.count[len];
        if (code - first < count) return c.symbol[index + (code - first)];
        index += count;  // skip this length's codes
        first = (first + count) << 1;
        code <<= 1;
        // An incomplete code ends here: no longer codes remain that could match.
        if (index >= c.symbols) return decode_invalid;
    }
    return decode_invalid;
}

}  // namespace

void BlockDecoder::reset() noexcept {
    mode_ = Mode::block_header;
    final_block_ = false;
    error_ = Error{};
    codes_ = nullptr;
}

BlockStatus BlockDecoder::run(BitBuffer& bits, Input& in, Output& out,
                              const History& history) noexcept {
    for (;;) {
        BlockStatus status = BlockStatus::next_step;
        switch (mode_) {
            case Mode::block_header:
                status = block_header(bits, in);
                break;
            case Mode::stored_lengths:
                status = stored_lengths(bits, in);
                break;
            case Mode::stored_data:
                status = stored_data(bits, in, out);
                break;
            case Mode::table_sizes:
                status = table_sizes(bits, in);
                break;
            case Mode::code_length_lengths:
                status = code_length_lengths(bits, in);
                break;
            case Mode::code_lengths:
                status = code_lengths(bits, in);
                break;
            case Mode::data:
                status = data(bits, in, out, history);
                break;
            case Mode::pending_literal:
            case Mode::pending_match:
                status = pending(out, history);
                break;
            case Mode::stream_end:
                return BlockStatus::stream_end;
            case Mode::failed:
                return BlockStatus::failed;
        }
        if (status != BlockStatus::next_step) return status;
    }
}

BlockStatus BlockDecoder::fail(Error e) noexcept {
    error_ = e;
    mode_ = Mode::failed;
    return BlockStatus::failed;
}

// §3.2.3: every block starts with BFINAL (1 bit: this is the last block) and BTYPE (2 bits).
BlockStatus BlockDecoder::block_header(BitBuffer& bits, Input& in) noexcept {
    if (!bits.fill(in, 3)) return BlockStatus::need_input;
    final_block_ = bits.peek(0, 1) == 1;
    const unsigned type = bits.peek(1, 2);
    bits.drop(3);
    switch (type) {
        case 0:  // stored (§3.2.4)
            mode_ = Mode::stored_lengths;
            return BlockStatus::next_step;
        case 1:  // fixed Huffman codes (§3.2.6)
            codes_ = &fixed_codes();
            mode_ = Mode::data;
            return BlockStatus::next_step;
        case 2:  // dynamic Huffman codes (§3.2.7)
            mode_ = Mode::table_sizes;
            return BlockStatus::next_step;
        default:
            // Why reject: BTYPE 11 is reserved; nothing says how such a block is laid out.
            return fail(Error::bad_block_type);
    }
}

// §3.2.4: the rest of the byte is skipped; LEN (2 bytes) is the number of data bytes and NLEN
// (2 bytes) its one's complement.
BlockStatus BlockDecoder::stored_lengths(BitBuffer& bits, Input& in) noexcept {
    bits.drop_to_byte();
    if (!bits.fill(in, 32)) return BlockStatus::need_input;
    const std::uint32_t len = bits.peek(0, 16), nlen = bits.peek(16, 16);
    // Why reject: NLEN is there to catch a damaged LEN; trusting either would copy garbage.
    if (len != (~nlen & 0xffff)) return fail(Error::stored_length_mismatch);
    bits.drop(32);
    stored_left_ = len;
    mode_ = Mode::stored_data;
    return BlockStatus::next_step;
}

// §3.2.4: LEN bytes of literal data, copied as they are.
BlockStatus BlockDecoder::stored_data(BitBuffer& bits, Input& in, Output& out) noexcept {
    while (stored_left_ > 0) {
        if (out.space() == 0) return BlockStatus::need_output;
        if (bits.count >= 8) {  // whole bytes already in the bit buffer come first
            *out.next++ = static_cast<std::uint8_t>(bits.bits);
            bits.drop(8);
            --stored_left_;
            continue;
        }
        if (in.available() == 0) return BlockStatus::need_input;
        const std::size_t n = std::min({std::size_t{stored_left_}, in.available(), out.space()});
        std::memcpy(out.next, in.next, n);
        out.next += n;
        in.next += n;
        stored_left_ -= static_cast<std::uint32_t>(n);
    }
    return finish_block();
}

// §3.2.7: HLIT (5 bits) + 257 literal/length code lengths follow, HDIST (5 bits) + 1 distance
// code lengths, and first HCLEN (4 bits) + 4 lengths of the code-length code.
BlockStatus BlockDecoder::table_sizes(BitBuffer& bits, Input& in) noexcept {
    if (!bits.fill(in, 14)) return BlockStatus::need_input;
    literal_length_count_ = static_cast<std::uint16_t>(bits.peek(0, 5) + 257);
    distance_count_ = static_cast<std::uint16_t>(bits.peek(5, 5) + 1);
    code_length_count_ = static_cast<std::uint16_t>(bits.peek(10, 4) + 4);
    bits.drop(14);
    // Why reject: literal/length symbols 286-287 and distances 30-31 never occur in data
    // (§3.2.5), so a code that gives them lengths is not a valid code (zlib agrees).
    if (literal_length_count_ > max_literal_length_codes || distance_count_ > max_distance_codes)
        return fail(Error::bad_code_lengths);
    code_length_lengths_.fill(0);
    lengths_read_ = 0;
    listed_ = 0;
    length_counts_.fill(0);
    mode_ = Mode::code_length_lengths;
    return BlockStatus::next_step;
}

// §3.2.7: (HCLEN + 4) code lengths of 3 bits for the code-length alphabet, in the order of
// code_length_order; the lengths not sent are 0.
BlockStatus BlockDecoder::code_length_lengths(BitBuffer& bits, Input& in) noexcept {
    for (; lengths_read_ < code_length_count_; ++lengths_read_) {
        if (!bits.fill(in, 3)) return BlockStatus::need_input;
        code_length_lengths_[code_length_order[lengths_read_]] =
            static_cast<std::uint8_t>(bits.peek(0, 3));
        bits.drop(3);
    }
    const Error e = build_canonical(code_length_lengths_.data(), code_length_lengths_.size(),
                                    Alphabet::code_lengths, code_length_code_);
    if (e != Error{}) return fail(e);
    build_decode_table(code_length_code_, Alphabet::code_lengths, code_length_root_bits,
                       code_length_table_.data());
    lengths_read_ = 0;
    mode_ = Mode::code_lengths;
    return BlockStatus::next_step;
}

// §3.2.7: the HLIT + 257 + HDIST + 1 code lengths, as one sequence in the code-length code:
//   0 - 15  a code length;
//   16      copy the previous length 3 - 6 times (2 extra bits);
//   17      repeat a length of 0 3 - 10 times (3 extra bits);
//   18      repeat a length of 0 11 - 138 times (7 extra bits).
// A repeat may run on from the literal/length lengths into the distance lengths.
BlockStatus BlockDecoder::code_lengths(BitBuffer& bits, Input& in) noexcept {
    const unsigned total = literal_length_count_ + distance_count_;
    // The bit buffer and the count live in locals here: every length stored is a byte store
    // the compiler would otherwise assume may change them. They go back at every exit.
    BitBuffer b = bits;
    unsigned n = lengths_read_;
    unsigned listed = listed_;  // entries of with_code_: the symbols given a length so far
    const std::uint8_t* const entry = in.next;
    auto stop = [&](BlockStatus status) {
        bits = b;
        lengths_read_ = static_cast<std::uint16_t>(n);
        listed_ = static_cast<std::uint16_t>(listed);
        return status;
    };
    // refill8() reads ahead: whole bytes it took in this call and no length used go back to
    // the input, so the input used is exactly what the lengths took (as zlib counts it).
    auto give_back = [&] {
        const auto taken = static_cast<unsigned>(in.next - entry);
        const unsigned unused = std::min(b.count >> 3, taken);
        in.next -= unused;
        b.count -= 8 * unused;
        b.bits &= (std::uint64_t{1} << b.count) - 1;
    };
    while (n < total) {
        // An item takes at most 7 + 7 bits: with 8 bytes of input at hand, one load tops the
        // buffer up for several items at once; the input's last bytes come one at a time.
        if (b.count < 14) {
            b.refill8(in);
            // The code-length code is at most 7 bits long, so a 7-bit table lookup finds the
            // symbol; the entry is right as soon as its code length is within the bits at
            // hand, which only the end of the input can leave short of 14.
            if (!b.fill(in, 14) &&
                code_length_table_[b.peek(0, code_length_root_bits)].consumed() > b.count)
                return stop(BlockStatus::need_input);
        }
        const DecodeEntry e = code_length_table_[b.peek(0, code_length_root_bits)];
        const unsigned symbol = e.value(), used = e.consumed();
        if (symbol < 16) {
            lengths_[n] = static_cast<std::uint8_t>(symbol);
            with_code_[listed] = static_cast<std::uint16_t>(n++);
            listed += symbol != 0;  // listed when it has a code: a store, no branch
            ++length_counts_[symbol];
            b.drop(used);
            continue;
        }
        static constexpr std::uint8_t extra_bits[3] = {2, 3, 7};
        static constexpr std::uint8_t base[3] = {3, 3, 11};
        const unsigned extra = extra_bits[symbol - 16];
        if (!b.fill(in, used + extra)) return stop(BlockStatus::need_input);
        const unsigned repeat = base[symbol - 16] + b.peek(used, extra);
        std::uint8_t length = 0;
        if (symbol == 16) {
            // Why reject: "copy the previous length" with no previous length.
            if (n == 0) return give_back(), stop(fail(Error::bad_code_lengths));
            length = lengths_[n - 1];
        }
        // Why reject: a repeat past the last length would write lengths of no symbol.
        if (n + repeat > total) return give_back(), stop(fail(Error::bad_code_lengths));
        length_counts_[length] = static_cast<std::uint16_t>(length_counts_[length] + repeat);
        if (length != 0) {
            for (unsigned k = 0; k < repeat; ++k) {
                lengths_[n + k] = length;
                with_code_[listed++] = static_cast<std::uint16_t>(n + k);
            }
        } else {
            // A length of 0 is read only as "the previous length" of a 16 that follows: the
            // codes are built from the symbols listed, so the run's last length is enough.
            lengths_[n + repeat - 1] = 0;
        }
        n += repeat;
        b.drop(used + extra);
    }
    give_back();
    stop(BlockStatus::next_step);
    return build_block_codes();
}

BlockStatus BlockDecoder::build_block_codes() noexcept {
    // The list of symbols with a code runs on from the literal/lengths into the distances.
    std::size_t split = listed_;
    while (split > 0 && with_code_[split - 1] >= literal_length_count_)
        --split;
    // Why reject: a block whose end-of-block symbol has no code could never end (§3.2.5: every
    // block ends with 256). The list is in symbol order: 256 comes just before the lengths.
    std::size_t last_literal = split;
    while (last_literal > 0 && with_code_[last_literal - 1] > end_of_block_symbol)
        --last_literal;
    if (last_literal == 0 || with_code_[last_literal - 1] != end_of_block_symbol)
        return fail(Error::missing_end_of_block);
    // The counts so far are of both codes: the distance code's few are set apart.
    CanonicalCode& distance = dynamic_.distance;
    distance.count.fill(0);
    for (std::size_t k = split; k < listed_; ++k)
        ++distance.count[lengths_[with_code_[k]]];
    for (unsigned len = 1; len <= max_code_bits; ++len)
        dynamic_.literal_length.count[len] =
            static_cast<std::uint16_t>(length_counts_[len] - distance.count[len]);
    Error e = build_canonical_listed(lengths_.data(), with_code_.data(), split, 0,
                                     Alphabet::literal_length, dynamic_.literal_length);
    if (e == Error{})
        e = build_canonical_listed(lengths_.data() + literal_length_count_,
                                   with_code_.data() + split, listed_ - split,
                                   literal_length_count_, Alphabet::distance, dynamic_.distance);
    if (e != Error{}) return fail(e);
    dynamic_.literal_length_root = root_bits_for(dynamic_.literal_length, literal_length_root_bits);
    dynamic_.distance_root = root_bits_for(dynamic_.distance, distance_root_bits);
    build_decode_table(dynamic_.literal_length, Alphabet::literal_length,
                       dynamic_.literal_length_root, literal_length_table_.data());
    build_decode_table(dynamic_.distance, Alphabet::distance, dynamic_.distance_root,
                       distance_table_.data());
    dynamic_.literal_length_table = literal_length_table_.data();
    dynamic_.distance_table = distance_table_.data();
    codes_ = &dynamic_;
    mode_ = Mode::data;
    return BlockStatus::next_step;
}

// §3.2.5: the block's data, until end-of-block. The fast path takes the bulk; the careful
// path decodes one item whenever the fast path cannot.
BlockStatus BlockDecoder::data(BitBuffer& bits, Input& in, Output& out,
                               const History& history) noexcept {
    for (;;) {
        if (fast_path_fits(bits, in, out)) {
            switch (inflate_fast(*codes_, bits, in, out, history, error_)) {
                case FastStop::end_of_block:
                    return finish_block();
                case FastStop::failed:
                    return fail(error_);
                case FastStop::margin:
                    break;
            }
        }
        const BlockStatus status = decode_one(bits, in, out, history);
        if (status != BlockStatus::next_step || mode_ != Mode::data) return status;
    }
}

// One literal, end-of-block, or length and distance pair, all or nothing: its bits stay in
// the bit buffer until the whole item is read, so running out of input anywhere inside it
// loses nothing (the next run() reads it again from its first bit).
BlockStatus BlockDecoder::decode_one(BitBuffer& bits, Input& in, Output& out,
                                     const History& history) noexcept {
    unsigned used = 0;
    const int symbol = decode_bitwise(codes_->literal_length, bits, in, used);
    if (symbol == decode_needs_input) return BlockStatus::need_input;
    // Why reject: an incomplete code leaves bit patterns that stand for no symbol.
    if (symbol == decode_invalid) return fail(Error::invalid_symbol);
    if (symbol < static_cast<int>(end_of_block_symbol)) {  // a literal byte
        bits.drop(used);
        literal_ = static_cast<std::uint8_t>(symbol);
        mode_ = Mode::pending_literal;
        return pending(out, history);
    }
    if (symbol == static_cast<int>(end_of_block_symbol)) {
        bits.drop(used);
        return finish_block();
    }
    // §3.2.5: symbols 257..285 are lengths: a base plus extra bits.
    const unsigned length_index = static_cast<unsigned>(symbol) - 257;
    // Why reject: 286 and 287 have fixed codes (§3.2.6) but stand for no length.
    if (length_index >= length_base.size()) return fail(Error::invalid_symbol);
    unsigned extra = length_extra[length_index];
    if (!bits.fill(in, used + extra)) return BlockStatus::need_input;
    const std::uint32_t length = length_base[length_index] + bits.peek(used, extra);
    used += extra;

    // Every length is followed by a distance: a distance code, then its extra bits.
    const int distance_symbol = decode_bitwise(codes_->distance, bits, in, used);
    if (distance_symbol == decode_needs_input) return BlockStatus::need_input;
    // Why reject: 30 and 31 have fixed codes (§3.2.6) but stand for no distance; other
    // patterns belong to no code at all.
    if (distance_symbol == decode_invalid ||
        static_cast<unsigned>(distance_symbol) >= distance_base.size())
        return fail(Error::invalid_symbol);
    extra = distance_extra[static_cast<unsigned>(distance_symbol)];
    if (!bits.fill(in, used + extra)) return BlockStatus::need_input;
    const std::uint32_t distance =
        distance_base[static_cast<unsigned>(distance_symbol)] + bits.peek(used, extra);
    bits.drop(used + extra);

    // Why reject: a distance may reach back neither before the first byte of the stream (and
    // its preset dictionary) nor beyond the window this inflater keeps.
    if (distance > history.max_distance() || distance > out.written() + history.have())
        return fail(Error::distance_too_far);
    match_length_ = length;
    match_distance_ = distance;
    mode_ = Mode::pending_match;
    return pending(out, history);
}

// Writes the literal or back-reference just decoded, or what is left of it, as far as the
// output space goes.
BlockStatus BlockDecoder::pending(Output& out, const History& history) noexcept {
    if (mode_ == Mode::pending_literal) {
        if (out.space() == 0) return BlockStatus::need_output;
        *out.next++ = literal_;
    } else {
        match_length_ -= copy_match(out, history, match_distance_, match_length_);
        if (match_length_ > 0) return BlockStatus::need_output;
    }
    mode_ = Mode::data;
    return BlockStatus::next_step;
}

BlockStatus BlockDecoder::finish_block() noexcept {
    mode_ = final_block_ ? Mode::stream_end : Mode::block_header;
    return BlockStatus::next_step;
}

}  // namespace wire::compress::detail
