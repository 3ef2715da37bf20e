#include "compress/error.hpp"

#include <doctest/doctest.h>

#include <string>

using wire::compress::Error;

TEST_CASE("compress errors: a category of their own with messages that name the rule") {
    std::error_code ec = Error::stored_length_mismatch;
    CHECK(std::string(ec.category().name()) == "wire.compress");
    CHECK(ec.message().find("RFC 1951 §3.2.4") != std::string::npos);
    for (int e = static_cast<int>(Error::bad_block_type);
         e <= static_cast<int>(Error::header_too_large); ++e)
        CHECK(std::error_code(static_cast<Error>(e)).message().find("unknown") ==
              std::string::npos);
}
