"""Server-rendered pages of the auth route group: landing, sign-up,
sign-in, sign-out, dashboard, cookies, CSRF and origin checks, redirects,
escaping, error pages."""
import hashlib
import re

import pytest

from conftest import (CSRF_RE, PASSWORD, Api, Browser, assert_security_headers,
                      unique_email)

HTML_CT = "text/html; charset=utf-8"
STYLESHEET = '<link rel="stylesheet" href="/static/ssts.css">'
CSRF_MSG = ("This form has expired or did not come from this site. "
            "Please reload the page and try again.")


def set_cookies(r):
    """Set-Cookie lines of a response, by cookie name."""
    out = {}
    for k, v in r.raw.headers.items():
        if k.lower() == "set-cookie":
            out[v.split("=", 1)[0]] = v
    return out


def attrs(line):
    parts = [p.strip() for p in line.split(";")]
    return parts[0], {p.split("=", 1)[0].lower(): (p.split("=", 1)[1] if "=" in p
                                                   else True) for p in parts[1:]}


def assert_html(r, status):
    assert r.status_code == status, (r.status_code, r.text[:500])
    assert r.headers["Content-Type"] == HTML_CT
    assert r.headers.get("Cache-Control") == "no-store"
    assert STYLESHEET in r.text
    assert_security_headers(r)


def assert_no_server_text(r):
    for bad in ["/work/", ".c:", "postgres", "SQL", "ERROR:", "Traceback",
                "nginx/", "<center>nginx"]:
        assert bad not in r.text, bad


@pytest.fixture(scope="module")
def page_user(stack):
    """One account for sign-in tests (registered via the API: cheaper)."""
    email = unique_email("pages")
    r = Api(stack).register(name="Page Person", email=email)
    assert r.status_code == 201
    return {"email": email, "name": "Page Person", "id": r.json()["id"]}


def signed_in(stack, user):
    b = Browser(stack)
    r = b.login(user["email"])
    assert r.status_code == 303, r.text[:300]
    return b


# ------------------------------------------------------------ landing

def test_landing_anonymous(stack, browser):
    r = browser.get("/")
    assert_html(r, 200)
    assert 'href="/register"' in r.text and 'href="/login"' in r.text
    assert "Sign out" not in r.text
    # CSP script-src 'self': no inline script
    assert not re.search(r"<script(?![^>]*\ssrc=)", r.text)
    assert not re.search(r'\sstyle="', r.text)
    assert not re.search(r"\son[a-z]+=", r.text)
    c = set_cookies(r)
    assert set(c) <= {"__Host-csrf"}
    if c:
        name, a = attrs(c["__Host-csrf"])
        assert a.get("secure") and a.get("httponly") and a.get("path") == "/"
        assert "domain" not in a


def test_anonymous_dashboard_redirects_to_login(stack, browser):
    r = browser.get("/dashboard")
    assert r.status_code == 303
    assert r.headers["Location"] == "/login?next=/dashboard"
    r = browser.get("/login?next=/dashboard")
    assert_html(r, 200)
    assert '<input type="hidden" name="next" value="/dashboard">' in r.text


# ------------------------------------------------------------ sign-up

def test_register_form_flow(stack, browser):
    name = "<script>alert(1)</script>"
    r, email = browser.register(name=name)
    assert r.status_code == 303, r.text[:500]
    assert r.headers["Location"] == "/dashboard"
    assert_security_headers(r)
    c = set_cookies(r)
    assert "__Host-ssts" in c
    cname, a = attrs(c["__Host-ssts"])
    assert cname.startswith("__Host-ssts=eyJ")
    assert a.get("httponly") is True and a.get("secure") is True
    assert a.get("samesite") == "Lax" and a.get("path") == "/"
    assert "domain" not in a
    assert int(a.get("max-age", "0")) > 0
    token = cname.split("=", 1)[1]
    assert len(cname) <= 4096
    assert "__Host-flash" in c

    d = browser.get("/dashboard")
    assert_html(d, 200)
    assert "Your account is ready. Welcome to SSTS!" in d.text
    assert name not in d.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in d.text
    assert "Welcome, &lt;script&gt;" in d.text
    assert email in d.text
    assert token not in d.text               # the token never reaches HTML
    assert "Sign out" in d.text
    assert '__Host-flash=;' in set_cookies(d).get("__Host-flash", "")
    # the flash is shown once
    d2 = browser.get("/dashboard")
    assert d2.status_code == 200
    assert "Your account is ready" not in d2.text
    # signed in: the public pages send to the dashboard
    for path in ["/", "/login", "/register"]:
        r = browser.get(path)
        assert r.status_code == 303 and r.headers["Location"] == "/dashboard", path
    # grey box: stored as given (not HTML-escaped in the database)
    assert stack.psql_one("SELECT name FROM users WHERE email = '%s'"
                          % email) == name


