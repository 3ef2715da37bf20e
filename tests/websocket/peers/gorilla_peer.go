// Interop peer for tests/websocket/interop_test.cpp, built on gorilla/websocket (Debian
// golang-github-gorilla-websocket-dev; GO111MODULE=off GOPATH=/usr/share/gocode go build).
//
//	gorilla_peer server       echo server on 127.0.0.1:<free port>; prints "PORT <n>"
//	gorilla_peer client URL   runs the exchange below against URL; prints "OK" or "FAIL ..."
//	gorilla_peer deflate-server / deflate-client URL: the same with EnableCompression
//	(permessage-deflate without context takeover), messages of 0 B to 16 MiB
//	gorilla_peer deflate-frag-client URL: compressed messages written through NextWriter in
//	pieces, which leave as fragments each time the 1 KiB write buffer fills
package main

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

func serve(compress bool) {
	upgrader := websocket.Upgrader{Subprotocols: []string{"chat"}, EnableCompression: compress}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		c, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		c.SetReadLimit(64 << 20)
		for {
			mt, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			if c.WriteMessage(mt, msg) != nil {
				return
			}
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("FAIL", err)
		os.Exit(1)
	}
	fmt.Printf("PORT %d\n", ln.Addr().(*net.TCPAddr).Port)
	http.Serve(ln, nil)
}

func fail(format string, args ...interface{}) {
	fmt.Println("FAIL " + fmt.Sprintf(format, args...))
	os.Exit(1)
}

func client(url string) {
	d := websocket.Dialer{Subprotocols: []string{"chat"}, HandshakeTimeout: 5 * time.Second}
	c, _, err := d.Dial(url, nil)
	if err != nil {
		fail("dial: %v", err)
	}
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	if c.Subprotocol() != "chat" {
		fail("subprotocol %q", c.Subprotocol())
	}
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	cases := []struct {
		mt   int
		data []byte
	}{
		{websocket.TextMessage, []byte("hello")},
		{websocket.TextMessage, []byte("h\u00e9llo \U0001f600")},
		{websocket.BinaryMessage, all},
		{websocket.TextMessage, []byte(strings.Repeat("x", 100000))},
		{websocket.BinaryMessage, make([]byte, 70000)},
		{websocket.TextMessage, []byte{}},
	}
	for i, k := range cases {
		if err := c.WriteMessage(k.mt, k.data); err != nil {
			fail("write %d: %v", i, err)
		}
		mt, got, err := c.ReadMessage()
		if err != nil || mt != k.mt || !bytes.Equal(got, k.data) {
			fail("echo mismatch at case %d: %v", i, err)
		}
	}
	pong := make(chan string, 1)
	c.SetPongHandler(func(s string) error { pong <- s; return nil })
	c.WriteControl(websocket.PingMessage, []byte("ping!"), time.Now().Add(time.Second))
	c.WriteMessage(websocket.TextMessage, []byte("after ping"))
	if _, _, err := c.ReadMessage(); err != nil {
		fail("read after ping: %v", err)
	}
	select {
	case s := <-pong:
		if s != "ping!" {
			fail("pong payload %q", s)
		}
	default:
		fail("no pong before the next message")
	}
	msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "bye")
	c.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
	_, _, err = c.ReadMessage()
	if !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		fail("close echo: %v", err)
	}
	c.Close()
	fmt.Println("OK")
}

// JSON-like text of n bytes: compresses as real traffic does.
func jsonLike(n int) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "{\"id\":%d,\"name\":\"user%d\",\"active\":%t},", i, i%97, i%3 != 0)
	}
	return b.Bytes()[:n]
}

var deflateSizes = []int{0, 1, 125, 126, 65535, 65536, 1 << 20, 16 << 20}

func deflateClient(url string) {
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second, EnableCompression: true}
	c, resp, err := d.Dial(url, nil)
	if err != nil {
		fail("dial: %v", err)
	}
	if !strings.Contains(resp.Header.Get("Sec-WebSocket-Extensions"), "permessage-deflate") {
		fail("permessage-deflate not negotiated: %q", resp.Header.Get("Sec-WebSocket-Extensions"))
	}
	c.SetReadLimit(64 << 20)
	c.SetReadDeadline(time.Now().Add(60 * time.Second))
	for _, n := range deflateSizes {
		for _, mt := range []int{websocket.TextMessage, websocket.BinaryMessage} {
			data := jsonLike(n)
			if err := c.WriteMessage(mt, data); err != nil {
				fail("write %d: %v", n, err)
			}
			gotType, got, err := c.ReadMessage()
			if err != nil || gotType != mt || !bytes.Equal(got, data) {
				fail("echo mismatch at %d bytes: %v", n, err)
			}
		}
	}
	msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "bye")
	c.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
	_, _, err = c.ReadMessage()
	if !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		fail("close echo: %v", err)
	}
	c.Close()
	fmt.Println("OK")
}

// Bytes that do not compress (a linear congruential sequence): many frames after deflate.
func noise(n int) []byte {
	b := make([]byte, n)
	x := uint32(12345)
	for i := range b {
		x = x*1103515245 + 12345
		b[i] = byte(x >> 24)
	}
	return b
}

func deflateFragClient(url string) {
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second, EnableCompression: true,
		WriteBufferSize: 1024}
	c, _, err := d.Dial(url, nil)
	if err != nil {
		fail("dial: %v", err)
	}
	c.SetReadLimit(64 << 20)
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	cases := []struct {
		mt   int
		data []byte
	}{
		{websocket.TextMessage, jsonLike(200000)},
		{websocket.BinaryMessage, noise(300000)},
		{websocket.TextMessage, []byte("h\u00e9llo \U0001f600")},
	}
	for i, k := range cases {
		w, err := c.NextWriter(k.mt)
		if err != nil {
			fail("next writer %d: %v", i, err)
		}
		for at := 0; at < len(k.data); at += 3000 {
			end := at + 3000
			if end > len(k.data) {
				end = len(k.data)
			}
			if _, err := w.Write(k.data[at:end]); err != nil {
				fail("write %d: %v", i, err)
			}
		}
		if err := w.Close(); err != nil {
			fail("close writer %d: %v", i, err)
		}
		mt, got, err := c.ReadMessage()
		if err != nil || mt != k.mt || !bytes.Equal(got, k.data) {
			fail("echo mismatch at case %d: %v", i, err)
		}
	}
	msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "bye")
	c.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
	_, _, err = c.ReadMessage()
	if !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		fail("close echo: %v", err)
	}
	c.Close()
	fmt.Println("OK")
}

func main() {
	switch os.Args[1] {
	case "server":
		serve(false)
	case "deflate-server":
		serve(true)
	case "deflate-client":
		deflateClient(os.Args[2])
	case "deflate-frag-client":
		deflateFragClient(os.Args[2])
	default:
		client(os.Args[2])
	}
}
