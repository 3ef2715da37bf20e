#!/usr/bin/env bash
# make bench, http gzip section: the same 16 KiB HTML page compressed on the fly, wire's
# gzip_handler (build/bench/gzip_page_server) at level 1 and at its default (6) beside nginx with
# "gzip on; gzip_comp_level 1", with "gzip on" alone (nginx's default level, which is 1) and with
# "gzip_comp_level 6" (the level matching wire's default), in the same run, rounds interleaved. wrk -t1 -c100 with "Accept-Encoding: gzip", pinned like the kit's http-bench.sh:
# server on core $SERVER_CORE (0) with one worker, wrk on core $CLIENT_CORE (1).
#
# The figure is requests per server CPU-second (wrk's req/s divided by the cores the server's
# processes used), which holds on a shared machine better than req/s alone; medians of ROUNDS
# with [min-max], the ratio wire/nginx at the matching level, and each response's body size.
#   ROUNDS=5 DURATION=5 bash bench/bench-http-gzip.sh     (quick look: ROUNDS=1 DURATION=3)
#   CONNS=100 OUT=dir NICE=...
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
KIT=${KIT:-../shared/bench}
[ -d "$KIT" ] || KIT=/work/shared/bench
source "$KIT/lib.sh"
bin=$BUILD/bench/gzip_page_server
[ -x "$bin" ] || { echo "missing $bin: run make bench-bins"; exit 1; }
command -v wrk >/dev/null && command -v nginx >/dev/null && [ -x /usr/bin/time ] ||
    { echo "wrk, nginx or /usr/bin/time missing - run $KIT/setup.sh" >&2; exit 1; }
