#include "redis/resp_type.hpp"

namespace wire::redis {

bool type_of(std::uint8_t byte, Type& type) noexcept {
    switch (byte) {
        case '+':
        case '-':
        case ':':
        case '$':
        case '*':
        case '_':
        case '#':
        case ',':
        case '(':
        case '!':
        case '=':
        case '%':
        case '~':
        case '|':
        case '>':
            type = static_cast<Type>(byte);
            return true;
        default:
            return false;
    }
}

std::string_view type_name(Type type) noexcept {
    switch (type) {
        case Type::simple_string:
            return "simple string";
        case Type::error:
            return "simple error";
        case Type::integer:
            return "integer";
        case Type::bulk_string:
            return "bulk string";
        case Type::array:
            return "array";
        case Type::null:
            return "null";
        case Type::boolean:
            return "boolean";
        case Type::double_number:
            return "double";
        case Type::big_number:
            return "big number";
        case Type::bulk_error:
            return "bulk error";
        case Type::verbatim:
            return "verbatim string";
        case Type::map:
            return "map";
        case Type::set:
            return "set";
        case Type::attribute:
            return "attribute";
        case Type::push:
            return "push";
    }
    return "unknown";
}

}  // namespace wire::redis
