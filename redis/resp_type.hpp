// RESP's value types, each named by the byte that starts it on the wire.
//
// RESP2 (redis 1.2 onwards) has the first five; RESP3 (redis 6, chosen per connection with
// "HELLO 3") adds the rest. The enumerators' values are the type bytes themselves, so a reader
// switches on the byte it sees.
#pragma once

#include <cstdint>
#include <string_view>

namespace wire::redis {

enum class Type : std::uint8_t {
    // RESP2
    simple_string = '+',  // +OK\r\n
    error = '-',          // -ERR unknown command\r\n
    integer = ':',        // :1000\r\n
    bulk_string = '$',    // $5\r\nhello\r\n, and RESP2's null $-1\r\n
    array = '*',          // *2\r\n<value><value>, and RESP2's null *-1\r\n
    // RESP3
    null = '_',           // _\r\n
    boolean = '#',        // #t\r\n or #f\r\n
    double_number = ',',  // ,3.14\r\n ,inf\r\n ,nan\r\n
    big_number = '(',     // (3492890328409238509324850943850943825024385\r\n
    bulk_error = '!',     // !21\r\nSYNTAX invalid syntax\r\n
    verbatim = '=',       // =15\r\ntxt:Some string\r\n
    map = '%',            // %2\r\n then key, value, key, value
    set = '~',            // ~3\r\n then three values
    attribute = '|',      // |1\r\n key, value: data about the value that follows it
    push = '>',           // >3\r\n out-of-band data (pub/sub messages), not a command's reply
};

// The type for a byte, or false if the byte starts no value.
[[nodiscard]] bool type_of(std::uint8_t byte, Type& type) noexcept;
// "simple string", "bulk string", "map"...
[[nodiscard]] std::string_view type_name(Type type) noexcept;
// Arrays, maps, sets, pushes and attributes hold other values.
[[nodiscard]] constexpr bool is_aggregate(Type t) noexcept {
    return t == Type::array || t == Type::map || t == Type::set || t == Type::attribute ||
           t == Type::push;
}
// Values whose header is a length followed by that many bytes and a CRLF.
[[nodiscard]] constexpr bool is_bulk(Type t) noexcept {
    return t == Type::bulk_string || t == Type::bulk_error || t == Type::verbatim;
}

}  // namespace wire::redis
