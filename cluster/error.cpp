#include "cluster/error.hpp"

#include <string>

namespace wire::cluster {
namespace {

struct ErrorInfo {
    Error error;
    const char* message;
};

constexpr ErrorInfo kErrors[] = {
    {Error::streams_not_sharded,
     "redis backplane: Streams mode does not combine with sharded pub/sub (a stream is a key, "
     "and one XREAD of several topics would span a Cluster's slots); set streams or sharded"},
    {Error::stream_maxlen_zero,
     "redis backplane: Streams mode needs stream_maxlen above 0 (MAXLEN 0 keeps nothing)"},
};

class Category final : public std::error_category {
  public:
    const char* name() const noexcept override { return "wire.cluster"; }
    std::string message(int value) const override {
        for (const auto& info : kErrors) {
            if (static_cast<int>(info.error) == value) return info.message;
        }
        return "unknown cluster error";
    }
};

}  // namespace

const std::error_category& error_category() noexcept {
    static const Category category;
    return category;
}

}  // namespace wire::cluster