def test_register_errors_keep_values_not_password(browser):
    r = browser.submit("/register", {
        "name": "Bob \"Quote\" Example", "email": "bob-at-example",
        "password": "Sup3rSecretPw", "password_confirm": "Sup3rSecretPw"})
    assert_html(r, 400)
    assert "Please correct the fields below." in r.text
    assert 'value="Bob &quot;Quote&quot; Example"' in r.text
    assert 'value="bob-at-example"' in r.text
    assert "must be a valid e-mail address" in r.text.lower()
    assert 'aria-describedby="email-error"' in r.text
    assert "Sup3rSecretPw" not in r.text
    assert "__Host-ssts" not in set_cookies(r)


def test_register_password_policy_and_confirm(browser):
    r = browser.submit("/register", {
        "name": "Pat Policy", "email": unique_email("pol"),
        "password": "alllowercase1", "password_confirm": "alllowercase1"})
    assert_html(r, 400)
    assert ("must contain an upper-case letter, a lower-case letter and a "
            "digit") in r.text.lower()
    assert "alllowercase1" not in r.text
    r = browser.submit("/register", {
        "name": "Pat Policy", "email": unique_email("pol"),
        "password": "Mismatch1Aa", "password_confirm": "Mismatch2Aa"})
    assert_html(r, 400)
    assert "does not match the password" in r.text.lower()
    assert 'aria-describedby="password_confirm-error"' in r.text
    assert "Mismatch1Aa" not in r.text and "Mismatch2Aa" not in r.text
    r = browser.submit("/register", {
        "name": "Pat Policy", "email": unique_email("pol"),
        "password": "Mismatch1Aa"})
    assert_html(r, 400)
    assert "does not match the password" in r.text.lower()


def test_register_duplicate_email_form(browser, page_user):
    r = browser.submit("/register", {
        "name": "Dup Licate", "email": page_user["email"].upper(),
        "password": PASSWORD, "password_confirm": PASSWORD})
    assert_html(r, 400)
    assert "is already registered" in r.text.lower()
    assert PASSWORD not in r.text


def test_register_role_field_ignored(stack, browser):
    r, email = browser.register(name="Role Sneaker",
                                email=unique_email("sneak"))
    assert r.status_code == 303
    # a second registration trying role=admin through the form
    b2 = Browser(stack)
    r = b2.submit("/register", {
        "name": "Role Sneaker", "email": unique_email("sneak2"),
        "password": PASSWORD, "password_confirm": PASSWORD, "role": "admin"})
    assert r.status_code == 303
    assert stack.psql_one(
        "SELECT count(*) FROM users WHERE name = 'Role Sneaker' "
        "AND role <> 'client'") == "0"


# ------------------------------------------------------------ sign-in

def test_login_form_success_cookie(stack, page_user):
    b = Browser(stack)
    b.get("/")
    r = b.login(page_user["email"], next_="/dashboard")
    assert r.status_code == 303
    assert r.headers["Location"] == "/dashboard"
    cname, a = attrs(set_cookies(r)["__Host-ssts"])
    assert a.get("httponly") and a.get("secure") and a.get("samesite") == "Lax"
    assert a.get("path") == "/" and "domain" not in a
    d = b.get("/dashboard")
    assert_html(d, 200)
    assert "Welcome, Page Person" in d.text
    assert 'badge-client">client<' in d.text


