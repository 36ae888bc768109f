#!/usr/bin/env python3
"""make demo-check: starts stepup-demo on a free port with a fresh data
directory and walks every route with real clients (curl, and Python's ssl
with and without post-handshake authentication), then runs the curl commands
the demo prints at start, exactly as printed.

Usage: demo_check.py DEMO_BINARY

Prints `ok   demo: ...` or `FAIL demo: ...: detail` per step and a final
`demo-check: N passed, M failed`; exits non-zero on any failure. Needs only
Python 3, curl and openssl."""
import http.client
import json
import os
import re
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

REGISTER = "/_matrix/client/v3/register"
DELETE = "/_matrix/client/v3/delete_devices"
CERT_STAGE = "io.stepup.tls_client_cert"
START_TIMEOUT = 20
STOP_TIMEOUT = 10


class Walk:
    """Counts and prints the steps, on lines naming the walk."""

    def __init__(self, name="demo"):
        self.name = name
        self.passed = 0
        self.failed = 0

    def ok(self, what):
        print(f"ok   {self.name}: {what}", flush=True)
        self.passed += 1

    def fail(self, what, detail):
        print(f"FAIL {self.name}: {what}: {detail}", flush=True)
        self.failed += 1

    def check(self, what, condition, detail):
        if condition:
            self.ok(what)
        else:
            self.fail(what, detail)
        return condition


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def short(text, limit=400):
    text = text.replace("\n", "\\n")
    return text if len(text) <= limit else text[:limit] + "..."


def as_json(body):
    try:
        value = json.loads(body)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


class Server:
    """The demo as a child process; its output is collected by a thread."""

    def __init__(self, binary, port, data):
        self.lines = []
        self.lock = threading.Lock()
        self.listening = threading.Event()
        self.proc = subprocess.Popen([binary, "-p", str(port), "--data", data], stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True,
                                     errors="replace")
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            with self.lock:
                self.lines.append(line.rstrip("\n"))
            if line.startswith("stepup-demo: listening on "):
                self.listening.set()

    def output(self):
        with self.lock:
            return list(self.lines)

    def request_log(self):
        """The server's per-request lines: (method, path, status)."""
        found = []
        for line in self.output():
            m = re.match(r"^stepup-demo: (GET|POST|[A-Z]+) (\S+) (\d{3})\b", line)
            if m:
                found.append((m.group(1), m.group(2), int(m.group(3))))
        return found

    def tail(self, n=12):
        return " | ".join(self.output()[-n:])


def main():
    if len(sys.argv) != 2:
        print("usage: demo_check.py DEMO_BINARY", file=sys.stderr)
        return 2
    binary = os.path.abspath(sys.argv[1])
    walk = Walk()
    for tool in ("curl", "openssl"):
        if shutil.which(tool) is None:
            walk.fail("tools", f"{tool} is not installed")
    if not os.access(binary, os.X_OK):
        walk.fail("binary", f"{binary} is not an executable (make demo builds it)")
    if walk.failed:
        print(f"demo-check: {walk.passed} passed, {walk.failed} failed")
        return 1

    tmp = tempfile.mkdtemp(prefix="stepup-demo-check.")
    data = os.path.join(tmp, "data")
    port = free_port()
    server = None
    try:
        server = Server(binary, port, data)
        deadline = time.monotonic() + START_TIMEOUT
        # Stop waiting early when the server exits instead of starting.
        while not server.listening.wait(0.2) and server.proc.poll() is None and time.monotonic() < deadline:
            pass
        if not server.listening.is_set():
            status = server.proc.poll()
            why = f"exited with status {status}" if status is not None else f"not listening after {START_TIMEOUT} s"
            walk.fail("server starts", f"{why}: {server.tail()}")
        else:
            walk.ok(f"server starts: listening on 127.0.0.1:{port} with data in a temp dir")
            run_steps(walk, server, port, data, tmp)
            stop(walk, server)
    finally:
        if server is not None and server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"demo-check: {walk.passed} passed, {walk.failed} failed")
    return 1 if walk.failed else 0


