#!/usr/bin/env bash
# Interop of the example programs stepup-serv and stepup-cli with real peers:
# each other, openssl s_client/s_server, gnutls-cli/gnutls-serv and Python's
# ssl, re-authenticating with **REAUTH** wherever the peer supports it, and
# curl against the HTTP mode (GET /reauth); external PSKs (--pskpasswd) with
# reauth after them; and resumption with tickets (--resume, Python session
# reuse, and a ticket resuming on a second server sharing the ticket key);
# TLS 1.2 beside it: version choice, resumption and client certificates.
#
# Every scenario runs three times: the programs linked with stepup
# (build/bin), the same sources built against the system GnuTLS
# (build/bin-system), and the system-built binaries loading
# build/compat/libgnutls.so.30. All three must pass, and the server's report
# of a re-authentication must read the same with stepup as with GnuTLS.
#
# Servers bind 127.0.0.1 on a port picked here, stop after one connection
# (or by timeout), and are killed by PID. gnutls-serv binds every interface,
# so its scenario runs inside `unshare -n` with only loopback up.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
F=tests/fixtures
logs=build/programs-logs
mkdir -p "$logs"
passed=0
failed=0
require=${STEPUP_REQUIRE_INTEROP:-0}

ok() { echo "ok   programs: $*"; passed=$((passed + 1)); }
bad() { echo "FAIL programs: $*"; failed=$((failed + 1)); }
skip() {
  if [ "$require" = 1 ]; then bad "$* (required: STEPUP_REQUIRE_INTEROP=1)"; else echo "!!! SKIPPED programs: $*"; fi
}
have() { command -v "$1" >/dev/null 2>&1; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Waits (at most 5 s) until a server's log shows it is listening.
wait_listening() {
  local log=$1 pattern=$2
  for _ in $(seq 50); do
    grep -q "$pattern" "$log" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# The lines a client sends: data, a re-authentication request, data while the
# request is in flight, and data afterwards; then input ends.
reauth_input() {
  printf 'hello\n'; sleep 0.4
  printf '**REAUTH**\n'; sleep 0.1
  printf 'in-flight\n'; sleep 0.8
  printf 'after\n'; sleep 0.4
}

# set_env NAME: the binaries and loader environment of one program set.
set_env() {
  case $1 in
    stepup) bin=build/bin; env_cmd=(env) ;;
    system) bin=build/bin-system; env_cmd=(env) ;;
    compat) bin=build/bin-system; env_cmd=(env LD_LIBRARY_PATH=build/compat) ;;
  esac
}

server_pid=
stop_server() {
  [ -n "$server_pid" ] && { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; }
  server_pid=
}

# Starts our server in the background on $port; its log is $1.
start_our_server() {
  local log=$1; shift
  timeout 30 "${env_cmd[@]}" "$bin/stepup-serv" -p "$port" --echo --x509certfile $F/server-ecdsa.pem \
    --x509keyfile $F/server-ecdsa.key --x509cafile $F/ca.pem --max-connections 1 "$@" > "$log" 2>&1 &
  server_pid=$!
  wait_listening "$log" "listening on"
}

# The lines of a server log that describe the negotiation and the
# re-authentication, for comparison.
reauth_report() { grep -E '^(\*\*\*| - Certificate|- Peer|- Server: )' "$1"; }

no_loader_warning() { ! grep -q "no version information\|version .* not found" "$@"; }

scenario_cli() { # our server, our client
  local name=$1 log=$logs/$1
  start_our_server "$log.serv" --disable-client-cert || { bad "$name: server did not start"; stop_server; return; }
  reauth_input | timeout 20 "${env_cmd[@]}" "$bin/stepup-cli" localhost -p "$port" --x509cafile $F/ca.pem \
    --x509certfile $F/client-ecdsa.pem --x509keyfile $F/client-ecdsa.key --post-handshake-auth > "$log.cli" 2>&1
  sleep 0.2; stop_server
  if grep -q 'Re-authentication was completed' "$log.serv" && grep -q "subject \`CN=alice'" "$log.serv" &&
     grep -q 'Re-authentication answered' "$log.cli" && grep -qx 'after' "$log.cli" &&
     grep -qx 'in-flight' "$log.cli" && no_loader_warning "$log.serv" "$log.cli"; then
    ok "$name: stepup-serv <-> stepup-cli, **REAUTH**"
  else
    bad "$name: stepup-serv <-> stepup-cli"; tail -n 8 "$log.serv" "$log.cli" | sed 's/^/     /'
  fi
}

scenario_s_client() { # our server, openssl s_client -enable_pha
  local name=$1 log=$logs/$1
  have openssl || { skip "$name: openssl is not installed"; return; }
  start_our_server "$log.serv" --disable-client-cert || { bad "$name: server did not start"; stop_server; return; }
  reauth_input | timeout 20 openssl s_client -connect "127.0.0.1:$port" -enable_pha -quiet \
    -CAfile $F/ca.pem -cert $F/client-rsa.pem -key $F/client-rsa.key > "$log.cli" 2>&1
  sleep 0.2; stop_server
  if grep -q 'Re-authentication was completed' "$log.serv" && grep -q "subject \`CN=alice'" "$log.serv" &&
     grep -qx 'after' "$log.cli"; then
    ok "$name: stepup-serv <-> openssl s_client -enable_pha, **REAUTH**"
  else
    bad "$name: stepup-serv <-> openssl s_client"; tail -n 8 "$log.serv" "$log.cli" | sed 's/^/     /'
  fi
}

scenario_gnutls_cli() { # our server, gnutls-cli --post-handshake-auth
  local name=$1 log=$logs/$1
  have gnutls-cli || { skip "$name: gnutls-cli is not installed"; return; }
  start_our_server "$log.serv" --disable-client-cert || { bad "$name: server did not start"; stop_server; return; }
  reauth_input | timeout 20 gnutls-cli localhost -p "$port" --x509cafile $F/ca.pem --post-handshake-auth \
    --x509certfile $F/client-ed25519.pem --x509keyfile $F/client-ed25519.key > "$log.cli" 2>&1
  sleep 0.2; stop_server
  if grep -q 'Re-authentication was completed' "$log.serv" && grep -q "subject \`CN=alice'" "$log.serv" &&
     grep -qx 'after' "$log.cli"; then
    ok "$name: stepup-serv <-> gnutls-cli --post-handshake-auth, **REAUTH**"
  else
    bad "$name: stepup-serv <-> gnutls-cli"; tail -n 8 "$log.serv" "$log.cli" | sed 's/^/     /'
  fi
}

