#include "crypto/error.hpp"

#include <string>

namespace wire::crypto {
namespace {

class Category final : public std::error_category {
  public:
    const char* name() const noexcept override { return "wire.crypto"; }

    std::string message(int value) const override {
        switch (static_cast<Error>(value)) {
            case Error::base64_invalid_character:
                return "base64: character outside the alphabet";
            case Error::base64_unexpected_padding:
                return "base64: padding '=' in an encoding without padding";
            case Error::base64_wrong_padding:
                return "base64: padding '=' in the wrong place";
            case Error::base64_missing_padding:
                return "base64: final group is not padded with '='";
            case Error::base64_excess_padding:
                return "base64: more padding '=' than the final group needs";
            case Error::base64_data_after_padding:
                return "base64: characters after the padded final group";
            case Error::base64_truncated:
                return "base64: input ends with a lone character that cannot form a byte";
            case Error::base64_nonzero_trailing_bits:
                return "base64: unused bits of the last character are not zero (not canonical)";
        }
        return "wire.crypto: unknown error";
    }
};

}  // namespace

const std::error_category& error_category() noexcept {
    static const Category category;
    return category;
}

}  // namespace wire::crypto
