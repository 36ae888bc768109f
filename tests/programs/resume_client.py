"""A Python ssl client that connects twice and resumes the first session in
the second. Usage: resume_client.py PORT CAFILE. Prints "reused True/False"."""
import socket
import ssl
import sys

port, cafile = int(sys.argv[1]), sys.argv[2]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.minimum_version = ssl.TLSVersion.TLSv1_3
ctx.load_verify_locations(cafile)
session = None
for attempt in range(2):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost", session=session) as tls:
            tls.sendall(b"ping\n")
            print("echo", tls.recv(100).decode().strip())
            print("reused", tls.session_reused)
            # TLS 1.3 tickets follow the handshake: the echo brought them in.
            session = tls.session
