#include "compress/error.hpp"

#include <string>

namespace wire::compress {
namespace {

class Category final : public std::error_category {
  public:
    const char* name() const noexcept override { return "wire.compress"; }

    std::string message(int value) const override {
        switch (static_cast<Error>(value)) {
            case Error::bad_block_type:
                return "deflate: reserved block type 3 (RFC 1951 §3.2.3)";
            case Error::stored_length_mismatch:
                return "deflate: stored block LEN and NLEN do not match (RFC 1951 §3.2.4)";
            case Error::oversubscribed_code:
                return "deflate: code lengths describe more codes than fit (RFC 1951 §3.2.2)";
            case Error::incomplete_code:
                return "deflate: code lengths leave part of the code unused (RFC 1951 §3.2.2)";
            case Error::bad_code_lengths:
                return "deflate: invalid code length sequence (RFC 1951 §3.2.7)";
            case Error::missing_end_of_block:
                return "deflate: the end-of-block symbol 256 has no code (RFC 1951 §3.2.7)";
            case Error::invalid_symbol:
                return "deflate: invalid literal/length or distance code (RFC 1951 §3.2.6)";
            case Error::distance_too_far:
                return "deflate: back-reference beyond the data or the window (RFC 1951 §3.2.5)";
            case Error::truncated:
                return "deflate: the stream ends before its final block";
            case Error::output_limit:
                return "deflate: inflated data exceeds the configured limit";
            case Error::bad_zlib_header:
                return "zlib: invalid stream header (RFC 1950 §2.2)";
            case Error::window_too_large:
                return "zlib: the stream's window is larger than allowed";
            case Error::dictionary_required:
                return "zlib: the stream needs a preset dictionary (RFC 1950 §2.2)";
            case Error::dictionary_mismatch:
                return "zlib: the preset dictionary does not match DICTID (RFC 1950 §2.2)";
            case Error::adler32_mismatch:
                return "zlib: Adler-32 checksum mismatch (RFC 1950 §2.2)";
            case Error::bad_gzip_header:
                return "gzip: invalid member header (RFC 1952 §2.3.1)";
            case Error::gzip_header_crc_mismatch:
                return "gzip: header CRC16 mismatch (RFC 1952 §2.3.1)";
            case Error::crc32_mismatch:
                return "gzip: CRC-32 mismatch (RFC 1952 §2.3.1)";
            case Error::length_mismatch:
                return "gzip: ISIZE does not match the data's length (RFC 1952 §2.3.1)";
            case Error::header_too_large:
                return "gzip: header field longer than the configured limit";
        }
        return "wire.compress: unknown error";
    }
};

}  // namespace

const std::error_category& error_category() noexcept {
    static const Category category;
    return category;
}

}  // namespace wire::compress
