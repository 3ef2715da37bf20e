// Accept-Encoding (RFC 9110 §12.5.3): the content codings a client accepts, with their weights,
// and the coding a response should use.
//
//   Accept-Encoding = #( codings [ weight ] )
//   codings         = content-coding / "identity" / "*"
//   weight          = OWS ";" OWS "q=" qvalue                          (RFC 9110 §12.4.2)
//   qvalue          = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
//
// Pure: parses views, allocates nothing.
#pragma once

#include <cstdint>
#include <string_view>

#include "http/header_view.hpp"

namespace wire::http {

enum class ContentCoding : std::uint8_t { identity, gzip, deflate };

// "gzip", "deflate" or "identity".
[[nodiscard]] std::string_view coding_name(ContentCoding coding) noexcept;

// The weights a request gave, in thousandths (q=0.5 is 500); not_named where a coding is absent.
struct AcceptEncoding {
    static constexpr int not_named = -1;

    bool present = false;  // the request had at least one Accept-Encoding field line
    int gzip = not_named;  // "gzip" or its alias "x-gzip" (RFC 9110 §8.4.1.3)
    int deflate = not_named;
    int identity = not_named;
    int any = not_named;  // "*": every coding not named otherwise

    // The weight that applies to `coding`: its own entry, else "*", else 0 for a compressing
    // coding. Identity without an entry of its own or "*" stays acceptable (§12.5.3), with the
    // lowest weight (1): a client that names gzip has asked for it.
    [[nodiscard]] int weight(ContentCoding coding) const noexcept;
};

// Adds one field line's entries to `into`. An element that breaks the grammar (a qvalue such as
// "q=2" or "q=0.1234") is skipped rather than failing the request: the field only advises. When
// a coding is named twice, the first entry counts.
void parse_accept_encoding(std::string_view value, AcceptEncoding& into) noexcept;
// Every Accept-Encoding line of a request.
[[nodiscard]] AcceptEncoding parse_accept_encoding(const HeaderView& header) noexcept;

// Which coding a response should use when the server can produce gzip and deflate: the highest
// weight wins, gzip before deflate before identity when weights tie. Without the field, and
// when nothing is acceptable, identity (§12.5.3: the server then SHOULD send the response
// without a content coding; `identity_refused` tells the caller it could answer 406 instead).
struct CodingChoice {
    ContentCoding coding = ContentCoding::identity;
    bool identity_refused = false;  // identity;q=0 or *;q=0, and no other coding was acceptable
};
[[nodiscard]] CodingChoice choose_coding(const AcceptEncoding& accepted, bool offer_gzip = true,
                                         bool offer_deflate = true) noexcept;

}  // namespace wire::http