def stop(walk, server):
    server.proc.send_signal(signal.SIGTERM)
    try:
        status = server.proc.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        walk.fail("stops on SIGTERM", f"still running after {STOP_TIMEOUT} s")
        return
    server.reader.join(5)
    walk.check("stops cleanly on SIGTERM", status == 0 and "stepup-demo: stopping" in server.output(),
               f"exit status {status}: {server.tail(4)}")
    # A build with sanitizers (make demo-check runs one) reports here.
    reports = [line for line in server.output()
               if "Sanitizer" in line or "runtime error:" in line]
    walk.check("no sanitizer report in the demo's output", not reports, " | ".join(reports[:6]))


def run_steps(walk, server, port, data, tmp):
    base = f"https://127.0.0.1:{port}"
    ca = os.path.join(data, "ca.pem")
    alice_cert, alice_key = os.path.join(data, "alice.pem"), os.path.join(data, "alice.key")
    requests = 0  # requests sent, to compare with the server's log

    def curl(what, path, *args, method=None, body=None, token=None):
        nonlocal requests
        # curl expands the \n of -w itself, so the command prints on one line.
        cmd = ["curl", "-sS", "--max-time", "20", "--cacert", ca, "-w", "\\n%{http_code}"]
        if method:
            cmd += ["-X", method]
        if token is not None:
            cmd += ["-H", f"Authorization: Bearer {token}"]
        if body is not None:
            cmd += ["-H", "Content-Type: application/json", "--data-binary", body]
        cmd += list(args) + [base + path]
        print("     $ " + shlex.join(cmd), flush=True)
        requests += 1
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=30, errors="replace")
        except subprocess.TimeoutExpired:
            return 0, f"(curl timed out; {what})"
        text, _, code = done.stdout.rpartition("\n")
        if done.returncode != 0:
            text += f" (curl exit {done.returncode}: {done.stderr.strip()})"
        return int(code) if code.isdigit() else 0, text

    def python(what, method, path, body=None, token=None, cert=True, pha=True, quiet=False):
        nonlocal requests
        if not quiet:
            print(f"     $ python3 ssl+http.client {method} {path} (post_handshake_auth={pha}, "
                  f"certificate={'alice' if cert else 'none'})", flush=True)
        requests += 1
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        ctx.load_verify_locations(ca)
        if cert:
            ctx.load_cert_chain(alice_cert, alice_key)
        ctx.post_handshake_auth = pha
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=20)
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as e:
            return 0, f"({what}: {type(e).__name__}: {e})"
        finally:
            conn.close()

    def expect(what, status, body, want_status, errcode=None, contains=(), also=True):
        got = as_json(body)
        good = status == want_status and (errcode is None or got.get("errcode") == errcode)
        good = good and all(c in body for c in contains) and also
        walk.check(what, good, f"got {status} {short(body)}; wanted {want_status}"
                   + (f" {errcode}" if errcode else "") + (f" containing {list(contains)}" if contains else ""))
        return got

    # ---- start-up output ----
    banner = "\n".join(server.output())
    walk.check("prints the URL and ready-to-paste curl commands",
               f"https://127.0.0.1:{port}" in banner and "curl " in banner and "--cacert" in banner
               and f"--cert {alice_cert}" in banner and REGISTER in banner and DELETE in banner
               and "/admin" in banner, short(banner, 600))
    walk.check("made the demo PKI and secrets on first run",
               all(os.path.isfile(os.path.join(data, f)) for f in
                   ("ca.pem", "ca.key", "server.pem", "server.key", "alice.pem", "alice.key", "secrets"))
               and os.stat(os.path.join(data, "secrets")).st_mode & 0o777 == 0o600,
               f"files: {sorted(os.listdir(data)) if os.path.isdir(data) else 'no data dir'}")
    secrets = {}
    with open(os.path.join(data, "secrets")) as f:
        for line in f:
            if "=" in line and not line.startswith("#"):
                k, _, v = line.strip().partition("=")
                secrets[k] = v
    alice_token = secrets.get("alice_token", "")
    alice_password = secrets.get("alice_password", "")
    reg_token = secrets.get("registration_token", "")

    # ---- GET / ----
    status, body = curl("index", "/")
    expect("curl GET / lists the routes", status, body, 200, contains=(REGISTER, DELETE, "/admin"))
    status, body = curl("unknown route", "/nowhere")
    expect("curl GET /nowhere is 404 M_UNRECOGNIZED", status, body, 404, "M_UNRECOGNIZED")

    # ---- registration ----
    bob = json.dumps({"username": "bob", "password": "bob-password-1"})
    status, body = curl("register", REGISTER, body=bob)
    got = expect("register without auth: 401 with the flow and a session", status, body, 401,
                 also=[{"stages": ["m.login.registration_token", "m.login.dummy"]}] == as_json(body).get("flows")
                 and bool(as_json(body).get("session")))
    session = got.get("session", "")

    def reg(auth):
        return json.dumps({"username": "bob", "password": "bob-password-1", "auth": dict(auth, session=session)})

    status, body = curl("wrong token", REGISTER,
                        body=reg({"type": "m.login.registration_token", "token": "not-the-token"}))
    got = as_json(body)
    walk.check("register with a wrong registration token is refused with an errcode",
               status in (401, 403) and isinstance(got.get("errcode"), str) and got.get("completed", []) == [],
               f"got {status} {short(body)}")
    status, body = curl("right token", REGISTER, body=reg({"type": "m.login.registration_token", "token": reg_token}))
    expect("register with the registration token: 401, completed [m.login.registration_token]", status, body,
           401, also=as_json(body).get("completed") == ["m.login.registration_token"])
    completing = reg({"type": "m.login.dummy"})
    status, body = curl("dummy", REGISTER, body=completing)
    got = expect("register with m.login.dummy: 200, @bob:localhost with an access token", status, body, 200,
                 also=as_json(body).get("user_id") == "@bob:localhost"
                 and bool(as_json(body).get("access_token")))
    bob_token = got.get("access_token", "")
    status, body = curl("replay", REGISTER, body=completing)
    expect("the completing request repeated: the same answer, no second user", status, body, 200,
           also=as_json(body).get("user_id") == "@bob:localhost" and as_json(body).get("access_token") == bob_token)
    for label, password in (("another password", "guessed"), ("no password", None)):
        replay = json.loads(completing)
        if password is None:
            del replay["password"]
        else:
            replay["password"] = password
        status, body = curl("replay, " + label, REGISTER, body=json.dumps(replay))
        expect(f"the completing request with {label}: 403, no access token", status, body, 403, "M_FORBIDDEN",
               also="access_token" not in as_json(body))
    status, body = curl("bob again", REGISTER, body=bob)
    expect("registering bob again: 400 M_USER_IN_USE", status, body, 400, "M_USER_IN_USE")
    status, body = curl("bad name", REGISTER, body=json.dumps({"username": "Bad Name!", "password": "x"}))
    expect("an invalid username: 400 M_INVALID_USERNAME", status, body, 400, "M_INVALID_USERNAME")

    # ---- delete_devices: token and password ----
    devices = {"devices": ["DEMO"]}
    status, body = curl("no token", DELETE, body=json.dumps(devices))
    expect("delete_devices without a token: 401 M_MISSING_TOKEN", status, body, 401, "M_MISSING_TOKEN")
    status, body = curl("bad token", DELETE, body=json.dumps(devices), token="no-such-token")
    expect("delete_devices with an unknown token: 401 M_UNKNOWN_TOKEN", status, body, 401, "M_UNKNOWN_TOKEN")
    status, body = curl("no auth", DELETE, body=json.dumps(devices), token=alice_token)
    expect("delete_devices as alice without auth: 401 with both flows", status, body, 401,
           also=as_json(body).get("flows") == [{"stages": ["m.login.password"]}, {"stages": [CERT_STAGE]}]
           and bool(as_json(body).get("session")))

    def new_session(token):
        _, b = curl("new session", DELETE, body=json.dumps(devices), token=token)
        return as_json(b).get("session", "")

    def password_auth(password, sess):
        return json.dumps(dict(devices, auth={"type": "m.login.password", "session": sess,
                                              "identifier": {"type": "m.id.user", "user": "alice"},
                                              "password": password}))

    sess = new_session(alice_token)
    status, body = curl("wrong password", DELETE, body=password_auth("wrong-password", sess), token=alice_token)
    expect("delete_devices with a wrong password: 401 M_FORBIDDEN", status, body, 401, "M_FORBIDDEN")
    status, body = curl("right password", DELETE, body=password_auth(alice_password, sess), token=alice_token)
    expect("delete_devices with alice's password: 200", status, body, 200, also=as_json(body) == {})

    # ---- delete_devices: the certificate stage, by post-handshake auth ----
    def cert_auth(sess):
        return json.dumps(dict(devices, auth={"type": CERT_STAGE, "session": sess}))

    sess = new_session(alice_token)
    status, body = curl("cert", DELETE, "--tlsv1.3", "--cert", alice_cert, "--key", alice_key,
                        body=cert_auth(sess), token=alice_token)
    expect("curl --cert alice, stage io.stepup.tls_client_cert: 200 (post-handshake auth)", status, body, 200,
           also=as_json(body) == {})
    sess = new_session(alice_token)
    status, body = curl("no cert", DELETE, "--tlsv1.3", body=cert_auth(sess), token=alice_token)
    expect("curl without a certificate: 401 IO.STEPUP.CERT_MISSING", status, body, 401, "IO.STEPUP.CERT_MISSING")
    sess = new_session(bob_token)
    status, body = curl("wrong user", DELETE, "--tlsv1.3", "--cert", alice_cert, "--key", alice_key,
                        body=cert_auth(sess), token=bob_token)
    expect("bob's token with alice's certificate: 401 IO.STEPUP.CERT_WRONG_USER", status, body, 401,
           "IO.STEPUP.CERT_WRONG_USER")
    other = make_other_ca_cert(tmp)
    if other is None:
        walk.fail("a certificate from another CA", "openssl could not make it")
    else:
        sess = new_session(alice_token)
        status, body = curl("untrusted", DELETE, "--tlsv1.3", "--cert", other[0], "--key", other[1],
                            body=cert_auth(sess), token=alice_token)
        expect("CN=alice from another CA: 401 IO.STEPUP.CERT_UNTRUSTED", status, body, 401,
               "IO.STEPUP.CERT_UNTRUSTED")
    sess = new_session(alice_token)
    status, body = python("pha", "POST", DELETE, body=cert_auth(sess), token=alice_token)
    expect("Python ssl (post_handshake_auth, alice's certificate), certificate stage: 200", status, body, 200,
           also=as_json(body) == {})
    sess = new_session(alice_token)
    status, body = python("no pha", "POST", DELETE, body=cert_auth(sess), token=alice_token, cert=False, pha=False)
    expect("Python ssl without post_handshake_auth: 401 IO.STEPUP.CERT_UNAVAILABLE", status, body, 401,
           "IO.STEPUP.CERT_UNAVAILABLE")

    # ---- /admin ----
    status, body = curl("admin", "/admin", "--tlsv1.3", "--cert", alice_cert, "--key", alice_key)
    expect("curl --cert alice GET /admin: 200 with CN=alice", status, body, 200, contains=("CN=alice",))
    status, body = curl("admin", "/admin", "--tlsv1.3")
    expect("curl without a certificate GET /admin: 403", status, body, 403)
    status, body = python("admin", "GET", "/admin")
    expect("Python ssl (post_handshake_auth, alice's certificate) GET /admin: 200 with CN=alice", status, body,
           200, contains=("CN=alice",))
    status, body = python("admin", "GET", "/admin", cert=False, pha=False)
    expect("Python ssl without post_handshake_auth GET /admin: 403 saying why", status, body, 403,
           contains=("post-handshake",))

    # ---- HTTP limits ----
    big = os.path.join(tmp, "big.json")
    with open(big, "w") as f:
        f.write('{"pad":"' + "x" * 70000 + '"}')
    status, body = curl("big", REGISTER, body="@" + big)
    expect("a body over 64 KiB: 413", status, body, 413)
    status, body = raw_tls(port, ca, b"NOT A REQUEST\r\n\r\n")
    requests += 1
    walk.check("a malformed request: 400", status == 400, f"got {status} {short(body)}")
    idle = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        status, body = curl("while idle", "/")
        walk.check("an idle connection does not hold up others", status == 200, f"got {status} {short(body)}")
    finally:
        idle.close()

    # ---- the commands the demo printed, as printed ----
    requests += run_banner_commands(walk, server, banner, tmp)

    # ---- a flood of new sessions from one address (last: it uses up 127.0.0.1's bound) ----
    print("     $ python3 ssl+http.client POST /register (no auth, 60 KB body) until 429, at most 70 times",
          flush=True)
    flood = json.dumps({"username": "flood", "pad": "x" * 60000})
    started, status, body = 0, 0, ""
    for _ in range(70):
        status, body = python("flood", "POST", REGISTER, body=flood, cert=False, quiet=True)
        if status != 401:
            break
        started += 1
    got = as_json(body)
    walk.check(f"new sessions from one address are bounded: 429 M_LIMIT_EXCEEDED after {started} more",
               status == 429 and got.get("errcode") == "M_LIMIT_EXCEEDED"
               and isinstance(got.get("retry_after_ms"), int) and got["retry_after_ms"] > 0 and started < 60,
               f"got {status} {short(body)} after {started} sessions")

    # ---- the request log ----
    time.sleep(0.3)
    logged = server.request_log()
    walk.check(f"the server logged one line per request ({requests})", len(logged) == requests,
               f"{len(logged)} lines: {logged[-5:]}")