scenario_python() { # our server, Python ssl with post_handshake_auth
  local name=$1 log=$logs/$1
  start_our_server "$log.serv" --disable-client-cert || { bad "$name: server did not start"; stop_server; return; }
  timeout 20 python3 tests/programs/pha_client.py "$port" $F/ca.pem $F/client-p384.pem $F/client-p384.key \
    > "$log.cli" 2>&1
  sleep 0.2; stop_server
  if grep -q 'Re-authentication was completed' "$log.serv" && grep -q "subject \`CN=alice'" "$log.serv" &&
     grep -q 'Application data arrived during re-authentication' "$log.serv" &&
     grep -qx 'echo in-flight' "$log.cli" && grep -qx 'answer Successfully executed command' "$log.cli" &&
     grep -qx 'echo after' "$log.cli" && grep -qx 'done' "$log.cli"; then
    ok "$name: stepup-serv <-> Python ssl (post_handshake_auth), **REAUTH** with data in flight"
  else
    bad "$name: stepup-serv <-> Python ssl"; tail -n 8 "$log.serv" "$log.cli" | sed 's/^/     /'
  fi
}

scenario_curl() { # our server in HTTP mode, curl (it offers post-handshake auth)
  local name=$1 log=$logs/$1
  have curl || { skip "$name: curl is not installed"; return; }
  timeout 30 "${env_cmd[@]}" "$bin/stepup-serv" -p "$port" --x509certfile $F/server-ecdsa.pem \
    --x509keyfile $F/server-ecdsa.key --x509cafile $F/ca.pem --disable-client-cert --max-connections 2 \
    > "$log.serv" 2>&1 &
  server_pid=$!
  wait_listening "$log.serv" "listening on" || { bad "$name: server did not start"; stop_server; return; }
  local tls=(--max-time 10 -sS --cacert $F/ca.pem --cert $F/client-rsa.pem --key $F/client-rsa.key)
  curl "${tls[@]}" "https://localhost:$port/" > "$log.cli" 2>&1
  curl "${tls[@]}" "https://localhost:$port/reauth" > "$log.cli2" 2>&1
  sleep 0.2; stop_server
  if grep -qx 'Client certificates: 0' "$log.cli" && grep -qx 'Re-authentication: completed' "$log.cli2" &&
     grep -q '^Client certificates: [1-9]' "$log.cli2" && grep -qx 'Protocol: TLS1.3' "$log.cli2"; then
    ok "$name: curl GET / without a certificate, GET /reauth steps up with one"
  else
    bad "$name: stepup-serv (HTTP) <-> curl"; tail -n 8 "$log.serv" "$log.cli" "$log.cli2" | sed 's/^/     /'
  fi
}

scenario_untrusted() { # our client on system trust only: the test CA is not in it
  local name=$1 log=$logs/$1
  start_our_server "$log.serv" --disable-client-cert || { bad "$name: server did not start"; stop_server; return; }
  echo hello | timeout 20 "${env_cmd[@]}" "$bin/stepup-cli" localhost -p "$port" > "$log.cli" 2>&1
  local status=$?
  sleep 0.2; stop_server
  if [ "$status" -eq 1 ] && grep -q '^Processed [1-9][0-9]* CA certificate' "$log.cli" &&
     grep -q 'Handshake has failed: Error in the certificate verification' "$log.cli" &&
     ! grep -q 'Handshake was completed' "$log.cli"; then
    ok "$name: stepup-cli on the system trust store refuses a server from an unknown CA"
  else
    bad "$name: stepup-cli with system trust (exit $status)"; tail -n 8 "$log.serv" "$log.cli" | sed 's/^/     /'
  fi
}

# The external PSK of the PSK scenarios: user alice, this key (hex).
PSK_HEX=73746570757020707368206b657921
psk_file() { printf 'alice:%s\n' "$PSK_HEX" > "$1"; }

scenario_psk_cli() { # our server with --pskpasswd, our client with the PSK, then **REAUTH**
  local name=$1 log=$logs/$1
  psk_file "$log.passwd"
  # REQUEST (the default): a PSK handshake asks nothing, and the client,
  # which holds no certificate, declines the re-authentication.
  start_our_server "$log.serv" --pskpasswd "$log.passwd" ||
    { bad "$name: server did not start"; stop_server; return; }
  reauth_input | timeout 20 "${env_cmd[@]}" "$bin/stepup-cli" localhost -p "$port" --pskusername alice \
    --pskkey "$PSK_HEX" --post-handshake-auth > "$log.cli" 2>&1
  sleep 0.2; stop_server
  if grep -qx -- '- PSK username: alice' "$log.serv" && grep -q 'Re-authentication was completed' "$log.serv" &&
     grep -qx 'after' "$log.cli" && no_loader_warning "$log.serv" "$log.cli"; then
    ok "$name: stepup-serv --pskpasswd <-> stepup-cli --pskusername/--pskkey, **REAUTH** after the PSK"
  else
    bad "$name: PSK stepup-serv <-> stepup-cli"; tail -n 8 "$log.serv" "$log.cli" | sed 's/^/     /'
  fi
}

scenario_psk_gnutls_cli() { # our server with --pskpasswd, gnutls-cli with the PSK
  local name=$1 log=$logs/$1
  have gnutls-cli || { skip "$name: gnutls-cli is not installed"; return; }
  psk_file "$log.passwd"
  start_our_server "$log.serv" --disable-client-cert --pskpasswd "$log.passwd" ||
    { bad "$name: server did not start"; stop_server; return; }
  reauth_input | timeout 20 gnutls-cli localhost -p "$port" --pskusername alice --pskkey "$PSK_HEX" \
    --priority 'NORMAL:+ECDHE-PSK:+PSK' --post-handshake-auth --x509cafile $F/ca.pem \
    --x509certfile $F/client-rsa.pem --x509keyfile $F/client-rsa.key > "$log.cli" 2>&1
  sleep 0.2; stop_server
  if grep -qx -- '- PSK username: alice' "$log.serv" && grep -q 'Re-authentication was completed' "$log.serv" &&
     grep -qx 'after' "$log.cli"; then
    ok "$name: stepup-serv --pskpasswd <-> gnutls-cli --pskusername, **REAUTH** after the PSK"
  else
    bad "$name: PSK stepup-serv <-> gnutls-cli"; tail -n 8 "$log.serv" "$log.cli" | sed 's/^/     /'
  fi
}

