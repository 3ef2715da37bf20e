// Interop peer for tests/websocket/interop_test.cpp, built on gorilla/websocket (Debian
// golang-github-gorilla-websocket-dev; GO111MODULE=off GOPATH=/usr/share/gocode go build).
//   gorilla_peer server       echo server on 127.0.0.1:<free port>; prints "PORT <n>"
//   gorilla_peer client URL   runs the exchange below against URL; prints "OK" or "FAIL ..."
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

func serve() {
	upgrader := websocket.Upgrader{Subprotocols: []string{"chat"}}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		c, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
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

func main() {
	if os.Args[1] == "server" {
		serve()
	} else {
		client(os.Args[2])
	}
}
