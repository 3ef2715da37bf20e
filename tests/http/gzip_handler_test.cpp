// gzip_handler against the server on loopback: every negotiation case, the conditions that keep
// a response identity, HEAD parity, ranges, streamed flushes, hijack and upgrade_on_loop, and
// real decoders (curl --compressed, Python's gzip module).
#include <doctest/doctest.h>

#include <array>
#include <cstdlib>
#include <future>
#include <string>

#include "compress/inflater.hpp"
#include "http/gzip_handler.hpp"
#include "net/event_loop.hpp"
#include "net/socket.hpp"
#include "tests/http/server_support.hpp"
#include "tests/support/run_command.hpp"

using namespace wire;
using wire::test::run_command;
using namespace wire::http;
using namespace wire::http::test;

namespace {

// A page that compresses well, a bit over 4 KiB.
std::string page() {
    std::string s = "<!doctype html><title>gzip</title>\n";
    for (int i = 0; s.size() < 4200; ++i)
        s += "<p>line " + std::to_string(i) + " of a page that repeats itself</p>\n";
    return s;
}

std::string decode(const std::string& body, compress::Format format) {
    std::string out;
    const auto ec =
        compress::inflate_all({reinterpret_cast<const std::uint8_t*>(body.data()), body.size()},
                              out, {.format = format, .max_output = 1 << 24});
    REQUIRE_MESSAGE(!ec, ec.message());
    return out;
}

// Serves page() as text/html with a strong ETag, or what the query asks for.
HandlerPtr app(GzipOptions options = {}) {
    return gzip_handler(handler_func([](ResponseWriter& w, Request& r) {
                            if (r.path == "/small") {
                                (void)w.write("short text, no point compressing\n");
                                return;
                            }
                            if (r.path == "/png") w.header().set("Content-Type", "image/png");
                            if (r.path == "/coded") w.header().set("Content-Encoding", "br");
                            if (r.path == "/no-transform")
                                w.header().set("Cache-Control", "no-transform");
                            if (r.path == "/partial") w.write_header(206);
                            w.header().set("ETag", "\"v1\"");
                            w.header().set("Accept-Ranges", "bytes");
                            w.header().set("Content-Length", std::to_string(page().size()));
                            (void)w.write(page());
                        }),
                        std::move(options));
}

bool have(const char* tool) {
    return std::system((std::string("command -v ") + tool + " >/dev/null 2>&1").c_str()) == 0;
}

}  // namespace

TEST_CASE("gzip_handler: the coding each Accept-Encoding gets (RFC 9110 §12.5.3)") {
    struct Case {
        const char* accept;  // nullptr: no field
        const char* coding;  // "" identity
    };
    const Case cases[] = {
        {nullptr, ""},
        {"gzip", "gzip"},
        {"x-gzip", "gzip"},
        {"GZIP", "gzip"},
        {"deflate", "deflate"},
        {"gzip, deflate, br", "gzip"},
        {"deflate, gzip", "gzip"},
        {"gzip;q=0.5, deflate", "deflate"},
        {"gzip;q=0, deflate", "deflate"},
        {"gzip;q=0", ""},
        {"*", "gzip"},
        {"*;q=0.1, deflate;q=0.5", "deflate"},
        {"br", ""},
        {"identity", ""},
        {"identity;q=0", ""},
        {"gzip;q=0.001", "gzip"},
        {"", ""},
    };
    TestServer s(app());
    const std::string body = page();
    for (const Case& c : cases) {
        CAPTURE(c.accept ? c.accept : "(none)");
        const std::string extra =
            c.accept ? std::string("Accept-Encoding: ") + c.accept + "\r\n" : "";
        const Response r = roundtrip(s, get("/", extra));
        CHECK(r.status == 200);
        CHECK(r.get("Content-Encoding") == c.coding);
        CHECK(r.get("Vary") == "Accept-Encoding");
        const std::string coding = c.coding;
        if (coding.empty()) {
            CHECK(r.body == body);
            CHECK(r.get("ETag") == "\"v1\"");
            CHECK(r.get("Content-Length") == std::to_string(body.size()));
            CHECK(r.get("Accept-Ranges") == "bytes");
            continue;
        }
        CHECK(r.body.size() < body.size() / 4);
        CHECK(decode(r.body, coding == "gzip" ? compress::Format::gzip : compress::Format::zlib) ==
              body);
        CHECK(r.get("ETag") == "W/\"v1\"");  // RFC 9110 §8.8.1
        CHECK(!r.has("Accept-Ranges"));
        // The whole output fit the server's buffer: the compressed length is known.
        CHECK(r.get("Content-Length") == std::to_string(r.body.size()));
    }
}

