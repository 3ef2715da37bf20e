// Deflater: the stream around the codec. Input is copied into a window buffer that holds the
// history (up to 2^window_bits bytes that back-references may reach) followed by lookahead
// (input not yet compressed). The match finder turns the lookahead into symbols, the block
// writer turns symbols into blocks, and this file decides when: a block ends when the symbol
// buffer is full, when a flush asks, and, with borrowed tables, at the end of each call.
//
//   window: [ ...history... | open block's input | lookahead ]
//           low            block_start          cur          end       capacity
//
// Output goes straight into the caller's buffer when the next piece fits there with 8 bytes
// to spare (the bit writer's slack); otherwise into a pending buffer drained at the next call.
#include "compress/deflater.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <stdexcept>

#include "compress/checksum.hpp"
#include "compress/detail/bit_writer.hpp"
#include "compress/detail/block_writer.hpp"
#include "compress/detail/match_finder.hpp"

namespace wire::compress {
namespace {

using detail::BitWriter;
using detail::MatchParams;

struct LevelConfig {
    MatchParams match;
    // With borrowed tables used by another stream since the last call: how much of the most
    // recent history to index again before matching.
    std::size_t reindex_bytes;
};

// chain, nice, good, lazy, max_insert, lazy evaluation, skip ahead, buckets; re-indexed history.
constexpr LevelConfig level_configs[10] = {
    {{0, 0, 0, 0, 0, false, false, false}, 0},  // 0: stored blocks only
    {{2, 24, 0, 0, 6, false, true, true}, 2048},
    {{6, 32, 0, 0, 8, false, true, false}, 4096},
    {{12, 64, 0, 0, 16, false, false, false}, 8192},
    {{16, 16, 4, 4, 0, true, false, false}, 8192},
    {{32, 32, 8, 16, 0, true, false, false}, 16384},
    {{128, 128, 8, 16, 0, true, false, false}, 16384},  // 6: the default
    {{256, 128, 8, 32, 0, true, false, false}, 32768},
    {{1024, 258, 32, 128, 0, true, false, false}, 32768},
    {{4096, 258, 32, 258, 0, true, false, false}, 32768},
};

// Input kept beyond the window before it is compressed, so the window slides (a memmove of the
// history) once per this many bytes instead of once per call.
constexpr std::size_t lookahead_bytes = 16 * 1024;
// A position is matched only when a full-length match and the hash's 4 bytes fit after it,
// unless the input is flushed.
constexpr std::size_t min_lookahead = detail::max_match + 4;

// Tables of a DeflateTables (any window): 2^15 heads, 2^15 links, 16,384 symbols per block.
constexpr unsigned shared_hash_bits = 15;
constexpr std::size_t shared_symbols = 16384;

std::atomic<std::uint64_t> next_stream_id{1};

enum class Phase : std::uint8_t { header, body, finished };

int rank(Flush f) {
    return static_cast<int>(f);
}  // none < sync < full < finish

void check_options(const DeflateOptions& o) {
    if (o.level < 0 || o.level > 9) throw std::invalid_argument("deflate: level must be 0..9");
    if (o.window_bits < min_window_bits || o.window_bits > max_window_bits)
        throw std::invalid_argument("deflate: window_bits must be 8..15");
    if (o.format != Format::raw && o.format != Format::zlib && o.format != Format::gzip)
        throw std::invalid_argument("deflate: unknown format");
}

}  // namespace

struct DeflateTables::Storage {
    detail::MatchFinder finder{shared_hash_bits, max_window_bits, shared_symbols};
};

DeflateTables::DeflateTables() : storage_(std::make_unique<Storage>()) {}
DeflateTables::~DeflateTables() = default;
std::size_t DeflateTables::memory_in_use() const noexcept {
    return sizeof(*this) + storage_->finder.memory_in_use();
}

struct Deflater::State {
    State(const DeflateOptions& o, detail::MatchFinder* shared);

    // Configuration.
    DeflateOptions options;
    const LevelConfig* config;
    const LevelConfig* next_config;  // set_level(): applied between blocks
    unsigned window_size;
    std::size_t max_capacity;
    std::uint64_t id;
    detail::MatchFinder* finder;  // shared, or own_finder once allocated
    std::unique_ptr<detail::MatchFinder> own_finder;
    bool borrowed;

