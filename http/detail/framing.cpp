#include "http/detail/framing.hpp"

#include <cstring>

#include "http/detail/chars.hpp"
#include "http/detail/scan.hpp"

namespace wire::http::detail {
namespace {

// Calls fn(element) for each non-empty element of a #list (RFC 9110 §5.6.1), OWS trimmed.
// One pass over the bytes: this runs for every Connection and Transfer-Encoding field.
template <class Fn>
void for_each_element(std::string_view list, Fn&& fn) {
    const char* p = list.data();
    const char* const end = p + list.size();
    while (p < end) {
        while (p < end && (*p == ' ' || *p == '\t' || *p == ','))
            ++p;
        const char* start = p;
        while (p < end && *p != ',')
            ++p;
        const char* stop = p;
        while (stop > start && (stop[-1] == ' ' || stop[-1] == '\t'))
            --stop;
        if (stop > start) fn(std::string_view(start, static_cast<std::size_t>(stop - start)));
    }
}

// Every byte may appear in a host[:port]: unreserved, pct-encoded, sub-delims, ":", "[", "]".
// Runs for every request: the table bits are AND-ed without a branch per byte.
bool valid_host_chars(std::string_view host) noexcept {
    unsigned all = kHost;
    const auto* s = reinterpret_cast<const unsigned char*>(host.data());
    const std::size_t n = host.size();
    if (n < 8) {
        for (std::size_t i = 0; i < n; ++i)
            all &= kChars[s[i]];
        return (all & kHost) != 0;
    }
    const auto eight = [&](std::size_t i) -> unsigned {
        return kChars[s[i]] & kChars[s[i + 1]] & kChars[s[i + 2]] & kChars[s[i + 3]] &
               kChars[s[i + 4]] & kChars[s[i + 5]] & kChars[s[i + 6]] & kChars[s[i + 7]];
    };
    for (std::size_t i = 0; i + 8 <= n; i += 8)
        all &= eight(i);
    // Why: the last 8 bytes once more rather than a byte loop; AND-ing a byte twice is harmless.
    all &= eight(n - 8);
    return (all & kHost) != 0;
}

// port = *DIGIT  (RFC 3986 §3.2.3): empty means the scheme's default ("host:" is valid), and
// leading zeros are allowed; the value must still name a TCP port, 0..65535 (RFC 9293 §3.1).
bool valid_port(std::string_view port) noexcept {
    std::uint32_t value = 0;
    for (char c : port) {
        // Why: "host:port" or "host:8o" is no port; a proxy might read it one way, we another.
        if (!is_digit(static_cast<unsigned char>(c))) return false;
        value = value * 10 + static_cast<std::uint32_t>(c - '0');
        // Why: no more digits can bring it back under 65535, and stopping here keeps `value`
        // from overflowing however many digits follow.
        if (value > 65535) return false;
    }
    return true;
}

// uri-host [ ":" port ]  (RFC 3986 §3.2.2): the port follows an IP-literal's "]", or the first
// ":" of a reg-name or IPv4address (neither may hold one).
bool valid_host_shape(std::string_view host) noexcept {
    std::size_t colon;
    if (!host.empty() && host[0] == '[') {
        // IP-literal = "[" ( IPv6address / IPvFuture ) "]"
        const std::size_t close = host.find(']');
        // Why: an unclosed literal, or one with a second "[", is not an IP-literal.
        if (close == std::string_view::npos ||
            host.substr(1, close - 1).find('[') != std::string_view::npos) {
            return false;
        }
        if (close + 1 == host.size()) return true;
        // Why: after the literal only ":" port may come ("[::1]x" is not an authority).
        if (host[close + 1] != ':') return false;
        colon = close + 1;
    } else {
        // One pass to the first ":" (this runs for every request). Why: "[" and "]" only
        // delimit an IP-literal; a reg-name holds neither, and a port holds only digits.
        for (colon = 0; colon < host.size(); ++colon) {
            const char c = host[colon];
            if (c == ':') break;
            if (c == '[' || c == ']') return false;
        }
        if (colon == host.size()) return true;
    }
    return valid_port(host.substr(colon + 1));
}

// Host = uri-host [ ":" port ]  (RFC 9110 §7.2); empty is allowed (RFC 9112 §3.2).
bool valid_host(std::string_view host) noexcept {
    return valid_host_chars(host) && valid_host_shape(host);
}

// request-target = origin-form / absolute-form / authority-form / asterisk-form
// authority-form = uri-host ":" port; absolute-form = absolute-URI      (RFC 9112 §3.2)
Error check_target_form(MessageHead& head) noexcept {
    const std::string_view t = head.target;
    // Why: a CONNECT target names a tunnel's far end; a path there would mean nothing (§3.2.3).
    if (head.method == "CONNECT") {
        const std::size_t colon = t.rfind(':');
        if (colon == std::string_view::npos || colon == 0 || colon + 1 == t.size()) {
            return Error::bad_target_form;
        }
        for (char c : t.substr(colon + 1))
            if (!is_digit(static_cast<unsigned char>(c))) return Error::bad_target_form;
        return valid_host(t) ? Error{} : Error::bad_host;
    }
    if (!t.empty() && t[0] == '/') return Error{};  // origin-form, the usual case (§3.2.1)
    // Why: "*" names the server itself, which only OPTIONS can ask about (§3.2.4).
    if (t == "*") return head.method == "OPTIONS" ? Error{} : Error::bad_target_form;
    // absolute-form (§3.2.2): we need "scheme://authority"; "host:80" alone is refused.
    std::size_t i = 0;
    while (i < t.size() && (is_token(t[i]) && t[i] != ':' && t[i] != '/'))
        ++i;
    if (i == 0 || t.substr(i, 3) != "://") return Error::bad_target_form;
    const std::string_view rest = t.substr(i + 3);
    const std::string_view authority = rest.substr(0, rest.find_first_of("/?"));
    if (authority.empty()) return Error::bad_target_form;
    // §3.2.2: the target's authority replaces the Host field, so it is held to the same rule
    // (§3.2: an invalid one is a 400), its port included.
    if (!valid_host(authority)) return Error::bad_host;
    head.host = authority;
    return Error{};
}

}  // namespace

Error check_target(MessageHead& head) noexcept {
    if (const Error e = check_target_form(head); e != Error{}) return e;
    // RFC 3986 §2.1: pct-encoded = "%" HEXDIG HEXDIG; "/%zz" is no URI (Go answers 400 too).
    const std::string_view t = head.target;
    for (std::size_t i = find_byte(t, '%'); i != std::string_view::npos;
         i = find_byte(t, '%', i + 3)) {
        if (i + 2 >= t.size() || !is_hex(t[i + 1]) || !is_hex(t[i + 2]))
            return Error::bad_percent_encoding;
    }
    return Error{};
}

bool HostMemo::valid(std::string_view host) noexcept {
    // Before any valid Host is remembered, the memo is "", which is valid too.
    if (host.size() == size_ && std::memcmp(host.data(), bytes_, size_) == 0) return true;
    if (!valid_host(host)) return false;
    if (host.size() <= capacity) {  // a longer one leaves the last in place
        std::memcpy(bytes_, host.data(), host.size());
        size_ = static_cast<std::uint8_t>(host.size());
    }
    return true;
}

bool FramingFacts::note(std::string_view name, std::string_view value, std::size_t at) noexcept {
    // Dispatch on length first: most fields are none of these and cost one switch.
    switch (name.size()) {
        case 4:
            if (iequals_lower(name, "host")) {
                if (host_count_ < 2) ++host_count_;
                if (host_count_ == 1) {
                    host_ = value;
                    host_at_ = at;
                } else {
                    // RFC 9112 §3.2: more than one Host field line is a 400.
                    return fail(Error::duplicate_host, at);
                }
            }
            break;
        case 6:
            // RFC 9110 §10.1.1: the only expectation defined is "100-continue".
            if (iequals_lower(name, "expect") && !value.empty()) {
                if (iequals_lower(value, "100-continue")) {
                    expect_continue_ = true;
                } else {
                    expect_other_ = true;
                }
            }
            break;
        case 7:
            if (iequals_lower(name, "upgrade")) has_upgrade_ = true;
            break;
        case 10:
            if (iequals_lower(name, "connection")) note_connection(value);
            break;
        case 14:
            if (iequals_lower(name, "content-length")) return note_content_length(value, at);
            break;
        case 17:
            if (iequals_lower(name, "transfer-encoding")) note_transfer_encoding(value, at);
            break;
        default:
            break;
    }
    return true;
}

// Content-Length = 1*DIGIT  (RFC 9110 §8.6). No sign, no spaces inside, no list: Go rejects
// "5, 5" too. Repeated identical lines are accepted; differing ones are a smuggling vector.
bool FramingFacts::note_content_length(std::string_view value, std::size_t at) noexcept {
    if (value.empty()) return fail(Error::bad_content_length, at);
    std::uint64_t n = 0;
    for (char c : value) {
        // Why: "+5", "-1", "0x10" and "5 5" must never be read as a number.
        if (!is_digit(static_cast<unsigned char>(c))) return fail(Error::bad_content_length, at);
        const auto d = static_cast<std::uint64_t>(c - '0');
        // Why: a wrapped length would frame the message differently from a peer that does not wrap.
        if (n > (UINT64_MAX - d) / 10) return fail(Error::bad_content_length, at);
        n = n * 10 + d;
    }
    if (has_cl_ && n != content_length_) return fail(Error::conflicting_content_length, at);
    if (!has_cl_) cl_at_ = at;
    has_cl_ = true;
    content_length_ = n;
    return true;
}

// Transfer-Encoding = #transfer-coding  (RFC 9112 §6.1); lines combine into one list.
void FramingFacts::note_transfer_encoding(std::string_view value, std::size_t at) noexcept {
    if (!has_te_) te_at_ = at;
    has_te_ = true;
    for_each_element(value, [&](std::string_view coding) {
        // A coding may carry parameters ("gzip;q=1"); only its name matters here.
        const std::string_view name = trim_ows(coding.substr(0, coding.find(';')));
        if (iequals_lower(name, "chunked")) {
            if (te_chunked_seen_) te_chunked_twice_ = true;
            te_chunked_seen_ = true;
            te_chunked_last_ = true;
        } else {
            te_other_ = true;
            te_chunked_last_ = false;
        }
    });
}

void FramingFacts::note_connection(std::string_view value) noexcept {
    for_each_element(value, [&](std::string_view option) {
        if (iequals_lower(option, "close")) conn_close_ = true;
        if (iequals_lower(option, "keep-alive")) conn_keep_alive_ = true;
        if (iequals_lower(option, "upgrade")) conn_upgrade_ = true;
    });
}

void FramingFacts::apply_connection(MessageHead& head) const noexcept {
    // RFC 9112 §9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 only with "keep-alive".
    head.keep_alive = head.version_minor >= 1 ? !conn_close_ : (conn_keep_alive_ && !conn_close_);
    head.upgrade = conn_upgrade_ && has_upgrade_;
    head.host = host_;
}

// The request rules, in the order RFC 9112 states them.
bool FramingFacts::finish_request(MessageHead& head, const Limits& limits, std::size_t head_end,
                                  HostMemo& hosts) noexcept {
    apply_connection(head);
    // 1. RFC 9112 §3.2: an HTTP/1.1 request without Host, or with an invalid one, is a 400.
    if (host_count_ == 0 && head.version_minor >= 1) return fail(Error::missing_host, head_end);
    if (host_count_ == 1 && !hosts.valid(host_)) return fail(Error::bad_host, host_at_);
    // RFC 9110 §10.1.1: an expectation we cannot meet MAY get a 417 (Go sends one).
    if (expect_other_) return fail(Error::expectation_failed, head_end);
    // 2. RFC 9110 §10.1.1: a server MAY ignore Expect from HTTP/1.0 clients; we do.
    head.expect_continue = expect_continue_ && head.version_minor >= 1;
    if (has_te_) {
        // 3. RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 means faulty framing.
        if (head.version_minor == 0) return fail(Error::transfer_encoding_in_http10, te_at_);
        // 4. RFC 9112 §6.1: TE with CL "ought to be handled as an error" — the classic
        //    request smuggling shape; we reject rather than process as chunked and close.
        if (has_cl_) return fail(Error::content_length_with_transfer_encoding, cl_at_);
        // 5. RFC 9112 §7: chunked must not be applied twice.
        if (te_chunked_twice_) return fail(Error::chunked_applied_twice, te_at_);
        // 6. RFC 9112 §6.3 rule 4: a request whose final coding is not chunked has no
        //    reliable length: 400.
        if (!te_chunked_last_) return fail(Error::chunked_not_final, te_at_);
        // 7. RFC 9112 §6.1: a coding we do not understand (gzip under chunked) is a 501.
        if (te_other_) return fail(Error::unsupported_transfer_coding, te_at_);
        head.framing = Framing::chunked;
        return true;
    }
    if (has_cl_) {
        // 8. Refuse a declared body above the limit before reading any of it (413).
        if (content_length_ > limits.max_body) return fail(Error::body_too_large, cl_at_);
        head.framing = Framing::content_length;
        head.content_length = content_length_;
        return true;
    }
    // 9. RFC 9112 §6.3 rule 6: no TE and no CL means no body.
    head.framing = Framing::none;
    return true;
}

bool FramingFacts::finish_response(MessageHead& head, bool to_head) noexcept {
    apply_connection(head);
    head.content_length = content_length_;
    // RFC 9112 §6.3 rule 1: HEAD responses, 1xx, 204 and 304 end at the head.
    if (to_head || (head.status >= 100 && head.status < 200) || head.status == 204 ||
        head.status == 304) {
        head.framing = Framing::none;
        return true;
    }
    if (has_te_) {
        // RFC 9112 §6.3 rule 3: TE overrides CL, but such a message "ought to be handled as an
        // error" by a proxy; as a client we decode it and do not reuse the connection. An
        // HTTP/1.0 response with TE is faulty framing: same treatment (RFC 9112 §6.1).
        if (has_cl_ || head.version_minor == 0) head.keep_alive = false;
        if (te_chunked_twice_) return fail(Error::chunked_applied_twice, te_at_);
        // Rule 4: final coding chunked -> chunked; otherwise read until close.
        head.framing = te_chunked_last_ ? Framing::chunked : Framing::until_close;
        if (!te_chunked_last_) head.keep_alive = false;
        return true;
    }
    if (has_cl_) {
        head.framing = Framing::content_length;
        return true;
    }
    // Rule 8: otherwise the body runs until the server closes.
    head.framing = Framing::until_close;
    head.keep_alive = false;
    return true;
}

}  // namespace wire::http::detail
