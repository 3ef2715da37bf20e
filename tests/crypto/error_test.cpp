#include "crypto/error.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>

using wire::crypto::Error;

TEST_CASE("crypto errors convert to std::error_code with readable, distinct messages") {
    std::set<std::string> messages;
    for (int v = static_cast<int>(Error::base64_invalid_character);
         v <= static_cast<int>(Error::base64_nonzero_trailing_bits); ++v) {
        const std::error_code ec = static_cast<Error>(v);  // implicit: is_error_code_enum
        CHECK(ec);
        CHECK(std::string(ec.category().name()) == "wire.crypto");
        CHECK(ec.message().rfind("base64: ", 0) == 0);
        messages.insert(ec.message());
    }
    CHECK(messages.size() == 8);
    CHECK(std::error_code(Error::base64_truncated) == Error::base64_truncated);
    CHECK(std::error_code(Error::base64_truncated) != Error::base64_missing_padding);
    CHECK(wire::crypto::make_error_code(static_cast<Error>(999)).message() ==
          "wire.crypto: unknown error");
}
