#!/usr/bin/env bash
# make run-cluster: the demo as a cluster on localhost. redis-server carries the chat and the
# system push between three demo instances (a, b, c); nginx in front balances pages and
# WebSocket upgrades over them, round robin. Open two tabs of the chat: each shows its instance.
#
#   PORT=8080        nginx, the address to open (the instances take PORT+1..PORT+3, redis PORT+10)
#   BUILD=build      where build/examples/demo is
#
# Ctrl-C stops everything this script started, by process id; state lives in a temporary
# directory that goes away with it.
set -euo pipefail

PORT=${PORT:-8080}
BUILD=${BUILD:-build}
DEMO="$BUILD/examples/demo"
REDIS_PORT=$((PORT + 10))

for program in redis-server nginx; do
    command -v "$program" >/dev/null || { echo "run-cluster: $program is not installed" >&2; exit 1; }
done
[ -x "$DEMO" ] || { echo "run-cluster: $DEMO is not built (make examples)" >&2; exit 1; }

dir=$(mktemp -d /tmp/wire-cluster-XXXXXX)
pids=()
stop() {
    trap - INT TERM EXIT
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$dir"
    echo "run-cluster: stopped"
}
trap stop INT TERM EXIT

# Waits until something accepts connections on 127.0.0.1:$1 (10 s at most).
wait_port() {
    for _ in $(seq 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "run-cluster: nothing listens on port $1 (see $dir)" >&2
    return 1
}

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$dir" --logfile "$dir/redis.log" --daemonize no &
pids+=($!)
wait_port "$REDIS_PORT"

upstream=""
names=(a b c)
for i in 1 2 3; do
    name=${names[$((i - 1))]}
    port=$((PORT + i))
    "$DEMO" --port "$port" --redis "127.0.0.1:$REDIS_PORT" --instance "$name" \
        --tail "$dir/access-$name.log" >"$dir/demo-$name.log" 2>&1 &
    pids+=($!)
    upstream+="    server 127.0.0.1:$port;"$'\n'
done
for i in 1 2 3; do wait_port $((PORT + i)); done

mkdir -p "$dir/tmp"
cat >"$dir/nginx.conf" <<CONF
daemon off; master_process off; worker_processes 1;
pid $dir/nginx.pid; error_log $dir/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $dir/tmp; proxy_temp_path $dir/tmp; fastcgi_temp_path $dir/tmp;
  uwsgi_temp_path $dir/tmp; scgi_temp_path $dir/tmp;
  upstream demo {
$upstream  }
  server {
    listen 127.0.0.1:$PORT;
    location / {
      proxy_pass http://demo;
      # Upgrade and Connection are hop-by-hop: passed on explicitly, over HTTP/1.1.
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_read_timeout 1h;
    }
  }
}
CONF
nginx -p "$dir" -e "$dir/nginx-error.log" -c "$dir/nginx.conf" &
pids+=($!)
wait_port "$PORT"

cat <<INFO
wire cluster: open http://127.0.0.1:$PORT/chat.html in several tabs (nginx, round robin)
wire cluster: instances a, b, c on http://127.0.0.1:$((PORT + 1))/ .. :$((PORT + 3))/, redis on 127.0.0.1:$REDIS_PORT
wire cluster: logs in $dir (Ctrl-C stops everything)
INFO
wait -n "${pids[@]}" || true
echo "run-cluster: stopping (Ctrl-C, or a process ended)" >&2
