// chat_socketio: the socket.io peer of bench/bench-backplane.sh. Every "msg" event a socket sends
// is emitted to every socket of every instance; @socket.io/redis-adapter carries it between the
// instances over redis pub/sub (node-redis clients), the way socket.io is scaled out.
// WebSocket transport only (no long-polling), as the load connects.
//
//   NODE_PATH=DIR/node_modules node bench/peers/chat_socketio.js PORT REDIS_HOST:PORT
//   (DIR: where `npm install socket.io @socket.io/redis-adapter redis` ran)
"use strict";
const http = require("http");
const { Server } = require("socket.io");
const { createAdapter } = require("@socket.io/redis-adapter");
const { createClient } = require("redis");

async function main() {
    const port = Number(process.argv[2] || 9001);
    const redis = process.argv[3] || "127.0.0.1:6379";
    const pub = createClient({ url: "redis://" + redis });
    const sub = pub.duplicate();
    await Promise.all([pub.connect(), sub.connect()]);
    const server = http.createServer();
    const io = new Server(server, { transports: ["websocket"], adapter: createAdapter(pub, sub) });
    io.on("connection", (socket) => {
        socket.on("msg", (m) => io.emit("msg", m));
    });
    server.listen(port, "127.0.0.1");
    const stop = () => process.exit(0);
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
}
main();
