#!/usr/bin/env bash
# Real programs that link libgnutls.so.30, run unchanged twice: on the
# system GnuTLS and with LD_LIBRARY_PATH=build/compat. Each scenario
# reduces a run to an outcome line (exit status and the facts that show
# what happened); the two outcomes must be equal, and equal to the outcome
# the scenario expects, so a scenario fails when both libraries go wrong
# the same way.
#
# Programs: wget, a libcurl-gnutls client (curl_get.c), gnutls-cli and
# gnutls-serv (gnutls-bin), msmtp, and an HTTPS server on libmicrohttpd
# (mhd_serve.c). Peers: openssl s_server / s_client, curl, stepup-serv,
# and a small SMTP-over-TLS fake (smtps_fake.py), all on 127.0.0.1.
#
# Interactive scenarios are driven through FIFOs: each line is written
# only after the output shows the previous step happened (waits are
# bounded, 15 s each), so no outcome depends on timing. gnutls-serv binds
# every interface, so it runs inside `unshare -n` with only loopback up.
set -u
# A program that exits early must not kill the script writing to it.
trap '' PIPE
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
F=tests/fixtures
out=build/real
mkdir -p "$out"
passed=0
failed=0
require=${STEPUP_REQUIRE_INTEROP:-0}
COMPAT=${COMPAT_DIR:-build/compat}

ok() { echo "ok   real: $*"; passed=$((passed + 1)); }
bad() { echo "FAIL real: $*"; failed=$((failed + 1)); }
skip() {
  if [ "$require" = 1 ]; then bad "$* (required: STEPUP_REQUIRE_INTEROP=1)"; else echo "!!! SKIPPED real: $*"; fi
}
have() { command -v "$1" >/dev/null 2>&1; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# wait_for FILE PATTERN: until FILE holds a line matching PATTERN (15 s at most).
wait_for() {
  for _ in $(seq 150); do
    grep -q -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# lib_env LIB: the loader environment for the system GnuTLS or for compat.
lib_env() {
  case $1 in
    system) echo "" ;;
    compat) echo "$COMPAT" ;;
  esac
}

pids=()
stop_all() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  pids=()
}
trap stop_all EXIT

# s_server_www CERT: openssl s_server -www on a free port ($port), one
# connection at a time, for 30 s at most.
s_server_www() {
  port=$(free_port)
  timeout 30 openssl s_server -www -accept "127.0.0.1:$port" -cert "$F/$1.pem" -key "$F/$1.key" \
    > "$log.s_server" 2>&1 &
  pids+=($!)
  wait_for "$log.s_server" ACCEPT
}

# --- the scenarios: each prints its outcome line -----------------------

outcome_wget() { # CERT: wget GET, trusting the test CA
  local lib=$1 cert=$2 rc
  s_server_www "$cert" || { echo "s_server did not start"; return; }
  rm -f "$log.body"
  LD_LIBRARY_PATH=$(lib_env "$lib") timeout 20 wget -q -O "$log.body" --ca-certificate=$F/ca.pem \
    "https://localhost:$port/" > "$log.wget" 2>&1
  rc=$?
  stop_all
  echo "exit=$rc body=$(grep -c 's_server -www' "$log.body" 2>/dev/null)"
}

outcome_curl() { # CA: the libcurl-gnutls client, trusting CA
  local lib=$1 ca=$2 rc
  s_server_www server-rsa || { echo "s_server did not start"; return; }
  LD_LIBRARY_PATH=$(lib_env "$lib") timeout 20 "$out/curl_get" "https://localhost:$port/" "$F/$ca.pem" > "$log.curl" 2>&1
  rc=$?
  stop_all
  echo "exit=$rc $(grep '^result:' "$log.curl") $(grep -c '^first line: <HTML>' "$log.curl")"
}

outcome_cli_get() { # CERT: gnutls-cli GET from s_server -www
  local lib=$1 cert=$2 rc
  s_server_www "$cert" || { echo "s_server did not start"; return; }
  mkfifo "$log.in"
  LD_LIBRARY_PATH=$(lib_env "$lib") timeout 20 gnutls-cli --x509cafile $F/ca.pem -p "$port" localhost \
    < "$log.in" > "$log.cli" 2>&1 &
  local cli=$!
  exec 3> "$log.in"
  wait_for "$log.cli" "Handshake was completed\|PKI verification" && printf 'GET / HTTP/1.0\r\n\r\n' >&3 2>/dev/null
  wait_for "$log.cli" "</HTML>\|failed" ; exec 3>&-
  wait "$cli"; rc=$?
  rm -f "$log.in"; stop_all
  echo "exit=$rc $(sed -n 's/^- \(Status: .*[^ ]\) *$/\1/p' "$log.cli" | head -n 1) http=$(grep -c '^HTTP/1.0 200 ok' "$log.cli")"
}

