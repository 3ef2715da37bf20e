#include "redis/command.hpp"

#include <doctest/doctest.h>

#include <string>

#include "redis/resp_cursor.hpp"
#include "redis/resp_reader.hpp"

using namespace wire::redis;

TEST_CASE("a command is an array of bulk strings") {
    std::string out;
    append_command(out, {"PUBLISH", "chat", "hello"});
    CHECK(out == "*3\r\n$7\r\nPUBLISH\r\n$4\r\nchat\r\n$5\r\nhello\r\n");
    const std::string_view args[] = {"PUBLISH", "chat", "hello"};
    CHECK(command_size(args) == out.size());
}

TEST_CASE("arguments carry any bytes: spaces, quotes, CRLF, NUL, nothing") {
    const std::string nul("a\0b", 3);
    const std::string_view args[] = {"SET", "k y", "\"v\"\r\n*1\r\n", nul, ""};
    std::string out;
    append_command(out, args);
    CHECK(command_size(args) == out.size());
    // What the server reads back is exactly the arguments (a server reads commands as arrays).
    RespReader reader;
    const auto r = reader.read({reinterpret_cast<const std::uint8_t*>(out.data()), out.size()});
    REQUIRE(r.done());
    CHECK(r.consumed == out.size());
    RespCursor c(out);
    Value v;
    REQUIRE(c.next(v));
    CHECK(v.size == 5);
    for (auto a : args) {
        REQUIRE(c.next(v));
        CHECK(v.type == Type::bulk_string);
        CHECK(v.text == a);
    }
}

TEST_CASE("one argument from pieces") {
    std::string out;
    begin_command(out, 3);
    append_arg(out, "PUBLISH");
    append_arg(out, "t");
    const std::string_view pieces[] = {"head:", "body"};
    append_arg(out, std::span<const std::string_view>(pieces));
    CHECK(out == "*3\r\n$7\r\nPUBLISH\r\n$1\r\nt\r\n$9\r\nhead:body\r\n");
}
