// Request bodies with a content coding: as sent without decompress_request_handler (as in Go),
// decoded behind it within the body limits, 415 for what it cannot undo. Our Server on loopback,
// our Client, and curl.
#include "http/decompress_request_handler.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "compress/deflater.hpp"
#include "compress/error.hpp"
#include "http/client.hpp"
#include "http/handlers.hpp"
#include "http/server_error.hpp"
#include "tests/http/peer_process.hpp"
#include "tests/http/server_support.hpp"

using namespace wire;
using namespace wire::http;
using wire::http::test::have_program;
using wire::http::test::TempDir;
using wire::http::test::TestServer;

namespace {

std::string text() {
    std::string s;
    for (int i = 0; s.size() < 100000; ++i)
        s += "record " + std::to_string(i) + ": a line of an upload that repeats\n";
    return s;
}

std::string encode(std::string_view data, compress::Format format) {
    return compress::deflate_all({reinterpret_cast<const std::uint8_t*>(data.data()), data.size()},
                                 {.format = format, .level = 6});
}

// Echoes the body it reads, with what it saw of the request; a body error becomes its status
// (413 past a limit, 400 for a stream that does not decode), as any handler answers them.
HandlerPtr echo(std::uint64_t limit = UINT64_MAX) {
    return handler_func([limit](ResponseWriter& w, Request& r) {
        max_bytes_reader(r, limit);
        std::string body;
        if (auto read = r.body().read_all(body); !read) {
            const std::error_code ec = read.error();
            if (ec == ServerError::body_too_large) return error(w, ec.message(), 413);
            return error(w, ec.message(), 400);
        }
        w.header().set("X-Seen-Encoding", r.header.get("Content-Encoding"));
        w.header().set("X-Seen-Length", std::to_string(r.content_length));
        (void)w.write(body);
    });
}

http::Response post(const std::string& url, std::string body, const char* coding,
                    const char* content_type = "text/plain") {
    http::Client c;
    ClientRequest req;
    req.method = "POST";
    req.url = url;
    req.body = std::move(body);
    req.header.set("Content-Type", content_type);
    if (coding != nullptr) req.header.set("Content-Encoding", coding);
    auto resp = c.do_request(std::move(req));
    REQUIRE(resp);
    return std::move(*resp);
}

}  // namespace

TEST_CASE("request bodies: a coded body reaches a plain handler as sent") {
    TestServer server(echo());
    const std::string coded = encode(text(), compress::Format::gzip);
    auto r = post("http://" + server.address() + "/", coded, "gzip");
    CHECK(r.status_code == 200);
    CHECK(r.header.get("X-Seen-Encoding") == "gzip");
    CHECK(r.header.get("X-Seen-Length") == std::to_string(coded.size()));
    CHECK(r.read_all().value() == coded);
}

TEST_CASE("decompress_request_handler: gzip, x-gzip and deflate decoded, identity untouched") {
    TestServer server(decompress_request_handler(echo()));
    const std::string url = "http://" + server.address() + "/";
    struct Case {
        const char* coding;
        compress::Format format;
    };
    for (const Case& k :
         {Case{"gzip", compress::Format::gzip}, Case{"X-GZIP", compress::Format::gzip},
          Case{"deflate", compress::Format::zlib},
          Case{"identity, gzip", compress::Format::gzip}}) {
        CAPTURE(k.coding);
        auto r = post(url, encode(text(), k.format), k.coding);
        CHECK(r.status_code == 200);
        CHECK(r.header.get("X-Seen-Encoding") == "");  // the handler sees the decoded form
        CHECK(r.header.get("X-Seen-Length") == "-1");
        CHECK(r.read_all().value() == text());
    }
    auto plain = post(url, "as it is", nullptr);
    CHECK(plain.header.get("X-Seen-Length") == "8");
    CHECK(plain.read_all().value() == "as it is");
    // A form sent compressed parses from the decoded bytes.
    TestServer form_server(decompress_request_handler(
        handler_func([](ResponseWriter& w, Request& r) { (void)w.write(r.form_value("b")); })));
    auto f = post("http://" + form_server.address() + "/",
                  encode("a=1&b=decoded+form", compress::Format::gzip), "gzip",
                  "application/x-www-form-urlencoded");
    CHECK(f.read_all().value() == "decoded form");
}

