// Deflater: DEFLATE compression (RFC 1951), with zlib (RFC 1950) or gzip (RFC 1952) framing.
//
// Streaming at any byte of input and any byte of output space, as Inflater: each deflate()
// call reads from `in`, writes into `out` and says how many bytes it consumed and produced.
//
//     Deflater def({.level = 1, .window_bits = 15});
//     auto r = def.deflate(message, space, Flush::sync);   // ends with 00 00 ff ff (RFC 7692)
//
// Levels: 0 stores (§3.2.4), 1 is the fast level (greedy matching), 6 the default (lazy
// matching), 9 the best; each block is written dynamic, fixed or stored, whichever is smallest.
//
// Memory: a stream keeps its history window (2^window_bits bytes) and its pending bits. The
// match-finder's hash tables may belong to the stream or be borrowed from a DeflateTables
// owned by the caller (one per thread or event loop), so thousands of compressing connections
// do not each carry their own tables.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "compress/outcome.hpp"

namespace wire::compress {

enum class Flush : std::uint8_t {
    none,    // buffer as needed for the best compression
    sync,    // emit everything so far, then the empty stored block 00 00 ff ff (byte aligned)
    full,    // as sync, and later data makes no back-reference across this point
    finish,  // end the stream: final block, then the zlib or gzip trailer
};

struct DeflateOptions {
    Format format = Format::raw;
    int level = 6;                      // 0..9
    int window_bits = max_window_bits;  // 8..15: the farthest back-reference written
};

// Hash tables for the match finder, shareable by every Deflater of one thread. Not thread-safe.
class DeflateTables {
  public:
    DeflateTables();
    ~DeflateTables();
    DeflateTables(const DeflateTables&) = delete;
    DeflateTables& operator=(const DeflateTables&) = delete;
    std::size_t memory_in_use() const noexcept;

  private:
    friend class Deflater;
    struct Storage;
    std::unique_ptr<Storage> storage_;
};

class Deflater {
  public:
    // Options out of range are a programmer error (std::invalid_argument).
    explicit Deflater(DeflateOptions options = {});
    // Borrows `tables` for every deflate() call; they must outlive this Deflater.
    Deflater(DeflateOptions options, DeflateTables& tables);
    ~Deflater();
    Deflater(Deflater&&) noexcept;
    Deflater& operator=(Deflater&&) noexcept;
    Deflater(const Deflater&) = delete;
    Deflater& operator=(const Deflater&) = delete;

    // Compresses `in` into `out`. done: all input consumed and, for sync/full/finish, all output
    // up to that flush point written (finish: the stream is complete). need_more: out is full
    // (call again with the input not consumed, the same flush, and more space), or, for
    // Flush::none, all input was taken and more may follow.
    StepResult deflate(std::span<const std::uint8_t> in, std::span<std::uint8_t> out,
                       Flush flush) noexcept;

    // zlib and raw: history to start from (RFC 1950 §2.2 FDICT). Before the first deflate().
    void set_dictionary(std::span<const std::uint8_t> dictionary) noexcept;
    // A new stream with the same options, forgetting the history (keeps memory).
    void reset() noexcept;
    void set_level(int level);  // takes effect at the next block

    // gzip header fields for the next stream (RFC 1952 §2.3.1).
    void set_gzip_header(std::string name, std::string comment, std::uint32_t mtime,
                         std::uint8_t os = 3);

    // A bound on the output of deflate(n bytes, Flush::finish) in one call, as zlib's
    // deflateBound: the size to reserve so one call completes.
    static std::size_t bound(std::size_t n, Format format = Format::raw) noexcept;

    // Copies the last input bytes of the stream (the dictionary counts), at most out.size() and
    // at most 2^window_bits, what a back-reference could still reach (RFC 1951 §3.2.5), to the
    // start of `out`; returns how many. After a sync flush it is the history a receiver holds.
    std::size_t copy_history(std::span<std::uint8_t> out) const noexcept;
    std::uint64_t total_in() const noexcept;
    std::uint64_t total_out() const noexcept;
    std::size_t memory_in_use() const noexcept;  // heap bytes held by this stream now

  private:
    struct State;
    std::unique_ptr<State> state_;
};

// One-shot convenience for tests and tools.
[[nodiscard]] std::string deflate_all(std::span<const std::uint8_t> in,
                                      const DeflateOptions& options = {});

}  // namespace wire::compress