ROUNDS=${ROUNDS:-5}; DURATION=${DURATION:-5}; CONNS=${CONNS:-100}
OUT=${OUT:-$RESULTS_DIR/http-gzip-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
RAW=$OUT/raw.csv
echo "server,round,rps,server_cpu,req_per_cpu_s,errors,foreign_cpu" >"$RAW"
trap 'stop_server; exit 130' INT TERM
trap 'stop_server' EXIT

# The page: 16384 bytes of HTML made from the repository's README (text a site would serve),
# the same bytes for every server.
page=$OUT/www/index.html
mkdir -p "$OUT/www"
python3 - "$page" <<'PY'
import html, sys
lines = [l.strip() for l in open("README.md", encoding="utf-8") if l.strip()]
head = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>wire</title></head>\n<body>\n"
tail = "</body>\n</html>\n"
body, i = "", 0
while len((head + body + tail).encode()) < 16384:
    l = lines[i % len(lines)]
    body += ("<h2>%s</h2>\n" if l.startswith("#") else "<p>%s</p>\n") % html.escape(l.lstrip("# "))
    i += 1
doc = (head + body).encode()[: 16384 - len(tail)]
doc = doc.decode("utf-8", "ignore").encode()
doc += b" " * (16384 - len(tail) - len(doc)) + tail.encode()
open(sys.argv[1], "wb").write(doc)
PY

# nginx_conf LEVEL PORT -> the nginx command serving $OUT/www at / ("default": no
# gzip_comp_level line)
nginx_conf() {
    local level=$1 port=$2 d=$OUT/nginx-$1 line=""
    [ "$level" != default ] && line="gzip_comp_level $level;"
    mkdir -p "$d/tmp"
    cat >"$d/nginx.conf" <<CONF
worker_processes 1;
pid $d/nginx.pid;
lock_file $d/nginx.lock;
error_log $d/error.log warn;
daemon off;
events { worker_connections 4096; use epoll; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 600s;
  client_body_temp_path $d/tmp; proxy_temp_path $d/tmp; fastcgi_temp_path $d/tmp;
  uwsgi_temp_path $d/tmp; scgi_temp_path $d/tmp;
  types { text/html html; }
  server {
    listen 127.0.0.1:$port backlog=4096;
    root $OUT/www;
    gzip on; $line gzip_min_length 1024; gzip_vary on;
  }
}
CONF
    echo "nginx -p $d -c $d/nginx.conf -e $d/error.log"
}

names=(wire-l1 nginx-l1 nginx-default wire-l6 nginx-l6)
ports=(18180 18181 18182 18183 18184)
cmds=("$bin --page $page --level 1 --port \$PORT" "$(nginx_conf 1 18181)"
      "$(nginx_conf default 18182)" "$bin --page $page --port \$PORT" "$(nginx_conf 6 18184)")

for r in $(seq 1 "$ROUNDS"); do
    for i in "${!names[@]}"; do
        name=${names[$i]}; PORT=${ports[$i]}
        start_server "$name" "${cmds[$i]}" "$PORT" 1 1 "$OUT/server-$name.log" || continue
        url="http://127.0.0.1:$PORT/"
        if [ "$r" = 1 ]; then  # the response as a browser gets it, once per server
            curl -s -D "$OUT/head-$name.txt" -o "$OUT/body-$name.gz" -H 'Accept-Encoding: gzip' "$url"
        fi
        timeout 20 wrk -t1 -c50 -d2s -H 'Accept-Encoding: gzip' "$url" >/dev/null 2>&1  # warm-up
        f=$OUT/wrk-$name-r$r.txt
        s0=$(sess_stat "$SRV_SID"); m0=$(sys_sample)
        timeout $((DURATION + 30)) /usr/bin/time -o "$f.time" -f "%U %S %e" "${PRIO[@]}" \
            taskset -c "$CLIENT_CORE" wrk -t1 -c"$CONNS" -d"${DURATION}s" --timeout 5s \
            -H 'Accept-Encoding: gzip' "$url" >"$f" 2>&1
        s1=$(sess_stat "$SRV_SID"); m1=$(sys_sample)
        read -r wu ws we <"$f.time" 2>/dev/null || { wu=0; ws=0; we=1; }
        rps=$(awk '/^Requests\/sec:/{print $2}' "$f")
        errs=$(awk '/Socket errors/{gsub(",","");s=$4+$6+$8+$10} /Non-2xx/{s+=$NF} END{print s+0}' "$f")
        cpu=$(awk -v a="${s0#* }" -v b="${s1#* }" -v e="$we" 'BEGIN{split(a,x," ");split(b,y," ");printf "%.3f", (y[1]-x[1])/e}')
        busy=$(sys_busy_cores "$m0" "$m1" "$we"); busy=${busy% *}
        fcpu=$(awk -v b="$busy" -v c="$cpu" -v u="$wu" -v s="$ws" -v e="$we" 'BEGIN{printf "%.2f", b-c-(u+s)/e}')
        per=$(awk -v r="${rps:-0}" -v c="$cpu" 'BEGIN{printf "%.0f", (c > 0 ? r/c : 0)}')
        echo "$name,$r,${rps:-0},$cpu,$per,$errs,$fcpu" >>"$RAW"
        log "$name round $r: ${rps:-FAILED} req/s, server $cpu cores, $per req/CPU-s, errors $errs, other load $fcpu cores"
        stop_server
    done
done

python3 - "$OUT" <<'PY'
import csv, os, statistics, sys
out = sys.argv[1]
rows = list(csv.DictReader(open(os.path.join(out, "raw.csv"))))
def cell(name, key, fmt="{:.0f}"):
    v = [float(r[key]) for r in rows if r["server"] == name]
    if not v: return "n/a", None
    m = statistics.median(v)
    return (fmt.format(m) + (f" [{fmt.format(min(v))}-{fmt.format(max(v))}]" if len(v) > 1 else "")), m
def size(name):
    p = os.path.join(out, f"body-{name}.gz")
    return os.path.getsize(p) if os.path.exists(p) else None
names = ["wire-l1", "nginx-l1", "nginx-default", "wire-l6", "nginx-l6"]
print(f"16 KiB HTML page, gzip, wrk -c{os.environ.get('CONNS', '100')}, pinned; median [min-max] over rounds\n")
print("| server | req/s | server cores | req per server CPU-s | body bytes |")
print("|---|---|---|---|---|")
med = {}
for n in names:
    rps, _ = cell(n, "rps"); cpu, _ = cell(n, "server_cpu", "{:.2f}"); per, m = cell(n, "req_per_cpu_s")
    med[n] = m
    print(f"| {n} | {rps} | {cpu} | {per} | {size(n)} |")
print()
for w, g in (("wire-l1", "nginx-l1"), ("wire-l1", "nginx-default"), ("wire-l6", "nginx-l6")):
    if med.get(w) and med.get(g):
        sw, sg = size(w), size(g)
        d = f", size {100.0 * (sw - sg) / sg:+.2f}% ({sw} vs {sg} bytes)" if sw and sg else ""
        print(f"{w} / {g}: {med[w] / med[g]:.2f}x requests per server CPU-second{d}")
PY
