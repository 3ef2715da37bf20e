// wire:glue
#include "http/gzip_handler.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "compress/deflater.hpp"
#include "http/accept_encoding.hpp"
#include "http/content_type.hpp"
#include "http/detail/chars.hpp"
#include "http/request.hpp"
#include "http/response_writer.hpp"

namespace wire::http {

bool compressible_type(std::string_view content_type,
                       const std::vector<std::string>& types) noexcept {
    // RFC 9110 §8.3.1: media-type = type "/" subtype parameters; only type/subtype matter.
    std::string_view media = content_type.substr(0, content_type.find(';'));
    while (!media.empty() && (media.back() == ' ' || media.back() == '\t'))
        media.remove_suffix(1);
    const std::size_t slash = media.find('/');
    if (media.empty() || slash == std::string_view::npos) return false;
    for (std::string_view t : types) {
        if (t.starts_with("*+")) {  // a structured syntax suffix (RFC 6838 §4.2.8)
            const std::string_view suffix = t.substr(1);
            if (media.size() > suffix.size() &&
                detail::iequals(media.substr(media.size() - suffix.size()), suffix)) {
                return true;
            }
        } else if (t.ends_with("/*")) {
            if (detail::iequals(media.substr(0, slash + 1), t.substr(0, t.size() - 1))) return true;
        } else if (detail::iequals(media, t)) {
            return true;
        }
    }
    return false;
}

namespace {

using compress::Flush;

// The match finder's tables, shared by every response compressed on this thread.
compress::DeflateTables& thread_tables() {
    thread_local compress::DeflateTables tables;
    return tables;
}

// The ResponseWriter the wrapped handler sees. It holds the first bytes back until it can tell
// whether compressing is worth it, then either compresses everything after or passes through.
class GzipWriter final : public ResponseWriter {
  public:
    GzipWriter(ResponseWriter& w, const Request& r, const GzipOptions& options)
        : w_(w), options_(options) {
        coding_ = choose_coding(parse_accept_encoding(r.header)).coding;
        // RFC 9110 §14.2: a range request selects bytes of the representation as the handler
        // produces it; compressing would make those ranges meaningless.
        ranged_ = r.header.has("Range");
    }

    Header& header() override { return w_.header(); }

    void write_header(int status) override {
        if (status_ != 0 || hijacked_) return;  // only the first call counts (Go's rule)
        if (status < 200) {  // interim responses and 101 go out at once and decide nothing
            if (status == 101) mode_ = Mode::passthrough;
            w_.write_header(status);
            return;
        }
        status_ = status;
        // No content (RFC 9110 §15.3.5, §15.4.5) or a part of it (§15.3.7): never compressed.
        if (status == 204 || status == 304 || status == 206) {
            mode_ = Mode::passthrough;
            (void)start();
        }
    }

    net::Result<std::size_t> write(std::string_view data) override {
        if (hijacked_) return ServerError::hijacked;
        written_ += data.size();
        switch (mode_) {
            case Mode::passthrough:
                if (!started_) {
                    if (auto ok = start(); !ok) return ok.error();
                }
                return w_.write(data);
            case Mode::compressing:
                if (auto ok = pump(data, Flush::none); !ok) return ok.error();
                return data.size();
            case Mode::deciding:
                break;
        }
        held_.append(data);
        if (held_.size() >= options_.min_size) {
            decide(true);
            if (auto ok = start(); !ok) return ok.error();
        }
        return data.size();
    }

    net::Result<void> flush() override {
        if (hijacked_) return ServerError::hijacked;
        // A flush before the minimum size means a stream (events, a page sent as it is made):
        // its total length is unknown, so it is compressed whenever it qualifies otherwise.
        if (mode_ == Mode::deciding) decide(true);
        if (!started_) {
            if (auto ok = start(); !ok) return ok;
        }
        if (mode_ == Mode::compressing) {
            // A sync flush ends the deflate data so far on a byte boundary (RFC 1951 §3.2.4's
            // empty stored block): the client decodes everything written up to here.
            if (auto ok = pump({}, Flush::sync); !ok) return ok;
        }
        return w_.flush();
    }

    net::Result<Hijacked> hijack() override {
        auto taken = w_.hijack();
        if (taken) hijacked_ = true;
        return taken;
    }

    net::Result<void> upgrade_on_loop(UpgradeCallback take) override {
        mode_ = Mode::passthrough;
        return w_.upgrade_on_loop(std::move(take));
    }

    int status() const noexcept override { return status_ != 0 ? status_ : w_.status(); }
    std::uint64_t bytes_written() const noexcept override { return written_; }

