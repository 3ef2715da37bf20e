#include "redis/error.hpp"

#include <string>

namespace wire::redis {
namespace {

struct ErrorInfo {
    Error error;
    const char* message;
};

constexpr ErrorInfo kErrors[] = {
    {Error::bad_type,
     "RESP value starts with a byte that is no type (+ - : $ * _ # , ( ! = % ~ > |)"},
    {Error::bad_line_ending, "RESP line has a CR that is not followed by LF"},
    {Error::bad_integer, "RESP integer, length or count is not [+-]digits within 64 bits"},
    {Error::bad_length, "RESP length or count is negative (only RESP2's -1 null is allowed)"},
    {Error::bad_null, "RESP3 null must be exactly \"_\\r\\n\""},
    {Error::bad_boolean, "RESP3 boolean must be \"#t\" or \"#f\""},
    {Error::bad_double, "RESP3 double is not a decimal number, inf, -inf or nan"},
    {Error::bad_big_number, "RESP3 big number is not [+-]digits"},
    {Error::bad_verbatim, "RESP3 verbatim string does not start with a 3-byte format and ':'"},
    {Error::bad_bulk_ending, "bulk string is not followed by CRLF where its length says it ends"},
    {Error::line_too_long, "RESP line is longer than Limits::max_line_length"},
    {Error::bulk_too_long, "bulk string is longer than Limits::max_bulk_length"},
    {Error::aggregate_too_long, "aggregate has more elements than Limits::max_aggregate_count"},
    {Error::nesting_too_deep, "aggregates are nested deeper than Limits::max_depth"},
    {Error::reply_too_large, "reply is larger than Limits::max_reply_bytes"},
    {Error::server_error, "the server answered with an error reply"},
    {Error::unexpected_reply, "the server sent a reply of a type this command never returns"},
    {Error::not_connected, "not connected to the redis server; the command was not sent"},
    {Error::connection_lost, "the connection closed before the reply arrived"},
    {Error::ping_timeout, "the redis server did not answer PING within its deadline"},
    {Error::connect_timeout, "connecting to the redis server took longer than connect_timeout"},
    {Error::queue_full, "more bytes wait to be sent than Options::max_queued_bytes allows"},
    {Error::closed, "the redis client was stopped"},
};

class Category final : public std::error_category {
  public:
    const char* name() const noexcept override { return "wire.redis"; }
    std::string message(int value) const override {
        for (const auto& info : kErrors) {
            if (static_cast<int>(info.error) == value) return info.message;
        }
        return "unknown redis error";
    }
};

}  // namespace

const std::error_category& error_category() noexcept {
    static const Category category;
    return category;
}

}  // namespace wire::redis
