#!/usr/bin/env bash
# Runs a command with a throw-away redis-server on a loopback port, then stops that server (only
# that one, by its pid) and removes its files. The command sees REDIS_PORT and REDIS_URL.
#
#   bash scripts/with-redis.sh turbo run build test      # what `npm test` runs
#   REDIS_PORT=6390 bash scripts/with-redis.sh <command> # a fixed port instead of a free one
#
# Without redis-server on the PATH the command still runs (so every other package is tested and
# reported), with REDIS_PORT and REDIS_URL unset: the Redis tests then fail, naming the cause, and
# this script exits non-zero. Redis tests are never skipped, in CI or anywhere else.
set -euo pipefail

if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
  echo "with-redis.sh: redis-server is not installed, so the Redis tests will fail. Install it: apt-get install -y redis-server (Debian/Ubuntu) or brew install redis (macOS)." >&2
  unset REDIS_PORT REDIS_URL
  status=0
  "$@" || status=$?
  echo "with-redis.sh: failing because redis-server is missing (the command exited ${status})." >&2
  exit 1
fi

if [ -z "${REDIS_PORT:-}" ]; then
  # A port the kernel just handed out and released: two runs on one machine do not collide.
  REDIS_PORT="$(node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
fi
export REDIS_PORT REDIS_URL="redis://127.0.0.1:${REDIS_PORT}"

dir="$(mktemp -d)"
pid=""
stop() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM # so that a signal, too, goes through stop

redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
  --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir"
for _ in $(seq 50); do
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && [ -s "$dir/redis.pid" ] && break
  sleep 0.1
done
[ -s "$dir/redis.pid" ] || { echo "with-redis.sh: redis-server did not start on 127.0.0.1:${REDIS_PORT}:" >&2; cat "$dir/redis.log" >&2; exit 1; }
pid="$(cat "$dir/redis.pid")"
echo "with-redis.sh: redis-server ${pid} on ${REDIS_URL}" >&2

"$@"
