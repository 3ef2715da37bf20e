#include "redis/resp_reader.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "redis/resp_cursor.hpp"
#include "tests/support/split_feed.hpp"

using namespace wire::redis;

namespace {

std::span<const std::uint8_t> bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// One value and what it holds, as a compact line: "array[bulk:a,int:1]".
std::string render(RespCursor& c);

std::string render_value(RespCursor& c, const Value& v) {
    std::string out{type_name(v.type)};
    if (v.is_null) return out + ":null";
    if (is_aggregate(v.type)) {
        out += "[";
        for (std::uint64_t i = 0; i < v.size; ++i) {
            if (i) out += ",";
            out += render(c);
        }
        out += "]";
        if (v.type == Type::attribute) out += render(c);  // the value it annotates
        return out;
    }
    if (v.type == Type::verbatim)
        return out + ":" + std::string(v.format) + ":" + std::string(v.text);
    return out + ":" + std::string(v.text);
}

std::string render(RespCursor& c) {
    Value v;
    if (!c.next(v)) return "<end>";
    return render_value(c, v);
}

struct Outcome {
    std::vector<std::string> replies;
    Error error{};
    bool failed = false;
    std::size_t left = 0;  // bytes after the last reply, still waiting
};

// A caller as the contract says: it keeps the bytes of the reply in progress in front.
Outcome run(const std::vector<std::string_view>& plan, const Limits& limits = {}) {
    RespReader reader(limits);
    Outcome o;
    std::string pending;
    for (auto piece : plan) {
        pending.append(piece);
        for (;;) {
            const ReadResult r = reader.read(bytes(pending));
            if (r.failed()) {
                o.failed = true;
                o.error = r.error;
                return o;
            }
            if (r.need_more()) break;
            RespCursor c(bytes(pending).first(r.consumed));
            o.replies.push_back(render(c));
            CHECK(c.at_end());
            pending.erase(0, r.consumed);
        }
    }
    o.left = pending.size();
    return o;
}

// Every split of `input` gives the same replies.
std::vector<std::string> replies_of(std::string_view input, const Limits& limits = {}) {
    const auto plans = wire::test::all_splits(input);
    const Outcome whole = run(plans.front(), limits);
    REQUIRE_FALSE(whole.failed);
    for (const auto& plan : plans) {
        const Outcome o = run(plan, limits);
        INFO(wire::test::describe_plan(plan, input.size()));
        CHECK_FALSE(o.failed);
        CHECK(o.replies == whole.replies);
        CHECK(o.left == whole.left);
    }
    return whole.replies;
}

// Every split of `input` fails with `e`.
void fails_with(std::string_view input, Error e, const Limits& limits = {}) {
    for (const auto& plan : wire::test::all_splits(input)) {
        const Outcome o = run(plan, limits);
        INFO(wire::test::describe_plan(plan, input.size()) << ": " << input);
        CHECK(o.failed);
        CHECK(o.error == e);
    }
}

}  // namespace

TEST_CASE("RESP2 values, at every split") {
    CHECK(replies_of("+OK\r\n") == std::vector<std::string>{"simple string:OK"});
    CHECK(replies_of("-ERR unknown command 'x'\r\n") ==
          std::vector<std::string>{"simple error:ERR unknown command 'x'"});
    CHECK(replies_of(":1000\r\n:-42\r\n") ==
          std::vector<std::string>{"integer:1000", "integer:-42"});
    CHECK(replies_of("$5\r\nhello\r\n$0\r\n\r\n$-1\r\n") ==
          std::vector<std::string>{"bulk string:hello", "bulk string:", "bulk string:null"});
    // A bulk string holds any bytes, CRLF included: its length says where it ends.
    CHECK(replies_of("$4\r\na\r\nb\r\n") == std::vector<std::string>{"bulk string:a\r\nb"});
    CHECK(replies_of("*3\r\n$7\r\nmessage\r\n$4\r\nchat\r\n$2\r\nhi\r\n") ==
          std::vector<std::string>{"array[bulk string:message,bulk string:chat,bulk string:hi]"});
    CHECK(replies_of("*0\r\n*-1\r\n") == std::vector<std::string>{"array[]", "array:null"});
    CHECK(replies_of("*2\r\n*1\r\n:1\r\n*0\r\n") ==
          std::vector<std::string>{"array[array[integer:1],array[]]"});
}

TEST_CASE("RESP3 values, at every split") {
    CHECK(replies_of("_\r\n#t\r\n#f\r\n") ==
          std::vector<std::string>{"null:null", "boolean:t", "boolean:f"});
    CHECK(replies_of(",3.14\r\n,-1e+300\r\n,inf\r\n,-inf\r\n,nan\r\n,10\r\n").size() == 6);
    CHECK(replies_of("(3492890328409238509324850943850943825024385\r\n") ==
          std::vector<std::string>{"big number:3492890328409238509324850943850943825024385"});
    CHECK(replies_of("!21\r\nSYNTAX invalid syntax\r\n") ==
          std::vector<std::string>{"bulk error:SYNTAX invalid syntax"});
    CHECK(replies_of("=15\r\ntxt:Some string\r\n") ==
          std::vector<std::string>{"verbatim string:txt:Some string"});
    CHECK(replies_of("%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n") ==
          std::vector<std::string>{
              "map[simple string:first,integer:1,simple string:second,integer:2]"});
    CHECK(replies_of("~2\r\n+a\r\n+b\r\n") ==
          std::vector<std::string>{"set[simple string:a,simple string:b]"});
    CHECK(replies_of(">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n") ==
          std::vector<std::string>{"push[bulk string:message,bulk string:c,bulk string:m]"});
}

