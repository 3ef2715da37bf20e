// The client's gzip (Go's Transport rules): when it asks, what it decodes, and what it refuses —
// against a wire server behind gzip_handler, nginx with "gzip on", a bomb, corrupt and truncated
// streams.
#include <doctest/doctest.h>

#include <mutex>
#include <string>

#include "compress/deflater.hpp"
#include "compress/inflater.hpp"
#include "http/client.hpp"
#include "http/error.hpp"
#include "http/gzip_handler.hpp"
#include "tests/http/peer_process.hpp"
#include "tests/http/server_support.hpp"

using namespace wire;
using namespace wire::http;
using namespace wire::http::test;

namespace {

std::string page() {
    std::string s = "<!doctype html><title>client gzip</title>\n";
    for (int i = 0; s.size() < 50000; ++i)
        s += "<li>item " + std::to_string(i) + " in a list that repeats</li>\n";
    return s;
}

std::string gzip(std::string_view data) {
    return compress::deflate_all({reinterpret_cast<const std::uint8_t*>(data.data()), data.size()},
                                 {.format = compress::Format::gzip, .level = 1});
}

// Sends `body` as it is, with Content-Encoding: gzip, and remembers what the request offered.
struct CodedServer {
    std::mutex mu;
    std::string accept_encoding;
    std::string body;
    TestServer server{handler_func([this](ResponseWriter& w, Request& r) {
        std::lock_guard lock(mu);
        accept_encoding = std::string(r.header.get("Accept-Encoding"));
        w.header().set("Content-Type", "text/html");
        w.header().set("Content-Encoding", "gzip");
        (void)w.write(body);
    })};
    std::string url(const char* path = "/") { return "http://" + server.address() + path; }
    std::string offered() {
        std::lock_guard lock(mu);
        return accept_encoding;
    }
};

}  // namespace

TEST_CASE("client gzip: asks only when the caller did not, never for HEAD or Range") {
    CodedServer s;
    s.body = gzip(page());
    http::Client c;
    struct Case {
        const char* method;
        const char* accept;  // set by the caller, or nullptr
        bool range;
        bool disabled;
        const char* offered;
        bool decoded;
    };
    const Case cases[] = {
        {"GET", nullptr, false, false, "gzip", true},
        {"POST", nullptr, false, false, "gzip", true},
        {"HEAD", nullptr, false, false, "", false},
        {"GET", nullptr, true, false, "", false},
        {"GET", "gzip", false, false, "gzip", false},  // the caller's own: not decoded
        {"GET", "identity", false, false, "identity", false},
        {"GET", nullptr, false, true, "", false},
    };
    for (const Case& k : cases) {
        CAPTURE(k.method);
        CAPTURE(k.accept ? k.accept : "(none)");
        CAPTURE(k.range);
        CAPTURE(k.disabled);
        c.disable_compression = k.disabled;
        ClientRequest req;
        req.method = k.method;
        req.url = s.url();
        if (k.accept) req.header.set("Accept-Encoding", k.accept);
        if (k.range) req.header.set("Range", "bytes=0-");
        auto resp = c.do_request(req);
        REQUIRE(resp);
        CHECK(s.offered() == k.offered);
        CHECK(resp->uncompressed == k.decoded);
        auto body = resp->read_all();
        REQUIRE(body);
        if (std::string_view(k.method) == "HEAD") continue;
        if (k.decoded) {
            CHECK(*body == page());
            CHECK(!resp->header.has("Content-Encoding"));
            CHECK(!resp->header.has("Content-Length"));
            CHECK(resp->content_length == -1);
        } else {
            CHECK(*body == s.body);
            CHECK(resp->header.get("Content-Encoding") == "gzip");
        }
    }
}

TEST_CASE("client gzip: a wire server behind gzip_handler, read in small pieces, reused") {
    const std::string body = page();
    TestServer s(gzip_handler(handler_func([&](ResponseWriter& w, Request&) {
        for (std::size_t at = 0; at < body.size(); at += 3000)
            (void)w.write(std::string_view(body).substr(at, 3000));
    })));
    http::Client c;
    for (int i = 0; i < 3; ++i) {
        auto resp = c.get("http://" + s.address() + "/");
        REQUIRE(resp);
        CHECK(resp->uncompressed);
        std::string got;
        char buf[100];
        for (;;) {
            auto n = resp->read(buf, sizeof buf);
            REQUIRE_MESSAGE(n, n.error().message());
            if (*n == 0) break;
            CHECK(*n <= sizeof buf);
            got.append(buf, *n);
        }
        CHECK(got == body);
        CHECK(resp->body_complete());
    }
    CHECK(c.idle_connections() == 1);  // the decoded bodies were read to the end of the coded one
}

