// examples/log_follower.hpp: tail -F as a class (appends, partial lines, truncation, rotation).
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "examples/log_follower.hpp"

namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path dir = fs::temp_directory_path() / ("wire-follow-" + std::to_string(::getpid()));
    TempDir() { fs::create_directories(dir); }
    ~TempDir() { fs::remove_all(dir); }
};

void append(const fs::path& p, const char* text) {
    std::ofstream(p, std::ios::app) << text;
}

}  // namespace

TEST_CASE("LogFollower starts at the end and returns appended complete lines only") {
    TempDir t;
    const fs::path log = t.dir / "app.log";
    append(log, "old line\n");
    example::LogFollower follow(log);
    CHECK(follow.poll().empty());
    append(log, "one\ntw");
    CHECK(follow.poll() == "one\n");
    CHECK(follow.poll().empty());  // "tw" waits for its newline
    append(log, "o\nthree\n");
    CHECK(follow.poll() == "two\nthree\n");
}

TEST_CASE("LogFollower from_start reads what the file holds; a missing file is waited for") {
    TempDir t;
    const fs::path log = t.dir / "later.log";
    example::LogFollower follow(log, true);
    CHECK(follow.poll().empty());
    append(log, "first\n");
    CHECK(follow.poll() == "first\n");  // a file that appears is read from its start
}

TEST_CASE("LogFollower starts over after truncation") {
    TempDir t;
    const fs::path log = t.dir / "app.log";
    append(log, "a long first line\n");
    example::LogFollower follow(log, true);
    CHECK(follow.poll() == "a long first line\n");
    std::ofstream(log, std::ios::trunc) << "new\n";  // `> app.log` then a write
    CHECK(follow.poll() == "new\n");
}

TEST_CASE("LogFollower follows rotation: the rest of the old file, then the new one") {
    TempDir t;
    const fs::path log = t.dir / "app.log";
    append(log, "before\n");
    example::LogFollower follow(log);
    append(log, "last of old\n");
    fs::rename(log, t.dir / "app.log.1");
    CHECK(follow.poll() == "last of old\n");  // the path is missing: keep reading ours
    append(log, "first of new\n");
    CHECK(follow.poll() == "first of new\n");
    append(t.dir / "app.log.1", "late write to old\n");  // nobody follows the old file now
    append(log, "second of new\n");
    CHECK(follow.poll() == "second of new\n");
}