scenario_psk_s_client() { # our server with --pskpasswd, openssl s_client -psk
  local name=$1 log=$logs/$1
  have openssl || { skip "$name: openssl is not installed"; return; }
  psk_file "$log.passwd"
  start_our_server "$log.serv" --disable-client-cert --pskpasswd "$log.passwd" ||
    { bad "$name: server did not start"; stop_server; return; }
  reauth_input | timeout 20 openssl s_client -connect "127.0.0.1:$port" -psk_identity alice -psk "$PSK_HEX" \
    -quiet -enable_pha -cert $F/client-ecdsa.pem -key $F/client-ecdsa.key > "$log.cli" 2>&1
  sleep 0.2; stop_server
  # On a PSK session GnuTLS 3.7's certificate_get_peers shows no
  # certificate even after reauth; stepup's GnuTLS API does the same.
  if grep -qx -- '- PSK username: alice' "$log.serv" && grep -q 'Re-authentication was completed' "$log.serv" &&
     grep -qx 'after' "$log.cli"; then
    ok "$name: stepup-serv --pskpasswd <-> openssl s_client -psk, **REAUTH** after the PSK"
  else
    bad "$name: PSK stepup-serv <-> openssl s_client"; tail -n 8 "$log.serv" "$log.cli" | sed 's/^/     /'
  fi
}

scenario_resume_cli() { # our client --resume against our server
  local name=$1 log=$logs/$1
  timeout 30 "${env_cmd[@]}" "$bin/stepup-serv" -p "$port" --echo --x509certfile $F/server-ecdsa.pem \
    --x509keyfile $F/server-ecdsa.key --max-connections 2 > "$log.serv" 2>&1 &
  server_pid=$!
  wait_listening "$log.serv" "listening on" || { bad "$name: server did not start"; stop_server; return; }
  { sleep 1.5; echo hello; sleep 0.5; } | timeout 20 "${env_cmd[@]}" "$bin/stepup-cli" localhost -p "$port" \
    --x509cafile $F/ca.pem --resume > "$log.cli" 2>&1
  sleep 0.2; stop_server
  if grep -qx '\*\*\* This is a resumed session' "$log.cli" && grep -qx '\*\*\* This is a resumed session' "$log.serv" &&
     grep -qx 'hello' "$log.cli"; then
    ok "$name: stepup-cli --resume <-> stepup-serv, the second connection resumes"
  else
    bad "$name: stepup-cli --resume"; tail -n 8 "$log.serv" "$log.cli" | sed 's/^/     /'
  fi
}

scenario_resume_farm() { # two stepup-serv processes sharing a ticket key; s_client resumes across
  local name=$1 log=$logs/$1
  have openssl || { skip "$name: openssl is not installed"; return; }
  rm -f "$log.key"
  local other; other=$(free_port)
  timeout 30 "${env_cmd[@]}" "$bin/stepup-serv" -p "$port" --echo --x509certfile $F/server-ecdsa.pem \
    --x509keyfile $F/server-ecdsa.key --ticket-key-file "$log.key" --max-connections 1 > "$log.serv" 2>&1 &
  local first=$!
  wait_listening "$log.serv" "listening on" || { bad "$name: server did not start"; kill $first; return; }
  timeout 30 "${env_cmd[@]}" "$bin/stepup-serv" -p "$other" --echo --x509certfile $F/server-ecdsa.pem \
    --x509keyfile $F/server-ecdsa.key --ticket-key-file "$log.key" --max-connections 1 > "$log.serv2" 2>&1 &
  server_pid=$!
  wait_listening "$log.serv2" "listening on" || { bad "$name: second server did not start"; kill $first; stop_server; return; }
  { echo ping; sleep 0.5; } | timeout 20 openssl s_client -connect "127.0.0.1:$port" -servername localhost \
    -CAfile $F/ca.pem -sess_out "$log.sess" > "$log.cli" 2>&1
  { echo ping; sleep 0.5; } | timeout 20 openssl s_client -connect "127.0.0.1:$other" -servername localhost \
    -CAfile $F/ca.pem -sess_in "$log.sess" > "$log.cli2" 2>&1
  sleep 0.2; kill $first 2>/dev/null; wait $first 2>/dev/null; stop_server
  if grep -q '^New, TLSv1.3' "$log.cli" && grep -q '^Reused, TLSv1.3' "$log.cli2" &&
     grep -qx '\*\*\* This is a resumed session' "$log.serv2"; then
    ok "$name: a ticket from one stepup-serv resumes on another sharing its key (openssl s_client -sess_out/-sess_in)"
  else
    bad "$name: resumption across servers"; tail -n 6 "$log.serv2" "$log.cli2" | sed 's/^/     /'
  fi
}

scenario_resume_python() { # Python ssl session reuse against our server
  local name=$1 log=$logs/$1
  timeout 30 "${env_cmd[@]}" "$bin/stepup-serv" -p "$port" --echo --x509certfile $F/server-ecdsa.pem \
    --x509keyfile $F/server-ecdsa.key --max-connections 2 > "$log.serv" 2>&1 &
  server_pid=$!
  wait_listening "$log.serv" "listening on" || { bad "$name: server did not start"; stop_server; return; }
  timeout 20 python3 tests/programs/resume_client.py "$port" $F/ca.pem > "$log.cli" 2>&1
  sleep 0.2; stop_server
  if [ "$(grep -c '^reused' "$log.cli")" = 2 ] && grep -qx 'reused True' "$log.cli" &&
     grep -qx '\*\*\* This is a resumed session' "$log.serv"; then
    ok "$name: Python ssl reuses its session with stepup-serv"
  else
    bad "$name: Python ssl session reuse"; tail -n 6 "$log.serv" "$log.cli" | sed 's/^/     /'
  fi
}

