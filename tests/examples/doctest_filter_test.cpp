// tools/doctest-filter.awk, the filter tools/run-tests.sh puts between each doctest binary and the
// terminal: a MESSAGE is shown with its test case (never a bare "TEST CASE:" line that reads like
// a failure), a failure is shown whole, and quiet output stays quiet.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "example_process.hpp"

using namespace wire::test;

namespace {

const char* const kRule =
    "===============================================================================\n";

std::string filter(const std::string& input) {
    const std::string path = "/tmp/wire-doctest-filter-" + std::to_string(::getpid()) + ".txt";
    std::ofstream(path) << input;
    std::string out = run_command("awk -f tools/doctest-filter.awk " + path);
    std::remove(path.c_str());
    return out;
}

}  // namespace

TEST_CASE("doctest filter: a MESSAGE is one line that names its test case") {
    const std::string out =
        filter(std::string("[doctest] run with \"--help\" for options\n") + kRule +
               "tests/crypto/sha1_test.cpp:96:\n"
               "TEST CASE:  sha1: the block functions agree\n\n"
               "tests/crypto/sha1_test.cpp:99: MESSAGE: SHA-NI available: yes\n\n" +
               kRule +
               "[doctest] test cases:    22 |    22 passed | 0 failed | 0 skipped\n"
               "[doctest] Status: SUCCESS!\n");
    CHECK(out == "  note  sha1: the block functions agree: SHA-NI available: yes\n");
}

TEST_CASE("doctest filter: a failure is shown whole, test case and values included") {
    const std::string block = std::string(kRule) +
                              "tests/http/url_test.cpp:12:\n"
                              "TEST CASE:  url: parses\n\n"
                              "tests/http/url_test.cpp:15: ERROR: CHECK( a == b ) is NOT correct!\n"
                              "  values: CHECK( 1 == 2 )\n\n";
    const std::string out =
        filter(block + kRule + "[doctest] test cases: 1 | 0 passed | 1 failed\n");
    CHECK(out == block);
}

TEST_CASE("doctest filter: passing output prints nothing, a program's own error line shows") {
    CHECK(filter("[doctest] run with \"--help\" for options\nlistening on http://127.0.0.1:1\n" +
                 std::string(kRule) + "[doctest] test cases: 3 | 3 passed\n") == "");
    CHECK(filter("server: runtime error: index out of bounds\n" + std::string(kRule) +
                 "[doctest] test cases: 3 | 3 passed\n") ==
          "server: runtime error: index out of bounds\n");
}
