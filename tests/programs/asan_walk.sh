#!/usr/bin/env bash
# make demo-check: stepup-serv and stepup-cli built with AddressSanitizer and
# UBSan (build/asan), walked through a handshake with data, a post-handshake
# re-authentication with data in flight, and a resumed connection. The
# server stops by itself after its three connections, so LeakSanitizer runs
# at its exit too. Passes when both exit 0 with no sanitizer report.
# Usage: asan_walk.sh BUILD_DIR (holding stepup-serv and stepup-cli).
set -u
bin=${1:?usage: asan_walk.sh BUILD_DIR}
F=tests/fixtures
logs=build/asan-logs
mkdir -p "$logs"
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
passed=0 failed=0
ok() { echo "ok   asan-walk: $1"; passed=$((passed + 1)); }
bad() { echo "FAIL asan-walk: $1"; failed=$((failed + 1)); }
clean() { ! grep -q 'Sanitizer\|runtime error:' "$@"; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
timeout 60 "$bin/stepup-serv" -p "$port" --echo --x509certfile $F/server-ecdsa.pem --x509keyfile $F/server-ecdsa.key \
  --x509cafile $F/ca.pem --disable-client-cert --max-connections 3 > "$logs/serv" 2>&1 &
server_pid=$!
for _ in $(seq 100); do grep -q 'listening on' "$logs/serv" 2>/dev/null && break; sleep 0.1; done

{ printf 'hello\n'; sleep 0.4; printf '**REAUTH**\n'; sleep 0.1; printf 'in-flight\n'; sleep 0.8
  printf 'after\n'; sleep 0.4; } |
  timeout 30 "$bin/stepup-cli" localhost -p "$port" --x509cafile $F/ca.pem --x509certfile $F/client-ecdsa.pem \
    --x509keyfile $F/client-ecdsa.key --post-handshake-auth > "$logs/cli" 2>&1
cli_status=$?
{ sleep 1.5; echo hello; sleep 0.5; } |
  timeout 30 "$bin/stepup-cli" localhost -p "$port" --x509cafile $F/ca.pem --resume > "$logs/cli-resume" 2>&1
resume_status=$?
wait "$server_pid"
server_status=$?

if [ $cli_status -eq 0 ] && grep -q 'Re-authentication was completed' "$logs/serv" && grep -qx 'after' "$logs/cli"; then
  ok "handshake, data and **REAUTH** between the sanitized programs"
else
  bad "the re-authentication walk (client exit $cli_status)"; tail -n 8 "$logs/serv" "$logs/cli" | sed 's/^/     /'
fi
if [ $resume_status -eq 0 ] && grep -qx '\*\*\* This is a resumed session' "$logs/cli-resume"; then
  ok "a resumed connection"
else
  bad "the resumed connection (client exit $resume_status)"; tail -n 8 "$logs/cli-resume" | sed 's/^/     /'
fi
if [ $server_status -eq 0 ] && clean "$logs/serv" "$logs/cli" "$logs/cli-resume"; then
  ok "no sanitizer report, leaks included, and the server exited 0"
else
  bad "sanitizer report or server exit $server_status"
  grep -h -A12 'ERROR: \|runtime error:' "$logs/serv" "$logs/cli" "$logs/cli-resume" | head -30 | sed 's/^/     /'
fi
echo "asan-walk: $passed passed, $failed failed"
[ $failed -eq 0 ]
