// MultipartReader: the same bodies as the parser's tests, read part by part from a source that
// delivers them whole, cut in two anywhere, or byte by byte; then large parts in bounded memory,
// errors, and Request::multipart_reader() on a loopback upload larger than the server's buffers.
#include "http/multipart_reader.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "http/client.hpp"
#include "http/error.hpp"
#include "tests/http/multipart_vectors.hpp"
#include "tests/http/server_support.hpp"
#include "tests/support/split_feed.hpp"

using wire::http::Error;
using wire::http::FormLimits;
using wire::http::MultipartPart;
using wire::http::MultipartReader;

namespace {

// A Source handing out `pieces` in order, never more than one piece per call (a socket's reads).
MultipartReader::Source plan_source(std::vector<std::string_view> pieces) {
    return [pieces = std::move(pieces), i = std::size_t{0}](
               char* data, std::size_t size) mutable -> wire::net::Result<std::size_t> {
        while (i < pieces.size() && pieces[i].empty())
            ++i;
        if (i == pieces.size()) return std::size_t{0};
        const std::size_t n = std::min(size, pieces[i].size());
        std::memcpy(data, pieces[i].data(), n);
        pieces[i].remove_prefix(n);
        return n;
    };
}

enum class Mode { read_small, read_some, skip };

// "{name|filename(f)|content-type:body}" per part, then "done" or "error:<n>". In skip mode the
// bodies are not read at all: next_part() must skip them.
std::string transcript(MultipartReader& r, Mode mode) {
    std::string out;
    for (;;) {
        auto part = r.next_part();
        if (!part) return out + "error:" + std::to_string(part.error().value());
        if (*part == nullptr) return out + "done";
        MultipartPart& p = **part;
        out += "{" + std::string(p.form_name()) + "|" + std::string(p.file_name()) +
               (p.is_file() ? "(f)" : "") + "|" + std::string(p.header().get("Content-Type")) + ":";
        for (bool more = mode != Mode::skip; more;) {
            if (mode == Mode::read_some) {
                auto d = p.read_some();
                if (!d) return out + "error:" + std::to_string(d.error().value());
                more = !d->empty();
                out += *d;
            } else {
                char buf[3];  // smaller than most chunks: what is left waits for the next read
                auto n = p.read(buf, sizeof buf);
                if (!n) return out + "error:" + std::to_string(n.error().value());
                more = *n > 0;
                out.append(buf, *n);
            }
        }
        out += "}";
    }
}

// A transcript as Mode::skip writes it: the bodies left out.
std::string without_bodies(const std::string& t) {
    std::string out;
    bool in_header = false, in_body = false;
    for (std::size_t i = 0; i < t.size(); ++i) {
        // The part ended (unread) before next_part() met the error.
        if (in_body && t.compare(i, 6, "error:") == 0) return out + "}" + t.substr(i);
        if (in_body && t[i] != '}') continue;
        in_body = false;
        out += t[i];
        if (t[i] == '{') in_header = true;
        if (t[i] == ':' && in_header) in_header = false, in_body = true;
    }
    return out;
}

std::string err(Error e) {
    return "error:" + std::to_string(int(e));
}

}  // namespace

TEST_CASE("MultipartReader: parts one at a time, the same at every cut of the input") {
    using wire::http::test::MultipartCase;
    // The cases both readers share, then this one's own.
    std::vector<MultipartCase> cases = wire::http::test::shared_multipart_cases();
    const std::vector<MultipartCase> own = {
        {"truncated in the body", "--AaB03x\r\n\r\nabc", "{||:abc" + err(Error::unexpected_eof)},
        {"truncated before the close-delimiter's dashes", "--AaB03x\r\n\r\nabc\r\n--AaB03x",
         "{||:abc" + err(Error::unexpected_eof)},
        {"truncated in the headers", "--AaB03x\r\nContent-Type: text/plain\r\n",
         err(Error::unexpected_eof)},
        {"no delimiter at all", "just some text", err(Error::unexpected_eof)},
        {"empty body", "", err(Error::unexpected_eof)},
        {"malformed second part", "--AaB03x\r\n\r\nx\r\n--AaB03x\r\nA : b\r\n\r\ny\r\n--AaB03x--",
         "{||:x}" + err(Error::bad_part_header)},
    };
    cases.insert(cases.end(), own.begin(), own.end());
    for (const MultipartCase& c : cases) {
        const std::string name = c.name;
        CAPTURE(name);
        for (const auto& plan : wire::test::all_splits(c.body)) {
            const std::string how = wire::test::describe_plan(plan, c.body.size());
            CAPTURE(how);
            // The smallest buffer the limits allow, so that it fills and compacts often.
            MultipartReader small("AaB03x", plan_source(plan), {}, 1);
            REQUIRE(transcript(small, Mode::read_small) == c.want);
            MultipartReader zero_copy("AaB03x", plan_source(plan));
            REQUIRE(transcript(zero_copy, Mode::read_some) == c.want);
        }
        // Unread bodies are skipped by next_part(): the same parts and outcome.
        for (const auto& plan :
             {std::vector<std::string_view>{c.body}, wire::test::all_splits(c.body).back()}) {
            MultipartReader skipping("AaB03x", plan_source(plan), {}, 1);
            CHECK(transcript(skipping, Mode::skip) == without_bodies(c.want));
        }
    }
}