    // The window (see the picture at the top).
    std::unique_ptr<std::uint8_t[]> window;
    std::size_t capacity = 0;
    std::uint16_t base16 = 0;  // stream position of window[0], mod 2^16 (the finder's clock)
    std::size_t low = 0, block_start = 0, cur = 0, end = 0;
    std::size_t indexed = 0;       // positions before this are in the hash tables
    bool block_bytes_kept = true;  // the open block's input is still in the window

    // Output: bits not yet a whole byte, and bytes the caller had no room for.
    std::uint64_t bit_buffer = 0;
    unsigned bit_count = 0;
    std::unique_ptr<std::uint8_t[]> pending;
    std::size_t pending_capacity = 0, pending_begin = 0, pending_end = 0;
    std::span<std::uint8_t> out;  // this call's output space
    std::size_t produced = 0;
    bool writing_to_out = false;
    bool tables_ready = false;  // this call indexed the finder's tables for this stream

    // The stream.
    Phase phase = Phase::header;
    Flush at_flush = Flush::none;  // the stream is at this flush point, with nothing since
    std::uint32_t check = 0;
    std::uint64_t total_in = 0, total_out = 0;
    bool has_dictionary = false;
    std::uint32_t dictionary_id = 0;
    std::string gzip_name, gzip_comment;
    std::uint32_t gzip_mtime = 0;
    std::uint8_t gzip_os = 3;

    bool matching() const noexcept { return config->match.max_chain != 0; }
    bool blocked() const noexcept { return pending_begin != pending_end; }
    bool block_open() const noexcept { return cur > block_start || (finder && !finder->empty()); }
    detail::MatchWindow view() const noexcept {
        return {window.get(), base16, low, end, window_size};
    }
    StepResult result(Outcome outcome, std::size_t consumed) noexcept {
        total_out += produced;
        return {outcome, consumed, produced, {}};
    }