@pytest.mark.parametrize("nxt,want", [
    ("/some/where?x=1", "/some/where?x=1"),
    ("https://evil.example", "/dashboard"),
    ("//evil.example", "/dashboard"),
    ("/\\evil.example", "/dashboard"),
    ("http:/evil.example", "/dashboard"),
    ("javascript:alert(1)", "/dashboard"),
    ("", "/dashboard"),
])
def test_login_next(stack, page_user, nxt, want):
    b = Browser(stack)
    r = b.login(page_user["email"], next_=nxt)
    assert r.status_code == 303
    assert r.headers["Location"] == want


@pytest.mark.parametrize("nxt", ["/\n/evil.example", "/\r/evil.example",
                                 "\t//evil.example", "/\r\n/evil.example",
                                 "%2F%2Fevil.example"])
def test_login_next_newlines_refused(stack, page_user, nxt):
    b = Browser(stack)
    r = b.login(page_user["email"], next_=nxt)
    assert r.status_code == 303
    assert r.headers["Location"] == "/dashboard"


def test_login_next_tab_stays_on_site(stack, page_user):
    b = Browser(stack)
    r = b.login(page_user["email"], next_="/\t/evil.example")
    assert r.status_code == 303
    loc = r.headers["Location"]
    # what a browser does with the value: strip tab/newline (WHATWG URL)
    browser_loc = re.sub(r"[\t\n\r]", "", loc).strip()
    assert browser_loc.startswith("/") and not browser_loc.startswith("//"), loc
    assert loc == "/dashboard", repr(loc)


def test_login_page_next_hidden_field_sanitised(browser):
    r = browser.get("/login?next=//evil.example")
    assert_html(r, 200)
    assert '<input type="hidden" name="next" value="/dashboard">' in r.text
    r = browser.get('/login?next=/x"><script>alert(1)</script>')
    assert "<script>alert(1)" not in r.text


def test_login_wrong_password_401_page(browser, page_user):
    r = browser.login(page_user["email"], "Wr0ngPassw0rd")
    assert_html(r, 401)
    assert "Invalid email or password." in r.text
    assert 'value="%s"' % page_user["email"] in r.text
    assert "Wr0ngPassw0rd" not in r.text
    assert "__Host-ssts" not in set_cookies(r)
    r2 = browser.login(unique_email("ghost"), "Wr0ngPassw0rd")
    assert_html(r2, 401)
    assert "Invalid email or password." in r2.text


def test_login_validation_400_page(browser):
    r = browser.login("not-an-email", "whatever")
    assert_html(r, 400)
    assert "Enter a valid e-mail address and your password." in r.text
    assert "whatever" not in r.text


