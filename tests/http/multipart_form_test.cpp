#include "http/multipart_form.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <string>

#include "http/error.hpp"

using wire::http::Error;
using wire::http::FormLimits;
using wire::http::MultipartForm;
using wire::http::MultipartFormReader;

namespace {

std::string body_with(const std::string& file_content) {
    return "--XX\r\n"
           "Content-Disposition: form-data; name=\"title\"\r\n\r\n"
           "My holiday\r\n"
           "--XX\r\n"
           "Content-Disposition: form-data; name=\"tags\"\r\n\r\n"
           "sea\r\n"
           "--XX\r\n"
           "Content-Disposition: form-data; name=\"tags\"\r\n\r\n"
           "sun\r\n"
           "--XX\r\n"
           "Content-Disposition: form-data; name=\"photo\"; filename=\"beach.jpg\"\r\n"
           "Content-Type: image/jpeg\r\n\r\n" +
           file_content +
           "\r\n--XX\r\n"
           "Content-Disposition: form-data; name=\"note\"; filename=\"n.txt\"\r\n\r\n"
           "small\r\n"
           "--XX--\r\n";
}

MultipartForm read(const std::string& body, std::uint64_t max_memory, std::size_t piece,
                   std::error_code& ec, const FormLimits& limits = {}) {
    MultipartFormReader r("XX", max_memory, limits);
    for (std::size_t at = 0; at < body.size() && !ec; at += piece) {
        ec = r.write(std::string_view(body).substr(at, piece));
    }
    if (!ec) ec = r.finish();
    return std::move(r.form());
}

}  // namespace

TEST_CASE("MultipartForm: values and in-memory files, fed in any piece size") {
    const std::string photo(5000, 'p');
    for (std::size_t piece : {1ul, 7ul, 100ul, 100000ul}) {
        CAPTURE(piece);
        std::error_code ec;
        MultipartForm form = read(body_with(photo), 1 << 20, piece, ec);
        REQUIRE(!ec);
        CHECK(form.values.get("title") == "My holiday");
        CHECK(form.values.values("tags").size() == 2);
        REQUIRE(form.files.size() == 2);
        const auto* f = form.file("photo");
        REQUIRE(f != nullptr);
        CHECK(f->filename == "beach.jpg");
        CHECK(f->header.get("Content-Type") == "image/jpeg");
        CHECK(f->size == 5000);
        CHECK(f->in_memory());
        std::string got;
        CHECK(!f->read_all(got));
        CHECK(got == photo);
        CHECK(form.file("missing") == nullptr);
    }
}

TEST_CASE("MultipartForm: files past max_memory spill to temporary files, removed after") {
    std::string photo(100000, '\0');
    for (std::size_t i = 0; i < photo.size(); ++i)
        photo[i] = static_cast<char>(i * 7);
    std::string temp;
    {
        std::error_code ec;
        MultipartForm form = read(body_with(photo), 1000, 4096, ec);
        REQUIRE(!ec);
        const auto* f = form.file("photo");
        REQUIRE(f != nullptr);
        CHECK(!f->in_memory());
        CHECK(f->size == photo.size());
        temp = f->temp_path;
        CHECK(::access(temp.c_str(), F_OK) == 0);
        std::string got;
        CHECK(!f->read_all(got));
        CHECK(got == photo);
        // The small file still fits in what is left of max_memory.
        const auto* n = form.file("note");
        REQUIRE(n != nullptr);
        CHECK(n->in_memory());
        CHECK(n->content == "small");
    }
    CHECK(::access(temp.c_str(), F_OK) != 0);
}

TEST_CASE("MultipartForm: errors") {
    std::error_code ec;
    (void)read("--XX\r\n\r\nunfinished", 1000, 3, ec);
    CHECK(ec == Error::unexpected_eof);

    ec = {};
    FormLimits limits;
    limits.max_form_bytes = 10;
    (void)read(body_with("x"), 1000, 50, ec, limits);
    CHECK(ec == Error::form_too_large);

    ec = {};
    (void)read("--XX\r\nbad header\r\n\r\nx\r\n--XX--", 1000, 50, ec);
    CHECK(ec == Error::bad_part_header);
}
