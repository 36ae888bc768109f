#!/usr/bin/env bash
# stepup-serv takes gnutls-serv's client-certificate options with
# gnutls-serv's meaning. Each option set runs against gnutls-serv and
# against stepup-serv (both --echo, in one network namespace with only
# loopback up, since gnutls-serv binds every interface), with gnutls-cli
# --post-handshake-auth holding a trusted certificate, none, or one from an
# unknown CA. The client sends a line, then **REAUTH**, then a line; what it
# sees (handshake, first echo, the command's answer, last echo) must be the
# same for both servers. Then a client that did not offer post-handshake
# authentication sends **REAUTH**, and the next client must still be served.
#
# The client is driven line by line: each step waits (bounded) for the
# answer it expects, or for the connection to end, before the next one.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
require=${STEPUP_REQUIRE_INTEROP:-0}
logs=$root/build/programs-logs/serv-options
mkdir -p "$logs"

missing=
for tool in gnutls-serv gnutls-cli unshare ip python3; do
  command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -z "$missing" ] && ! unshare -n true 2>/dev/null; then missing=" unshare-permission"; fi
if [ -n "$missing" ]; then
  if [ "$require" = 1 ]; then
    echo "FAIL serv-options: needs$missing"; echo "serv-options: 0 passed, 1 failed"; exit 1
  fi
  echo "!!! SKIPPED serv-options: needs$missing"; echo "serv-options: 0 passed, 0 failed"; exit 0
fi

exec unshare -n bash -c '
set -u
# A client that ended leaves its input pipe without a reader: writing to it
# must fail, not kill the driver.
trap "" PIPE
ip link set lo up || exit 3
root=$1; logs=$2
F=$root/tests/fixtures
passed=0; failed=0

# waits up to 5 s for PATTERN (a whole line) in FILE while PID lives.
wait_line() {
  local file=$1 pattern=$2 pid=$3
  for _ in $(seq 100); do
    grep -qx -- "$pattern" "$file" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { grep -qx -- "$pattern" "$file" 2>/dev/null; return; }
    sleep 0.05
  done
  return 1
}

# run SERVER OPTIONS CLIENT: prints what the client saw.
run() {
  local server=$1 options=$2 client=$3 log=$logs/$1-${2// /}-$3
  local port
  port=$(python3 -c "import socket; s = socket.socket(); s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])")
  local cmd=(gnutls-serv)
  [ "$server" = stepup ] && cmd=("$root/build/bin/stepup-serv")
  # shellcheck disable=SC2086
  timeout 30 "${cmd[@]}" --echo -p "$port" --x509certfile "$F/server-ecdsa.pem" --x509keyfile "$F/server-ecdsa.key" \
    --x509cafile "$F/ca.pem" $options > "$log.serv" 2>&1 &
  local spid=$!
  for _ in $(seq 100); do grep -q listening "$log.serv" 2>/dev/null && break; sleep 0.05; done
  local cert=()
  case $client in
    trusted) cert=(--x509certfile "$F/client-ecdsa.pem" --x509keyfile "$F/client-ecdsa.key") ;;
    stranger) cert=(--x509certfile "$F/stranger.pem" --x509keyfile "$F/stranger.key") ;;
  esac
  rm -f "$log.fifo"; mkfifo "$log.fifo"
  timeout 20 gnutls-cli --post-handshake-auth localhost -p "$port" --x509cafile "$F/ca.pem" "${cert[@]}" \
    < "$log.fifo" > "$log.cli" 2>&1 &
  local cpid=$!
  exec 3> "$log.fifo"
  local hs=no hello=no command=no after=no
  if wait_line "$log.cli" "- Handshake was completed" $cpid; then
    hs=yes
    echo hello >&3 2>/dev/null
    wait_line "$log.cli" hello $cpid && hello=yes
    echo "**REAUTH**" >&3 2>/dev/null
    if wait_line "$log.cli" "Successfully executed command" $cpid; then
      command=yes
      echo after >&3 2>/dev/null
      wait_line "$log.cli" after $cpid && after=yes
    fi
  fi
  exec 3>&-
  wait $cpid 2>/dev/null
  kill $spid 2>/dev/null; wait $spid 2>/dev/null
  echo "handshake=$hs hello=$hello reauth=$command after=$after"
}

for options in "" "--verify-client-cert" "--require-client-cert" "--disable-client-cert" \
               "--disable-client-cert --verify-client-cert" "--require-client-cert --verify-client-cert"; do
  for client in trusted none stranger; do
    theirs=$(run gnutls "$options" $client)
    ours=$(run stepup "$options" $client)
    if [ -n "$ours" ] && [ "$theirs" = "$ours" ]; then
      echo "ok   serv-options: [${options:-defaults}] client $client: $ours"; passed=$((passed + 1))
    else
      echo "FAIL serv-options: [${options:-defaults}] client $client: gnutls-serv $theirs, stepup-serv $ours"
      failed=$((failed + 1))
    fi
  done
done

# A client without post-handshake auth asks for **REAUTH**; the server must
# go on serving the next client.
port=$(python3 -c "import socket; s = socket.socket(); s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])")
log=$logs/no-pha
timeout 30 "$root/build/bin/stepup-serv" --echo -p "$port" --x509certfile "$F/server-ecdsa.pem" \
  --x509keyfile "$F/server-ecdsa.key" --x509cafile "$F/ca.pem" --disable-client-cert --max-connections 2 \
  > "$log.serv" 2>&1 &
spid=$!
for _ in $(seq 100); do grep -q listening "$log.serv" 2>/dev/null && break; sleep 0.05; done
printf "**REAUTH**\n" | timeout 10 gnutls-cli localhost -p "$port" --x509cafile "$F/ca.pem" > "$log.cli1" 2>&1
echo hello | timeout 10 gnutls-cli localhost -p "$port" --x509cafile "$F/ca.pem" > "$log.cli2" 2>&1
wait $spid 2>/dev/null
if grep -q "Re-authentication failed" "$log.serv" && [ "$(grep -c "Accepted connection" "$log.serv")" = 2 ] &&
   grep -q "Handshake was completed" "$log.cli2"; then
  echo "ok   serv-options: a **REAUTH** from a client without post-handshake auth, then the next client is served"
  passed=$((passed + 1))
else
  echo "FAIL serv-options: the server did not go on after a client without post-handshake auth"
  tail -n 5 "$log.serv" "$log.cli2" | sed "s/^/     /"
  failed=$((failed + 1))
fi

echo "serv-options: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
' _ "$root" "$logs"
