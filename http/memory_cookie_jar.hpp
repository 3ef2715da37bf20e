// MemoryCookieJar: an in-memory RFC 6265 cookie store for a Client, Go's net/http/cookiejar.
//
//   auto jar = std::make_shared<wire::http::MemoryCookieJar>();
//   client.jar = jar;              // Set-Cookie from every response (redirects too) is kept,
//   client.get(url);               // and the matching cookies go out with every request
//
// What it implements, each rule beside its code in memory_cookie_jar.cpp:
// - storage keyed by (domain, path, name) (RFC 6265 §5.3 step 11): a new cookie replaces the old
//   one of the same key and keeps its creation time;
// - host-only cookies (no Domain attribute) go back only to the host that set them; domain
//   cookies to that domain and its subdomains (§5.3 step 6, §5.4 step 1). A Domain attribute the
//   request host does not domain-match (§5.1.3) is refused, as is one naming another IP address;
// - Path, or the default-path of the request (§5.1.4), and path-match when sending;
// - Max-Age over Expires (§5.3 step 3); Max-Age <= 0 or an Expires in the past deletes the
//   cookie; a cookie with neither lives as long as the jar (a "session" cookie);
// - Secure cookies only sent to https:// URLs (§5.4 step 1);
// - the Cookie field's order: longer paths first, then earlier creation (§5.4 step 2).
//
// Public suffixes (§5.3 step 5). Without a PublicSuffixList (the default, as Go's nil
// PublicSuffixList), a server may set a cookie for any parent domain of its host, even a public
// suffix: www.example.co.uk may set Domain=co.uk. What limits the damage is how cookies are
// filed (Go's jarKey): under the request host's last two labels ("example.com", "co.uk"), and
// only looked up under the same key. So Domain=com set by example.com never reaches other.com
// (key "other.com"), but Domain=co.uk set by a.co.uk does reach b.co.uk (both key "co.uk").
// A jar for browsing arbitrary sites should be given a real list (publicsuffix.org).
//
// Limits (RFC 6265 §6.1, which asks for at least 4096 bytes per cookie, 50 cookies per domain
// and 3000 in all; the defaults are the larger figures browsers use): a cookie whose name and
// value exceed max_cookie_bytes is ignored; past max_cookies_per_domain (per jar key, below) or
// max_cookies, §5.3's eviction removes expired cookies first, then the least recently used
// (created, replaced or sent). A hostile server cannot make the jar grow without bound.
//
// Not implemented: SameSite (RFC 6265bis: there are no "sites" for a Client), and IDNA (hosts
// must be A-labels, "xn--...").
// HttpOnly cookies are sent: the Client is an HTTP API (§5.4 step 1).
//
// Thread safety: every call takes one mutex; share a jar between threads and Clients freely.
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "http/cookie.hpp"
#include "http/cookie_jar.hpp"

namespace wire::http {

// Go's cookiejar.PublicSuffixList: which domains are public suffixes, under which anyone may
// register names ("com", "co.uk", "github.io"), so that no cookie can be set for all of them.
class PublicSuffixList {
  public:
    virtual ~PublicSuffixList() = default;
    // The public suffix of `domain` (canonical: lower case, no final dot): "com" for
    // "www.example.com", "co.uk" for "www.example.co.uk", `domain` itself when it is one.
    // "" means "not known": the domain is then not treated as a public suffix.
    [[nodiscard]] virtual std::string public_suffix(std::string_view domain) const = 0;
};

struct CookieJarOptions {
    // Null: no list (see above).
    std::shared_ptr<const PublicSuffixList> public_suffixes;
    // Where "now" comes from, for expiry; null means std::chrono::system_clock::now. Tests
    // move it by hand.
    std::function<std::chrono::system_clock::time_point()> clock;
    // Limits (see above). A cookie's size is its name's and value's length.
    std::size_t max_cookie_bytes = 4096;
    std::size_t max_cookies_per_domain = 180;
    std::size_t max_cookies = 3300;
};

class MemoryCookieJar final : public CookieJar {
  public:
    explicit MemoryCookieJar(CookieJarOptions options = {});

    // RFC 6265 §5.3: stores, replaces or deletes each cookie received for `url`. Cookies for a
    // URL that is not http:// or https:// with a host, and cookies §5.3 says to ignore, are
    // dropped silently (the server is not told, as with a browser). Each Cookie is as
    // parse_set_cookie leaves it: in particular `domain` has lost its one leading "."
    // (RFC 6265 §5.2.3), so a hand-made Cookie must not have one either.
    void set_cookies(std::string_view url, std::span<const Cookie> cookies) override;
    // RFC 6265 §5.4: the cookies to send to `url`, in Cookie-field order, with name, value and
    // quoted set (as Go's Jar.Cookies).
    [[nodiscard]] std::vector<Cookie> cookies(std::string_view url) override;

    // How many cookies are stored, expired ones not yet dropped included.
    [[nodiscard]] std::size_t size() const;

  private:
    struct Entry {
        std::string name, value;
        std::string domain;  // canonical; the request host itself for a host-only cookie
        std::string path;
        std::time_t expires = 0;  // meaningful when persistent
        std::chrono::system_clock::time_point creation;
        std::chrono::system_clock::time_point last_access;  // for eviction (§5.3, §5.4 step 3)
        std::uint64_t seq = 0;  // breaks creation-time ties: the order cookies were created
        bool host_only = false, persistent = false, secure = false, quoted = false;
    };
    enum class Outcome : std::uint8_t { store, remove, ignore };

    [[nodiscard]] std::chrono::system_clock::time_point now() const;
    [[nodiscard]] std::string jar_key(std::string_view host) const;
    Outcome make_entry(const Cookie& c, std::string_view host, std::string_view default_path,
                       std::time_t now, Entry& e) const;
    bool set_domain(std::string_view host, std::string_view domain, Entry& e) const;
    using Bucket = std::map<std::string, Entry>;
    void store(Bucket& bucket, std::string id, Entry e, std::chrono::system_clock::time_point at);
    void evict(std::time_t now_t, std::string_view only_key, std::string_view in_use);

    CookieJarOptions options_;
    mutable std::mutex mu_;
    // jar key (see above) -> "domain;path;name" -> cookie.
    std::map<std::string, Bucket, std::less<>> entries_;
    std::size_t count_ = 0;  // cookies in entries_
    std::uint64_t next_seq_ = 0;
};

}  // namespace wire::http
