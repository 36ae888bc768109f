"""A Python ssl client that connects twice and resumes the first session in
the second. Usage: resume_client.py PORT CAFILE [1.2]. Prints "reused
True/False". TLS 1.3, or TLS 1.2 with "1.2"."""
import socket
import ssl
import sys

port, cafile = int(sys.argv[1]), sys.argv[2]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
tls12 = sys.argv[3:] == ["1.2"]
if tls12:
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
else:
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
ctx.load_verify_locations(cafile)
session = None
for attempt in range(2):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost", session=session) as tls:
            tls.sendall(b"ping\n")
            print("echo", tls.recv(100).decode().strip())
            print("reused", tls.session_reused)
            print("version", tls.version())
            # TLS 1.3 tickets follow the handshake: the echo brought them in
            # (a TLS 1.2 ticket comes inside it).
            session = tls.session
