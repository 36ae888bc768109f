#!/usr/bin/env bash
# The manual pages: section 3 is generated from the checked-in headers' doc
# comments (tools/gen-man.py), section 1 written by hand (man/man1/). Fails
# when a generated page is stale, missing or extra, when an exported
# stepup_* function has no page, when `mandoc -T lint` reports anything on
# any page (style included, cross-references resolved among our pages), or
# when a page does not render.
set -euo pipefail
cd "$(dirname "$0")/.."
failed=0
python3 tools/gen-man.py --check || failed=1

# Every stepup_* function the library exports has a page.
so=target/release/libstepup.so
if [ -e "$so" ]; then
  missing=$(nm -D --defined-only "$so" | awk '$3 ~ /^stepup_/ { print $3 }' | sort -u |
    while read -r f; do [ -e "man/man3/$f.3" ] || echo "$f"; done)
  if [ -n "$missing" ]; then
    echo "check-man: exported without a page: $missing"; failed=1
  fi
else
  echo "check-man: $so is missing (run make): the exports were not compared with the pages"; failed=1
fi

command -v mandoc > /dev/null || { echo "check-man: mandoc is not installed (Debian mandoc; .ci/run installs it)"; exit 1; }
# Cross-references resolve against our own pages only: a copy of man/ with
# its own database is the whole search path.
tree=$(mktemp -d); trap 'rm -rf "$tree"' EXIT
cp -r man/man1 man/man3 "$tree/"
makewhatis "$tree"
MANPATH=$tree mandoc -T lint -W style "$tree"/man1/*.1 "$tree"/man3/*.3 > "$tree/lint.out" 2>&1 || true
if [ -s "$tree/lint.out" ]; then
  sed "s|$tree/|man/|" "$tree/lint.out" | head -40; echo "check-man: mandoc -T lint reported the lines above"; failed=1
fi
for page in man/man1/*.1 man/man3/*.3; do
  mandoc -T utf8 "$page" > /dev/null 2>&1 || { echo "check-man: $page does not render"; failed=1; }
done
pages=$(ls man/man1/*.1 man/man3/*.3 | wc -l)
[ "$failed" -eq 0 ] && echo "check-man: $pages pages, current, lint-clean, rendering"
exit "$failed"
