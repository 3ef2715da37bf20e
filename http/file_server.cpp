// wire:glue
#include "http/file_server.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <utility>
#include <vector>

#include "http/accept_encoding.hpp"
#include "http/content_type.hpp"
#include "http/detail/content_source.hpp"
#include "http/detail/dir_listing.hpp"
#include "http/detail/safe_path.hpp"
#include "http/handlers.hpp"

namespace wire::http {
namespace {

// An open descriptor, closed on scope exit.
class Fd {
  public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    Fd& operator=(Fd&& o) noexcept {
        std::swap(fd_, o.fd_);
        return *this;
    }
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }
    int* out() { return &fd_; }

  private:
    int fd_ = -1;
};

class FileSource final : public detail::ContentSource {
  public:
    FileSource(int fd, std::uint64_t size) : fd_(fd), size_(size) {}
    std::uint64_t size() const override { return size_; }
    std::error_code read_at(std::uint64_t offset, char* data, std::size_t n,
                            std::size_t& got) override {
        while (true) {
            const ssize_t r = ::pread(fd_, data, n, static_cast<off_t>(offset));
            if (r < 0 && errno == EINTR) continue;
            if (r < 0) return {errno, std::generic_category()};
            got = static_cast<std::size_t>(r);
            return {};
        }
    }

  private:
    int fd_;
    std::uint64_t size_;
};

class StringSource final : public detail::ContentSource {
  public:
    explicit StringSource(std::string_view s) : s_(s) {}
    std::uint64_t size() const override { return s_.size(); }
    std::error_code read_at(std::uint64_t offset, char* data, std::size_t n,
                            std::size_t& got) override {
        got = offset >= s_.size() ? 0 : std::min<std::size_t>(n, s_.size() - offset);
        if (got > 0) std::memcpy(data, s_.data() + offset, got);
        return {};
    }

