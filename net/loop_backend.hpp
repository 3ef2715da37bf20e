// LoopBackend: which kernel interface an EventLoop waits on.
//
//  epoll:       epoll(7), on every Linux wire supports.
//  uring:       io_uring(7) (Linux 5.11 or newer): poll requests on a submission ring, one
//               io_uring_enter per loop pass that both hands the kernel every change of interest
//               made since the last pass and waits for the next events
//               (net/detail/uring_poller.hpp).
//  automatic:   io_uring when the kernel offers what the backend needs, else epoll. Chosen when
//               nothing says otherwise: io_uring serves more requests per CPU-second here
//               (docs/performance.md), and epoll stays one variable away.
//  environment: what the WIRE_LOOP environment variable says (auto, epoll or uring; unset: auto).
//               The default of every EventLoop, LoopGroup and server option.
//
// Where io_uring is asked for but cannot be had (a kernel without it, kernel.io_uring_disabled,
// the seccomp profile of a container runtime refusing the system calls), the loop uses epoll and
// the process says so once on standard error. EventLoop::backend() tells which one a loop got.
#pragma once

#include <cstdint>
#include <string_view>

namespace wire::net {

enum class LoopBackend : std::uint8_t { environment, automatic, epoll, uring };

// "epoll", "uring", "auto" or "environment".
std::string_view to_string(LoopBackend backend) noexcept;

}  // namespace wire::net