outcome_cli_pha_stepup() { # gnutls-cli --post-handshake-auth against stepup-serv typing **REAUTH**
  local lib=$1 rc
  port=$(free_port)
  timeout 30 build/bin/stepup-serv -p "$port" --echo --x509certfile $F/server-ecdsa.pem \
    --x509keyfile $F/server-ecdsa.key --x509cafile $F/ca.pem --max-connections 1 > "$log.serv" 2>&1 &
  pids+=($!)
  wait_for "$log.serv" "listening on" || { echo "stepup-serv did not start"; stop_all; return; }
  mkfifo "$log.in"
  LD_LIBRARY_PATH=$(lib_env "$lib") timeout 20 gnutls-cli --x509cafile $F/ca.pem --x509certfile $F/client-rsa.pem \
    --x509keyfile $F/client-rsa.key --post-handshake-auth -p "$port" localhost < "$log.in" > "$log.cli" 2>&1 &
  local cli=$!
  exec 3> "$log.in"
  wait_for "$log.cli" "Simple Client Mode" && echo hello >&3
  wait_for "$log.cli" "^hello" && echo '**REAUTH**' >&3
  wait_for "$log.cli" "Re-auth was performed" && echo after >&3
  wait_for "$log.cli" "^after"; exec 3>&-
  wait "$cli"; rc=$?
  rm -f "$log.in"; stop_all
  echo "exit=$rc reauth=$(grep -c 'Re-auth was performed' "$log.cli") after=$(grep -c '^after' "$log.cli")" \
    "server: $(grep -c 'Re-authentication was completed' "$log.serv") $(grep -c "subject \`CN=alice'" "$log.serv")"
}

outcome_cli_pha_openssl() { # gnutls-cli --post-handshake-auth; openssl s_server asks ('c')
  local lib=$1 rc
  port=$(free_port)
  mkfifo "$log.sin" "$log.in"
  timeout 30 openssl s_server -accept "127.0.0.1:$port" -cert $F/server-rsa.pem -key $F/server-rsa.key \
    -CAfile $F/ca.pem -Verify 1 -verify_return_error -naccept 1 < "$log.sin" > "$log.s_server" 2>&1 &
  pids+=($!)
  exec 4> "$log.sin"
  wait_for "$log.s_server" ACCEPT || { echo "s_server did not start"; exec 4>&-; stop_all; return; }
  LD_LIBRARY_PATH=$(lib_env "$lib") timeout 20 gnutls-cli --x509cafile $F/ca.pem --x509certfile $F/client-rsa.pem \
    --x509keyfile $F/client-rsa.key --post-handshake-auth -p "$port" localhost < "$log.in" > "$log.cli" 2>&1 &
  local cli=$!
  exec 3> "$log.in"
  wait_for "$log.s_server" "^CIPHER is" && echo c >&4
  wait_for "$log.cli" "Re-auth was performed" && echo after >&3
  wait_for "$log.s_server" "^after"
  # gnutls-cli ends the connection when its input ends; then s_server.
  exec 3>&-
  wait "$cli"; rc=$?
  exec 4>&-
  rm -f "$log.sin" "$log.in"; stop_all
  echo "exit=$rc reauth=$(grep -c 'Re-auth was performed' "$log.cli")" \
    "server: verified=$(grep -c 'depth=0 CN = alice' "$log.s_server") after=$(grep -c '^after' "$log.s_server")"
}

# in_netns SCRIPT ARGS...: runs SCRIPT with bash in a network namespace of
# its own with loopback up (for gnutls-serv, which binds every interface).
in_netns() {
  local script=$1; shift
  unshare -n bash -c 'ip link set lo up || exit 3
'"$(declare -f wait_for)"'
'"$script" _ "$@"
}

outcome_serv_http() { # gnutls-serv --http, served to curl
  local lib=$1
  in_netns '
    lib=$1; log=$2; F=$3
    LD_LIBRARY_PATH=$lib timeout 30 gnutls-serv --http -p 4433 --x509certfile $F/server-rsa.pem \
      --x509keyfile $F/server-rsa.key > "$log.serv" 2>&1 &
    pid=$!
    wait_for "$log.serv" "listening on IPv4" || { echo "gnutls-serv did not start"; kill $pid; exit 0; }
    timeout 20 curl -sS --cacert $F/ca.pem https://localhost:4433/ -o "$log.body" 2> "$log.curl"
    rc=$?
    kill $pid 2>/dev/null; wait $pid 2>/dev/null
    echo "curl=$rc page=$(grep -c "This is <a href=\"http://www.gnu.org/software/gnutls\">GnuTLS" "$log.body")"
  ' "$(lib_env "$lib")" "$log" "$F"
}

outcome_serv_echo() { # CERT: gnutls-serv --echo asking for a certificate only on **REAUTH**; openssl s_client -enable_pha
  local lib=$1 cert=$2
  in_netns '
    lib=$1; log=$2; F=$3; cert=$4
    LD_LIBRARY_PATH=$lib timeout 30 gnutls-serv --echo -p 4433 --x509certfile $F/server-rsa.pem \
      --x509keyfile $F/server-rsa.key --x509cafile $F/ca.pem --disable-client-cert --verify-client-cert \
      > "$log.serv" 2>&1 &
    pid=$!
    wait_for "$log.serv" "listening on IPv4" || { echo "gnutls-serv did not start"; kill $pid; exit 0; }
    rm -f "$log.in"; mkfifo "$log.in"
    timeout 20 openssl s_client -connect 127.0.0.1:4433 -enable_pha -cert $F/$cert.pem -key $F/$cert.key \
      -CAfile $F/ca.pem -servername localhost < "$log.in" > "$log.s_client" 2>&1 &
    cli=$!
    exec 3> "$log.in"
    wait_for "$log.s_client" "Verify return code" && echo hello >&3
    wait_for "$log.s_client" "^hello" && echo "**REAUTH**" >&3
    wait_for "$log.serv" "Sending re-auth request"
    wait_for "$log.s_client" "^Successfully executed command\|error" &&
      grep -q "^Successfully executed command" "$log.s_client" && echo after >&3 &&
      wait_for "$log.s_client" "^after"
    exec 3>&-
    wait $cli; rc=$?
    kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$log.in"
    echo "s_client=$rc asked=$(grep -c "Sending re-auth request" "$log.serv")" \
      "failed=$(grep -o "reauth: .*" "$log.serv")" "done=$(grep -c "^Successfully executed command" "$log.s_client")" \
      "after=$(grep -c "^after" "$log.s_client")"
  ' "$(lib_env "$lib")" "$log" "$F" "$cert"
}

outcome_msmtp() { # CERT: msmtp over SMTPS to the fake server, trusting the test CA
  local lib=$1 cert=$2 rc
  rm -f "$log.port" "$log.smtp"
  timeout 30 python3 tests/real/smtps_fake.py "$F/$cert.pem" "$F/$cert.key" "$log.port" "$log.smtp" &
  local fake=$!
  wait_for "$log.port" . || { echo "the SMTP fake did not start"; kill $fake; return; }
  printf 'Subject: stepup\n\nbody line\n' | LD_LIBRARY_PATH=$(lib_env "$lib") timeout 20 msmtp \
    --host=localhost --port="$(cat "$log.port")" --tls=on --tls-starttls=off --tls-trust-file=$F/ca.pem \
    --from=a@example.org --auth=off b@example.org > "$log.msmtp" 2>&1
  rc=$?
  wait $fake
  echo "exit=$rc delivered=$(cat "$log.smtp" 2>/dev/null | grep -c '^DATA body line')"
}

outcome_mhd() { # the libmicrohttpd server, queried with curl
  local lib=$1 rc
  port=$(free_port)
  LD_LIBRARY_PATH=$(lib_env "$lib") timeout 30 "$out/mhd_serve" "$port" $F/server-rsa.pem $F/server-rsa.key \
    > "$log.mhd" 2>&1 &
  local srv=$!
  wait_for "$log.mhd" listening || { echo "the server did not start"; kill $srv; return; }
  timeout 20 curl -sS --cacert $F/ca.pem "https://localhost:$port/" > "$log.body" 2> "$log.curl"
  rc=$?
  wait $srv
  echo "curl=$rc body=$(cat "$log.body") server=$(tail -n 1 "$log.mhd")"
}

# run NAME EXPECTED FUNCTION ARGS...: the outcome on both libraries, compared
# with each other and with EXPECTED.
run() {
  local name=$1 expected=$2 fn=$3; shift 3
  local sys compat
  log=$out/$name-system; rm -f "$log".*
  sys=$("$fn" system "$@")
  log=$out/$name-compat; rm -f "$log".*
  compat=$("$fn" compat "$@")
  if [ "$sys" = "$expected" ] && [ "$compat" = "$expected" ]; then
    ok "$name: the same on the system GnuTLS and on compat ($expected)"
  else
    bad "$name: expected '$expected'"
    echo "     system: $sys"
    echo "     compat: $compat"
  fi
}

need() { # PROGRAM...: all installed, or the scenario is skipped loudly
  local p
  for p in "$@"; do have "$p" || { skip "$name_for_skip: $p is not installed"; return 1; }; done
}

[ -f "$COMPAT/libgnutls.so.30" ] || { bad "$COMPAT/libgnutls.so.30 is not built (make compat)"; exit 1; }

if name_for_skip=wget need wget openssl; then
  run wget-verified "exit=0 body=1" outcome_wget server-rsa
  run wget-wrong-name "exit=5 body=0" outcome_wget server-www
fi

if name_for_skip=libcurl need openssl pkg-config && pkg-config --exists libcurl; then
  if cc -Wall -o "$out/curl_get" tests/real/curl_get.c $(pkg-config --cflags --libs libcurl) 2> "$out/curl_get.cc" &&
     ldd "$out/curl_get" | grep -q 'libcurl-gnutls'; then
    run libcurl-verified "exit=0 result: 0 (No error) 1" outcome_curl ca
    run libcurl-untrusted "exit=1 result: 60 (SSL peer certificate or SSH remote key was not OK) 0" outcome_curl other-ca
  else
    skip "libcurl: tests/real/curl_get.c does not build against libcurl-gnutls (libcurl4-gnutls-dev)"
  fi
else
  skip "libcurl: libcurl4-gnutls-dev is not installed"
fi

if name_for_skip=gnutls-cli need gnutls-cli openssl; then
  run gnutls-cli-get "exit=0 Status: The certificate is trusted. http=1" outcome_cli_get server-rsa
  run gnutls-cli-wrong-name \
    "exit=1 Status: The certificate is NOT trusted. The name in the certificate does not match the expected. http=0" \
    outcome_cli_get server-www
  if [ -x build/bin/stepup-serv ]; then
    run gnutls-cli-pha-stepup-serv "exit=0 reauth=1 after=1 server: 1 2" outcome_cli_pha_stepup
  else
    bad "gnutls-cli-pha-stepup-serv: build/bin/stepup-serv is not built (make programs)"
  fi
  run gnutls-cli-pha-openssl "exit=0 reauth=1 server: verified=2 after=1" outcome_cli_pha_openssl
fi

if name_for_skip=gnutls-serv need gnutls-serv curl openssl unshare ip; then
  if unshare -n true 2>/dev/null; then
    run gnutls-serv-http "curl=0 page=1" outcome_serv_http
    run gnutls-serv-reauth "s_client=0 asked=1 failed= done=1 after=1" outcome_serv_echo client-rsa
    run gnutls-serv-reauth-untrusted "s_client=1 asked=1 failed=reauth: Error in the certificate. done=0 after=0" \
      outcome_serv_echo stranger
  else
    skip "gnutls-serv: unshare -n is not permitted here"
  fi
fi

if name_for_skip=msmtp need msmtp python3; then
  run msmtp-verified "exit=0 delivered=1" outcome_msmtp server-rsa
  run msmtp-wrong-name "exit=69 delivered=0" outcome_msmtp server-www
fi

if name_for_skip=libmicrohttpd need curl pkg-config && pkg-config --exists libmicrohttpd; then
  if cc -Wall -o "$out/mhd_serve" tests/real/mhd_serve.c $(pkg-config --cflags --libs libmicrohttpd) 2> "$out/mhd.cc"; then
    run libmicrohttpd "curl=0 body=hello from libmicrohttpd server=answered" outcome_mhd
  else
    bad "libmicrohttpd: tests/real/mhd_serve.c does not build"
  fi
else
  skip "libmicrohttpd: libmicrohttpd-dev is not installed"
fi

echo "real programs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
