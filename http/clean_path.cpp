#include "http/clean_path.hpp"

namespace wire::http {

std::string clean_path(std::string_view path) {
    if (path.empty()) return ".";
    const bool rooted = path[0] == '/';
    const std::size_t n = path.size();
    std::string out;
    out.reserve(n);
    std::size_t r = 0;
    // `floor` is how far ".." may remove: past the root, or past ".." elements already kept.
    std::size_t floor = 0;
    if (rooted) {
        out.push_back('/');
        r = 1;
        floor = 1;
    }
    while (r < n) {
        const bool at_end_1 = r + 1 == n || path[r + 1] == '/';
        if (path[r] == '/') {
            ++r;  // rule 1: an empty element
        } else if (path[r] == '.' && at_end_1) {
            ++r;  // rule 2: "."
        } else if (path[r] == '.' && path[r + 1] == '.' && (r + 2 == n || path[r + 2] == '/')) {
            r += 2;  // rule 3 and 4: ".."
            if (out.size() > floor) {
                // Remove the last element (and the slash before it).
                std::size_t w = out.size() - 1;
                while (w > floor && out[w] != '/')
                    --w;
                out.resize(w);
            } else if (!rooted) {
                // A relative path keeps leading "..": nothing to remove.
                if (!out.empty()) out.push_back('/');
                out += "..";
                floor = out.size();
            }
        } else {
            // A real element: add a separator unless at the start, then copy it.
            if ((rooted && out.size() != 1) || (!rooted && !out.empty())) out.push_back('/');
            while (r < n && path[r] != '/')
                out.push_back(path[r++]);
        }
    }
    if (out.empty()) return ".";
    return out;
}

}  // namespace wire::http
