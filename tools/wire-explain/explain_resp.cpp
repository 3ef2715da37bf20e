// wire-explain resp HEX|TEXT: a redis reply (RESP2 or RESP3) shown value by value, one line per
// value, indented by nesting, with the bytes each value takes.
//
// TEXT is what redis-cli users see in a capture, with C escapes: '*2\r\n$3\r\nfoo\r\n:1\r\n'.
// RESP values start with a type byte (+ - : $ * _ # , ( ! = % ~ > |), none of which is a hex
// digit, so the first character tells TEXT from HEX. Without arguments the bytes come from
// standard input as they are. The verdict comes from wire's own reader (redis/resp_reader.hpp):
// what this tool calls valid is what wire's client accepts.
#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

#include "redis/error.hpp"
#include "redis/resp_cursor.hpp"
#include "redis/resp_reader.hpp"
#include "tools/wire-explain/commands.hpp"
#include "tools/wire-explain/text.hpp"

namespace wire::tools {
namespace {

namespace rd = wire::redis;
using Bytes = std::span<const std::uint8_t>;

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// '\r', '\n', '\t', '\0', '\\' and '\xNN' in TEXT become the bytes they name.
std::vector<std::uint8_t> unescape(std::string_view s) {
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '\\' && i + 1 < s.size()) {
            c = s[++i];
            switch (c) {
                case 'r':
                    c = '\r';
                    break;
                case 'n':
                    c = '\n';
                    break;
                case 't':
                    c = '\t';
                    break;
                case '0':
                    c = '\0';
                    break;
                case 'x':
                    if (i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
                        c = static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
                        i += 2;
                    }
                    break;
                default:
                    break;  // "\\" and any other escaped character stand for themselves
            }
        }
        out.push_back(static_cast<std::uint8_t>(c));
    }
    return out;
}

std::string_view meaning(rd::Type t) {
    switch (t) {
        case rd::Type::simple_string:
            return "a short status, no CR or LF inside (RESP2)";
        case rd::Type::error:
            return "the command failed; the first word is the error's kind (RESP2)";
        case rd::Type::integer:
            return "a signed 64-bit integer (RESP2)";
        case rd::Type::bulk_string:
            return "length-prefixed bytes, any bytes at all (RESP2)";
        case rd::Type::array:
            return "that many values follow as its elements (RESP2)";
        case rd::Type::null:
            return "no value (RESP3)";
        case rd::Type::boolean:
            return "t or f (RESP3)";
        case rd::Type::double_number:
            return "a floating point number (RESP3)";
        case rd::Type::big_number:
            return "an integer of any size (RESP3)";
        case rd::Type::bulk_error:
            return "a length-prefixed error (RESP3)";
        case rd::Type::verbatim:
            return "text with a 3-byte format, txt or mkd (RESP3)";
        case rd::Type::map:
            return "that many key-value pairs follow (RESP3)";
        case rd::Type::set:
            return "that many unordered values follow (RESP3)";
        case rd::Type::attribute:
            return "pairs about the value after them, not an element (RESP3)";
        case rd::Type::push:
            return "out-of-band data such as a pub/sub message, not a reply (RESP3)";
    }
    return "";
}

std::string quoted(std::string_view s) {
    constexpr std::size_t kShown = 60;
    std::string out = "\"" + escape(s.substr(0, kShown)) + "\"";
    if (s.size() > kShown) out += "...";
    return out;
}

// One value: where it is, its type, what it holds, what the type means.
void show(std::ostream& out, const rd::Value& v, std::size_t from, std::size_t to,
          std::size_t depth) {
    std::string line = "  bytes " + std::to_string(from) + "-" + std::to_string(to - 1);
    line.resize(std::max<std::size_t>(line.size() + 1, 18), ' ');
    line += std::string(depth * 2, ' ');
    line += std::string(1, static_cast<char>(v.type)) + " " + std::string(rd::type_name(v.type));
    if (v.is_null) {
        line += " null";
    } else if (rd::is_aggregate(v.type)) {
        const bool pairs = v.type == rd::Type::map || v.type == rd::Type::attribute;
        line +=
            " of " + std::to_string(pairs ? v.size / 2 : v.size) + (pairs ? " pairs" : " elements");
    } else if (rd::is_bulk(v.type)) {
        line += ", " +
                std::to_string(v.text.size() + v.format.size() + (v.format.empty() ? 0 : 1)) +
                " bytes: ";
        if (!v.format.empty()) line += std::string(v.format) + ": ";
        line += quoted(v.text);
    } else {
        line += " " + quoted(v.text);
    }
    line.resize(std::max<std::size_t>(line.size() + 2, 64), ' ');
    out << line << meaning(v.type) << '\n';
}

// Walks one checked reply; each aggregate's elements one level deeper.
void walk(std::ostream& out, Bytes reply, std::size_t base) {
    rd::RespCursor c(reply);
    std::vector<std::uint64_t> owed;  // per open aggregate: values still to come
    rd::Value v;
    for (;;) {
        const std::size_t from = c.offset();
        if (!c.next(v)) return;
        show(out, v, base + from, base + c.offset(), owed.size());
        if (!owed.empty() && v.type != rd::Type::attribute) --owed.back();
        if (v.size > 0) owed.push_back(v.size);
        while (!owed.empty() && owed.back() == 0)
            owed.pop_back();
    }
}

}  // namespace

int explain_resp(Args args, std::string input, std::ostream& out) {
    std::vector<std::uint8_t> bytes;
    rd::Type ignored;
    if (args.empty()) {
        bytes.assign(input.begin(), input.end());
    } else if (!args[0].empty() && rd::type_of(static_cast<std::uint8_t>(args[0][0]), ignored)) {
        std::string joined;
        for (auto a : args)
            joined += (joined.empty() ? "" : " ") + std::string(a);
        bytes = unescape(joined);
    } else {
        HexParse hex = parse_hex(args);
        if (!hex.error.empty()) {
            out << "not hex and not RESP text: " << hex.error << '\n';
            return 2;
        }
        bytes = std::move(hex.bytes);
    }
    out << bytes.size()
        << " bytes: " << quoted({reinterpret_cast<const char*>(bytes.data()), bytes.size()})
        << '\n';
    rd::RespReader reader;
    std::size_t at = 0, replies = 0;
    while (at < bytes.size()) {
        const Bytes rest{bytes.data() + at, bytes.size() - at};
        const rd::ReadResult r = reader.read(rest);
        if (r.done()) {
            out << "reply " << ++replies << ", " << r.consumed << " bytes"
                << (r.type == rd::Type::push ? " (a push: out-of-band, matches no command)" : "")
                << ":\n";
            walk(out, rest.first(r.consumed), at);
            at += r.consumed;
            continue;
        }
        walk(out, rest.first(std::min(rest.size(), r.failed() ? r.offset : rest.size())), at);
        if (r.need_more()) {
            out << "incomplete: the reply needs at least " << reader.need() - 0
                << " bytes from byte " << at << "; a client waits for more\n";
        } else {
            out << "invalid at byte " << at + r.offset << ": "
                << rd::make_error_code(r.error).message()
                << "\n  a client closes the connection (it cannot tell where the next reply "
                   "starts)\n";
        }
        return 1;
    }
    if (replies == 0) out << "no reply: empty input\n";
    return replies > 0 ? 0 : 1;
}

}  // namespace wire::tools
