// The interop peers (tests/websocket/peers/): python3-websockets, Node's ws and gorilla/websocket,
// each an echo server ("PORT <n>" on stdout) or a client that runs a fixed exchange and prints
// "OK". The Go peer is compiled on first use into /tmp (GOPATH mode, Debian's gorilla package).
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <doctest/doctest.h>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/process.hpp"

namespace wire::websocket::test {

enum class PeerKind { python, node, gorilla };

inline const char* peer_name(PeerKind k) {
    switch (k) {
        case PeerKind::python:
            return "python3-websockets";
        case PeerKind::node:
            return "node ws";
        case PeerKind::gorilla:
            return "gorilla/websocket";
    }
    return "?";
}

inline std::string peers_dir() {
    std::string file = __FILE__;  // tests/websocket/peers.hpp, relative to the repository
    return file.substr(0, file.rfind('/')) + "/peers";
}

inline bool file_exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

// A name for the content of `path` (FNV-1a, hex): builds of different sources of one peer,
// from other checkouts of the repository, do not replace one another in /tmp.
inline std::string content_tag(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::uint64_t h = 14695981039346656037ull;
    for (std::istreambuf_iterator<char> it(f), end; it != end; ++it)
        h = (h ^ static_cast<unsigned char>(*it)) * 1099511628211ull;
    char hex[17];
    for (int i = 15; i >= 0; --i, h >>= 4)
        hex[i] = "0123456789abcdef"[h & 15];
    hex[16] = '\0';
    return hex;
}

// The built gorilla peer, or "" when Go or gorilla is missing or the build fails.
inline std::string gorilla_binary() {
    static const std::string built = [] {
        const std::string src = peers_dir() + "/gorilla_peer.go";
        if (!wire::test::have_program("go") ||
            !file_exists("/usr/share/gocode/src/github.com/gorilla/websocket")) {
            return std::string();
        }
        const std::string dir = "/tmp/wire-ws-peers-" + std::to_string(::getuid());
        const std::string bin = dir + "/gorilla_peer-" + content_tag(src);
        ::mkdir(dir.c_str(), 0700);
        if (file_exists(bin)) return bin;
        wire::test::Process go(
            {"go", "build", "-o", bin, src},
            {"GO111MODULE=off", "GOPATH=/usr/share/gocode", "GOCACHE=" + dir + "/cache"});
        if (!go.running() || go.wait(std::chrono::seconds(120)) != 0) return std::string();
        return bin;
    }();
    return built;
}

// The command that runs `kind` in `mode` ("server", or "client" with `url`); empty when absent.
inline std::vector<std::string> peer_command(PeerKind kind, const std::string& mode,
                                             const std::string& url = {}) {
    std::vector<std::string> argv;
    switch (kind) {
        case PeerKind::python:
            if (!file_exists("/usr/bin/python3") ||
                !file_exists("/usr/lib/python3/dist-packages/websockets")) {
                return {};
            }
            argv = {"/usr/bin/python3", peers_dir() + "/python_peer.py", mode};
            break;
        case PeerKind::node:
            if (!wire::test::have_program("node") || !file_exists("/usr/share/nodejs/ws"))
                return {};
            argv = {"node", peers_dir() + "/node_peer.js", mode};
            break;
        case PeerKind::gorilla: {
            const std::string bin = gorilla_binary();
            if (bin.empty()) return {};
            argv = {bin, mode};
            break;
        }
    }
    if (!url.empty()) argv.push_back(url);
    return argv;
}

inline std::vector<std::string> peer_env() {
    return {"NODE_PATH=/usr/share/nodejs", "PYTHONDONTWRITEBYTECODE=1"};
}

// A running echo server peer and its port; port 0 when it is absent or did not start.
struct PeerServer {
    std::unique_ptr<wire::test::Process> process;
    int port = 0;
    bool absent = false;
};

inline PeerServer start_peer_server(PeerKind kind, const std::string& mode = "server") {
    PeerServer s;
    const auto argv = peer_command(kind, mode);
    if (argv.empty()) {
        s.absent = true;
        return s;
    }
    s.process = std::make_unique<wire::test::Process>(argv, peer_env());
    if (!s.process->running()) return s;
    const auto line = s.process->read_line(std::chrono::seconds(15));
    if (line && line->rfind("PORT ", 0) == 0) s.port = std::stoi(line->substr(5));
    return s;
}

// Runs a peer client to its end: it must print "OK" within 20 s and exit with status 0.
inline void expect_peer_client_ok(const std::vector<std::string>& argv) {
    wire::test::Process client(argv, peer_env());
    REQUIRE(client.running());
    const auto line = client.read_line(std::chrono::seconds(20));
    REQUIRE(line);
    CHECK(*line == "OK");
    CHECK(client.wait(std::chrono::seconds(5)) == 0);
}

}  // namespace wire::websocket::test
