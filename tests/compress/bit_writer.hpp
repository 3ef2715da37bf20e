// Hand-made DEFLATE streams for the tests: fields least significant bit first (RFC 1951
// §3.1.1), Huffman codes most significant bit first.
#pragma once

#include <cstdint>
#include <string>

namespace wire::test {

class BitWriter {
  public:
    // `n` bits of `value`, least significant first (header fields, extra bits).
    BitWriter& bits(std::uint32_t value, unsigned n) {
        for (unsigned i = 0; i < n; ++i)
            put((value >> i) & 1);
        return *this;
    }
    // A Huffman code of `n` bits, most significant first.
    BitWriter& code(std::uint32_t code, unsigned n) {
        for (unsigned i = n; i-- > 0;)
            put((code >> i) & 1);
        return *this;
    }
    // §3.2.6 fixed code of a literal/length symbol.
    BitWriter& fixed_symbol(unsigned s) {
        if (s < 144) return code(0x30 + s, 8);
        if (s < 256) return code(0x190 + s - 144, 9);
        if (s < 280) return code(s - 256, 7);
        return code(0xc0 + s - 280, 8);
    }
    BitWriter& align() {
        while (count_ != 0)
            put(0);
        return *this;
    }
    BitWriter& byte(std::uint8_t b) { return align().bits(b, 8); }
    std::string finish() {
        align();
        return out_;
    }

  private:
    void put(unsigned bit) {
        if (count_ == 0) out_.push_back('\0');
        out_.back() = static_cast<char>(out_.back() | static_cast<char>(bit << count_));
        count_ = (count_ + 1) & 7;
    }
    std::string out_;
    unsigned count_ = 0;
};

}  // namespace wire::test