def test_login_invalid_utf8_form_value_400(stack):
    b = Browser(stack)
    tok = b.csrf("/login")
    r = b.post("/login", "csrf=%s&email=%%FF%%40example.com&password=x" % tok,
               headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_html(r, 400)


def test_deactivated_user_page_login(stack):
    email = unique_email("pdeact")
    assert Api(stack).register(email=email).status_code == 201
    b = signed_in(stack, {"email": email})
    assert b.get("/dashboard").status_code == 200
    stack.psql("UPDATE users SET is_active = false WHERE email = '%s'" % email)
    try:
        r = b.get("/dashboard")
        assert r.status_code == 303          # the session ends at once
        r = Browser(stack).login(email)
        assert_html(r, 403)
        assert "This account is deactivated." in r.text
    finally:
        stack.psql("UPDATE users SET is_active = true WHERE email = '%s'" % email)


def test_session_fixation_planted_cookie_not_promoted(stack, page_user):
    b = Browser(stack)
    planted = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.planted"
    b.s.cookies.set("__Host-ssts", planted, domain="127.0.0.1", path="/",
                    secure=True)
    r = b.get("/login")
    assert r.status_code == 200
    c = set_cookies(r)
    assert c.get("__Host-ssts", "").startswith("__Host-ssts=;")   # cleared
    r = b.login(page_user["email"])
    assert r.status_code == 303
    assert b.cookie("__Host-ssts") not in (None, planted)


def test_duplicate_session_cookie_not_trusted(stack, page_user):
    b = signed_in(stack, page_user)
    tok = b.cookie("__Host-ssts")
    s = stack.session()
    r = s.get(stack.url("/dashboard"), allow_redirects=False, timeout=15,
              headers={"Cookie": "__Host-ssts=%s; __Host-ssts=%s" % (tok, tok)})
    assert r.status_code == 303
    r = s.get(stack.url("/dashboard"), allow_redirects=False, timeout=15,
              headers={"Cookie": "__Host-ssts=%s" % tok})
    assert r.status_code == 200


# ------------------------------------------------------------ CSRF

def test_csrf_missing_token_403(stack, page_user):
    b = Browser(stack)
    b.get("/login")
    r = b.post("/login", {"email": page_user["email"], "password": PASSWORD})
    assert_html(r, 403)
    assert CSRF_MSG in r.text
    assert "__Host-ssts" not in set_cookies(r)


def test_csrf_empty_and_duplicate_token_403(stack, page_user):
    b = Browser(stack)
    tok = b.csrf("/login")
    r = b.post("/login", {"email": page_user["email"], "password": PASSWORD,
                          "csrf": ""})
    assert r.status_code == 403
    r = b.post("/login", "csrf=%s&csrf=%s&email=%s&password=%s"
               % (tok, tok, page_user["email"], PASSWORD),
               headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 403
    r = b.post("/login", {"email": page_user["email"], "password": PASSWORD,
                          "csrf": tok[:-1] + ("A" if tok[-1] != "A" else "B")})
    assert r.status_code == 403


def test_csrf_token_from_another_session_403(stack, page_user):
    a, other = Browser(stack), Browser(stack)
    a.get("/login")
    tok_other = other.csrf("/login")
    r = a.post("/login", {"email": page_user["email"], "password": PASSWORD,
                          "csrf": tok_other})
    assert_html(r, 403)
    # signed in: a token from an anonymous page is not this session's
    s = signed_in(stack, page_user)
    r = s.post("/logout", {"csrf": tok_other})
    assert r.status_code == 403
    assert s.get("/dashboard").status_code == 200


def test_csrf_without_seed_cookie_403(stack, page_user):
    b = Browser(stack)
    tok = b.csrf("/login")
    b.s.cookies.clear()
    r = b.post("/login", {"email": page_user["email"], "password": PASSWORD,
                          "csrf": tok})
    assert r.status_code == 403


def test_csrf_token_in_query_not_accepted(stack, page_user):
    b = Browser(stack)
    tok = b.csrf("/login")
    r = b.s.post(stack.url("/login?csrf=" + tok),
                 data={"email": page_user["email"], "password": PASSWORD},
                 allow_redirects=False, timeout=15)
    # tokens never travel in URLs: a query-string token must not count
    assert r.status_code == 403


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
    {"Origin": "null", "Sec-Fetch-Site": "same-site"},
    {"Origin": "https://127.0.0.1.evil.example"},
    {"Origin": "http://127.0.0.1"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
])
def test_csrf_cross_origin_403(stack, page_user, headers):
    b = Browser(stack)
    r = b.submit("/login", {"email": page_user["email"], "password": PASSWORD},
                 headers=headers)
    assert_html(r, 403)
    assert "__Host-ssts" not in set_cookies(r)


def test_same_origin_header_accepted(stack, page_user):
    b = Browser(stack)
    r = b.submit("/login", {"email": page_user["email"], "password": PASSWORD},
                 headers={"Origin": stack.origin, "Sec-Fetch-Site": "same-origin"})
    assert r.status_code == 303, (r.status_code, r.text[:200])


def test_browser_same_origin_post_accepted(stack, page_user):
    """Models what Chromium sends for a same-origin form POST (verified with
    Chromium 156): Origin is 'null' under Referrer-Policy no-referrer, the
    page's origin otherwise, and Sec-Fetch-Site is same-origin."""
    b = Browser(stack)
    page = b.get("/login")
    policy = page.headers.get("Referrer-Policy")
    origin = "null" if policy == "no-referrer" else stack.origin
    r = b.submit("/login", {"email": page_user["email"], "password": PASSWORD},
                 headers={"Origin": origin, "Sec-Fetch-Site": "same-origin",
                          "Sec-Fetch-Mode": "navigate"})
    assert r.status_code == 303, (r.status_code, policy, origin)


def test_same_site_fetch_without_origin_accepted(stack, page_user):
    b = Browser(stack)
    r = b.submit("/login", {"email": page_user["email"], "password": PASSWORD},
                 headers={"Sec-Fetch-Site": "same-origin"})
    assert r.status_code == 303


# ------------------------------------------------------------ sign-out

def test_logout_form_revokes_session(stack, page_user):
    b = signed_in(stack, page_user)
    old = b.cookie("__Host-ssts")
    d = b.get("/dashboard")
    assert d.status_code == 200
    tok = CSRF_RE.search(d.text).group(1)
    # the logout form needs its token
    r = b.post("/logout", {})
    assert r.status_code == 403
    assert b.get("/dashboard").status_code == 200
    r = b.post("/logout", {"csrf": tok})
    assert r.status_code == 303
    assert r.headers["Location"] == "/login"
    cleared = set_cookies(r)["__Host-ssts"]
    assert cleared.startswith("__Host-ssts=;") and "Max-Age=0" in cleared
    login = b.get("/login")
    assert_html(login, 200)
    assert "You have been signed out." in login.text
    # replaying the old cookie value: back to sign-in
    s = stack.session()
    r = s.get(stack.url("/dashboard"), headers={"Cookie": "__Host-ssts=" + old},
              allow_redirects=False, timeout=15)
    assert r.status_code == 303
    assert r.headers["Location"] == "/login?next=/dashboard"
    h = hashlib.sha256(old.encode()).hexdigest()
    assert stack.psql_one("SELECT revoked FROM user_sessions WHERE "
                          "token_hash = '%s'" % h) == "t"


def test_logout_get_not_allowed(stack, page_user):
    b = signed_in(stack, page_user)
    r = b.get("/logout")
    assert r.status_code == 405
    assert b.get("/dashboard").status_code == 200


def test_logout_anonymous_with_token(stack):
    b = Browser(stack)
    tok = b.csrf("/login")
    r = b.post("/logout", {"csrf": tok})
    assert r.status_code == 303 and r.headers["Location"] == "/login"


# ------------------------------------------------------------ errors

@pytest.mark.parametrize("path", ["/nope", "/tickets/../../etc/passwd",
                                  "/dashboard/x", "/index.php"])
def test_unknown_page_404_styled(stack, browser, path):
    r = browser.get(path)
    assert r.status_code == 404
    assert r.headers["Content-Type"] == HTML_CT
    assert STYLESHEET in r.text
    assert "Page not found" in r.text
    assert_no_server_text(r)
    assert_security_headers(r)


def test_app_error_pages_styled(stack):
    b = Browser(stack)
    b.get("/")
    for r in [b.post("/login", {}),                       # 403 csrf
              b.s.delete(stack.url("/login"), timeout=15),  # 405
              b.post("/login", b"x", headers={"Content-Type": "text/plain"})]:
        assert r.status_code in (403, 405, 415), r.status_code
        assert r.headers["Content-Type"] == HTML_CT
        assert STYLESHEET in r.text
        assert 'class="error-page"' in r.text
        assert_no_server_text(r)
        assert_security_headers(r)


def test_bootstrap_admin_signs_in(stack):
    r = Api(stack).login(stack.admin_email, stack.admin_password)
    assert r.status_code == 200, r.text
    assert r.json()["user"]["role"] == "admin"
    b = Browser(stack)
    r = b.login(stack.admin_email, stack.admin_password)
    assert r.status_code == 303
    d = b.get("/dashboard")
    assert_html(d, 200)
    assert 'aria-label="Administration"' in d.text
    assert 'badge-admin">admin<' in d.text