def run_banner_commands(walk, server, banner, tmp):
    """Runs the printed curl commands in one shell, in order, and checks the
    statuses the server logged for them. Returns the number of requests."""
    lines = [ln for ln in banner.splitlines() if ln.startswith("curl ") or ln.startswith("S=$(curl ")]
    # index; register x3; delete_devices without auth, with password, with the certificate; admin with and without
    want = [200, 401, 401, 200, 401, 200, 200, 200, 403]
    if len(lines) != len(want):
        walk.fail("the printed curl commands", f"expected {len(want)} commands, found {len(lines)}: {lines}")
        return 0
    script = os.path.join(tmp, "printed.sh")
    with open(script, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"     $ bash {script}  # the {len(lines)} curl commands printed at start", flush=True)
    before = len(server.request_log())
    try:
        done = subprocess.run(["bash", script], capture_output=True, text=True, timeout=120, errors="replace")
        out = done.stdout + done.stderr
    except subprocess.TimeoutExpired:
        out = "(timed out)"
    time.sleep(0.3)
    statuses = [s for _, _, s in server.request_log()[before:]]
    walk.check("the printed curl commands work as printed", statuses == want and "Subject: CN=alice" in out
               and '"user_id":"@' in out, f"statuses {statuses}, wanted {want}; output {short(out)}")
    return len(statuses)