TEST_CASE("gzip_handler: what stays identity") {
    TestServer s(app());
    const std::string ae = "Accept-Encoding: gzip\r\n";
    SUBCASE("below the minimum size, Vary still says it depends") {
        const Response r = roundtrip(s, get("/small", ae));
        CHECK(r.get("Content-Encoding").empty());
        CHECK(r.body == "short text, no point compressing\n");
        CHECK(r.get("Content-Type") == "text/plain; charset=utf-8");  // sniffed
        CHECK(r.get("Vary") == "Accept-Encoding");
    }
    SUBCASE("a type that does not compress: no Vary either") {
        const Response r = roundtrip(s, get("/png", ae));
        CHECK(r.get("Content-Encoding").empty());
        CHECK(!r.has("Vary"));
        CHECK(r.body == page());
    }
    SUBCASE("a coding the handler chose") {
        const Response r = roundtrip(s, get("/coded", ae));
        CHECK(r.get("Content-Encoding") == "br");
        CHECK(r.body == page());
    }
    SUBCASE("Cache-Control: no-transform") {
        CHECK(roundtrip(s, get("/no-transform", ae)).get("Content-Encoding").empty());
    }
    SUBCASE("a Range request and a 206 pass through, ranges over the identity bytes") {
        const Response r = roundtrip(s, get("/", ae + "Range: bytes=0-9\r\n"));
        CHECK(r.get("Content-Encoding").empty());
        CHECK(r.body == page());  // this handler ignores Range; the bytes are untouched
        const Response p = roundtrip(s, get("/partial", ae));
        CHECK(p.status == 206);
        CHECK(p.get("Content-Encoding").empty());
        CHECK(p.body == page());
    }
    SUBCASE("a smaller minimum and a narrower type list") {
        TestServer t(app({.min_size = 8, .types = {"application/json"}}));
        CHECK(roundtrip(t, get("/small", ae)).get("Content-Encoding").empty());  // text/plain
    }
}

TEST_CASE("gzip_handler: the minimum size counts the bytes, not the writes") {
    TestServer s(gzip_handler(handler_func([](ResponseWriter& w, Request& r) {
                                  w.header().set("Content-Type", "application/json");
                                  const std::size_t n = r.path == "/1023" ? 1023 : 1024;
                                  for (std::size_t i = 0; i < n; ++i)
                                      (void)w.write("x");
                              }),
                              {.level = 1}));
    const std::string ae = "Accept-Encoding: gzip\r\n";
    CHECK(roundtrip(s, get("/1023", ae)).get("Content-Encoding").empty());
    const Response r = roundtrip(s, get("/1024", ae));
    CHECK(r.get("Content-Encoding") == "gzip");
    CHECK(decode(r.body, compress::Format::gzip) == std::string(1024, 'x'));
}

TEST_CASE("gzip_handler: HEAD gets GET's header without a body") {
    TestServer s(app());
    for (const char* path : {"/", "/small", "/png"}) {
        CAPTURE(path);
        const Response g = roundtrip(s, get(path, "Accept-Encoding: gzip\r\n"));
        std::string head = get(path, "Accept-Encoding: gzip\r\n");
        head.replace(0, 3, "HEAD");
        const Response h = roundtrip(s, head, true);
        CHECK(h.body.empty());
        for (const char* field : {"Content-Encoding", "Content-Length", "Transfer-Encoding", "Vary",
                                  "ETag", "Content-Type", "Accept-Ranges"}) {
            CAPTURE(field);
            CHECK(h.get(field) == g.get(field));
        }
    }
}

TEST_CASE("gzip_handler: a large body streams chunked and decodes whole") {
    std::string big;
    for (int i = 0; big.size() < 3'000'000; ++i)
        big += "{\"n\":" + std::to_string(i * 7919 % 100003) + "},\n";
    TestServer s(gzip_handler(handler_func([&](ResponseWriter& w, Request&) {
        w.header().set("Content-Type", "application/json");
        for (std::size_t at = 0; at < big.size(); at += 1000)
            (void)w.write(std::string_view(big).substr(at, 1000));
    })));
    const Response r = roundtrip(s, get("/", "Accept-Encoding: gzip\r\n"));
    CHECK(r.chunked);
    CHECK(r.get("Content-Encoding") == "gzip");
    CHECK(decode(r.body, compress::Format::gzip) == big);
}

