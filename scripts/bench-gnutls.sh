#!/usr/bin/env bash
# Runs benches/gnutls_bench.c built against the system GnuTLS and against
# stepup, one after the other in one run, and writes the ratios
# (stepup / system; above 1 means stepup is faster) to target/bench/gnutls.md.
# SECONDS_EACH (default 2) is the time each measurement runs.
set -euo pipefail
cd "$(dirname "$0")/.."
cc=${CC:-cc}
out=build/bench
mkdir -p "$out" target/bench
flags=(-std=c11 -O2 -Wall -Wextra -Werror)
"$cc" "${flags[@]}" benches/gnutls_bench.c -o "$out/gnutls_bench-system" $(pkg-config --cflags --libs gnutls)
"$cc" "${flags[@]}" -Iinclude benches/gnutls_bench.c -o "$out/gnutls_bench-stepup" \
  -Ltarget/release -lstepup -Wl,-rpath,"$PWD/target/release"
secs=${SECONDS_EACH:-2}
"$out/gnutls_bench-system" tests/fixtures "$secs" > "$out/system.txt"
"$out/gnutls_bench-stepup" tests/fixtures "$secs" > "$out/stepup.txt"
{
  echo "## TLS 1.3 through the GnuTLS API: stepup against the system GnuTLS"
  echo
  echo "Both ends in one thread over a socketpair; $secs s per figure; ratio = stepup / system."
  echo
  echo "| measure | system GnuTLS | stepup | ratio |"
  echo "| --- | --- | --- | --- |"
  join <(sort "$out/system.txt") <(sort "$out/stepup.txt") |
    awk '{ printf "| %s | %s %s | %s %s | %.2f |\n", $1, $2, $3, $4, $5, ($2 > 0 ? $4 / $2 : 0) }'
} > target/bench/gnutls.md
cat target/bench/gnutls.md
