"""nginx's per-IP limit on the credential endpoints, on a second private
stack with a low limit (the session stack runs with a high one)."""
import pytest

import stack as stackmod
from conftest import Browser, assert_security_headers

RATE = "1r/m"
BURST = 3
LIMITED_POSTS = ["/api/auth/login", "/api/auth/register", "/login", "/register"]


@pytest.fixture(scope="module")
def slow_stack():
    st = None
    try:
        st = stackmod.start_stack("ratelimit", SSTS_AUTH_RATE=RATE,
                                  SSTS_AUTH_BURST=str(BURST),
                                  SSTS_EXPORT_RATE=RATE,
                                  SSTS_EXPORT_BURST=str(BURST))
        yield st
    finally:
        if st is not None:
            st.stop()


def post_login(st, s, **headers):
    return s.post(st.url("/api/auth/login"), headers=headers, timeout=15,
                  json={"email": "nobody@example.com", "password": "Wr0ngPass1"})


def test_export_quota(slow_stack):
    """Exports share one per-IP bucket, counted before anything else (an
    anonymous attempt costs as much as a real export)."""
    st = slow_stack
    s = st.session()
    codes = [s.get(st.url("/api/tickets/export.csv"), timeout=15).status_code
             for _ in range(BURST + 1)]
    assert codes == [401] * (BURST + 1), codes
    for path in ["/api/tickets/export.csv", "/api/audit/export.csv",
                 "/api/audit/verify"]:
        r = s.get(st.url(path), timeout=15)
        assert r.status_code == 429, (path, r.status_code)
        assert r.json() == {"error": "Too many requests, please try again later."}
    for path in ["/tickets/export.csv", "/admin/audit/export.csv"]:
        r = s.get(st.url(path), timeout=15, allow_redirects=False)
        assert r.status_code == 429, (path, r.status_code)
        assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    # the list pages themselves are not counted
    r = s.get(st.url("/api/tickets"), timeout=15)
    assert r.status_code == 401, r.status_code


def test_rate_limit(slow_stack):
    st = slow_stack
    s = st.session()
    codes = [post_login(st, s).status_code for _ in range(BURST + 1)]
    # 1 + burst requests pass (and are refused by the application) ...
    assert codes == [401] * (BURST + 1), codes

    # ... then nginx refuses, JSON under /api/
    r = post_login(st, s)
    assert r.status_code == 429, r.text
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    assert r.json() == {"error": "Too many requests, please try again later."}
    assert r.headers.get("Retry-After") == "60"
    assert_security_headers(r)

    # a forged client address does not give a fresh bucket
    r = post_login(st, s, **{"X-Forwarded-For": "203.0.113.7",
                             "X-Real-IP": "203.0.113.7"})
    assert r.status_code == 429

    # the bucket is shared by every credential endpoint
    r = s.post(st.url("/api/auth/register"), json={}, timeout=15)
    assert r.status_code == 429
    assert r.json()["error"] == "Too many requests, please try again later."

    # an HTML page elsewhere
    for path in ["/login", "/register"]:
        r = s.post(st.url(path), data={"email": "x"}, timeout=15,
                   allow_redirects=False)
        assert r.status_code == 429, path
        assert r.headers["Content-Type"] == "text/html; charset=utf-8"
        assert r.headers.get("Retry-After") == "60"
        assert '<link rel="stylesheet" href="/static/ssts.css">' in r.text
        assert "Too many" in r.text
        assert "<center>nginx</center>" not in r.text
        assert_security_headers(r)

    # reading pages and other routes is never limited
    for path in ["/login", "/register", "/api/health", "/api", "/healthz"]:
        r = s.get(st.url(path), timeout=15)
        assert r.status_code == 200, path
    r = s.post(st.url("/api/auth/logout"), timeout=15)
    assert r.status_code == 401

    # the rejected requests never reached the application
    log = st.worker_log()
    assert log.count("POST /api/auth/login") == BURST + 1, log[-1500:]
    assert "POST /register" not in log
    access = st.log_text(r"^nginx-error\.log$")
    assert "limiting requests" in access


