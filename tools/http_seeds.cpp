// Writes the http fuzz targets' seed corpora from the test vectors (tests/http/vectors.hpp):
//   build/tools/http_seeds fuzz/corpus
// so the corpora and the tests never drift apart. Run by hand after changing the vectors.
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "tests/http/vectors.hpp"

namespace {

void write(const std::string& dir, int n, const std::string& bytes) {
    mkdir(dir.c_str(), 0755);
    std::ofstream(dir + "/seed-" + std::to_string(n), std::ios::binary) << bytes;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string root = argc > 1 ? argv[1] : "fuzz/corpus";
    mkdir(root.c_str(), 0755);
    int n = 0;
    for (const auto& v : wire::test::request_vectors()) {
        write(root + "/http_request_fuzz", n, v.input);
        write(root + "/http_split_fuzz", n++, std::string(1, '\0') + v.input);
    }
    for (const auto& v : wire::test::chunked_vectors()) {
        write(root + "/http_request_fuzz", n, v.input);
        const std::size_t body = v.input.find("\r\n\r\n");
        if (body != std::string::npos)
            write(root + "/http_chunked_fuzz", n, v.input.substr(body + 4));
        write(root + "/http_split_fuzz", n++, std::string(1, '\0') + v.input);
    }
    for (const auto& v : wire::test::response_vectors()) {
        write(root + "/http_response_fuzz", n, std::string(1, v.to_head ? '\1' : '\0') + v.input);
        write(root + "/http_split_fuzz", n++, std::string(1, v.eof ? '\5' : '\1') + v.input);
    }
    const char* urls[] = {"http://u:p@example.com:8080/a/b?x=1#f",
                          "/a/../b/./c//d?q=a+b&r=%2F",
                          "https://[::1]:443/",
                          "mailto:x@y",
                          "*",
                          "/%zz",
                          "a=1&b=2&a=3;c",
                          "//h/p",
                          "../../x",
                          "http://h/%7E"};
    for (const char* u : urls)
        write(root + "/http_url_fuzz", n++, u);
    std::printf("wrote %d seeds under %s\n", n, root.c_str());
    return 0;
}