TEST_CASE("client gzip: a bomb stops at the body limit; corrupt and truncated streams fail") {
    CodedServer s;
    http::Client c;
    SUBCASE("bomb: 64 MiB of zeros sent as about 64 KiB") {
        s.body = gzip(std::string(64 << 20, '\0'));
        CHECK(s.body.size() < 300'000);
        c.limits.max_body = 1 << 20;
        auto resp = c.get(s.url());
        REQUIRE(resp);
        auto body = resp->read_all();
        REQUIRE(!body);
        CHECK(body.error() == Error::body_too_large);
    }
    SUBCASE("corrupt: a byte changed in the middle") {
        s.body = gzip(page());
        s.body[s.body.size() / 2] = static_cast<char>(s.body[s.body.size() / 2] ^ 0x55);
        auto resp = c.get(s.url());
        REQUIRE(resp);
        CHECK(!resp->read_all());
    }
    SUBCASE("truncated: the last bytes missing (the length says so)") {
        s.body = gzip(page());
        s.body.resize(s.body.size() - 6);
        auto resp = c.get(s.url());
        REQUIRE(resp);
        auto body = resp->read_all();
        REQUIRE(!body);
        CHECK(body.error() == compress::Error::truncated);
    }
}

TEST_CASE("client gzip: against nginx with gzip on and gzip_static") {
    if (!have_program("nginx")) {
        MESSAGE("nginx not installed: skipped");
        return;
    }
    TempDir dir;
    dir.write("www/page.html", page());
    // A precompressed sibling whose content differs from the file's, to tell which one came.
    dir.write("www/app.txt", "the plain file\n");
    dir.write("www/app.txt.gz", gzip("the .gz sibling, served by gzip_static\n"));
    std::filesystem::create_directories(dir.path() / "tmp");
    const std::uint16_t port = free_loopback_port();
    dir.write("nginx.conf",
              nginx_config(dir.path(), port, "  gzip on; gzip_min_length 20; gzip_static on;\n"));
    PeerProcess nginx(
        {"nginx", "-p", dir.path().string(), "-e", (dir.path() / "error.log").string(), "-c",
         (dir.path() / "nginx.conf").string()},
        port);
    REQUIRE(nginx.ready());
    http::Client c;
    auto a = c.get(nginx.url("/page.html"));
    REQUIRE(a);
    CHECK(a->uncompressed);
    CHECK(a->read_all().value() == page());
    // The caller's own Accept-Encoding: the gzip bytes as nginx sent them.
    ClientRequest req;
    req.url = nginx.url("/page.html");
    req.header.set("Accept-Encoding", "gzip");
    auto b = c.do_request(req);
    REQUIRE(b);
    CHECK(!b->uncompressed);
    CHECK(b->header.get("Content-Encoding") == "gzip");
    const std::string coded = b->read_all().value();
    std::string decoded;
    CHECK(
        !compress::inflate_all({reinterpret_cast<const std::uint8_t*>(coded.data()), coded.size()},
                               decoded, {.format = compress::Format::gzip}));
    CHECK(decoded == page());
    auto h = c.head(nginx.url("/page.html"));
    REQUIRE(h);
    CHECK(!h->uncompressed);
    CHECK(!h->header.has("Content-Encoding"));
    // gzip_static: the client asked, nginx sent the .gz file as it is, the client decoded it.
    auto s = c.get(nginx.url("/app.txt"));
    REQUIRE(s);
    CHECK(s->uncompressed);
    CHECK(!s->header.has("Content-Encoding"));
    CHECK(s->read_all().value() == "the .gz sibling, served by gzip_static\n");
    // Not asked (HEAD): the plain file's header.
    auto sh = c.head(nginx.url("/app.txt"));
    REQUIRE(sh);
    CHECK(!sh->header.has("Content-Encoding"));
    CHECK(sh->header.get("Content-Length") == "15");
}
