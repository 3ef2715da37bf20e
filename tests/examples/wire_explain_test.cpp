// Golden-output tests for tools/wire-explain: each case runs the built program (found under
// $WIRE_BUILD, default "build") and compares what it prints with tests/examples/golden/<name>.out.
// After an intended change of wording, regenerate the files with
//     WIRE_UPDATE_GOLDEN=1 build/tests/examples_tests -tc='wire-explain*'
// and review the diff like code.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Case {
    const char* name;  // golden/<name>.out; golden/<name>.in is standard input when it exists
    const char* args;  // the command line after "wire-explain" (shell words)
    int exit_status;   // 0 valid, 1 invalid input, 2 usage
};

const Case kCases[] = {
    {"frame_hello_masked", "frame 81 85 37 fa 21 3d 7f 9f 4d 51 58", 0},
    {"frame_one_string", "frame 818537fa213d7f9f4d5158", 0},
    {"frame_text_and_close", "frame 0x81 0x05 0x48 0x65 0x6c 0x6c 0x6f 0x88 0x02 0x03 0xe8", 0},
    {"frame_len16_binary",
     "frame 82 7e 00 7e 000102030405060708090a0b0c0d0e0f 101112131415161718191a1b1c1d1e1f "
     "202122232425262728292a2b2c2d2e2f 303132333435363738393a3b3c3d3e3f "
     "404142434445464748494a4b4c4d4e4f 505152535455565758595a5b5c5d5e5f "
     "606162636465666768696a6b6c6d6e6f 707172737475767778797a7b7c7d",
     0},
    {"frame_len64_incomplete", "frame 82 7f 00 00 00 00 00 01 00 00 aa", 1},
    {"frame_reserved_bits", "frame c1 00", 1},
    {"frame_bad_utf8", "frame 81 02 ff fe", 1},
    {"frame_close_one_byte", "frame 88 01 03", 1},
    {"frame_ping_fragmented", "frame 09 00", 1},
    {"frame_bad_hex", "frame 81 zz", 2},
    {"frame_fragments_and_ping", "frame 01 03 48 65 6c 89 00 80 02 6c 6f", 0},
    {"frame_continuation_first", "frame 80 02 6c 6f 80 01 21", 1},
    {"accept_rfc_sample", "accept dGhlIHNhbXBsZSBub25jZQ==", 0},
    {"accept_short_key", "accept abc", 1},
    {"request_upgrade", "request", 0},
    {"request_post", "request", 0},
    {"request_space_before_colon", "request", 1},
    {"request_smuggling", "request", 1},
    {"request_missing_host", "request", 1},
    {"request_ws_old_version", "request", 0},
    {"response_101", "response", 0},
    {"response_chunked", "response", 0},
    {"sha1_abc", "sha1 abc", 0},
    {"sha1_two_blocks", "sha1 abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 0},
    {"inflate_fixed", "inflate f3 48 cd c9 c9 d7 51 c8 40 a2 14 01", 0},
    {"inflate_dynamic",
     "inflate 1d89890d00000c01673dec3f4369229e8304110d1153afe4c52feffc3e663caaa4e800", 0},
    {"inflate_zlib",
     "inflate --zlib 78da4b4c2a4a4c4e4c4904520a8908b68e42a24252621e1082a814206d8d2cad08002f5613ac",
     0},
    {"inflate_gzip", "inflate --gzip 1f8b0800000000000203cbc80400ac2a93d802000000", 0},
    {"inflate_reserved_block", "inflate 07", 1},
    {"inflate_distance_too_far", "inflate 4b 04 42 00", 1},
    {"inflate_bad_hex", "inflate 4b zz", 2},
    {"resp_pubsub_message", R"(resp '*3\r\n$7\r\nmessage\r\n$4\r\nchat\r\n$2\r\nhi\r\n')", 0},
    {"resp3_attribute_map", R"(resp '|1\r\n+ttl\r\n:3600\r\n%1\r\n=7\r\ntxt:abc\r\n,inf\r\n')", 0},
    {"resp_hex_incomplete", "resp 2a 31 0d 0a 3a 31 0d", 1},
    {"resp_bad_type", R"(resp '*2\r\n:1\r\n?x\r\n')", 1},
};

std::string read_file(const std::string& path, bool& found) {
    std::ifstream in(path, std::ios::binary);
    found = static_cast<bool>(in);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

struct Run {
    std::string output;
    int status = -1;
};

Run run(const std::string& command) {
    Run r;
    FILE* p = ::popen(command.c_str(), "r");
    REQUIRE(p != nullptr);
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
        r.output.append(buf, n);
    const int w = ::pclose(p);
    r.status = WIFEXITED(w) ? WEXITSTATUS(w) : -1;
    return r;
}

std::string program() {
    const char* build = std::getenv("WIRE_BUILD");
    return std::string(build != nullptr && build[0] != '\0' ? build : "build") +
           "/tools/wire-explain";
}

}  // namespace

TEST_CASE("wire-explain output matches the golden files") {
    const std::string exe = program();
    bool have_exe = false;
    (void)read_file(exe, have_exe);
    REQUIRE_MESSAGE(have_exe, exe << " is not built (make tools)");
    const bool update = std::getenv("WIRE_UPDATE_GOLDEN") != nullptr;
    const std::string dir = "tests/examples/golden/";

    for (const Case& c : kCases) {
        const std::string name = c.name;
        CAPTURE(name);
        bool has_input = false;
        (void)read_file(dir + c.name + ".in", has_input);
        std::string command = exe + " " + c.args;
        command += has_input ? " < " + dir + c.name + ".in" : " < /dev/null";
        const Run r = run(command + " 2>&1");
        CHECK(r.status == c.exit_status);

        const std::string golden_path = dir + c.name + ".out";
        if (update) {
            std::ofstream(golden_path, std::ios::binary) << r.output;
            continue;
        }
        bool has_golden = false;
        const std::string golden = read_file(golden_path, has_golden);
        CHECK_MESSAGE(has_golden, golden_path << " is missing (WIRE_UPDATE_GOLDEN=1 writes it)");
        CHECK(r.output == golden);
    }
}

TEST_CASE("wire-explain: the RFC 6455 examples decode to the values the RFC states") {
    const std::string exe = program();
    // RFC 6455 §5.7: a masked "Hello" from a client; §1.3 / §4.2.2: the sample accept value.
    CHECK(run(exe + " frame 81 85 37 fa 21 3d 7f 9f 4d 51 58").output.find("payload = \"Hello\"") !=
          std::string::npos);
    CHECK(run(exe + " accept dGhlIHNhbXBsZSBub25jZQ==")
              .output.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") !=
          std::string::npos);
    // FIPS 180-2 appendix A.1: SHA-1("abc") after round 0 and the digest.
    const std::string sha = run(exe + " sha1 abc").output;
    CHECK(sha.find("0116fc33 67452301 7bf36ae2 98badcfe 10325476") != std::string::npos);
    CHECK(sha.find("a9993e364706816aba3e25717850c26c9cd0d89d") != std::string::npos);
}

TEST_CASE("wire-explain: usage mistakes exit with status 2") {
    const std::string exe = program();
    CHECK(run(exe + " 2>&1").status == 2);
    CHECK(run(exe + " nonsense 2>&1").status == 2);
    CHECK(run(exe + " frame 2>&1").status == 2);
    CHECK(run(exe + " accept 2>&1").status == 2);
    CHECK(run(exe + " help").status == 0);
}

TEST_CASE("wire-explain --help lists every command; no command or an unknown one prints it too") {
    const std::string exe = program();
    const Run help = run(exe + " --help 2>/dev/null");  // on standard output, status 0
    CHECK(help.status == 0);
    for (const char* command : {"\n  frame ", "\n  accept ", "\n  request ", "\n  response ",
                                "\n  sha1 ", "\n  resp ", "\n  --help"}) {
        CAPTURE(command);
        CHECK(help.output.find(command) != std::string::npos);
    }
    // A usage mistake: the same text on standard error, status 2.
    for (const std::string args : {"", " nonsense"}) {
        CAPTURE(args);
        const Run bare = run(exe + args + " 2>&1 >/dev/null");
        CHECK(bare.status == 2);
        CHECK(bare.output.find(help.output) != std::string::npos);
    }
}
