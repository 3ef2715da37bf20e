#include "redis/command.hpp"

#include <charconv>

namespace wire::redis {
namespace {

// "<prefix><n>\r\n", the header of an array or a bulk string.
void append_header(std::string& out, char prefix, std::size_t n) {
    char buf[24];
    buf[0] = prefix;
    const auto r = std::to_chars(buf + 1, buf + sizeof buf - 2, n);
    char* p = r.ptr;
    *p++ = '\r';
    *p++ = '\n';
    out.append(buf, static_cast<std::size_t>(p - buf));
}

std::size_t digits(std::size_t n) noexcept {
    std::size_t d = 1;
    while (n >= 10) {
        n /= 10;
        ++d;
    }
    return d;
}

}  // namespace

void begin_command(std::string& out, std::size_t argc) {
    append_header(out, '*', argc);
}

void append_arg(std::string& out, std::string_view arg) {
    append_header(out, '$', arg.size());
    out.append(arg);
    out.append("\r\n");
}

void append_arg(std::string& out, std::span<const std::string_view> pieces) {
    std::size_t total = 0;
    for (auto p : pieces)
        total += p.size();
    append_header(out, '$', total);
    for (auto p : pieces)
        out.append(p);
    out.append("\r\n");
}

void append_command(std::string& out, std::span<const std::string_view> args) {
    out.reserve(out.size() + command_size(args));
    begin_command(out, args.size());
    for (auto a : args)
        append_arg(out, a);
}

std::size_t command_size(std::span<const std::string_view> args) noexcept {
    std::size_t n = 1 + digits(args.size()) + 2;
    for (auto a : args)
        n += 1 + digits(a.size()) + 2 + a.size() + 2;
    return n;
}

}  // namespace wire::redis
