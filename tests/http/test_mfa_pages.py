"""Two-step sign-in in the pages (issue 6, /tmp/ssts/MFA_CONTRACT.md "Pages"):
the MFA section of /security in its three states (off, set-up in progress,
on), the recovery codes page, the second sign-in step /login/mfa and its
pending cookie, turning it off, the admin's reset on /admin/users/:id, the
CSRF check on every new POST and the role matrix of the new routes, all
driven through nginx like a browser (forms scraped from the pages).

Codes come from Debian's oathtool.  The server accepts a code one step
(30 s) early or late but never one at or below the last step it accepted
for the user, so each user's last step is tracked here (fresh_code): a
user gets at most three codes (steps now-1, now, now+1) before a test
must wait for the clock.

This module starts its own stack ("http-mfa-pages").
"""
import base64
import hashlib
import hmac
import html
import html.parser
import json
import re
import subprocess
import time
import urllib.parse
import xml.etree.ElementTree as ET

import pytest

import stack as stackmod
from conftest import PASSWORD, Api, Browser, assert_security_headers
from tickets_fixtures import make_user

HTML_CT = "text/html; charset=utf-8"
STEP = 30
ROLES = ["client", "agent", "admin"]
SECRET_RE = re.compile(r"^[A-Z2-7]{32}$")
RECOVERY_RE = re.compile(r"^[a-z2-7]{4}-[a-z2-7]{5}-[a-z2-7]{5}$")
SVG_NS = "{http://www.w3.org/2000/svg}"
FLASH_RE = re.compile(
    r'<div class="flash flash-(\w+)" role="\w+"><p>([^<]*)</p></div>')
ALERT_RE = re.compile(
    r'<div class="alert alert-error" role="alert"><p[^>]*>([^<]*)</p></div>')

EXPLAIN = ("Enter the 6-digit code from your authenticator app. Lost your "
           "phone? Enter one of your recovery codes.")
BAD_CODE_FORM = ("That code is not valid or was already used. Please try the "
                 "next one.")
MISSING_CODE_FORM = "Enter the 6-digit code from your app, or a recovery code."
NO_PERMISSION = "You do not have permission to see this page."
FLASH = {
    "mfa_expired": ("info", "Your sign-in has to start again. Please enter "
                    "your e-mail and password."),
    "mfa_setup": ("info", "Scan the QR code with your authenticator app, then "
                  "enter the code it shows to finish."),
    "mfa_already": ("info", "Two-step sign-in is already on."),
    "mfa_bad_code": ("error", "That code is not valid or was already used. "
                     "Please enter the current one."),
    "mfa_bad_password": ("error", "Your password was not right."),
    "mfa_disabled": ("info", "Two-step sign-in is off, and your other devices "
                     "have been signed out."),
    "mfa_reset": ("success", "Two-step sign-in has been turned off for this "
                  "account, which has been signed out everywhere."),
}


@pytest.fixture(scope="module")
def stack():
    st = None
    try:
        st = stackmod.start_stack("http-mfa-pages")
        yield st
    finally:
        if st is not None:
            st.stop()


# ------------------------------------------------------------- TOTP

