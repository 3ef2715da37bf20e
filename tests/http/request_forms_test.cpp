// Request's forms, multipart forms, cookies, basic auth and query, read by handlers on our
// server from requests our client sends over loopback.
#include <doctest/doctest.h>
#include <unistd.h>

#include <string>

#include "http/client.hpp"
#include "http/error.hpp"
#include "http/multipart_form.hpp"
#include "tests/http/server_support.hpp"

using wire::http::ClientRequest;
using wire::http::Request;
using wire::http::ResponseWriter;
using wire::http::test::TestServer;

namespace {

std::string dump(const wire::http::Values& v) {
    std::string s;
    for (const auto& [k, val] : v)
        s += k + "=" + val + ";";
    return s;
}

std::string body_of(wire::net::Result<wire::http::Response> r) {
    REQUIRE(r);
    auto body = r->read_all();
    REQUIRE(body);
    return *body;
}

// A multipart/form-data body with boundary B0: a "title" value and an "upload" file.
std::string multipart_body(const std::string& file) {
    return "--B0\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nreport\r\n"
           "--B0\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"r.bin\"\r\n"
           "Content-Type: application/octet-stream\r\n\r\n" +
           file + "\r\n--B0--\r\n";
}

}  // namespace

TEST_CASE("form(): body values before the query's, post_form() the body only (Go's ParseForm)") {
    TestServer server(wire::http::handler_func([](ResponseWriter& w, Request& r) {
        const std::error_code ec = r.parse_form();
        (void)w.write("form:" + dump(r.form()) + " post:" + dump(r.post_form()) +
                      " q=" + std::string(r.form_value("q")) + " pq=" +
                      std::string(r.post_form_value("q")) + " err:" + std::to_string(ec.value()));
    }));
    wire::http::Client c;
    const std::string base = "http://" + server.address();
    wire::http::Values v;
    v.add("name", "a b");
    v.add("q", "body");
    CHECK(body_of(c.post_form(base + "/?q=query&x=1", v)) ==
          "form:name=a b;q=body;q=query;x=1; post:name=a b;q=body; q=body pq=body err:0");
    CHECK(body_of(c.get(base + "/?q=only")) == "form:q=only; post: q=only pq= err:0");
    // Not urlencoded: the body is not a form.
    CHECK(body_of(c.post(base + "/?a=1", "text/plain", "b=2")) == "form:a=1; post: q= pq= err:0");
    // PUT and PATCH carry forms too; DELETE does not (Go's ParseForm).
    ClientRequest put;
    put.method = "PUT";
    put.url = base + "/";
    put.header.set("Content-Type", "application/x-www-form-urlencoded");
    put.body = "q=put";
    CHECK(body_of(c.do_request(put)) == "form:q=put; post:q=put; q=put pq=put err:0");
    put.method = "DELETE";
    CHECK(body_of(c.do_request(put)) == "form: post: q= pq= err:0");
}

TEST_CASE("form(): parsed lazily on first use; a bad pair is skipped and reported") {
    TestServer server(wire::http::handler_func([](ResponseWriter& w, Request& r) {
        // No parse_form() call: form_value parses on its own.
        const std::string a(r.form_value("a"));
        (void)w.write(a + "|" + dump(r.form()) + "|" + r.form_error().message());
    }));
    // Two requests on one connection; Go 1.17+ refuses a pair holding ";".
    wire::http::test::Client c(server);
    c.send(wire::http::test::get("/?a=1&bad;x=1&b=2") + wire::http::test::get("/?a=2"));
    CHECK(c.read().body ==
          "1|a=1;b=2;|" + wire::http::make_error_code(wire::http::Error::bad_url).message());
    // The next request on the same connection (and Request object) starts clean.
    CHECK(c.read().body == "2|a=2;|Success");
}

