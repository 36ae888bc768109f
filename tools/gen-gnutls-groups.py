#!/usr/bin/env python3
"""Writes the Diffie-Hellman groups GnuTLS exports as data (gnutls_ffdhe_*:
RFC 7919; gnutls_srp_*: RFC 5054), as hex, read from OpenSSL, which builds
the same groups in: the FFDHE groups from `openssl genpkey`, the SRP groups
from libcrypto's SRP_get_default_gN. q is (p - 1) / 2. Run it by hand:

  tools/gen-gnutls-groups.py > compat/gnutls.groups
"""
import ctypes
import re
import subprocess


def even(h):
    return h if len(h) % 2 == 0 else "0" + h


def main():
    print("# name hex (big-endian), by tools/gen-gnutls-groups.py from OpenSSL's built-in groups")
    for bits in (2048, 3072, 4096, 6144, 8192):
        pem = subprocess.run(["openssl", "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt",
                              f"group:ffdhe{bits}"], capture_output=True, text=True, check=True).stdout
        der = subprocess.run(["openssl", "asn1parse"], input=pem, capture_output=True, text=True,
                             check=True).stdout
        p, g = re.findall(r"INTEGER\s*:([0-9A-F]+)", der)[:2]
        q = format((int(p, 16) - 1) // 2, "X")
        print(f"gnutls_ffdhe_{bits}_group_prime {even(p)}")
        print(f"gnutls_ffdhe_{bits}_group_q {even(q)}")
        print(f"gnutls_ffdhe_{bits}_group_generator {even(g)}")
    crypto = ctypes.CDLL("libcrypto.so.3")
    crypto.SRP_get_default_gN.restype = ctypes.c_void_p
    crypto.SRP_get_default_gN.argtypes = [ctypes.c_char_p]
    crypto.BN_bn2hex.restype = ctypes.c_void_p
    crypto.BN_bn2hex.argtypes = [ctypes.c_void_p]
    crypto.CRYPTO_free.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]

    class GroupN(ctypes.Structure):
        _fields_ = [("id", ctypes.c_char_p), ("g", ctypes.c_void_p), ("N", ctypes.c_void_p)]

    def hexof(bn):
        ptr = crypto.BN_bn2hex(bn)
        text = ctypes.string_at(ptr).decode()
        crypto.CRYPTO_free(ptr, b"", 0)
        return even(text)

    for bits in (1024, 1536, 2048, 3072, 4096, 8192):
        group = GroupN.from_address(crypto.SRP_get_default_gN(str(bits).encode()))
        print(f"gnutls_srp_{bits}_group_prime {hexof(group.N)}")
        print(f"gnutls_srp_{bits}_group_generator {hexof(group.g)}")


main()
