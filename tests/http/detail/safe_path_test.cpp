#include "http/detail/safe_path.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "http/error.hpp"
#include "tests/http/peer_process.hpp"

using wire::http::Error;
using wire::http::detail::open_beneath;
using wire::http::detail::url_path_to_relative;

TEST_CASE("url_path_to_relative: decoding, cleaning, and refusing to climb") {
    struct Case {
        const char* url;
        const char* want;  // "" when refused
    };
    const Case cases[] = {
        {"/", "."},
        {"", "."},
        {"/a/b.txt", "a/b.txt"},
        {"/a%20b/c%2Fd", "a b/c/d"},
        {"//a///b/", "a/b"},
        {"/a/./b", "a/b"},
        {"/..", ""},
        {"/a/../../etc/passwd", ""},
        {"/%2e%2e/etc/passwd", ""},
        {"/%2E%2E%2fetc", ""},
        {"/a/..%2f..%2fetc", ""},
        {"/..a/b..", "..a/b.."},
        {"/a%00b", ""},
        {"/bad%zz", ""},
    };
    for (const Case& c : cases) {
        CAPTURE(std::string(c.url));
        std::string out;
        const std::error_code ec = url_path_to_relative(c.url, out);
        if (*c.want == '\0') {
            CHECK(ec);
        } else {
            CHECK(!ec);
            CHECK(out == c.want);
        }
    }
}

TEST_CASE("open_beneath: files inside open, symlinks out of the root do not") {
    wire::http::test::TempDir outside;
    outside.write("secret.txt", "secret");
    wire::http::test::TempDir dir;
    dir.write("www/a.txt", "A");
    dir.write("www/sub/b.txt", "B");
    namespace fs = std::filesystem;
    const fs::path www = dir.path() / "www";
    fs::create_symlink(outside.path() / "secret.txt", www / "abs_link");
    fs::create_symlink("../../" + outside.path().filename().string() + "/secret.txt",
                       www / "rel_link");
    fs::create_symlink("sub/b.txt", www / "inner_link");
    fs::create_symlink(outside.path(), www / "dir_link");

    const int root = ::open(www.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    REQUIRE(root >= 0);
    auto read_file = [&](const std::string& rel, std::string& out) {
        int fd = -1;
        const std::error_code ec = open_beneath(root, rel, fd);
        if (ec) return ec;
        char buf[64];
        const ssize_t n = ::read(fd, buf, sizeof buf);
        out.assign(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
        ::close(fd);
        return std::error_code{};
    };
    std::string got;
    CHECK(!read_file("a.txt", got));
    CHECK(got == "A");
    CHECK(!read_file("sub/b.txt", got));
    CHECK(got == "B");
    CHECK(!read_file("inner_link", got));  // a symlink that stays inside is fine
    CHECK(got == "B");
    CHECK(read_file("abs_link", got) == std::errc::cross_device_link);
    CHECK(read_file("rel_link", got) == std::errc::cross_device_link);
    CHECK(read_file("dir_link/secret.txt", got) == std::errc::cross_device_link);
    CHECK(read_file("../" + dir.path().filename().string(), got));
    CHECK(read_file("missing", got) == std::errc::no_such_file_or_directory);
    ::close(root);
}