    void start_stream() noexcept;
    void drain() noexcept;
    std::uint8_t* reserve(std::size_t n);
    void commit(std::uint8_t* end_written) noexcept;
    template <class Write>
    void write_bits(std::size_t max_bytes, Write&& write);
    void write_bytes(const std::uint8_t* bytes, std::size_t n);
    void write_header();
    void write_trailer();
    void grow(std::size_t need);
    std::size_t take(std::span<const std::uint8_t> in) noexcept;
    void make_room();
    void slide(std::size_t keep_from) noexcept;
    void prepare_tables();
    void compress(std::size_t limit);
    void emit_block(bool final);
    void apply_level();
    void finish_flush(Flush flush);
};

Deflater::State::State(const DeflateOptions& o, detail::MatchFinder* shared)
    : options(o),
      config(&level_configs[o.level]),
      next_config(config),
      window_size(1u << o.window_bits),
      max_capacity(window_size + lookahead_bytes),
      id(next_stream_id.fetch_add(1, std::memory_order_relaxed)),
      finder(shared),
      borrowed(shared != nullptr) {
    start_stream();
}

void Deflater::State::start_stream() noexcept {
    base16 = static_cast<std::uint16_t>(base16 + end);
    low = block_start = cur = end = indexed = 0;
    block_bytes_kept = true;
    if (finder && !borrowed) finder->clear_block();
    bit_buffer = 0, bit_count = 0;
    pending_begin = pending_end = 0;
    phase = Phase::header;
    at_flush = Flush::none;
    check = options.format == Format::zlib ? adler32_initial : crc32_initial;
    total_in = total_out = 0;
    has_dictionary = false;
}

// ---- output

void Deflater::State::drain() noexcept {
    const std::size_t n = std::min(pending_end - pending_begin, out.size() - produced);
    if (n != 0) std::memcpy(out.data() + produced, pending.get() + pending_begin, n);
    produced += n;
    pending_begin += n;
    if (pending_begin == pending_end) pending_begin = pending_end = 0;
}

// Room for n bytes: in the caller's buffer if they fit and nothing is pending, else pending.
std::uint8_t* Deflater::State::reserve(std::size_t n) {
    writing_to_out = !blocked() && out.size() - produced >= n;
    if (writing_to_out) return out.data() + produced;
    if (pending_capacity - pending_end < n) {
        const std::size_t size = pending_end - pending_begin;
        const std::size_t cap = std::max(size + n, 2 * pending_capacity);
        auto grown = std::unique_ptr<std::uint8_t[]>(new std::uint8_t[cap]);
        if (size != 0) std::memcpy(grown.get(), pending.get() + pending_begin, size);
        pending = std::move(grown);
        pending_capacity = cap;
        pending_begin = 0, pending_end = size;
    }
    return pending.get() + pending_end;
}

void Deflater::State::commit(std::uint8_t* end_written) noexcept {
    if (writing_to_out) {
        produced = static_cast<std::size_t>(end_written - out.data());
    } else {
        pending_end = static_cast<std::size_t>(end_written - pending.get());
        drain();
    }
}

template <class Write>
void Deflater::State::write_bits(std::size_t max_bytes, Write&& write) {
    BitWriter bits(reserve(max_bytes), bit_buffer, bit_count);
    write(bits);
    bits.flush();
    bit_buffer = bits.pending_bits();
    bit_count = bits.pending_count();
    commit(bits.position());
}

// Whole bytes, from the next byte boundary.
void Deflater::State::write_bytes(const std::uint8_t* bytes, std::size_t n) {
    write_bits(n + 10, [&](BitWriter& bits) {
        bits.align_to_byte();
        bits.write_bytes(bytes, n);
    });
}

void Deflater::State::write_header() {
    phase = Phase::body;
    if (options.format == Format::zlib) {
        // RFC 1950 §2.2: CMF = CM 8 (deflate) | CINFO = log2(window) - 8; FLG = FLEVEL | FDICT
        // | FCHECK, where FCHECK makes CMF * 256 + FLG a multiple of 31.
        const unsigned cmf = 8u | static_cast<unsigned>(options.window_bits - 8) << 4;
        const auto level = static_cast<int>(config - level_configs);
        const unsigned flevel = level <= 1 ? 0 : level <= 5 ? 1 : level == 6 ? 2 : 3;
        unsigned flg = flevel << 6 | (has_dictionary ? 0x20u : 0u);
        flg += (31 - (cmf * 256 + flg) % 31) % 31;
        const std::uint8_t header[6] = {static_cast<std::uint8_t>(cmf),
                                        static_cast<std::uint8_t>(flg),
                                        static_cast<std::uint8_t>(dictionary_id >> 24),
                                        static_cast<std::uint8_t>(dictionary_id >> 16),
                                        static_cast<std::uint8_t>(dictionary_id >> 8),
                                        static_cast<std::uint8_t>(dictionary_id)};
        write_bytes(header, has_dictionary ? 6 : 2);  // §2.2: DICTID follows when FDICT is set
    } else if (options.format == Format::gzip) {
        // RFC 1952 §2.3.1: ID1 ID2 CM FLG MTIME(4, LSB first) XFL OS, then the zero-terminated
        // FNAME and FCOMMENT when their FLG bits (8, 16) say so.
        const auto level = static_cast<int>(config - level_configs);
        const std::uint8_t flg = static_cast<std::uint8_t>((gzip_name.empty() ? 0 : 0x08) |
                                                           (gzip_comment.empty() ? 0 : 0x10));
        const std::uint8_t header[10] = {
            0x1f,
            0x8b,
            8,
            flg,
            static_cast<std::uint8_t>(gzip_mtime),
            static_cast<std::uint8_t>(gzip_mtime >> 8),
            static_cast<std::uint8_t>(gzip_mtime >> 16),
            static_cast<std::uint8_t>(gzip_mtime >> 24),
            static_cast<std::uint8_t>(level == 9   ? 2
                                      : level == 1 ? 4
                                                   : 0),  // XFL: best, fastest
            gzip_os};
        write_bytes(header, 10);
        for (const std::string* field : {&gzip_name, &gzip_comment})
            if (!field->empty())
                write_bytes(reinterpret_cast<const std::uint8_t*>(field->c_str()),
                            field->size() + 1);
    }
}

void Deflater::State::write_trailer() {
    std::uint8_t trailer[8];
    std::size_t n = 0;
    if (options.format == Format::zlib) {
        // RFC 1950 §2.2: ADLER32 of the uncompressed data, most significant byte first.
        for (int shift = 24; shift >= 0; shift -= 8)
            trailer[n++] = static_cast<std::uint8_t>(check >> shift);
    } else if (options.format == Format::gzip) {
        // RFC 1952 §2.3.1: CRC32, then ISIZE (the input's length mod 2^32), LSB first.
        const auto isize = static_cast<std::uint32_t>(total_in);
        for (int shift = 0; shift < 32; shift += 8)
            trailer[n++] = static_cast<std::uint8_t>(check >> shift);
        for (int shift = 0; shift < 32; shift += 8)
            trailer[n++] = static_cast<std::uint8_t>(isize >> shift);
    }
    write_bytes(trailer, n);  // also sends the final block's last bits, zero-padded
}

// ---- the window

void Deflater::State::grow(std::size_t need) {
    std::size_t cap = std::max<std::size_t>({need, 2 * capacity, 4096});
    cap = std::min(cap, max_capacity);
    auto grown = std::unique_ptr<std::uint8_t[]>(new std::uint8_t[cap]);
    if (end != 0) std::memcpy(grown.get(), window.get(), end);
    window = std::move(grown);
    capacity = cap;
}

std::size_t Deflater::State::take(std::span<const std::uint8_t> in) noexcept {
    const std::size_t n = std::min(in.size(), capacity - end);
    std::memcpy(window.get() + end, in.data(), n);
    const std::span<const std::uint8_t> taken = in.first(n);
    if (options.format == Format::zlib) check = adler32(check, taken);
    if (options.format == Format::gzip) check = crc32(check, taken);
    end += n;
    total_in += n;
    if (n != 0) at_flush = Flush::none;
    return n;
}

// The window is full and input remains: drop the history no back-reference can reach any more
// (compressing the lookahead first if need be), or grow the buffer while sliding would free
// less than half of it.
void Deflater::State::make_room() {
    auto reachable_from = [this] {
        return std::max(low, cur > window_size ? cur - window_size : 0);
    };
    if (capacity < max_capacity && 2 * reachable_from() <= capacity) {
        grow(end + 1);
        return;
    }
    if (cur + min_lookahead < end) compress(end - min_lookahead);
    const std::size_t keep_from = reachable_from();
    if (block_start < keep_from && block_bytes_kept) {
        // The open block's first bytes are about to go. A block that would be stored must go
        // out now; any other may grow on, as fixed or dynamic only.
        if (!matching()) {
            emit_block(false);
        } else {
            detail::BlockPlan plan;
            const detail::BlockSymbols b =
                finder->block(window.get() + block_start, cur - block_start);
            detail::plan_block(b, bit_count, plan);
            if (plan.type == detail::BlockType::stored)
                emit_block(false);
            else
                block_bytes_kept = false;
        }
    }
    slide(keep_from);
}

void Deflater::State::slide(std::size_t keep_from) noexcept {
    std::memmove(window.get(), window.get() + keep_from, end - keep_from);
    base16 = static_cast<std::uint16_t>(base16 + keep_from);
    auto shift = [keep_from](std::size_t& i) { i = i > keep_from ? i - keep_from : 0; };
    shift(low), shift(block_start), shift(cur), shift(end), shift(indexed);
}

// ---- compressing

// Before the first match of a call: index what the tables lack. If another stream used them
// since (borrowed tables), that is the most recent reindex_bytes of history; otherwise the few
// positions left unindexed at the end of the last call.
void Deflater::State::prepare_tables() {
    if (tables_ready) return;
    tables_ready = true;
    if (!finder) {
        const unsigned w = static_cast<unsigned>(options.window_bits);
        const unsigned hash_bits = std::clamp(w + 1, 10u, shared_hash_bits);
        const std::size_t symbols = std::size_t{1} << std::clamp(w, 12u, 14u);
        own_finder = std::make_unique<detail::MatchFinder>(hash_bits, w, symbols);
        finder = own_finder.get();
    }
    std::size_t from = indexed;
    const bool bucketed = config->match.buckets;
    if (finder->owner != id || finder->bucketed() != bucketed) {
        finder->owner = id;
        finder->set_bucketed(bucketed);
        finder->clear_block();
        from = std::max(low, cur > config->reindex_bytes ? cur - config->reindex_bytes : 0);
    }
    finder->insert_range(view(), from, cur);
}

// Turns the input up to `limit` into symbols, ending blocks as the symbol buffer fills.
void Deflater::State::compress(std::size_t limit) {
    if (cur >= limit) return;
    if (!matching()) {
        cur = limit;  // level 0: the bytes go out as they are
        return;
    }
    prepare_tables();
    const detail::MatchWindow w = view();
    while (cur < limit) {
        cur = finder->find(w, cur, limit, config->match);
        if (finder->full()) emit_block(false);
    }
    indexed = std::min(cur, end >= 3 ? end - 3 : 0);
}

void Deflater::State::emit_block(bool final) {
    const std::size_t n = cur - block_start;
    const std::uint8_t* bytes = block_bytes_kept ? window.get() + block_start : nullptr;
    if (!block_open()) {
        // An empty block (a final one after a flush): fixed codes, only end-of-block (§3.2.6:
        // seven zero bits). Ten bits instead of a stored block's five bytes.
        write_bits(10, [&](BitWriter& bits) {
            bits.put(final ? 1 : 0, 1);
            bits.put(1, 2);
            bits.put(0, 7);
        });
    } else if (!matching() || !finder) {
        write_bits(detail::stored_max_bytes(n),
                   [&](BitWriter& bits) { detail::write_stored(bits, bytes, n, final); });
    } else {
        const detail::BlockSymbols b = finder->block(bytes, n);
        detail::BlockPlan plan;
        detail::plan_block(b, bit_count, plan);
        write_bits(plan.max_bytes(),
                   [&](BitWriter& bits) { detail::write_block(bits, b, plan, final); });
        finder->clear_block();
    }
    block_start = cur;
    block_bytes_kept = true;
}

// set_level() takes effect between blocks: the open block ends with the level that began it.
void Deflater::State::apply_level() {
    if (next_config == config) return;
    if (block_open()) emit_block(false);
    config = next_config;
}

void Deflater::State::finish_flush(Flush flush) {
    compress(end);
    if (flush == Flush::finish) {
        emit_block(true);  // RFC 1951 §3.2.3: BFINAL on the last block (perhaps empty)
        write_trailer();
        phase = Phase::finished;
    } else {
        if (block_open()) emit_block(false);
        // RFC 7692 §7.2.1 / zlib's sync flush: an empty stored block brings the output to a
        // byte boundary, so everything so far can be decoded; it ends in 00 00 ff ff.
        write_bits(detail::stored_max_bytes(0),
                   [](BitWriter& bits) { detail::write_stored(bits, nullptr, 0, false); });
        // A full flush: nothing after this point refers to what came before.
        if (flush == Flush::full) low = cur;
    }
    at_flush = flush;
}

// ---- Deflater

Deflater::Deflater(DeflateOptions options) {
    check_options(options);
    state_ = std::make_unique<State>(options, nullptr);
}

Deflater::Deflater(DeflateOptions options, DeflateTables& tables) {
    check_options(options);
    state_ = std::make_unique<State>(options, &tables.storage_->finder);
}

Deflater::~Deflater() = default;
Deflater::Deflater(Deflater&&) noexcept = default;
Deflater& Deflater::operator=(Deflater&&) noexcept = default;

StepResult Deflater::deflate(std::span<const std::uint8_t> in, std::span<std::uint8_t> out,
                             Flush flush) noexcept {
    State& s = *state_;
    s.out = out;
    s.produced = 0;
    s.tables_ready = false;
    const bool had_pending = s.blocked();
    s.drain();
    if (s.blocked()) return s.result(Outcome::need_more, 0);
    if (s.phase == Phase::finished) return s.result(Outcome::done, 0);
    // Called again to complete a flush whose output did not fit: it is complete now. (Without
    // pending output, a new flush writes a new marker: an empty message is 00 00 00 ff ff.)
    if (had_pending && in.empty() && rank(s.at_flush) >= rank(flush) && flush != Flush::none)
        return s.result(Outcome::done, 0);
    if (s.phase == Phase::header) s.write_header();
    s.apply_level();

    std::size_t taken = 0;
    while (taken < in.size() && !s.blocked()) {
        if (s.end == s.capacity)
            s.make_room();
        else
            taken += s.take(in.subspan(taken));
    }
    if (taken < in.size() || flush == Flush::none) {
        // Borrowed tables hold no open block between calls: another stream may use them.
        if (s.borrowed && s.tables_ready && s.block_open()) s.emit_block(false);
        return s.result(Outcome::need_more, taken);
    }
    s.finish_flush(flush);
    return s.result(s.blocked() ? Outcome::need_more : Outcome::done, taken);
}

void Deflater::set_dictionary(std::span<const std::uint8_t> dictionary) noexcept {
    State& s = *state_;
    // Only before the first byte of a stream; gzip has no place to name a dictionary.
    if (s.phase != Phase::header || s.end != 0 || s.options.format == Format::gzip) return;
    const std::size_t n = std::min<std::size_t>(dictionary.size(), s.window_size);
    if (s.capacity < n + 1) s.grow(n + 1);
    std::memcpy(s.window.get(), dictionary.data() + (dictionary.size() - n), n);
    s.low = 0;
    s.block_start = s.cur = s.end = n;
    s.indexed = 0;
    if (s.finder) s.finder->owner = 0;  // index the dictionary at the first deflate()
    if (s.options.format == Format::zlib) {
        s.has_dictionary = true;
        s.dictionary_id = adler32(adler32_initial, dictionary);  // RFC 1950 §2.2 DICTID
    }
}

void Deflater::reset() noexcept {
    state_->start_stream();
}

void Deflater::set_level(int level) {
    if (level < 0 || level > 9) throw std::invalid_argument("deflate: level must be 0..9");
    state_->next_config = &level_configs[level];
}

void Deflater::set_gzip_header(std::string name, std::string comment, std::uint32_t mtime,
                               std::uint8_t os) {
    // RFC 1952 §2.3.1: FNAME and FCOMMENT end at a zero byte, so they cannot contain one.
    name.resize(std::min(name.size(), name.find('\0')));
    comment.resize(std::min(comment.size(), comment.find('\0')));
    state_->gzip_name = std::move(name);
    state_->gzip_comment = std::move(comment);
    state_->gzip_mtime = mtime;
    state_->gzip_os = os;
}

std::size_t Deflater::bound(std::size_t n, Format format) noexcept {
    // Every block is at most its stored size: 5 bytes per 65,535 and per block, and a block
    // holds at least 4,096 bytes unless it is the last; then a final empty block, padding, and
    // the framing (gzip without name or comment).
    const std::size_t blocks = n / 4096 + 2;
    const std::size_t framing = format == Format::gzip ? 18 : format == Format::zlib ? 6 : 0;
    return n + 5 * (n / 65535 + blocks) + 8 + framing;
}

std::uint64_t Deflater::total_in() const noexcept {
    return state_->total_in;
}
std::uint64_t Deflater::total_out() const noexcept {
    return state_->total_out;
}

std::size_t Deflater::copy_history(std::span<std::uint8_t> out) const noexcept {
    const State& s = *state_;
    const std::size_t reach = std::min<std::size_t>(s.end - s.low, s.window_size);
    const std::size_t n = std::min(reach, out.size());
    if (n != 0) std::memcpy(out.data(), s.window.get() + (s.end - n), n);
    return n;
}

std::size_t Deflater::memory_in_use() const noexcept {
    const State& s = *state_;
    return sizeof(State) + s.capacity + s.pending_capacity +
           (s.own_finder ? s.own_finder->memory_in_use() : 0) + s.gzip_name.capacity() +
           s.gzip_comment.capacity();
}

std::string deflate_all(std::span<const std::uint8_t> in, const DeflateOptions& options) {
    Deflater deflater(options);
    std::string out(Deflater::bound(in.size(), options.format) + 64, '\0');
    std::size_t produced = 0;
    for (;;) {
        auto space = std::span(reinterpret_cast<std::uint8_t*>(out.data()) + produced,
                               out.size() - produced);
        const StepResult r = deflater.deflate(in, space, Flush::finish);
        produced += r.produced;
        in = in.subspan(r.consumed);
        if (r.done()) break;
        out.resize(out.size() * 2);
    }
    out.resize(produced);
    return out;
}

}  // namespace wire::compress
