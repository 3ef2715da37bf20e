// Real peers for interop tests: a program started in its own temporary directory on a free
// loopback port (nginx with a generated config, python3 -m http.server), stopped at the end.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "net/dial.hpp"
#include "tests/support/free_port.hpp"

extern char** environ;

namespace wire::http::test {

// A fresh directory under /tmp, removed with everything in it at the end.
class TempDir {
  public:
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "wire-test-XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    const std::filesystem::path& path() const { return path_; }
    void write(const std::string& rel, std::string_view content) const {
        const auto p = path_ / rel;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << content;
    }

  private:
    std::filesystem::path path_;
};

// A loopback port for a child process (tests/support/free_port.hpp says why not port 0).
using wire::test::free_loopback_port;

inline bool have_program(const std::string& name) {
    return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

// A child process that is killed (SIGTERM) and reaped when this goes out of scope.
class PeerProcess {
  public:
    PeerProcess(std::vector<std::string> argv, std::uint16_t port) : port_(port) {
        std::vector<char*> args;
        for (auto& a : argv)
            args.push_back(a.data());
        args.push_back(nullptr);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
        if (posix_spawnp(&pid_, args[0], &fa, nullptr, args.data(), environ) != 0) pid_ = -1;
        posix_spawn_file_actions_destroy(&fa);
    }
    ~PeerProcess() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
    }
    // Waits until the port accepts connections (at most `limit`).
    bool ready(std::chrono::milliseconds limit = std::chrono::seconds(5)) const {
        if (pid_ <= 0) return false;
        const auto end = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < end) {
            if (exited()) return false;  // it could not start: say so now, not after `limit`
            if (net::dial(net::Address::ipv4_loopback(port_), std::chrono::milliseconds(200))) {
                return true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return false;
    }
    std::string url(std::string_view path) const {
        return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
    }

  private:
    // Reaps the child if it has ended; the destructor then has nothing to stop.
    bool exited() const {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) != pid_) return false;
        pid_ = -1;
        return true;
    }

    mutable pid_t pid_ = -1;
    std::uint16_t port_;
};

// nginx serving `dir`/www, with X-Conn: $connection on every answer (the connection's serial
// number, which shows keep-alive reuse) and /redirect answering 302 to /file.txt.
// `extra`: directives added to the server block (e.g. "gzip on;").
inline std::string nginx_config(const std::filesystem::path& dir, std::uint16_t port,
                                const std::string& extra = {}) {
    const std::string d = dir.string();
    return "daemon off; master_process off; worker_processes 1;\n"
           "pid " +
           d + "/nginx.pid; error_log " + d +
           "/error.log;\n"
           "events { worker_connections 64; }\n"
           "http {\n access_log off;\n"
           " client_body_temp_path " +
           d + "/tmp; proxy_temp_path " + d +
           "/tmp;\n"
           " fastcgi_temp_path " +
           d + "/tmp; uwsgi_temp_path " + d +
           "/tmp;\n"
           " scgi_temp_path " +
           d +
           "/tmp;\n"
           " types { text/plain txt; text/html html; }\n"
           " server {\n  listen 127.0.0.1:" +
           std::to_string(port) +
           ";\n"
           "  root " +
           d +
           "/www;\n"
           "  add_header X-Conn $connection always;\n" +
           extra +
           "  location = /redirect { return 302 /file.txt; }\n"
           "  location = /chunked { chunked_transfer_encoding on; gzip off; }\n"
           " }\n}\n";
}

}  // namespace wire::http::test