TEST_CASE("an attribute annotates the value after it and is no element of its parent") {
    // The example of the RESP3 specification: an attribute before the reply, one inside it.
    CHECK(replies_of("|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n"
                     "*2\r\n:2039123\r\n:9543892\r\n") ==
          std::vector<std::string>{"attribute[simple string:key-popularity,map[bulk string:a,"
                                   "double:0.1923,bulk string:b,double:0.0012]]array[integer:"
                                   "2039123,integer:9543892]"});
    CHECK(replies_of("*2\r\n:1\r\n|1\r\n+ttl\r\n:3600\r\n:2\r\n") ==
          std::vector<std::string>{
              "array[integer:1,attribute[simple string:ttl,integer:3600]integer:2]"});
    CHECK(replies_of("|0\r\n:7\r\n") == std::vector<std::string>{"attribute[]integer:7"});
}

TEST_CASE("the type of a complete reply tells pushes from replies") {
    RespReader reader;
    const std::string_view push = ">2\r\n+pong\r\n+\r\n";
    const ReadResult r = reader.read(bytes(push));
    REQUIRE(r.done());
    CHECK(r.type == Type::push);
    CHECK(r.consumed == push.size());
    const ReadResult s = reader.read(bytes("+OK\r\n"));
    REQUIRE(s.done());
    CHECK(s.type == Type::simple_string);
}

TEST_CASE("bytes that are no reply are refused, with their rule") {
    fails_with("?\r\n", Error::bad_type);
    fails_with("+OK\rX", Error::bad_line_ending);
    fails_with("+O\nK\r\n", Error::bad_line_ending);
    fails_with(":12a\r\n", Error::bad_integer);
    fails_with(":\r\n", Error::bad_integer);
    fails_with(":9223372036854775808\r\n", Error::bad_integer);  // one past INT64_MAX
    fails_with("$-2\r\n", Error::bad_length);
    fails_with("!-1\r\n", Error::bad_length);  // only RESP2's "$-1" may be null
    fails_with("%-1\r\n", Error::bad_length);
    fails_with("$3\r\nabcd\r\n", Error::bad_bulk_ending);
    fails_with("_x\r\n", Error::bad_null);
    fails_with("#x\r\n", Error::bad_boolean);
    fails_with(",1.\r\n", Error::bad_double);
    fails_with(",+inf\r\n", Error::bad_double);
    fails_with("(12x\r\n", Error::bad_big_number);
    fails_with("=3\r\ntxt\r\n", Error::bad_verbatim);
    fails_with("=5\r\ntxt-a\r\n", Error::bad_verbatim);
    // Inside an aggregate as well.
    fails_with("*2\r\n:1\r\n?\r\n", Error::bad_type);
}

TEST_CASE("INT64_MIN and INT64_MAX are integers") {
    CHECK(replies_of(":-9223372036854775808\r\n:9223372036854775807\r\n").size() == 2);
    std::int64_t v = 0;
    CHECK(parse_integer(bytes("-9223372036854775808"), v));
    CHECK(v == INT64_MIN);
    CHECK(parse_integer(bytes("+5"), v));
    CHECK(v == 5);
    CHECK_FALSE(parse_integer(bytes("-"), v));
}

TEST_CASE("limits, each with its own error") {
    Limits l;
    l.max_line_length = 8;
    fails_with("+123456789\r\n", Error::line_too_long, l);
    CHECK(replies_of("+12345678\r\n", l).size() == 1);

    l = {};
    l.max_bulk_length = 4;
    fails_with("$5\r\nhello\r\n", Error::bulk_too_long, l);
    CHECK(replies_of("$4\r\nhell\r\n", l).size() == 1);

    l = {};
    l.max_aggregate_count = 2;
    fails_with("*3\r\n", Error::aggregate_too_long, l);
    fails_with("%2\r\n", Error::aggregate_too_long, l);  // pairs count two
    CHECK(replies_of("%1\r\n:1\r\n:2\r\n", l).size() == 1);

    l = {};
    l.max_depth = 2;
    CHECK(replies_of("*1\r\n*1\r\n:1\r\n", l).size() == 1);
    fails_with("*1\r\n*1\r\n*1\r\n:1\r\n", Error::nesting_too_deep, l);

    l = {};
    l.max_reply_bytes = 16;
    fails_with("*2\r\n$4\r\nabcd\r\n$4\r\nabcd\r\n", Error::reply_too_large, l);
}

TEST_CASE("a length claimed costs nothing until its bytes arrive") {
    RespReader reader;
    const ReadResult r = reader.read(bytes("$60000000\r\nab"));
    CHECK(r.need_more());
    CHECK(reader.need() == 60000000 + 11 + 2);
}

TEST_CASE("a failed reader stays failed until reset") {
    RespReader reader;
    CHECK(reader.read(bytes("?")).failed());
    CHECK(reader.read(bytes("+OK\r\n")).failed());
    reader.reset();
    CHECK(reader.read(bytes("+OK\r\n")).done());
}

TEST_CASE("the cursor skips aggregates and attributes") {
    const std::string_view reply = "*3\r\n*2\r\n:1\r\n:3\r\n|1\r\n+a\r\n+b\r\n:2\r\n$1\r\nx\r\n";
    RespReader reader;
    REQUIRE(reader.read(bytes(reply)).done());
    RespCursor c(reply);
    Value v;
    REQUIRE(c.next(v));
    CHECK(v.size == 3);
    REQUIRE(c.next(v));
    CHECK(v.type == Type::array);
    REQUIRE(c.skip(v));
    REQUIRE(c.next_data(v));
    CHECK(v.integer == 2);
    REQUIRE(c.next(v));
    CHECK(v.text == "x");
    CHECK(c.at_end());
    CHECK_FALSE(c.next(v));
}
