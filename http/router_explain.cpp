// Router::explain: the routing decision told in words, for learners (ServeMux::explain).
#include <string>

#include "http/detail/pattern_relation.hpp"
#include "http/router.hpp"

namespace wire::http {
namespace {

void quoted(std::string& out, std::string_view s) {
    out.push_back('"');
    out.append(s);
    out.push_back('"');
}

// Why `loser`, whose path also matches, did not win against `winner` (both fully match).
void why_lost(std::string& out, const detail::Pattern& winner, const detail::Pattern& loser) {
    if (!winner.host.empty() && loser.host.empty()) {
        out += "a pattern naming the host wins over one without a host";
        return;
    }
    out += "the winner is more specific (its methods are ";
    out += detail::relation_name(detail::compare_methods(winner, loser));
    out += ", its path is ";
    out += detail::relation_name(detail::compare_paths(winner, loser));
    out += ")";
}

void describe_outcome(std::string& out, const RouteMatch& m) {
    switch (m.outcome()) {
        case RouteMatch::Outcome::matched:
            out += "matched ";
            quoted(out, m.pattern());
            out += " (route " + std::to_string(m.route()) + ")";
            for (const PathValue& v : m.path_values()) {
                out += ", ";
                out.append(v.name).append("=");
                quoted(out, v.value);
            }
            break;
        case RouteMatch::Outcome::redirect:
            out += "301 redirect to ";
            quoted(out, m.redirect_path());
            out += " (the subtree with a trailing slash is registered; the caller keeps the query)";
            break;
        case RouteMatch::Outcome::method_not_allowed:
            out += "405 Method Not Allowed, Allow: ";
            out.append(m.allow());
            break;
        case RouteMatch::Outcome::not_found:
            out += "404 Not Found: no pattern matches this host and path";
            break;
    }
}

}  // namespace

std::string Router::explain(std::string_view method, std::string_view host,
                            std::string_view path) const {
    RouteMatch m;
    match(method, host, path, m);
    const std::string_view bare_host = strip_port(host);
    std::string out = "request ";
    out.append(method).append(" ").append(host.empty() ? "(no host)" : host).append(" ");
    out.append(path).append("\n  -> ");
    describe_outcome(out, m);
    out += "\n";
    const bool matched = m.outcome() == RouteMatch::Outcome::matched;
    for (std::size_t i = 0; i < patterns_.size(); ++i) {
        const detail::Pattern& p = patterns_[i];
        if ((matched && i == m.route()) || !p.matches_path(path)) continue;
        out += "  lost ";
        quoted(out, p.text);
        out += ": ";
        if (!p.matches_host(bare_host)) {
            out += "it is for host ";
            quoted(out, p.host);
        } else if (!p.matches_method(method)) {
            out += "it does not accept method ";
            out.append(method);
        } else if (matched) {
            why_lost(out, patterns_[m.route()], p);
        } else {
            out += "it matches only as a subtree, and the redirect to the exact subtree wins";
        }
        out += "\n";
    }
    return out;
}

}  // namespace wire::http
