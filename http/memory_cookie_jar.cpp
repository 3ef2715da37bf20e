#include "http/memory_cookie_jar.hpp"

#include <algorithm>
#include <utility>

#include "http/detail/chars.hpp"
#include "http/detail/cookie_match.hpp"
#include "http/url.hpp"

namespace wire::http {
namespace {

// Max-Age beyond this is held as this (about 1,000 years): the jar must not overflow time_t
// adding it to now, and no cookie outlives the program anyway.
constexpr long kMaxAgeCap = 1000L * 366 * 24 * 3600;

// What a URL tells the jar: the canonical host, the path and whether it is https.
struct Target {
    std::string host;
    std::string_view path;
    bool secure = false;
};

// False for anything but an http:// or https:// URL with a host (Go's jar ignores the rest).
bool target_of(std::string_view url, Target& t) {
    UrlView u;
    if (parse_url(url, u)) return false;
    const bool http = detail::iequals(u.scheme, "http");
    t.secure = detail::iequals(u.scheme, "https");
    if (!http && !t.secure) return false;
    t.host = detail::canonical_host(u.host);
    t.path = u.path;
    return !t.host.empty();
}

}  // namespace

MemoryCookieJar::MemoryCookieJar(CookieJarOptions options) : options_(std::move(options)) {}

std::chrono::system_clock::time_point MemoryCookieJar::now() const {
    return options_.clock ? options_.clock() : std::chrono::system_clock::now();
}

// Which bucket a host's cookies are filed under: its registrable domain ("eTLD+1") when a public
// suffix list knows it, otherwise its last two labels; an IP address is its own bucket. Every
// host a cookie may go to shares the bucket of the host that set it (see the header).
std::string MemoryCookieJar::jar_key(std::string_view host) const {
    if (detail::is_ip_address(host)) return std::string(host);
    std::size_t i = 0;  // where the public suffix starts
    if (options_.public_suffixes) {
        const std::string suffix = options_.public_suffixes->public_suffix(host);
        if (suffix == host) return std::string(host);
        i = host.size() - std::min(host.size(), suffix.size());
        if (i == 0 || host[i - 1] != '.') return std::string(host);
    } else {
        i = host.rfind('.');
        if (i == std::string_view::npos || i == 0) return std::string(host);
        ++i;
    }
    // One more label to the left of the suffix.
    const std::size_t prev = host.substr(0, i - 1).rfind('.');
    return std::string(host.substr(prev == std::string_view::npos ? 0 : prev + 1));
}

// RFC 6265 §5.3 steps 4-6: the cookie's domain and host-only flag from its Domain attribute
// (parse_set_cookie lower-cases it and drops a leading "."). False: ignore the cookie.
bool MemoryCookieJar::set_domain(std::string_view host, std::string_view domain, Entry& e) const {
    // Step 6, "otherwise": no Domain attribute makes a host-only cookie.
    if (domain.empty()) {
        e.domain = host, e.host_only = true;
        return true;
    }
    // Why: parse_set_cookie already dropped the one leading "." RFC 6265 §5.2.3 ignores;
    // another one, or a final one, leaves no valid domain name (Go: errMalformedDomain).
    if (domain.front() == '.' || domain.back() == '.') return false;
    std::string d = detail::canonical_host(domain);
    if (detail::is_ip_address(host)) {
        // §5.1.3: an IP address domain-matches only itself; kept host-only, as Go.
        if (d != host) return false;
        e.domain = host, e.host_only = true;
        return true;
    }
    // Step 5: a Domain that is a public suffix is only acceptable from that very host, and then
    // as a host-only cookie.
    if (options_.public_suffixes) {
        const std::string ps = options_.public_suffixes->public_suffix(d);
        if (!ps.empty() && !detail::has_dot_suffix(d, ps)) {
            if (d != host) return false;
            e.domain = host, e.host_only = true;
            return true;
        }
    }
    // Step 6: why: a server may only set cookies for its own host and the domains above it.
    if (!detail::domain_match(host, d)) return false;
    e.domain = std::move(d), e.host_only = false;
    return true;
}

// RFC 6265 §5.3 steps 2-9 for one cookie: the entry to store, or remove (an expiry in the past),
// or ignore (a Domain the host may not set).
MemoryCookieJar::Outcome MemoryCookieJar::make_entry(const Cookie& c, std::string_view host,
                                                     std::string_view default_path,
                                                     std::time_t now_t, Entry& e) const {
    // Why: a nameless cookie could not be sent back (cookie-name is a token, §4.1.1).
    if (c.name.empty()) return Outcome::ignore;
    if (!set_domain(host, c.domain, e)) return Outcome::ignore;
    e.name = c.name;  // with the domain and path: the key of the cookie to store or remove
    // Step 7: Path when it is one (parse_set_cookie keeps only values starting "/").
    e.path = !c.path.empty() && c.path.front() == '/' ? c.path : std::string(default_path);
    // Step 3: Max-Age wins over Expires; without either the cookie lives for the session.
    if (c.max_age < 0) return Outcome::remove;  // "Max-Age=0" or less: expire now
    if (c.max_age > 0) {
        e.persistent = true;
        e.expires = now_t + std::min(c.max_age, kMaxAgeCap);
    } else if (c.expires) {
        // §5.3 step 12 would store it already expired, and §5.3's eviction drop it: remove.
        if (*c.expires <= now_t) return Outcome::remove;
        e.persistent = true;
        e.expires = *c.expires;
    }
    e.value = c.value;
    e.quoted = c.quoted;
    e.secure = c.secure;  // step 8
    return Outcome::store;
}

void MemoryCookieJar::set_cookies(std::string_view url, std::span<const Cookie> cookies) {
    Target t;
    if (cookies.empty() || !target_of(url, t)) return;
    const std::string_view def_path = detail::default_path(t.path);
    const auto at = now();
    const std::time_t now_t = std::chrono::system_clock::to_time_t(at);
    const std::string key = jar_key(t.host);
    std::lock_guard lock(mu_);
    auto& bucket = entries_[key];
    for (const Cookie& c : cookies) {
        // §6.1: a cookie past the size limit is not stored (as browsers ignore it).
        if (c.name.size() + c.value.size() > options_.max_cookie_bytes) continue;
        Entry e;
        const Outcome outcome = make_entry(c, t.host, def_path, now_t, e);
        if (outcome == Outcome::ignore) continue;
        std::string id = e.domain + ";" + e.path + ";" + e.name;
        if (outcome == Outcome::remove) {
            count_ -= bucket.erase(id);
            continue;
        }
        store(bucket, std::move(id), std::move(e), at);
        if (bucket.size() > options_.max_cookies_per_domain) evict(now_t, key, key);
        if (count_ > options_.max_cookies) evict(now_t, {}, key);
    }
    if (bucket.empty()) entries_.erase(key);
}

void MemoryCookieJar::store(Bucket& bucket, std::string id, Entry e,
                            std::chrono::system_clock::time_point at) {
    e.last_access = at;
    // Step 11: replacing a cookie keeps its creation time (and so its place in the order).
    if (auto old = bucket.find(id); old != bucket.end()) {
        e.creation = old->second.creation, e.seq = old->second.seq;
        old->second = std::move(e);
        return;
    }
    e.creation = at, e.seq = next_seq_++;
    bucket.emplace(std::move(id), std::move(e));
    ++count_;
}

// §5.3, end: over a limit, evict expired cookies first, then the least recently used, until
// within the limit again: from the bucket of `only_key`, or from the whole jar when it is empty.
// Runs only when a limit is passed, so a linear scan is fine. Buckets left empty are dropped,
// but for `in_use`, which the caller holds.
void MemoryCookieJar::evict(std::time_t now_t, std::string_view only_key, std::string_view in_use) {
    const auto over = [&] {
        return only_key.empty()
                   ? count_ > options_.max_cookies
                   : entries_.find(only_key)->second.size() > options_.max_cookies_per_domain;
    };
    while (over()) {
        auto victim_bucket = entries_.end();
        Bucket::iterator victim;
        bool victim_expired = false;
        for (auto b = entries_.begin(); b != entries_.end(); ++b) {
            if (!only_key.empty() && b->first != only_key) continue;
            for (auto it = b->second.begin(); it != b->second.end(); ++it) {
                const Entry& e = it->second;
                const bool expired = e.persistent && e.expires <= now_t;
                const bool better =
                    victim_bucket == entries_.end() || (expired && !victim_expired) ||
                    (expired == victim_expired &&
                     (e.last_access < victim->second.last_access ||
                      (e.last_access == victim->second.last_access && e.seq < victim->second.seq)));
                if (better) victim_bucket = b, victim = it, victim_expired = expired;
            }
        }
        if (victim_bucket == entries_.end()) return;
        victim_bucket->second.erase(victim);
        --count_;
        if (victim_bucket->second.empty() && victim_bucket->first != in_use)
            entries_.erase(victim_bucket);
    }
}

std::vector<Cookie> MemoryCookieJar::cookies(std::string_view url) {
    Target t;
    if (!target_of(url, t)) return {};
    const std::string_view path = t.path.empty() ? std::string_view("/") : t.path;
    const auto at = now();
    const std::time_t now_t = std::chrono::system_clock::to_time_t(at);
    std::vector<Entry*> chosen;
    std::lock_guard lock(mu_);
    const auto bucket = entries_.find(jar_key(t.host));
    if (bucket == entries_.end()) return {};
    for (auto it = bucket->second.begin(); it != bucket->second.end();) {
        Entry& e = it->second;
        // §5.3: expired cookies are removed from the store.
        if (e.persistent && e.expires <= now_t) {
            it = bucket->second.erase(it);
            --count_;
            continue;
        }
        ++it;
        // §5.4 step 1: host-only cookies go to their host alone, domain cookies to the hosts
        // that domain-match; the path must path-match; Secure ones only over https.
        const bool domain_ok =
            e.host_only ? t.host == e.domain : detail::domain_match(t.host, e.domain);
        if (!domain_ok || !detail::path_match(path, e.path) || (e.secure && !t.secure)) continue;
        chosen.push_back(&e);
    }
    // §5.4 step 2: longer paths first; equal lengths, earlier creation first.
    std::sort(chosen.begin(), chosen.end(), [](const Entry* a, const Entry* b) {
        if (a->path.size() != b->path.size()) return a->path.size() > b->path.size();
        if (a->creation != b->creation) return a->creation < b->creation;
        return a->seq < b->seq;
    });
    std::vector<Cookie> out(chosen.size());
    for (std::size_t i = 0; i < chosen.size(); ++i) {
        chosen[i]->last_access = at;  // §5.4 step 3
        out[i].name = chosen[i]->name;
        out[i].value = chosen[i]->value;
        out[i].quoted = chosen[i]->quoted;
    }
    if (bucket->second.empty()) entries_.erase(bucket);
    return out;
}

std::size_t MemoryCookieJar::size() const {
    std::lock_guard lock(mu_);
    return count_;
}

}  // namespace wire::http
