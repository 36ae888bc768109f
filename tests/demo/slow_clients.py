#!/usr/bin/env python3
"""make demo-check, slow clients: stepup-demo on a free port with fresh data
must go on serving a well-behaved client while 40 slow clients press on its
32 connection slots: 8 send a ClientHello one byte a second, 32 finish the
handshake and then trickle one application-data record one byte a second
(enough to hold every slot for as long as a record takes, without deadlines
inside records).
Each slow client reconnects when the server drops it, so the pressure lasts.

Passes when every one of five well-behaved HTTPS requests gets its 200 (each
may take up to 15 s, far more than it needs: the test does not time the
server), and the server dropped slow clients to make room.
"""

import os
import shutil
import socket
import ssl
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from demo_check import Server, free_port  # noqa: E402

SLOW_CLIENTS = 40
SLOW_HELLOS = 8
PACE_S = 1.0
REQUESTS = 5
REQUEST_TIMEOUT_S = 15
START_TIMEOUT_S = 60


def client_hello():
    """A ClientHello, made by Python's ssl into memory."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(incoming, outgoing, server_hostname="localhost")
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


class Pressure:
    def __init__(self, port):
        self.port = port
        self.stop = threading.Event()
        self.dropped = 0
        self.lock = threading.Lock()
        self.hello = client_hello()

    def note_drop(self):
        with self.lock:
            self.dropped += 1

    def trickle(self, sock, data):
        """Sends data one byte per PACE_S; False when the server closed."""
        sock.settimeout(PACE_S)
        for b in data:
            if self.stop.is_set():
                return True
            try:
                sock.sendall(bytes([b]))
                if sock.recv(4096) == b"":
                    return False
            except socket.timeout:
                continue
            except OSError:
                return False
        return True

    def slow_hello(self):
        while not self.stop.is_set():
            try:
                sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            except OSError:
                time.sleep(0.2)
                continue
            with sock:
                if not self.trickle(sock, self.hello):
                    self.note_drop()

    def slow_record(self):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        while not self.stop.is_set():
            try:
                sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
            except OSError:
                time.sleep(0.2)
                continue
            with sock:
                incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
                obj = ctx.wrap_bio(incoming, outgoing, server_hostname="localhost")
                try:
                    while True:
                        try:
                            obj.do_handshake()
                            break
                        except ssl.SSLWantReadError:
                            sock.sendall(outgoing.read())
                            data = sock.recv(16384)
                            if not data:
                                raise OSError("closed")
                            incoming.write(data)
                    sock.sendall(outgoing.read())
                    obj.write(b"POST /_matrix/client/v3/register HTTP/1.1\r\nHost: x\r\n" + b"X: " + b"y" * 4000)
                    record = outgoing.read()
                except (OSError, ssl.SSLError):
                    self.note_drop()
                    continue
                if not self.trickle(sock, record):
                    self.note_drop()


def served(port):
    """One well-behaved request; returns its status line, or why not."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    start = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=REQUEST_TIMEOUT_S) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                s.settimeout(max(0.1, REQUEST_TIMEOUT_S - (time.monotonic() - start)))
                s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                reply = b""
                while b"\r\n" not in reply:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    reply += chunk
        return reply.split(b"\r\n", 1)[0].decode(errors="replace")
    except (OSError, ssl.SSLError) as e:
        return f"failed: {e!r}"


def main():
    if len(sys.argv) != 2:
        print("usage: slow_clients.py DEMO_BINARY", file=sys.stderr)
        return 2
    binary = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="stepup-slow-clients.")
    port = free_port()
    server = Server(binary, port, os.path.join(tmp, "data"))
    failed = 0
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not server.listening.wait(0.2) and server.proc.poll() is None and time.monotonic() < deadline:
            pass
        if not server.listening.is_set():
            print(f"FAIL slow-clients: the demo did not start: {server.tail()}")
            return 1
        pressure = Pressure(port)
        threads = [threading.Thread(target=pressure.slow_hello if i < SLOW_HELLOS else pressure.slow_record,
                                    daemon=True) for i in range(SLOW_CLIENTS)]
        for t in threads:
            t.start()
        time.sleep(3 * PACE_S)  # every slot taken by now
        for i in range(REQUESTS):
            status = served(port)
            if status.startswith("HTTP/1.1 200"):
                print(f"ok   slow-clients: request {i + 1} of {REQUESTS} served among {SLOW_CLIENTS} slow clients")
            else:
                failed += 1
                print(f"FAIL slow-clients: request {i + 1} of {REQUESTS}: {status}")
        pressure.stop.set()
        with pressure.lock:
            dropped = pressure.dropped
        if dropped >= 8:
            print(f"ok   slow-clients: the server dropped slow clients to make room ({dropped} drops)")
        else:
            failed += 1
            print(f"FAIL slow-clients: only {dropped} slow clients were dropped: the slots were never full")
        for t in threads:
            t.join(2 * PACE_S + 10)
        if server.proc.poll() is not None:
            failed += 1
            print(f"FAIL slow-clients: the demo exited: {server.tail()}")
    finally:
        if server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"slow-clients: {REQUESTS + 1 - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