TEST_CASE("MultipartReader: a part far larger than the buffer is read in bounded chunks") {
    std::string content(1 << 20, '\0');
    for (std::size_t i = 0; i < content.size(); ++i)
        content[i] = static_cast<char>("\r\n-abc"[i % 6]);  // many near-delimiters
    const std::string body =
        "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n\r\n" + content +
        "\r\n--b\r\n\r\ntail\r\n--b--";
    std::vector<std::string_view> pieces;
    for (std::size_t at = 0; at < body.size(); at += 65536)
        pieces.push_back(std::string_view(body).substr(at, 65536));
    MultipartReader r("b", plan_source(pieces));
    auto part = r.next_part();
    REQUIRE(part);
    REQUIRE(*part != nullptr);
    CHECK((*part)->file_name() == "x");
    std::string got;
    std::size_t chunks = 0, largest = 0;
    for (;;) {
        auto d = (*part)->read_some();
        REQUIRE(d);
        if (d->empty()) break;
        ++chunks;
        largest = std::max(largest, d->size());
        got += *d;
    }
    CHECK(got == content);
    CHECK(largest <= r.buffer_size());
    CHECK(r.buffer_size() < 32 * 1024);  // the default limits' header bound, plus one
    CHECK(chunks >= content.size() / r.buffer_size());
    // After the end of a part, reads keep returning its end.
    CHECK((*part)->read_some().value().empty());
    char c;
    CHECK((*part)->read(&c, 1).value() == 0);
    part = r.next_part();
    REQUIRE(part);
    REQUIRE(*part != nullptr);
    std::string tail(8, '\0');
    CHECK((*part)->read(tail.data(), 0).value() == 0);
    tail.resize((*part)->read(tail.data(), tail.size()).value());
    CHECK(tail == "tail");
    part = r.next_part();
    REQUIRE(part);
    CHECK(*part == nullptr);
    CHECK(r.next_part().value() == nullptr);  // and it stays at the end
}

TEST_CASE("MultipartReader: limits, and errors that stay") {
    FormLimits limits;
    limits.max_part_header_bytes = 32;
    const std::string big = "--b\r\nX-Long: " + std::string(40, 'a') + "\r\n\r\nx\r\n--b--";
    MultipartReader r1("b", plan_source({big}), limits, 1);
    CHECK(r1.buffer_size() < 100);  // a header bound and a delimiter line, not more
    CHECK(transcript(r1, Mode::read_small) == err(Error::part_header_too_large));
    const std::string endless = "--b\r\nX-Long: " + std::string(4000, 'a');
    MultipartReader r2("b", plan_source({endless}), limits, 1);
    CHECK(transcript(r2, Mode::read_small) == err(Error::part_header_too_large));

    limits = {};
    limits.max_parts = 2;
    const std::string three = "--b\r\n\r\n1\r\n--b\r\n\r\n2\r\n--b\r\n\r\n3\r\n--b--";
    MultipartReader r3("b", plan_source({three}), limits);
    CHECK(transcript(r3, Mode::read_small) == "{||:1}{||:2}" + err(Error::too_many_parts));
    CHECK(r3.next_part().error() == Error::too_many_parts);

    // The source's own error ends the body, for the part and for next_part().
    int calls = 0;
    MultipartReader r4("b",
                       [&calls](char* data, std::size_t size) -> wire::net::Result<std::size_t> {
                           if (calls++ > 0)
                               return std::make_error_code(std::errc::connection_reset);
                           const std::string_view first = "--b\r\n\r\npartial";
                           REQUIRE(size >= first.size());
                           first.copy(data, first.size());
                           return first.size();
                       });
    auto part = r4.next_part();
    REQUIRE(part);
    REQUIRE(*part != nullptr);
    CHECK((*part)->read_some().value() == "partial");
    CHECK((*part)->read_some().error() == std::errc::connection_reset);
    CHECK(r4.next_part().error() == std::errc::connection_reset);
    CHECK(calls == 2);  // not asked again once failed
}

