// Inflater: the framing around DEFLATE data (RFC 1950 zlib, RFC 1952 gzip) and the driver that
// turns the block decoder's stops into the three outcomes. The blocks themselves are decoded by
// detail/block_decoder.cpp (careful path) and detail/inflate_fast.cpp (fast path).
//
// Memory: one Inflater holds, from its first inflate(), a State of about 10 KiB (the block
// decoder's code lengths and lookup tables, see memory_in_use()), plus the history window of
// 2^window_bits bytes once a stream spans more than one inflate() call (or has a dictionary).
// release_memory() gives both back.
#include "compress/inflater.hpp"

#include <algorithm>
#include <array>

#include "compress/checksum.hpp"
#include "compress/detail/bit_reader.hpp"
#include "compress/detail/block_decoder.hpp"
#include "compress/detail/crc32.hpp"
#include "compress/detail/history.hpp"

namespace wire::compress {

using detail::BitBuffer;
using detail::BlockStatus;
using detail::Input;
using detail::Output;

namespace {

enum class Mode : std::uint8_t {
    zlib_header,           // CMF, FLG (RFC 1950 §2.2)
    zlib_dictionary_id,    // DICTID, when FDICT is set
    zlib_need_dictionary,  // waiting for set_dictionary()
    gzip_header,           // ID1 ID2 CM FLG MTIME XFL OS (RFC 1952 §2.3)
    gzip_extra_length,     // XLEN, when FEXTRA is set
    gzip_extra,            // XLEN bytes
    gzip_name,             // zero-terminated, when FNAME is set
    gzip_comment,          // zero-terminated, when FCOMMENT is set
    gzip_header_crc,       // CRC16, when FHCRC is set
    blocks,                // the DEFLATE data (RFC 1951)
    zlib_trailer,          // ADLER32
    gzip_trailer,          // CRC32, ISIZE
    gzip_member_end,       // another member, or the end
    done,
    failed,
};

// RFC 1952 §2.3.1: FLG bits.
constexpr std::uint8_t flag_text = 1, flag_header_crc = 2, flag_extra = 4, flag_name = 8,
                       flag_comment = 16, flag_reserved = 0xe0;

enum class Stop : std::uint8_t { done, need_input, need_output, failed };

std::uint32_t load_be32(const std::uint8_t* p) noexcept {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           p[3];
}
std::uint32_t load_le32(const std::uint8_t* p) noexcept {
    return (std::uint32_t{p[3]} << 24) | (std::uint32_t{p[2]} << 16) | (std::uint32_t{p[1]} << 8) |
           p[0];
}

}  // namespace

struct Inflater::State {
    explicit State(const InflateOptions& options) noexcept {
        history.set_window_bits(options.window_bits);
        restart(options.format);
    }

    Mode mode = Mode::blocks;
    Error error{};
    BitBuffer bits;
    detail::BlockDecoder blocks;
    detail::History history;

    std::uint32_t check = 0;       // Adler-32 (zlib) or CRC-32 (gzip) of the output so far
    std::uint64_t member_out = 0;  // gzip: this member's output, for ISIZE
    std::uint64_t total_in = 0, total_out = 0;

    // Fixed-size fields (headers, trailers) gathered across calls.
    std::array<std::uint8_t, 10> field{};
    std::size_t field_have = 0;

    // gzip member header progress.
    std::uint8_t gzip_flags = 0;
    std::uint32_t header_crc = 0;   // CRC-32 register over the header bytes (RFC 1952 §2.3.1)
    std::size_t string_length = 0;  // of FNAME or FCOMMENT so far, or FEXTRA bytes left
    bool first_member = true;
    GzipHeader gzip_header;

    bool dictionary_set = false;
    std::uint32_t dictionary_id = 0;  // Adler-32 of the dictionary (RFC 1950 §2.2 DICTID)