    // After the handler returned: whatever was held goes out, the deflate stream ends.
    void finish() {
        if (hijacked_) return;
        if (mode_ == Mode::deciding) decide(false);
        if (!started_ && (status_ != 0 || !held_.empty())) (void)start();
        if (mode_ == Mode::compressing) (void)pump({}, Flush::finish);
    }

  private:
    enum class Mode : std::uint8_t { deciding, passthrough, compressing };

    void decide(bool enough) {
        // Sniffed here from the held bytes, as the server would, so that the handler's bytes
        // decide the type (the server would otherwise sniff the compressed ones).
        Header& h = w_.header();
        if (!held_.empty() && !h.has("Content-Type"))
            h.set("Content-Type", detect_content_type(held_));
        mode_ = enough && should_compress() ? Mode::compressing : Mode::passthrough;
    }

    bool should_compress() {
        if (coding_ == ContentCoding::identity || ranged_) return false;
        const Header& h = w_.header();
        // The handler chose a coding itself (or sent precompressed bytes): leave it alone.
        if (h.has("Content-Encoding")) return false;
        // RFC 9111 §5.2.2.6: no-transform forbids intermediaries to change the content.
        if (h.has_token("Cache-Control", "no-transform")) return false;
        return compressible(h);
    }

    bool compressible(const Header& h) const {
        return compressible_type(h.get("Content-Type"), options_.types);
    }

    // Sends the head with the header fields compression calls for, then the held bytes.
    net::Result<void> start() {
        started_ = true;
        Header& h = w_.header();
        // RFC 9110 §12.5.5: the response depends on Accept-Encoding whether or not it was
        // compressed this time; caches must keep the forms apart.
        if (compressible(h) && !h.has_token("Vary", "Accept-Encoding") && !h.has_token("Vary", "*"))
            h.add("Vary", "Accept-Encoding");
        if (mode_ == Mode::compressing) prepare_compressed(h);
        w_.write_header(status_ != 0 ? status_ : 200);
        std::string held = std::exchange(held_, {});
        if (held.empty()) return {};
        if (mode_ == Mode::compressing) return pump(held, Flush::none);
        auto n = w_.write(held);
        if (!n) return n.error();
        return {};
    }

    void prepare_compressed(Header& h) {
        h.set("Content-Encoding", coding_name(coding_));
        // The length and the byte ranges described the identity bytes.
        h.del("Content-Length");
        h.del("Accept-Ranges");
        // RFC 9110 §8.8.1: a strong validator promises identical bytes; the coded bytes
        // differ from the identity ones (and from one level to another), so it becomes weak.
        const std::string_view etag = h.get("ETag");
        if (options_.weaken_etag && etag.starts_with('"')) h.set("ETag", "W/" + std::string(etag));
        deflater_.emplace(compress::DeflateOptions{.format = coding_ == ContentCoding::gzip
                                                                 ? compress::Format::gzip
                                                                 : compress::Format::zlib,
                                                   .level = options_.level},
                          thread_tables());
    }

    // Feeds `data` to the deflater and writes what it produces.
    net::Result<void> pump(std::string_view data, Flush flush) {
        std::span<const std::uint8_t> in(reinterpret_cast<const std::uint8_t*>(data.data()),
                                         data.size());
        for (;;) {
            const compress::StepResult r = deflater_->deflate(in, out_, flush);
            if (r.failed()) return make_error_code(r.error);
            if (r.produced > 0) {
                auto n = w_.write(reinterpret_cast<const char*>(out_.data()), r.produced);
                if (!n) return n.error();
            }
            in = in.subspan(r.consumed);
            if (r.done()) return {};
            if (flush == Flush::none && in.empty() && r.produced < out_.size()) return {};
        }
    }

    ResponseWriter& w_;
    const GzipOptions& options_;
    ContentCoding coding_ = ContentCoding::identity;
    bool ranged_ = false;
    bool started_ = false;
    bool hijacked_ = false;
    Mode mode_ = Mode::deciding;
    int status_ = 0;
    std::uint64_t written_ = 0;
    std::string held_;
    std::optional<compress::Deflater> deflater_;
    std::array<std::uint8_t, 16384> out_;
};

}  // namespace

HandlerPtr gzip_handler(HandlerPtr next, GzipOptions options) {
    if (options.level < 1 || options.level > 9)
        throw std::invalid_argument("gzip_handler: level must be 1..9");
    return handler_func(
        [next = std::move(next), options = std::move(options)](ResponseWriter& w, Request& r) {
            GzipWriter gw(w, r, options);
            next->serve(gw, r);
            gw.finish();
        });
}

}  // namespace wire::http
