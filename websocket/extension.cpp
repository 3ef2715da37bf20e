#include "websocket/extension.hpp"

#include "http/detail/chars.hpp"

namespace wire::websocket {

namespace {

bool is_ows(char c) noexcept {
    return c == ' ' || c == '\t';
}

// RFC 9110 §5.6.4: qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text, and the
// quoted-pair's character (HTAB / SP / VCHAR / obs-text).
bool is_quoted_char(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    return c == '\t' || (u >= 0x20 && u != 0x7F);
}

}  // namespace

std::string_view extension_syntax_text(ExtensionSyntax s) noexcept {
    switch (s) {
        case ExtensionSyntax::ok:
            return {};
        case ExtensionSyntax::missing_name:
            return "The 'Sec-WebSocket-Extensions' header has an extension or parameter without a "
                   "name (RFC 6455 section 9.1: extension = token *( \";\" token [ \"=\" value ] "
                   ")). Remove the empty element.\n";
        case ExtensionSyntax::missing_value:
            return "The 'Sec-WebSocket-Extensions' header has a parameter with '=' but no value "
                   "(RFC 6455 section 9.1). Give the value or drop the '='.\n";
        case ExtensionSyntax::bad_quoted_string:
            return "The 'Sec-WebSocket-Extensions' header has a quoted value that is not closed or "
                   "holds a control character (RFC 9110 section 5.6.4).\n";
        case ExtensionSyntax::quoted_value_not_token:
            return "The 'Sec-WebSocket-Extensions' header has a quoted value that is not a token "
                   "once unquoted (RFC 6455 section 9.1 requires a token).\n";
        case ExtensionSyntax::unexpected_character:
            return "The 'Sec-WebSocket-Extensions' header has a character the grammar does not "
                   "allow there (RFC 6455 section 9.1: names and values are tokens, separated by "
                   "';', '=' and ',').\n";
        case ExtensionSyntax::too_many_params:
            return "The 'Sec-WebSocket-Extensions' header gives one extension more parameters "
                   "than this server reads (16).\n";
        case ExtensionSyntax::value_too_long:
            return "The 'Sec-WebSocket-Extensions' header has quoted values longer than this "
                   "server reads (256 bytes per extension).\n";
    }
    return {};
}

bool ExtensionList::fail(ExtensionSyntax s) noexcept {
    syntax_ = s;
    return false;
}

void ExtensionList::skip_ows() noexcept {
    while (pos_ < text_.size() && is_ows(text_[pos_]))
        ++pos_;
}

// token = 1*tchar (RFC 9110 §5.6.2); empty when none is there.
std::string_view ExtensionList::token() noexcept {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && http::detail::is_token(text_[pos_]))
        ++pos_;
    return text_.substr(start, pos_ - start);
}

// quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE; quoted-pair = "\" char. The unescaped
// value goes into the offer's own text.
bool ExtensionList::quoted_value(ExtensionOffer& out, ExtensionParam& param) noexcept {
    ++pos_;  // the opening DQUOTE
    const std::size_t start = out.unescaped_used;
    for (;;) {
        if (pos_ == text_.size()) return fail(ExtensionSyntax::bad_quoted_string);
        char c = text_[pos_++];
        if (c == '"') break;
        if (c == '\\') {
            if (pos_ == text_.size()) return fail(ExtensionSyntax::bad_quoted_string);
            c = text_[pos_++];
        }
        if (!is_quoted_char(c)) return fail(ExtensionSyntax::bad_quoted_string);
        if (out.unescaped_used == out.unescaped.size())
            return fail(ExtensionSyntax::value_too_long);
        out.unescaped[out.unescaped_used++] = c;
    }
    param.value = {out.unescaped.data() + start, out.unescaped_used - start};
    // §9.1: "the value after quoted-string unescaping MUST conform to the 'token' ABNF".
    if (param.value.empty()) return fail(ExtensionSyntax::quoted_value_not_token);
    for (const char c : param.value) {
        if (!http::detail::is_token(c)) return fail(ExtensionSyntax::quoted_value_not_token);
    }
    return true;
}

// After "=": OWS ( token / quoted-string ).
bool ExtensionList::param_value(ExtensionOffer& out, ExtensionParam& param) noexcept {
    ++pos_;  // '='
    skip_ows();
    param.has_value = true;
    if (pos_ < text_.size() && text_[pos_] == '"') return quoted_value(out, param);
    param.value = token();
    if (param.value.empty()) {
        const bool at_end = pos_ == text_.size() || text_[pos_] == ',' || text_[pos_] == ';';
        return fail(at_end ? ExtensionSyntax::missing_value
                           : ExtensionSyntax::unexpected_character);
    }
    return true;
}

// Steps for one element of the list:
bool ExtensionList::next(ExtensionOffer& out) noexcept {
    if (failed()) return false;
    out.param_count = 0;
    out.unescaped_used = 0;
    // 1. RFC 9110 §5.6.1: empty elements (",,") and the OWS around commas are skipped.
    for (;;) {
        skip_ows();
        if (pos_ == text_.size()) return false;
        if (text_[pos_] != ',') break;
        ++pos_;
    }
    // 2. The extension's name.
    out.name = token();
    if (out.name.empty()) {
        return fail(text_[pos_] == ';' ? ExtensionSyntax::missing_name
                                       : ExtensionSyntax::unexpected_character);
    }
    skip_ows();
    // 3. Its parameters: ";" OWS token [ OWS "=" OWS value ], OWS around each separator.
    while (pos_ < text_.size() && text_[pos_] == ';') {
        ++pos_;
        skip_ows();
        ExtensionParam param;
        param.name = token();
        if (param.name.empty()) {
            const bool at_end = pos_ == text_.size() || text_[pos_] == ',' || text_[pos_] == ';' ||
                                text_[pos_] == '=';
            return fail(at_end ? ExtensionSyntax::missing_name
                               : ExtensionSyntax::unexpected_character);
        }
        skip_ows();
        if (pos_ < text_.size() && text_[pos_] == '=') {
            if (!param_value(out, param)) return false;
            skip_ows();
        }
        if (out.param_count == out.param_storage.size())
            return fail(ExtensionSyntax::too_many_params);
        out.param_storage[out.param_count++] = param;
    }
    // 4. The element ends at a comma or at the end of the header.
    if (pos_ < text_.size() && text_[pos_] != ',')
        return fail(ExtensionSyntax::unexpected_character);
    return true;
}

ExtensionSyntax check_extension_syntax(std::string_view header) noexcept {
    ExtensionList list(header);
    ExtensionOffer offer;
    while (list.next(offer)) {
    }
    return list.syntax();
}

}  // namespace wire::websocket
