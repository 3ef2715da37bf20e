#!/usr/bin/env bash
# Installs the test-only tools that are missing (tools/test-packages.txt). As root it runs
# apt-get; otherwise it names the packages to install and carries on (tests needing them fail).
set -u
cd "$(dirname "$0")/.."
missing=()
while read -r pkg; do
    case "$pkg" in ''|'#'*) continue ;; esac
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done < tools/test-packages.txt
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing test tools: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/wire-apt.log 2>&1 \
        || { tail -20 /tmp/wire-apt.log; echo "apt-get install failed"; exit 1; }
    # Debian's nginx would start a service on port 80; tests run their own instances.
    command -v service >/dev/null && service nginx stop >/dev/null 2>&1 || true
else
    echo "missing test tools; please install: sudo apt-get install ${missing[*]}"
fi
exit 0
