#!/usr/bin/env bash
# `make check-headers` must pass on the checked-in headers and fail when one
# is edited by hand, is missing, or an extra one appears.
set -uo pipefail
cd "$(dirname "$0")/../.."
passed=0; failed=0
expect() { # expect pass|fail NAME DIR
  local want=$1 name=$2 dir=$3 got
  if scripts/check-headers.sh "$dir" > /dev/null 2>&1; then got=pass; else got=fail; fi
  if [ "$got" = "$want" ]; then passed=$((passed + 1)); echo "ok   check-headers: $name"
  else failed=$((failed + 1)); echo "FAIL check-headers: $name (expected $want, got $got)"; fi
}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

cp -r include "$work/clean"
expect pass "passes on the checked-in headers" "$work/clean"

cp -r include "$work/edited"
sed -i 's/#define GNUTLS_E_AGAIN -28/#define GNUTLS_E_AGAIN -29/' "$work/edited/gnutls/gnutls.h"
cmp -s include/gnutls/gnutls.h "$work/edited/gnutls/gnutls.h" && { echo "FAIL check-headers: the edit did not apply"; exit 1; }
expect fail "fails when a constant is edited by hand" "$work/edited"

cp -r include "$work/comment"
echo "/* a hand-written note */" >> "$work/comment/stepup/uia.h"
expect fail "fails when a comment is added by hand" "$work/comment"

cp -r include "$work/missing"
rm "$work/missing/gnutls/crypto.h"
expect fail "fails when a header is missing" "$work/missing"

cp -r include "$work/extra"
echo "int stray(void);" > "$work/extra/gnutls/stray.h"
expect fail "fails when an extra header is present" "$work/extra"

echo "check-headers-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