def oath(secret, step):
    """oathtool's code for time step `step` (a moment 1 s into it)."""
    p = subprocess.run(["oathtool", "--totp", "-b", secret, "--now",
                        "@%d" % (step * STEP + 1)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=10)
    assert p.returncode == 0, p.stderr
    code = p.stdout.strip()
    assert re.fullmatch(r"\d{6}", code), code
    return code


def fresh_code(u, lasting=5):
    """A code the server accepts now for user u: the lowest step above the
    last one used that is within the server's window (now-1 .. now+1) and
    stays in it for `lasting` more seconds (a step's code is taken until
    the end of the next step); waits for the clock if there is none."""
    while True:
        t = time.time()
        now = int(t // STEP)
        cand = max(now - 1, u["last"] + 1)
        while (cand + 2) * STEP - t < lasting:
            cand += 1
        if cand <= now + 1:
            u["last"] = cand
            return oath(u["secret"], cand)
        time.sleep((now + 1) * STEP - t + 0.5)


def wrong_code(u):
    """Six digits that no step near now has for u."""
    now = int(time.time() // STEP)
    near = {oath(u["secret"], now + k) for k in range(-2, 4)}
    return next(c for c in ("000000", "123456", "999999", "555555")
                if c not in near)


# ------------------------------------------------------------- HTML

class Forms(html.parser.HTMLParser):
    """The forms of a page: action -> {"method", "inputs": [attrs],
    "buttons": [text]}; and every element's attributes by id."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.forms, self.ids, self._form, self._button = {}, {}, None, None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        a["<tag>"] = tag
        if "id" in a:
            self.ids[a["id"]] = a
        if tag == "form":
            self._form = self.forms.setdefault(a.get("action"), {
                "method": a.get("method"), "inputs": [], "buttons": []})
        elif tag in ("input", "select", "textarea") and self._form:
            self._form["inputs"].append(a)
        elif tag == "button" and self._form is not None:
            self._button = ""

    def handle_data(self, data):
        if self._button is not None:
            self._button += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "button" and self._button is not None:
            self._form["buttons"].append(self._button.strip())
            self._button = None


def form_of(text, action):
    f = Forms(text).forms.get(action)
    assert f is not None, ("no form for %s" % action, sorted(
        k or "" for k in Forms(text).forms))
    assert f["method"] == "post"
    return f


def input_named(form, name):
    ins = [i for i in form["inputs"] if i.get("name") == name]
    assert len(ins) == 1, (name, form["inputs"])
    return ins[0]


def hidden_fields(form):
    return {i["name"]: i.get("value", "") for i in form["inputs"]
            if i.get("type") == "hidden" and i.get("name")}


def flashes(text):
    return [(k, html.unescape(t)) for k, t in FLASH_RE.findall(text)]


def mfa_section(text):
    m = re.search(r'<section class="card mfa-card" id="mfa"[^>]*>(.*?)'
                  r'</section>', text, re.S)
    assert m, "no MFA section"
    return m.group(1)


def mfa_status(text):
    m = re.search(r'<p class="mfa-status"><span class="visually-hidden">'
                  r'Status: </span><span class="badge badge-\w+">(\w+)</span>',
                  mfa_section(text))
    assert m, mfa_section(text)[:400]
    return m.group(1)


def secret_of(text):
    """The key as the page writes it for typing, in groups of four."""
    m = re.search(r'<code class="mfa-secret" id="mfa-secret"[^>]*>([^<]*)'
                  r'</code>', text)
    assert m, "no secret on the page"
    groups = m.group(1).split(" ")
    assert all(len(g) == 4 for g in groups), groups
    secret = "".join(groups)
    assert SECRET_RE.match(secret), secret
    return secret


def uri_of(text):
    m = re.search(r'<a class="[^"]*mfa-uri" href="([^"]*)"', text)
    assert m, "no otpauth link"
    return html.unescape(m.group(1))


def svg_of(text):
    m = re.search(r'<div class="mfa-qr-code" role="img" aria-label="([^"]+)">'
                  r'(<svg .*?</svg>)</div>', text, re.S)
    assert m, "no QR code"
    return m.group(1), m.group(2)


def codes_of(text):
    m = re.search(r'<ol class="mfa-codes"[^>]*>(.*?)</ol>', text, re.S)
    assert m, text[:600]
    return re.findall(r"<li><code>([^<]*)</code></li>", m.group(1))


# ------------------------------------------------------------- browsing

def same_origin(st):
    return {"Origin": st.origin, "Sec-Fetch-Site": "same-origin"}


def page(b, path, status=200):
    r = b.get(path)
    assert r.status_code == status, (path, r.status_code, r.text[:400])
    assert r.headers["Content-Type"] == HTML_CT
    assert r.headers.get("Cache-Control") == "no-store"
    assert_security_headers(r)
    assert "<script" not in r.text
    return r.text


def submit(b, page_path, action, data, csrf=True):
    """Posts the form "action" of page_path as a browser would: its hidden
    fields (csrf, next), then data.  csrf=False drops the token."""
    f = form_of(page(b, page_path), action)
    d = hidden_fields(f)
    if not csrf:
        d.pop("csrf")
    d.update(data)
    r = b.post(action, d, headers=same_origin(b.st))
    assert r.status_code < 500, (action, r.status_code, r.text[:400])
    return r


def follow(b, r, where):
    assert r.status_code == 303, (r.status_code, r.text[:500])
    assert r.headers["Location"] == where, r.headers["Location"]
    return page(b, where.split("#")[0])


def set_cookies(r):
    """Set-Cookie lines of a response, by cookie name."""
    raw = r.raw.headers.getlist("Set-Cookie") if hasattr(
        r.raw.headers, "getlist") else [r.headers.get("Set-Cookie", "")]
    return {c.split("=", 1)[0]: c for c in raw if c}


def new_user(st, role="client"):
    """A user of role signed in through /login: a dict with a Browser."""
    a = make_user(st, role)
    u = dict(a.user)
    u["id"] = int(u["id"])
    u["last"] = -1
    u["b"] = signed_in(st, u)
    return u


def signed_in(st, u):
    b = Browser(st)
    r = b.login(u["email"], u["password"])
    assert r.status_code == 303 and r.headers["Location"] == "/dashboard", \
        (r.status_code, r.headers.get("Location"))
    return b


def start_setup(u):
    b = u["b"]
    r = submit(b, "/security", "/security/mfa/setup", {})
    text = follow(b, r, "/security#mfa")
    assert ("info", FLASH["mfa_setup"][1]) in flashes(text)
    u["secret"] = secret_of(text)
    return text


def enable(u):
    """Set-up and first code through /security; returns the codes page."""
    start_setup(u)
    r = submit(u["b"], "/security", "/security/mfa/enable",
               {"code": fresh_code(u)})
    assert r.status_code == 200, (r.status_code, r.headers.get("Location"),
                                  flashes(r.text))
    u["codes"] = codes_of(r.text)
    return r


def mfa_user(st, role="client"):
    u = new_user(st, role)
    enable(u)
    return u


def password_step(st, u, next_=None, b=None):
    """/login with the password of an MFA account: the browser now holds
    the pending cookie; returns it and the path of the second step."""
    b = b or Browser(st)
    r = b.login(u["email"], u["password"], next_)
    assert r.status_code == 303, (r.status_code, r.text[:300])
    loc = r.headers["Location"]
    assert loc.startswith("/login/mfa?next="), loc
    assert b.cookie("__Host-ssts") is None
    assert b.cookie("__Host-mfa")
    return b, loc


def code_step(b, loc, code, csrf=True):
    return submit(b, loc, "/login/mfa", {"code": code}, csrf=csrf)


def db_state(st, uid):
    """What the MFA routes may change for user uid."""
    return st.psql(
        "SELECT mfa_enabled::text, coalesce(mfa_secret, ''), "
        "coalesce(mfa_last_counter::text, ''), (SELECT count(*) FROM "
        "mfa_recovery_codes c WHERE c.user_id = u.id AND used_at IS NULL), "
        "(SELECT count(*) FROM user_sessions s WHERE s.user_id = u.id AND "
        "NOT s.revoked) FROM users u WHERE id = %d" % int(uid))[0]


def audit_actions(st, uid, action):
    rows = st.psql("SELECT coalesce(payload::text, 'null') FROM audit_logs "
                   "WHERE entity_type = 'user' AND entity_id = %d AND "
                   "action = '%s' ORDER BY id" % (int(uid), action))
    return [json.loads(p) for (p,) in rows]


def is_signed_in(b):
    r = b.get("/dashboard")
    if r.status_code == 200:
        return True
    assert r.status_code == 303 and r.headers["Location"].startswith(
        "/login"), (r.status_code, r.headers.get("Location"))
    return False


# ------------------------------------------------------------- oathtool

def test_fresh_code_steps():
    """The helper itself: codes in order, inside the server's window."""
    u = {"secret": base64.b32encode(b"\x02" * 20).decode(), "last": -1}
    now = int(time.time() // STEP)
    first = fresh_code(u)
    assert now - 1 <= u["last"] <= now + 1
    assert first == oath(u["secret"], u["last"])
    step = u["last"]
    fresh_code(u, lasting=STEP)
    assert u["last"] > step and u["last"] >= now


def test_oathtool_matches_rfc6238_vector():
    """The code generator itself, on RFC 6238's SHA-1 vector (T = 59 s):
    94287082 in 8 digits, so 287082 in 6."""
    secret = base64.b32encode(b"12345678901234567890").decode()
    assert oath(secret, 1) == "287082"
    key = base64.b32decode(secret)
    mac = hmac.new(key, (1).to_bytes(8, "big"), hashlib.sha1).digest()
    off = mac[-1] & 15
    n = int.from_bytes(mac[off:off + 4], "big") & 0x7fffffff
    assert "%06d" % (n % 1000000) == "287082"


# ------------------------------------------------------------- /security

def test_security_section_when_off(stack):
    u = new_user(stack)
    text = page(u["b"], "/security")
    sec = mfa_section(text)
    assert mfa_status(text) == "Off"
    assert '<h2 class="card-title" id="mfa-title">Two-step sign-in</h2>' in sec
    assert "authenticator app" in sec
    f = form_of(sec, "/security/mfa/setup")
    assert f["buttons"] == ["Set up two-step sign-in"]
    assert hidden_fields(f)["csrf"]
    assert "<svg" not in sec and "mfa-secret" not in sec
    assert "/security/mfa/enable" not in sec
    assert "/security/mfa/disable" not in sec
    # the devices are still listed below
    assert text.index('id="mfa"') < text.index('id="devices-title"')


def test_setup_shows_qr_secret_and_uri(stack):
    u = new_user(stack)
    text = start_setup(u)
    assert mfa_status(text) == "Off"
    sec = mfa_section(text)
    secret = u["secret"]
    # the otpauth URI names the same secret, the issuer and the account
    uri = urllib.parse.urlsplit(uri_of(sec))
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert urllib.parse.unquote(uri.path) == "/SSTS:" + u["email"]
    q = urllib.parse.parse_qs(uri.query, strict_parsing=True)
    assert q == {"secret": [secret], "issuer": ["SSTS"],
                 "algorithm": ["SHA1"], "digits": ["6"], "period": ["30"]}
    # the QR code: well-formed SVG, our own elements only, one path of
    # square modules inside a quiet zone, drawn on a square of a QR size
    label, svg = svg_of(sec)
    assert "QR code" in label
    root = ET.fromstring(svg)
    assert root.tag == SVG_NS + "svg"
    assert {e.tag for e in root.iter()} == {SVG_NS + t for t in
                                            ("svg", "rect", "path")}
    for e in root.iter():
        assert not any(k.lower().startswith("on") or "href" in k.lower()
                       for k in e.attrib), e.attrib
    w = int(root.get("viewBox").split()[2])
    assert root.get("viewBox") == "0 0 %d %d" % (w, w)
    assert (w - 8 - 17) % 4 == 0 and 1 <= (w - 8 - 17) // 4 <= 40, w
    paths = root.findall(SVG_NS + "path")
    assert len(paths) == 1
    modules = re.findall(r"M(\d+) (\d+)h1v1h-1z", paths[0].get("d"))
    assert len(modules) > 100
    assert "".join("M%s %sh1v1h-1z" % m for m in modules) == paths[0].get("d")
    xs = [int(x) for x, _ in modules]
    ys = [int(y) for _, y in modules]
    assert min(xs) == min(ys) == 4 and max(xs) == max(ys) == w - 5
    assert re.search(r"<figure class=\"mfa-qr\">\s*<div class=\"mfa-qr-code\""
                     r".*?</div>.*?<figcaption>[^<]+</figcaption>\s*"
                     r"</figure>", sec, re.S)
    # the first code's form
    f = form_of(sec, "/security/mfa/enable")
    code = input_named(f, "code")
    assert code["autocomplete"] == "one-time-code"
    assert "required" in code and code["id"] == "mfa-enable-code"
    assert '<label for="mfa-enable-code">' in sec
    assert f["buttons"] == ["Turn on two-step sign-in"]
    # starting again is offered; the set-up button is not
    assert form_of(sec, "/security/mfa/setup")["buttons"] == [
        "Start again with a new key"]
    assert "Set up two-step sign-in" not in sec
    # the set-up stays as it is on the next visit
    again = page(u["b"], "/security")
    assert secret_of(again) == secret and svg_of(again)[1] == svg
    assert db_state(stack, u["id"])[0] == "false"
    assert audit_actions(stack, u["id"], "mfa_setup")


def test_new_setup_replaces_the_unfinished_one(stack):
    u = new_user(stack)
    start_setup(u)
    old = u["secret"]
    start_setup(u)
    assert u["secret"] != old
    # a code of the old key no longer enables
    t = int(time.time() // STEP)
    r = submit(u["b"], "/security", "/security/mfa/enable",
               {"code": oath(old, t)})
    text = follow(u["b"], r, "/security#mfa")
    assert ("error", FLASH["mfa_bad_code"][1]) in flashes(text)
    assert mfa_status(text) == "Off" and secret_of(text) == u["secret"]


def test_enable_wrong_then_right_code(stack):
    u = new_user(stack)
    other = signed_in(stack, u)            # say, a laptop left signed in
    start_setup(u)
    b = u["b"]
    for data in ({"code": wrong_code(u)}, {"code": "12345"},
                 {"code": "abcdef"}, {}):
        r = submit(b, "/security", "/security/mfa/enable", data)
        text = follow(b, r, "/security#mfa")
        assert ("error", FLASH["mfa_bad_code"][1]) in flashes(text), data
        assert mfa_status(text) == "Off" and secret_of(text) == u["secret"]
    assert db_state(stack, u["id"])[0] == "false"
    assert is_signed_in(other)
    assert [a.get("reason") for a in audit_actions(
        stack, u["id"], "mfa_failed")].count("invalid_mfa_token") >= 1

    first = fresh_code(u)
    r = submit(b, "/security", "/security/mfa/enable", {"code": first})
    assert r.status_code == 200
    assert r.headers["Content-Type"] == HTML_CT
    assert r.headers.get("Cache-Control") == "no-store"
    assert_security_headers(r)
    text = r.text
    assert "<h1>Your recovery codes</h1>" in text
    assert "<script" not in text
    assert "Save these codes now." in text
    codes = codes_of(text)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(RECOVERY_RE.match(c) for c in codes), codes
    assert '<a class="btn btn-primary" href="/security#mfa">Continue</a>' \
        in text
    u["codes"] = codes
    state = db_state(stack, u["id"])
    assert state[0] == "true" and state[3] == "10"
    assert state[4] == "1"          # this browser only
    # the other browser was signed out, this one was not
    assert not is_signed_in(other)
    assert is_signed_in(b)
    # neither the key nor a code is in a log or an audit row
    logs = stack.log_text()
    audit = stack.psql("SELECT coalesce(payload::text, '') FROM audit_logs "
                       "WHERE entity_id = %d" % u["id"])
    for s in [u["secret"]] + codes + [c.replace("-", "") for c in codes]:
        assert s not in logs and not any(s in p for (p,) in audit), s
    # the codes are never shown again: not on /security, not when the
    # form is sent again (a reload of the codes page)
    again = b.post("/security/mfa/enable", {
        "csrf": b.csrf("/security"), "code": first},
        headers=same_origin(stack))
    assert (again.status_code, again.headers["Location"]) == \
        (303, "/security#mfa")
    assert db_state(stack, u["id"])[:4] == state[:4]
    text = page(b, "/security")
    assert mfa_status(text) == "On"
    assert not any(c in text for c in codes)
    assert "<svg" not in text and "mfa-secret" not in text
    sec = mfa_section(text)
    assert "recovery codes" in sec
    f = form_of(sec, "/security/mfa/disable")
    assert input_named(f, "password")["type"] == "password"
    assert input_named(f, "password")["autocomplete"] == "current-password"
    assert input_named(f, "code")["autocomplete"] == "one-time-code"
    assert f["buttons"] == ["Turn off two-step sign-in"]
    assert "/security/mfa/setup" not in sec
    assert "/security/mfa/enable" not in sec
    # a second set-up is refused while it is on
    r = b.post("/security/mfa/setup", {"csrf": hidden_fields(f)["csrf"]},
               headers=same_origin(stack))
    text = follow(b, r, "/security#mfa")
    assert ("info", FLASH["mfa_already"][1]) in flashes(text)
    assert db_state(stack, u["id"])[:4] == state[:4]

    # each recovery code signs in once, at /login/mfa
    for i, typed in ((0, codes[0]), (1, codes[1].upper().replace("-", " "))):
        nb, loc = password_step(stack, u)
        r = code_step(nb, loc, typed)
        assert (r.status_code, r.headers.get("Location")) == \
            (303, "/dashboard"), (i, r.status_code, r.text[:300])
        assert is_signed_in(nb)
        nb, loc = password_step(stack, u)
        r = code_step(nb, loc, codes[i])
        assert r.status_code == 401
        assert ALERT_RE.findall(r.text) == [BAD_CODE_FORM]
    assert db_state(stack, u["id"])[3] == "8"
    assert [a["email"] for a in audit_actions(stack, u["id"],
                                              "mfa_enabled")] == [u["email"]]


def test_enable_without_a_set_up(stack):
    """A first code with no set-up at all: back to /security with why."""
    u = new_user(stack)
    u["secret"] = base64.b32encode(b"\x01" * 20).decode()
    assert "/security/mfa/enable" not in page(u["b"], "/security")
    r = u["b"].post("/security/mfa/enable", {
        "csrf": u["b"].csrf("/security"), "code": fresh_code(u)},
        headers=same_origin(stack))
    text = follow(u["b"], r, "/security#mfa")
    assert [k for k, _ in flashes(text)] == ["error"]
    assert mfa_status(text) == "Off"
    assert db_state(stack, u["id"])[:4] == ["false", "", "", "0"]


# ------------------------------------------------------------- /login/mfa

def test_sign_in_flow(stack):
    u = mfa_user(stack)
    nxt = "/tickets?status=Open&q=a b"
    b, loc = password_step(stack, u, nxt)
    assert loc == "/login/mfa?next=" + urllib.parse.quote(nxt, safe=""), loc
    # the pending cookie: short-lived, host-only, never for scripts
    r0 = Browser(stack)
    r = r0.submit("/login", {"email": u["email"], "password": u["password"]})
    mfa = set_cookies(r)["__Host-mfa"]
    for attr in ("Path=/", "Secure", "HttpOnly", "SameSite=Lax",
                 "Max-Age=300"):
        assert attr in mfa.split("; "), mfa
    assert "Domain" not in mfa and "__Host-ssts" not in set_cookies(r)
    pending = r0.cookie("__Host-mfa")

    # the form: one code field that takes letters too, next, csrf
    text = page(b, loc)
    assert '<h1 id="mfa-title">Two-step sign-in</h1>' in text
    assert EXPLAIN in text
    f = form_of(text, "/login/mfa")
    code = input_named(f, "code")
    assert code["type"] == "text" and "inputmode" not in code
    assert "pattern" not in code and "required" in code
    assert code["autocomplete"] == "one-time-code"
    assert '<label for="code">' in text
    assert hidden_fields(f)["next"] == nxt and hidden_fields(f)["csrf"]
    assert 'href="/login"' in text
    assert 'class="card auth-card"' in text
    assert not ALERT_RE.findall(text)

    # the pending cookie alone opens nothing
    for name in ("__Host-mfa", "__Host-ssts"):
        x = Browser(stack)
        x.s.cookies.set(name, pending, domain="127.0.0.1", path="/")
        for path in ("/dashboard", "/security", "/tickets"):
            r = x.get(path)
            assert (r.status_code, r.headers.get("Location")) == \
                (303, "/login?next=" + path), (name, path)
    for path in ("/api/users/me", "/api/auth/sessions", "/api/tickets"):
        assert Api(stack, pending).get(path).status_code == 401, path

    # a wrong code: the form again, 401, still pending, no session
    r = code_step(b, loc, wrong_code(u))
    assert r.status_code == 401
    assert r.headers.get("Cache-Control") == "no-store"
    assert ALERT_RE.findall(r.text) == [BAD_CODE_FORM]
    code = input_named(form_of(r.text, "/login/mfa"), "code")
    assert code.get("aria-invalid") == "true"
    assert "code-error" in code["aria-describedby"]
    assert "value" not in code
    assert b.cookie("__Host-ssts") is None
    reasons = [a["reason"] for a in audit_actions(stack, u["id"],
                                                  "login_failed")]
    assert reasons[-1] == "invalid_mfa_token"
    # an empty code: the form again, 400
    r = code_step(b, loc, "")
    assert r.status_code == 400
    assert ALERT_RE.findall(r.text) == [MISSING_CODE_FORM]

    # the right code: signed in, at next, the pending cookie gone
    good = fresh_code(u, lasting=STEP)     # replayed a moment later
    r = code_step(b, loc, good)
    assert (r.status_code, r.headers.get("Location")) == (303, nxt)
    cookies = set_cookies(r)
    assert "Max-Age=0" in cookies["__Host-mfa"].split("; ")
    assert b.cookie("__Host-mfa") is None and b.cookie("__Host-ssts")
    assert is_signed_in(b)
    assert audit_actions(stack, u["id"], "login_success")
    # signed in, the second step sends on
    r = b.get("/login/mfa?next=/tickets")
    assert (r.status_code, r.headers["Location"]) == (303, "/tickets")

    # the same code in another browser: refused, as a replay
    b2, loc2 = password_step(stack, u)
    r = code_step(b2, loc2, good)
    assert r.status_code == 401
    assert ALERT_RE.findall(r.text) == [BAD_CODE_FORM]
    assert b2.cookie("__Host-ssts") is None
    reasons = [a["reason"] for a in audit_actions(stack, u["id"],
                                                  "login_failed")]
    assert reasons[-1] == "totp_replay"
    # a later code works there
    r = code_step(b2, loc2, fresh_code(u))
    assert (r.status_code, r.headers["Location"]) == (303, "/dashboard")


def test_next_is_kept_safe(stack):
    u = mfa_user(stack)
    for nxt, want in (("//evil.example/x", "/dashboard"),
                      ("https://evil.example/", "/dashboard"),
                      ('/tickets?q="><script>x</script>', None)):
        b, loc = password_step(stack, u, nxt)
        text = page(b, loc)           # no <script> (page() checks)
        f = form_of(text, "/login/mfa")
        assert hidden_fields(f)["next"] == (want or nxt)
        r = code_step(b, loc, u["codes"].pop())
        assert (r.status_code, r.headers["Location"]) == (303, want or nxt)
    # a forged next in the form is refused too
    b, loc = password_step(stack, u, "/tickets")
    r = b.post("/login/mfa", {"csrf": hidden_fields(form_of(
        page(b, loc), "/login/mfa"))["csrf"], "code": u["codes"].pop(),
        "next": "//evil.example"}, headers=same_origin(stack))
    assert (r.status_code, r.headers["Location"]) == (303, "/dashboard")


def pending_claims(token):
    p = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))


def forge(key, claims):
    def b64u(b):
        return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
    head = b64u(b'{"alg":"HS256","typ":"JWT"}')
    body = b64u(json.dumps(claims, separators=(",", ":")).encode())
    mac = hmac.new(key, ("%s.%s" % (head, body)).encode(),
                   hashlib.sha256).digest()
    return "%s.%s.%s" % (head, body, b64u(mac))


def test_pending_absent_expired_or_forged(stack):
    u = mfa_user(stack)
    key = stack.secret("JWT_SECRET").encode()
    b, loc = password_step(stack, u)
    real = b.cookie("__Host-mfa")
    c = pending_claims(real)
    assert c["typ"] == "mfa_pending" and c["sub"] == str(u["id"])
    assert c["exp"] - c["iat"] == 300
    # the forger is right: the real token re-signed still works
    assert forge(key, c) == real

    expired = dict(c, iat=c["iat"] - 600, exp=c["exp"] - 600)
    other_user = dict(c, sub="999999999")
    access = dict(c, typ="access")
    cases = {
        "absent": None,
        "expired": forge(key, expired),
        "bad signature": forge(b"x" * 48, c),
        "typ access": forge(key, access),
        "garbage": "not.a.jwt",
    }
    for what, token in cases.items():
        x = Browser(stack)
        if token:
            x.s.cookies.set("__Host-mfa", token, domain="127.0.0.1",
                            path="/")
        r = x.get(loc)
        assert (r.status_code, r.headers.get("Location")) == \
            (303, "/login"), what
        text = follow(x, r, "/login")
        assert flashes(text) == [FLASH["mfa_expired"]], what
        # the POST too, with a right code: back to /login, no session
        csrf = x.csrf("/login")
        r = x.post("/login/mfa", {"csrf": csrf, "code": u["codes"][0]},
                   headers=same_origin(stack))
        assert (r.status_code, r.headers.get("Location")) == \
            (303, "/login"), what
        assert x.cookie("__Host-ssts") is None
    # a pending token for a user that does not exist
    x = Browser(stack)
    x.s.cookies.set("__Host-mfa", forge(key, other_user),
                    domain="127.0.0.1", path="/")
    r = code_step(x, loc, u["codes"][0])
    assert (r.status_code, r.headers["Location"]) == (303, "/login")
    # nothing was used up meanwhile
    assert db_state(stack, u["id"])[3] == "10"
    r = code_step(b, loc, u["codes"][0])
    assert (r.status_code, r.headers["Location"]) == (303, "/dashboard")


def test_deactivated_while_pending(stack):
    u = mfa_user(stack)
    b, loc = password_step(stack, u)
    text = page(b, loc)
    stack.psql("UPDATE users SET is_active = false WHERE id = %d" % u["id"])
    try:
        f = form_of(text, "/login/mfa")
        d = hidden_fields(f)
        d["code"] = u["codes"][0]
        r = b.post("/login/mfa", d, headers=same_origin(stack))
        assert (r.status_code, r.headers["Location"]) == (303, "/login")
        assert b.cookie("__Host-ssts") is None
        assert b.cookie("__Host-mfa") is None
    finally:
        stack.psql("UPDATE users SET is_active = true WHERE id = %d"
                   % u["id"])


def test_password_only_accounts_skip_the_second_step(stack):
    u = new_user(stack)
    b = Browser(stack)
    r = b.login(u["email"], u["password"], "/tickets")
    assert (r.status_code, r.headers["Location"]) == (303, "/tickets")
    assert b.cookie("__Host-mfa") is None


# ------------------------------------------------------------- turning off

def test_disable(stack):
    u = mfa_user(stack)
    b = u["b"]
    other = signed_in_mfa(stack, u)
    good = fresh_code(u, lasting=STEP)     # used last, after many tries
    before = db_state(stack, u["id"])
    cases = [
        ({"password": "Wr0ng-Passw0rd", "code": good}, "mfa_bad_password"),
        ({"password": u["password"], "code": wrong_code(u)}, "mfa_bad_code"),
        ({"password": u["password"], "code": "aaaa-bbbbb-ccccc"},
         "mfa_bad_code"),
        ({"password": u["password"]}, None),
        ({"code": good}, None),
    ]
    for data, flash in cases:
        r = submit(b, "/security", "/security/mfa/disable", data)
        text = follow(b, r, "/security#mfa")
        if flash is None:       # a field missing: an error, any
            assert [k for k, _ in flashes(text)] == ["error"], data
        else:
            assert flashes(text) == [FLASH[flash]], data
        assert mfa_status(text) == "On"
    assert db_state(stack, u["id"]) == before
    assert is_signed_in(other)
    # the right password and code (the one sent with the wrong password
    # was not used up)
    r = submit(b, "/security", "/security/mfa/disable",
               {"password": u["password"], "code": good})
    text = follow(b, r, "/security#mfa")
    assert flashes(text) == [FLASH["mfa_disabled"]]
    assert mfa_status(text) == "Off"
    assert form_of(mfa_section(text), "/security/mfa/setup")
    assert db_state(stack, u["id"])[:4] == ["false", "", "", "0"]
    assert not is_signed_in(other) and is_signed_in(b)
    assert audit_actions(stack, u["id"], "mfa_disabled")[-1]["with"] == "totp"
    # the password alone signs in again
    nb = Browser(stack)
    r = nb.login(u["email"], u["password"])
    assert (r.status_code, r.headers["Location"]) == (303, "/dashboard")
    # already off: nothing to turn off, and nothing changes
    r = b.post("/security/mfa/disable", {
        "csrf": b.csrf("/security"), "password": u["password"],
        "code": "000000"}, headers=same_origin(stack))
    text = follow(b, r, "/security#mfa")
    assert flashes(text) == [("info", "Two-step sign-in is already off.")]
    assert mfa_status(text) == "Off"


def signed_in_mfa(st, u):
    """Another browser signed in with a recovery code."""
    b, loc = password_step(st, u)
    r = code_step(b, loc, u["codes"].pop())
    assert r.status_code == 303
    return b


def test_disable_with_a_recovery_code(stack):
    u = mfa_user(stack)
    r = submit(u["b"], "/security", "/security/mfa/disable",
               {"password": u["password"], "code": u["codes"][3].upper()})
    text = follow(u["b"], r, "/security#mfa")
    assert flashes(text) == [FLASH["mfa_disabled"]]
    assert audit_actions(stack, u["id"], "mfa_disabled")[-1]["with"] == \
        "recovery"


# ------------------------------------------------------------- admin reset

def test_admin_reset(stack):
    admin = signed_in(stack, {"email": stack.admin_email,
                              "password": stack.admin_password})
    u = new_user(stack)
    path = "/admin/users/%d" % u["id"]
    action = path + "/mfa/reset"
    text = page(admin, path)
    assert action not in text
    assert re.search(r"<dt>Two-step sign-in</dt><dd><span class=\"muted\">"
                     r"Off</span></dd>", text)
    enable(u)
    other = signed_in_mfa(stack, u)
    text = page(admin, path)
    assert "<dt>Two-step sign-in</dt><dd>On</dd>" in text
    f = form_of(text, action)
    assert f["buttons"] == ["Turn off two-step sign-in"]
    # without the csrf token: refused, nothing changed
    before = db_state(stack, u["id"])
    r = admin.post(action, {}, headers=same_origin(stack))
    assert r.status_code == 403
    assert db_state(stack, u["id"]) == before
    r = submit(admin, path, action, {})
    text = follow(admin, r, path)
    assert flashes(text) == [FLASH["mfa_reset"]]
    assert action not in text
    assert db_state(stack, u["id"]) == ["false", "", "", "0", "0"]
    assert not is_signed_in(u["b"]) and not is_signed_in(other)
    a = audit_actions(stack, u["id"], "mfa_reset")[-1]
    assert a["was_enabled"] is True and a["sessions_revoked"] >= 2
    # the password alone signs in now
    b = Browser(stack)
    r = b.login(u["email"], u["password"])
    assert (r.status_code, r.headers["Location"]) == (303, "/dashboard")
    # an unknown user: 404, not 500
    r = admin.post("/admin/users/999999999/mfa/reset",
                   {"csrf": hidden_fields(f)["csrf"]},
                   headers=same_origin(stack))
    assert r.status_code == 404


# ------------------------------------------------------------- CSRF

def test_posts_need_csrf(stack):
    """Each new form POST without a valid token: 403 and nothing changed
    (a code sent along is not used up)."""
    u = new_user(stack)
    stranger = new_user(stack)
    bad_tokens = ({}, {"csrf": ""}, {"csrf": "x" * 43},
                  {"csrf": stranger["b"].csrf("/security")})

    def refused(b, path, data):
        for t in bad_tokens:
            d = dict(data)
            d.update(t)
            r = b.post(path, d, headers=same_origin(stack))
            assert r.status_code == 403, (path, t, r.status_code)

    before = db_state(stack, u["id"])
    refused(u["b"], "/security/mfa/setup", {})
    assert db_state(stack, u["id"]) == before
    start_setup(u)
    before = db_state(stack, u["id"])
    code = fresh_code(u, lasting=15)
    refused(u["b"], "/security/mfa/enable", {"code": code})
    assert db_state(stack, u["id"]) == before
    r = submit(u["b"], "/security", "/security/mfa/enable", {"code": code})
    assert r.status_code == 200
    u["codes"] = codes_of(r.text)
    before = db_state(stack, u["id"])
    refused(u["b"], "/security/mfa/disable",
            {"password": u["password"], "code": u["codes"][0]})
    refused(u["b"], "/security/mfa/setup", {})
    assert db_state(stack, u["id"]) == before
    # the second sign-in step
    b, loc = password_step(stack, u)
    refused(b, "/login/mfa", {"code": u["codes"][0]})
    assert b.cookie("__Host-ssts") is None
    assert db_state(stack, u["id"]) == before
    r = code_step(b, loc, u["codes"][0])
    assert (r.status_code, r.headers["Location"]) == (303, "/dashboard")


# ------------------------------------------------------------- role matrix

@pytest.mark.parametrize("role", ["anonymous"] + ROLES)
def test_role_matrix(stack, role):
    """The new page routes for each role: anonymous visitors go to the
    sign-in page; every role sets up, enables and turns off its own
    two-step sign-in; only admins reset someone else's."""
    target = mfa_user(stack)
    reset = "/admin/users/%d/mfa/reset" % target["id"]
    if role == "anonymous":
        b = Browser(stack)
        r = b.get("/login/mfa")
        assert (r.status_code, r.headers["Location"]) == (303, "/login")
        r = b.get("/login/mfa?next=/tickets")
        assert (r.status_code, r.headers["Location"]) == (303, "/login")
        csrf = b.csrf("/login")
        for path in ("/security/mfa/setup", "/security/mfa/enable",
                     "/security/mfa/disable", reset):
            r = b.post(path, {"csrf": csrf, "code": "123456",
                              "password": PASSWORD},
                       headers=same_origin(stack))
            assert (r.status_code, r.headers.get("Location")) == \
                (303, "/login"), path
        r = b.get("/security")
        assert r.headers.get("Location") == "/login?next=/security"
    else:
        u = new_user(stack, role)
        r = enable(u)
        assert len(u["codes"]) == 10
        assert mfa_status(page(u["b"], "/security")) == "On"
        b, loc = password_step(stack, u)
        r = code_step(b, loc, fresh_code(u))
        assert (r.status_code, r.headers["Location"]) == (303, "/dashboard")
        r = submit(u["b"], "/security", "/security/mfa/disable",
                   {"password": u["password"], "code": fresh_code(u)})
        text = follow(u["b"], r, "/security#mfa")
        assert flashes(text) == [FLASH["mfa_disabled"]], role
        r = u["b"].post(reset, {"csrf": u["b"].csrf("/security")},
                        headers=same_origin(stack))
        if role == "admin":
            assert (r.status_code, r.headers["Location"]) == \
                (303, "/admin/users/%d" % target["id"])
            assert db_state(stack, target["id"])[0] == "false"
            return
        assert r.status_code == 403
        assert NO_PERMISSION in r.text
    # the target kept its two-step sign-in and its sessions
    assert db_state(stack, target["id"])[0] == "true"
    assert is_signed_in(target["b"])
