#include "http/multipart_form.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

#include "http/error.hpp"

namespace wire::http {
namespace {

std::error_code errno_code() {
    return {errno, std::generic_category()};
}

std::error_code write_fully(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno_code();
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
}

}  // namespace

std::error_code FormFile::read_all(std::string& out) const {
    if (in_memory()) {
        out = content;
        return {};
    }
    const int fd = ::open(temp_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno_code();
    out.clear();
    char buf[16384];
    while (true) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const std::error_code ec = n < 0 ? errno_code() : std::error_code{};
            ::close(fd);
            return ec;
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
}

MultipartForm::MultipartForm(MultipartForm&& other) noexcept
    : values(std::move(other.values)), files(std::move(other.files)) {
    other.files.clear();
}

MultipartForm& MultipartForm::operator=(MultipartForm&& other) noexcept {
    if (this != &other) {
        remove_all();
        values = std::move(other.values);
        files = std::move(other.files);
        other.files.clear();
    }
    return *this;
}

MultipartForm::~MultipartForm() {
    remove_all();
}

const FormFile* MultipartForm::file(std::string_view field) const noexcept {
    for (const auto& [name, f] : files) {
        if (name == field) return &f;
    }
    return nullptr;
}

void MultipartForm::remove_all() noexcept {
    for (auto& [name, f] : files) {
        if (!f.temp_path.empty()) ::unlink(f.temp_path.c_str());
        f.temp_path.clear();
    }
}

MultipartFormReader::MultipartFormReader(std::string_view boundary, std::uint64_t max_memory,
                                         const FormLimits& limits)
    : parser_(boundary, limits), limits_(limits), memory_left_(max_memory) {}

MultipartFormReader::~MultipartFormReader() {
    if (fd_ >= 0) ::close(fd_);
}

std::error_code MultipartFormReader::write(std::string_view bytes) {
    if (error_ || done_) return error_;
    pending_.append(bytes);
    std::string_view in = pending_;
    while (!error_) {
        const MultipartStep s = parser_.parse(in);
        in.remove_prefix(s.consumed);
        switch (s.event) {
            case MultipartEvent::part_begin: {
                in_part_ = true;
                value_.clear();
                file_ = nullptr;
                if (parser_.is_file()) {
                    form_.files.emplace_back(std::string(parser_.form_name()), FormFile{});
                    file_ = &form_.files.back().second;
                    file_->filename = parser_.file_name();
                    file_->header = parser_.header();
                } else {
                    value_bytes_ += parser_.form_name().size();
                }
                continue;
            }
            case MultipartEvent::data:
                error_ = on_data(s.data);
                continue;
            case MultipartEvent::part_end:
                error_ = end_part();
                continue;
            case MultipartEvent::done:
                done_ = true;
                break;
            case MultipartEvent::error:
                error_ = s.error;
                break;
            case MultipartEvent::need_more:
                break;
        }
        break;
    }
    pending_.erase(0, pending_.size() - in.size());
    return error_;
}

std::error_code MultipartFormReader::on_data(std::string_view data) {
    if (file_ == nullptr) {
        // Why: values are held in memory; bound them like an urlencoded body.
        value_bytes_ += data.size();
        if (value_bytes_ > limits_.max_form_bytes) return Error::form_too_large;
        value_.append(data);
        return {};
    }
    file_->size += data.size();
    if (fd_ < 0 && data.size() <= memory_left_) {
        memory_left_ -= data.size();
        file_->content.append(data);
        return {};
    }
    if (fd_ < 0) {
        if (auto ec = spill(*file_)) return ec;
    }
    return write_fully(fd_, data);
}

// Moves the file's bytes so far from memory to a new temporary file (Go: os.CreateTemp("",
// "multipart-")); the rest of the part is appended there.
std::error_code MultipartFormReader::spill(FormFile& f) {
    const char* dir = std::getenv("TMPDIR");
    std::string path =
        std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/multipart-XXXXXX";
    fd_ = ::mkostemp(path.data(), O_CLOEXEC);
    if (fd_ < 0) return errno_code();
    f.temp_path = std::move(path);
    memory_left_ += f.content.size();
    const std::string held = std::move(f.content);
    f.content.clear();
    return write_fully(fd_, held);
}

std::error_code MultipartFormReader::end_part() {
    in_part_ = false;
    if (file_ == nullptr) {
        form_.values.add(parser_.form_name(), value_);
        return {};
    }
    file_ = nullptr;
    if (fd_ >= 0) {
        const int fd = std::exchange(fd_, -1);
        if (::close(fd) != 0) return errno_code();
    }
    return {};
}

std::error_code MultipartFormReader::finish() {
    if (fd_ >= 0) ::close(std::exchange(fd_, -1));
    if (error_) return error_;
    // RFC 2046 §5.1.1: the body ends with the close-delimiter; anything else was cut short.
    if (!done_) return error_ = Error::unexpected_eof;
    return {};
}

}  // namespace wire::http
