// wire's HeadParser + BodyReader in the shared parser benchmark (../shared/bench/parser/).
// bench/bench-parser.sh builds it against build/libwire_http.a with the kit's command line:
//   g++ -O2 -std=c++20 -I. -I../shared/bench/parser bench/parser_adapter.cpp build/libwire_http.a
// It also counts heap allocations per request: `parserbench-wire-O2 --count-allocs`.
// (The Makefile's generic bench rule compiles it too; without the kit beside the checkout that
// build is a stub that points here.)
#if __has_include("parserbench.hpp")
#include "parserbench.hpp"
#elif __has_include("../shared/bench/parser/parserbench.hpp")
#include "../shared/bench/parser/parserbench.hpp"
#else
#define WIRE_NO_PARSERBENCH
#endif

#ifdef WIRE_NO_PARSERBENCH
#include <cstdio>
int main() {
    std::fputs("parser_adapter: build it with bench/bench-parser.sh (needs ../shared/bench)\n",
               stderr);
    return 2;
}
#else
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include "http/body_reader.hpp"
#include "http/parser.hpp"

namespace {

std::size_t g_allocations = 0;

// One field array for every request, as a server keeps one per connection.
std::array<wire::http::Field, 64> g_fields;

std::size_t parse_one(const char* buf, std::size_t len, Parsed& out) {
    using namespace wire::http;
    HeadParser parser(HeadParser::Kind::request, g_fields);
    const ParseResult r = parser.parse({buf, len});
    if (!r.done()) return 0;
    const MessageHead& head = parser.head();
    out.method = head.method;
    out.target = head.target;
    out.nheaders = head.fields.size();
    std::size_t used = r.consumed;
    if (head.framing != Framing::none) {
        BodyReader body;
        body.start(head);
        while (!body.done()) {
            const BodyResult b = body.read({buf + used, len - used});
            if (b.failed() || b.consumed == 0) return 0;
            out.body_len += b.data.size();
            used += b.consumed;
        }
    }
    return used;
}

int count_allocations() {
    const auto corpus = bench_corpus();
    std::size_t requests = 0;
    const std::size_t before = g_allocations;
    for (int i = 0; i < 1000; ++i) {
        for (const auto& r : corpus) {
            Parsed p;
            if (parse_one(r.data.data(), r.data.size(), p) != r.data.size()) return 1;
            ++requests;
        }
    }
    std::printf("ALLOCS parser=wire requests=%zu heap_allocations=%zu per_request=%.3f\n", requests,
                g_allocations - before, double(g_allocations - before) / double(requests));
    return 0;
}

}  // namespace

void* operator new(std::size_t n) {
    ++g_allocations;
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}

int main(int argc, char** argv) {
    if (argc > 1 && std::strcmp(argv[1], "--count-allocs") == 0) return count_allocations();
    return run_parser_bench("wire", parse_one, argc, argv);
}
#endif  // WIRE_NO_PARSERBENCH
