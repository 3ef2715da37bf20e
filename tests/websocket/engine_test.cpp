// Engine: what happens to a connection upgraded while shutdown() is under way.
#include "websocket/engine.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <future>

#include "net/loop_group.hpp"
#include "tests/net/helpers.hpp"
#include "websocket/loop_conn.hpp"

using namespace wire;
using namespace wire::websocket;
using namespace std::chrono_literals;

TEST_CASE("Engine: a connection adopted after shutdown() began gets its 1001 at once") {
    // The race it covers: an HTTP route sent the 101 just before shutdown() started, on a loop
    // the Engine had not seen yet, so shutdown() could not close it; the loop may then stop
    // within the same pass.
    net::LoopGroup group(1);
    group.start();
    Engine engine;  // discovers loops on adopt(): shutdown() below knows none
    Endpoint endpoint;
    engine.shutdown(1s);
    auto pair = net::test::conn_pair();
    net::Conn client = std::move(pair.first);
    net::Socket server = pair.second.release();
    std::promise<bool> adopted;
    group.loop(0).post([&] {
        adopted.set_value(engine.adopt(group.loop(0), std::move(server), {}, endpoint) != nullptr);
    });
    CHECK(adopted.get_future().get());
    group.stop();  // the bytes must already be out: nothing runs on the loop after this
    group.wait();
    client.set_read_deadline(net::Conn::Clock::now() + 2s);
    std::uint8_t frame[64];
    auto n = client.read(frame, sizeof frame);
    REQUIRE(n);
    REQUIRE(*n >= 4);
    CHECK(frame[0] == 0x88);                    // FIN, close (RFC 6455 §5.5.1)
    CHECK((frame[2] << 8 | frame[3]) == 1001);  // going away (RFC 6455 §7.4.1)
}