scenario_resume_s_server() { # our client --resume against openssl s_server
  local name=$1 log=$logs/$1
  have openssl || { skip "$name: openssl is not installed"; return; }
  { sleep 4; } | timeout 20 openssl s_server -accept "127.0.0.1:$port" -naccept 2 -rev \
    -cert $F/server-rsa.pem -key $F/server-rsa.key > "$log.serv" 2>&1 &
  server_pid=$!
  wait_listening "$log.serv" ACCEPT || { bad "$name: s_server did not start"; stop_server; return; }
  { sleep 1.5; echo hello; sleep 0.5; } | timeout 20 "${env_cmd[@]}" "$bin/stepup-cli" localhost -p "$port" \
    --x509cafile $F/ca.pem --resume > "$log.cli" 2>&1
  stop_server
  if grep -qx '\*\*\* This is a resumed session' "$log.cli" && grep -qx 'olleh' "$log.cli"; then
    ok "$name: stepup-cli --resume <-> openssl s_server, the second connection resumes"
  else
    bad "$name: stepup-cli --resume against s_server"; tail -n 8 "$log.cli" | sed 's/^/     /'
  fi
}

# with_gnutls_serv LOG "SERVER ARGS" CLIENT-ARGS...: gnutls-serv --echo in
# its own network namespace (it binds every interface), our client against
# it with reauth_input on stdin. Returns 2 when the namespace is not possible.
with_gnutls_serv() {
  local log=$1 server_args=$2; shift 2
  have gnutls-serv || { skip "$log: gnutls-serv is not installed"; return 2; }
  have unshare || { skip "$log: unshare is not installed"; return 2; }
  if ! unshare -n true 2>/dev/null; then skip "$log: unshare -n is not permitted here"; return 2; fi
  unshare -n bash -c '
    ip link set lo up || exit 3
    '"$(declare -f reauth_input wait_listening)"'
    log=$1; port=$2; F=$3; bin=$4; server_args=$5; shift 5
    nenv=0; for a in "$@"; do [ "$a" = -- ] && break; nenv=$((nenv + 1)); done
    envs=("${@:1:$nenv}"); shift $((nenv + 1))
    timeout 20 gnutls-serv --echo -p "$port" --x509certfile $F/server-ecdsa.pem --x509keyfile $F/server-ecdsa.key \
      --x509cafile $F/ca.pem $server_args > "$log.serv" 2>&1 &
    pid=$!
    wait_listening "$log.serv" "listening" || { kill $pid; exit 4; }
    reauth_input | timeout 20 "${envs[@]}" "$bin/stepup-cli" localhost -p "$port" "$@" > "$log.cli" 2>&1
    kill $pid; wait $pid 2>/dev/null; exit 0' _ "$log" "$port" "$F" "$bin" "$server_args" "${env_cmd[@]}" -- "$@"
}

scenario_gnutls_serv_psk() { # our client with a PSK against gnutls-serv --pskpasswd
  local name=$1 log=$logs/$1
  psk_file "$log.passwd"
  with_gnutls_serv "$log" "--pskpasswd $log.passwd --priority NORMAL:+ECDHE-PSK:+PSK" \
    --pskusername alice --pskkey "$PSK_HEX" --post-handshake-auth \
    --x509certfile $F/client-ecdsa.pem --x509keyfile $F/client-ecdsa.key || return
  if grep -q 'Re-authentication answered' "$log.cli" && grep -qx 'after' "$log.cli" &&
     grep -q 'Sending re-auth request' "$log.serv"; then
    ok "$name: stepup-cli --pskusername/--pskkey <-> gnutls-serv --pskpasswd, **REAUTH** after the PSK"
  else
    bad "$name: stepup-cli PSK <-> gnutls-serv"; tail -n 8 "$log.serv" "$log.cli" | sed 's/^/     /'
  fi
}

scenario_gnutls_serv_resume() { # our client --resume against gnutls-serv
  local name=$1 log=$logs/$1
  with_gnutls_serv "$log" "" --x509cafile $F/ca.pem --resume || return
  if grep -qx '\*\*\* This is a resumed session' "$log.cli" && grep -qx 'hello' "$log.cli"; then
    ok "$name: stepup-cli --resume <-> gnutls-serv, the second connection resumes"
  else
    bad "$name: stepup-cli --resume <-> gnutls-serv"; tail -n 8 "$log.serv" "$log.cli" | sed 's/^/     /'
  fi
}

scenario_no_cert() { # our server asks (REQUEST), our client has no certificate to give
  local name=$1 log=$logs/$1
  start_our_server "$log.serv" || { bad "$name: server did not start"; stop_server; return; }
  reauth_input | timeout 20 "${env_cmd[@]}" "$bin/stepup-cli" localhost -p "$port" --x509cafile $F/ca.pem \
    --post-handshake-auth > "$log.cli" 2>&1
  sleep 0.2; stop_server
  if grep -q 'Re-authentication was completed' "$log.serv" &&
     [ "$(grep -c 'Peer did not send a certificate' "$log.serv")" = 2 ] && grep -qx 'after' "$log.cli"; then
    ok "$name: **REAUTH** answered with an empty Certificate (REQUEST)"
  else
    bad "$name: **REAUTH** without a client certificate"; tail -n 8 "$log.serv" "$log.cli" | sed 's/^/     /'
  fi
}

scenario_s_server() { # our client, openssl s_server sending a CertificateRequest on "c"
  local name=$1 log=$logs/$1
  have openssl || { skip "$name: openssl is not installed"; return; }
  { sleep 1.5; printf 'c\n'; sleep 1.5; printf 'Q\n'; } | timeout 20 openssl s_server -accept "127.0.0.1:$port" \
    -cert $F/server-rsa.pem -key $F/server-rsa.key -CAfile $F/ca.pem -verify 1 > "$log.serv" 2>&1 &
  server_pid=$!
  wait_listening "$log.serv" ACCEPT || { bad "$name: s_server did not start"; stop_server; return; }
  sleep 4 | timeout 20 "${env_cmd[@]}" "$bin/stepup-cli" localhost -p "$port" --x509cafile $F/ca.pem \
    --x509certfile $F/client-ecdsa.pem --x509keyfile $F/client-ecdsa.key --post-handshake-auth > "$log.cli" 2>&1
  stop_server
  # s_server verifies alice twice: at the handshake and after "c".
  if grep -q 'Re-authentication answered' "$log.cli" &&
     [ "$(grep -c 'depth=0 CN = alice' "$log.serv")" -ge 2 ]; then
    ok "$name: stepup-cli <-> openssl s_server, post-handshake CertificateRequest"
  else
    bad "$name: stepup-cli <-> openssl s_server"; tail -n 8 "$log.serv" "$log.cli" | sed 's/^/     /'
  fi
}

