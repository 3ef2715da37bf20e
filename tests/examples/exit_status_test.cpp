// How every server in examples/ ends, as Go's programs do around ListenAndServe: status 0 after a
// graceful stop (Ctrl-C is SIGINT, `kill` is SIGTERM), and status 1 with the reason on standard
// error ("listen 127.0.0.1:PORT: address already in use") when the port is taken.
#include <doctest/doctest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "example_process.hpp"

using namespace wire::test;

namespace {

struct Server {
    const char* name;
    std::vector<std::string> args;
};

// Every example program that listens (the clients are tested beside their servers).
std::vector<Server> servers(const std::string& tail_file) {
    return {
        {"hello", {}},
        {"hello_server", {}},
        {"inspector", {}},
        {"echo_server", {}},
        {"simple_echo_server", {}},
        {"channel_echo", {}},
        {"stream_page", {}},
        {"log_tail", {"--file", tail_file}},
        {"system_message", {}},
        {"hijack", {}},
        {"xnet_echo", {}},
        {"ws_echo_server", {}},
        {"ws_echo_server", {"--threads"}},
        {"ws_event_echo_server", {}},
        {"demo", {"--tail", tail_file}},
    };
}

// A listening socket on a free loopback port, bound the plain way (no SO_REUSEPORT), as any
// other program holding the port would be.
class HeldPort {
  public:
    HeldPort() {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        REQUIRE(::listen(fd_, 8) == 0);
        REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
        port_ = ntohs(addr.sin_port);
    }
    HeldPort(const HeldPort&) = delete;
    HeldPort& operator=(const HeldPort&) = delete;
    ~HeldPort() { ::close(fd_); }
    [[nodiscard]] int port() const noexcept { return port_; }

  private:
    int fd_ = -1;
    int port_ = 0;
};

std::string shell_words(const std::vector<std::string>& args) {
    std::string out;
    for (const auto& a : args)
        out += " '" + a + "'";
    return out;
}

std::string temp_tail_file() {
    const auto path = std::filesystem::temp_directory_path() /
                      ("wire-exit-status-" + std::to_string(::getpid()) + ".log");
    std::ofstream(path) << "";
    return path.string();
}

}  // namespace

TEST_CASE("every example server exits 0 after SIGINT (Ctrl-C) and after SIGTERM") {
    const std::string tail = temp_tail_file();
    for (const Server& s : servers(tail)) {
        for (const int sig : {SIGINT, SIGTERM}) {
            const std::string name = s.name;
            CAPTURE(name);
            CAPTURE(shell_words(s.args));
            CAPTURE(sig);
            ExampleProcess server(s.name, s.args);
            REQUIRE(server.wait_listening());
            const int status = server.terminate(sig);
            CAPTURE(server.transcript());
            CHECK(status == 0);
        }
    }
    std::filesystem::remove(tail);
}

TEST_CASE("every example server exits 1 and says why on stderr when its port is taken") {
    const std::string tail = temp_tail_file();
    HeldPort held;
    const std::string port = std::to_string(held.port());
    for (const Server& s : servers(tail)) {
        const std::string name = s.name;
        CAPTURE(name);
        CAPTURE(shell_words(s.args));
        // Standard error only (2>&1 before >/dev/null), then the exit status.
        const std::string out =
            run_command("PORT=" + port + " timeout 10 " + example_path(s.name) +
                        shell_words(s.args) + " 2>&1 >/dev/null; echo \"exit=$?\"");
        CAPTURE(out);
        CHECK(out.ends_with("exit=1\n"));
        CHECK(out.find("listen 127.0.0.1:" + port + ": address already in use") !=
              std::string::npos);
    }
    std::filesystem::remove(tail);
}
