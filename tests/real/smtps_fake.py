"""A fake SMTP server over implicit TLS (SMTPS) for one client: it writes
its port to PORTFILE, accepts one connection on 127.0.0.1 (20 s at most),
answers every command with success, and writes the commands and message
lines it got to OUT ("handshake failed: ..." when TLS fails).

usage: smtps_fake.py CERT KEY PORTFILE OUT
"""
import os
import socket
import ssl
import sys

cert, key, portfile, out = sys.argv[1:5]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
srv.settimeout(20)
# Written whole, then renamed: a reader never sees half a port number.
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.getsockname()[1]))
os.rename(portfile + ".tmp", portfile)
conn, _ = srv.accept()
conn.settimeout(10)
try:
    tls = ctx.wrap_socket(conn, server_side=True)
except (OSError, ssl.SSLError) as e:
    with open(out, "w") as f:
        f.write("handshake failed: %s\n" % e)
    sys.exit(0)


def session(tls, log):
    f = tls.makefile("rwb")

    def send(line):
        f.write(line.encode() + b"\r\n")
        f.flush()

    send("220 fake ESMTP")
    data = False
    while True:
        line = f.readline()
        if not line:
            break
        text = line.decode().rstrip("\r\n")
        if data:
            if text == ".":
                data = False
                send("250 queued")
            else:
                log.append("DATA " + text)
            continue
        log.append(text)
        cmd = text.split(" ")[0].upper()
        if cmd in ("EHLO", "HELO"):
            send("250 fake")
        elif cmd == "DATA":
            data = True
            send("354 go ahead")
        elif cmd == "QUIT":
            send("221 bye")
            break
        else:
            send("250 ok")


log = []
try:
    session(tls, log)
except (OSError, ssl.SSLError) as e:
    # A client that gives up (a certificate it does not trust) ends here.
    log.append("session ended: %s" % e.__class__.__name__)
open(out, "w").write("\n".join(log) + "\n")
