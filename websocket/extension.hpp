// The Sec-WebSocket-Extensions header (RFC 6455 §9.1), parsed: pure, no heap, any extension.
// permessage-deflate (deflate_negotiation.hpp) reads its offers and answers through it.
//
//     ExtensionList list("permessage-deflate; client_max_window_bits, x-other");
//     ExtensionOffer offer;
//     while (list.next(offer)) { use(offer.name, offer.params()); }
//     if (list.failed()) answer_400(extension_syntax_text(list.syntax()));
//
// The grammar (RFC 6455 §9.1, with RFC 9110 §5.6 for lists, OWS and quoted-string):
//
//     Sec-WebSocket-Extensions = extension-list
//     extension-list = 1#extension
//     extension = extension-token *( ";" extension-param )
//     extension-token = registered-token
//     registered-token = token
//     extension-param = token [ "=" (token | quoted-string) ]
//         ; When using the quoted-string syntax variant, the value
//         ; after quoted-string unescaping MUST conform to the
//         ; 'token' ABNF.
//
// Several header lines mean the same as one line with their values joined by commas (RFC 9110
// §5.3), so a caller joins them first (detail/fields.hpp does).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace wire::websocket {

// An offer or answer may carry at most this many parameters (permessage-deflate has 4); a
// longer one is malformed for us (ExtensionSyntax::too_many_params).
inline constexpr std::size_t max_extension_params = 16;
// Room for the unescaped quoted-string values of one extension, all together.
inline constexpr std::size_t max_extension_quoted_text = 256;

struct ExtensionParam {
    std::string_view name;
    std::string_view value;  // unescaped; empty when has_value is false
    bool has_value = false;
};

// One element of the list. The views point into the header text, or (for unescaped
// quoted-string values) into the offer itself: valid while both live and until the next next().
struct ExtensionOffer {
    std::string_view name;
    std::array<ExtensionParam, max_extension_params> param_storage{};
    std::size_t param_count = 0;
    std::array<char, max_extension_quoted_text> unescaped{};
    std::size_t unescaped_used = 0;

    [[nodiscard]] std::span<const ExtensionParam> params() const noexcept {
        return {param_storage.data(), param_count};
    }
};

// Why a header is malformed; each has a text that a 400 answer carries.
enum class ExtensionSyntax : std::uint8_t {
    ok,
    missing_name,            // an element or parameter without its token (";;", "=x", "a;")
    missing_value,           // "name=" with nothing after it
    bad_quoted_string,       // an unterminated quoted-string, or a control character inside
    quoted_value_not_token,  // the unescaped value is empty or not a token (§9.1)
    unexpected_character,    // a character the grammar does not allow where it stands
    too_many_params,         // more than max_extension_params parameters
    value_too_long,          // the quoted values together exceed max_extension_quoted_text
};

// The body of the 400 answer for `s` (static text naming the rule and the fix).
[[nodiscard]] std::string_view extension_syntax_text(ExtensionSyntax s) noexcept;

class ExtensionList {
  public:
    explicit ExtensionList(std::string_view header) noexcept : text_(header) {}

    // The next extension of the list into `out`: true when there is one; false at the end of
    // the list or on a syntax error (then failed(), syntax() and offset() say what and where).
    [[nodiscard]] bool next(ExtensionOffer& out) noexcept;

    [[nodiscard]] bool failed() const noexcept { return syntax_ != ExtensionSyntax::ok; }
    [[nodiscard]] ExtensionSyntax syntax() const noexcept { return syntax_; }
    [[nodiscard]] std::size_t offset() const noexcept { return pos_; }  // where it broke

  private:
    bool fail(ExtensionSyntax s) noexcept;
    void skip_ows() noexcept;
    std::string_view token() noexcept;
    bool param_value(ExtensionOffer& out, ExtensionParam& param) noexcept;
    bool quoted_value(ExtensionOffer& out, ExtensionParam& param) noexcept;

    std::string_view text_;
    std::size_t pos_ = 0;
    ExtensionSyntax syntax_ = ExtensionSyntax::ok;
};

// Whether `header` parses from end to end (every element, every parameter).
[[nodiscard]] ExtensionSyntax check_extension_syntax(std::string_view header) noexcept;

}  // namespace wire::websocket
