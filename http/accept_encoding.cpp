#include "http/accept_encoding.hpp"

#include "http/detail/chars.hpp"

namespace wire::http {
namespace {

using detail::iequals;
using detail::trim_ows;

// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )   (RFC 9110 §12.4.2)
// Returns thousandths, or -1 when `s` is not a qvalue.
int parse_qvalue(std::string_view s) noexcept {
    if (s.empty() || (s[0] != '0' && s[0] != '1')) return -1;
    const bool one = s[0] == '1';
    if (s.size() == 1) return one ? 1000 : 0;
    // Why: "1." and "0." are valid (0*3DIGIT may be empty), more than 3 decimals are not.
    if (s[1] != '.' || s.size() > 5) return -1;
    int thousandths = 0;
    int scale = 100;
    for (std::size_t i = 2; i < s.size(); ++i, scale /= 10) {
        if (!detail::is_digit(static_cast<unsigned char>(s[i]))) return -1;
        thousandths += (s[i] - '0') * scale;
    }
    // Why: a weight above 1 ("1.5") is outside the grammar.
    if (one && thousandths != 0) return -1;
    return one ? 1000 : thousandths;
}

// weight = OWS ";" OWS "q=" qvalue. `params` is what follows the coding, from its first ';'.
// An element with no weight has q=1; one with a parameter other than q is outside the grammar.
int parse_weight(std::string_view params) noexcept {
    params = trim_ows(params);
    if (params.empty()) return 1000;
    if (params[0] != ';') return -1;
    params = trim_ows(params.substr(1));
    if (params.size() < 2 || (params[0] != 'q' && params[0] != 'Q') || params[1] != '=') return -1;
    return parse_qvalue(params.substr(2));
}

void record(int& slot, int weight) noexcept {
    if (slot == AcceptEncoding::not_named) slot = weight;
}

}  // namespace

std::string_view coding_name(ContentCoding coding) noexcept {
    switch (coding) {
        case ContentCoding::gzip:
            return "gzip";
        case ContentCoding::deflate:
            return "deflate";
        case ContentCoding::identity:
            break;
    }
    return "identity";
}

int AcceptEncoding::weight(ContentCoding coding) const noexcept {
    const int own = coding == ContentCoding::gzip      ? gzip
                    : coding == ContentCoding::deflate ? deflate
                                                       : identity;
    if (own != not_named) return own;
    if (any != not_named) return any;
    // RFC 9110 §12.5.3: identity is acceptable unless excluded by name or by "*".
    return coding == ContentCoding::identity ? 1 : 0;
}

void parse_accept_encoding(std::string_view value, AcceptEncoding& into) noexcept {
    into.present = true;
    while (!value.empty()) {
        const std::size_t comma = value.find(',');
        std::string_view element = value.substr(0, comma);
        value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);

        const std::size_t semi = element.find(';');
        const std::string_view coding = trim_ows(element.substr(0, semi));
        // RFC 9110 §5.6.1: a list may hold empty elements; they carry nothing.
        if (coding.empty()) continue;
        const int weight = parse_weight(semi == std::string_view::npos ? std::string_view{}
                                                                       : element.substr(semi));
        if (weight < 0) continue;

        if (iequals(coding, "gzip") || iequals(coding, "x-gzip"))
            record(into.gzip, weight);
        else if (iequals(coding, "deflate"))
            record(into.deflate, weight);
        else if (iequals(coding, "identity"))
            record(into.identity, weight);
        else if (coding == "*")
            record(into.any, weight);
    }
}

AcceptEncoding parse_accept_encoding(const HeaderView& header) noexcept {
    AcceptEncoding accepted;
    for (const Field& field : header) {
        if (iequals(field.name, "Accept-Encoding")) parse_accept_encoding(field.value, accepted);
    }
    return accepted;
}

CodingChoice choose_coding(const AcceptEncoding& accepted, bool offer_gzip,
                           bool offer_deflate) noexcept {
    // RFC 9110 §12.5.3: without the field the client states no preference; sending what it
    // did not ask for would break clients that cannot decode, so identity it is.
    if (!accepted.present) return {};
    ContentCoding best = ContentCoding::identity;
    int best_weight = 0;
    if (offer_gzip && accepted.weight(ContentCoding::gzip) > best_weight) {
        best = ContentCoding::gzip;
        best_weight = accepted.weight(ContentCoding::gzip);
    }
    if (offer_deflate && accepted.weight(ContentCoding::deflate) > best_weight) {
        best = ContentCoding::deflate;
        best_weight = accepted.weight(ContentCoding::deflate);
    }
    const int identity_weight = accepted.weight(ContentCoding::identity);
    if (best_weight > 0 && best_weight >= identity_weight) return {best, false};
    return {ContentCoding::identity, identity_weight == 0};
}

}  // namespace wire::http
