// Small formatting helpers shared by the wire-explain subcommands.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wire::tools {

// "7f" for 0x7f.
std::string hex_byte(std::uint8_t b);
// "7f 9f 4d" (bytes separated by one space).
std::string hex_bytes(std::span<const std::uint8_t> bytes);
// "1000 0101": a byte's bits, most significant first, in two nibbles.
std::string bits(std::uint8_t b);
// "%08x" of a 32-bit word.
std::string hex_word(std::uint32_t w);
// 'H' for a printable ASCII byte, '.' otherwise (in the style of hexdump -C).
char printable(std::uint8_t b);
// `s` with CR, LF, TAB and other control bytes written as \r, \n, \t, \xNN. When `column` is
// given, it is the index of a byte of `s`; on return it is that byte's column in the result.
std::string escape(std::string_view s, std::size_t* column = nullptr);

struct HexParse {
    std::vector<std::uint8_t> bytes;
    std::string error;  // empty when the input was good hex
};
// Hex bytes in the forms people paste: "81 85 37", "818537", "0x81,0x85", "\x81\x85", "81:85".
HexParse parse_hex(std::span<const std::string_view> args);

}  // namespace wire::tools
