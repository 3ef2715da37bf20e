// chat_redigo: the gorilla/websocket peer of bench/bench-backplane.sh. The usual shape of a Go
// chat scaled out through redis: every message a connection sends is PUBLISHed to one redis
// channel through a redigo pool, and one redigo PubSubConn per instance hears the channel and
// hands each message to every local connection's writer goroutine. The origin hears its own
// message back from redis, like the other instances.
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o chat-redigo bench/peers/chat_redigo.go
//	chat-redigo -port 9001 -redis 127.0.0.1:6379
package main

import (
	"flag"
	"log"
	"net/http"
	"sync"
	"time"

	"github.com/gomodule/redigo/redis"
	"github.com/gorilla/websocket"
)

const channel = "chat"

type client struct {
	conn *websocket.Conn
	send chan []byte
}

type hub struct {
	mu      sync.RWMutex
	clients map[*client]struct{}
}

func (h *hub) broadcast(m []byte) {
	h.mu.RLock()
	for c := range h.clients {
		select {
		case c.send <- m:
		default: // a writer this far behind drops the message rather than stall the rest
		}
	}
	h.mu.RUnlock()
}

func (h *hub) add(c *client) {
	h.mu.Lock()
	h.clients[c] = struct{}{}
	h.mu.Unlock()
}

func (h *hub) remove(c *client) {
	h.mu.Lock()
	delete(h.clients, c)
	h.mu.Unlock()
}

func writer(c *client) {
	for m := range c.send {
		if err := c.conn.WriteMessage(websocket.TextMessage, m); err != nil {
			return
		}
	}
}

func subscribe(h *hub, address string) {
	for {
		conn, err := redis.Dial("tcp", address)
		if err != nil {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		psc := redis.PubSubConn{Conn: conn}
		if err := psc.Subscribe(channel); err == nil {
			for {
				switch v := psc.Receive().(type) {
				case redis.Message:
					h.broadcast(v.Data)
				case error:
					goto lost
				}
			}
		}
	lost:
		conn.Close()
	}
}

func main() {
	port := flag.String("port", "9001", "listen port")
	address := flag.String("redis", "127.0.0.1:6379", "redis address")
	flag.Parse()
	pool := &redis.Pool{
		MaxIdle: 64,
		Dial:    func() (redis.Conn, error) { return redis.Dial("tcp", *address) },
	}
	h := &hub{clients: map[*client]struct{}{}}
	go subscribe(h, *address)
	upgrader := websocket.Upgrader{
		ReadBufferSize:  1024,
		WriteBufferSize: 1024,
		CheckOrigin:     func(*http.Request) bool { return true },
	}
	http.HandleFunc("/chat", func(w http.ResponseWriter, r *http.Request) {
		conn, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		c := &client{conn: conn, send: make(chan []byte, 256)}
		h.add(c)
		go writer(c)
		defer func() {
			h.remove(c)
			close(c.send)
			conn.Close()
		}()
		for {
			_, m, err := conn.ReadMessage()
			if err != nil {
				return
			}
			rc := pool.Get()
			_, err = rc.Do("PUBLISH", channel, m)
			rc.Close()
			if err != nil {
				log.Printf("publish: %v", err)
			}
		}
	})
	log.Fatal(http.ListenAndServe("127.0.0.1:"+*port, nil))
}
