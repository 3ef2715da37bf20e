// wire-explain inflate [--zlib|--gzip] HEX...: DEFLATE (RFC 1951) decoded in the open: every
// block header, the code lengths and the Huffman codes they build (the code of each symbol),
// then each literal, length and distance with the bytes it produces.
//
// A second, deliberately plain decoder, written to be printed step by step (whole input, bit
// by bit, as RFC 1951 §3.2 reads); the verdict comes from wire's own Inflater, so what this
// tool calls valid is what wire accepts.
#include <array>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "compress/checksum.hpp"
#include "compress/detail/huffman_decoder.hpp"
#include "compress/detail/inflate_constants.hpp"
#include "compress/inflater.hpp"
#include "tools/wire-explain/commands.hpp"
#include "tools/wire-explain/text.hpp"

namespace wire::tools {
namespace {

namespace detail = wire::compress::detail;
using Bytes = std::span<const std::uint8_t>;

struct Stop {
    std::string why;
};

// Bits of the input, least significant bit of each byte first (§3.1.1).
class Reader {
  public:
    explicit Reader(Bytes in) : in_(in) {}
    unsigned bit() {
        if (pos_ >= in_.size() * 8) throw Stop{"the input ends in the middle of the stream"};
        const unsigned b = (in_[pos_ / 8] >> (pos_ % 8)) & 1;
        ++pos_;
        return b;
    }
    std::uint32_t bits(unsigned n) {  // a field, least significant bit first
        std::uint32_t v = 0;
        for (unsigned i = 0; i < n; ++i)
            v |= bit() << i;
        return v;
    }
    std::uint8_t byte() {
        align();
        return static_cast<std::uint8_t>(bits(8));
    }
    void align() { pos_ = (pos_ + 7) / 8 * 8; }
    std::string where() const {
        return "byte " + std::to_string(pos_ / 8) + ", bit " + std::to_string(pos_ % 8);
    }
    std::size_t byte_position() const { return (pos_ + 7) / 8; }

