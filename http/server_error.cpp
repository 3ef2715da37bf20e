#include "http/server_error.hpp"

#include <string>

namespace wire::http {
namespace {

class ServerCategory final : public std::error_category {
  public:
    const char* name() const noexcept override { return "wire.http.server"; }
    std::string message(int code) const override {
        switch (static_cast<ServerError>(code)) {
            case ServerError::body_not_allowed:
                return "this response status does not allow a body (RFC 9110 §15)";
            case ServerError::hijacked:
                return "the connection was hijacked and belongs to the handler now";
            case ServerError::content_length_mismatch:
                return "the handler wrote more bytes than its declared Content-Length";
            case ServerError::already_hijacked:
                return "the connection was already hijacked, upgraded or written to";
            case ServerError::not_supported:
                return "this ResponseWriter cannot hand over its connection";
            case ServerError::body_too_large:
                return "the request body is larger than the handler allows";
            case ServerError::handler_timeout:
                return "the handler took longer than its time limit";
            case ServerError::server_closed:
                return "the server was shut down or closed";
            case ServerError::connection_closed:
                return "the client closed the connection";
        }
        return "unknown server error";
    }
};

}  // namespace

const std::error_category& server_category() noexcept {
    static const ServerCategory category;
    return category;
}

std::error_code make_error_code(ServerError e) noexcept {
    return {static_cast<int>(e), server_category()};
}

}  // namespace wire::http