TEST_CASE("parse_form: a body over max_form_bytes is refused") {
    TestServer server(wire::http::handler_func([](ResponseWriter& w, Request& r) {
        wire::http::FormLimits limits;
        limits.max_form_bytes = 16;
        const std::error_code ec = r.parse_form(limits);
        // A second call returns the first one's result.
        const bool same = r.parse_form() == ec;
        (void)w.write(ec == wire::http::Error::form_too_large && same ? "too large" : "ok");
    }));
    wire::http::Client c;
    CHECK(body_of(c.post("http://" + server.address() + "/", "application/x-www-form-urlencoded",
                         "a=" + std::string(100, 'x'))) == "too large");
}

TEST_CASE(
    "parse_multipart_form: a file past max_memory spills to a temporary file, removed after "
    "the request") {
    TestServer server(
        wire::http::handler_func([](ResponseWriter& w, Request& r) {
            if (const std::error_code ec = r.parse_multipart_form(1024)) {
                (void)w.write("error:" + ec.message());
                return;
            }
            auto f = r.form_file("upload");
            REQUIRE(f);
            std::string content;
            REQUIRE(!(*f)->read_all(content));
            const bool on_disk = !(*f)->in_memory() && ::access((*f)->temp_path.c_str(), F_OK) == 0;
            const auto missing = r.form_file("nope");
            (void)w.write(
                "title=" + std::string(r.form_value("title")) +
                " post=" + std::string(r.post_form_value("title")) + " file=" + (*f)->filename +
                " size=" + std::to_string(content.size()) + " disk=" + (on_disk ? "yes" : "no") +
                " missing=" +
                (!missing && missing.error() == wire::http::Error::missing_file ? "yes" : "no") +
                " values=" + dump(r.multipart_form()->values) + " path=" + (*f)->temp_path);
        }),
        [](wire::http::Server& s) { s.worker_threads = 1; });  // reading a large body blocks
    wire::http::Client c;
    const std::string url = "http://" + server.address() + "/";
    const std::string got = body_of(
        c.post(url, "multipart/form-data; boundary=B0", multipart_body(std::string(200000, 'z'))));
    const std::string prefix =
        "title=report post=report file=r.bin size=200000 disk=yes missing=yes values=title=report; "
        "path=";
    REQUIRE(got.starts_with(prefix));
    const std::string path = got.substr(prefix.size());
    CHECK(path.find("multipart-") != std::string::npos);
    // The server removed the temporary file when the handler returned (Go's RemoveAll).
    CHECK(::access(path.c_str(), F_OK) != 0);

    // A small file stays in memory.
    CHECK(body_of(c.post(url, "multipart/form-data; boundary=B0", multipart_body("tiny")))
              .starts_with("title=report post=report file=r.bin size=4 disk=no"));
    CHECK(body_of(c.post(url, "text/plain", "x"))
              .starts_with("error:the body is not multipart/form-data"));
}

TEST_CASE("form_value() on a multipart body parses it, after the query as Go orders it") {
    TestServer server(wire::http::handler_func([](ResponseWriter& w, Request& r) {
        auto f = r.form_file("upload");
        (void)w.write(dump(r.form()) + " post:" + dump(r.post_form()) +
                      " file=" + (f ? (*f)->filename : f.error().message()));
    }));
    wire::http::Client c;
    const std::string url = "http://" + server.address() + "/?title=query";
    CHECK(body_of(c.post(url, "multipart/form-data; boundary=B0", multipart_body("abc"))) ==
          "title=query;title=report; post:title=report; file=r.bin");
    // Cut short: the error is the parse's, and no form is kept.
    CHECK(body_of(c.post(url, "multipart/form-data; boundary=B0", "--B0\r\nContent-Dis")) ==
          "title=query; post: file=" +
              wire::http::make_error_code(wire::http::Error::unexpected_eof).message());
}

