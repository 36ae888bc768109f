#!/usr/bin/env bash
# Regenerates every header into a temporary directory with build.rs and
# compares it with the checked-in copies (or with the directory given as $1).
# Fails, printing the diff, when any header is stale, missing or extra.
set -euo pipefail
cd "$(dirname "$0")/.."
reference=${1:-include}
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
# `cargo check` runs build.rs without touching the release build.
STEPUP_HEADER_DIR="$fresh" cargo check --lib --quiet
if diff -ru "$reference" "$fresh" > "$fresh.diff" 2>&1; then
  echo "check-headers: $(find "$reference" -name '*.h' | wc -l) headers are up to date"
  rm -f "$fresh.diff"
else
  cat "$fresh.diff"; rm -f "$fresh.diff"
  echo "check-headers: the checked-in headers differ from freshly generated ones; run 'make headers'" >&2
  exit 1
fi
