// Headless Chromium driven over the DevTools protocol for the demo's browser tests: a real
// browser runs the pages' JavaScript against the real demo server.
//
// The protocol goes over --remote-debugging-pipe (Chromium reads JSON commands from its fd 3 and
// writes replies and events to fd 4, each message ending in a NUL byte), so no WebSocket client
// is needed to drive it. The JSON handling is the least that works for the few replies read
// here (ids, string values, booleans): a test helper, not a JSON parser.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace wire::test {

class Chromium {
  public:
    static bool available() { return ::access("/usr/bin/chromium", X_OK) == 0; }

    Chromium() {
        char dir[] = "/tmp/wire-chromium-XXXXXX";
        if (::mkdtemp(dir) == nullptr) return;
        profile_ = dir;
        int to_browser[2], from_browser[2];
        if (::pipe(to_browser) != 0 || ::pipe(from_browser) != 0) return;
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, to_browser[0], 3);
        posix_spawn_file_actions_adddup2(&fa, from_browser[1], 4);
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
        std::vector<std::string> args = {"/usr/bin/chromium",
                                         "--headless",
                                         "--no-sandbox",
                                         "--disable-gpu",
                                         "--disable-background-networking",
                                         "--no-first-run",
                                         "--remote-debugging-pipe",
                                         "--window-size=1000,800",
                                         "--user-data-dir=" + profile_,
                                         "about:blank"};
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        if (posix_spawn(&pid_, argv[0], &fa, nullptr, argv.data(), environ) != 0) pid_ = -1;
        posix_spawn_file_actions_destroy(&fa);
        ::close(to_browser[0]);
        ::close(from_browser[1]);
        out_ = to_browser[1];
        in_ = from_browser[0];
    }
    Chromium(const Chromium&) = delete;
    Chromium& operator=(const Chromium&) = delete;
    ~Chromium() {
        if (pid_ > 0) {
            (void)call("Browser.close", "{}", "", std::chrono::seconds(2));
            for (int i = 0; i < 200 && ::waitpid(pid_, nullptr, WNOHANG) == 0; ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            if (::waitpid(pid_, nullptr, WNOHANG) == 0) {
                ::kill(pid_, SIGKILL);
                ::waitpid(pid_, nullptr, 0);
            }
        }
        if (out_ >= 0) ::close(out_);
        if (in_ >= 0) ::close(in_);
        std::error_code ec;
        if (!profile_.empty()) std::filesystem::remove_all(profile_, ec);
    }

    [[nodiscard]] bool started() const { return pid_ > 0; }

    // Opens `url` in a new tab and returns the session that drives it ("" on failure).
    std::string open(const std::string& url) {
        const auto target = call("Target.createTarget", "{\"url\":\"" + url + "\"}");
        const auto id = string_field(target.value_or(""), "targetId");
        if (!id) return {};
        const auto attached =
            call("Target.attachToTarget", "{\"targetId\":\"" + *id + "\",\"flatten\":true}");
        return string_field(attached.value_or(""), "sessionId").value_or("");
    }

    // Evaluates `expression` in the page; returns the raw reply.
    std::string eval(const std::string& session, const std::string& expression) {
        return call("Runtime.evaluate",
                    "{\"expression\":" + quote(expression) +
                        ",\"returnByValue\":true,\"awaitPromise\":true}",
                    session)
            .value_or("");
    }
    // The string value of `expression` (which must produce a string).
    std::string eval_string(const std::string& session, const std::string& expression) {
        return string_field(eval(session, expression), "value").value_or("");
    }
    // Polls until `expression` is true or `timeout` passes.
    bool wait_for(const std::string& session, const std::string& expression,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        const auto end = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < end) {
            if (eval(session, "!!(" + expression + ")").find("\"value\":true") != std::string::npos)
                return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return false;
    }
    // A PNG screenshot of the tab, Base64-encoded as Chromium sends it.
    std::string screenshot_base64(const std::string& session) {
        return string_field(
                   call("Page.captureScreenshot", "{\"format\":\"png\"}", session).value_or(""),
                   "data")
            .value_or("");
    }

  private:
    // Sends one command and waits for the reply with its id (skipping events).
    std::optional<std::string> call(const std::string& method, const std::string& params,
                                    const std::string& session = "",
                                    std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
        if (out_ < 0) return std::nullopt;
        const int id = ++next_id_;
        std::string msg =
            "{\"id\":" + std::to_string(id) + ",\"method\":\"" + method + "\",\"params\":" + params;
        if (!session.empty()) msg += ",\"sessionId\":\"" + session + "\"";
        msg += "}";
        msg.push_back('\0');
        if (::write(out_, msg.data(), msg.size()) != static_cast<ssize_t>(msg.size()))
            return std::nullopt;
        const std::string want = "{\"id\":" + std::to_string(id) + ",";
        const auto end = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            const auto nul = buf_.find('\0');
            if (nul != std::string::npos) {
                std::string reply = buf_.substr(0, nul);
                buf_.erase(0, nul + 1);
                if (reply.rfind(want, 0) == 0) return reply;
                continue;  // an event or another reply
            }
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                end - std::chrono::steady_clock::now());
            if (left.count() <= 0) return std::nullopt;
            pollfd p{in_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
            char chunk[65536];
            const ssize_t n = ::read(in_, chunk, sizeof chunk);
            if (n <= 0) return std::nullopt;
            buf_.append(chunk, static_cast<std::size_t>(n));
        }
    }

    static std::string quote(const std::string& s) {
        std::string q = "\"";
        for (const char c : s) {
            if (c == '"' || c == '\\') q += '\\';
            if (c == '\n') {
                q += "\\n";
                continue;
            }
            q += c;
        }
        return q + "\"";
    }

    // The first "name":"..." string in `json`, with \" \\ \n \/ unescaped (enough for tests).
    static std::optional<std::string> string_field(const std::string& json,
                                                   const std::string& name) {
        const std::string key = "\"" + name + "\":\"";
        auto at = json.find(key);
        if (at == std::string::npos) return std::nullopt;
        std::string out;
        for (at += key.size(); at < json.size() && json[at] != '"'; ++at) {
            if (json[at] == '\\' && at + 1 < json.size()) {
                const char e = json[++at];
                out += e == 'n' ? '\n' : e;
            } else {
                out += json[at];
            }
        }
        return out;
    }

    pid_t pid_ = -1;
    int out_ = -1, in_ = -1;
    int next_id_ = 0;
    std::string buf_;
    std::string profile_;
};

}  // namespace wire::test
