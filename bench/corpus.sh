#!/usr/bin/env bash
# Builds the compression corpus from what a Debian machine has (no downloads), into
# $BUILD/bench-corpus/ (default build/bench-corpus):
#   licenses.txt   the texts in /usr/share/common-licenses (English prose)
#   manpage.txt    bash's man page, uncompressed (troff markup)
#   bash.elf       /usr/bin/bash (machine code and tables)
#   sources.txt    this project's own C++ sources, concatenated
#   messages.jsonl WebSocket-like JSON chat and telemetry messages of 64 B to 16 KiB, one per line
# Files are rebuilt only when missing.  bash bench/corpus.sh [DIR]
set -eu
cd "$(dirname "$0")/.."
out=${1:-${BUILD:-build}/bench-corpus}
mkdir -p "$out"

[ -s "$out/licenses.txt" ] || find /usr/share/common-licenses -maxdepth 1 -type f | sort | xargs cat > "$out/licenses.txt"
if [ ! -s "$out/manpage.txt" ]; then
    for m in /usr/share/man/man1/bash.1.gz /usr/share/man/man1/gcc-12.1.gz /usr/share/man/man1/ls.1.gz; do
        [ -f "$m" ] && { zcat "$m" > "$out/manpage.txt"; break; }
    done
fi
[ -s "$out/bash.elf" ] || cp /usr/bin/bash "$out/bash.elf"
[ -s "$out/sources.txt" ] || git ls-files '*.cpp' '*.hpp' | sort | xargs cat > "$out/sources.txt"

# Messages: a fixed pseudo-random sequence (awk's srand with a seed), so every run and machine
# sees the same bytes. Sizes spread log-uniformly from 64 B to 16 KiB.
if [ ! -s "$out/messages.jsonl" ]; then
    awk 'BEGIN {
        srand(7); split("alice bob carol dave erin frank grace heidi ivan judy", users, " ");
        split("hello|on my way|did you see the build?|lgtm, merging|the deploy is green|lunch?|which branch?|retrying the job now", texts, "|");
        split("ok warn error", states, " ");
        for (m = 0; m < 1200; m++) {
            size = int(64 * 2 ^ (rand() * 8));
            if (rand() < 0.5) {
                s = sprintf("{\"type\":\"chat\",\"id\":%d,\"room\":\"room-%d\",\"user\":\"%s\",\"ts\":%.0f,\"messages\":[",
                            100000 + m, int(rand() * 20), users[int(rand() * 10) + 1], 1700000000000 + m * 1337);
                sep = "";
                while (length(s) < size - 64) {
                    s = s sep sprintf("{\"from\":\"%s\",\"text\":\"%s\",\"reactions\":%d}",
                                      users[int(rand() * 10) + 1], texts[int(rand() * 8) + 1], int(rand() * 5));
                    sep = ",";
                }
            } else {
                s = sprintf("{\"type\":\"telemetry\",\"device\":\"sensor-%04d\",\"ts\":%.0f,\"samples\":[",
                            int(rand() * 500), 1700000000000 + m * 1000);
                sep = "";
                while (length(s) < size - 64) {
                    s = s sep sprintf("{\"t\":%.1f,\"rh\":%d,\"v\":%.3f,\"state\":\"%s\"}",
                                      15 + rand() * 15, int(30 + rand() * 50), 3 + rand(), states[int(rand() * 3) + 1]);
                    sep = ",";
                }
            }
            print s "]}";
        }
    }' > "$out/messages.jsonl"
fi
ls -l "$out" | tail -n +2 | awk '{ printf "  %-16s %9d bytes\n", $9, $5 }'