  private:
    Bytes in_;
    std::size_t pos_ = 0;
};

// The code of each symbol, as §3.2.2 assigns them: count the codes of each length, find the
// first code of each length, then number the symbols of each length in order.
std::vector<std::string> codes_of(const std::vector<std::uint8_t>& lengths) {
    std::array<unsigned, 16> count{}, next{};
    for (auto l : lengths)
        ++count[l];
    count[0] = 0;
    unsigned code = 0;
    for (unsigned len = 1; len <= 15; ++len) {
        code = (code + count[len - 1]) << 1;
        next[len] = code;
    }
    std::vector<std::string> out(lengths.size());
    for (std::size_t s = 0; s < lengths.size(); ++s) {
        const unsigned len = lengths[s];
        if (len == 0) continue;
        const unsigned c = next[len]++;
        for (unsigned i = len; i-- > 0;)
            out[s] += ((c >> i) & 1) ? '1' : '0';
    }
    return out;
}

std::string symbol_name(unsigned s, bool literal_length) {
    if (!literal_length) return std::to_string(s);
    if (s < 256) {
        std::string r = std::to_string(s);
        if (s >= 32 && s < 127) r += " '" + std::string(1, static_cast<char>(s)) + "'";
        return r;
    }
    return std::to_string(s) + (s == 256 ? " end" : " len");
}

std::string trim_right(std::string s) {
    while (!s.empty() && s.back() == ' ')
        s.pop_back();
    return s;
}

// A decoding table in print: symbol, length, code. Unused symbols are left out.
void print_code(std::ostream& out, const char* title, const std::vector<std::uint8_t>& lengths,
                bool literal_length) {
    const auto codes = codes_of(lengths);
    out << "  " << title << " (symbol: code), from the lengths by RFC 1951 §3.2.2:\n";
    std::string line = "   ";
    int on_line = 0;
    for (std::size_t s = 0; s < lengths.size(); ++s) {
        if (lengths[s] == 0) continue;
        std::string cell =
            " " + symbol_name(static_cast<unsigned>(s), literal_length) + ": " + codes[s];
        cell.resize(std::max<std::size_t>(cell.size() + 1, 26), ' ');
        line += cell;
        if (++on_line == 4) {
            out << trim_right(line) << '\n';
            line = "   ";
            on_line = 0;
        }
    }
    if (on_line > 0) out << trim_right(line) << '\n';
}

// The canonical code as the library builds it, checked the way the library checks it.
detail::CanonicalCode build(const std::vector<std::uint8_t>& lengths, detail::Alphabet a) {
    detail::CanonicalCode c;
    const compress::Error e = detail::build_canonical(lengths.data(), lengths.size(), a, c);
    if (e != compress::Error{}) throw Stop{std::error_code(e).message()};
    return c;
}

// §3.2.2 bit by bit; `bits` receives the code read.
unsigned decode(Reader& r, const detail::CanonicalCode& c, std::string& bits) {
    unsigned code = 0, first = 0, index = 0;
    bits.clear();
    for (unsigned len = 1; len <= 15; ++len) {
        const unsigned b = r.bit();
        bits += b ? '1' : '0';
        code |= b;
        if (code - first < c.count[len]) return c.symbol[index + code - first];
        index += c.count[len];
        first = (first + c.count[len]) << 1;
        code <<= 1;
    }
    throw Stop{"the bits " + bits + " are no code (RFC 1951 §3.2.2)"};
}

std::string preview(const std::string& s) {
    std::string shown = escape(s.size() > 40 ? s.substr(0, 40) : s);
    return "\"" + shown + (s.size() > 40 ? "\"..." : "\"");
}

struct Codes {
    std::vector<std::uint8_t> literal_length, distance;
};

Codes read_dynamic_header(std::ostream& out, Reader& r) {
    const unsigned hlit = r.bits(5), hdist = r.bits(5), hclen = r.bits(4);
    out << "  HLIT = " << hlit << ": " << hlit + 257
        << " literal/length code lengths; HDIST = " << hdist << ": " << hdist + 1
        << " distance code lengths; HCLEN = " << hclen << ": " << hclen + 4
        << " code-length code lengths (RFC 1951 §3.2.7)\n";
    if (hlit + 257 > 286 || hdist + 1 > 30) throw Stop{"more than 286 / 30 codes (§3.2.7)"};
    std::vector<std::uint8_t> cl(19, 0);
    out << "  code-length code lengths, 3 bits each, in the order 16 17 18 0 8 7 9 6 10 5 11 4 "
           "12 3 13 2 14 1 15:\n   ";
    for (unsigned i = 0; i < hclen + 4; ++i) {
        cl[detail::code_length_order[i]] = static_cast<std::uint8_t>(r.bits(3));
        out << ' ' << int{detail::code_length_order[i]} << '='
            << int{cl[detail::code_length_order[i]]};
    }
    out << '\n';
    print_code(out, "code-length code", cl, false);
    const auto cl_code = build(cl, detail::Alphabet::code_lengths);

    std::vector<std::uint8_t> lengths;
    const std::size_t total = hlit + 257 + hdist + 1;
    out << "  the code lengths, in the code-length code (16: repeat the previous, 17 and 18: "
           "repeat 0):\n   ";
    std::string bits;
    int on_line = 0;
    while (lengths.size() < total) {
        const unsigned sym = decode(r, cl_code, bits);
        std::string item;
        if (sym < 16) {
            lengths.push_back(static_cast<std::uint8_t>(sym));
            item = std::to_string(sym);
        } else {
            const unsigned extra = sym == 16 ? 2 : sym == 17 ? 3 : 7;
            const unsigned repeat = (sym == 18 ? 11 : 3) + r.bits(extra);
            if (sym == 16 && lengths.empty()) throw Stop{"16 with no previous length (§3.2.7)"};
            const std::uint8_t value = sym == 16 ? lengths.back() : 0;
            if (lengths.size() + repeat > total) throw Stop{"a repeat runs past the end (§3.2.7)"};
            lengths.insert(lengths.end(), repeat, value);
            item = std::to_string(value) + "x" + std::to_string(repeat);
        }
        out << ' ' << item;
        if (++on_line == 24) {
            out << "\n   ";
            on_line = 0;
        }
    }
    out << '\n';
    Codes c;
    c.literal_length.assign(lengths.begin(), lengths.begin() + hlit + 257);
    c.distance.assign(lengths.begin() + hlit + 257, lengths.end());
    if (c.literal_length[256] == 0) throw Stop{"end-of-block (256) has no code (§3.2.7)"};
    return c;
}

// One compressed block's data (§3.2.5).
void read_data(std::ostream& out, Reader& r, const Codes& codes, std::string& output) {
    const auto ll = build(codes.literal_length, detail::Alphabet::literal_length);
    const auto dist = build(codes.distance, detail::Alphabet::distance);
    std::string bits, dbits;
    for (;;) {
        const std::string at = r.where();
        const unsigned sym = decode(r, ll, bits);
        std::string line = "  " + at + ": " + bits;
        line.resize(std::max<std::size_t>(line.size() + 1, 36), ' ');
        if (sym < 256) {
            output += static_cast<char>(sym);
            out << line << "literal " << symbol_name(sym, true) << '\n';
            continue;
        }
        if (sym == 256) {
            out << line << "end of block\n";
            return;
        }
        if (sym > 285)
            throw Stop{"literal/length symbol " + std::to_string(sym) + " means nothing (§3.2.6)"};
        const unsigned li = sym - 257;
        const unsigned length = detail::length_base[li] + r.bits(detail::length_extra[li]);
        const unsigned dsym = decode(r, dist, dbits);
        if (dsym > 29)
            throw Stop{"distance symbol " + std::to_string(dsym) + " means nothing (§3.2.6)"};
        const unsigned distance =
            detail::distance_base[dsym] + r.bits(detail::distance_extra[dsym]);
        if (distance > output.size() || distance > detail::max_distance)
            throw Stop{"distance " + std::to_string(distance) +
                       " reaches before the data (§3.2.5)"};
        const std::size_t from = output.size() - distance;
        for (unsigned i = 0; i < length; ++i)
            output += output[from + i];
        out << line << "length " << length << " (symbol " << sym << " + "
            << int{detail::length_extra[li]} << " extra bits), distance " << distance << " (code "
            << dbits << ", symbol " << dsym << " + " << int{detail::distance_extra[dsym]}
            << " extra bits) -> " << preview(output.substr(output.size() - length)) << '\n';
    }
}

void explain_blocks(std::ostream& out, Reader& r, std::string& output) {
    for (int n = 1;; ++n) {
        out << "block " << n << " at " << r.where() << ":\n";
        const unsigned final_block = r.bits(1), type = r.bits(2);
        out << "  BFINAL = " << final_block
            << (final_block ? ": the last block" : ": more blocks follow")
            << "; BTYPE = " << (type >> 1) << (type & 1) << ": "
            << (type == 0   ? "stored (RFC 1951 §3.2.4)"
                : type == 1 ? "fixed Huffman codes (RFC 1951 §3.2.6)"
                : type == 2 ? "dynamic Huffman codes (RFC 1951 §3.2.7)"
                            : "reserved (an error, §3.2.3)")
            << '\n';
        if (type == 3) throw Stop{"BTYPE 11 is reserved (§3.2.3)"};
        if (type == 0) {
            r.align();
            const unsigned len = r.byte() | (unsigned{r.byte()} << 8);
            const unsigned nlen = r.byte() | (unsigned{r.byte()} << 8);
            out << "  LEN = " << len << ", NLEN = " << nlen
                << (len == (~nlen & 0xffff) ? " (its complement, as it must be)" : "") << '\n';
            if (len != (~nlen & 0xffff)) throw Stop{"NLEN is not the complement of LEN (§3.2.4)"};
            std::string stored;
            for (unsigned i = 0; i < len; ++i)
                stored += static_cast<char>(r.byte());
            output += stored;
            out << "  " << len << " bytes as they are: " << preview(stored) << '\n';
        } else {
            Codes codes;
            if (type == 1) {
                const auto fixed = detail::fixed_literal_length_lengths();
                codes.literal_length.assign(fixed.begin(), fixed.end());
                codes.distance.assign(32, 5);
                out << "  the fixed codes: literals 0-143 have 8 bits (00110000...), 144-255 nine"
                       " (110010000...), 256-279 seven (0000000...), 280-287 eight (11000000...);"
                       " distances 5 bits\n";
            } else {
                codes = read_dynamic_header(out, r);
                print_code(out, "literal/length code", codes.literal_length, true);
                print_code(out, "distance code", codes.distance, false);
            }
            out << "  data (RFC 1951 §3.2.5), each code as it is read, first bit first:\n";
            read_data(out, r, codes, output);
        }
        if (final_block) return;
    }
}

std::uint32_t be32(Reader& r) {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
        v = v << 8 | r.byte();
    return v;
}
std::uint32_t le32(Reader& r) {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
        v |= std::uint32_t{r.byte()} << (8 * i);
    return v;
}

void explain_zlib_header(std::ostream& out, Reader& r) {
    const std::uint8_t cmf = r.byte(), flg = r.byte();
    out << "zlib header (RFC 1950 §2.2): CMF = 0x" << hex_byte(cmf) << ": CM = " << (cmf & 15)
        << (((cmf & 15) == 8) ? " (deflate)" : " (not deflate)") << ", CINFO = " << (cmf >> 4)
        << " (window " << (1u << ((cmf >> 4) + 8)) << " bytes); FLG = 0x" << hex_byte(flg)
        << ": FDICT = " << ((flg >> 5) & 1) << ", FLEVEL = " << (flg >> 6) << ", FCHECK "
        << ((cmf * 256 + flg) % 31 == 0 ? "ok (CMF*256 + FLG is a multiple of 31)" : "wrong")
        << '\n';
    if ((cmf * 256 + flg) % 31 != 0 || (cmf & 15) != 8) throw Stop{"not a zlib header"};
    if (flg & 0x20) throw Stop{"the stream needs a preset dictionary (DICTID)"};
}

void explain_gzip_header(std::ostream& out, Reader& r) {
    const std::uint8_t id1 = r.byte(), id2 = r.byte(), cm = r.byte(), flg = r.byte();
    out << "gzip member header (RFC 1952 §2.3): ID1 ID2 = " << hex_byte(id1) << ' ' << hex_byte(id2)
        << (id1 == 31 && id2 == 139 ? " (gzip)" : " (not gzip)") << ", CM = " << int{cm}
        << ", FLG = 0x" << hex_byte(flg) << ":" << (flg & 1 ? " FTEXT" : "")
        << (flg & 2 ? " FHCRC" : "") << (flg & 4 ? " FEXTRA" : "") << (flg & 8 ? " FNAME" : "")
        << (flg & 16 ? " FCOMMENT" : "") << '\n';
    if (id1 != 31 || id2 != 139 || cm != 8 || (flg & 0xe0)) throw Stop{"not a gzip member header"};
    const std::uint32_t mtime = le32(r);
    const unsigned xfl = r.byte(), os = r.byte();
    out << "  MTIME = " << mtime << ", XFL = " << xfl << ", OS = " << os << '\n';
    if (flg & 4) {
        const unsigned xlen = r.byte() | (unsigned{r.byte()} << 8);
        for (unsigned i = 0; i < xlen; ++i)
            (void)r.byte();
        out << "  FEXTRA: " << xlen << " bytes\n";
    }
    for (const int bit : {8, 16}) {
        if (!(flg & bit)) continue;
        std::string text;
        for (std::uint8_t c; (c = r.byte()) != 0;)
            text += static_cast<char>(c);
        out << (bit == 8 ? "  FNAME = " : "  FCOMMENT = ") << preview(text) << '\n';
    }
    if (flg & 2) out << "  CRC16 = " << (r.byte() | (unsigned{r.byte()} << 8)) << '\n';
}

}  // namespace

int explain_inflate(Args args, std::ostream& out) {
    compress::Format format = compress::Format::raw;
    std::vector<std::string_view> hex;
    for (auto a : args) {
        if (a == "--zlib")
            format = compress::Format::zlib;
        else if (a == "--gzip")
            format = compress::Format::gzip;
        else
            hex.push_back(a);
    }
    const HexParse parsed = parse_hex(hex);
    if (!parsed.error.empty() || parsed.bytes.empty()) {
        out << "wire-explain inflate: " << (parsed.error.empty() ? "no bytes given" : parsed.error)
            << "\nusage: wire-explain inflate [--zlib|--gzip] HEX...\n";
        return 2;
    }
    const Bytes in(parsed.bytes);
    Reader r(in);
    std::string output;
    try {
        if (format == compress::Format::zlib) explain_zlib_header(out, r);
        if (format == compress::Format::gzip) explain_gzip_header(out, r);
        explain_blocks(out, r, output);
        if (format == compress::Format::zlib) {
            const std::uint32_t want = be32(r),
                                got = compress::adler32(compress::adler32_initial, output);
            out << "zlib trailer: ADLER32 = " << hex_word(want)
                << ", of the data: " << hex_word(got) << (want == got ? " (match)" : " (MISMATCH)")
                << '\n';
        }
        if (format == compress::Format::gzip) {
            const std::uint32_t crc = le32(r), size = le32(r);
            const std::uint32_t got = compress::crc32(compress::crc32_initial, output);
            out << "gzip trailer: CRC32 = " << hex_word(crc) << ", of the data: " << hex_word(got)
                << (crc == got ? " (match)" : " (MISMATCH)") << "; ISIZE = " << size << '\n';
        }
    } catch (const Stop& s) {
        out << "stopped at " << r.where() << ": " << s.why << '\n';
    }
    out << "output: " << output.size() << (output.size() == 1 ? " byte " : " bytes ")
        << preview(output) << '\n';

    std::string inflated;
    const std::error_code ec = compress::inflate_all(in, inflated, {.format = format});
    if (ec) {
        out << "wire's Inflater: " << ec.message() << '\n';
        return 1;
    }
    out << "wire's Inflater: a complete stream, " << inflated.size() << " bytes"
        << (inflated == output ? ", the same bytes" : ", DIFFERENT bytes") << '\n';
    return inflated == output ? 0 : 1;
}

}  // namespace wire::tools