    void restart(Format format) noexcept {
        mode = format == Format::zlib   ? Mode::zlib_header
               : format == Format::gzip ? Mode::gzip_header
                                        : Mode::blocks;
        error = Error{};
        bits = {};
        blocks.reset();
        check = format == Format::zlib ? adler32_initial : crc32_initial;
        member_out = total_in = total_out = 0;
        field_have = 0;
        header_crc = ~0u;
        first_member = true;
        if (format == Format::gzip) gzip_header = {};  // (only gzip fills it: three strings)
        dictionary_set = false;
    }

    Stop fail(Error e) noexcept {
        error = e;
        mode = Mode::failed;
        return Stop::failed;
    }

    // Gathers n bytes (n <= 10) into `field`, from the bit buffer first; true when complete.
    bool gather(Input& in, std::size_t n) noexcept {
        bits.drop_to_byte();
        for (; field_have < n; ++field_have) {
            if (!bits.take_byte(in, field[field_have])) return false;
            if (mode >= Mode::gzip_header && mode <= Mode::gzip_comment)
                header_crc = detail::crc32_register_byte(header_crc, field[field_have]);
        }
        field_have = 0;
        return true;
    }
    // One byte of a gzip header's variable part, counted in the header CRC.
    bool header_byte(Input& in, std::uint8_t& b) noexcept {
        if (!bits.take_byte(in, b)) return false;
        header_crc = detail::crc32_register_byte(header_crc, b);
        return true;
    }

