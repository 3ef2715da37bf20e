// wire-explain request < req.txt (and response < resp.txt): an HTTP/1.1 head parsed by wire's
// HeadParser (http/parser.hpp), each part with the rule it follows, or the exact byte and rule
// where it fails (RFC 9112).
#include <ostream>
#include <string>
#include <vector>

#include "http/parser.hpp"
#include "http/status.hpp"
#include "http/trace.hpp"
#include "tools/wire-explain/commands.hpp"
#include "tools/wire-explain/text.hpp"
#include "websocket/handshake.hpp"
#include "websocket/trace.hpp"

namespace wire::tools {
namespace {

// Files made in an editor end lines with LF alone; HTTP wants CRLF (RFC 9112 §2.2). When the
// input has no CR at all, it was surely typed, not captured, so convert it.
bool normalise_line_endings(std::string& s) {
    if (s.find('\r') != std::string::npos || s.find('\n') == std::string::npos) return false;
    std::string out;
    for (const char c : s) {
        if (c == '\n') out += '\r';
        out += c;
    }
    s = std::move(out);
    return true;
}

std::string_view target_form(std::string_view method, std::string_view target) {
    if (target == "*") return "asterisk-form, for OPTIONS (RFC 9112 §3.2.4)";
    if (method == "CONNECT") return "authority-form, for CONNECT (RFC 9112 §3.2.3)";
    if (!target.empty() && target[0] == '/') return "origin-form: path and query (RFC 9112 §3.2.1)";
    return "absolute-form: a whole URI, as sent to a proxy (RFC 9112 §3.2.2)";
}

std::string_view status_class(int status) {
    switch (status / 100) {
        case 1:
            return "1xx informational (RFC 9110 §15.2)";
        case 2:
            return "2xx successful (RFC 9110 §15.3)";
        case 3:
            return "3xx redirection (RFC 9110 §15.4)";
        case 4:
            return "4xx client error (RFC 9110 §15.5)";
        case 5:
            return "5xx server error (RFC 9110 §15.6)";
        default:
            return "not a defined class (RFC 9110 §15)";
    }
}

// "     0  text                    note": the offset column, the text, its annotation.
void row(std::ostream& out, std::size_t offset, std::string_view text, std::string_view note) {
    std::string line = std::to_string(offset);
    line.insert(0, line.size() < 6 ? 6 - line.size() : 0, ' ');
    line += "  ";
    line += text;
    if (!note.empty()) {
        line.resize(std::max<std::size_t>(line.size() + 2, 44), ' ');
        line += note;
    }
    out << line << '\n';
}

void start_line(std::ostream& out, const http::MessageHead& h, std::string_view raw) {
    const std::size_t eol = raw.find("\r\n");
    row(out, 0, escape(raw.substr(0, eol)),
        h.method.empty() ? "the status-line (RFC 9112 §4)" : "the request-line (RFC 9112 §3)");
    const std::string version = "HTTP/1." + std::to_string(h.version_minor);
    if (!h.method.empty()) {
        row(out, 0, "  method  = " + std::string(h.method), "a token (RFC 9110 §9.1)");
        row(out, static_cast<std::size_t>(h.target.data() - raw.data()),
            "  target  = " + std::string(h.target), target_form(h.method, h.target));
        row(out, static_cast<std::size_t>(h.target.data() - raw.data()) + h.target.size() + 1,
            "  version = " + version, "HTTP-version (RFC 9112 §2.3)");
        return;
    }
    row(out, 0, "  version = " + version, "HTTP-version (RFC 9112 §2.3)");
    row(out, 9, "  status  = " + std::to_string(h.status), status_class(h.status));
    if (!h.reason.empty())
        row(out, static_cast<std::size_t>(h.reason.data() - raw.data()),
            "  reason  = " + std::string(h.reason), "for people, ignored (RFC 9112 §4)");
}

// A request that asks for a WebSocket: the server's verdict (websocket/handshake.hpp) and, when
// it accepts, how Sec-WebSocket-Accept follows from the key.
void explain_handshake(std::ostream& out, const http::MessageHead& h) {
    const std::string version = "HTTP/1." + std::to_string(h.version_minor);
    websocket::UpgradeRequest req;
    req.method = h.method;
    req.http_version = version;
    req.host = h.host;
    req.upgrade = h.fields.get("Upgrade");
    req.connection = h.fields.get("Connection");
    req.version = h.fields.get("Sec-WebSocket-Version");
    req.key = h.fields.get("Sec-WebSocket-Key");
    req.protocol = h.fields.get("Sec-WebSocket-Protocol");
    req.extensions = h.fields.get("Sec-WebSocket-Extensions");
    req.origin = h.fields.get("Origin");
    const websocket::HandshakeCheck check = websocket::check_upgrade_request(req);
    if (!check.ok()) {
        out << "websocket: the handshake fails: " << check.error.message() << " -> " << check.status
            << ' ' << http::status_text(check.status) << '\n';
        return;
    }
    out << "websocket: a valid opening handshake (RFC 6455 §4.2.1); the server answers 101 with\n"
           "Sec-WebSocket-Accept derived like this (wire-explain accept "
        << req.key << " shows every step):\n"
        << websocket::describe_accept(req.key, http::Direction::received);
}

void explain_parsed(std::ostream& out, const http::MessageHead& h, std::string_view raw,
                    std::size_t consumed, bool request) {
    out << "offset  line\n";
    start_line(out, h, raw);
    for (const http::Field& f : h.fields) {
        const auto offset = static_cast<std::size_t>(f.name.data() - raw.data());
        row(out, offset, escape(std::string(f.name) + ": " + std::string(f.value)),
            http::field_note(f.name));
    }
    row(out, consumed - 2, "\\r\\n", "the empty line: end of the head (RFC 9112 §2.1)");

    out << "\nhead: " << consumed << " bytes; " << h.fields.size()
        << (h.fields.size() == 1 ? " field line\n" : " field lines\n");
    out << "body: " << http::describe_framing(h);
    const std::size_t rest = raw.size() - consumed;
    if (h.framing == http::Framing::none && request)
        out << " (no Content-Length or Transfer-Encoding, RFC 9112 §6.3 rule 6)";
    out << "; " << rest << " bytes follow the head\n";
    out << "connection: "
        << (h.keep_alive ? "stays open for another message" : "closes after this message")
        << " (RFC 9112 §9.3)\n";
    if (request) out << "host: " << (h.host.empty() ? "(none)" : h.host) << '\n';
    if (h.upgrade && request) out << "upgrade: asks to switch protocols (RFC 9110 §7.8)\n";
    if (!request && h.status == 101)
        out << "upgrade: after the empty line the connection speaks the protocol named in Upgrade "
               "(RFC 9110 §15.2.2)\n";
    if (h.expect_continue) out << "expect: the client waits for 100 Continue (RFC 9110 §10.1.1)\n";
    if (request && (h.upgrade || h.fields.has("Sec-WebSocket-Key"))) explain_handshake(out, h);
}

// The line holding `offset`, escaped, with a caret under the byte.
void point_at(std::ostream& out, std::string_view raw, std::size_t offset) {
    if (offset >= raw.size()) return;  // a rule about the whole head (Host): no byte to show
    const std::size_t start = offset == 0 ? 0 : raw.rfind('\n', offset - 1) + 1;
    std::size_t end = raw.find('\n', offset);
    end = end == std::string_view::npos ? raw.size() : end + 1;
    std::size_t line_no = 1;
    for (std::size_t i = 0; i < start; ++i)
        line_no += raw[i] == '\n' ? 1 : 0;
    std::size_t column = offset - start;
    const std::string shown = escape(raw.substr(start, end - start), &column);
    out << "line " << line_no << ", column " << offset - start + 1 << ":\n    " << shown << "\n    "
        << std::string(column, ' ') << "^\n";
}

}  // namespace

int explain_http(Args args, std::string input, bool request, std::ostream& out) {
    const bool raw_mode = !args.empty() && args[0] == "--raw";
    out << "read " << input.size() << " bytes";
    if (!raw_mode && normalise_line_endings(input))
        out << "; lines ended with LF alone, read as CRLF (RFC 9112 §2.2; --raw keeps them): "
            << input.size() << " bytes";
    out << "\n\n";

    std::vector<http::Field> fields(http::Limits{}.max_fields);
    http::HeadParser parser(
        request ? http::HeadParser::Kind::request : http::HeadParser::Kind::response, fields);
    const http::ParseResult r = parser.parse(input);
    if (r.done()) {
        explain_parsed(out, parser.head(), input, r.consumed, request);
        return 0;
    }
    if (r.need_more()) {
        out << "incomplete: no empty line ends the head yet (RFC 9112 §2.1); a server would wait\n"
               "for more bytes. Does the input end with an empty line?\n";
        return 1;
    }
    out << http::describe_error(r.error, r.offset, request) << '\n';
    point_at(out, input, r.offset);
    return 1;
}

}  // namespace wire::tools
