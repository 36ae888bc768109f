#!/usr/bin/env python3
"""Writes the C programs that check include/gnutls/ against GnuTLS's
documented API (compat/gnutls.api), into the directory given:

  all.c          includes every GnuTLS header, declares every documented
                 function again with its documented prototype (the compiler
                 rejects any that differs from stepup's), and takes the
                 address of each, so that linking it against build/compat
                 proves each is exported; it prints how many it holds.
  only-H.c       for each header H: includes H alone and uses every function,
                 type and constant documented in H.
  count          how many functions all.c must report.
"""
import os
import re
import sys

HEADERS = ["gnutls.h", "x509.h", "x509-ext.h", "abstract.h", "crypto.h",
           "pkcs11.h", "pkcs12.h", "pkcs7.h", "dtls.h", "ocsp.h", "socket.h",
           "self-test.h", "system-keys.h", "tpm.h", "urls.h", "compat.h",
           "openpgp.h"]


def main():
    api, out = sys.argv[1], sys.argv[2]
    facts = [l.rstrip("\n").split("\t") for l in open(api) if l.strip() and not l.startswith("#")]
    fns = [f for f in facts if f[0] == "fn"]
    includes = "".join(f"#include <gnutls/{h}>\n" for h in HEADERS)

    src = "#include <stdio.h>\n" + includes + "\n"
    for f in fns:
        ret, name = f[3], f[2]
        params = re.sub(r"(\w+ \*?)Param\d+", r"\1", f[4])
        src += f"{ret}{'' if ret.endswith('*') else ' '}{name}({params});\n"
    src += "\ntypedef void (*any_fn)(void);\nstatic any_fn const documented[] = {\n"
    src += "".join(f"    (any_fn){f[2]},\n" for f in fns)
    src += "};\n\nint main(void)\n{\n"
    src += "    size_t n = 0;\n    for (size_t i = 0; i < sizeof documented / sizeof documented[0]; i++)\n"
    src += "        n += documented[i] != NULL;\n"
    src += '    printf("%zu documented functions\\n", n);\n    return 0;\n}\n'
    open(os.path.join(out, "all.c"), "w").write(src)
    open(os.path.join(out, "count"), "w").write(f"{len(fns)}\n")

    for header in HEADERS:
        mine = [f for f in facts if f[1] == header]
        functions = [f[2] for f in mine if f[0] == "fn"]
        # Older names standing for a function.
        functions += [f[2] for f in mine if f[0] == "const" and f[2].islower()
                      and any(g[0] == "fn" and g[2] == f[3] for g in facts)]
        body = f"#include <gnutls/{header}>\n#include <stddef.h>\n\n"
        body += "typedef void (*any_fn)(void);\nstatic any_fn const functions[] = {\n"
        body += "".join(f"    (any_fn){name},\n" for name in functions) + "    NULL,\n};\n\n"
        body += "int used(void);\nint used(void)\n{\n    int n = (int)(sizeof functions / sizeof functions[0]);\n"
        for f in mine:
            kind, name = f[0], f[2]
            if kind == "const" and not name.islower():
                body += f"    (void)({name});\n"
            elif kind == "enum":
                body += f"    n += (int)sizeof({name});\n"
                for pair in filter(None, f[3].split(",")):
                    body += f"    (void)({pair.split('=')[0]});\n"
            elif kind in ("handle", "struct", "alias", "cb"):
                body += f"    n += (int)sizeof({name});\n"
            elif kind == "tagged":
                body += f"    n += (int)sizeof(struct {name});\n"
            elif kind == "fntype":
                body += f"    {{ {name} *p = NULL; n += p == NULL; }}\n"
        body += "    return n;\n}\n"
        open(os.path.join(out, f"only-{header[:-2]}.c"), "w").write(body)


if __name__ == "__main__":
    main()
