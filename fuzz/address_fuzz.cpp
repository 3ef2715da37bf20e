// Fuzzes Address::parse and split_host_port (numeric only: never the resolver). Properties:
// no crash or over-read, and every address that parses prints to a form that parses back to the
// same address.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "net/address.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (auto hp = wire::net::split_host_port(text)) {
        // Host and port are views into the input.
        if (hp->host.data() < text.data() || hp->port.data() + hp->port.size() > text.end()) {
            std::abort();
        }
    }
    auto a = wire::net::Address::parse(text);
    if (!a) return 0;
    auto again = wire::net::Address::parse(a->to_string());
    if (!again || !(*again == *a)) std::abort();
    return 0;
}
