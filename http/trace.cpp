#include "http/trace.hpp"

#include <array>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "http/detail/chars.hpp"
#include "http/parser.hpp"
#include "http/status.hpp"

namespace wire::http {
namespace {

struct FieldNote {
    std::string_view name;  // lower case
    std::string_view note;
};

// What each well-known field is for. Lookup is linear: trace mode is not a hot path.
constexpr std::array<FieldNote, 30> kFieldNotes{{
    {"host", "the host (and port) the request is for (RFC 9112 §3.2)"},
    {"content-length", "the body is exactly this many bytes (RFC 9110 §8.6)"},
    {"transfer-encoding", "codings applied to the body, chunked last (RFC 9112 §6.1)"},
    {"connection", "options for this hop only: close, keep-alive, upgrade (RFC 9110 §7.6.1)"},
    {"upgrade", "the protocol the sender wants to switch to (RFC 9110 §7.8)"},
    {"expect", "100-continue: wait for the server before sending the body (RFC 9110 §10.1.1)"},
    {"content-type", "the media type of the body (RFC 9110 §8.3)"},
    {"content-encoding", "codings applied to the content, e.g. gzip (RFC 9110 §8.4)"},
    {"user-agent", "the client software (RFC 9110 §10.1.5)"},
    {"server", "the server software (RFC 9110 §10.2.4)"},
    {"accept", "media types the client prefers (RFC 9110 §12.5.1)"},
    {"accept-encoding", "content codings the client understands (RFC 9110 §12.5.3)"},
    {"accept-language", "natural languages the client prefers (RFC 9110 §12.5.4)"},
    {"date", "when the message was made (RFC 9110 §6.6.1)"},
    {"location", "where the resource is instead (RFC 9110 §10.2.2)"},
    {"referer", "the page the request came from (RFC 9110 §10.1.3)"},
    {"authorization", "the client's credentials (RFC 9110 §11.6.2)"},
    {"cookie", "state the server stored in the client (RFC 6265 §5.4)"},
    {"set-cookie", "state the server asks the client to store (RFC 6265 §4.1)"},
    {"cache-control", "caching directives (RFC 9111 §5.2)"},
    {"last-modified", "when the resource last changed (RFC 9110 §8.8.2)"},
    {"etag", "a version tag of the resource (RFC 9110 §8.8.3)"},
    {"range", "only these bytes of the resource, please (RFC 9110 §14.2)"},
    {"trailer", "fields that follow a chunked body (RFC 9110 §6.6.2)"},
    {"origin", "the web page that opened the connection (RFC 6454 §7, RFC 6455 §10.2)"},
    {"sec-websocket-key", "16 random bytes in base64, echoed back hashed (RFC 6455 §4.1)"},
    {"sec-websocket-accept", "base64(SHA-1(key + GUID)): the handshake was read (RFC 6455 §4.2.2)"},
    {"sec-websocket-version", "the WebSocket protocol version, always 13 (RFC 6455 §4.1)"},
    {"sec-websocket-protocol", "subprotocols offered or the one chosen (RFC 6455 §4.1, §4.2.2)"},
    {"sec-websocket-extensions", "extensions such as permessage-deflate (RFC 6455 §9, RFC 7692)"},
}};

void append_number(std::string& out, std::uint64_t n) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, n);
    out.append(buf, r.ptr);
}

// Appends "<prefix><text>", padded to a column, then "# <note>" when there is a note.
void append_line(std::string& out, std::string_view prefix, std::string_view text,
                 std::string_view note) {
    constexpr std::size_t note_column = 40;
    out += prefix;
    out += text;
    if (!note.empty()) {
        out.append(text.size() < note_column ? note_column - text.size() : 2, ' ');
        out += "# ";
        out += note;
    }
    out += '\n';
}

std::string prefix_for(Direction dir) {
    std::string p = "http ";
    p += direction_word(dir);
    p += " | ";
    return p;
}

std::string start_line(const MessageHead& head) {
    std::string s;
    if (!head.method.empty()) {
        s += head.method;
        s += ' ';
        s += head.target;
        s += " HTTP/1.";
        append_number(s, static_cast<std::uint64_t>(head.version_minor));
        return s;
    }
    s += "HTTP/1.";
    append_number(s, static_cast<std::uint64_t>(head.version_minor));
    s += ' ';
    append_number(s, static_cast<std::uint64_t>(head.status));
    if (!head.reason.empty()) {
        s += ' ';
        s += head.reason;
    }
    return s;
}

}  // namespace

