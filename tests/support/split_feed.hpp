// Split-everywhere feeding (STYLE.md §15): a codec must give the same answer whether its input
// arrives whole, in two pieces cut at any point, or one byte at a time.
#pragma once

#include <string_view>
#include <vector>

namespace wire::test {

// Every way this helper cuts `input`: whole, each two-piece cut, then byte by byte.
// Each element is one delivery plan: the pieces in the order they are fed.
inline std::vector<std::vector<std::string_view>> all_splits(std::string_view input) {
    std::vector<std::vector<std::string_view>> plans;
    plans.push_back({input});
    for (std::size_t cut = 1; cut < input.size(); ++cut) {
        plans.push_back({input.substr(0, cut), input.substr(cut)});
    }
    std::vector<std::string_view> bytes;
    for (std::size_t i = 0; i < input.size(); ++i) bytes.push_back(input.substr(i, 1));
    if (input.size() > 1) plans.push_back(bytes);
    return plans;
}

// A short description of a plan for failure messages: "whole", "cut at 17", "byte by byte".
inline const char* describe_plan(const std::vector<std::string_view>& plan, std::size_t total) {
    if (plan.size() == 1) return "whole";
    if (plan.size() == 2 && total > 2) return "two pieces";
    return "byte by byte";
}

}  // namespace wire::test
