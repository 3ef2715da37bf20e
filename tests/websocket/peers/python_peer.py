#!/usr/bin/python3
# Interop peer for tests/websocket/interop_test.cpp, built on python3-websockets (Debian).
#   python_peer.py server        echo server on 127.0.0.1:<free port>; prints "PORT <n>"
#   python_peer.py client URL    runs the exchange below against URL; prints "OK" or "FAIL ..."
#   python_peer.py deflate-server / deflate-client URL: the same with the library's default
#   permessage-deflate (12-bit windows), messages of 0 B to 16 MiB, and (client) one in fragments
#   python_peer.py deflate-frag-client URL: compressed messages sent in fragments (send() of an
#   iterable), some empty, texts with multi-byte characters at the fragments' edges, each echo
#   compared
#   python_peer.py echo-client URL: offers permessage-deflate, echoes every message (its type
#   kept) until the server closes; OK when that close is 1000
import asyncio
import sys

import websockets


async def echo(ws, path=None):
    try:
        async for message in ws:
            await ws.send(message)
    except websockets.ConnectionClosed:
        pass


async def serve():
    async with websockets.serve(echo, "127.0.0.1", 0, subprotocols=["chat"],
                                max_size=None, compression=None) as server:
        port = server.sockets[0].getsockname()[1]
        print("PORT", port, flush=True)
        await asyncio.Future()


async def client(url):
    async with websockets.connect(url, subprotocols=["chat"], max_size=None,
                                  compression=None) as ws:
        if ws.subprotocol != "chat":
            return "subprotocol " + str(ws.subprotocol)
        cases = ["hello", "h\u00e9llo \U0001f600", bytes(range(256)), "x" * 100000,
                 bytes(70000), ""]
        for sent in cases:
            await ws.send(sent)
            got = await ws.recv()
            if got != sent or type(got) != type(sent):
                return "echo mismatch for a %s of %d" % (type(sent).__name__, len(sent))
        pong = await ws.ping(b"ping!")
        await asyncio.wait_for(pong, 5)
        await ws.close(1000, "bye")
        if ws.close_code != 1000:
            return "close code %s" % ws.close_code
    return "OK"


def json_like(n):
    parts, size, i = [], 0, 0
    while size < n:
        part = '{"id":%d,"name":"user%d","active":%s},' % (i, i % 97, "true" if i % 3 else "false")
        parts.append(part)
        size += len(part)
        i += 1
    return "".join(parts)[:n]


async def deflate_serve():
    async with websockets.serve(echo, "127.0.0.1", 0, max_size=None) as server:
        port = server.sockets[0].getsockname()[1]
        print("PORT", port, flush=True)
        await asyncio.Future()


async def deflate_client(url):
    async with websockets.connect(url, max_size=None) as ws:
        answer = ws.response_headers.get("Sec-WebSocket-Extensions", "")
        if "permessage-deflate" not in answer:
            return "not negotiated: " + answer
        for n in [0, 1, 125, 126, 65535, 65536, 1 << 20, 16 << 20]:
            for sent in (json_like(n), json_like(n).encode()):
                await ws.send(sent)
                got = await ws.recv()
                if got != sent or type(got) != type(sent):
                    return "echo mismatch for a %s of %d" % (type(sent).__name__, len(sent))
        # One compressed message in fragments (RSV1 on the first frame only, RFC 7692 §6.1).
        text = json_like(70000)
        await ws.send([text[i:i + 7000] for i in range(0, len(text), 7000)])
        if await ws.recv() != text:
            return "echo mismatch for a fragmented message"
        await ws.close(1000, "bye")
        if ws.close_code != 1000:
            return "close code %s" % ws.close_code
    return "OK"


def noise(n):
    # Bytes that do not compress (a linear congruential sequence).
    out, x = bytearray(n), 12345
    for i in range(n):
        x = (x * 1103515245 + 12345) & 0x7fffffff
        out[i] = x >> 16 & 0xff
    return bytes(out)


async def deflate_frag_client(url):
    cases = [
        [json_like(200000)[i:i + 16384] for i in range(0, 200000, 16384)],
        [noise(100000)[i:i + 30000] for i in range(0, 100000, 30000)],
        # A text's fragments (send() encodes each str piece whole): multi-byte characters at
        # their edges.
        ["h\u00e9", "\u00e9llo \U0001f600", "\U0001f600", " \u00fcber"],
        [b"abc", b"", b"def"],
        ["", json_like(5000)],
    ]
    async with websockets.connect(url, max_size=None) as ws:
        answer = ws.response_headers.get("Sec-WebSocket-Extensions", "")
        if "permessage-deflate" not in answer:
            return "not negotiated: " + answer
        for pieces in cases:
            await ws.send(pieces)
            got = await ws.recv()
            sent = pieces[0][:0].join(pieces)
            if got != sent or type(got) != type(sent):
                return "echo mismatch for a %s of %d" % (type(sent).__name__, len(sent))
        await ws.close(1000, "bye")
        if ws.close_code != 1000:
            return "close code %s" % ws.close_code
    return "OK"


async def echo_client(url):
    async with websockets.connect(url, max_size=None) as ws:
        try:
            async for message in ws:
                await ws.send(message)
        except websockets.ConnectionClosed:
            pass
        if ws.close_code != 1000:
            return "close code %s" % ws.close_code
    return "OK"


def run_client(coroutine, seconds):
    result = asyncio.run(asyncio.wait_for(coroutine, seconds))
    print(result if result == "OK" else "FAIL " + result, flush=True)
    sys.exit(0 if result == "OK" else 1)


def main():
    if sys.argv[1] == "server":
        asyncio.run(serve())
    elif sys.argv[1] == "deflate-server":
        asyncio.run(deflate_serve())
    elif sys.argv[1] == "deflate-frag-client":
        run_client(deflate_frag_client(sys.argv[2]), 20)
    elif sys.argv[1] == "echo-client":
        run_client(echo_client(sys.argv[2]), 20)
    elif sys.argv[1] == "deflate-client":
        result = asyncio.run(asyncio.wait_for(deflate_client(sys.argv[2]), 60))
        print(result if result == "OK" else "FAIL " + result, flush=True)
        sys.exit(0 if result == "OK" else 1)
    else:
        result = asyncio.run(asyncio.wait_for(client(sys.argv[2]), 20))
        print(result if result == "OK" else "FAIL " + result, flush=True)
        sys.exit(0 if result == "OK" else 1)


main()
