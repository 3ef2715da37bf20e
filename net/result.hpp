// Result<T>: a value or a std::error_code, shaped like C++23's std::expected<T, std::error_code>
// (has_value, value, error, operator*, operator->, explicit bool), so that a later switch to
// std::expected is a rename. g++ 12 and clang++ 14 in C++20 do not ship <expected>.
//
//   Result<std::size_t> n = sock.read(buf, sizeof buf);
//   if (!n) return n.error();          // the error travels as a value
//   use(*n);
//
// A Result is built implicitly from a value, from a std::error_code, or from any error-code enum
// (wire::net::Error, std::errc), so `return Error::timeout;` works in a function returning Result.
#pragma once

#include <cassert>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace wire::net {

template <class T>
class [[nodiscard]] Result {
  public:
    Result(const T& value) : state_(std::in_place_index<0>, value) {}
    Result(T&& value) : state_(std::in_place_index<0>, std::move(value)) {}
    Result(std::error_code error) : state_(std::in_place_index<1>, error) {
        assert(error && "a Result error must be an actual error");
    }
    template <class E>
    requires std::is_error_code_enum_v<E> Result(E error)
        : Result(std::error_code(make_error_code(error))) {}

    bool has_value() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    // value() on an error is a programmer mistake: it throws std::system_error naming the error.
    T& value() & {
        check();
        return std::get<0>(state_);
    }
    const T& value() const& {
        check();
        return std::get<0>(state_);
    }
    T&& value() && {
        check();
        return std::get<0>(std::move(state_));
    }
    template <class U>
    T value_or(U&& fallback) const& {
        return has_value() ? std::get<0>(state_) : static_cast<T>(std::forward<U>(fallback));
    }

    // Unchecked access, like std::expected: only after testing has_value().
    T& operator*() & noexcept { return *std::get_if<0>(&state_); }
    const T& operator*() const& noexcept { return *std::get_if<0>(&state_); }
    T&& operator*() && noexcept { return std::move(*std::get_if<0>(&state_)); }
    T* operator->() noexcept { return std::get_if<0>(&state_); }
    const T* operator->() const noexcept { return std::get_if<0>(&state_); }

    // The error; an empty (false) std::error_code when the Result holds a value.
    std::error_code error() const noexcept {
        return has_value() ? std::error_code{} : *std::get_if<1>(&state_);
    }

  private:
    void check() const {
        if (!has_value()) throw std::system_error(*std::get_if<1>(&state_));
    }
    std::variant<T, std::error_code> state_;
};

// Result<void>: success, or an error.
template <>
class [[nodiscard]] Result<void> {
  public:
    Result() noexcept = default;
    Result(std::error_code error) noexcept : error_(error) {}
    template <class E>
    requires std::is_error_code_enum_v<E> Result(E error) : error_(make_error_code(error)) {}

    bool has_value() const noexcept { return !error_; }
    explicit operator bool() const noexcept { return has_value(); }
    void value() const {
        if (error_) throw std::system_error(error_);
    }
    void operator*() const noexcept {}
    std::error_code error() const noexcept { return error_; }

  private:
    std::error_code error_;
};

}  // namespace wire::net