    Stop run(Input& in, Output& out, std::uint8_t*& checked, const InflateOptions& options,
             bool last_input) noexcept;
    Stop zlib_header(Input& in, const InflateOptions& options) noexcept;
    Stop gzip_header_fields(Input& in, const InflateOptions& options) noexcept;
    Stop trailer(Input& in, Output& out, std::uint8_t*& checked, Format format) noexcept;
    void account(std::uint8_t*& checked, const Output& out, Format format) noexcept;
};

// Folds this call's new output into the checksum and the member's length.
void Inflater::State::account(std::uint8_t*& checked, const Output& out, Format format) noexcept {
    const std::span<const std::uint8_t> fresh(checked,
                                              static_cast<std::size_t>(out.next - checked));
    if (format == Format::zlib) check = adler32(check, fresh);
    if (format == Format::gzip) check = compress::crc32(check, fresh);
    member_out += fresh.size();
    checked = out.next;
}

// RFC 1950 §2.2: CMF (CM: 4 bits, 8 = deflate; CINFO: 4 bits, log2(window) - 8), FLG (FCHECK:
// 5 bits making CMF * 256 + FLG a multiple of 31; FDICT: 1 bit; FLEVEL: 2 bits).
Stop Inflater::State::zlib_header(Input& in, const InflateOptions& options) noexcept {
    if (!gather(in, 2)) return Stop::need_input;
    const unsigned cmf = field[0], flg = field[1];
    // Why reject: FCHECK is there to tell a zlib header from other bytes; CM 15 is reserved
    // and others are not deflate; CINFO above 7 (a window beyond 32 KiB) is not allowed.
    if ((cmf * 256 + flg) % 31 != 0 || (cmf & 0x0f) != 8 || (cmf >> 4) > 7)
        return fail(Error::bad_zlib_header);
    // Why reject: the stream may refer back further than the history this inflater keeps.
    if (static_cast<int>(cmf >> 4) + 8 > options.window_bits) return fail(Error::window_too_large);
    if ((flg & 0x20) != 0) {
        mode = Mode::zlib_dictionary_id;
        return Stop::done;
    }
    // No FDICT: the stream starts with no history, whatever set_dictionary() was given.
    history.clear();
    mode = Mode::blocks;
    return Stop::done;
}

// RFC 1952 §2.3: the member header's optional parts, each present when its FLG bit is set.
Stop Inflater::State::gzip_header_fields(Input& in, const InflateOptions& options) noexcept {
    std::uint8_t b = 0;
    switch (mode) {
        case Mode::gzip_extra_length:
            if (!gather(in, 2)) return Stop::need_input;
            string_length = field[0] | (std::size_t{field[1]} << 8);
            // Why reject: FEXTRA longer than the configured limit (memory follows the limit).
            if (string_length > options.max_header_field) return fail(Error::header_too_large);
            mode = Mode::gzip_extra;
            [[fallthrough]];
        case Mode::gzip_extra:
            for (; string_length > 0; --string_length) {
                if (!header_byte(in, b)) return Stop::need_input;
                if (first_member) gzip_header.extra.push_back(static_cast<char>(b));
            }
            mode = Mode::gzip_name;
            string_length = 0;
            [[fallthrough]];
        case Mode::gzip_name:
        case Mode::gzip_comment: {
            const bool name = mode == Mode::gzip_name;
            if ((gzip_flags & (name ? flag_name : flag_comment)) != 0) {
                std::string& text = name ? gzip_header.name : gzip_header.comment;
                for (;;) {
                    if (!header_byte(in, b)) return Stop::need_input;
                    if (b == 0) break;
                    // Why reject: a name or comment longer than the limit (ISO 8859-1 text
                    // with no length of its own, so only a limit bounds it).
                    if (++string_length > options.max_header_field)
                        return fail(Error::header_too_large);
                    if (first_member) text.push_back(static_cast<char>(b));
                }
                string_length = 0;
            }
            mode = name ? Mode::gzip_comment : Mode::gzip_header_crc;
            return Stop::done;
        }
        case Mode::gzip_header_crc:
            if ((gzip_flags & flag_header_crc) != 0) {
                const std::uint32_t crc = ~header_crc;  // of every header byte before CRC16
                if (!gather(in, 2)) return Stop::need_input;
                // Why reject: the header was damaged (the CRC16 is the CRC-32's low half).
                if ((field[0] | (unsigned{field[1]} << 8)) != (crc & 0xffff))
                    return fail(Error::gzip_header_crc_mismatch);
            }
            first_member = false;
            mode = Mode::blocks;
            return Stop::done;
        default:
            return Stop::done;
    }
}

Stop Inflater::State::trailer(Input& in, Output& out, std::uint8_t*& checked,
                              Format format) noexcept {
    if (!gather(in, format == Format::zlib ? 4 : 8)) return Stop::need_input;
    account(checked, out, format);
    if (format == Format::zlib) {
        // Why reject: RFC 1950 §2.2: ADLER32 (big-endian) is the checksum of the data; a
        // mismatch means the data is not what was compressed.
        if (load_be32(field.data()) != check) return fail(Error::adler32_mismatch);
        mode = Mode::done;
        return Stop::done;
    }
    // Why reject: RFC 1952 §2.3.1: CRC32 and ISIZE (the length mod 2^32), little-endian.
    if (load_le32(field.data()) != check) return fail(Error::crc32_mismatch);
    if (load_le32(field.data() + 4) != static_cast<std::uint32_t>(member_out))
        return fail(Error::length_mismatch);
    mode = Mode::gzip_member_end;
    return Stop::done;
}

Stop Inflater::State::run(Input& in, Output& out, std::uint8_t*& checked,
                          const InflateOptions& options, bool last_input) noexcept {
    for (;;) {
        Stop stop = Stop::done;
        switch (mode) {
            case Mode::zlib_header:
                stop = zlib_header(in, options);
                break;
            case Mode::zlib_dictionary_id:
                if (!gather(in, 4)) return Stop::need_input;
                field_have = 0;
                mode = Mode::zlib_need_dictionary;
                std::copy_n(field.begin(), 4, field.begin() + 4);  // keep DICTID
                [[fallthrough]];
            case Mode::zlib_need_dictionary:
                // Not final: the caller may give the dictionary and call again.
                if (!dictionary_set) {
                    error = Error::dictionary_required;
                    return Stop::failed;
                }
                // Why reject: RFC 1950 §2.2: DICTID is the Adler-32 of the dictionary the
                // compressor used; any other dictionary would give other bytes.
                if (load_be32(field.data() + 4) != dictionary_id)
                    return fail(Error::dictionary_mismatch);
                mode = Mode::blocks;
                break;
            case Mode::gzip_header:
                if (!gather(in, 10)) return Stop::need_input;
                // Why reject: ID1 ID2 identify gzip (31, 139); CM 8 is deflate, the only
                // method; reserved FLG bits "must be zero" (§2.3.1.2), since they could
                // announce fields we would not skip.
                if (field[0] != 31 || field[1] != 139 || field[2] != 8 ||
                    (field[3] & flag_reserved) != 0)
                    return fail(Error::bad_gzip_header);
                gzip_flags = field[3];
                if (first_member) {
                    gzip_header.text = (gzip_flags & flag_text) != 0;
                    gzip_header.mtime = load_le32(field.data() + 4);
                    gzip_header.extra_flags = field[8];
                    gzip_header.os = field[9];
                }
                mode = (gzip_flags & flag_extra) != 0 ? Mode::gzip_extra_length : Mode::gzip_name;
                break;
            case Mode::gzip_extra_length:
            case Mode::gzip_extra:
            case Mode::gzip_name:
            case Mode::gzip_comment:
            case Mode::gzip_header_crc:
                stop = gzip_header_fields(in, options);
                break;
            case Mode::blocks:
                switch (blocks.run(bits, in, out, history)) {
                    case BlockStatus::stream_end:
                        mode = options.format == Format::zlib   ? Mode::zlib_trailer
                               : options.format == Format::gzip ? Mode::gzip_trailer
                                                                : Mode::done;
                        break;
                    case BlockStatus::need_input:
                        return Stop::need_input;
                    case BlockStatus::need_output:
                        return Stop::need_output;
                    case BlockStatus::failed:
                        return fail(blocks.error());
                    case BlockStatus::next_step:
                        break;
                }
                break;
            case Mode::zlib_trailer:
            case Mode::gzip_trailer:
                stop = trailer(in, out, checked, options.format);
                break;
            case Mode::gzip_member_end:
                bits.drop_to_byte();
                // RFC 1952 §2.2: a gzip file is a series of members; another may follow.
                if (!options.multi_member) {
                    mode = Mode::done;
                    break;
                }
                if (in.available() == 0 && bits.count == 0) {
                    if (!last_input) return Stop::need_input;
                    mode = Mode::done;  // the caller says no member follows
                    break;
                }
                // A new member: a new DEFLATE stream with no history and its own checksum.
                out.start = out.next;
                history.clear();
                blocks.reset();
                check = crc32_initial;
                member_out = 0;
                header_crc = ~0u;
                mode = Mode::gzip_header;
                break;
            case Mode::done:
                return Stop::done;
            case Mode::failed:
                return Stop::failed;
        }
        if (stop != Stop::done) return stop;
    }
}

Inflater::Inflater(InflateOptions options) noexcept : options_(options) {}
Inflater::~Inflater() = default;
Inflater::Inflater(Inflater&&) noexcept = default;
Inflater& Inflater::operator=(Inflater&&) noexcept = default;

StepResult Inflater::inflate(std::span<const std::uint8_t> in, std::span<std::uint8_t> out,
                             bool last_input) noexcept {
    if (!state_) state_ = std::make_unique<State>(options_);
    State& s = *state_;
    Input input{in.data(), in.data() + in.size()};
    // The output limit is the end of the space the decoder may use: it holds in every loop.
    const std::uint64_t allowed =
        options_.max_output > s.total_out ? options_.max_output - s.total_out : 0;
    const std::size_t space =
        static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), allowed));
    Output output{out.data(), out.data(), out.data() + space};
    std::uint8_t* checked = out.data();

    const Stop stop = s.run(input, output, checked, options_, last_input);

    s.account(checked, output, options_.format);
    // Keep the history a later call may refer to: until the stream ends, and after the end of
    // a raw stream that more input may follow (reset_keep_history(), RFC 7692 §7.2.3.3).
    if (s.mode != Mode::done || (options_.format == Format::raw && !last_input))
        s.history.append(output.start, output.written());

    StepResult r;
    r.consumed = static_cast<std::size_t>(input.next - in.data());
    r.produced = static_cast<std::size_t>(output.next - out.data());
    s.total_in += r.consumed;
    s.total_out += r.produced;
    switch (stop) {
        case Stop::done:
            r.outcome = Outcome::done;
            break;
        case Stop::need_input:
            r.outcome = Outcome::need_more;
            if (last_input) {  // Why reject: the caller said no more input will come
                s.fail(Error::truncated);
                r.outcome = Outcome::error;
                r.error = Error::truncated;
            }
            break;
        case Stop::need_output:
            r.outcome = Outcome::need_more;
            if (space < out.size()) {  // the limit, not the space, stopped the decoder
                s.fail(Error::output_limit);
                r.outcome = Outcome::error;
                r.error = Error::output_limit;
            }
            break;
        case Stop::failed:
            r.outcome = Outcome::error;
            r.error = s.error;
            break;
    }
    return r;
}

