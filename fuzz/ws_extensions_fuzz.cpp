// Sec-WebSocket-Extensions parser and the permessage-deflate negotiation. The first byte picks
// the server's preferences; the rest is a header value, read as a client's offer (server side)
// and as a server's answer (client side). Checks: the parser stops inside the input and agrees
// with check_extension_syntax; an accepted offer yields windows of 8..15 and an answer that
// parses and is a valid answer for permessage-deflate; the client check never reports
// acceptance with an error, nor parameters out of range.
#include <cstdlib>
#include <string>
#include <string_view>

#include "websocket/deflate_negotiation.hpp"

namespace {

using namespace wire::websocket;

bool in_range(int bits) {
    return bits >= min_deflate_window_bits && bits <= max_deflate_window_bits;
}

bool params_in_range(const DeflateParams& p) {
    return in_range(p.server_max_window_bits) && in_range(p.client_max_window_bits);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::uint8_t pick = data[0];
    const std::string_view header(reinterpret_cast<const char*>(data + 1), size - 1);
    CompressionOptions prefs;
    prefs.server_max_window_bits = 8 + (pick & 7);
    prefs.client_max_window_bits = 8 + ((pick >> 3) & 7);
    prefs.server_no_context_takeover = (pick & 0x40) != 0;
    prefs.client_no_context_takeover = (pick & 0x80) != 0;

    // The parser: every element ends inside the header; errors are sticky.
    ExtensionList list(header);
    ExtensionOffer offer;
    while (list.next(offer)) {
        if (offer.name.empty() || offer.param_count > max_extension_params) std::abort();
    }
    if (list.offset() > header.size()) std::abort();
    if (list.syntax() != check_extension_syntax(header)) std::abort();

    // Server side.
    const DeflateAgreement a = negotiate_deflate(header, prefs);
    if (a.syntax != list.syntax()) std::abort();
    if (a.accepted) {
        if (!params_in_range(a.params)) std::abort();
        if (a.params.server_max_window_bits > prefs.server_max_window_bits) std::abort();
        ExtensionList answer(a.response);
        ExtensionOffer element;
        DeflateOffer parsed;
        if (!answer.next(element) || !parse_deflate_params(element, false, parsed)) std::abort();
        if (answer.next(element) || answer.failed()) std::abort();
    }

    // Client side: whatever the answer, a verdict and sane parameters.
    bool accepted = false;
    DeflateParams p;
    const std::error_code ec = check_deflate_response(header, prefs, accepted, p);
    if (ec && accepted) std::abort();
    if (accepted && !params_in_range(p)) std::abort();
    if (accepted && p.client_max_window_bits > prefs.client_max_window_bits) std::abort();
    return 0;
}