scenario_gnutls_serv() { # our client, gnutls-serv in its own network namespace
  local name=$1 log=$logs/$1
  have gnutls-serv || { skip "$name: gnutls-serv is not installed"; return; }
  have unshare || { skip "$name: unshare is not installed"; return; }
  if ! unshare -n true 2>/dev/null; then skip "$name: unshare -n is not permitted here"; return; fi
  unshare -n bash -c '
    ip link set lo up || exit 3
    '"$(declare -f reauth_input wait_listening)"'
    log=$1; port=$2; F=$3; bin=$4; shift 4
    timeout 20 gnutls-serv --echo -p "$port" --x509certfile $F/server-ecdsa.pem --x509keyfile $F/server-ecdsa.key \
      --x509cafile $F/ca.pem > "$log.serv" 2>&1 &
    pid=$!
    wait_listening "$log.serv" "listening" || { kill $pid; exit 4; }
    reauth_input | timeout 20 "$@" "$bin/stepup-cli" localhost -p "$port" --x509cafile $F/ca.pem \
      --x509certfile $F/client-ecdsa.pem --x509keyfile $F/client-ecdsa.key --post-handshake-auth > "$log.cli" 2>&1
    kill $pid; wait $pid 2>/dev/null; exit 0' _ "$log" "$port" "$F" "$bin" "${env_cmd[@]}"
  if grep -q 'Re-authentication answered' "$log.cli" && grep -qx 'after' "$log.cli" &&
     grep -q 'Sending re-auth request' "$log.serv" && ! grep -qi 'reauth.*error\|error.*reauth' "$log.serv"; then
    ok "$name: stepup-cli <-> gnutls-serv --echo, **REAUTH**"
  else
    bad "$name: stepup-cli <-> gnutls-serv"; tail -n 8 "$log.serv" "$log.cli" | sed 's/^/     /'
  fi
}

# TLS 1.2 peers. Each checks the negotiated protocol in the logs, data both
# ways, and that **REAUTH** is refused on TLS 1.2 (gnutls_reauth returns
# GNUTLS_E_INVALID_REQUEST: "The request is invalid."). A failed
# re-authentication ends the connection in stepup-serv and gnutls-serv
# alike, so the echo stops after "hello".
tls12_served() { # LOG.serv shows a TLS 1.2 session and the refused **REAUTH**
  grep -q -- '- Server: Protocol: TLS1.2' "$1" &&
    grep -q '\*\*\* Re-authentication failed: The request is invalid' "$1"
}

scenario_tls12_s_client() { # our server, openssl s_client -tls1_2 (RSA key: ECDHE-RSA)
  local name=$1 log=$logs/$1
  have openssl || { skip "$name: openssl is not installed"; return; }
  timeout 30 "${env_cmd[@]}" "$bin/stepup-serv" -p "$port" --echo --x509certfile $F/server-rsa.pem \
    --x509keyfile $F/server-rsa.key --x509cafile $F/ca.pem --max-connections 1 --disable-client-cert \
    > "$log.serv" 2>&1 &
  server_pid=$!
  wait_listening "$log.serv" "listening on" || { bad "$name: server did not start"; stop_server; return; }
  reauth_input | timeout 20 openssl s_client -tls1_2 -connect "127.0.0.1:$port" -quiet -CAfile $F/ca.pem \
    > "$log.cli" 2>&1
  sleep 0.2; stop_server
  if tls12_served "$log.serv" && grep -qx 'hello' "$log.cli"; then
    ok "$name: stepup-serv <-> openssl s_client -tls1_2, **REAUTH** refused"
  else
    bad "$name: stepup-serv <-> openssl s_client -tls1_2"; tail -n 8 "$log.serv" "$log.cli" | sed 's/^/     /'
  fi
}

scenario_tls12_gnutls_cli() { # our server, gnutls-cli with TLS 1.3 off
  local name=$1 log=$logs/$1
  have gnutls-cli || { skip "$name: gnutls-cli is not installed"; return; }
  start_our_server "$log.serv" --disable-client-cert || { bad "$name: server did not start"; stop_server; return; }
  reauth_input | timeout 20 gnutls-cli localhost -p "$port" --x509cafile $F/ca.pem \
    --priority NORMAL:-VERS-TLS1.3 > "$log.cli" 2>&1
  sleep 0.2; stop_server
  if tls12_served "$log.serv" && grep -qx 'hello' "$log.cli" && grep -q 'Description: (TLS1.2' "$log.cli"; then
    ok "$name: stepup-serv <-> gnutls-cli --priority NORMAL:-VERS-TLS1.3, **REAUTH** refused"
  else
    bad "$name: stepup-serv <-> gnutls-cli (TLS 1.2)"; tail -n 8 "$log.serv" "$log.cli" | sed 's/^/     /'
  fi
}

scenario_tls12_python() { # our server, Python ssl capped at TLS 1.2
  local name=$1 log=$logs/$1
  start_our_server "$log.serv" --disable-client-cert || { bad "$name: server did not start"; stop_server; return; }
  timeout 20 python3 - "$port" $F/ca.pem > "$log.cli" 2>&1 <<'PY'
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
ctx.maximum_version = ssl.TLSVersion.TLSv1_2
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10) as raw:
    with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
        print("version", tls.version())
        tls.sendall(b"hello\n")
        print("echo", tls.recv(100).decode().strip())
PY
  sleep 0.2; stop_server
  if grep -q -- '- Server: Protocol: TLS1.2' "$log.serv" && grep -qx 'version TLSv1.2' "$log.cli" &&
     grep -qx 'echo hello' "$log.cli"; then
    ok "$name: stepup-serv <-> Python ssl capped at TLS 1.2"
  else
    bad "$name: stepup-serv <-> Python ssl (TLS 1.2)"; tail -n 8 "$log.serv" "$log.cli" | sed 's/^/     /'
  fi
}

