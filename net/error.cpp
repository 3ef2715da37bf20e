#include "net/error.hpp"

#include <cctype>
#include <cerrno>
#include <memory>
#include <mutex>
#include <vector>

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

// The category of one op_error: "op address: " before the cause's message, the cause's
// conditions for comparisons.
class OpCategory final : public std::error_category {
  public:
    OpCategory(std::string op, std::string address, const std::error_category& cause)
        : op_(std::move(op)), address_(std::move(address)), cause_(cause) {}
    const char* name() const noexcept override { return "wire.net.op"; }
    std::string message(int code) const override { return describe(op_, address_, {code, cause_}); }
    std::error_condition default_error_condition(int code) const noexcept override {
        return cause_.default_error_condition(code);
    }
    bool matches(std::string_view op, std::string_view address,
                 const std::error_category& cause) const noexcept {
        return op == op_ && address == address_ && cause == cause_;
    }
    const std::error_category& cause() const noexcept { return cause_; }

  private:
    std::string op_;
    std::string address_;
    const std::error_category& cause_;
};

// Every OpCategory ever made. Never freed: an error code may outlive any owner we could name.
struct OpCategories {
    static constexpr std::size_t max = 1024;
    std::mutex mu;
    std::vector<std::unique_ptr<OpCategory>> all;  // guarded by mu
};

OpCategories& op_categories() {
    static auto* const table = new OpCategories;
    return *table;
}

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

std::error_code op_error(std::string_view op, std::string_view address, std::error_code cause) {
    if (!cause) return cause;
    cause = unwrap(cause);  // never a wrapper around a wrapper
    OpCategories& table = op_categories();
    std::lock_guard lock(table.mu);
    for (const auto& category : table.all) {
        if (category->matches(op, address, cause.category())) return {cause.value(), *category};
    }
    // Why the bound: a caller wrapping errors for ever-new addresses would grow the table
    // without end; the bare cause still says what went wrong.
    if (table.all.size() == OpCategories::max) return cause;
    table.all.push_back(
        std::make_unique<OpCategory>(std::string(op), std::string(address), cause.category()));
    return {cause.value(), *table.all.back()};
}

std::error_code unwrap(std::error_code ec) noexcept {
    if (const auto* op = dynamic_cast<const OpCategory*>(&ec.category())) {
        return {ec.value(), op->cause()};
    }
    return ec;
}

}  // namespace wire::net
