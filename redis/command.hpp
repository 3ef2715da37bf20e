// Writing commands: a client sends every command as an array of bulk strings (RESP, "Sending
// commands to a Redis server"), never in the inline form ("SET key value\r\n"), where a space,
// a quote or a CRLF inside an argument would change the command. A bulk string carries any
// bytes, its length in front.
//
//     *3\r\n$7\r\nPUBLISH\r\n$4\r\nchat\r\n$5\r\nhello\r\n
//
// The functions append to a std::string that the caller reuses, so a connection's output buffer
// grows to its working size once and then costs no allocation per command.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace wire::redis {

// "*<argc>\r\n": starts a command of `argc` arguments, each appended with append_arg.
void begin_command(std::string& out, std::size_t argc);
// "$<len>\r\n<bytes>\r\n".
void append_arg(std::string& out, std::string_view arg);
// One argument made of several pieces (a header and a payload, say), written without first
// joining them.
void append_arg(std::string& out, std::span<const std::string_view> pieces);
// A whole command.
void append_command(std::string& out, std::span<const std::string_view> args);
inline void append_command(std::string& out, std::initializer_list<std::string_view> args) {
    append_command(out, std::span<const std::string_view>(args.begin(), args.size()));
}

// The bytes append_command would write.
[[nodiscard]] std::size_t command_size(std::span<const std::string_view> args) noexcept;

}  // namespace wire::redis
