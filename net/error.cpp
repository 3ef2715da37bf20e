#include "net/error.hpp"

#include <cctype>
#include <cerrno>

namespace wire::net {
namespace {

class NetCategory final : public std::error_category {
  public:
    const char* name() const noexcept override { return "wire.net"; }
    std::string message(int code) const override {
        switch (static_cast<Error>(code)) {
            case Error::timeout:
                return "i/o timeout";
            case Error::closed:
                return "use of closed network connection";
            case Error::eof:
                return "EOF";
            case Error::unexpected_eof:
                return "unexpected EOF";
            case Error::bad_address:
                return "invalid address";
            case Error::missing_port:
                return "missing port in address";
            case Error::bad_port:
                return "invalid port";
            case Error::host_not_found:
                return "no such host";
            case Error::resolve_failed:
                return "name resolution failed";
            case Error::no_address:
                return "no suitable address found";
            case Error::buffer_full:
                return "buffer full";
        }
        return "unknown net error";
    }
};

}  // namespace

const std::error_category& net_category() noexcept {
    static const NetCategory category;
    return category;
}

std::error_code make_error_code(Error e) noexcept {
    return {static_cast<int>(e), net_category()};
}

bool is_timeout(std::error_code ec) noexcept {
    return ec == Error::timeout || ec == std::errc::timed_out;
}

bool would_block(std::error_code ec) noexcept {
    return ec.category() == std::system_category() &&
           (ec.value() == EAGAIN || ec.value() == EWOULDBLOCK);
}

std::string message(std::error_code ec) {
    std::string text = ec.message();
    // strerror capitalises ("Connection refused"); lower the first letter unless the second is
    // upper case too, which keeps acronyms such as "EOF" intact.
    if (ec.category() == std::system_category() && text.size() > 1 &&
        std::isupper(static_cast<unsigned char>(text[0])) &&
        !std::isupper(static_cast<unsigned char>(text[1]))) {
        text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    }
    return text;
}

std::string describe(std::string_view op, std::string_view address, std::error_code ec) {
    std::string out(op);
    if (!address.empty()) {
        out += ' ';
        out += address;
    }
    out += ": ";
    out += message(ec);
    return out;
}

}  // namespace wire::net
