#!/usr/bin/env python3
"""The UIA fallback pages in a real browser: headless Chromium, driven
through ChromeDriver's WebDriver protocol (plain HTTP and JSON, no client
library), against stepup-demo on a free port with a fresh data directory.

Checks, each a line `ok   browser: ...` or `FAIL browser: ...: detail`:
  - m.login.password: the form shows, a wrong password shows the error on the
    page, the right one shows the success text and calls window.onAuthDone;
    the session then completes delete_devices through the API;
  - m.login.registration_token: the same with the token; the session then
    completes the registration through the API;
  - a session id holding <script> and an onerror attribute is shown escaped:
    the field holds it as text, only the page's own script element exists,
    nothing injected ran, and the console has no error;
  - io.stepup.tls_client_cert: the page explains what a client needs, with no
    form;
  - the index page (as a browser asks for it) links the fallback pages, and a
    link lands on a fallback page with a fresh session.
A screenshot of each page is kept in target/browser/.

Usage: fallback_browser.py DEMO_BINARY
Needs Debian's chromium and chromium-driver (/usr/bin/chromium,
/usr/bin/chromedriver); without them it fails, unless STEPUP_BROWSER_OPTIONAL
is set, when it says loudly that it skipped."""
import base64
import http.client
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "demo"))
from demo_check import Server, Walk, as_json, free_port, short, stop  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SHOTS = os.path.join(ROOT, "target", "browser")
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
REGISTER = "/_matrix/client/v3/register"
DELETE = "/_matrix/client/v3/delete_devices"
START_TIMEOUT = 20
WAIT_TIMEOUT = 15


class WebDriverError(Exception):
    pass


class Browser:
    """One ChromeDriver with one headless Chromium session."""

    def __init__(self, tmp):
        self.port = free_port()
        self.log = open(os.path.join(tmp, "chromedriver.log"), "w")
        self.proc = subprocess.Popen([CHROMEDRIVER, f"--port={self.port}"], stdout=self.log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                if self.call("GET", "/status").get("ready"):
                    break
            except (OSError, WebDriverError):
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise WebDriverError("chromedriver did not start")
            time.sleep(0.2)
        args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=900,700",
                f"--user-data-dir={os.path.join(tmp, 'chromium-profile')}"]
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            # The demo's CA is made at its first start; the browser is not
            # taught it. What is tested here is the page, not the chain.
            "acceptInsecureCerts": True,
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args},
            "goog:loggingPrefs": {"browser": "ALL"},
        }}}
        self.session = self.call("POST", "/session", caps)["sessionId"]

    def call(self, method, path, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, json.dumps(body) if body is not None else None,
                         {"Content-Type": "application/json"})
            reply = conn.getresponse()
            data = json.loads(reply.read() or b"{}")
        finally:
            conn.close()
        value = data.get("value", data)
        if reply.status != 200:
            raise WebDriverError(f"{method} {path}: {reply.status} {short(json.dumps(value), 300)}")
        return value

    def s(self, method, path, body=None):
        return self.call(method, f"/session/{self.session}{path}", body)

    def go(self, url):
        self.s("POST", "/url", {"url": url})

    def find(self, css):
        return self.s("POST", "/element", {"using": "css selector", "value": css})[ELEMENT]

    def type_into(self, css, text):
        element = self.find(css)
        self.s("POST", f"/element/{element}/clear", {})
        self.s("POST", f"/element/{element}/value", {"text": text})

    def click(self, css):
        self.s("POST", f"/element/{self.find(css)}/click", {})

    def js(self, script, *args):
        return self.s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def wait_for(self, script, timeout=WAIT_TIMEOUT):
        """Polls `script` (a JS expression body returning a boolean)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.js(script):
                return True
            time.sleep(0.1)
        return False

    def screenshot(self, name):
        os.makedirs(SHOTS, exist_ok=True)
        path = os.path.join(SHOTS, name)
        with open(path, "wb") as f:
            f.write(base64.b64decode(self.s("GET", "/screenshot")))
        return os.path.relpath(path, ROOT)

    def console(self):
        """The browser's console entries since the last call."""
        try:
            return self.s("POST", "/se/log", {"type": "browser"})
        except WebDriverError:
            return self.s("POST", "/log", {"type": "browser"})

    def quit(self):
        try:
            self.s("DELETE", "")
        except (OSError, WebDriverError):
            pass
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