TEST_CASE("decompress_request_handler: a bomb stops at the body limit with 413") {
    // 32 MiB of zeros in about 32 KiB, made once for both subcases.
    static const std::string bomb = encode(std::string(32u << 20, '\0'), compress::Format::gzip);
    REQUIRE(bomb.size() < 64 * 1024);
    SUBCASE("the handler's own limit (max_bytes_reader)") {
        TestServer server(decompress_request_handler(echo(1u << 20)));
        auto r = post("http://" + server.address() + "/", bomb, "gzip");
        CHECK(r.status_code == 413);
    }
    SUBCASE("the server's Limits::max_body") {
        TestServer server(decompress_request_handler(echo()),
                          [](Server& s) { s.limits.max_body = 1u << 20; });
        auto r = post("http://" + server.address() + "/", bomb, "gzip");
        CHECK(r.status_code == 413);
        // Under the limit, the same server decodes.
        auto small = post("http://" + server.address() + "/",
                          encode(std::string(1000, 'z'), compress::Format::gzip), "gzip");
        CHECK(small.status_code == 200);
        CHECK(small.read_all().value() == std::string(1000, 'z'));
    }
}

TEST_CASE("decompress_request_handler: corrupt and truncated streams are read errors") {
    TestServer server(decompress_request_handler(echo()));
    const std::string url = "http://" + server.address() + "/";
    const std::string coded = encode(text(), compress::Format::gzip);
    auto truncated = post(url, coded.substr(0, coded.size() / 2), "gzip");
    CHECK(truncated.status_code == 400);
    CHECK(truncated.read_all().value() ==
          make_error_code(compress::Error::truncated).message() + "\n");
    std::string corrupt = coded;
    corrupt[corrupt.size() - 6] ^= 0x55;  // the CRC-32
    CHECK(post(url, corrupt, "gzip").status_code == 400);
    CHECK(post(url, "not gzip at all", "gzip").status_code == 400);
    CHECK(post(url, coded, "deflate").status_code == 400);  // gzip bytes called deflate
}

TEST_CASE("decompress_request_handler: 415 with Accept-Encoding for other codings") {
    bool called = false;
    TestServer server(decompress_request_handler(
        handler_func([&called](ResponseWriter&, Request&) { called = true; })));
    const std::string url = "http://" + server.address() + "/";
    for (const char* coding : {"br", "zstd", "compress", "gzip, gzip", "gzip, br"}) {
        CAPTURE(coding);
        auto r = post(url, "x", coding);
        CHECK(r.status_code == 415);
        CHECK(r.header.get("Accept-Encoding") == "gzip, deflate");
    }
    CHECK(!called);
}

TEST_CASE("decompress_request_handler with curl: a gzip upload, chunked and with a length") {
    if (!have_program("curl") || !have_program("gzip")) {
        MESSAGE("curl or gzip not installed: skipped");
        return;
    }
    TempDir dir;
    dir.write("upload.txt", text());
    const std::string file = (dir.path() / "upload.txt").string();
    REQUIRE(std::system(("gzip -k " + file).c_str()) == 0);
    TestServer server(decompress_request_handler(echo()));
    const std::string url = "http://" + server.address() + "/";
    auto run = [](const std::string& cmd) {
        std::string out;
        FILE* p = ::popen(cmd.c_str(), "r");
        REQUIRE(p != nullptr);
        char buf[4096];
        std::size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
            out.append(buf, n);
        ::pclose(p);
        return out;
    };
    const std::string send = "curl -s -H 'Content-Encoding: gzip' --data-binary @" + file + ".gz ";
    CHECK(run(send + url) == text());
    CHECK(run(send + "-H 'Transfer-Encoding: chunked' " + url) == text());
    CHECK(run("curl -s -o /dev/null -w '%{http_code}' -H 'Content-Encoding: br' -d x " + url) ==
          "415");
}
