// Drives HeadParser + BodyReader over one delivery plan (tests/support/split_feed.hpp) and
// records what a server would see, so every plan's answer can be compared with the whole one.
#pragma once

#include <array>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "http/body_reader.hpp"
#include "http/parser.hpp"

namespace wire::test {

struct MessageRun {
    http::Outcome outcome = http::Outcome::need_more;
    http::Error error{};
    std::uint64_t offset = 0;  // from the start of the input
    http::MessageHead head;    // valid while the runner's buffer is
    std::vector<std::pair<std::string, std::string>> fields;
    std::string body;
    std::size_t consumed = 0;  // head + body bytes

    // Everything that must not depend on how the bytes were split, as one string.
    std::string describe() const {
        std::string s;
        if (outcome == http::Outcome::error) {
            return "error " + std::to_string(static_cast<int>(error)) + " (" +
                   std::string(http::reason(error)) + ") at " + std::to_string(offset);
        }
        s = outcome == http::Outcome::done ? "done " : "need_more ";
        s += std::string(head.method) + " " + std::string(head.target) + " " +
             std::to_string(head.status) + " " + std::string(head.reason) + " 1." +
             std::to_string(head.version_minor) +
             " framing=" + std::to_string(static_cast<int>(head.framing)) +
             " cl=" + std::to_string(head.content_length) +
             " ka=" + std::to_string(head.keep_alive) +
             " exp=" + std::to_string(head.expect_continue) +
             " up=" + std::to_string(head.upgrade) + " host=" + std::string(head.host);
        for (const auto& [n, v] : fields)
            s += " [" + n + ": " + v + "]";
        s += " body=" + body + " consumed=" + std::to_string(consumed);
        return s;
    }
};

class MessageRunner {
  public:
    MessageRunner(http::HeadParser::Kind kind, const http::ParseOptions& options, bool to_head)
        : kind_(kind), options_(options), to_head_(to_head) {}

    // Feeds the pieces in order into one growing buffer (reserved up front, so the bytes never
    // move: the parser's contract). `eof` closes the input after the last piece.
    MessageRun run(const std::vector<std::string_view>& plan, bool eof) {
        std::size_t total = 0;
        for (auto piece : plan)
            total += piece.size();
        acc_.clear();
        acc_.reserve(total + 1);
        head_len_ = 0;
        const char* const before = acc_.data();
        http::HeadParser parser(kind_, fields_, options_);
        parser.set_response_to_head(to_head_);
        http::BodyReader body(options_);
        MessageRun out;
        bool head_done = false;
        std::size_t pos = 0;
        for (auto piece : plan) {
            acc_.append(piece);
            if (acc_.data() != before) throw std::logic_error("buffer moved");
            if (!head_done) {
                const http::ParseResult r = parser.parse(acc_);
                if (r.failed()) return error(out, r.error, r.offset);
                if (r.need_more()) continue;
                head_done = true;
                pos = head_len_ = r.consumed;
                out.head = parser.head();
                for (const auto& f : out.head.fields)
                    out.fields.emplace_back(f.name, f.value);
                body.start(out.head);
            }
            while (!body.done() && pos < acc_.size()) {
                const http::BodyResult b = body.read(std::string_view(acc_).substr(pos));
                if (b.failed()) return error(out, b.error, head_len_ + b.offset);
                out.body.append(b.data);
                pos += b.consumed;
            }
        }
        out.consumed = pos;
        if (!head_done) return out;
        if (!body.done() && eof) {
            const http::BodyResult b = body.finish();
            if (b.failed()) return error(out, b.error, pos);
        }
        out.outcome = body.done() ? http::Outcome::done : http::Outcome::need_more;
        return out;
    }

  private:
    static MessageRun& error(MessageRun& out, http::Error e, std::uint64_t offset) {
        out.outcome = http::Outcome::error;
        out.error = e;
        out.offset = offset;
        return out;
    }
    http::HeadParser::Kind kind_;
    http::ParseOptions options_;
    bool to_head_;
    std::string acc_;
    std::array<http::Field, 128> fields_{};
    std::size_t head_len_ = 0;
};

}  // namespace wire::test
