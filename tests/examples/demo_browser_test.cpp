// The demo in a real browser: headless Chromium (tests/examples/chromium.hpp) loads the pages
// from the demo server and runs their JavaScript. Saves a screenshot of the home page to
// $WIRE_BUILD/demo-home.png (for the README).
#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

#include "crypto/base64.hpp"
#include "tests/examples/chromium.hpp"
#include "tests/examples/example_process.hpp"

namespace {

const char* const kState = "document.getElementById('state')";

}  // namespace

TEST_CASE("demo in Chromium: home page, live pages show their state, the push form POSTs") {
    REQUIRE_MESSAGE(wire::test::Chromium::available(),
                    "chromium is not installed (make test-deps)");
    wire::test::ExampleProcess demo("demo");
    REQUIRE(demo.started());
    REQUIRE(demo.wait_listening());
    const int port = demo.port();
    const std::string base = "http://127.0.0.1:" + std::to_string(port);

    wire::test::Chromium browser;
    REQUIRE(browser.started());

    // The home page renders and links every example; screenshot it.
    const std::string home = browser.open(base + "/");
    REQUIRE(!home.empty());
    CHECK(browser.wait_for(home, "document.querySelectorAll('ul.examples a').length >= 8"));
    // Its script fills in the host it was served from.
    CHECK(browser.wait_for(home, "document.querySelector('.host').textContent === '127.0.0.1:" +
                                     std::to_string(port) + "'"));
    const std::string png = browser.screenshot_base64(home);
    REQUIRE(!png.empty());
    std::vector<std::uint8_t> image(wire::crypto::base64::decoded_size(png.size()));
    const auto decoded = wire::crypto::base64::decode(png, image);
    REQUIRE(!decoded.error);
    CHECK(decoded.written > 1000);
    std::ofstream(wire::test::build_dir() + "/demo-home.png", std::ios::binary)
        .write(reinterpret_cast<const char*>(image.data()),
               static_cast<std::streamsize>(decoded.written));

    // The echo page: connected and echoing, or (while the server has no /echo endpoint) saying
    // it is disconnected and counting down to its next attempt. Either way the state is shown.
    const std::string echo = browser.open(base + "/echo.html");
    REQUIRE(!echo.empty());
    REQUIRE(browser.wait_for(echo, std::string(kState) + ".className.includes('open') || " +
                                       kState + ".textContent.includes('retrying in')"));
    if (browser.eval_string(echo, std::string(kState) + ".className") == "state open") {
        browser.eval(echo,
                     "document.getElementById('input').value = 'Hello';"
                     "document.getElementById('send').click()");
        CHECK(browser.wait_for(echo,
                               "document.getElementById('log').textContent.includes("
                               "'← recv  text, 5 bytes  [81 05]  \"Hello\"')"));
    } else {
        CHECK(browser.eval_string(echo, std::string(kState) + ".className") == "state closed");
        CHECK(browser.eval_string(echo, std::string(kState) + ".textContent")
                  .find("disconnected: code 1006") != std::string::npos);
        // It keeps trying: the server's access log shows a second upgrade attempt.
        CHECK(demo.wait_for("\"GET /echo HTTP/1.1\""));
        CHECK(demo.wait_for("\"GET /echo HTTP/1.1\""));
    }

    // The push page's form goes through fetch() and shows the status line it got, whatever it
    // is (the server side of the push is not in the demo yet).
    const std::string push = browser.open(base + "/push.html");
    REQUIRE(!push.empty());
    REQUIRE(browser.wait_for(push, "document.getElementById('message') !== null"));
    browser.eval(push,
                 "document.getElementById('message').value = 'from the browser test';"
                 "document.querySelector('#form button').click()");
    CHECK(browser.wait_for(push,
                           "/^POST \\/api\\/tool\\/send_message → [1-5][0-9][0-9] /"
                           ".test(document.getElementById('result').textContent)"));

    CHECK(demo.terminate() == 0);
}