scenario_tls12_curl() { # our server in HTTP mode, curl --tls-max 1.2
  local name=$1 log=$logs/$1
  have curl || { skip "$name: curl is not installed"; return; }
  timeout 30 "${env_cmd[@]}" "$bin/stepup-serv" -p "$port" --x509certfile $F/server-ecdsa.pem \
    --x509keyfile $F/server-ecdsa.key --x509cafile $F/ca.pem --disable-client-cert --max-connections 2 \
    > "$log.serv" 2>&1 &
  server_pid=$!
  wait_listening "$log.serv" "listening on" || { bad "$name: server did not start"; stop_server; return; }
  local tls=(--max-time 10 -sS --tls-max 1.2 --cacert $F/ca.pem)
  curl "${tls[@]}" "https://localhost:$port/" > "$log.cli" 2>&1
  curl "${tls[@]}" "https://localhost:$port/reauth" > "$log.cli2" 2>&1
  sleep 0.2; stop_server
  if grep -qx 'Protocol: TLS1.2' "$log.cli" &&
     grep -qx 'Re-authentication: The request is invalid.' "$log.cli2"; then
    ok "$name: curl --tls-max 1.2 GET /, and GET /reauth refused on TLS 1.2"
  else
    bad "$name: stepup-serv (HTTP) <-> curl --tls-max 1.2"; tail -n 8 "$log.serv" "$log.cli" "$log.cli2" | sed 's/^/     /'
  fi
}

scenario_tls12_s_server() { # our client against openssl s_server -tls1_2
  local name=$1 log=$logs/$1
  have openssl || { skip "$name: openssl is not installed"; return; }
  { sleep 3; } | timeout 20 openssl s_server -tls1_2 -accept "127.0.0.1:$port" -naccept 1 -rev \
    -cert $F/server-ecdsa.pem -key $F/server-ecdsa.key > "$log.serv" 2>&1 &
  server_pid=$!
  wait_listening "$log.serv" ACCEPT || { bad "$name: s_server did not start"; stop_server; return; }
  { echo hello; sleep 1; } | timeout 20 "${env_cmd[@]}" "$bin/stepup-cli" localhost -p "$port" \
    --x509cafile $F/ca.pem > "$log.cli" 2>&1
  stop_server
  if grep -q -- '- Client: Protocol: TLS1.2' "$log.cli" && grep -qx 'olleh' "$log.cli"; then
    ok "$name: stepup-cli <-> openssl s_server -tls1_2"
  else
    bad "$name: stepup-cli <-> openssl s_server -tls1_2"; tail -n 8 "$log.serv" "$log.cli" | sed 's/^/     /'
  fi
}

scenario_tls12_gnutls_serv() { # our client against gnutls-serv with TLS 1.3 off
  local name=$1 log=$logs/$1
  with_gnutls_serv "$log" "--priority NORMAL:-VERS-TLS1.3" --x509cafile $F/ca.pem || return
  if grep -q -- '- Client: Protocol: TLS1.2' "$log.cli" && grep -qx 'hello' "$log.cli" &&
     grep -q 'reauth: The request is invalid' "$log.serv"; then
    ok "$name: stepup-cli <-> gnutls-serv --priority NORMAL:-VERS-TLS1.3, its reauth refused"
  else
    bad "$name: stepup-cli <-> gnutls-serv (TLS 1.2)"; tail -n 8 "$log.serv" "$log.cli" | sed 's/^/     /'
  fi
}

# TLS 1.2 resumption with RFC 5077 tickets, each way.
scenario_tls12_resume_farm() { # s_client -tls1_2 resumes across two stepup-serv sharing a ticket key
  local name=$1 log=$logs/$1
  have openssl || { skip "$name: openssl is not installed"; return; }
  rm -f "$log.key"
  local other; other=$(free_port)
  timeout 30 "${env_cmd[@]}" "$bin/stepup-serv" -p "$port" --echo --x509certfile $F/server-rsa.pem \
    --x509keyfile $F/server-rsa.key --ticket-key-file "$log.key" --max-connections 1 > "$log.serv" 2>&1 &
  local first=$!
  wait_listening "$log.serv" "listening on" || { bad "$name: server did not start"; kill $first; return; }
  timeout 30 "${env_cmd[@]}" "$bin/stepup-serv" -p "$other" --echo --x509certfile $F/server-rsa.pem \
    --x509keyfile $F/server-rsa.key --ticket-key-file "$log.key" --max-connections 1 > "$log.serv2" 2>&1 &
  server_pid=$!
  wait_listening "$log.serv2" "listening on" || { bad "$name: second server did not start"; kill $first; stop_server; return; }
  { echo ping; sleep 0.5; } | timeout 20 openssl s_client -tls1_2 -connect "127.0.0.1:$port" -servername localhost \
    -CAfile $F/ca.pem -sess_out "$log.sess" > "$log.cli" 2>&1
  { echo ping; sleep 0.5; } | timeout 20 openssl s_client -tls1_2 -connect "127.0.0.1:$other" -servername localhost \
    -CAfile $F/ca.pem -sess_in "$log.sess" > "$log.cli2" 2>&1
  sleep 0.2; kill $first 2>/dev/null; wait $first 2>/dev/null; stop_server
  if grep -q '^New, TLSv1.2' "$log.cli" && grep -q '^Reused, TLSv1.2' "$log.cli2" &&
     grep -qx '\*\*\* This is a resumed session' "$log.serv2"; then
    ok "$name: a TLS 1.2 ticket from one stepup-serv resumes on another (openssl s_client -tls1_2 -sess_out/-sess_in)"
  else
    bad "$name: TLS 1.2 resumption across servers"; tail -n 6 "$log.serv2" "$log.cli2" | sed 's/^/     /'
  fi
}

