#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/).

Run by hand after `make`, from the repository root. TLS seeds come from real
traffic: openssl s_client, gnutls-cli and Python's ssl talking to
stepup-serv, and stepup-cli talking to openssl s_server, each through a relay
on loopback that records both directions. Credential seeds are the test
fixtures; priority and UIA seeds are written out here.
"""

import hashlib
import os
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "tests", "fixtures")
CORPUS = os.path.join(ROOT, "fuzz", "corpus")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, deadline=10.0):
    end = time.time() + deadline
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


class Relay:
    """Accepts one connection on `port`, forwards it to `target`, records
    each direction."""

    def __init__(self, target):
        self.port = free_port()
        self.target = target
        self.up = bytearray()
        self.down = bytearray()
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(1)
        self.listener.settimeout(15)
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def pipe(self, src, dst, log):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                log.extend(data)
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def run(self):
        try:
            client, _ = self.listener.accept()
        except OSError:
            return
        server = socket.create_connection(("127.0.0.1", self.target), timeout=15)
        client.settimeout(15)
        t = threading.Thread(target=self.pipe, args=(server, client, self.down), daemon=True)
        t.start()
        self.pipe(client, server, self.up)
        t.join(15)

    def wait(self):
        self.thread.join(20)
        self.listener.close()
        return bytes(self.up), bytes(self.down)


def write(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def handshake_messages(stream):
    """The handshake messages of the plaintext records at the start of a
    stream (ClientHello, ServerHello)."""
    out, at, joined = [], 0, b""
    while at + 5 <= len(stream):
        ty, _, length = struct.unpack(">BHH", stream[at:at + 5])
        body = stream[at + 5:at + 5 + length]
        at += 5 + length
        if ty == 22:
            joined += body
    while len(joined) >= 4:
        length = int.from_bytes(joined[1:4], "big")
        out.append(joined[:4 + length])
        joined = joined[4 + length:]
    return out


def extensions(body, start):
    """(type, body) of the extension block at `start` of a hello body."""
    out = []
    if start + 2 > len(body):
        return out
    end = start + 2 + int.from_bytes(body[start:start + 2], "big")
    at = start + 2
    while at + 4 <= end:
        ty, length = struct.unpack(">HH", body[at:at + 4])
        out.append((ty, body[at + 4:at + 4 + length]))
        at += 4 + length
    return out


def client_hello_extensions(body):
    at = 2 + 32
    at += 1 + body[at]
    at += 2 + int.from_bytes(body[at:at + 2], "big")
    at += 1 + body[at]
    return extensions(body, at)


DECODER_OF_EXTENSION = {51: 7, 0: 9, 16: 10, 43: 11, 10: 12, 13: 12, 41: 13, 45: 14}


def tls_seeds(name, up, down):
    write("server_stream", name, b"\x40" + up)
    write("client_stream", name, b"\x40" + down)
    for message in handshake_messages(up)[:1] + handshake_messages(down)[:1]:
        kind, body = message[0], message[4:]
        if kind == 1:
            write("handshake_decoders", f"{name}-client-hello", b"\x00" + body)
            for ty, ext in client_hello_extensions(body):
                if ty in DECODER_OF_EXTENSION:
                    write("handshake_decoders", f"{name}-ext-{ty}",
                          bytes([DECODER_OF_EXTENSION[ty]]) + ext)
        elif kind == 2:
            write("handshake_decoders", f"{name}-server-hello", b"\x01" + body)
        write("handshake_decoders", f"{name}-joiner", b"\x15" + up[5:5 + 600])


def run_briefly(argv, data):
    """Runs a client for a few seconds (some wait for the server to close)."""
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    try:
        p.communicate(data, timeout=3)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def capture_stepup_serv():
    port = free_port()
    serv = subprocess.Popen(
        [os.path.join(ROOT, "build/bin/stepup-serv"), "-p", str(port), "--echo",
         "--x509certfile", f"{FIX}/server-ecdsa.pem", "--x509keyfile", f"{FIX}/server-ecdsa.key",
         "--x509certfile", f"{FIX}/server-rsa.pem", "--x509keyfile", f"{FIX}/server-rsa.key",
         "--x509cafile", f"{FIX}/ca.pem", "--verify-client-cert"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_port(port), "stepup-serv did not start"
        clients = {
            "openssl": ["openssl", "s_client", "-quiet", "-connect", None, "-servername", "localhost",
                        "-CAfile", f"{FIX}/ca.pem", "-cert", f"{FIX}/client-ecdsa.pem",
                        "-key", f"{FIX}/client-ecdsa.key", "-enable_pha"],
            "gnutls-cli": ["gnutls-cli", "--x509cafile", f"{FIX}/ca.pem", "-p", None, "localhost",
                           "--x509certfile", f"{FIX}/client-rsa.pem",
                           "--x509keyfile", f"{FIX}/client-rsa.key", "--post-handshake-auth"],
        }
        for name, argv in clients.items():
            relay = Relay(port)
            argv = [a if a is not None else (f"127.0.0.1:{relay.port}" if name == "openssl"
                                               else str(relay.port)) for a in argv]
            run_briefly(argv, b"hello from " + name.encode() + b"\n")
            tls_seeds(name, *relay.wait())
        relay = Relay(port)
        context = ssl.create_default_context(cafile=f"{FIX}/ca.pem")
        context.load_cert_chain(f"{FIX}/client-ed25519.pem", f"{FIX}/client-ed25519.key")
        context.post_handshake_auth = True
        with context.wrap_socket(socket.create_connection(("127.0.0.1", relay.port)),
                                 server_hostname="localhost") as s:
            s.sendall(b"hello from python\n")
            s.recv(100)
        tls_seeds("python", *relay.wait())
    finally:
        serv.kill()
        serv.wait()


def capture_openssl_server():
    port = free_port()
    serv = subprocess.Popen(
        ["openssl", "s_server", "-accept", f"127.0.0.1:{port}", "-naccept", "1",
         "-cert", f"{FIX}/server-rsa.pem", "-key", f"{FIX}/server-rsa.key", "-quiet"],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1)  # no probe: -naccept 1 would spend its one connection on it
        relay = Relay(port)
        run_briefly([os.path.join(ROOT, "build/bin/stepup-cli"), "localhost", "-p", str(relay.port),
                     "--x509cafile", f"{FIX}/ca.pem"], b"hi\n")
        up, down = relay.wait()
        tls_seeds("openssl-server", up, down)
    finally:
        serv.kill()
        serv.wait()


def synthetic_seeds():
    # record_layer: raw bytes, protected records of every inner type,
    # application data, KeyUpdates.
    ops = {
        "appdata": bytes([2, 5]) + b"hello",
        "protected-types": b"".join(bytes([1, 2, 0x41, t]) for t in (21, 22, 23, 0, 99)),
        "zeros": bytes([1, 4, 0, 0, 0, 0]),
        "keyupdate": bytes([7, 0, 3, 0, 2, 3]) + b"abc",
        "raw-header": bytes([0, 5, 23, 3, 3, 0xff, 0xff]),
        "raw-ccs": bytes([0, 6, 20, 3, 3, 0, 1, 1]),
    }
    for name, data in ops.items():
        write("record_layer", name, data)
    for i in range(12):
        for how in range(4):
            write("handshake_mutation", f"message-{i}-how-{how}", bytes([i, how, 2]) + b"\x01\x00\x17")
    # post_handshake: KeyUpdate both ways, a ticket, a certificate request, junk.
    ph = {
        "keyupdate-client": bytes([0, 1, 24, 1]),
        "keyupdate-server": bytes([0x80, 1, 24, 0]),
        "ticket": bytes([0x80, 13, 4]) + bytes([0, 0, 0, 60, 1, 2, 3, 4, 0, 0, 1, 9, 0]),
        "request-then-empty-certificate": bytes([0x40, 8, 11]) + bytes([0, 0, 0, 0, 0, 0, 0, 0]),
        "finished-junk": bytes([0, 4, 20, 1, 2, 3, 4]),
        "client-hello-late": bytes([0, 2, 1, 3, 3]),
    }
    for name, data in ph.items():
        write("post_handshake", name, data)
    # credentials: every fixture through each loader that takes it.
    for f in sorted(os.listdir(FIX)):
        path = os.path.join(FIX, f)
        if f.endswith(".sh"):
            continue
        data = open(path, "rb").read()
        tag = hashlib.sha1(f.encode()).hexdigest()[:8]
        if f.endswith(".pem") and b"CRL" in data:
            write("credentials", f"crl-{tag}", b"\x04" + data)
        elif f.endswith(".pem"):
            write("credentials", f"cert-{tag}", b"\x00" + data)
        elif f.endswith(".key"):
            write("credentials", f"key-{tag}", b"\x02" + data)
        elif f.endswith(".der") and "crl" in f:
            write("credentials", f"crl-der-{tag}", b"\x05" + data)
        elif f.endswith(".der") and ("key" in f or "pkcs8" in f):
            write("credentials", f"key-der-{tag}", b"\x03" + data)
        elif f.endswith(".der"):
            write("credentials", f"cert-der-{tag}", b"\x01" + data)
    priorities = [
        "NORMAL", "PERFORMANCE", "SECURE256", "NONE:+VERS-TLS1.3:+AES-128-GCM:+AEAD:+GROUP-X25519:+SIGN-ALL",
        "NORMAL:-VERS-ALL:+VERS-TLS1.3", "NORMAL:%SERVER_PRECEDENCE:%NO_TICKETS",
        "SECURE128:-VERS-SSL3.0:+ECDHE-PSK:+PSK", "NORMAL:-GROUP-ALL:+GROUP-SECP384R1:+GROUP-X25519",
        "@SYSTEM", "NORMAL:+CHACHA20-POLY1305:-AES-256-GCM:%COMPAT", "NORMAL:-SIGN-ALL:+SIGN-ECDSA-SECP256R1-SHA256",
        "NORMAL:+CTYPE-SRV-X509:%NO_EXTENSIONS", "",
    ]
    for i, p in enumerate(priorities):
        write("priority", f"p{i}", p.encode())
    bodies = [
        b'\x00{}',
        b'\x04{"auth":{"type":"m.login.password","identifier":{"type":"m.id.user","user":"alice"},"password":"pw"}}',
        b'\x00{"auth":{"type":"m.login.registration_token","token":"tok","session":"$S"}}\xff'
        b'\x00{"auth":{"type":"m.login.dummy","session":"$S"}}',
        b'\x00{}\xff\x14{"auth":{"session":"$S","type":"m.login.password","password":"pw","identifier":{"type":"m.id.user","user":"@alice:example.org"}}}',
        b'\x00{"username":"bob","auth":{"type":"m.login.dummy"}}',
        b'\x02not json',
        b'\x30{"auth":{"session":"$S","type":"m.login.registration_token","token":"tok"}}',
    ]
    for i, b in enumerate(bodies):
        write("uia", f"u{i}", b)
    # telodendria (c-tests/telodendria/fuzz_drop_in.c): a shape byte (route,
    # method, access token) then a JSON body; requests split by 0xff.
    conversations = {
        "register-token": [
            b'\x00{"auth":{"type":"m.login.registration_token","token":"invite"}}',
            b'\x00{"auth":{"type":"m.login.registration_token","token":"invite","session":"$S"}}',
            b'\x00{"auth":{"type":"m.login.dummy","session":"$S"},"username":"carol"}'],
        "password-change": [
            b'\x21{}',
            b'\x21{"auth":{"type":"m.login.password","identifier":{"type":"m.id.user","user":"alice"},'
            b'"password":"alice-pw","session":"$S"},"new_password":"n"}'],
        "deactivate": [
            b'\x22{"auth":{"type":"m.login.password","user":"bob","password":"bob-pw"}}',
            b'\x42{"auth":{"type":"m.login.password","user":"bob","password":"bob-pw","session":"$S"}}'],
        "fallback": [
            b'\x00{}', b'\x03{"auth":{"session":"$S","token":"invite"}}', b'\x05{"auth":{"session":"$S"}}'],
        "odd": [b'\x10{"auth":[]}', b'\x04{"auth":{"session":7}}', b'\xe1not json'],
    }
    for name, requests in conversations.items():
        write("telodendria", name, b"\xff".join(requests))


def main():
    os.chdir(ROOT)
    capture_stepup_serv()
    capture_openssl_server()
    synthetic_seeds()
    for target in sorted(os.listdir(CORPUS)):
        print(target, len(os.listdir(os.path.join(CORPUS, target))))


if __name__ == "__main__":
    sys.exit(main())
