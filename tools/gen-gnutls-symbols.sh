#!/usr/bin/env bash
# Records which symbol-version node each symbol of the system libgnutls.so.30
# lives in, and the chain of nodes, as data for the compat library's linker
# version script (compat/gnutls.symbols, compat/gnutls.nodes). These are ABI
# facts of GnuTLS 3.7 that a drop-in must reproduce. Run it by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
lib=$(pkg-config --variable=libdir gnutls)/libgnutls.so.30
version=$(pkg-config --modversion gnutls)
{
  echo "# symbol node, read from GnuTLS $version's libgnutls.so.30 by tools/gen-gnutls-symbols.sh"
  readelf --dyn-syms -W "$lib" | awk '$7 != "UND" && $8 ~ /@/ { split($8, p, /@+/); print p[1], p[2] }' | sort
} > compat/gnutls.symbols
{
  echo "# node parent (in definition order), read from GnuTLS $version's libgnutls.so.30"
  readelf -V "$lib" | sed -n '/Version definition/,/Version needs/p' | awk '
    /Name:/ && !/Flags: BASE/ { if (node != "") print node, parent; node = $NF; parent = "-" }
    /Parent 1:/ { parent = $NF }
    END { if (node != "") print node, parent }'
} > compat/gnutls.nodes
echo "wrote $(grep -vc '^#' compat/gnutls.symbols) symbols, $(grep -vc '^#' compat/gnutls.nodes) nodes"
