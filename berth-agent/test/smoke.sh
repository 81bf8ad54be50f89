#!/bin/sh
# Smoke test of the built binary: static, starts, creates a 0600 socket, exits 0 on SIGTERM.
set -eu
BIN=${1:-target/berth-agent}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
if file "$BIN" 2>/dev/null | grep -q dynamically; then echo "not static"; exit 1; fi
"$BIN" --version
"$BIN" --socket "$DIR/run/agent.sock" &
PID=$!
i=0
while [ ! -S "$DIR/run/agent.sock" ]; do
  i=$((i+1)); [ $i -lt 500 ] || { echo "socket not created"; kill $PID; exit 1; }
  sleep 0.01
done
MODE=$(stat -c %a "$DIR/run/agent.sock")
[ "$MODE" = 600 ] || { echo "socket mode $MODE"; kill $PID; exit 1; }
grep VmRSS /proc/$PID/status
kill -TERM $PID
wait $PID
echo "smoke: ok"
