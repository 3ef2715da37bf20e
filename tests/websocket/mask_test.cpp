#include "websocket/mask.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "tests/support/guard_page.hpp"

using namespace wire::websocket;

namespace {

void reference_mask(std::vector<std::uint8_t>& data, const MaskKey& key, std::size_t offset) {
    for (std::size_t i = 0; i < data.size(); ++i)
        data[i] ^= key[(offset + i) % 4];
}

}  // namespace

TEST_CASE("RFC 6455 §5.7: the masked 'Hello' unmasks") {
    std::uint8_t data[] = {0x7f, 0x9f, 0x4d, 0x51, 0x58};
    const MaskKey key{0x37, 0xfa, 0x21, 0x3d};
    CHECK(apply_mask(data, key) == 1);
    CHECK(std::memcmp(data, "Hello", 5) == 0);
}

TEST_CASE(
    "apply_mask matches the byte-at-a-time definition for every length, offset and alignment") {
    const MaskKey key{0xA1, 0x5C, 0x03, 0xF0};
    for (std::size_t len = 0; len < 300; ++len) {
        for (std::size_t offset = 0; offset < 4; ++offset) {
            for (std::size_t align = 0; align < 3; ++align) {
                std::vector<std::uint8_t> storage(len + align);
                for (std::size_t i = 0; i < storage.size(); ++i)
                    storage[i] = static_cast<std::uint8_t>(i * 7);
                std::vector<std::uint8_t> expected(storage.begin() + static_cast<long>(align),
                                                   storage.end());
                reference_mask(expected, key, offset);
                const std::size_t next = apply_mask({storage.data() + align, len}, key, offset);
                CHECK(next == (offset + len) % 4);
                REQUIRE(std::equal(expected.begin(), expected.end(),
                                   storage.begin() + static_cast<long>(align)));
            }
        }
    }
}

TEST_CASE("unmasking resumes across reads at any cut") {
    const MaskKey key{1, 2, 4, 8};
    std::vector<std::uint8_t> whole(1000);
    for (std::size_t i = 0; i < whole.size(); ++i)
        whole[i] = static_cast<std::uint8_t>(i);
    std::vector<std::uint8_t> expected = whole;
    reference_mask(expected, key, 0);
    for (std::size_t cut = 0; cut <= whole.size(); cut += 37) {
        std::vector<std::uint8_t> data = whole;
        std::size_t offset = apply_mask({data.data(), cut}, key, 0);
        offset = apply_mask({data.data() + cut, data.size() - cut}, key, offset);
        CHECK(offset == whole.size() % 4);
        CHECK(data == expected);
    }
}

TEST_CASE("mask_copy leaves the source alone, and unmasking twice restores it") {
    const MaskKey key{9, 8, 7, 6};
    std::vector<std::uint8_t> src(777, 0x55), dst(777);
    mask_copy(src, dst.data(), key, 2);
    CHECK(src == std::vector<std::uint8_t>(777, 0x55));
    apply_mask(dst, key, 2);
    CHECK(dst == src);
}

TEST_CASE("apply_mask never touches a byte past the end (guard page)") {
    for (std::size_t len : {1u, 7u, 31u, 33u, 4095u}) {
        wire::test::GuardedBuffer buf(std::string(len, 'x'));
        apply_mask(buf.bytes(), {1, 1, 1, 1}, 3);
        CHECK(buf.view() == std::string(len, 'y'));
    }
}

TEST_CASE("mask_copy may move its output towards the front of the same buffer") {
    const MaskKey key{0x37, 0xfa, 0x21, 0x3d};
    for (std::size_t n : {0u, 1u, 7u, 31u, 32u, 33u, 127u, 128u, 129u, 1000u}) {
        for (std::size_t shift : {1u, 4u, 14u}) {
            std::vector<std::uint8_t> buf(shift + n);
            for (std::size_t i = 0; i < buf.size(); ++i)
                buf[i] = static_cast<std::uint8_t>(i * 31 + 7);
            std::vector<std::uint8_t> want(buf.begin() + static_cast<std::ptrdiff_t>(shift),
                                           buf.end());
            reference_mask(want, key, 0);
            mask_copy({buf.data() + shift, n}, buf.data(), key);
            CHECK(std::equal(want.begin(), want.end(), buf.begin()));
        }
    }
}
