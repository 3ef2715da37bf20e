// Finding the demo's files whether it runs from the repository (make run), from the build
// directory, or from anywhere with WIRE_DEMO_ROOT set.
#include <cstdlib>
#include <system_error>
#include <vector>

#include "demo.hpp"

namespace demo {

namespace fs = std::filesystem;

fs::path find_repo_dir(const std::string& relative) {
    std::vector<fs::path> roots;
    if (const char* root = std::getenv("WIRE_DEMO_ROOT")) roots.emplace_back(root);
    std::error_code ec;
    // /proc/self/exe names the binary even when it was started through a relative path.
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) roots.push_back(exe.parent_path() / ".." / "..");  // build/examples/demo
    roots.push_back(fs::current_path(ec));
    for (const auto& root : roots) {
        const fs::path candidate = root / relative;
        if (fs::is_directory(candidate, ec)) return fs::canonical(candidate, ec);
    }
    return {};
}

}  // namespace demo
