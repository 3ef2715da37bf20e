// The code a reader copies first: README.md's hello world, and the examples at the top of the
// http headers, compiled exactly as shown with the project's warnings as errors. A snippet that
// ignores a [[nodiscard]] result fails here. Compiled only: linking would need the sanitizer
// flags of whichever build this is (tools/install-test.sh links and runs the examples).
#include <doctest/doctest.h>

#include <unistd.h>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "example_process.hpp"

using namespace wire::test;

namespace {

const std::string kFlags =
    " -std=c++20 -O0 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror -I. -pthread ";

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    REQUIRE(in);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string compiler() {
    const char* cxx = std::getenv("CXX");
    return cxx != nullptr && *cxx != '\0' ? cxx : "g++";
}

// The first ```cpp block after `heading` in a Markdown file.
std::string markdown_block(const std::string& text, const std::string& heading) {
    const std::size_t h = text.find(heading);
    REQUIRE(h != std::string::npos);
    const std::size_t open = text.find("```cpp\n", h);
    REQUIRE(open != std::string::npos);
    const std::size_t start = open + 7;
    const std::size_t close = text.find("```", start);
    REQUIRE(close != std::string::npos);
    return text.substr(start, close - start);
}

// The example of a header's opening comment: its first run of lines indented "//   ", with
// the comment markers removed.
std::string header_example(const std::string& text) {
    std::istringstream in(text);
    std::string line, out;
    bool inside = false;
    while (std::getline(in, line)) {
        if (line.starts_with("//   ")) {
            out += line.substr(5) + "\n";
            inside = true;
        } else if (inside) {
            break;
        }
    }
    REQUIRE(!out.empty());
    return out;
}

// Compiles `source`; "" on success, else the source and the compiler's output.
std::string build(const std::string& name, const std::string& source) {
    const std::string dir = build_dir() + "/tests/snippets";
    REQUIRE(std::system(("mkdir -p " + dir).c_str()) == 0);
    const std::string src = dir + "/" + name + ".cpp";
    std::ofstream(src) << source;
    const std::string cmd = compiler() + kFlags + "-fsyntax-only " + src + " 2>&1; echo exit=$?";
    std::string out = run_command(cmd);
    if (out.ends_with("exit=0\n") || out.ends_with("exit=0")) return {};
    return src + ":\n" + source + "\n" + out;
}

}  // namespace

TEST_CASE("README.md's hello world compiles as shown, warnings as errors") {
    const std::string snippet = markdown_block(read_file("README.md"), "## Hello, wire");
    CHECK(snippet.find("int main()") != std::string::npos);
    CHECK(build("readme_hello", snippet) == "");
}

TEST_CASE("the examples atop the http headers compile as shown") {
    const std::string prelude =
        "#include <cstdio>\n#include \"http/request.hpp\"\n#include \"http/response_writer.hpp\"\n"
        "#include \"http/serve_mux.hpp\"\n#include \"http/server.hpp\"\n"
        "using namespace wire::http;\nint main() {\n";
    for (const std::string header : {"http/server.hpp", "http/handler.hpp", "http/serve_mux.hpp"}) {
        CAPTURE(header);
        const std::string name = header.substr(5, header.size() - 9);
        CHECK(build("header_" + name, prelude + header_example(read_file(header)) + "}\n") == "");
    }
}
