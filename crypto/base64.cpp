#include "crypto/base64.hpp"

#include <stdexcept>

#include "crypto/detail/base64_codec.hpp"

namespace wire::crypto::base64 {

std::size_t encode(std::span<const std::uint8_t> in, std::span<char> out, Encoding enc) {
    if (out.size() < encoded_size(in.size(), enc)) {
        throw std::length_error("base64::encode: output buffer shorter than encoded_size()");
    }
    return detail::base64_encode_fast(in, out.data(), enc);
}

std::string encode(std::span<const std::uint8_t> in, Encoding enc) {
    std::string s(encoded_size(in.size(), enc), '\0');
    detail::base64_encode_fast(in, s.data(), enc);
    return s;
}

std::string encode(std::string_view in, Encoding enc) {
    return encode(std::span{reinterpret_cast<const std::uint8_t*>(in.data()), in.size()}, enc);
}

DecodeResult decode(std::string_view in, std::span<std::uint8_t> out, Encoding enc) {
    if (out.size() < decoded_size(in.size(), enc)) {
        throw std::length_error("base64::decode: output buffer shorter than decoded_size()");
    }
    return detail::base64_decode_fast(in, out, enc);
}

}  // namespace wire::crypto::base64