scenario_tls12_resume_gnutls_cli() { # gnutls-cli --resume with TLS 1.3 off against our server
  local name=$1 log=$logs/$1
  have gnutls-cli || { skip "$name: gnutls-cli is not installed"; return; }
  timeout 30 "${env_cmd[@]}" "$bin/stepup-serv" -p "$port" --echo --x509certfile $F/server-ecdsa.pem \
    --x509keyfile $F/server-ecdsa.key --max-connections 2 > "$log.serv" 2>&1 &
  server_pid=$!
  wait_listening "$log.serv" "listening on" || { bad "$name: server did not start"; stop_server; return; }
  { sleep 1.5; echo hello; sleep 0.5; } | timeout 20 gnutls-cli localhost -p "$port" --x509cafile $F/ca.pem \
    --priority NORMAL:-VERS-TLS1.3 --resume > "$log.cli" 2>&1
  sleep 0.2; stop_server
  if grep -qx '\*\*\* This is a resumed session' "$log.cli" && grep -qx '\*\*\* This is a resumed session' "$log.serv" &&
     grep -q -- '- Server: Protocol: TLS1.2' "$log.serv" && grep -qx 'hello' "$log.cli"; then
    ok "$name: gnutls-cli --resume (TLS 1.2) <-> stepup-serv, the second connection resumes"
  else
    bad "$name: gnutls-cli --resume (TLS 1.2)"; tail -n 8 "$log.serv" "$log.cli" | sed 's/^/     /'
  fi
}

scenario_tls12_resume_python() { # Python ssl capped at TLS 1.2 reuses its session
  local name=$1 log=$logs/$1
  timeout 30 "${env_cmd[@]}" "$bin/stepup-serv" -p "$port" --echo --x509certfile $F/server-ecdsa.pem \
    --x509keyfile $F/server-ecdsa.key --max-connections 2 > "$log.serv" 2>&1 &
  server_pid=$!
  wait_listening "$log.serv" "listening on" || { bad "$name: server did not start"; stop_server; return; }
  timeout 20 python3 tests/programs/resume_client.py "$port" $F/ca.pem 1.2 > "$log.cli" 2>&1
  sleep 0.2; stop_server
  if [ "$(grep -c '^version TLSv1.2' "$log.cli")" = 2 ] && grep -qx 'reused True' "$log.cli" &&
     grep -qx '\*\*\* This is a resumed session' "$log.serv"; then
    ok "$name: Python ssl capped at TLS 1.2 reuses its session with stepup-serv"
  else
    bad "$name: Python ssl TLS 1.2 session reuse"; tail -n 6 "$log.serv" "$log.cli" | sed 's/^/     /'
  fi
}

scenario_tls12_resume_s_server() { # our client --resume against openssl s_server -tls1_2
  local name=$1 log=$logs/$1
  have openssl || { skip "$name: openssl is not installed"; return; }
  { sleep 4; } | timeout 20 openssl s_server -tls1_2 -accept "127.0.0.1:$port" -naccept 2 -rev \
    -cert $F/server-rsa.pem -key $F/server-rsa.key > "$log.serv" 2>&1 &
  server_pid=$!
  wait_listening "$log.serv" ACCEPT || { bad "$name: s_server did not start"; stop_server; return; }
  { sleep 1.5; echo hello; sleep 0.5; } | timeout 20 "${env_cmd[@]}" "$bin/stepup-cli" localhost -p "$port" \
    --x509cafile $F/ca.pem --resume > "$log.cli" 2>&1
  stop_server
  if grep -qx '\*\*\* This is a resumed session' "$log.cli" && grep -qx 'olleh' "$log.cli" &&
     grep -q -- '- Client: Protocol: TLS1.2' "$log.cli"; then
    ok "$name: stepup-cli --resume <-> openssl s_server -tls1_2, the second connection resumes"
  else
    bad "$name: stepup-cli --resume against s_server -tls1_2"; tail -n 8 "$log.cli" | sed 's/^/     /'
  fi
}

scenario_tls12_gnutls_serv_resume() { # our client --resume against gnutls-serv with TLS 1.3 off
  local name=$1 log=$logs/$1
  with_gnutls_serv "$log" "--priority NORMAL:-VERS-TLS1.3" --x509cafile $F/ca.pem --resume || return
  if grep -qx '\*\*\* This is a resumed session' "$log.cli" && grep -qx 'hello' "$log.cli" &&
     grep -q -- '- Client: Protocol: TLS1.2' "$log.cli"; then
    ok "$name: stepup-cli --resume <-> gnutls-serv (TLS 1.2), the second connection resumes"
  else
    bad "$name: stepup-cli --resume <-> gnutls-serv (TLS 1.2)"; tail -n 8 "$log.serv" "$log.cli" | sed 's/^/     /'
  fi
}

# TLS 1.2 client certificates, each way.
scenario_tls12_client_cert_s_client() { # our server requires one; openssl s_client -tls1_2 -cert
  local name=$1 log=$logs/$1
  have openssl || { skip "$name: openssl is not installed"; return; }
  timeout 30 "${env_cmd[@]}" "$bin/stepup-serv" -p "$port" --echo --x509certfile $F/server-ecdsa.pem \
    --x509keyfile $F/server-ecdsa.key --x509cafile $F/ca.pem --require-client-cert --max-connections 1 \
    > "$log.serv" 2>&1 &
  server_pid=$!
  wait_listening "$log.serv" "listening on" || { bad "$name: server did not start"; stop_server; return; }
  { echo hello; sleep 0.5; } | timeout 20 openssl s_client -tls1_2 -connect "127.0.0.1:$port" -quiet -CAfile $F/ca.pem \
    -cert $F/client-rsa.pem -key $F/client-rsa.key > "$log.cli" 2>&1
  sleep 0.2; stop_server
  if grep -q -- '- Server: Protocol: TLS1.2' "$log.serv" && grep -q "Certificate\[0\] subject \`CN=alice'" "$log.serv" &&
     grep -qx 'hello' "$log.cli"; then
    ok "$name: stepup-serv --require-client-cert <-> openssl s_client -tls1_2 with alice's RSA certificate"
  else
    bad "$name: TLS 1.2 client certificate from openssl s_client"; tail -n 8 "$log.serv" "$log.cli" | sed 's/^/     /'
  fi
}

