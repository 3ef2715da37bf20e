// wire-explain: decodes protocol bytes a learner pastes and says which rule each part follows.
//
//   wire-explain frame 81 85 37 fa 21 3d 7f 9f 4d 51 58   a WebSocket frame, field by field
//   wire-explain accept dGhlIHNhbXBsZSBub25jZQ==          Sec-WebSocket-Accept, step by step
//   wire-explain request < req.txt                         an HTTP request head, or where it fails
//   wire-explain response < resp.txt                       an HTTP response head
//   wire-explain sha1 abc                                  SHA-1's padding, schedule and rounds
//   wire-explain resp '*2\r\n$3\r\nfoo\r\n:1\r\n'           a redis reply, value by value
//   wire-explain inflate --zlib 78 9c ...                  DEFLATE blocks, codes and symbols
//
// Exit status: 0 valid input, 1 invalid input (explained), 2 usage mistake. `make install` puts it
// in PREFIX/bin; --help (or no command) lists the commands.
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "tools/wire-explain/commands.hpp"

namespace {

constexpr const char* kUsage =
    "usage: wire-explain COMMAND [ARGS]\n"
    "  frame HEX...        decode a WebSocket frame (RFC 6455 §5.2), e.g.\n"
    "                      wire-explain frame 81 85 37 fa 21 3d 7f 9f 4d 51 58\n"
    "  accept KEY          derive Sec-WebSocket-Accept (RFC 6455 §4.2.2), e.g.\n"
    "                      wire-explain accept dGhlIHNhbXBsZSBub25jZQ==\n"
    "  request [--raw]     parse an HTTP/1.1 request head from standard input (RFC 9112)\n"
    "  response [--raw]    parse an HTTP/1.1 response head from standard input\n"
    "  sha1 TEXT           show SHA-1's padding, message schedule and 80 rounds (FIPS 180-4)\n"
    "  resp HEX|TEXT       decode a redis reply (RESP2/RESP3) value by value, e.g.\n"
    "                      wire-explain resp '*2\\r\\n$3\\r\\nfoo\\r\\n:1\\r\\n'\n"
    "                      (no argument: the raw bytes from standard input)\n"
    "  inflate [--zlib|--gzip] HEX...\n"
    "                      decode DEFLATE (RFC 1951): block headers, Huffman codes, symbols, e.g.\n"
    "                      wire-explain inflate f3 48 cd c9 c9 d7 51 c8 40 a2 14 01\n"
    "  --help              this text\n"
    "Exit status: 0 valid input, 1 invalid input (explained), 2 usage mistake.\n";

std::string read_stdin() {
    return {std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << kUsage;
        return 2;
    }
    const std::string_view command = argv[1];
    const std::vector<std::string_view> args(argv + 2, argv + argc);
    std::ostream& out = std::cout;
    if (command == "frame") return wire::tools::explain_frame(args, out);
    if (command == "accept") return wire::tools::explain_accept(args, out);
    if (command == "request") return wire::tools::explain_http(args, read_stdin(), true, out);
    if (command == "response") return wire::tools::explain_http(args, read_stdin(), false, out);
    if (command == "sha1") return wire::tools::explain_sha1(args, out);
    if (command == "resp") {
        return wire::tools::explain_resp(args, args.empty() ? read_stdin() : std::string(), out);
    }
    if (command == "inflate") return wire::tools::explain_inflate(args, out);
    if (command == "help" || command == "--help" || command == "-h") {
        std::cout << kUsage;
        return 0;
    }
    std::cerr << "wire-explain: unknown command '" << command << "'\n" << kUsage;
    return 2;
}
