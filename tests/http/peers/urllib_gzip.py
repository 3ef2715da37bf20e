"""Python's urllib with a gzip decoder, against a wire server behind gzip_handler.

urllib neither asks for nor decodes a content coding by itself. GzipDecoding below adds both, by
Go's Transport rules: Accept-Encoding: gzip only when the caller set none and the request is
neither HEAD nor a Range request, and the body decoded (as it is read, in pieces) only when this
handler asked. Each check prints why it failed; the last line is OK when all passed.

    python3 urllib_gzip.py http://127.0.0.1:PORT
The server serves /page (a compressible page), /small (under the minimum size) and /events (an
event, a flush, then a second event once /release was requested).
"""

import sys
import urllib.request
import zlib


class Decoded:
    """A response whose gzip body is inflated as it is read."""

    def __init__(self, response):
        self._response = response
        self._inflater = zlib.decompressobj(wbits=31)  # 31: gzip framing (RFC 1952)
        self._out = b""
        self.raw_bytes = 0  # gzip bytes read from the wire
        self.code = self.status = response.status
        self.msg = response.msg
        self.headers = response.headers
        self.decoded = True

    def info(self):
        return self.headers

    def read1(self):
        """The bytes the next piece of the stream inflates to (b"" at its end)."""
        while not self._out:
            raw = self._response.read1(4096)
            self.raw_bytes += len(raw)
            if not raw:
                self._out = self._inflater.flush()
                if not self._inflater.eof:
                    raise ValueError("truncated gzip stream")
                break
            self._out = self._inflater.decompress(raw)
        out, self._out = self._out, b""
        return out

    def read(self):
        parts = []
        while True:
            piece = self.read1()
            if not piece:
                return b"".join(parts)
            parts.append(piece)

    def close(self):
        self._response.close()


class GzipDecoding(urllib.request.BaseHandler):
    def http_request(self, request):
        asked = not request.has_header("Accept-encoding")
        asked = asked and request.get_method() != "HEAD" and not request.has_header("Range")
        if asked:
            request.add_unredirected_header("Accept-Encoding", "gzip")
        request.asked_gzip = asked
        return request

    def http_response(self, request, response):
        coding = response.headers.get("Content-Encoding", "").strip().lower()
        if getattr(request, "asked_gzip", False) and coding == "gzip":
            return Decoded(response)
        response.decoded = False
        return response


OPENER = urllib.request.build_opener(GzipDecoding())
FAILURES = []


def check(condition, what):
    if not condition:
        FAILURES.append(what)
        print("FAIL", what, flush=True)


def fetch(url, method="GET", headers=None):
    request = urllib.request.Request(url, method=method, headers=headers or {})
    return OPENER.open(request, timeout=10)


def main(base):
    # Identity, asked for by the caller: the handler leaves such a request alone.
    plain = fetch(base + "/page", headers={"Accept-Encoding": "identity"})
    page = plain.read()
    check(plain.headers.get("Content-Encoding") is None, "identity: no Content-Encoding")
    check(len(page) > 1024, "identity: the whole page")

    # The decoder at work: gzip asked for, the body inflated, Vary set.
    r = fetch(base + "/page")
    check(r.headers.get("Content-Encoding") == "gzip", "GET: Content-Encoding: gzip")
    check("Accept-Encoding" in (r.headers.get("Vary") or ""), "GET: Vary: Accept-Encoding")
    check(getattr(r, "decoded", False), "GET: decoded by GzipDecoding")
    check(r.read() == page, "GET: the decoded page equals the identity page")
    # The handler's length was the page's; a length on the wire can only be the gzip stream's.
    length = r.headers.get("Content-Length")
    check(length is None or int(length) == r.raw_bytes, "GET: Content-Length counts gzip bytes")

    # deflate (zlib framing, RFC 9110 §8.4.1.2) when only that is accepted.
    r = fetch(base + "/page", headers={"Accept-Encoding": "deflate"})
    check(r.headers.get("Content-Encoding") == "deflate", "deflate: Content-Encoding: deflate")
    check(zlib.decompress(r.read()) == page, "deflate: inflates to the page")

    # Refused codings (RFC 9110 §12.5.3): identity.
    r = fetch(base + "/page", headers={"Accept-Encoding": "gzip;q=0, identity"})
    check(r.headers.get("Content-Encoding") is None, "gzip;q=0: identity")
    check(r.read() == page, "gzip;q=0: the page")

    # HEAD: the decoder does not ask; asked explicitly, the header is GET's.
    r = fetch(base + "/page", method="HEAD")
    check(r.headers.get("Content-Encoding") is None, "HEAD without asking: identity")
    check(r.read() == b"", "HEAD: no body")
    r = fetch(base + "/page", method="HEAD", headers={"Accept-Encoding": "gzip"})
    check(r.headers.get("Content-Encoding") == "gzip", "HEAD, gzip asked: GET's coding")
    check(r.read() == b"", "HEAD, gzip asked: no body")

    # A Range request is answered uncompressed, even when gzip is accepted.
    r = fetch(base + "/page", headers={"Range": "bytes=0-99", "Accept-Encoding": "gzip"})
    check(r.headers.get("Content-Encoding") is None, "Range: not compressed")

    # Under the minimum size: identity, read as is.
    r = fetch(base + "/small")
    check(r.headers.get("Content-Encoding") is None, "small: identity")
    check(not getattr(r, "decoded", True), "small: not decoded")
    check(r.read().startswith(b"short"), "small: the body")

    # Streaming: the first event decodes before the server writes the second one.
    r = fetch(base + "/events")
    check(r.headers.get("Content-Encoding") == "gzip", "events: Content-Encoding: gzip")
    seen = b""
    while b"data: first\n\n" not in seen:
        piece = r.read1()
        if not piece:
            break
        seen += piece
    check(seen == b"data: first\n\n", "events: the first event alone, before the second")
    fetch(base + "/release").read()
    rest = r.read()
    check(rest == b"data: second\n\n", "events: the second event after the release")

    print("OK" if not FAILURES else "FAILED", flush=True)
    return 0 if not FAILURES else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
