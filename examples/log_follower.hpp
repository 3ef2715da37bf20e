// log_follower.hpp: what `tail -F` does, as a class: follow a log file as it grows, across
// truncation and rotation. Seed 002 ends by naming its real purpose, showing a log file in the
// browser in real time; this is the file half of it (examples/log_tail.cpp is the socket half).
//
//   LogFollower log("/var/log/app.log");   // starts at the current end, as tail -F does
//   for (;;) { std::string lines = log.poll(); if (!lines.empty()) send(lines); sleep(200ms); }
//
// poll() returns only complete lines ("a\nb\n"); a line still being written waits for its '\n'.
// How each case is noticed, by comparing the open descriptor with the path on every poll:
//   - appended:  the file is longer than what we read: read the rest.
//   - truncated: the file is shorter than our offset (`> app.log`): start again from 0.
//   - rotated:   the path names another inode (`mv app.log app.log.1`, a new app.log): finish
//                the old file, then open the new one and read it from its start.
//   - missing:   the path does not exist (between the mv and the new file): wait for it.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <utility>

namespace example {

class LogFollower {
  public:
    // from_start: read what the file already holds (false: only what is appended from now on).
    explicit LogFollower(std::filesystem::path path, bool from_start = false)
        : path_(std::move(path)) {
        if (open_file() && !from_start) offset_ = size_of_open_file();
    }
    LogFollower(const LogFollower&) = delete;
    LogFollower& operator=(const LogFollower&) = delete;
    ~LogFollower() { close_file(); }

    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

    // The complete lines added since the last call, "" when there are none.
    std::string poll() {
        if (fd_ < 0) {
            if (!open_file()) return {};  // still missing
        }
        if (size_of_open_file() < offset_) {  // truncated in place
            offset_ = 0;
            partial_.clear();
        }
        read_to_end();
        if (rotated() && open_file()) read_to_end();  // the old file is finished: the new one
        return take_lines();
    }

  private:
    bool open_file() {
        const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return false;
        close_file();
        fd_ = fd;
        offset_ = 0;
        struct stat st {};
        if (::fstat(fd_, &st) == 0) {
            dev_ = st.st_dev;
            ino_ = st.st_ino;
        }
        return true;
    }
    void close_file() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }
    [[nodiscard]] off_t size_of_open_file() const {
        struct stat st {};
        return ::fstat(fd_, &st) == 0 ? st.st_size : 0;
    }
    // The path names a different file than the one we hold (or none: keep reading ours).
    [[nodiscard]] bool rotated() const {
        struct stat st {};
        if (::stat(path_.c_str(), &st) != 0) return false;
        return st.st_dev != dev_ || st.st_ino != ino_;
    }
    void read_to_end() {
        char buf[8192];
        for (;;) {
            const ssize_t n = ::pread(fd_, buf, sizeof buf, offset_);
            if (n <= 0) return;
            partial_.append(buf, static_cast<std::size_t>(n));
            offset_ += n;
        }
    }
    std::string take_lines() {
        const auto last = partial_.rfind('\n');
        if (last == std::string::npos) return {};
        std::string lines = partial_.substr(0, last + 1);
        partial_.erase(0, last + 1);
        return lines;
    }

    std::filesystem::path path_;
    int fd_ = -1;
    off_t offset_ = 0;
    dev_t dev_ = 0;
    ino_t ino_ = 0;
    std::string partial_;  // bytes after the last '\n' seen
};

}  // namespace example