  private:
    std::string_view s_;
};

// How files are found: under a root (file_server) or anywhere (serve_file).
using Opener = std::function<std::error_code(const std::string& path, int& fd)>;

// Go's toHTTPError: a missing file is 404, a forbidden one 403, anything else 500.
void open_error(ResponseWriter& w, std::error_code ec) {
    if (ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory) {
        return error(w, "404 page not found", 404);
    }
    if (ec == std::errc::permission_denied || ec == std::errc::cross_device_link) {
        return error(w, "403 Forbidden", 403);
    }
    error(w, "500 Internal Server Error", 500);
}

// Go's localRedirect: a relative Location, the query kept, 301.
void local_redirect(ResponseWriter& w, Request& r, std::string target) {
    if (!r.raw_query.empty()) target += "?" + std::string(r.raw_query);
    w.header().set("Location", target);
    w.write_header(301);
}

std::string_view base_of(std::string_view p) {
    while (p.size() > 1 && p.back() == '/')
        p.remove_suffix(1);
    const std::size_t slash = p.rfind('/');
    return slash == std::string_view::npos ? p : p.substr(slash + 1);
}

std::string etag_for(const struct stat& st) {
    char buf[64];
    const auto ns = static_cast<unsigned long long>(st.st_mtim.tv_sec) * 1000000000ull +
                    static_cast<unsigned long long>(st.st_mtim.tv_nsec);
    std::snprintf(buf, sizeof buf, "\"%llx-%llx\"", ns,
                  static_cast<unsigned long long>(st.st_size));
    return buf;
}

void list_directory(ResponseWriter& w, Request& r, int fd, const struct stat& st) {
    std::vector<detail::DirEntry> entries;
    DIR* dir = ::fdopendir(::dup(fd));
    if (dir == nullptr) return error(w, "500 Internal Server Error", 500);
    while (const dirent* e = ::readdir(dir)) {
        const std::string_view name = e->d_name;
        if (name == "." || name == "..") continue;
        bool is_dir = e->d_type == DT_DIR;
        if (e->d_type == DT_UNKNOWN || e->d_type == DT_LNK) {
            struct stat es {};
            is_dir = ::fstatat(fd, e->d_name, &es, 0) == 0 && S_ISDIR(es.st_mode);
        }
        entries.push_back({std::string(name), is_dir});
    }
    ::closedir(dir);
    const std::string page = detail::directory_listing_html(std::move(entries));
    StringSource page_content(page);
    w.header().set("Content-Type", "text/html; charset=utf-8");
    // A listing has no ETag: only the directory's modification time validates it (Go).
    detail::serve_source(w, r, "", st.st_mtim.tv_sec, page_content);
}

// The Content-Type of the original file `name` open at `fd`: by extension, else sniffed from
// its first bytes (never from the compressed sibling's, which would read as application/gzip).
std::string original_type(std::string_view name, int fd) {
    const std::string_view by_name = content_type_for_extension(path_extension(name));
    if (!by_name.empty()) return std::string(by_name);
    char head[512];
    const ssize_t n = ::pread(fd, head, sizeof head, 0);
    return std::string(detect_content_type(std::string_view(head, n > 0 ? std::size_t(n) : 0)));
}

// nginx's gzip_static, Caddy's precompressed: serves "<file>.gz" when it sits beside the file
// and the request accepts gzip. Returns false (nothing written) when there is none to serve.
//   - The response is the original's representation with Content-Encoding: gzip (RFC 9110
//     §8.4): its Content-Type, the sibling's bytes, length, validators and byte ranges (a range
//     addresses the encoded bytes, §14.1.2 "the selected representation").
//   - RFC 9110 §12.5.5: the answer depends on Accept-Encoding whenever a sibling exists, so
//     Vary says so on both forms, served compressed or not.
bool serve_precompressed(ResponseWriter& w, Request& r, const std::string& rel, int original_fd,
                         const Opener& open) {
    Fd gz;
    struct stat gst {};
    if (open(rel + ".gz", *gz.out()) || ::fstat(gz.get(), &gst) != 0 || !S_ISREG(gst.st_mode)) {
        return false;
    }
    Header& h = w.header();
    if (!h.has_token("Vary", "Accept-Encoding") && !h.has_token("Vary", "*")) {
        h.add("Vary", "Accept-Encoding");
    }
    // RFC 9110 §12.5.3: gzip only when acceptable and preferred to identity (q-values, "*",
    // "gzip;q=0").
    const CodingChoice choice = choose_coding(parse_accept_encoding(r.header), true, false);
    if (choice.coding != ContentCoding::gzip) return false;
    const std::string name(base_of(rel));
    if (!h.has("Content-Type")) h.set("Content-Type", original_type(name, original_fd));
    h.set("Content-Encoding", "gzip");
    if (!h.has("ETag")) h.set("ETag", etag_for(gst));
    FileSource source(gz.get(), static_cast<std::uint64_t>(gst.st_size));
    detail::serve_source(w, r, name, gst.st_mtim.tv_sec, source, true);
    return true;
}

// Go's serveFile: `rel` is the path to open, `url_path` the request path as sent.
void serve_path(ResponseWriter& w, Request& r, const std::string& rel, std::string_view url_path,
                const Opener& open, bool redirect, bool precompressed) {
    // Go: ".../index.html" is served as ".../".
    if (url_path.ends_with("/index.html")) return local_redirect(w, r, "./");
    Fd fd;
    if (auto ec = open(rel, *fd.out())) return open_error(w, ec);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return error(w, "500 Internal Server Error", 500);
    const bool is_dir = S_ISDIR(st.st_mode);
    const bool slash = !url_path.empty() && url_path.back() == '/';
    // Canonical paths: a directory ends in "/", a file does not.
    if (is_dir && !slash) return local_redirect(w, r, std::string(base_of(url_path)) + "/");
    if (redirect && !is_dir && slash) {
        return local_redirect(w, r, "../" + std::string(base_of(url_path)));
    }
    std::string index_rel;
    if (is_dir) {
        Fd index;
        struct stat ist {};
        index_rel = (rel == "." ? "" : rel + "/") + "index.html";
        if (!open(index_rel, *index.out()) && ::fstat(index.get(), &ist) == 0 &&
            S_ISREG(ist.st_mode)) {
            fd = std::move(index);
            st = ist;
        } else {
            return list_directory(w, r, fd.get(), st);
        }
    }
    // Why: only regular files have a size to serve (not devices, FIFOs or sockets).
    if (!S_ISREG(st.st_mode)) return error(w, "403 Forbidden", 403);
    if (precompressed && serve_precompressed(w, r, is_dir ? index_rel : rel, fd.get(), open))
        return;
    if (!w.header().has("ETag")) w.header().set("ETag", etag_for(st));
    FileSource source(fd.get(), static_cast<std::uint64_t>(st.st_size));
    const std::string name(base_of(rel));
    detail::serve_source(w, r, is_dir ? "index.html" : name, st.st_mtim.tv_sec, source);
}

class FileServer final : public Handler {
  public:
    FileServer(std::string root, FileOptions options) : root_(std::move(root)), options_(options) {
        root_fd_ = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
    ~FileServer() override {
        if (root_fd_ >= 0) ::close(root_fd_);
    }

    void serve(ResponseWriter& w, Request& r) override {
        if (root_fd_ < 0) return error(w, "500 Internal Server Error", 500);
        std::string url_path(r.path);
        if (!url_path.starts_with('/')) url_path.insert(0, "/");
        std::string rel;
        if (detail::url_path_to_relative(url_path, rel)) {
            return error(w, "invalid URL path", 400);
        }
        const int root = root_fd_;
        const Opener open = [root](const std::string& p, int& fd) {
            return detail::open_beneath(root, p, fd);
        };
        serve_path(w, r, rel, url_path, open, true, options_.precompressed);
    }

  private:
    std::string root_;
    FileOptions options_;
    int root_fd_ = -1;
};

}  // namespace

HandlerPtr file_server(std::string root, FileOptions options) {
    return std::make_shared<FileServer>(std::move(root), options);
}

void serve_file(ResponseWriter& w, Request& r, std::string_view path, FileOptions options) {
    // Go: ServeFile refuses request paths with "..", whatever `path` is.
    std::string rel;
    if (detail::url_path_to_relative(r.path, rel)) return error(w, "invalid URL path", 400);
    const Opener open = [](const std::string& p, int& fd) {
        fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
        return fd < 0 ? std::error_code(errno, std::generic_category()) : std::error_code{};
    };
    serve_path(w, r, std::string(path), r.path, open, false, options.precompressed);
}

void serve_content(ResponseWriter& w, Request& r, std::string_view name,
                   std::optional<std::time_t> modtime, std::string_view content) {
    StringSource source(content);
    detail::serve_source(w, r, name, modtime, source);
}

}  // namespace wire::http
