// Router micro-benchmark: ns per match for the tree walk against a linear scan over the same
// patterns (what a router without a tree does), on a GitHub-API-like route table, and heap
// allocations per match once the RouteMatch is warm. Usage: router [runs]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "http/detail/pattern_relation.hpp"
#include "http/router.hpp"

namespace {

std::size_t g_allocations = 0;

}  // namespace

// Counting allocator: proves the steady-state match path never reaches the heap.
void* operator new(std::size_t n) {
    ++g_allocations;
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}

namespace {

using wire::http::RouteMatch;
using wire::http::Router;

const char* const routes[] = {
    "GET /{$}",
    "GET /static/",
    "GET /users/{user}",
    "PATCH /users/{user}",
    "GET /users/{user}/repos",
    "GET /users/{user}/followers",
    "GET /users/{user}/following/{target}",
    "GET /orgs/{org}",
    "GET /orgs/{org}/repos",
    "POST /orgs/{org}/repos",
    "GET /orgs/{org}/members/{user}",
    "DELETE /orgs/{org}/members/{user}",
    "GET /repos/{owner}/{repo}",
    "DELETE /repos/{owner}/{repo}",
    "GET /repos/{owner}/{repo}/issues",
    "POST /repos/{owner}/{repo}/issues",
    "GET /repos/{owner}/{repo}/issues/{number}",
    "PATCH /repos/{owner}/{repo}/issues/{number}",
    "GET /repos/{owner}/{repo}/issues/{number}/comments",
    "POST /repos/{owner}/{repo}/issues/{number}/comments",
    "GET /repos/{owner}/{repo}/pulls",
    "GET /repos/{owner}/{repo}/pulls/{number}",
    "GET /repos/{owner}/{repo}/pulls/{number}/files",
    "PUT /repos/{owner}/{repo}/pulls/{number}/merge",
    "GET /repos/{owner}/{repo}/git/refs/{ref...}",
    "GET /repos/{owner}/{repo}/contents/{path...}",
    "GET /repos/{owner}/{repo}/commits",
    "GET /repos/{owner}/{repo}/commits/{sha}",
    "GET /repos/{owner}/{repo}/releases/latest",
    "GET /repos/{owner}/{repo}/releases/{id}",
    "GET /gists/{id}",
    "GET /gists/{id}/star",
    "PUT /gists/{id}/star",
    "GET /search/repositories",
    "GET /search/code",
    "GET /search/issues",
    "GET /notifications",
    "GET /rate_limit",
    "GET /emojis",
    "api.example.com/",
};

struct Request {
    const char* method;
    const char* host;
    const char* path;
};
const Request requests[] = {
    {"GET", "example.com", "/"},
    {"GET", "example.com", "/static/css/site.css"},
    {"GET", "example.com", "/users/octocat"},
    {"GET", "example.com", "/repos/golang/go/issues/60227/comments"},
    {"POST", "example.com", "/repos/golang/go/issues"},
    {"GET", "example.com", "/repos/golang/go/contents/src/net/http/pattern.go"},
    {"GET", "example.com", "/repos/golang/go/releases/latest"},
    {"GET", "example.com", "/search/code"},
    {"PUT", "example.com", "/gists/abc/star"},
    {"GET", "example.com", "/nothing/here"},
    {"POST", "example.com", "/rate_limit"},
    {"GET", "api.example.com:443", "/v1/anything"},
};
constexpr std::size_t n_requests = sizeof requests / sizeof requests[0];

// The baseline: every pattern tested in turn, the most specific match kept.
std::size_t linear_scan(const Router& r, const Request& q) {
    const wire::http::detail::Pattern* best = nullptr;
    std::size_t best_id = static_cast<std::size_t>(-1);
    const std::string_view host = wire::http::strip_port(q.host);
    for (int with_host = 1; with_host >= 0 && !best; --with_host) {
        for (std::size_t i = 0; i < r.size(); ++i) {
            const auto& p = r.pattern(i);
            if (p.host.empty() == (with_host == 1)) continue;
            if (!p.matches_host(host) || !p.matches_method(q.method) || !p.matches_path(q.path)) {
                continue;
            }
            if (!best || wire::http::detail::compare(p, *best) ==
                             wire::http::detail::Relation::more_specific) {
                best = &p;
                best_id = i;
            }
        }
    }
    return best_id;
}

template <typename F>
double ns_per_call(F&& f, std::size_t iterations) {
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < iterations; ++i)
        f(i);
    const auto end = std::chrono::steady_clock::now();
    return std::chrono::duration<double, std::nano>(end - start).count() /
           static_cast<double>(iterations);
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// Scaling: the same two lookups with ten times the routes (100 services x 4 routes each). The
// tree's cost follows the path's depth, the scan's the number of patterns.
void scaling_row(int runs, std::size_t& sink) {
    Router big;
    std::vector<std::string> paths;
    for (int i = 0; i < 100; ++i) {
        const std::string svc = "/api/svc" + std::to_string(i);
        (void)big.add("GET " + svc + "/items/{id}");
        (void)big.add("POST " + svc + "/items");
        (void)big.add("GET " + svc + "/items/{id}/history/{rest...}");
        (void)big.add("DELETE " + svc + "/items/{id}");
        paths.push_back(svc + "/items/" + std::to_string(i * 7));
    }
    RouteMatch m;
    std::vector<double> tree, scan;
    for (int run = 0; run < runs; ++run) {
        tree.push_back(ns_per_call(
            [&](std::size_t i) {
                big.match("GET", "", paths[i % paths.size()], m);
                sink += m.route();
            },
            500'000));
        scan.push_back(ns_per_call(
            [&](std::size_t i) {
                sink += linear_scan(big, {"GET", "", paths[i % paths.size()].c_str()});
            },
            20'000));
    }
    const double t = median(tree), s = median(scan);
    std::printf("routes %zu (100 services), GET /api/svcN/items/{id}\n", big.size());
    std::printf("%-34s %10.1f %8.2f\n", "wire Router (tree walk)", t, 1.0);
    std::printf("%-34s %10.1f %8.2f\n", "linear scan, same patterns", s, s / t);
}

}  // namespace

int main(int argc, char** argv) {
    const int runs = argc > 1 ? std::atoi(argv[1]) : 5;
    Router router;
    for (const char* p : routes)
        (void)router.add(p);
    RouteMatch m;
    std::size_t sink = 0;
    for (const Request& q : requests)
        router.match(q.method, q.host, q.path, m);  // warm up

    const char* iter_env = std::getenv("ROUTER_BENCH_ITERATIONS");  // small under callgrind
    const std::size_t iterations = iter_env ? std::strtoul(iter_env, nullptr, 10) : 2'000'000;
    std::vector<double> tree, scan;
    tree.reserve(static_cast<std::size_t>(runs));
    scan.reserve(static_cast<std::size_t>(runs));
    // ROUTER_BENCH_ONLY=tree|scan runs one side alone, so callgrind can count its instructions.
    const char* only_env = std::getenv("ROUTER_BENCH_ONLY");
    const std::string only = only_env ? only_env : "";
    const int tree_runs = only == "scan" ? 0 : runs;
    const int scan_runs = only == "tree" ? 0 : runs;
    const std::size_t before = g_allocations;
    for (int run = 0; run < tree_runs; ++run) {
        tree.push_back(ns_per_call(
            [&](std::size_t i) {
                const Request& q = requests[i % n_requests];
                router.match(q.method, q.host, q.path, m);
                sink += m.route();
            },
            iterations));
    }
    const std::size_t allocations = g_allocations - before;
    for (int run = 0; run < scan_runs; ++run) {
        scan.push_back(ns_per_call(
            [&](std::size_t i) { sink += linear_scan(router, requests[i % n_requests]); },
            iterations / 4));
    }
    if (!only.empty()) return static_cast<int>(sink & 1) + 2;  // counted from outside
    if (std::getenv("ROUTER_BENCH_EACH")) {                    // per-request cost, for profiling
        for (const Request& q : requests) {
            const double ns = ns_per_call(
                [&](std::size_t) {
                    router.match(q.method, q.host, q.path, m);
                    sink += m.route();
                },
                iterations / 10);
            std::printf("  %6.1f ns  %s %s %s\n", ns, q.method, q.host, q.path);
        }
    }
    const double t = median(tree), s = median(scan);
    std::printf("routes %zu, request mix %zu (match, 404, 405, host, multi), median of %d runs\n",
                router.size(), n_requests, runs);
    std::printf("%-34s %10s %8s\n", "router", "ns/match", "x wire");
    std::printf("%-34s %10.1f %8.2f\n", "wire Router (tree walk)", t, 1.0);
    std::printf("%-34s %10.1f %8.2f\n", "linear scan, same patterns", s, s / t);
    std::printf("heap allocations in %zu warm matches: %zu\n",
                iterations * static_cast<std::size_t>(runs), allocations);
    scaling_row(runs, sink);
    return sink == 42 ? 1 : 0;  // keeps the loops from being optimised away
}