namespace {

using wire::http::Request;
using wire::http::ResponseWriter;

// What the upload handler saw, written back as text.
std::string stream_parts(Request& r) {
    auto reader = r.multipart_reader();
    if (!reader) return "error:" + reader.error().message();
    std::string out;
    std::vector<char> buf(8192);
    for (;;) {
        auto part = (*reader)->next_part();
        if (!part) return out + "error:" + part.error().message();
        if (*part == nullptr) break;
        std::uint64_t size = 0, reads = 0;
        bool pattern_ok = true;
        for (;;) {
            auto n = (*part)->read(buf.data(), buf.size());
            if (!n) return out + "error:" + n.error().message();
            if (*n == 0) break;
            for (std::size_t i = 0; i < *n; ++i)
                pattern_ok = pattern_ok && buf[i] == static_cast<char>('a' + (size + i) % 26);
            size += *n, ++reads;
        }
        out += std::string((*part)->form_name()) + "/" + std::string((*part)->file_name()) +
               " size=" + std::to_string(size) +
               ((*part)->is_file() ? (pattern_ok ? " ok" : " bad") : "") +
               (reads > 1 ? " chunked" : "") + ";";
    }
    // The body went to the reader: no second reader, no parse_multipart_form.
    const bool taken = r.multipart_reader().error() == Error::multipart_body_taken &&
                       r.parse_multipart_form(1024) == Error::multipart_body_taken;
    return out + (taken ? " taken" : " not taken");
}

}  // namespace

TEST_CASE("Request::multipart_reader: a loopback upload far larger than the server's buffers") {
    wire::http::test::TestServer server(
        wire::http::handler_func([](ResponseWriter& w, Request& r) {
            if (r.path == "/after-form") {
                (void)r.parse_multipart_form(1024);
                (void)w.write(r.multipart_reader().error() == Error::multipart_body_taken ? "taken"
                                                                                          : "no");
                return;
            }
            (void)w.write(stream_parts(r));
        }),
        [](wire::http::Server& s) { s.worker_threads = 1; });  // reading a large body blocks
    const std::size_t big = 8u << 20;  // vs the server's 64 KiB preread and the 16 KiB reader
    std::string file(big, '\0');
    for (std::size_t i = 0; i < big; ++i)
        file[i] = static_cast<char>('a' + i % 26);
    const std::string body =
        "--B0\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nreport\r\n"
        "--B0\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"big.bin\"\r\n"
        "Content-Type: application/octet-stream\r\n\r\n" +
        file + "\r\n--B0--\r\n";
    wire::http::Client c;
    const std::string url = "http://" + server.address();
    auto post = [&](const std::string& path, std::string_view type, std::string b) {
        auto resp = c.post(url + path, type, std::move(b));
        REQUIRE(resp);
        return resp->read_all().value();
    };
    CHECK(post("/", "multipart/form-data; boundary=B0", body) ==
          "title/ size=6;upload/big.bin size=" + std::to_string(big) + " ok chunked; taken");
    // Errors as values.
    CHECK(post("/", "text/plain", "x") ==
          "error:" + wire::http::make_error_code(Error::not_multipart).message());
    CHECK(post("/", "multipart/form-data", "x") ==
          "error:" + wire::http::make_error_code(Error::missing_boundary).message());
    CHECK(post("/", "multipart/form-data; boundary=B0", body.substr(0, body.size() - 8)) ==
          "title/ size=6;error:" + wire::http::make_error_code(Error::unexpected_eof).message());
    CHECK(post("/after-form", "multipart/form-data; boundary=B0", "--B0--") == "taken");
    // Go's MultipartReader also reads multipart/mixed.
    CHECK(post("/", "multipart/mixed; boundary=B0", "--B0\r\n\r\nx\r\n--B0--") ==
          "/ size=1; taken");
}
