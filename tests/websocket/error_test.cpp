#include "websocket/error.hpp"

#include <doctest/doctest.h>

using namespace wire::websocket;

TEST_CASE("errors map to close codes 1002, 1007, 1009, 1011") {
    CHECK(close_code_for(Error::reserved_bits_set) == 1002);
    CHECK(close_code_for(Error::unmasked_client_frame) == 1002);
    CHECK(close_code_for(Error::data_frame_inside_message) == 1002);
    CHECK(close_code_for(Error::bad_close_code) == 1002);
    CHECK(close_code_for(Error::invalid_utf8) == 1007);
    CHECK(close_code_for(Error::message_too_big) == 1009);
    CHECK(close_code_for(Error::buffer_too_small) == 1011);
    CHECK(close_code_for(Error::handshake_bad_key) == 1011);
    CHECK(close_code_for(static_cast<Error>(9999)) == 1011);
}

TEST_CASE("every error has a message that names its rule, under the websocket category") {
    for (int e = static_cast<int>(Error::reserved_bits_set);
         e <= static_cast<int>(Error::proxy_refused); ++e) {
        const std::error_code ec = static_cast<Error>(e);
        CAPTURE(e);
        CHECK(std::string(ec.category().name()) == "websocket");
        CHECK(ec.message() != "unknown websocket error");
        CHECK(ec.message().size() > 20);
    }
    CHECK(std::error_code(static_cast<Error>(9999)).message() == "unknown websocket error");
    std::error_code ec = Error::invalid_utf8;
    CHECK(ec == Error::invalid_utf8);
}