class Api:
    """The demo's API over TLS, trusting its CA."""

    def __init__(self, port, data):
        self.port = port
        self.context = ssl.create_default_context(cafile=os.path.join(data, "ca.pem"))

    def post(self, path, body, token=None):
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.context, timeout=30)
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            conn.request("POST", path, json.dumps(body), headers)
            reply = conn.getresponse()
            return reply.status, reply.read().decode("utf-8", "replace")
        finally:
            conn.close()


def secrets_of(data):
    values = {}
    with open(os.path.join(data, "secrets")) as f:
        for line in f:
            key, _, value = line.strip().partition("=")
            if value and not key.startswith("#"):
                values[key] = value
    return values


def fallback_url(base, stage, session):
    return f"{base}/_matrix/client/v3/auth/{stage}/fallback/web?session={urllib.parse.quote(session, safe='')}"


def page_state(browser):
    return browser.js("""
        var error = document.getElementById('error'), done = document.getElementById('done');
        return {error: error && !error.hidden ? error.textContent : null,
                done: !!(done && !done.hidden), authDone: !!window.__authDone};""")


def password_page(walk, browser, api, base, secrets):
    devices = {"devices": ["DEMO"]}
    status, body = api.post(DELETE, devices, secrets["alice_token"])
    session = as_json(body).get("session", "")
    if not walk.check("delete_devices starts a session for the password page", status == 401 and session,
                      f"{status} {short(body)}"):
        return
    browser.go(fallback_url(base, "m.login.password", session))
    form = browser.js("return !!document.querySelector('form#stage-form input[type=password]');")
    shot = browser.screenshot("password-form.png")
    walk.check(f"m.login.password: the form shows ({shot})", form, "no password field")
    browser.js("window.onAuthDone = function () { window.__authDone = true; };")
    browser.type_into("input[name=user]", "alice")
    browser.type_into("input[name=password]", "not-her-password")
    browser.click("button[type=submit]")
    shown = browser.wait_for("var e = document.getElementById('error'); return !e.hidden && e.textContent.length > 0;")
    state = page_state(browser)
    shot = browser.screenshot("password-wrong.png")
    walk.check(f"m.login.password: a wrong password shows the error on the page ({shot})",
               shown and "password" in (state["error"] or "").lower() and not state["done"], str(state))
    browser.type_into("input[name=password]", secrets["alice_password"])
    browser.click("button[type=submit]")
    done = browser.wait_for("return !document.getElementById('done').hidden;")
    state = page_state(browser)
    shot = browser.screenshot("password-done.png")
    walk.check(f"m.login.password: the right password shows the success text and calls onAuthDone ({shot})",
               done and state["authDone"] and state["error"] is None, str(state))
    status, body = api.post(DELETE, dict(devices, auth={"session": session}), secrets["alice_token"])
    walk.check("m.login.password: the session then completes delete_devices through the API", status == 200,
               f"{status} {short(body)}")


def token_page(walk, browser, api, base, secrets):
    account = {"username": "dana", "password": "dana-password-1"}
    status, body = api.post(REGISTER, account)
    session = as_json(body).get("session", "")
    if not walk.check("register starts a session for the token page", status == 401 and session,
                      f"{status} {short(body)}"):
        return
    browser.go(fallback_url(base, "m.login.registration_token", session))
    form = browser.js("return !!document.querySelector('form#stage-form input[name=token]');")
    shot = browser.screenshot("token-form.png")
    walk.check(f"m.login.registration_token: the form shows ({shot})", form, "no token field")
    browser.js("window.onAuthDone = function () { window.__authDone = true; };")
    browser.type_into("input[name=token]", secrets["registration_token"])
    browser.click("button[type=submit]")
    done = browser.wait_for("return !document.getElementById('done').hidden;")
    state = page_state(browser)
    shot = browser.screenshot("token-done.png")
    walk.check(f"m.login.registration_token: the token shows the success text and calls onAuthDone ({shot})",
               done and state["authDone"], str(state))
    status, body = api.post(REGISTER, dict(account, auth={"type": "m.login.dummy", "session": session}))
    walk.check("m.login.registration_token: the session then completes the registration through the API",
               status == 200 and as_json(body).get("user_id", "").startswith("@dana:"), f"{status} {short(body)}")


