"""Fixtures for the HTTP tests: one private stack for the whole session
(high auth rate limit; test_ratelimit.py starts its own), API and
browser-like form clients."""
import html
import os
import re
import sys
import uuid

import pytest

sys.path.insert(0, os.path.dirname(__file__))
import stack as stackmod  # noqa: E402

PASSWORD = "Corr3ct-Horse"
CSRF_RE = re.compile(r'name="csrf" value="([^"]*)"')


def unique_email(tag="user"):
    return "%s-%s@example.com" % (tag, uuid.uuid4().hex[:12])


@pytest.fixture(scope="session")
def stack():
    st = None
    try:
        st = stackmod.start_stack("http", SSTS_CORS_ORIGINS="https://app.example")
        yield st
    finally:
        if st is not None:
            st.stop()


class Api:
    """JSON API client (bearer token, never cookies)."""

    def __init__(self, st, token=None):
        self.st = st
        self.s = st.session()
        self.token = token

    def headers(self, token=None, extra=None):
        h = {}
        t = token if token is not None else self.token
        if t is not None:
            h["Authorization"] = "Bearer " + t
        if extra:
            h.update(extra)
        return h

    def get(self, path, token=None, headers=None, **kw):
        return self.s.get(self.st.url(path), headers=self.headers(token, headers),
                          allow_redirects=False, timeout=15, **kw)

    def post(self, path, json=None, token=None, headers=None, **kw):
        return self.s.post(self.st.url(path), json=json,
                           headers=self.headers(token, headers),
                           allow_redirects=False, timeout=15, **kw)

    def register(self, name="Test User", email=None, password=PASSWORD, **extra):
        body = {"name": name, "email": email or unique_email(),
                "password": password}
        body.update(extra)
        return self.post("/api/auth/register", json=body)

    def login(self, email, password=PASSWORD):
        return self.post("/api/auth/login",
                         json={"email": email, "password": password})


class Browser:
    """A browser-like form client: keeps cookies, scrapes the csrf field."""

    def __init__(self, st):
        self.st = st
        self.s = st.session()

    def get(self, path, **kw):
        kw.setdefault("allow_redirects", False)
        return self.s.get(self.st.url(path), timeout=15, **kw)

    def csrf(self, path="/login"):
        r = self.get(path)
        assert r.status_code == 200, (path, r.status_code)
        m = CSRF_RE.search(r.text)
        assert m and m.group(1), "no csrf field on %s" % path
        return m.group(1)

    def post(self, path, data, headers=None, **kw):
        kw.setdefault("allow_redirects", False)
        return self.s.post(self.st.url(path), data=data, headers=headers or {},
                           timeout=15, **kw)

    def submit(self, path, data, form_path=None, headers=None):
        """GET the form page, POST data with its csrf token."""
        d = dict(data)
        d["csrf"] = self.csrf(form_path or path)
        return self.post(path, d, headers=headers)

    def cookie(self, name):
        for c in self.s.cookies:
            if c.name == name:
                return c.value
        return None

    def register(self, name="Page User", email=None, password=PASSWORD,
                 confirm=None):
        email = email or unique_email("page")
        r = self.submit("/register", {
            "name": name, "email": email, "password": password,
            "password_confirm": password if confirm is None else confirm})
        return r, email

    def login(self, email, password=PASSWORD, next_=None):
        data = {"email": email, "password": password}
        if next_ is not None:
            data["next"] = next_
        return self.submit("/login", data)


@pytest.fixture
def api(stack):
    return Api(stack)


@pytest.fixture
def browser(stack):
    return Browser(stack)


@pytest.fixture(scope="session")
def client_user(stack):
    """One client account registered through the API, shared read-only."""
    a = Api(stack)
    email = unique_email("shared")
    r = a.register(name="Shared Client", email=email)
    assert r.status_code == 201, r.text
    return {"email": email, "password": PASSWORD, "id": r.json()["id"],
            "name": "Shared Client"}


def fresh_token(stack, user):
    r = Api(stack).login(user["email"], user["password"])
    assert r.status_code == 200, r.text
    return r.json()["token"]


def unescape(s):
    return html.unescape(s)


SECURITY_HEADERS = {
    "strict-transport-security": "max-age=31536000; includeSubDomains",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
}
# SECURITY.md §1.6 allows either; same-origin keeps a same-site Origin header
REFERRER_POLICIES = ("no-referrer", "same-origin", "strict-origin",
                     "strict-origin-when-cross-origin")


def assert_security_headers(r):
    for k, v in SECURITY_HEADERS.items():
        assert r.headers.get(k) == v, (r.url, r.status_code, k, r.headers.get(k))
    assert r.headers.get("referrer-policy") in REFERRER_POLICIES, \
        (r.url, r.status_code, r.headers.get("referrer-policy"))
    csp = r.headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp, (r.url, r.status_code, csp)
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    ct = r.headers.get("content-type", "")
    assert "charset=utf-8" in ct.lower(), (r.url, r.status_code, ct)
    server = r.headers.get("server", "")
    assert not re.search(r"\d", server), (r.url, server)


HTML_CT = "text/html; charset=utf-8"


def page(b, path, status=200):
    """GETs a page with browser b: the status, an HTML no-store answer
    with the security headers and no server error text; returns the HTML."""
    r = b.get(path)
    assert r.status_code == status, (path, r.status_code, r.text[:400])
    assert r.headers["Content-Type"] == HTML_CT
    assert r.headers.get("Cache-Control") == "no-store"
    assert_security_headers(r)
    assert "Internal server error" not in r.text
    return r.text
