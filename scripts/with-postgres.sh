#!/usr/bin/env bash
# Runs a command with a private PostgreSQL server: initdb in a temporary
# directory, listening on 127.0.0.1 at a free port (and a socket in that
# directory), started as an unprivileged user when we are root, stopped and
# removed afterwards whatever the command does. The command sees
# STEPUP_TEST_POSTGRES=postgres://stepup@127.0.0.1:PORT/postgres.
#
# Usage: scripts/with-postgres.sh COMMAND [ARGS...]
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "with-postgres: no PostgreSQL server found (apt-get install postgresql; .ci/run does)" >&2
  exit 1
fi

dir=$(mktemp -d /tmp/stepup-pg-XXXXXX)
as_user=()
if [ "$(id -u)" -eq 0 ]; then
  # PostgreSQL refuses to run as root.
  chown nobody "$dir"
  as_user=(runuser -u nobody --)
fi
pid=""
cleanup() {
  # The postmaster's own PID (the started process may be runuser).
  local master=""
  [ -f "$dir/data/postmaster.pid" ] && master=$(head -n 1 "$dir/data/postmaster.pid")
  for p in $master $pid; do
    kill -INT "$p" 2>/dev/null || true
  done
  for _ in $(seq 1 100); do
    alive=0
    for p in $master $pid; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.1
  done
  for p in $master $pid; do kill -KILL "$p" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"${as_user[@]}" "$bindir/initdb" -D "$dir/data" -U stepup -A trust --no-sync -E UTF8 > "$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
"${as_user[@]}" "$bindir/postgres" -D "$dir/data" -h 127.0.0.1 -p "$port" -k "$dir" \
  -c fsync=off -c synchronous_commit=off -c max_connections=200 > "$dir/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  if "$bindir/pg_isready" -h 127.0.0.1 -p "$port" -q 2>/dev/null; then break; fi
  kill -0 "$pid" 2>/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  sleep 0.1
done
"$bindir/pg_isready" -h 127.0.0.1 -p "$port" -q || { echo "with-postgres: server did not start" >&2; cat "$dir/server.log" >&2; exit 1; }

export STEPUP_TEST_POSTGRES="postgres://stepup@127.0.0.1:$port/postgres"
echo "with-postgres: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
status=0
"$@" || status=$?
exit $status
