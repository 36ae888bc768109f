#!/usr/bin/env bash
# Runs benches/gnutls_bench.c, built once against the system GnuTLS, against
# the system library and against stepup's build/compat/libgnutls.so.30, in
# ROUNDS interleaved rounds (default 5; the first library alternates), and
# writes the raw figures to target/bench/gnutls.tsv for scripts/bench-report.py.
# SECONDS_EACH (default 1) is the CPU time each figure runs.
set -euo pipefail
cd "$(dirname "$0")/.."
cc=${CC:-cc}
out=build/bench
mkdir -p "$out" target/bench
[ -e build/compat/libgnutls.so.30 ] || { echo "bench-gnutls: build/compat is missing (make compat)" >&2; exit 1; }
"$cc" -std=c11 -O2 -Wall -Wextra -Werror benches/gnutls_bench.c -o "$out/gnutls_bench" \
  $(pkg-config --cflags --libs gnutls)
secs=${SECONDS_EACH:-1}
rounds=${ROUNDS:-5}
tsv=target/bench/gnutls.tsv
printf 'round\tlibrary\trow\tvalue\tunit\n' > "$tsv"
run() { # round library
  if [ "$2" = stepup ]; then
    LD_LIBRARY_PATH=build/compat "$out/gnutls_bench" tests/fixtures "$secs" "${@:3}"
  else
    "$out/gnutls_bench" tests/fixtures "$secs" "${@:3}"
  fi | awk -v r="$1" -v l="$2" '{ printf "%s\t%s\t%s\t%s\t%s\n", r, l, $1, $2, $3 }' >> "$tsv"
}
for ((r = 1; r <= rounds; r++)); do
  echo "bench-gnutls: round $r of $rounds" >&2
  if ((r % 2)); then run "$r" system; run "$r" stepup; else run "$r" stepup; run "$r" system; fi
done
echo "bench-gnutls: wrote $tsv" >&2
