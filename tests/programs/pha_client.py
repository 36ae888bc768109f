"""A Python ssl client with post-handshake auth: sends lines, asks the echo
server to re-authenticate, sends data while the request is in flight, and
prints every echoed line. Usage: pha_client.py PORT CAFILE CERT KEY"""
import socket
import ssl
import sys

port, cafile, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.minimum_version = ssl.TLSVersion.TLSv1_3
ctx.load_verify_locations(cafile)
ctx.load_cert_chain(cert, key)
ctx.post_handshake_auth = True
with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
    with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
        print("version", tls.version())
        tls.sendall(b"hello\n")
        print("echo", tls.recv(100).decode().strip())
        tls.sendall(b"**REAUTH**\n")
        # Data sent before our Certificate reaches the server while it waits
        # in gnutls_reauth() (GNUTLS_E_GOT_APPLICATION_DATA); reading answers
        # the CertificateRequest, then brings the echo.
        tls.sendall(b"in-flight\n")
        print("echo", tls.recv(100).decode().strip())
        # The server's answer to the command once it is carried out, as
        # gnutls-serv answers it.
        print("answer", tls.recv(100).decode().strip())
        tls.sendall(b"after\n")
        print("echo", tls.recv(100).decode().strip())
        tls.unwrap()
print("done")
