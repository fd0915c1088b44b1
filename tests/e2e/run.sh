#!/bin/sh
# run.sh: the browser tests. Starts c2c on a fresh demo database on a free port of
# 127.0.0.1, runs every tests/e2e/*.test.mjs with node's test runner against it (Playwright
# driving Debian's /usr/bin/chromium), then stops the server and removes the temporary files.
#
#   C2C_BIN=build/c2c tests/e2e/run.sh [node --test options...]
#
# Run from the repository root or from anywhere: paths are taken relative to this script.
# The exit status is node's.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${C2C_BIN:-build/c2c}
case $bin in /*) ;; *) bin="$root/$bin" ;; esac
if [ ! -x "$bin" ]; then
	echo "run.sh: no c2c binary at $bin (build it, or set C2C_BIN)" >&2
	exit 2
fi
if [ ! -d "$here/node_modules/playwright-core" ]; then
	echo "run.sh: playwright-core is missing: run 'npm ci' in $here" >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/c2c-e2e.XXXXXX")
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$bin" init --db "$tmp/e2e.db" --demo >"$tmp/init.log" 2>&1 || {
	cat "$tmp/init.log" >&2
	echo "run.sh: c2c init failed" >&2
	exit 2
}
# init --demo made the account admin and printed its password once: the sign-in tests use it.
C2C_ADMIN_PASSWORD=$(sed -n 's/.* with the password \([^ ]*\)$/\1/p' "$tmp/init.log")
export C2C_ADMIN_PASSWORD

mkfifo "$tmp/out"
"$bin" serve --db "$tmp/e2e.db" --listen 127.0.0.1:0 --quiet >"$tmp/out" 2>"$tmp/server.log" &
pid=$!
# The first line names the address: "c2c: serving FILE on http://127.0.0.1:PORT/ with N threads".
# Keep draining the pipe afterwards so the server never blocks on a full one.
exec 3<"$tmp/out"
line=
if ! IFS= read -r line <&3; then
	cat "$tmp/server.log" >&2
	echo "run.sh: the server did not start" >&2
	exit 2
fi
cat <&3 >/dev/null &
url=$(printf '%s\n' "$line" | sed -n 's|.* on \(http://127\.0\.0\.1:[0-9][0-9]*/\).*|\1|p')
if [ -z "$url" ]; then
	echo "run.sh: cannot read the address from: $line" >&2
	exit 2
fi
C2C_URL=${url%/}
export C2C_URL
echo "run.sh: c2c at $C2C_URL"

mkdir -p "$here/screenshots"
status=0
(cd "$here" && node --test "$@" .) || status=$?
exit $status
