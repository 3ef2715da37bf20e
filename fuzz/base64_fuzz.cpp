// Base64 fuzz target. The first byte picks the encoding (standard/url x padded/raw); the rest is
//   1. decoded by the fast and the plain decoder, which must agree on bytes, error and offset;
//      when it decodes, re-encoding must give the input back (strict decoding accepts only the
//      canonical spelling, so every valid input is canonical);
//   2. encoded as arbitrary bytes by both encoders, which must agree, and decode back unchanged.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/base64.hpp"
#include "crypto/detail/base64_codec.hpp"

namespace {

namespace base64 = wire::crypto::base64;
namespace detail = wire::crypto::detail;

void check(bool ok) {
    if (!ok) std::abort();
}

void decode_side(std::string_view text, base64::Encoding enc) {
    const std::size_t cap = base64::decoded_size(text.size(), enc);
    std::vector<std::uint8_t> fast(cap), plain(cap);
    const auto a = base64::decode(text, fast, enc);
    const auto b = detail::base64_decode_plain(text, plain, enc);
    check(a.error == b.error && a.offset == b.offset);
    if (a.error) {
        check(a.offset <= text.size());
        return;
    }
    check(a.written == b.written && a.written <= cap);
    check(a.written == 0 || std::memcmp(fast.data(), plain.data(), a.written) == 0);
    const std::string again =
        base64::encode(std::span<const std::uint8_t>(fast.data(), a.written), enc);
    check(again == text);
}

void encode_side(std::span<const std::uint8_t> bytes, base64::Encoding enc) {
    const std::string fast = base64::encode(bytes, enc);
    std::string plain(base64::encoded_size(bytes.size(), enc), '\0');
    check(detail::base64_encode_plain(bytes, plain.data(), enc) == plain.size());
    check(fast == plain);
    std::vector<std::uint8_t> back(base64::decoded_size(fast.size(), enc));
    const auto r = base64::decode(fast, back, enc);
    check(!r.error && r.written == bytes.size());
    check(bytes.empty() || std::memcmp(back.data(), bytes.data(), bytes.size()) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const base64::Encoding enc{(data[0] & 1) ? base64::Alphabet::url : base64::Alphabet::standard,
                               (data[0] & 2) == 0};
    const std::span<const std::uint8_t> rest(data + 1, size - 1);
    decode_side({reinterpret_cast<const char*>(rest.data()), rest.size()}, enc);
    encode_side(rest, enc);
    return 0;
}
