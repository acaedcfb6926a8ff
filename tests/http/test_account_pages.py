"""The pages of the account route group, driven through nginx like a
browser: /security (the signed-in devices, sign out one, all the others,
or everywhere) and /account (the profile form and the password form),
with the CSRF token scraped from the page (403 and nothing changed
without it), the flash after each 303, re-rendered forms that keep the
values typed (never a password) with errors tied to their fields, for a
client, an agent and an admin; anonymous visitors go to the sign-in page.

This module starts its own stack ("http-account"): it makes admins and
changes passwords, which other modules on a shared stack must not see.
"""
import hashlib
import html
import re

import pytest

import stack as stackmod
from conftest import (CSRF_RE, PASSWORD, Api, Browser,
                      unique_email, page)
from tickets_fixtures import make_user

HTML_CT = "text/html; charset=utf-8"
NEW_PASSWORD = "N3w-Passw0rd-xyz"
ROLES = ["client", "agent", "admin"]
FIREFOX_WIN = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) "
               "Gecko/20100101 Firefox/121.0")
SAFARI_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) "
                 "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 "
                 "Mobile/15E148 Safari/604.1")
FLASH = {
    "session_revoked": "That device has been signed out.",
    "others": "All your other devices have been signed out.",
    "none": "No other device was signed in",
    "everywhere": "You have been signed out on every device, including "
                  "this one.",
    "signed_out": "You have been signed out.",
    "profile": "Your profile has been updated.",
    "password": "Your password has been changed. Your other devices have "
                "been signed out.",
}


@pytest.fixture(scope="module")
def stack():
    st = None
    try:
        st = stackmod.start_stack("http-account")
        yield st
    finally:
        if st is not None:
            st.stop()


# ------------------------------------------------------------- helpers

def browser_for(st, user):
    """A browser signed in through the /login form."""
    b = Browser(st)
    r = b.login(user["email"], user["password"])
    assert r.status_code == 303, (r.status_code, r.text[:300])
    return b


def post(b, path, data, form_path):
    """POSTs data with the csrf token scraped from form_path."""
    return b.submit(path, data, form_path=form_path)


def follow(b, r, location):
    assert r.status_code == 303, (r.status_code, r.text[:500])
    assert r.headers["Location"] == location
    return page(b, location)


def login_token(st, email, password, ua="python-requests"):
    r = st.session().post(st.url("/api/auth/login"),
                          headers={"User-Agent": ua},
                          json={"email": email, "password": password},
                          timeout=20)
    return r.json().get("token") if r.status_code == 200 else r.status_code


def sid_of(st, token):
    h = hashlib.sha256(token.encode()).hexdigest()
    return st.psql_one("SELECT id FROM user_sessions WHERE token_hash = '%s'"
                       % h)


def cookie_sid(st, b):
    return sid_of(st, b.cookie("__Host-ssts"))


def api_status(st, token):
    return Api(st, token).get("/api/auth/sessions").status_code


def page_status(st, cookie):
    """The status of /security for a browser holding only this cookie."""
    b = Browser(st)
    b.s.cookies.set("__Host-ssts", cookie, domain="127.0.0.1", path="/")
    return b.get("/security").status_code


def user_row(st, uid):
    return st.psql("SELECT name, email, role, is_active::text FROM users "
                   "WHERE id = %d" % int(uid))[0]


def field_error(text, fid):
    """The error shown under the input of id fid, or None; checks that it
    is tied to the input (aria-describedby, aria-invalid)."""
    m = re.search(r'<p class="field-error" id="%s-error">([^<]*)</p>' % fid,
                  text)
    tag = re.search(r'<input id="%s"[^>]*>' % fid, text).group(0)
    if m is None:
        assert 'aria-invalid' not in tag, tag
        return None
    assert 'aria-invalid="true"' in tag, tag
    assert re.search(r'aria-describedby="([^"]* )?%s-error"' % fid, tag), tag
    return html.unescape(m.group(1))


def no_password_values(text):
    """No password input carries a value."""
    tags = re.findall(r'<input[^>]* type="password"[^>]*>', text)
    assert len(tags) == 4, tags         # current x2, new, confirm
    for tag in tags:
        assert " value=" not in tag, tag


