#!/usr/bin/env bash
# Records GnuTLS 3.7's cipher suite table, as gnutls_cipher_suite_info
# reports it, one suite per line in its index order:
#   index name id-hex kx cipher mac min-version
# These are facts of the system libgnutls.so.30 (libgnutls28-dev), which
# src/gnutls/suite_table.rs reads. Run it by hand:
#   tools/gen-gnutls-suites.sh > compat/gnutls.suites
set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/suites.c" <<'C'
#include <stdio.h>
#include <gnutls/gnutls.h>
int main(void)
{
    for (size_t i = 0;; i++) {
        unsigned char id[2];
        gnutls_kx_algorithm_t kx;
        gnutls_cipher_algorithm_t cipher;
        gnutls_mac_algorithm_t mac;
        gnutls_protocol_t version;
        const char *name = gnutls_cipher_suite_info(i, id, &kx, &cipher, &mac, &version);
        if (name == NULL)
            return 0;
        printf("%zu %s %02x%02x %d %d %d %d\n", i, name, id[0], id[1], kx, cipher, mac, version);
    }
}
C
cc -o "$dir/suites" "$dir/suites.c" $(pkg-config --cflags --libs gnutls)
echo "# GnuTLS $(pkg-config --modversion gnutls) cipher suites (tools/gen-gnutls-suites.sh): index name id kx cipher mac min-version"
"$dir/suites"