TEST_CASE("gzip_handler: each flush reaches the client decodable before the handler ends") {
    std::promise<void> first_seen;
    auto seen = first_seen.get_future();
    TestServer s(gzip_handler(handler_func([&](ResponseWriter& w, Request&) {
                     w.header().set("Content-Type", "text/event-stream");
                     (void)w.write("data: first\n\n");
                     (void)w.flush();
                     // Holds the response open until the client decoded the event.
                     (void)seen.wait_for(10s);
                     (void)w.write("data: second\n\n");
                 })),
                 [](Server& cfg) { cfg.worker_threads = 1; });
    Client c(s);
    c.send(get("/", "Accept-Encoding: gzip\r\n"));
    // Reads the raw chunked stream and inflates it as it comes.
    std::string raw, decoded;
    compress::Inflater inf({.format = compress::Format::gzip});
    std::size_t body_at = std::string::npos;
    std::array<std::uint8_t, 4096> space;
    char tmp[4096];
    while (decoded.find("data: first\n\n") == std::string::npos) {
        auto n = c.conn.read(tmp, sizeof tmp);
        REQUIRE_MESSAGE(n, n.error().message());
        REQUIRE(*n > 0);
        raw.append(tmp, *n);
        if (body_at == std::string::npos) {
            body_at = raw.find("\r\n\r\n");
            if (body_at == std::string::npos) continue;
            CHECK(raw.find("Content-Encoding: gzip") < body_at);
            CHECK(raw.find("Transfer-Encoding: chunked") < body_at);
            raw.erase(0, body_at + 4);
        }
        // Whole chunks only: size line, data, CRLF.
        for (;;) {
            const std::size_t eol = raw.find("\r\n");
            if (eol == std::string::npos) break;
            const std::size_t size = std::stoul(raw.substr(0, eol), nullptr, 16);
            if (raw.size() < eol + 2 + size + 2) break;
            std::span<const std::uint8_t> in(
                reinterpret_cast<const std::uint8_t*>(raw.data() + eol + 2), size);
            while (!in.empty()) {
                const auto r = inf.inflate(in, space);
                REQUIRE(!r.failed());
                decoded.append(reinterpret_cast<const char*>(space.data()), r.produced);
                in = in.subspan(r.consumed);
                if (r.consumed == 0 && r.produced == 0) break;
            }
            raw.erase(0, eol + 2 + size + 2);
        }
    }
    CHECK(decoded == "data: first\n\n");
    first_seen.set_value();
}

TEST_CASE("gzip_handler: hijack and upgrade_on_loop pass through") {
    std::promise<std::thread> owner;
    TestServer s(gzip_handler(handler_func([&](ResponseWriter& w, Request& r) {
        if (r.path == "/hijack") {
            auto h = w.hijack();
            REQUIRE(h);
            owner.set_value(std::thread([h = std::move(*h)]() mutable {
                (void)h.writer->write("HTTP/1.1 101 Switching Protocols\r\n\r\nmine");
                (void)h.writer->flush();
            }));
            return;
        }
        w.header().set("Upgrade", "echo");
        w.header().set("Connection", "Upgrade");
        w.write_header(101);
        CHECK(w.upgrade_on_loop(
            [](LoopUpgrade&& up) { (void)up.socket.write("taken:" + up.already_read); }));
    })));
    {
        Client c(s);
        c.send("GET /hijack HTTP/1.1\r\nHost: h\r\nAccept-Encoding: gzip\r\n\r\n");
        const Response r = c.read();
        CHECK(r.status == 101);
        std::string got = c.take_buffered();
        char tmp[64];
        while (got.size() < 4) {
            auto n = c.conn.read(tmp, sizeof tmp);
            REQUIRE(n);
            REQUIRE(*n > 0);
            got.append(tmp, *n);
        }
        CHECK(got == "mine");
        owner.get_future().get().join();
    }
    Client c(s);
    c.send(
        "GET /ws HTTP/1.1\r\nHost: h\r\nAccept-Encoding: gzip\r\nConnection: Upgrade\r\n"
        "Upgrade: echo\r\n\r\nhi");
    const Response r = c.read();
    CHECK(r.status == 101);
    CHECK(!r.has("Content-Encoding"));
    std::string got = c.take_buffered();
    char tmp[64];
    while (got.size() < 8) {
        auto n = c.conn.read(tmp, sizeof tmp);
        REQUIRE(n);
        REQUIRE(*n > 0);
        got.append(tmp, *n);
    }
    CHECK(got == "taken:hi");
}

TEST_CASE("gzip_handler: curl --compressed and Python's gzip module decode it") {
    TestServer s(app());
    const std::string url = "http://" + s.address() + "/";
    if (have("curl")) {
        const std::string out = run_command("curl -sS --max-time 10 --compressed " + url);
        CHECK(out == page());
        const std::string head =
            run_command("curl -sS --max-time 10 --compressed -o /dev/null -D - " + url);
        CHECK(head.find("Content-Encoding: gzip") != std::string::npos);
        CHECK(head.find("Vary: Accept-Encoding") != std::string::npos);
    } else {
        MESSAGE("curl not installed: skipped");
    }
    if (have("python3")) {
        const std::string py =
            "python3 -c \"import gzip,urllib.request as u,hashlib;"
            "r=u.urlopen(u.Request('" +
            url +
            "',headers={'Accept-Encoding':'gzip'}),timeout=10);"
            "assert r.headers['Content-Encoding']=='gzip';"
            "print(gzip.decompress(r.read()).decode(),end='')\"";
        CHECK(run_command(py) == page());
    } else {
        MESSAGE("python3 not installed: skipped");
    }
}