TEST_CASE("cookies in, Set-Cookie out, and the client reads them back") {
    TestServer server(wire::http::handler_func([](ResponseWriter& w, Request& r) {
        std::string seen;
        for (const auto& c : r.cookies())
            seen += c.name + "=" + c.value + ";";
        const auto session = r.cookie("session");
        wire::http::Cookie out;
        out.name = "visited";
        out.value = "yes";
        out.path = "/";
        out.http_only = true;
        out.same_site = wire::http::SameSite::lax;
        wire::http::set_cookie(w, out);
        wire::http::Cookie invalid;
        invalid.name = "bad name";
        wire::http::set_cookie(w, invalid);
        (void)w.write(seen + " session=" + (session ? session->value : "-") +
                      " none=" + (r.cookie("none") || r.cookie("") ? "found" : "-"));
    }));
    wire::http::Client c;
    auto req = wire::http::new_request("GET", "http://" + server.address() + "/");
    REQUIRE(req);
    req->header.add("Cookie", "a=1; session=s3cr3t");
    req->header.add("Cookie", "b=2");
    auto r = c.do_request(*req);
    REQUIRE(r);
    CHECK(r->header.values("Set-Cookie").size() == 1);
    CHECK(r->header.get("Set-Cookie") == "visited=yes; Path=/; HttpOnly; SameSite=Lax");
    const auto back = r->cookies();
    REQUIRE(back.size() == 1);
    CHECK(back[0].name == "visited");
    CHECK(back[0].value == "yes");
    CHECK(back[0].http_only);
    CHECK(back[0].same_site == wire::http::SameSite::lax);
    CHECK(r->read_all().value() == "a=1;session=s3cr3t;b=2; session=s3cr3t none=-");

    // add_cookie: the client's way, one Cookie field.
    ClientRequest again;
    again.url = "http://" + server.address() + "/";
    again.add_cookie(back[0]);
    wire::http::Cookie more;
    more.name = "session";
    more.value = "x y";
    again.add_cookie(more);
    more.name = "bad name";
    again.add_cookie(more);
    CHECK(again.header.values("Cookie").size() == 1);
    CHECK(body_of(c.do_request(again)) == "visited=yes;session=x y; session=x y none=-");
}

TEST_CASE("basic_auth: RFC 7617 credentials, set by the client") {
    TestServer server(wire::http::handler_func([](ResponseWriter& w, Request& r) {
        const auto auth = r.basic_auth();
        (void)w.write(auth ? auth->username + "|" + auth->password : std::string("none"));
    }));
    wire::http::Client c;
    ClientRequest req;
    req.url = "http://" + server.address() + "/";
    req.set_basic_auth("Aladdin", "open: sesame");
    CHECK(body_of(c.do_request(req)) == "Aladdin|open: sesame");
    CHECK(body_of(c.get(req.url)) == "none");
    struct Case {
        const char* authorization;
        const char* want;
    };
    const Case cases[] = {
        {"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "Aladdin|open sesame"},  // RFC 7617 §2's example
        {"bAsIc QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "Aladdin|open sesame"},  // the scheme's case
        {"Basic Og==", "|"},                                            // ":" both empty
        {"Basic QWxhZGRpbg==", "none"},                                 // no colon
        {"Basic !!!!", "none"},                                         // not Base64
        {"Bearer QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "none"},                // another scheme
        {"Basic", "none"},
    };
    for (const Case& k : cases) {
        CAPTURE(k.authorization);
        req.header.set("Authorization", k.authorization);
        CHECK(body_of(c.do_request(req)) == k.want);
    }
}

TEST_CASE("query(), user_agent() and referer()") {
    TestServer server(wire::http::handler_func([](ResponseWriter& w, Request& r) {
        const wire::http::Values q = r.query();
        (void)w.write(dump(q) + "|" + std::string(r.user_agent()) + "|" + std::string(r.referer()));
    }));
    wire::http::Client c;
    c.user_agent = "wire-test/1";
    ClientRequest req;
    req.url = "http://" + server.address() + "/p?a=1&b=x+y&a=2";
    req.header.set("Referer", "http://example.com/from");
    CHECK(body_of(c.do_request(req)) == "a=1;b=x y;a=2;|wire-test/1|http://example.com/from");
}