std::string_view direction_word(Direction d) noexcept {
    return d == Direction::received ? "recv" : "send";
}

bool trace_enabled() noexcept {
    // A function-local static is initialised once, thread-safely (C++11 "magic statics").
    static const bool enabled = [] {
        const char* v = std::getenv("WIRE_TRACE");
        return v != nullptr && v[0] != '\0' && std::string_view(v) != "0";
    }();
    return enabled;
}

void trace_write(std::string_view text) noexcept {
    if (text.empty()) return;
    if (text.back() == '\n') {
        std::fwrite(text.data(), 1, text.size(), stderr);
        return;
    }
    // One fwrite per call: glibc locks the stream for its duration, so lines stay whole.
    try {
        std::string line(text);
        line += '\n';
        std::fwrite(line.data(), 1, line.size(), stderr);
    } catch (...) {
        // Out of memory while tracing: drop the line rather than disturb the program.
    }
}

TraceSink stderr_trace_sink() {
    return [](std::string_view lines) { trace_write(lines); };
}

TraceSink default_trace_sink() {
    return trace_enabled() ? stderr_trace_sink() : TraceSink{};
}

void trace_head(const TraceSink& sink, std::string_view raw, Direction dir) noexcept {
    if (!sink) return;
    try {
        sink(describe_head(raw, dir));
    } catch (...) {
        // Out of memory (or a sink that threw) while tracing: drop the line, serve on.
    }
}

void trace_head(const TraceSink& sink, const MessageHead& head, Direction dir) noexcept {
    if (!sink) return;
    try {
        sink(describe_head(head, dir));
    } catch (...) {
        // As above: a trace line is never worth failing the exchange for.
    }
}

void trace_head(std::string_view raw, Direction dir) noexcept {
    if (!trace_enabled()) return;
    trace_head(stderr_trace_sink(), raw, dir);
}

std::string_view field_note(std::string_view name) noexcept {
    for (const FieldNote& n : kFieldNotes) {
        if (detail::iequals(n.name, name)) return n.note;
    }
    return {};
}

std::string describe_framing(const MessageHead& head) {
    switch (head.framing) {
        case Framing::none:
            return "no body";
        case Framing::content_length: {
            std::string s = "a body of ";
            append_number(s, head.content_length);
            s += head.content_length == 1 ? " byte (Content-Length)" : " bytes (Content-Length)";
            return s;
        }
        case Framing::chunked:
            return "a chunked body (RFC 9112 §7.1)";
        case Framing::until_close:
            return "a body until the connection closes (RFC 9112 §6.3)";
    }
    return "unknown framing";
}

std::string describe_head(const MessageHead& head, Direction dir) {
    const std::string prefix = prefix_for(dir);
    const bool request = !head.method.empty();
    std::string out;
    append_line(out, prefix, start_line(head),
                request ? "request-line: method, target, version (RFC 9112 §3)"
                        : "status-line: version, status code, reason (RFC 9112 §4)");
    for (const Field& f : head.fields) {
        std::string text(f.name);
        text += ": ";
        text += f.value;
        append_line(out, prefix, text, field_note(f.name));
    }
    std::string summary = "= ";
    summary += describe_framing(head);
    summary += head.keep_alive ? ", keep-alive" : ", then close";
    if (head.upgrade) summary += ", asks to upgrade";
    if (head.expect_continue) summary += ", expects 100-continue";
    append_line(out, prefix, summary, {});
    return out;
}

std::string describe_head(std::string_view raw, Direction dir) {
    const bool request = raw.substr(0, 5) != "HTTP/";
    const ParseOptions options{};
    std::vector<Field> fields(options.limits.max_fields);
    HeadParser parser(request ? HeadParser::Kind::request : HeadParser::Kind::response, fields,
                      options);
    const ParseResult r = parser.parse(raw);
    if (r.done()) return describe_head(parser.head(), dir);
    std::string out = prefix_for(dir);
    if (r.failed()) {
        out += describe_error(r.error, r.offset, request);
    } else {
        out += "incomplete head: ";
        append_number(out, raw.size());
        out += " bytes and no empty line yet (RFC 9112 §2.1)";
    }
    out += '\n';
    return out;
}

std::string describe_error(Error e, std::size_t offset, bool request) {
    std::string out = "error at byte ";
    append_number(out, offset);
    out += ": ";
    out += reason(e);
    if (request) {
        const int status = status_for(e);
        out += " -> ";
        append_number(out, static_cast<std::uint64_t>(status));
        out += ' ';
        out += status_text(status);
    }
    return out;
}

}  // namespace wire::http
