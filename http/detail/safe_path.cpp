#include "http/detail/safe_path.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <string>

#include "http/clean_path.hpp"
#include "http/error.hpp"
#include "http/percent.hpp"

namespace wire::http::detail {
namespace {

std::error_code errno_code(int e) {
    return {e, std::generic_category()};
}

bool has_dot_dot_element(std::string_view p) {
    while (!p.empty()) {
        const std::size_t slash = p.find('/');
        if (p.substr(0, slash) == "..") return true;
        if (slash == std::string_view::npos) break;
        p.remove_prefix(slash + 1);
    }
    return false;
}

// The fallback for kernels without openat2: resolve every symlink and check the prefix.
std::error_code open_by_realpath(int root_fd, const std::string& relative, int& fd) {
    const std::string proc = "/proc/self/fd/" + std::to_string(root_fd);
    char root[PATH_MAX], target[PATH_MAX];
    if (::realpath(proc.c_str(), root) == nullptr) return errno_code(errno);
    const std::string full = std::string(root) + "/" + relative;
    if (::realpath(full.c_str(), target) == nullptr) return errno_code(errno);
    const std::string_view r(root), t(target);
    // Why: the resolved path must be the root itself or lie inside it.
    if (t != r && !(t.starts_with(r) && (r == "/" || t[r.size()] == '/'))) {
        return errno_code(EXDEV);
    }
    fd = ::open(target, O_RDONLY | O_CLOEXEC);
    return fd < 0 ? errno_code(errno) : std::error_code{};
}

}  // namespace

std::error_code url_path_to_relative(std::string_view url_path, std::string& out) {
    std::string decoded;
    if (auto ec = percent_decode(url_path, decoded, Escape::path)) return ec;
    // Why: a NUL would cut the path short in the system call.
    if (decoded.find('\0') != std::string::npos) return Error::bad_url;
    // Why: "..", plain or encoded, is an attempt to climb; refuse it outright (Go: 400).
    if (has_dot_dot_element(decoded)) return Error::bad_url;
    std::string cleaned = clean_path("/" + decoded);
    out = cleaned == "/" ? "." : cleaned.substr(1);
    return {};
}

std::error_code open_beneath(int root_fd, const std::string& relative, int& fd) {
    open_how how{};
    how.flags = O_RDONLY | O_CLOEXEC;
    // RESOLVE_BENEATH: ".." above the root, absolute symlinks and symlinks leading out all
    // fail with EXDEV. RESOLVE_NO_MAGICLINKS: no /proc/self/fd/N style jumps.
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    const long r = ::syscall(SYS_openat2, root_fd, relative.c_str(), &how, sizeof how);
    if (r >= 0) {
        fd = static_cast<int>(r);
        return {};
    }
    if (errno == ENOSYS) return open_by_realpath(root_fd, relative, fd);
    return errno_code(errno);
}

}  // namespace wire::http::detail
