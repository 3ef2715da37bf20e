#include "websocket/deflate_negotiation.hpp"

#include <algorithm>

#include "websocket/error.hpp"

namespace wire::websocket {

namespace {

// RFC 7692 §7.1.2: a window size is a decimal integer from 8 to 15 (written without leading
// zeros; "08" is not one of the values the RFC lists).
int window_bits_value(std::string_view v) noexcept {
    if (v.size() == 1 && v[0] >= '8' && v[0] <= '9') return v[0] - '0';
    if (v.size() == 2 && v[0] == '1' && v[1] >= '0' && v[1] <= '5') return 10 + (v[1] - '0');
    return 0;
}

// The first offer a client makes: everything it prefers.
DeflateOffer preferred_offer(const CompressionOptions& prefs) noexcept {
    DeflateOffer o;
    o.server_no_context_takeover = prefs.server_no_context_takeover;
    o.client_no_context_takeover = prefs.client_no_context_takeover;
    if (prefs.server_max_window_bits < max_deflate_window_bits)
        o.server_max_window_bits = prefs.server_max_window_bits;
    // §7.1.2.2: with a value, a hint that we will not use more; without, that we can limit it.
    o.client_max_window_bits =
        prefs.client_max_window_bits < max_deflate_window_bits ? prefs.client_max_window_bits : -1;
    return o;
}

// The fallback for servers that decline the preferred offer: no demand on the server.
DeflateOffer plain_offer() noexcept {
    DeflateOffer o;
    o.client_max_window_bits = -1;
    return o;
}

bool same_offer(const DeflateOffer& a, const DeflateOffer& b) noexcept {
    return a.server_no_context_takeover == b.server_no_context_takeover &&
           a.client_no_context_takeover == b.client_no_context_takeover &&
           a.server_max_window_bits == b.server_max_window_bits &&
           a.client_max_window_bits == b.client_max_window_bits;
}

// RFC 7692 §7.1, the server's side: what it answers to the acceptable offer `o`.
DeflateOffer answer_offer(const DeflateOffer& o, const CompressionOptions& prefs,
                          DeflateParams& params) noexcept {
    DeflateOffer a;
    // §7.1.1.1: an offer of server_no_context_takeover must be accepted by repeating it; the
    // server may also choose it on its own.
    a.server_no_context_takeover = o.server_no_context_takeover || prefs.server_no_context_takeover;
    // §7.1.1.2: the server may ask the client not to take over its context; a client that
    // offered it does so anyway, and hearing it back does no harm.
    a.client_no_context_takeover = o.client_no_context_takeover || prefs.client_no_context_takeover;
    // §7.1.2.1: the server answers with the same or a smaller window than offered, and may name
    // its own window when the offer named none.
    const int server_bits = o.server_max_window_bits > 0
                                ? std::min(o.server_max_window_bits, prefs.server_max_window_bits)
                                : prefs.server_max_window_bits;
    if (o.server_max_window_bits > 0 || server_bits < max_deflate_window_bits)
        a.server_max_window_bits = server_bits;
    // §7.1.2.2: only a client that offered client_max_window_bits can be told a window; without
    // it the response "MUST NOT include" the parameter, and the client may use 32 KiB.
    int client_bits = max_deflate_window_bits;
    if (o.client_max_window_bits != 0) {
        const int offered =
            o.client_max_window_bits > 0 ? o.client_max_window_bits : max_deflate_window_bits;
        client_bits = std::min(offered, prefs.client_max_window_bits);
        if (o.client_max_window_bits > 0 || client_bits < max_deflate_window_bits)
            a.client_max_window_bits = client_bits;
    }
    params.server_no_context_takeover = a.server_no_context_takeover;
    params.client_no_context_takeover = a.client_no_context_takeover;
    params.server_max_window_bits = server_bits;
    params.client_max_window_bits = client_bits;
    return a;
}

// RFC 7692 §7.1, the client's side: whether answer `a` is a valid acceptance of offer `o`, and
// what then holds.
bool answer_fits(const DeflateOffer& o, const DeflateOffer& a, DeflateParams& params) noexcept {
    // §7.1.1.1: an offered server_no_context_takeover must come back; unasked, it is allowed.
    if (o.server_no_context_takeover && !a.server_no_context_takeover) return false;
    // §7.1.2.1: an offered server window must come back, the same or smaller.
    if (o.server_max_window_bits > 0 &&
        (a.server_max_window_bits == 0 || a.server_max_window_bits > o.server_max_window_bits)) {
        return false;
    }
    // §7.1.2.2: a client window only if we offered the parameter, and within our value.
    if (o.client_max_window_bits == 0 && a.client_max_window_bits != 0) return false;
    if (o.client_max_window_bits > 0 && a.client_max_window_bits > o.client_max_window_bits)
        return false;
    params.server_no_context_takeover = a.server_no_context_takeover;
    // §7.1.1.2: the server may ask us; when we offered it we do it in any case.
    params.client_no_context_takeover =
        a.client_no_context_takeover || o.client_no_context_takeover;
    params.server_max_window_bits =
        a.server_max_window_bits > 0 ? a.server_max_window_bits : max_deflate_window_bits;
    int client_bits =
        a.client_max_window_bits > 0 ? a.client_max_window_bits : max_deflate_window_bits;
    if (o.client_max_window_bits > 0) client_bits = std::min(client_bits, o.client_max_window_bits);
    params.client_max_window_bits = client_bits;
    return true;
}

}  // namespace

bool parse_deflate_params(const ExtensionOffer& element, bool is_offer,
                          DeflateOffer& out) noexcept {
    out = {};
    bool seen[4] = {};
    for (const ExtensionParam& p : element.params()) {
        int index = -1;
        if (p.name == "server_no_context_takeover") index = 0;
        if (p.name == "client_no_context_takeover") index = 1;
        if (p.name == "server_max_window_bits") index = 2;
        if (p.name == "client_max_window_bits") index = 3;
        // §7.1: a parameter not defined for permessage-deflate, or one given twice, voids it.
        if (index < 0 || seen[index]) return false;
        seen[index] = true;
        if (index < 2) {
            // §7.1.1: the no_context_takeover parameters have no value.
            if (p.has_value) return false;
            (index == 0 ? out.server_no_context_takeover : out.client_no_context_takeover) = true;
            continue;
        }
        int bits = -1;
        if (p.has_value) {
            bits = window_bits_value(p.value);
            if (bits == 0) return false;  // §7.1.2: only 8 to 15
        }
        // §7.1.2.1: server_max_window_bits always has a value; §7.1.2.2: client_max_window_bits
        // may come without one in an offer only.
        if (bits < 0 && (index == 2 || !is_offer)) return false;
        (index == 2 ? out.server_max_window_bits : out.client_max_window_bits) = bits;
    }
    return true;
}

void append_deflate_element(std::string& out, const DeflateOffer& p) {
    out += permessage_deflate;
    if (p.server_no_context_takeover) out += "; server_no_context_takeover";
    if (p.client_no_context_takeover) out += "; client_no_context_takeover";
    if (p.server_max_window_bits > 0) {
        out += "; server_max_window_bits=";
        out += std::to_string(p.server_max_window_bits);
    }
    if (p.client_max_window_bits != 0) {
        out += "; client_max_window_bits";
        if (p.client_max_window_bits > 0) out += "=" + std::to_string(p.client_max_window_bits);
    }
}

DeflateAgreement negotiate_deflate(std::string_view header, const CompressionOptions& prefs) {
    DeflateAgreement result;
    ExtensionList list(header);
    ExtensionOffer element;
    // The whole header is read, also past the accepted offer: a malformed one is refused (400).
    while (list.next(element)) {
        if (result.accepted || element.name != permessage_deflate) continue;  // §9.1: declined
        DeflateOffer offer;
        // §7.1: an offer with unknown, repeated or invalid parameters is declined, not an error;
        // the next offer may do.
        if (!parse_deflate_params(element, /*is_offer=*/true, offer)) continue;
        const DeflateOffer answer = answer_offer(offer, prefs, result.params);
        append_deflate_element(result.response, answer);
        result.accepted = true;
    }
    if (list.failed()) return DeflateAgreement{false, {}, {}, list.syntax()};
    return result;
}

std::string deflate_offers(const CompressionOptions& prefs) {
    const DeflateOffer first = preferred_offer(prefs);
    std::string out;
    append_deflate_element(out, first);
    if (!same_offer(first, plain_offer())) {
        out += ", ";
        append_deflate_element(out, plain_offer());
    }
    return out;
}

std::error_code check_deflate_response(std::string_view response, const CompressionOptions& prefs,
                                       bool& accepted, DeflateParams& params) {
    accepted = false;
    ExtensionList list(response);
    ExtensionOffer element;
    bool found = false;
    while (list.next(element)) {
        // The names were checked against the request (RFC 6455 §4.1); permessage-deflate twice
        // would mean two compressions on one RSV1 bit (§5.1: one extension per bit).
        if (element.name != permessage_deflate) return Error::handshake_unrequested_extension;
        if (found) return Error::handshake_bad_extensions;
        DeflateOffer answer;
        if (!parse_deflate_params(element, /*is_offer=*/false, answer))
            return Error::handshake_bad_deflate_response;
        // §7.1: the answer accepts one of our offers; it must be a valid answer to one of them.
        if (!answer_fits(preferred_offer(prefs), answer, params) &&
            !answer_fits(plain_offer(), answer, params)) {
            return Error::handshake_bad_deflate_response;
        }
        found = true;
    }
    if (list.failed()) return Error::handshake_bad_extensions;
    accepted = found;
    // What the client does in its own direction may be stricter than agreed: a smaller window
    // and a fresh context per message are always valid DEFLATE for the server to inflate.
    if (accepted) {
        params.client_max_window_bits =
            std::min(params.client_max_window_bits, prefs.client_max_window_bits);
        params.client_no_context_takeover |= prefs.client_no_context_takeover;
    }
    return {};
}

}  // namespace wire::websocket