def raw_tls(port, ca, data):
    """Sends raw bytes over TLS and returns the status line's code and the reply."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(ca)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
            with ctx.wrap_socket(s, server_hostname="127.0.0.1") as t:
                t.sendall(data)
                reply = b""
                while True:
                    chunk = t.recv(4096)
                    if not chunk:
                        break
                    reply += chunk
    except (OSError, ssl.SSLError) as e:
        return 0, f"{type(e).__name__}: {e}"
    text = reply.decode("utf-8", "replace")
    m = re.match(r"HTTP/1\.1 (\d{3}) ", text)
    return (int(m.group(1)) if m else 0), text


def make_other_ca_cert(tmp):
    """A CA unknown to the demo, and a certificate for CN=alice it signed."""
    d = os.path.join(tmp, "other")
    os.makedirs(d, exist_ok=True)
    p = lambda name: os.path.join(d, name)  # noqa: E731
    with open(p("alice.ext"), "w") as f:
        f.write("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                "extendedKeyUsage=clientAuth\n")
    steps = [
        ["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", p("ca.key")],
        ["openssl", "req", "-x509", "-new", "-key", p("ca.key"), "-subj", "/CN=another CA", "-days", "2",
         "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign",
         "-out", p("ca.pem")],
        ["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", p("alice.key")],
        ["openssl", "req", "-new", "-key", p("alice.key"), "-subj", "/CN=alice", "-out", p("alice.csr")],
        ["openssl", "x509", "-req", "-in", p("alice.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"),
         "-set_serial", "7", "-days", "2", "-extfile", p("alice.ext"), "-out", p("alice.pem")],
    ]
    for cmd in steps:
        print("     $ " + shlex.join(cmd), flush=True)
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            print("     " + short(done.stderr), flush=True)
            return None
    return p("alice.pem"), p("alice.key")


if __name__ == "__main__":
    sys.exit(main())
