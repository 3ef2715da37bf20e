// Forms, multipart forms and cookies read by handlers on our server, sent by our client.
#include "http/request_forms.hpp"

#include <doctest/doctest.h>

#include <string>

#include "http/client.hpp"
#include "http/error.hpp"
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

}  // namespace

TEST_CASE("parse_form: body values first, then the query (Go's Request.Form)") {
    TestServer server(wire::http::handler_func([](ResponseWriter& w, Request& r) {
        wire::http::ParsedForm f;
        const std::error_code ec = wire::http::parse_form(r, f);
        (void)w.write("form:" + dump(f.form) + " post:" + dump(f.post_form) +
                      " err:" + std::to_string(ec.value()));
    }));
    wire::http::Client c;
    const std::string base = "http://" + server.address();
    wire::http::Values v;
    v.add("name", "a b");
    v.add("q", "body");
    auto r = c.post_form(base + "/?q=query&x=1", v);
    REQUIRE(r);
    CHECK(r->read_all().value() == "form:name=a b;q=body;q=query;x=1; post:name=a b;q=body; err:0");

    auto g = c.get(base + "/?q=only");
    REQUIRE(g);
    CHECK(g->read_all().value() == "form:q=only; post: err:0");

    // Not urlencoded: the body is not a form.
    auto p = c.post(base + "/?a=1", "text/plain", "b=2");
    REQUIRE(p);
    CHECK(p->read_all().value() == "form:a=1; post: err:0");
}

TEST_CASE("parse_form: a body over max_form_bytes is refused") {
    TestServer server(wire::http::handler_func([](ResponseWriter& w, Request& r) {
        wire::http::ParsedForm f;
        wire::http::FormLimits limits;
        limits.max_form_bytes = 16;
        const std::error_code ec = wire::http::parse_form(r, f, limits);
        (void)w.write(ec == wire::http::Error::form_too_large ? "too large" : "ok");
    }));
    wire::http::Client c;
    auto r = c.post("http://" + server.address() + "/", "application/x-www-form-urlencoded",
                    "a=" + std::string(100, 'x'));
    REQUIRE(r);
    CHECK(r->read_all().value() == "too large");
}

TEST_CASE("parse_multipart_form on the server, with a file spilling to disk") {
    TestServer server(
        wire::http::handler_func([](ResponseWriter& w, Request& r) {
            wire::http::MultipartForm form;
            const std::error_code ec = wire::http::parse_multipart_form(r, 1024, form);
            if (ec) {
                (void)w.write("error:" + ec.message());
                return;
            }
            const auto* f = form.file("upload");
            std::string content;
            if (f != nullptr) (void)f->read_all(content);
            (void)w.write("title=" + std::string(form.values.get("title")) + " file=" +
                          (f ? f->filename : "-") + " size=" + std::to_string(content.size()) +
                          " disk=" + (f && !f->in_memory() ? "yes" : "no"));
        }),
        [](wire::http::Server& s) { s.worker_threads = 1; });  // reading a large body blocks
    wire::http::Client c;
    const std::string file(200000, 'z');
    const std::string body =
        "--B0\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nreport\r\n"
        "--B0\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"r.bin\"\r\n"
        "Content-Type: application/octet-stream\r\n\r\n" +
        file + "\r\n--B0--\r\n";
    auto r = c.post("http://" + server.address() + "/", "multipart/form-data; boundary=B0", body);
    REQUIRE(r);
    CHECK(r->read_all().value() == "title=report file=r.bin size=200000 disk=yes");

    auto bad = c.post("http://" + server.address() + "/", "text/plain", "x");
    REQUIRE(bad);
    CHECK(bad->read_all().value().starts_with("error:the body is not multipart/form-data"));
}

TEST_CASE("cookies in, Set-Cookie out") {
    TestServer server(wire::http::handler_func([](ResponseWriter& w, Request& r) {
        std::string seen;
        for (const auto& c : wire::http::cookies(r))
            seen += c.name + "=" + c.value + ";";
        const auto session = wire::http::cookie(r, "session");
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
        (void)w.write(seen + " session=" + (session ? session->value : "-"));
    }));
    wire::http::Client c;
    ClientRequest req;
    req.url = "http://" + server.address() + "/";
    req.header.add("Cookie", "a=1; session=s3cr3t");
    req.header.add("Cookie", "b=2");
    auto r = c.do_request(req);
    REQUIRE(r);
    CHECK(r->header.values("Set-Cookie").size() == 1);
    CHECK(r->header.get("Set-Cookie") == "visited=yes; Path=/; HttpOnly; SameSite=Lax");
    wire::http::Cookie parsed;
    CHECK(wire::http::parse_set_cookie(r->header.get("Set-Cookie"), parsed));
    CHECK(parsed.http_only);
    CHECK(r->read_all().value() == "a=1;session=s3cr3t;b=2; session=s3cr3t");
}
