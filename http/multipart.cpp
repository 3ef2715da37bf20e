#include "http/multipart.hpp"

#include "http/detail/chars.hpp"

namespace wire::http {
namespace {

// RFC 2046 §5.1.1: transport-padding := *LWSP-char, which senders must not emit; recipients
// skip it. Bounded so a stream of spaces cannot be buffered without end.
constexpr std::size_t kMaxPadding = 64;

bool is_lwsp(char c) {
    return c == ' ' || c == '\t';
}

// RFC 7578 §4.2: a filename's directory part is not to be used; keep the last element of
// either separator, as Go's Part.FileName does.
std::string_view base_name(std::string_view f) {
    const std::size_t slash = f.find_last_of("/\\");
    return slash == std::string_view::npos ? f : f.substr(slash + 1);
}

}  // namespace

MultipartParser::MultipartParser(std::string_view boundary, const FormLimits& limits)
    : limits_(limits), delimiter_("\r\n--") {
    delimiter_ += boundary;
}

// What follows a matched delimiter: "--" (close), or transport-padding CRLF (another part),
// or anything else, which means the bytes were body data that merely looked like a delimiter.
MultipartParser::After MultipartParser::after_delimiter(std::string_view rest,
                                                        std::size_t& used) const noexcept {
    if (rest.size() < 2)
        return rest.empty() || rest[0] == '-' || rest[0] == '\r' || is_lwsp(rest[0])
                   ? After::need_more
                   : After::not_delimiter;
    if (rest[0] == '-' && rest[1] == '-') {
        used = 2;
        return After::close;
    }
    std::size_t i = 0;
    while (i < rest.size() && i <= kMaxPadding && is_lwsp(rest[i]))
        ++i;
    if (i > kMaxPadding) return After::not_delimiter;
    if (i + 2 > rest.size())
        return i == rest.size() || rest[i] == '\r' ? After::need_more : After::not_delimiter;
    if (rest[i] != '\r' || rest[i + 1] != '\n') return After::not_delimiter;
    used = i + 2;
    return After::next_part;
}

// Where a prefix of the delimiter starts at the end of `in` (the earliest such start), or
// in.size() when the tail cannot begin a delimiter.
std::size_t MultipartParser::partial_delimiter_at(std::string_view in) const noexcept {
    const std::size_t longest = std::min(in.size(), delimiter_.size() - 1);
    for (std::size_t k = longest; k > 0; --k) {
        if (in.substr(in.size() - k) == std::string_view(delimiter_).substr(0, k)) {
            return in.size() - k;
        }
    }
    return in.size();
}

MultipartStep MultipartParser::parse(std::string_view in) {
    std::size_t skipped = 0;  // preamble and first delimiter, consumed on the way to an event
    while (true) {
        MultipartStep step;
        const State before = state_;
        switch (state_) {
            case State::preamble:
                step = preamble(in);
                break;
            case State::headers:
                step = headers(in);
                break;
            case State::data:
                step = body(in);
                break;
            case State::epilogue:
                // RFC 2046 §5.1.1: the epilogue is to be ignored.
                step = {MultipartEvent::done, in.size(), {}, {}};
                break;
            case State::failed:
                return {MultipartEvent::error, skipped, {}, error_};
        }
        consumed_total_ += step.consumed;
        // Leaving the preamble is not an event: go straight on to the first part's headers.
        if (before == State::preamble && state_ == State::headers) {
            skipped += step.consumed;
            in.remove_prefix(step.consumed);
            continue;
        }
        step.consumed += skipped;
        return step;
    }
}

MultipartStep MultipartParser::preamble(std::string_view in) {
    const std::string_view dash_boundary = std::string_view(delimiter_).substr(2);
    std::size_t from = 0;
    // The first delimiter may open the body without the CRLF before it.
    if (consumed_total_ == 0) {
        if (in.size() < dash_boundary.size()) {
            if (dash_boundary.substr(0, in.size()) == in) return {};
        } else if (in.substr(0, dash_boundary.size()) == dash_boundary) {
            std::size_t used = 0;
            switch (after_delimiter(in.substr(dash_boundary.size()), used)) {
                case After::need_more:
                    return {};
                case After::close:
                    state_ = State::epilogue;
                    return {MultipartEvent::done, in.size(), {}, {}};
                case After::next_part:
                    state_ = State::headers;
                    return {MultipartEvent::need_more, dash_boundary.size() + used, {}, {}};
                case After::not_delimiter:
                    break;
            }
        }
    }
    while (true) {
        const std::size_t at = in.find(delimiter_, from);
        if (at == std::string_view::npos) {
            // Skip the preamble, keeping a tail that may start a delimiter.
            return {MultipartEvent::need_more, partial_delimiter_at(in), {}, {}};
        }
        std::size_t used = 0;
        switch (after_delimiter(in.substr(at + delimiter_.size()), used)) {
            case After::need_more:
                return {MultipartEvent::need_more, at, {}, {}};
            case After::close:
                state_ = State::epilogue;
                return {MultipartEvent::done, in.size(), {}, {}};
            case After::next_part:
                state_ = State::headers;
                return {MultipartEvent::need_more, at + delimiter_.size() + used, {}, {}};
            case After::not_delimiter:
                from = at + 1;
                break;
        }
    }
}

MultipartStep MultipartParser::headers(std::string_view in) {
    std::size_t end = 0;  // one past the blank line that ends the header section
    if (in.size() >= 2 && in[0] == '\r' && in[1] == '\n') {
        end = 2;  // no header fields at all
    } else {
        const std::size_t at = in.find("\r\n\r\n");
        if (at == std::string_view::npos) {
            // Why: a header section that never ends would be buffered without bound.
            if (in.size() > limits_.max_part_header_bytes)
                return fail(Error::part_header_too_large);
            return {};
        }
        end = at + 4;
    }
    if (end > limits_.max_part_header_bytes) return fail(Error::part_header_too_large);
    // Why: each part costs a Header and a handler's attention; bound how many one body holds.
    if (++parts_ > limits_.max_parts) return fail(Error::too_many_parts);
    header_.clear();
    if (!parse_header_lines(in.substr(0, end - 2))) return fail(Error::bad_part_header);
    read_disposition();
    state_ = State::data;
    return {MultipartEvent::part_begin, end, {}, {}};
}

// field-line CRLF lines (RFC 7578 §4.8 allows Content-Disposition, Content-Type and
// Content-Transfer-Encoding; any well-formed field is kept).
bool MultipartParser::parse_header_lines(std::string_view lines) {
    while (!lines.empty()) {
        const std::size_t eol = lines.find("\r\n");
        if (eol == std::string_view::npos) return false;
        std::string_view line = lines.substr(0, eol);
        lines.remove_prefix(eol + 2);
        const std::size_t colon = line.find(':');
        // Why: a field name is a non-empty token directly followed by ":" (RFC 9112 §5.1);
        // a line starting with whitespace would be obs-fold.
        if (colon == 0 || colon == std::string_view::npos) return false;
        const std::string_view name = line.substr(0, colon);
        for (char c : name) {
            if (!detail::is_token(c)) return false;
        }
        std::string_view value = line.substr(colon + 1);
        for (char c : value) {
            // Why: controls other than HTAB could smuggle line breaks (RFC 9110 §5.5).
            if (!detail::is_field_value(c)) return false;
        }
        while (!value.empty() && is_lwsp(value.front()))
            value.remove_prefix(1);
        while (!value.empty() && is_lwsp(value.back()))
            value.remove_suffix(1);
        header_.add(name, value);
    }
    return true;
}

void MultipartParser::read_disposition() {
    name_.clear();
    filename_.clear();
    has_filename_ = false;
    detail::MediaType cd;
    // RFC 7578 §4.2: each part has Content-Disposition: form-data; name="..." [; filename=...]
    if (!detail::parse_media_type(header_.get("Content-Disposition"), cd, true)) return;
    if (cd.type != "form-data") return;
    name_ = cd.param("name");
    if (cd.has_param("filename")) {
        has_filename_ = true;
        filename_ = base_name(cd.param("filename"));
    }
}

MultipartStep MultipartParser::body(std::string_view in) {
    std::size_t from = 0;
    while (true) {
        const std::size_t at = in.find(delimiter_, from);
        if (at == std::string_view::npos) {
            const std::size_t keep = partial_delimiter_at(in);
            if (keep == 0) return {};
            return {MultipartEvent::data, keep, in.substr(0, keep), {}};
        }
        std::size_t used = 0;
        const After after = after_delimiter(in.substr(at + delimiter_.size()), used);
        if (after == After::not_delimiter) {
            from = at + 1;
            continue;
        }
        // Data before the delimiter goes out first; the delimiter is handled on the next call.
        if (at > 0) return {MultipartEvent::data, at, in.substr(0, at), {}};
        if (after == After::need_more) return {};
        state_ = after == After::close ? State::epilogue : State::headers;
        return {MultipartEvent::part_end, delimiter_.size() + used, {}, {}};
    }
}

}  // namespace wire::http
