// Request and response vectors as data (STYLE.md §15): valid messages, invalid ones, limits,
// and every request smuggling shape RFC 9112 names. parser_test.cpp replays each at every split;
// fuzz/corpus seeds come from the same inputs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "http/parser.hpp"

namespace wire::test {

using http::Error;
using http::Framing;

struct Vector {
    std::string name;
    std::string input;
    http::HeadParser::Kind kind = http::HeadParser::Kind::request;
    // Expected: an error (with the offset, unless -1) or a complete message.
    bool ok = true;
    Error error{};
    long long offset = -1;
    std::string method, target;
    int status = 0;
    int minor = 1;
    Framing framing = Framing::none;
    std::string body;
    bool keep_alive = true, expect_continue = false, upgrade = false;
    long long fields = -1;
    // Setup.
    http::ParseOptions options{};
    bool to_head = false;
    bool eof = false;  // the connection closes after the input

    Vector& fails(Error e, long long at = -1) {
        ok = false;
        error = e;
        offset = at;
        return *this;
    }
    Vector& gives(std::string m, std::string t, long long n = -1) {
        method = std::move(m);
        target = std::move(t);
        fields = n;
        return *this;
    }
    Vector& code(int s) {
        status = s;
        return *this;
    }
    Vector& with_body(Framing f, std::string b) {
        framing = f;
        body = std::move(b);
        return *this;
    }
    Vector& version(int m) {
        minor = m;
        return *this;
    }
    Vector& persistent(bool k) {
        keep_alive = k;
        return *this;
    }
    Vector& expects() {
        expect_continue = true;
        return *this;
    }
    Vector& upgrades() {
        upgrade = true;
        return *this;
    }
    Vector& lenient_lf() {
        options.lenient.bare_lf = true;
        return *this;
    }
    Vector& closes() {
        eof = true;
        return *this;
    }
    Vector& head_request() {
        to_head = true;
        return *this;
    }
    template <class F>
    Vector& limit(F f) {
        f(options.limits);
        return *this;
    }
};

inline Vector req(std::string name, std::string input) {
    Vector v;
    v.name = std::move(name);
    v.input = std::move(input);
    return v;
}
inline Vector resp(std::string name, std::string input) {
    Vector v = req(std::move(name), std::move(input));
    v.kind = http::HeadParser::Kind::response;
    return v;
}

#include "tests/http/vectors_data.inc"

}  // namespace wire::test