scenario_tls12_client_cert_gnutls_cli() { # our server requires one; gnutls-cli with TLS 1.3 off
  local name=$1 log=$logs/$1
  have gnutls-cli || { skip "$name: gnutls-cli is not installed"; return; }
  timeout 30 "${env_cmd[@]}" "$bin/stepup-serv" -p "$port" --echo --x509certfile $F/server-rsa.pem \
    --x509keyfile $F/server-rsa.key --x509cafile $F/ca.pem --require-client-cert --max-connections 1 \
    > "$log.serv" 2>&1 &
  server_pid=$!
  wait_listening "$log.serv" "listening on" || { bad "$name: server did not start"; stop_server; return; }
  { echo hello; sleep 0.5; } | timeout 20 gnutls-cli localhost -p "$port" --x509cafile $F/ca.pem \
    --priority NORMAL:-VERS-TLS1.3 --x509certfile $F/client-ecdsa.pem --x509keyfile $F/client-ecdsa.key \
    > "$log.cli" 2>&1
  sleep 0.2; stop_server
  if grep -q -- '- Server: Protocol: TLS1.2' "$log.serv" && grep -q "Certificate\[0\] subject \`CN=alice'" "$log.serv" &&
     grep -qx 'hello' "$log.cli"; then
    ok "$name: stepup-serv --require-client-cert <-> gnutls-cli (TLS 1.2) with alice's ECDSA certificate"
  else
    bad "$name: TLS 1.2 client certificate from gnutls-cli"; tail -n 8 "$log.serv" "$log.cli" | sed 's/^/     /'
  fi
}

scenario_tls12_client_cert_s_server() { # our client with a certificate; openssl s_server -tls1_2 -Verify 1
  local name=$1 log=$logs/$1
  have openssl || { skip "$name: openssl is not installed"; return; }
  { sleep 3; } | timeout 20 openssl s_server -tls1_2 -accept "127.0.0.1:$port" -naccept 1 -rev \
    -cert $F/server-ecdsa.pem -key $F/server-ecdsa.key -CAfile $F/ca.pem -Verify 1 > "$log.serv" 2>&1 &
  server_pid=$!
  wait_listening "$log.serv" ACCEPT || { bad "$name: s_server did not start"; stop_server; return; }
  { echo hello; sleep 1; } | timeout 20 "${env_cmd[@]}" "$bin/stepup-cli" localhost -p "$port" \
    --x509cafile $F/ca.pem --x509certfile $F/client-rsa.pem --x509keyfile $F/client-rsa.key > "$log.cli" 2>&1
  stop_server
  if grep -q -- '- Client: Protocol: TLS1.2' "$log.cli" && grep -qx 'olleh' "$log.cli"; then
    ok "$name: stepup-cli with alice's certificate <-> openssl s_server -tls1_2 -Verify 1"
  else
    bad "$name: stepup-cli certificate <-> openssl s_server -tls1_2 -Verify 1"; tail -n 8 "$log.serv" "$log.cli" | sed 's/^/     /'
  fi
}

scenario_tls12_client_cert_gnutls_serv() { # our client with a certificate; gnutls-serv requires one, TLS 1.3 off
  local name=$1 log=$logs/$1
  with_gnutls_serv "$log" "--require-client-cert --priority NORMAL:-VERS-TLS1.3" --x509cafile $F/ca.pem \
    --x509certfile $F/client-ecdsa.pem --x509keyfile $F/client-ecdsa.key || return
  if grep -q -- '- Client: Protocol: TLS1.2' "$log.cli" && grep -qx 'hello' "$log.cli" &&
     grep -q 'Got a certificate list of 1 certificates' "$log.serv"; then
    ok "$name: stepup-cli with alice's certificate <-> gnutls-serv --require-client-cert (TLS 1.2)"
  else
    bad "$name: stepup-cli certificate <-> gnutls-serv (TLS 1.2)"; tail -n 8 "$log.serv" "$log.cli" | sed 's/^/     /'
  fi
}

for set in ${PROGRAM_SETS:-stepup system compat}; do
  set_env "$set"
  if [ ! -x "$bin/stepup-serv" ] || [ ! -x "$bin/stepup-cli" ]; then
    bad "$set: $bin/stepup-serv and stepup-cli are not built (make programs examples-system)"; continue
  fi
  for s in cli s_client gnutls_cli python curl no_cert untrusted psk_cli psk_gnutls_cli psk_s_client \
           resume_cli resume_farm resume_python resume_s_server s_server gnutls_serv gnutls_serv_psk \
           gnutls_serv_resume tls12_s_client tls12_gnutls_cli tls12_python tls12_curl tls12_s_server \
           tls12_gnutls_serv tls12_resume_farm tls12_resume_gnutls_cli tls12_resume_python \
           tls12_resume_s_server tls12_gnutls_serv_resume tls12_client_cert_s_client \
           tls12_client_cert_gnutls_cli tls12_client_cert_s_server tls12_client_cert_gnutls_serv; do
    port=$(free_port)
    "scenario_$s" "$set-$s"
  done
done

# The server's account of re-authentication is the same with stepup as with
# the system GnuTLS, line for line.
for s in cli s_client gnutls_cli python curl no_cert psk_cli psk_gnutls_cli psk_s_client tls12_s_client \
         tls12_gnutls_cli tls12_client_cert_s_client tls12_client_cert_gnutls_cli; do
  if [ -f "$logs/stepup-$s.serv" ] && [ -f "$logs/system-$s.serv" ]; then
    if diff <(reauth_report "$logs/system-$s.serv") <(reauth_report "$logs/stepup-$s.serv") > "$logs/diff-$s"; then
      ok "$s: stepup-serv reports negotiation and re-authentication as the system-built one does"
    else
      bad "$s: stepup-serv's report differs from the system-built one"; sed 's/^/     /' "$logs/diff-$s" | head -12
    fi
  fi
done

# And stepup-cli's account of the connection, where our client ran.
client_report() { grep -E '^(\*\*\*| - Certificate|- Peer|- Client: |- Status: )' "$1"; }
for s in cli no_cert untrusted s_server gnutls_serv resume_cli resume_s_server gnutls_serv_resume tls12_s_server \
         tls12_gnutls_serv tls12_resume_s_server tls12_gnutls_serv_resume tls12_client_cert_s_server \
         tls12_client_cert_gnutls_serv; do
  if [ -f "$logs/stepup-$s.cli" ] && [ -f "$logs/system-$s.cli" ]; then
    if diff <(client_report "$logs/system-$s.cli") <(client_report "$logs/stepup-$s.cli") > "$logs/diff-$s.cli"; then
      ok "$s: stepup-cli reports the connection as the system-built one does"
    else
      bad "$s: stepup-cli's report differs from the system-built one"; sed 's/^/     /' "$logs/diff-$s.cli" | head -12
    fi
  fi
done

echo "programs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