void Inflater::set_dictionary(std::span<const std::uint8_t> dictionary) noexcept {
    if (!state_) state_ = std::make_unique<State>(options_);
    state_->history.clear();
    state_->history.append(dictionary.data(), dictionary.size());
    state_->dictionary_set = true;
    // RFC 1950 §2.2: only a zlib stream names its dictionary (DICTID); a raw one, such as each
    // message of RFC 7692 context takeover, needs no checksum of it.
    if (options_.format == Format::zlib)
        state_->dictionary_id = adler32(adler32_initial, dictionary);
}

void Inflater::reset() noexcept {
    if (!state_) return;
    state_->restart(options_.format);
    state_->history.clear();
}

void Inflater::reset_keep_history() noexcept {
    if (state_) state_->restart(options_.format);
}

std::size_t Inflater::copy_history(std::span<std::uint8_t> out) const noexcept {
    if (!state_) return 0;
    const detail::History& h = state_->history;
    const auto n = static_cast<std::uint32_t>(std::min<std::size_t>(h.have(), out.size()));
    if (n != 0) h.copy_out(out.data(), n, n);
    return n;
}

std::uint64_t Inflater::total_in() const noexcept {
    return state_ ? state_->total_in : 0;
}
std::uint64_t Inflater::total_out() const noexcept {
    return state_ ? state_->total_out : 0;
}
const GzipHeader& Inflater::gzip_header() const noexcept {
    static const GzipHeader none;
    return state_ ? state_->gzip_header : none;
}

std::size_t Inflater::memory_in_use() const noexcept {
    if (!state_) return 0;
    const GzipHeader& h = state_->gzip_header;
    return sizeof(State) + state_->history.memory_in_use() + h.name.capacity() +
           h.comment.capacity() + h.extra.capacity();
}

void Inflater::release_memory() noexcept {
    state_.reset();
}

std::error_code inflate_all(std::span<const std::uint8_t> in, std::string& out,
                            const InflateOptions& options) {
    Inflater inflater(options);
    out.clear();
    std::size_t consumed = 0;
    for (;;) {
        // Grow with what arrives: double what is there, from a start near the input's size.
        const std::size_t grow = std::max<std::size_t>({out.size(), in.size() * 2, 4096});
        const std::size_t old = out.size();
        out.resize(old + grow);
        const StepResult r = inflater.inflate(
            in.subspan(consumed), {reinterpret_cast<std::uint8_t*>(out.data()) + old, grow}, true);
        out.resize(old + r.produced);
        consumed += r.consumed;
        if (r.done()) return {};
        if (r.failed()) return r.error;
    }
}

}  // namespace wire::compress
