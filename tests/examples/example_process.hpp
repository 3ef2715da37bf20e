// Runs a built example program for a test: its standard input, output and error on pipes, lines
// read with a timeout, and the port it listens on taken from its "listening on http://..." line.
// The process gets SIGTERM (what Ctrl-C and service managers send) when the object goes away.
#pragma once

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

extern char** environ;

namespace wire::test {

inline std::string build_dir() {
    const char* b = std::getenv("WIRE_BUILD");
    return b != nullptr && b[0] != '\0' ? b : "build";
}

class ExampleProcess {
  public:
    // Starts $WIRE_BUILD/examples/<name> with `args`; `env` entries ("K=V") are added to ours.
    ExampleProcess(const std::string& name, std::vector<std::string> args,
                   std::vector<std::string> env = {}) {
        int in[2], out[2], err[2];
        if (::pipe(in) != 0 || ::pipe(out) != 0 || ::pipe(err) != 0) return;
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, in[0], 0);
        posix_spawn_file_actions_adddup2(&fa, out[1], 1);
        posix_spawn_file_actions_adddup2(&fa, err[1], 2);
        for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]})
            posix_spawn_file_actions_addclose(&fa, fd);
        const std::string path = build_dir() + "/examples/" + name;
        args.insert(args.begin(), path);
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        std::vector<std::string> env_store;
        for (char** e = environ; *e != nullptr; ++e)
            env_store.emplace_back(*e);
        for (auto& e : env)
            env_store.push_back(e);
        std::vector<char*> envp;
        for (auto& e : env_store)
            envp.push_back(e.data());
        envp.push_back(nullptr);
        if (posix_spawn(&pid_, path.c_str(), &fa, nullptr, argv.data(), envp.data()) != 0)
            pid_ = -1;
        posix_spawn_file_actions_destroy(&fa);
        ::close(in[0]);
        ::close(out[1]);
        ::close(err[1]);
        stdin_ = in[1];
        stdout_ = out[0];
        stderr_ = err[0];
    }
    ExampleProcess(const ExampleProcess&) = delete;
    ExampleProcess& operator=(const ExampleProcess&) = delete;
    ~ExampleProcess() {
        stop();
        for (int fd : {stdin_, stdout_, stderr_})
            if (fd >= 0) ::close(fd);
    }

    [[nodiscard]] bool started() const { return pid_ > 0; }

    // The next line (without its '\n') from standard output (or error), or nothing when none
    // arrives within `timeout` or the stream ends.
    std::optional<std::string> out_line(
        std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        return line(stdout_, out_buf_, timeout);
    }
    std::optional<std::string> err_line(
        std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        return line(stderr_, err_buf_, timeout);
    }

    // Reads standard error until "listening on http://HOST:PORT" and returns PORT (0 if never).
    int wait_for_port(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        const auto end = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < end) {
            const auto l = err_line(std::chrono::duration_cast<std::chrono::milliseconds>(
                end - std::chrono::steady_clock::now()));
            if (!l) return 0;
            const auto at = l->find("listening on http://");
            if (at == std::string::npos) continue;
            const auto colon = l->rfind(':');
            return std::atoi(l->c_str() + colon + 1);
        }
        return 0;
    }

    void write_stdin(std::string_view text) {
        if (stdin_ >= 0) (void)!::write(stdin_, text.data(), text.size());
    }

    // Sends `sig` and waits up to `timeout` for the exit; returns the exit status, or -1 when it
    // had to be killed (or died by a signal).
    int stop(int sig = SIGTERM, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        if (pid_ <= 0) return status_;
        ::kill(pid_, sig);
        const auto end = std::chrono::steady_clock::now() + timeout;
        int w = 0;
        while (::waitpid(pid_, &w, WNOHANG) == 0) {
            if (std::chrono::steady_clock::now() > end) {
                ::kill(pid_, SIGKILL);
                ::waitpid(pid_, &w, 0);
                pid_ = -1;
                return status_ = -1;
            }
            ::usleep(10'000);
        }
        pid_ = -1;
        return status_ = WIFEXITED(w) ? WEXITSTATUS(w) : -1;
    }

  private:
    static std::optional<std::string> line(int fd, std::string& buf,
                                           std::chrono::milliseconds timeout) {
        const auto end = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            const auto nl = buf.find('\n');
            if (nl != std::string::npos) {
                std::string l = buf.substr(0, nl);
                buf.erase(0, nl + 1);
                return l;
            }
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                end - std::chrono::steady_clock::now());
            if (left.count() <= 0 || fd < 0) return std::nullopt;
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
            char chunk[4096];
            const ssize_t n = ::read(fd, chunk, sizeof chunk);
            if (n <= 0) return std::nullopt;
            buf.append(chunk, static_cast<std::size_t>(n));
        }
    }

    pid_t pid_ = -1;
    int status_ = -1;
    int stdin_ = -1, stdout_ = -1, stderr_ = -1;
    std::string out_buf_, err_buf_;
};

}  // namespace wire::test