def hostile_session(walk, browser, base):
    hostile = '"><script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">'
    browser.console()  # only what this page logs
    browser.go(fallback_url(base, "m.login.password", hostile))
    state = browser.js("""
        var field = document.querySelector('input[name=session]');
        return {value: field ? field.value : null, scripts: document.scripts.length,
                images: document.images.length, xss: window.__xss === undefined ? null : window.__xss,
                text: document.body.innerText};""")
    time.sleep(0.5)  # an onerror would have fired by now
    state["xss"] = browser.js("return window.__xss === undefined ? null : window.__xss;")
    console = browser.console()
    errors = [entry for entry in console if entry.get("level") in ("SEVERE", "ERROR")]
    shot = browser.screenshot("hostile-session.png")
    walk.check(f"a session id with <script> is shown escaped, and nothing injected runs ({shot})",
               state["value"] == hostile and state["scripts"] == 1 and state["images"] == 0
               and state["xss"] is None, str(state))
    walk.check("the console has no error on that page", not errors, short(json.dumps(errors)))


def cert_page(walk, browser, base):
    browser.go(fallback_url(base, "io.stepup.tls_client_cert", "0123456789abcdef"))
    state = browser.js("return {forms: document.forms.length, text: document.body.innerText};")
    shot = browser.screenshot("tls-client-cert.png")
    text = state["text"]
    walk.check(f"io.stepup.tls_client_cert: the page explains what a client needs, with no form ({shot})",
               state["forms"] == 0 and "post-handshake authentication" in text and "HTTP/2" in text
               and "curl" in text, short(text))


def index_page(walk, browser, base):
    browser.go(base + "/")
    links = browser.js("return Array.from(document.links).map(function (a) { return a.getAttribute('href'); });")
    shot = browser.screenshot("index.png")
    wanted = [f"/fallback-start/{stage}" for stage in
              ("m.login.registration_token", "m.login.password", "io.stepup.tls_client_cert")]
    walk.check(f"the index page links the fallback pages ({shot})", all(w in links for w in wanted), str(links))
    browser.click("a[href='/fallback-start/m.login.registration_token']")
    arrived = browser.wait_for(
        "return location.pathname.endsWith('/auth/m.login.registration_token/fallback/web')"
        " && /session=[0-9a-f]{40}/.test(location.search) && !!document.querySelector('input[name=token]');")
    shot = browser.screenshot("index-link.png")
    walk.check(f"an index link opens a fallback page with a fresh session ({shot})", arrived,
               browser.js("return location.href;"))


def main():
    if len(sys.argv) != 2:
        print("usage: fallback_browser.py DEMO_BINARY", file=sys.stderr)
        return 2
    binary = os.path.abspath(sys.argv[1])
    walk = Walk("browser")
    missing = [tool for tool in (CHROMIUM, CHROMEDRIVER) if not os.access(tool, os.X_OK)]
    if missing:
        if os.environ.get("STEPUP_BROWSER_OPTIONAL"):
            print(f"!!! SKIPPED: the browser test: {', '.join(missing)} missing "
                  "(Debian chromium and chromium-driver; .ci/run installs them)")
            return 0
        walk.fail("tools", f"{', '.join(missing)} missing: install Debian chromium and chromium-driver")
        print(f"browser-check: {walk.passed} passed, {walk.failed} failed")
        return 1
    shutil.rmtree(SHOTS, ignore_errors=True)
    tmp = tempfile.mkdtemp(prefix="stepup-browser.")
    data = os.path.join(tmp, "data")
    port = free_port()
    server = browser = None
    try:
        server = Server(binary, port, data)
        deadline = time.monotonic() + START_TIMEOUT
        while not server.listening.wait(0.2) and server.proc.poll() is None and time.monotonic() < deadline:
            pass
        if not walk.check("the demo starts", server.listening.is_set(), server.tail()):
            return 1
        browser = Browser(tmp)
        walk.ok("headless Chromium starts under ChromeDriver")
        base = f"https://127.0.0.1:{port}"
        api = Api(port, data)
        secrets = secrets_of(data)
        for step in (password_page, token_page):
            step(walk, browser, api, base, secrets)
        hostile_session(walk, browser, base)
        cert_page(walk, browser, base)
        index_page(walk, browser, base)
        stop(walk, server)
    except (OSError, WebDriverError, KeyError) as e:
        walk.fail("the browser walk", f"{type(e).__name__}: {e}")
    finally:
        if browser is not None:
            browser.quit()
        if server is not None and server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"browser-check: {walk.passed} passed, {walk.failed} failed")
    return 1 if walk.failed else 0


if __name__ == "__main__":
    sys.exit(main())
