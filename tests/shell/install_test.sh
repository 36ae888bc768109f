#!/usr/bin/env bash
# `make install` into a staging directory, then build a GnuTLS program and a
# native program with nothing but pkg-config pointed at the installed files,
# and run them, dynamically and statically.
set -uo pipefail
cd "$(dirname "$0")/../.."
passed=0; failed=0
check() { local name=$1; shift; if "$@"; then passed=$((passed + 1)); echo "ok   install: $name"; else failed=$((failed + 1)); echo "FAIL install: $name"; fi; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
prefix=/opt/stepup-test
stage=$work/stage

check "make install PREFIX DESTDIR" make --no-print-directory -s install PREFIX=$prefix DESTDIR="$stage" > "$work/install.log" 2>&1
lib=$stage$prefix/lib
installed() { [ -f "$lib/libstepup.a" ] && [ -L "$lib/libstepup.so" ] && [ -L "$lib/libstepup.so.0" ] \
  && [ -f "$lib/stepup/libgnutls.so.30" ] && [ -f "$stage$prefix/include/gnutls/gnutls.h" ] \
  && [ -f "$stage$prefix/include/stepup/uia.h" ] && [ "$(readlink -f "$lib/libstepup.so")" = "$(readlink -f "$lib/libstepup.so.0")" ]; }
check "libraries, SONAME links, drop-in and headers are in place" installed

# The manual pages, every one under PREFIX/share/man, each rendered by
# man -l (man-db) when it is there, else by mandoc.
mandir=$stage$prefix/share/man
pages_in_place() {
  [ "$(ls "$mandir"/man1/*.1 | wc -l)" -eq "$(ls man/man1/*.1 | wc -l)" ] &&
    [ "$(ls "$mandir"/man3/*.3 | wc -l)" -eq "$(ls man/man3/*.3 | wc -l)" ] &&
    [ -f "$mandir/man3/gnutls_reauth.3" ] && [ -f "$mandir/man3/stepup_uia_complete.3" ] &&
    [ -f "$mandir/man3/Uia.3" ] && [ -f "$mandir/man1/stepup-demo.1" ]
}
check "man pages are installed under PREFIX/share/man" pages_in_place
render_all() {
  local page renderer=(mandoc -T utf8)
  if command -v man > /dev/null; then renderer=(man -l); else echo "     (no man command: rendering with mandoc)"; fi
  for page in "$mandir"/man1/*.1 "$mandir"/man3/*.3; do
    MANPAGER=cat MANWIDTH=80 "${renderer[@]}" "$page" > "$work/page" 2> /dev/null && [ -s "$work/page" ] ||
      { echo "     $page does not render"; return 1; }
  done
  grep -q "gnutls_reauth" <(MANPAGER=cat "${renderer[@]}" "$mandir/man3/gnutls_reauth.3" 2> /dev/null)
}
check "every installed man page renders (man -l)" render_all

cat > "$work/prog.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <gnutls/gnutls.h>
#include <stepup/uia.h>
int main(void) {
    if (gnutls_global_init() != 0) return 1;
    printf("%s %s %s\n", gnutls_check_version(NULL), stepup_version(), gnutls_strerror(GNUTLS_E_AGAIN));
    gnutls_global_deinit();
    return strcmp(gnutls_check_version(NULL), GNUTLS_VERSION) != 0;
}
C
# pkg-config resolves the .pc files inside the staging tree through the sysroot.
# Outputs go to files before grep -q reads them: with pipefail, a grep -q that
# stops at its first match would make the writer's SIGPIPE fail the check.
pc() { PKG_CONFIG_SYSROOT_DIR="$stage" PKG_CONFIG_LIBDIR="$lib/pkgconfig" pkg-config "$@"; }
check "pkg-config knows gnutls (stepup's) at the GnuTLS API version" test "$(pc --modversion gnutls)" = "3.7.9"
dynamic() {
  ${CC:-cc} "$work/prog.c" -o "$work/prog" $(pc --cflags --libs gnutls) && LD_LIBRARY_PATH="$lib" "$work/prog" > "$work/out" \
    && grep -q '^3.7.9 [0-9.]* Resource temporarily unavailable, try again.$' "$work/out" \
    && LD_LIBRARY_PATH="$lib" ldd "$work/prog" > "$work/ldd" \
    && grep -q "libstepup.so.0 => $lib/libstepup.so.0" "$work/ldd"
}
check "a program built with pkg-config gnutls links libstepup.so.0 and runs" dynamic
static() {
  ${CC:-cc} "$work/prog.c" -o "$work/prog-static" $(pc --cflags stepup) "$lib/libstepup.a" $(pc --static --libs-only-l stepup | sed 's/-lstepup//') \
    && "$work/prog-static" > /dev/null && ldd "$work/prog-static" > "$work/ldd-static" \
    && ! grep -q stepup "$work/ldd-static"
}
check "a program linked statically with libstepup.a runs" static

echo "install-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
