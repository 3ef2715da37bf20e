// Running an example program in a test: start build/examples/NAME on a free port, read what it
// prints, talk to it over loopback, stop it with a signal and check that it exits cleanly.
//
//   ExampleProcess demo("demo");                 // PORT=0: the server picks a free port
//   REQUIRE(demo.wait_listening());              // "listening on http://127.0.0.1:PORT"
//   auto reply = http_exchange(demo.port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
//   CHECK(demo.terminate() == 0);                // SIGTERM: graceful shutdown, exit status 0
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

extern char** environ;

namespace wire::test {

using namespace std::chrono_literals;

inline std::string build_dir() {
    const char* b = std::getenv("WIRE_BUILD");
    return b != nullptr && *b != '\0' ? b : "build";
}

inline std::string example_path(std::string_view name) {
    return build_dir() + "/examples/" + std::string(name);
}

class ExampleProcess {
  public:
    // Starts build/examples/NAME with `args`; stdout and stderr both come to read_line().
    // The environment gets PORT=0 unless `env` sets PORT, plus `env` ("NAME=value").
    explicit ExampleProcess(std::string_view name, std::vector<std::string> args = {},
                            std::vector<std::string> env = {}) {
        std::vector<std::string> argv{example_path(name)};
        argv.insert(argv.end(), args.begin(), args.end());
        bool has_port = false;
        for (const auto& e : env)
            has_port = has_port || e.starts_with("PORT=");
        if (!has_port) env.emplace_back("PORT=0");
        start(argv, env);
    }
    ExampleProcess(const ExampleProcess&) = delete;
    ExampleProcess& operator=(const ExampleProcess&) = delete;
    ~ExampleProcess() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        if (out_ >= 0) ::close(out_);
    }

    [[nodiscard]] bool started() const noexcept { return pid_ > 0; }
    [[nodiscard]] pid_t pid() const noexcept { return pid_; }
    [[nodiscard]] int port() const noexcept { return port_; }
    // Everything read so far, for CAPTURE() when a test fails.
    [[nodiscard]] const std::string& transcript() const noexcept { return transcript_; }

