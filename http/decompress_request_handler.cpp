// wire:glue
#include "http/decompress_request_handler.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "compress/inflater.hpp"
#include "http/detail/chars.hpp"
#include "http/handlers.hpp"
#include "http/request.hpp"
#include "http/response_writer.hpp"
#include "http/server_error.hpp"

namespace wire::http {
namespace {

enum class RequestCoding { identity, gzip, deflate, unsupported };

// Content-Encoding = #content-coding (RFC 9110 §8.4), in the order the codings were applied.
// One coding is decoded; "identity" entries add nothing (§8.4.1 lists no such coding, but
// senders write it). Two real codings stacked are more than this handler undoes.
RequestCoding request_coding(const HeaderView& header) {
    RequestCoding found = RequestCoding::identity;
    for (const Field& f : header) {
        if (!detail::iequals(f.name, "Content-Encoding")) continue;
        std::string_view rest = f.value;
        while (!rest.empty()) {
            const std::size_t comma = rest.find(',');
            const std::string_view coding = detail::trim_ows(rest.substr(0, comma));
            rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
            RequestCoding c = RequestCoding::unsupported;
            if (coding.empty() || detail::iequals(coding, "identity")) continue;
            if (detail::iequals(coding, "gzip") || detail::iequals(coding, "x-gzip")) {
                c = RequestCoding::gzip;
            } else if (detail::iequals(coding, "deflate")) {
                c = RequestCoding::deflate;
            }
            // Why: an unknown coding, or a second one, cannot be undone here.
            if (c == RequestCoding::unsupported || found != RequestCoding::identity) {
                return RequestCoding::unsupported;
            }
            found = c;
        }
    }
    return found;
}

// Inflates the framed body as the handler reads it, in bounded memory.
class InflatingDecoder final : public BodyDecoder {
  public:
    explicit InflatingDecoder(compress::Format format) : inflater_({.format = format}) {}

    net::Result<std::size_t> read(Body& body, void* data, std::size_t size) override {
        // The decoded size is the body's size: held to the same limits, and lowered with them.
        inflater_.set_max_output(std::min(body.limit(), body.max_body()));
        const std::span<std::uint8_t> out(static_cast<std::uint8_t*>(data), size);
        while (!done_ && size > 0) {
            if (at_ == len_ && !eof_) {
                auto n = body.read_framed(in_.data(), in_.size());
                if (!n) return n.error();
                at_ = 0;
                len_ = *n;
                eof_ = *n == 0;
            }
            // With the framed body over, a stream that has not ended is Error::truncated.
            const compress::StepResult r = inflater_.inflate(
                std::span<const std::uint8_t>(in_.data() + at_, len_ - at_), out, eof_);
            at_ += r.consumed;
            if (r.failed()) {
                if (r.error == compress::Error::output_limit) return ServerError::body_too_large;
                return make_error_code(r.error);
            }
            if (r.done()) done_ = true;
            if (r.produced > 0) return r.produced;
        }
        return std::size_t{0};
    }

  private:
    compress::Inflater inflater_;
    std::array<std::uint8_t, 16 * 1024> in_{};
    std::size_t at_ = 0, len_ = 0;
    bool eof_ = false;   // the framed body has ended
    bool done_ = false;  // the coded stream ended and its checksum matched
};

class DecompressRequest final : public Handler {
  public:
    explicit DecompressRequest(HandlerPtr next) : next_(std::move(next)) {}

    void serve(ResponseWriter& w, Request& r) override {
        const RequestCoding coding = request_coding(r.header);
        if (coding == RequestCoding::identity) return next_->serve(w, r);
        if (coding == RequestCoding::unsupported) {
            // RFC 9110 §15.5.16: 415 for a content coding the server does not undo, with
            // Accept-Encoding naming the ones it would have (§12.5.3).
            w.header().set("Accept-Encoding", "gzip, deflate");
            return error(w, "415 unsupported Content-Encoding", 415);
        }
        InflatingDecoder decoder(coding == RequestCoding::gzip ? compress::Format::gzip
                                                               : compress::Format::zlib);
        // The handler sees the decoded representation: no coding, no length (Go's middlewares
        // delete both).
        std::vector<Field> fields;
        fields.reserve(r.header.size());
        for (const Field& f : r.header) {
            if (detail::iequals(f.name, "Content-Encoding")) continue;
            if (detail::iequals(f.name, "Content-Length")) continue;
            fields.push_back(f);
        }
        const HeaderView original = std::exchange(r.header, HeaderView(fields));
        const std::int64_t length = std::exchange(r.content_length, -1);
        r.body().set_decoder(&decoder);
        next_->serve(w, r);
        // The decoder and the field copy end here; the server reads what is left as framed.
        r.body().set_decoder(nullptr);
        r.header = original;
        r.content_length = length;
    }

  private:
    HandlerPtr next_;
};

}  // namespace

HandlerPtr decompress_request_handler(HandlerPtr next) {
    return std::make_shared<DecompressRequest>(std::move(next));
}

}  // namespace wire::http