def input_value(text, name):
    tag = re.search(r'<input[^>]* name="%s"[^>]*>' % name, text).group(0)
    m = re.search(r' value="([^"]*)"', tag)
    return html.unescape(m.group(1)) if m else None


def flash_of(text):
    m = re.search(r'<div class="flash flash-\w+" role="\w+"><p>([^<]*)</p>',
                  text)
    return html.unescape(m.group(1)) if m else None


@pytest.fixture
def person(stack, request):
    """A fresh user of the role given by the test's "role" parameter (or a
    client), signed in through the API once; returns the Actor."""
    role = getattr(request, "param", None) or "client"
    return make_user(stack, role)


# ------------------------------------------------------------- anonymous

@pytest.mark.parametrize("path", ["/account", "/security"])
def test_anonymous_get_goes_to_login(stack, path):
    r = Browser(stack).get(path)
    assert r.status_code == 303
    assert r.headers["Location"] == "/login?next=" + path


@pytest.mark.parametrize("path", [
    "/account", "/account/password", "/security/sessions/1/revoke",
    "/security/sessions/revoke-others", "/security/sessions/revoke-all"])
def test_anonymous_post_goes_to_login(stack, path):
    b = Browser(stack)
    r = b.post(path, {"csrf": b.csrf("/login"), "name": "X Y"})
    assert r.status_code == 303
    assert r.headers["Location"] == "/login"


# ------------------------------------------------------------- role matrix

PAGE_ROUTES = [
    ("GET", "/account", None),
    ("GET", "/security", None),
    ("POST", "/account", "/account"),
    ("POST", "/account/password", "/account"),
    ("POST", "/security/sessions/:other/revoke", "/security"),
    ("POST", "/security/sessions/:foreign/revoke", "/security"),
    ("POST", "/security/sessions/revoke-others", "/security"),
    ("POST", "/security/sessions/revoke-all", "/security"),
]


@pytest.mark.parametrize("role", ["anonymous"] + ROLES)
def test_role_matrix(stack, role):
    """Every page route for every role: signed-in users of any role may use
    each one for their own account only; anonymous visitors are sent to
    the sign-in page."""
    foreign = make_user(stack, "client")
    fsid = sid_of(stack, foreign.token)
    if role == "anonymous":
        b, me = Browser(stack), None
    else:
        me = make_user(stack, role)
        b = browser_for(stack, me.user)
    for method, path, form in PAGE_ROUTES:
        if me is not None:
            other = login_token(stack, me.user["email"], PASSWORD)
            path = path.replace(":other", sid_of(stack, other))
        path = path.replace(":other", fsid).replace(":foreign", fsid)
        if method == "GET":
            r = b.get(path)
        elif me is None:
            r = b.post(path, {"csrf": b.csrf("/login")})
        else:
            data = {}
            if path == "/account":
                data = {"name": me.user["name"], "email": me.user["email"]}
            if path == "/account/password":
                data = {"old_password": "Wr0ng-password",
                        "password": NEW_PASSWORD,
                        "password_confirm": NEW_PASSWORD}
            r = post(b, path, data, form)
        got = r.status_code, r.headers.get("Location")
        if me is None:
            want = (303, "/login?next=" + path if method == "GET"
                    else "/login")
        elif method == "GET":
            want = (200, None)
        elif path == "/account":
            want = (303, "/account")
        elif path == "/account/password":
            want = (401, None)
        elif path.endswith("%s/revoke" % fsid):
            want = (404, None)
        elif path.endswith("/revoke") or path.endswith("revoke-others"):
            want = (303, "/security")
        else:
            want = (303, "/login")
        assert got == want, (role, method, path, got, r.text[:300])
    # the foreign user lost nothing, whoever asked
    assert api_status(stack, foreign.token) == 200
    if me is not None:
        assert user_row(stack, me.id)[2:] == [role, "true"]


# ------------------------------------------------------------- /security