    // The next line of output (without '\n'), or nothing on EOF or timeout.
    std::optional<std::string> read_line(std::chrono::milliseconds timeout = 5s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            if (const auto nl = pending_.find('\n'); nl != std::string::npos) {
                std::string line = pending_.substr(0, nl);
                pending_.erase(0, nl + 1);
                return line;
            }
            if (!fill(deadline)) return std::nullopt;
        }
    }
    // Reads lines until one contains `needle`; returns it.
    std::optional<std::string> wait_for(std::string_view needle,
                                        std::chrono::milliseconds timeout = 5s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return std::nullopt;
            auto line = read_line(left);
            if (!line) return std::nullopt;
            if (line->find(needle) != std::string::npos) return line;
        }
    }
    // Waits for the server's "listening on http://HOST:PORT" line and remembers the port.
    bool wait_listening(std::chrono::milliseconds timeout = 10s) {
        auto line = wait_for("listening on ", timeout);
        if (!line) return false;
        const auto colon = line->rfind(':');
        if (colon == std::string::npos) return false;
        port_ = std::atoi(line->c_str() + colon + 1);
        return port_ > 0;
    }

    // Sends `sig` and waits up to `timeout` for the exit: the exit status, 128+signal when
    // killed by a signal, -1 when it did not exit in time (it is then killed).
    int terminate(int sig = SIGTERM, std::chrono::milliseconds timeout = 10s) {
        if (pid_ <= 0) return -1;
        ::kill(pid_, sig);
        return wait_exit(timeout);
    }
    int wait_exit(std::chrono::milliseconds timeout = 10s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            int status = 0;
            const pid_t r = ::waitpid(pid_, &status, WNOHANG);
            if (r == pid_) {
                pid_ = -1;
                drain();
                if (WIFEXITED(status)) return WEXITSTATUS(status);
                return 128 + WTERMSIG(status);
            }
            if (std::chrono::steady_clock::now() > deadline) return -1;
            drain();
            std::this_thread::sleep_for(10ms);
        }
    }

  private:
    void start(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) return;
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
        posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
        std::vector<char*> args;
        for (const auto& a : argv)
            args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        std::vector<std::string> env_strings;
        for (char** e = environ; *e != nullptr; ++e) {
            if (!std::string_view(*e).starts_with("PORT=")) env_strings.emplace_back(*e);
        }
        env_strings.insert(env_strings.end(), env.begin(), env.end());
        std::vector<char*> envp;
        for (auto& e : env_strings)
            envp.push_back(e.data());
        envp.push_back(nullptr);
        pid_t pid = 0;
        const int rc = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data());
        posix_spawn_file_actions_destroy(&actions);
        ::close(fds[1]);
        if (rc != 0) {
            ::close(fds[0]);
            return;
        }
        pid_ = pid;
        out_ = fds[0];
    }
    // Reads what is available before `deadline`; false on EOF or timeout.
    bool fill(std::chrono::steady_clock::time_point deadline) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (out_ < 0 || left.count() <= 0) return false;
        pollfd p{out_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
        char buf[4096];
        const ssize_t n = ::read(out_, buf, sizeof buf);
        if (n <= 0) return false;
        pending_.append(buf, static_cast<std::size_t>(n));
        transcript_.append(buf, static_cast<std::size_t>(n));
        return true;
    }
    // Everything already in the pipe (after an exit: up to EOF), without waiting.
    void drain() {
        for (;;) {
            pollfd p{out_, POLLIN, 0};
            if (out_ < 0 || ::poll(&p, 1, 0) <= 0) return;
            char buf[4096];
            const ssize_t n = ::read(out_, buf, sizeof buf);
            if (n <= 0) return;
            pending_.append(buf, static_cast<std::size_t>(n));
            transcript_.append(buf, static_cast<std::size_t>(n));
        }
    }

    pid_t pid_ = -1;
    int out_ = -1;
    int port_ = 0;
    std::string pending_;
    std::string transcript_;
};

// A blocking TCP connection to 127.0.0.1:port with a receive timeout, for raw exchanges.
class TcpClient {
  public:
    explicit TcpClient(int port, std::chrono::milliseconds timeout = 5s) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        timeval tv{static_cast<time_t>(timeout.count() / 1000),
                   static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }
    TcpClient(const TcpClient&) = delete;
    TcpClient& operator=(const TcpClient&) = delete;
    ~TcpClient() {
        if (fd_ >= 0) ::close(fd_);
    }
    [[nodiscard]] bool connected() const noexcept { return fd_ >= 0; }
    bool send(std::string_view data) {
        while (!data.empty()) {
            const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
            if (n <= 0) return false;
            data.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }
    // Reads until `needle` has arrived (true), or EOF / timeout (false). Everything read is in
    // received().
    bool read_until(std::string_view needle) {
        while (received_.find(needle) == std::string::npos) {
            if (!read_some()) return false;
        }
        return true;
    }
    // Reads until the peer closes (true) or the timeout (false).
    bool read_to_eof() {
        for (;;) {
            char buf[4096];
            const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n == 0) return true;
            if (n < 0) return false;
            received_.append(buf, static_cast<std::size_t>(n));
        }
    }
    [[nodiscard]] const std::string& received() const noexcept { return received_; }

  private:
    bool read_some() {
        char buf[4096];
        const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) return false;
        received_.append(buf, static_cast<std::size_t>(n));
        return true;
    }
    int fd_ = -1;
    std::string received_;
};

// Runs a shell command and returns its standard output (curl in the tests).
inline std::string run_command(const std::string& command) {
    std::string out;
    FILE* p = ::popen(command.c_str(), "r");
    if (p == nullptr) return out;
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
        out.append(buf, n);
    ::pclose(p);
    return out;
}

inline std::string local_url(int port, std::string_view path) {
    return "http://127.0.0.1:" + std::to_string(port) + std::string(path);
}

}  // namespace wire::test