# ------------------------------------------------------------ database outage
# (on the same second stack: only GETs and logout, which are not limited)

def _pg(st, cmd):
    import subprocess
    p = subprocess.run([stackmod.PG_SH, cmd], env=st.env, cwd=stackmod.ROOT,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=90)
    assert p.returncode == 0, p.stdout


OUTAGE = {}


def test_database_outage_and_recovery(slow_stack):
    import base64
    import hashlib
    import hmac
    import json
    import time

    st = slow_stack
    s = st.session()
    key = st.secret("JWT_SECRET").encode()
    now = int(time.time())

    def b64u(b):
        return base64.urlsafe_b64encode(b).rstrip(b"=").decode()

    # a correctly signed token for a session that does not exist
    hdr = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    pay = b64u(json.dumps({"sub": "1", "sid": "999999", "role": "admin",
                           "typ": "access", "jti": "B" * 22, "iat": now,
                           "exp": now + 600}, separators=(",", ":")).encode())
    sig = b64u(hmac.new(key, ("%s.%s" % (hdr, pay)).encode(),
                        hashlib.sha256).digest())
    tok = "%s.%s.%s" % (hdr, pay, sig)
    bearer = {"Authorization": "Bearer " + tok}

    assert s.get(st.url("/healthz"), timeout=15).status_code == 200
    r = s.post(st.url("/api/auth/logout"), headers=bearer, timeout=15)
    assert r.json() == {"error": "Token expired or revoked"}

    _pg(st, "stop")
    try:
        r = s.get(st.url("/healthz"), timeout=15)
        assert r.status_code == 503
        assert r.headers["Content-Type"] == "text/plain; charset=utf-8"
        assert_security_headers(r)
        r = s.post(st.url("/api/auth/logout"), headers=bearer, timeout=15)
        assert r.status_code == 503, r.text
        assert r.headers["Content-Type"] == "application/json; charset=utf-8"
        assert r.json() == {"error": "Service temporarily unavailable"}
        r = s.get(st.url("/dashboard"), headers={"Cookie": "__Host-ssts=" + tok},
                  allow_redirects=False, timeout=15)
        OUTAGE["dashboard"] = r
        # a DB outage must not end the visitor's session (no cookie clearing)
        assert "__Host-ssts=;" not in r.headers.get("Set-Cookie", "")
        for bad in ["postgres", "PGSQL", "connection", "/work/", "socket"]:
            assert bad not in r.text, bad
        b = Browser(st)
        tokf = b.csrf("/login")
        r = b.post("/logout", {"csrf": tokf})   # anonymous: no DB needed
        assert r.status_code == 303
        # pages that do not need the database still work
        assert s.get(st.url("/api/health"), timeout=15).status_code == 200
        assert s.get(st.url("/login"), timeout=15).status_code == 200
    finally:
        _pg(st, "start")

    # the workers reconnect on their own
    deadline = time.time() + 20
    while time.time() < deadline:
        if s.get(st.url("/healthz"), timeout=15).status_code == 200:
            break
        time.sleep(0.5)
    assert s.get(st.url("/healthz"), timeout=15).status_code == 200
    for _ in range(4):          # both workers, whichever answers
        r = s.post(st.url("/api/auth/logout"), headers=bearer, timeout=15)
        assert r.status_code == 401 and \
            r.json() == {"error": "Token expired or revoked"}, r.text
    assert st.worker_log().count("worker ready") == int(st.env["SSTS_WORKERS"])


def test_database_outage_page_is_503(slow_stack):
    r = OUTAGE.get("dashboard")
    assert r is not None, "the outage test did not run"
    assert r.status_code == 503, r.status_code
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<link rel="stylesheet" href="/static/ssts.css">' in r.text
