// A trace sink (websocket/trace.hpp) that keeps the frame lines of the connections it is given,
// and a tally of what they say about permessage-deflate's RSV1: RFC 7692 §6.1 sets it on the
// first frame of a compressed message and on no continuation frame (§6: nor on a control
// frame). Any thread may write to the sink (a Conn's reader and writer, a loop).
#pragma once

#include <cstddef>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "http/trace.hpp"

namespace wire::websocket::test {

struct FrameTally {
    int messages = 0;                     // data messages whose last frame was seen
    int compressed = 0;                   // of them, with RSV1 on their first frame
    int fragmented = 0;                   // of the compressed ones, in more than one frame
    int frames = 0;                       // data frames
    std::vector<std::string> violations;  // the lines that break a rule, with the rule
};

inline std::ostream& operator<<(std::ostream& os, const FrameTally& t) {
    os << t.messages << " messages, " << t.compressed << " compressed, " << t.fragmented
       << " of them fragmented, " << t.frames << " data frames";
    for (const auto& v : t.violations)
        os << "\n  " << v;
    return os;
}

class FrameLog {
  public:
    http::TraceSink sink() {
        return [this](std::string_view text) {
            std::lock_guard lock(mu_);
            while (!text.empty()) {
                const auto nl = text.find('\n');
                lines_.emplace_back(text.substr(0, nl));
                text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
            }
        };
    }

    // The frames one way ("recv" or "send"), as the connection traced them.
    FrameTally tally(std::string_view direction) {
        std::lock_guard lock(mu_);
        const std::string prefix = "ws " + std::string(direction) + " | FIN=";
        FrameTally t;
        bool in_message = false, compressed = false;
        int frames = 0;
        for (const auto& line : lines_) {
            if (line.rfind(prefix, 0) != 0) continue;
            // "ws recv | FIN=1 RSV=000 op=0x1 text ..."
            const std::string_view rest = std::string_view(line).substr(prefix.size());
            if (rest.size() < 16) continue;
            const bool fin = rest[0] == '1';
            const bool rsv1 = rest[6] == '1';
            const char op = rest[15];
            if (op >= '8') {
                if (rsv1) t.violations.push_back("RSV1 on a control frame: " + line);
                continue;
            }
            ++t.frames;
            if (op == '0') {
                if (!in_message) t.violations.push_back("a continuation out of a message: " + line);
                if (rsv1) t.violations.push_back("RSV1 on a continuation frame: " + line);
                ++frames;
            } else {
                if (in_message) t.violations.push_back("a new message inside another: " + line);
                compressed = rsv1;
                frames = 1;
            }
            in_message = !fin;
            if (fin) {
                ++t.messages;
                t.compressed += compressed ? 1 : 0;
                t.fragmented += compressed && frames > 1 ? 1 : 0;
            }
        }
        return t;
    }

    std::size_t count(std::string_view needle) {
        std::lock_guard lock(mu_);
        std::size_t n = 0;
        for (const auto& line : lines_)
            n += line.find(needle) != std::string::npos ? 1 : 0;
        return n;
    }

  private:
    std::mutex mu_;
    std::vector<std::string> lines_;
};

}  // namespace wire::websocket::test
