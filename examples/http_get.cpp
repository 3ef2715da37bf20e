// http_get: seed 000 §2.3.2, the HTTP client that GETs a page and prints the status, the header
// and the body. Its partner is examples/inspector.cpp (the seed's server on /go).
//
//   build/examples/inspector &      then      build/examples/http_get [URL]
//   (default URL: http://127.0.0.1:8080/go; --port N changes only the port)
//
// The body is a stream read from the connection, 1024 bytes at a time as in the seed (whose loop
// stops after the first read; this one reads to the end, when read() returns 0).
#include <cstdio>
#include <string>

#include "example_flags.hpp"
#include "http/client.hpp"

namespace http = wire::http;

int main(int argc, char** argv) {
    std::string url = "http://127.0.0.1:" + example::port(argc, argv) + "/go";
    if (argc > 1 && std::string(argv[1]).starts_with("http")) url = argv[1];

    http::Client client;
    auto resp = client.get(url);
    if (!resp) {
        std::fprintf(stderr, "GET %s: %s\n", url.c_str(), resp.error().message().c_str());
        return 1;
    }
    // "200 OK", Go's resp.Status.
    std::printf("%d %s\n", resp->status_code, resp->status_text.c_str());
    for (std::size_t i = 0; i < resp->header.size(); ++i) {
        const auto field = resp->header[i];
        std::printf("%.*s: %.*s\n", static_cast<int>(field.name.size()), field.name.data(),
                    static_cast<int>(field.value.size()), field.value.data());
    }
    std::string body;
    char buf[1024];
    for (;;) {
        auto n = resp->read(buf, sizeof buf);
        if (!n) {
            std::fprintf(stderr, "%s\n", n.error().message().c_str());
            return 1;
        }
        if (*n == 0) break;  // io.EOF
        body.append(buf, *n);
    }
    std::printf("read complete\n%s\n", body.c_str());
    return 0;
}
