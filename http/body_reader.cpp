#include "http/body_reader.hpp"

#include <algorithm>

namespace wire::http {

void BodyReader::start(const MessageHead& head) noexcept {
    framing_ = head.framing;
    left_ = head.framing == Framing::content_length ? head.content_length : 0;
    read_ = 0;
    // Why: the decoder (its limits included) is rebuilt only when a chunked body will use it.
    if (framing_ == Framing::chunked) chunked_.reset();
    done_ = framing_ == Framing::none || (framing_ == Framing::content_length && left_ == 0);
}

BodyResult BodyReader::read(std::string_view in) noexcept {
    if (done_) return {Outcome::done, 0, {}, {}, 0};
    switch (framing_) {
        case Framing::content_length: {
            // RFC 9112 §6.3 rule 5: exactly Content-Length bytes; the rest is the next message.
            const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(left_, in.size()));
            left_ -= n;
            read_ += n;
            done_ = left_ == 0;
            return {done_ ? Outcome::done : Outcome::need_more, n, in.substr(0, n), {}, 0};
        }
        case Framing::chunked: {
            BodyResult r = chunked_.decode(in);
            read_ += r.data.size();
            done_ = r.done();
            return r;
        }
        case Framing::until_close: {
            // RFC 9112 §6.3 rule 8: everything until the connection closes.
            if (in.size() > options_.limits.max_body - read_) {
                return {Outcome::error, 0, {}, Error::body_too_large, read_};
            }
            read_ += in.size();
            return {Outcome::need_more, in.size(), in, {}, 0};
        }
        case Framing::none:
            break;
    }
    return {Outcome::done, 0, {}, {}, 0};
}

BodyResult BodyReader::finish() noexcept {
    if (done_) return {Outcome::done, 0, {}, {}, 0};
    if (framing_ == Framing::until_close) {
        done_ = true;
        return {Outcome::done, 0, {}, {}, 0};
    }
    return {Outcome::error, 0, {}, Error::unexpected_eof, read_};
}

}  // namespace wire::http