def test_security_page_lists_devices(stack, person):
    win = login_token(stack, person.user["email"], PASSWORD, FIREFOX_WIN)
    phone = login_token(stack, person.user["email"], PASSWORD, SAFARI_IPHONE)
    evil = login_token(stack, person.user["email"], PASSWORD,
                       '<script>alert("ua")</script> "quoted"')
    b = browser_for(stack, person.user)
    text = page(b, "/security")
    assert "<h1>Security</h1>" in text
    assert "Signed-in devices" in text
    assert "Firefox on Windows" in text and "Safari on iPhone" in text
    assert "Python script" in text            # make_user's sign-in
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(&#34;ua&#34;)" in text or \
        "&lt;script&gt;alert(&quot;ua&quot;)" in text
    assert text.count(">This device</span>") == 1
    assert "127.0.0.1" in text
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT[^"]+Z">', text)
    mine = cookie_sid(stack, b)
    for t in (win, phone, evil, person.token):
        assert 'action="/security/sessions/%s/revoke"' % sid_of(stack, t) \
            in text
    assert 'action="/security/sessions/%s/revoke"' % mine not in text
    assert 'action="/security/sessions/revoke-others"' in text
    assert 'action="/security/sessions/revoke-all"' in text
    assert len(CSRF_RE.findall(text)) >= 7     # header, 4 devices, 2 buttons
    # the current device comes first
    first = text.index('<li class="device')
    assert text.index(">This device</span>") < text.index(
        '<li class="device', first + 1)
    # never a token
    for t in (win, phone, evil, person.token, b.cookie("__Host-ssts")):
        assert t.split(".")[2] not in text


def test_revoke_one_device(stack, person):
    other = login_token(stack, person.user["email"], PASSWORD, FIREFOX_WIN)
    oid = sid_of(stack, other)
    b = browser_for(stack, person.user)
    r = post(b, "/security/sessions/%s/revoke" % oid, {}, "/security")
    text = follow(b, r, "/security")
    assert flash_of(text) == FLASH["session_revoked"]
    assert api_status(stack, other) == 401            # at once
    assert api_status(stack, person.token) == 200
    assert page(b, "/security")                       # still signed in
    assert 'sessions/%s/revoke"' % oid not in text
    assert stack.psql_one("SELECT count(*) FROM audit_logs WHERE "
                          "entity_id = %s AND action = 'session_revoked'"
                          % person.id) == "1"


def test_revoke_unknown_or_foreign_device(stack, person):
    foreign = make_user(stack, "client")
    fid = sid_of(stack, foreign.token)
    b = browser_for(stack, person.user)
    gone = login_token(stack, person.user["email"], PASSWORD)
    gid = sid_of(stack, gone)
    assert Api(stack, gone).post("/api/auth/logout").status_code == 200
    for sid in (fid, gid, "9223372036854775807"):
        r = post(b, "/security/sessions/%s/revoke" % sid, {}, "/security")
        assert r.status_code == 404, (sid, r.status_code)
        assert "That device was not signed out" in r.text
        assert "Signed-in devices" in r.text       # the list, up to date
        assert 'role="alert"' in r.text
    assert api_status(stack, foreign.token) == 200
    assert api_status(stack, person.token) == 200
    assert page(b, "/security")
    for bad in ("abc", "0", "-5", "1.5"):
        r = post(b, "/security/sessions/%s/revoke" % bad, {}, "/security")
        assert r.status_code == 404, (bad, r.status_code)


def test_revoke_this_device_signs_out(stack, person):
    b = browser_for(stack, person.user)
    cookie = b.cookie("__Host-ssts")
    r = post(b, "/security/sessions/%s/revoke" % cookie_sid(stack, b), {},
             "/security")
    assert r.status_code == 303 and r.headers["Location"] == "/login"
    assert re.search(r"__Host-ssts=;.*Max-Age=0",
                     r.headers.get("Set-Cookie", "")), r.headers
    text = page(b, "/login")
    assert flash_of(text) == FLASH["signed_out"]
    assert page_status(stack, cookie) == 303
    assert api_status(stack, person.token) == 200


def test_revoke_others(stack, person):
    t1 = login_token(stack, person.user["email"], PASSWORD)
    b2 = browser_for(stack, person.user)
    b = browser_for(stack, person.user)
    r = post(b, "/security/sessions/revoke-others", {}, "/security")
    text = follow(b, r, "/security")
    assert flash_of(text) == FLASH["others"]
    for t in (t1, person.token):
        assert api_status(stack, t) == 401
    r = b2.get("/security")
    assert r.status_code == 303 and r.headers["Location"] == \
        "/login?next=/security"
    assert text.count('<li class="device') == 1
    assert "This is the only device signed in" in text
    assert 'action="/security/sessions/revoke-others"' not in text
    # once more, with nothing left to sign out
    r = post(b, "/security/sessions/revoke-others", {}, "/security")
    assert flash_of(follow(b, r, "/security")).startswith(FLASH["none"])
    rows = stack.psql("SELECT payload::text FROM audit_logs WHERE "
                      "entity_id = %s AND action = 'logout_others' ORDER BY id"
                      % person.id)
    assert [x[0] for x in rows] == [
        '{"kept_current": true, "sessions_revoked": 3}',
        '{"kept_current": true, "sessions_revoked": 0}']


def test_revoke_all(stack, person):
    other = browser_for(stack, person.user)
    b = browser_for(stack, person.user)
    cookie = b.cookie("__Host-ssts")
    r = post(b, "/security/sessions/revoke-all", {}, "/security")
    assert r.status_code == 303 and r.headers["Location"] == "/login"
    assert re.search(r"__Host-ssts=;.*Max-Age=0",
                     r.headers.get("Set-Cookie", "")), r.headers
    text = page(b, "/login")
    assert flash_of(text) == FLASH["everywhere"]
    assert page_status(stack, cookie) == 303
    assert other.get("/account").status_code == 303
    assert api_status(stack, person.token) == 401
    assert stack.psql_one("SELECT count(*) FROM user_sessions WHERE user_id = "
                          "%s AND NOT revoked" % person.id) == "0"


@pytest.mark.parametrize("path", [
    "/security/sessions/:other/revoke", "/security/sessions/revoke-others",
    "/security/sessions/revoke-all"])
def test_security_posts_need_csrf(stack, person, path):
    other = login_token(stack, person.user["email"], PASSWORD)
    path = path.replace(":other", sid_of(stack, other))
    b = browser_for(stack, person.user)
    stranger = browser_for(stack, make_user(stack, "client").user)
    for data in ({}, {"csrf": ""}, {"csrf": "x" * 43},
                 {"csrf": stranger.csrf("/security")}):
        r = b.post(path, data)
        assert r.status_code == 403, (data, r.status_code)
    assert api_status(stack, other) == 200
    assert api_status(stack, person.token) == 200
    assert b.get("/security").status_code == 200


# ------------------------------------------------------------- /account

@pytest.mark.parametrize("person", ROLES, indirect=True)
def test_account_page(stack, person):
    b = browser_for(stack, person.user)
    text = page(b, "/account")
    assert "<h1>Account</h1>" in text
    assert html.escape(person.user["name"]) in text
    assert person.user["email"] in text
    assert 'class="badge badge-%s">%s</span>' % (person.role, person.role) \
        in text
    assert "Member since" in text
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT[^"]+Z">'
                     r'\d{4}-\d\d-\d\d</time>', text)
    assert input_value(text, "name") == person.user["name"]
    assert input_value(text, "email") == person.user["email"]
    no_password_values(text)
    for fid in ("profile-old_password", "old_password", "password",
                "password_confirm", "name", "email"):
        assert '<label for="%s">' % fid in text
        assert field_error(text, fid) is None
    assert 'action="/account"' in text and 'action="/account/password"' in text
    assert 'name="role"' not in text and 'name="is_active"' not in text


@pytest.mark.parametrize("person", ROLES, indirect=True)
def test_profile_edit(stack, person):
    b = browser_for(stack, person.user)
    email = unique_email("renamed")
    r = post(b, "/account", {"name": "  Renamed Person  ",
                             "email": "  " + email.upper() + " ",
                             "old_password": PASSWORD}, "/account")
    text = follow(b, r, "/account")
    assert flash_of(text) == FLASH["profile"]
    assert user_row(stack, person.id) == ["Renamed Person", email,
                                          person.role, "true"]
    assert input_value(text, "email") == email
    assert '<span class="user-name">Renamed Person</span>' in text
    assert login_token(stack, email, PASSWORD) not in (401, 403)
    rows = stack.psql("SELECT payload::text FROM audit_logs WHERE entity_id = "
                      "%s AND entity_type = 'user' AND action = 'updated'"
                      % person.id)
    assert len(rows) == 1 and "Renamed Person" in rows[0][0]
    assert '"role"' not in rows[0][0]


def test_profile_name_alone_needs_no_password(stack, person):
    b = browser_for(stack, person.user)
    r = post(b, "/account", {"name": "Only The Name",
                             "email": person.user["email"],
                             "old_password": ""}, "/account")
    assert flash_of(follow(b, r, "/account")) == FLASH["profile"]
    assert user_row(stack, person.id)[:2] == ["Only The Name",
                                              person.user["email"]]


@pytest.mark.parametrize("person", ROLES, indirect=True)
@pytest.mark.parametrize("given,message", [
    (None, "Is needed to change your e-mail address."),
    ("", "Is needed to change your e-mail address."),
    ("Wr0ng-Current-pw", "Is not your current password."),
])
def test_profile_new_email_needs_current_password(stack, person, given,
                                                  message):
    b = browser_for(stack, person.user)
    before = user_row(stack, person.id)
    email = unique_email("moved")
    data = {"name": "Name Typed", "email": email}
    if given is not None:
        data["old_password"] = given
    r = post(b, "/account", data, "/account")
    assert r.status_code == 401, (r.status_code, r.text[:300])
    assert field_error(r.text, "profile-old_password") == message
    assert field_error(r.text, "old_password") is None   # the other form
    assert field_error(r.text, "email") is None
    assert input_value(r.text, "name") == "Name Typed"
    assert input_value(r.text, "email") == email
    assert 'href="#form-profile"' in r.text
    if given:
        assert given not in r.text
    no_password_values(r.text)
    assert user_row(stack, person.id) == before
    assert api_status(stack, person.token) == 200


@pytest.mark.parametrize("person", ROLES, indirect=True)
def test_profile_role_and_active_are_ignored(stack, person):
    b = browser_for(stack, person.user)
    flip = "client" if person.role == "admin" else "admin"
    for extra in ({"role": flip, "is_active": "false"},
                  {"role": "superuser", "is_active": "maybe"}):
        data = {"name": "Still " + person.role, "email": person.user["email"]}
        data.update(extra)
        r = post(b, "/account", data, "/account")
        assert r.status_code == 303, (extra, r.status_code, r.text[:300])
        assert user_row(stack, person.id) == [
            "Still " + person.role, person.user["email"], person.role, "true"]
    assert api_status(stack, person.token) == 200
    assert b.get("/account").status_code == 200


@pytest.mark.parametrize("data,field,kept", [
    ({"name": "X", "email": "ok-%s@example.com"}, "name", "X"),
    ({"name": "", "email": "ok-%s@example.com"}, "name", ""),
    ({"email": "ok-%s@example.com"}, "name", None),
    ({"name": "Good Name", "email": "not-an-email"}, "email", "not-an-email"),
    ({"name": "Good Name", "email": ""}, "email", ""),
    ({"name": "Bad\x01Char", "email": "ok-%s@example.com"}, "name", None),
])
def test_profile_invalid(stack, person, data, field, kept):
    b = browser_for(stack, person.user)
    before = user_row(stack, person.id)
    data = {k: v.replace("%s", person.id) for k, v in data.items()}
    r = post(b, "/account", data, "/account")
    assert r.status_code == 400, (r.status_code, r.text[:300])
    assert field_error(r.text, field), r.text
    other = "email" if field == "name" else "name"
    assert field_error(r.text, other) is None
    if kept is not None:
        assert input_value(r.text, field) == kept
    if other in data:
        assert input_value(r.text, other) == data[other]
    assert 'href="#form-profile"' in r.text
    assert user_row(stack, person.id) == before


def test_profile_duplicate_email(stack, person):
    taken = make_user(stack, "client")
    b = browser_for(stack, person.user)
    before = user_row(stack, person.id)
    typed = " " + taken.user["email"].upper()
    r = post(b, "/account", {"name": "New Name Kept", "email": typed,
                             "old_password": PASSWORD}, "/account")
    assert r.status_code == 400
    assert PASSWORD not in r.text
    no_password_values(r.text)
    assert field_error(r.text, "email") == \
        "Is already in use by another account."
    assert input_value(r.text, "name") == "New Name Kept"
    assert input_value(r.text, "email") == taken.user["email"]
    assert user_row(stack, person.id) == before
    assert user_row(stack, taken.id)[1] == taken.user["email"]


# ------------------------------------------------------------- password

def password_form(old, new, confirm):
    return {"old_password": old, "password": new, "password_confirm": confirm}


@pytest.mark.parametrize("person", ROLES, indirect=True)
def test_password_change(stack, person):
    email = person.user["email"]
    t1 = login_token(stack, email, PASSWORD)
    b2 = browser_for(stack, person.user)
    b = browser_for(stack, person.user)
    r = post(b, "/account/password",
             password_form(PASSWORD, NEW_PASSWORD, NEW_PASSWORD), "/account")
    text = follow(b, r, "/account")
    assert flash_of(text) == FLASH["password"]
    assert PASSWORD not in text and NEW_PASSWORD not in text
    # the others end at once; this one stays
    for t in (t1, person.token):
        assert api_status(stack, t) == 401
    assert b2.get("/account").status_code == 303
    assert page(b, "/security").count('<li class="device') == 1
    # the new password works, the old one does not
    assert login_token(stack, email, PASSWORD) == 401
    assert isinstance(login_token(stack, email, NEW_PASSWORD), str)
    rows = stack.psql("SELECT payload::text, performed_by::text FROM "
                      "audit_logs WHERE entity_id = %s AND action = "
                      "'password_changed'" % person.id)
    assert rows == [['{"by_admin": false, "sessions_revoked": 3}', person.id]]


@pytest.mark.parametrize("person", ROLES, indirect=True)
def test_password_wrong_current(stack, person):
    b = browser_for(stack, person.user)
    r = post(b, "/account/password",
             password_form("Wr0ng-Current-pw", NEW_PASSWORD, NEW_PASSWORD),
             "/account")
    assert r.status_code == 401, r.status_code
    assert field_error(r.text, "old_password") == \
        "Is not your current password."
    assert field_error(r.text, "password") is None
    assert field_error(r.text, "profile-old_password") is None
    assert "Wr0ng-Current-pw" not in r.text and NEW_PASSWORD not in r.text
    no_password_values(r.text)
    assert 'href="#form-password"' in r.text
    assert isinstance(login_token(stack, person.user["email"], PASSWORD), str)
    assert api_status(stack, person.token) == 200
    assert b.get("/account").status_code == 200


@pytest.mark.parametrize("form,field,message", [
    (password_form(PASSWORD, "short", "short"), "password", None),
    (password_form(PASSWORD, "alllowercase12", "alllowercase12"), "password",
     None),
    (password_form(PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x"),
     "password_confirm", "Does not match the new password."),
    (password_form(PASSWORD, NEW_PASSWORD, ""), "password_confirm",
     "Does not match the new password."),
    ({"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
     "old_password", "Is required."),
    (password_form("", NEW_PASSWORD, NEW_PASSWORD), "old_password",
     "Is required."),
    (password_form(PASSWORD, "", ""), "password", "Is required."),
])
def test_password_refused(stack, person, form, field, message):
    b = browser_for(stack, person.user)
    other = login_token(stack, person.user["email"], PASSWORD)
    r = post(b, "/account/password", form, "/account")
    assert r.status_code == 400, (r.status_code, r.text[:300])
    err = field_error(r.text, field)
    assert err, r.text
    if message is not None:
        assert err == message
    for v in form.values():         # no password is ever written back
        if len(v) >= 5:
            assert v not in r.text, v
    no_password_values(r.text)
    assert api_status(stack, other) == 200
    assert isinstance(login_token(stack, person.user["email"], PASSWORD), str)


@pytest.mark.parametrize("path,data", [
    ("/account", {"name": "Csrf Victim", "email": "victim@example.com"}),
    ("/account/password", password_form(PASSWORD, NEW_PASSWORD,
                                        NEW_PASSWORD)),
])
def test_account_posts_need_csrf(stack, person, path, data):
    b = browser_for(stack, person.user)
    before = user_row(stack, person.id)
    stranger = browser_for(stack, make_user(stack, "client").user)
    for token in (None, "", stranger.csrf("/account")):
        d = dict(data)
        if token is not None:
            d["csrf"] = token
        assert b.post(path, d).status_code == 403
    # a foreign origin is refused even with the right token
    d = dict(data, csrf=b.csrf("/account"))
    assert b.post(path, d, headers={"Origin": "https://evil.example"}
                  ).status_code == 403
    assert user_row(stack, person.id) == before
    assert isinstance(login_token(stack, person.user["email"], PASSWORD), str)
    assert api_status(stack, person.token) == 200
