"""The admin's user pages (the people route group: /admin/users and its
forms), driven through nginx like a browser: every form post carries the
csrf token scraped from the page and the Origin and Sec-Fetch-Site headers
a same-origin browser sends.

Covered: the list (search by part of a name or e-mail, role and status
filters, pagination of 25, the empty states, bad filters -> 400 page with
field errors); creation (success with its audit row, every bad field,
duplicate e-mail in another case, values kept but never the password);
the profile form (name, e-mail, role; audit rows with from/to; a role
change applies on that user's next request; is_active there is ignored);
activation (deactivation refuses the user's page session and API token at
once and sign-in, reactivation lets them in again); the last active admin
(409 page from the profile form, error flash from the button); a new
password for another user (mismatch, weak, success revokes every session)
and never for oneself; CSRF and origin checks (403, nothing written);
escaping of a user's name.

Access matrix: 7 page routes x 4 actors (anonymous, client, agent, admin)
= 28 cells, one test each.  Anonymous GET -> 303 to /login?next=<path>,
anonymous POST -> 303 to /login, client and agent -> 403 (their POSTs
carry a valid token of their own session, so the refusal is the role's),
admin -> 200 or 303.

The module runs on a stack of its own ("http-people"), so that it knows
every admin there is: the last-admin tests deactivate the other admins in
SQL for their duration and restore them afterwards.
"""
import html
import json as jsonlib
import re
import uuid

import pytest

import stack as stackmod
from conftest import (CSRF_RE, PASSWORD, Api, Browser,
                      unique_email, page)
from tickets_fixtures import admin_actor, make_user

HTML_CT = "text/html; charset=utf-8"
UA = "ssts-people-pages/1.0"
NEW_PW = "N3w-Passw0rd-ok"
FIRST_PW = "F1rst-Passw0rd"
POLICY = "Must contain an upper-case letter, a lower-case letter and a digit."
DUP = "Is already in use by another account."
FORM_ERROR = "Please correct the fields below."
FILTER_ERROR = ("Some filters are not valid. Please correct the fields "
                "marked below.")
LAST_ADMIN = "This is the last active admin: make another user an admin first."
OWN_PW = ("Change your own password on your Account page, where your current "
          "one is asked.")
NO_PERMISSION = "You do not have permission to see this page."
CSRF_REFUSED = "did not come from this site"
REVOKED = "Token expired or revoked"
FLASH = {
    "user_created": ("success", "The account has been created. Give the new "
                     "user their e-mail address and password."),
    "user_updated": ("success", "The account has been updated."),
    "user_activated": ("success", "The account is active again: its owner "
                       "can sign in."),
    "user_deactivated": ("info", "The account is deactivated and has been "
                         "signed out everywhere."),
    "last_admin": ("error", LAST_ADMIN),
    "password_set": ("success", "The password has been set and the account "
                     "signed out everywhere."),
}

FLASH_RE = re.compile(
    r'<div class="flash flash-(\w+)"[^>]*><p>(.*?)</p></div>', re.S)
FIELD_ERROR_RE = re.compile(
    r'<p class="field-error" id="([^"]+)-error">([^<]*)</p>')
ALERT_RE = re.compile(r'<div class="alert alert-error" role="alert"><p>(.*?)'
                      r'</p></div>', re.S)
ROW_RE = re.compile(r'<th scope="row" class="col-title"><a href="/admin/users/'
                    r'(\d+)">(.*?)</a>')
SUMMARY_RE = re.compile(r'<p class="list-summary">(.*?)</p>', re.S)
EMPTY_RE = re.compile(r'<h2 id="empty-title">([^<]*)</h2>')
SELECTED_RE = re.compile(r'<option value="(\w*)" selected>')


@pytest.fixture(scope="module")
def stack():
    st = None
    try:
        st = stackmod.start_stack("http-people")
        yield st
    finally:
        if st is not None:
            st.stop()


# ------------------------------------------------------------- helpers

def same_origin(st):
    """What Chromium sends with a same-origin form POST."""
    return {"Origin": st.origin, "Sec-Fetch-Site": "same-origin"}


def signed_in(st, email, password=PASSWORD):
    """A browser signed in through the /login form."""
    b = Browser(st)
    b.s.headers["User-Agent"] = UA
    r = b.login(email, password)
    assert r.status_code == 303, (email, r.status_code, r.text[:300])
    return b


def post(b, path, data, form_path, headers=None):
    """POSTs a form with the csrf token of form_path, as a browser would."""
    h = same_origin(b.st)
    h.update(headers or {})
    r = b.submit(path, data, form_path=form_path, headers=h)
    assert r.status_code < 500, (path, r.status_code, r.text[:400])
    return r


def follow(b, r, where=None):
    """Follows a 303 (to "where" if given); returns the page text."""
    assert r.status_code == 303, (r.status_code, r.text[:500])
    loc = r.headers["Location"]
    if where is not None:
        assert loc == where, loc
    return page(b, loc)


def flashes(text):
    return [(k, html.unescape(t)) for k, t in FLASH_RE.findall(text)]


def field_errors(text):
    return {k: html.unescape(v) for k, v in FIELD_ERROR_RE.findall(text)}


def alerts(text):
    return [html.unescape(re.sub(r"<[^>]+>", "", a)) for a in
            ALERT_RE.findall(text)]


def rows(text):
    """[(id, name)] of the users listed, in order."""
    return [(i, html.unescape(n)) for i, n in ROW_RE.findall(text)]


def input_value(text, field_id):
    m = re.search(r'<input id="%s"[^>]*>' % re.escape(field_id), text)
    assert m, field_id
    v = re.search(r' value="([^"]*)"', m.group(0))
    return None if v is None else html.unescape(v.group(1))


def user_row(st, uid):
    r = st.psql("SELECT name, email, role, is_active::text, password_hash "
                "FROM users WHERE id = %d" % int(uid))
    if not r:
        return None
    return dict(zip(["name", "email", "role", "is_active", "hash"], r[0]))


USER_ACTIONS = ("created", "updated", "role_changed", "activated",
                "deactivated", "password_changed")


def audit_rows(st, uid, action=None):
    """[dict] of the account-change audit rows of user uid (not their
    sign-ins), oldest first."""
    cond = " AND action IN (%s)" % ",".join(
        "'%s'" % a for a in ([action] if action else USER_ACTIONS))
    out = []
    for a, p, by, ip, ua in st.psql(
            "SELECT action, coalesce(payload::text, 'null'), "
            "coalesce(performed_by::text, ''), coalesce(ip_address, ''), "
            "coalesce(user_agent, '') FROM audit_logs WHERE entity_type = "
            "'user' AND entity_id = %d%s ORDER BY id" % (int(uid), cond)):
        out.append({"action": a, "payload": jsonlib.loads(p), "by": by,
                    "ip": ip, "ua": ua})
    return out


def audit_count(st):
    return int(st.psql_one("SELECT count(*) FROM audit_logs"))


def live_sessions(st, uid):
    return int(st.psql_one("SELECT count(*) FROM user_sessions WHERE "
                           "user_id = %d AND NOT revoked AND expires_at > "
                           "now()" % int(uid)))


def user_count(st):
    return int(st.psql_one("SELECT count(*) FROM users"))


def tag(prefix="ppl"):
    return prefix + uuid.uuid4().hex[:10]


def api_token(st, email, password=PASSWORD):
    r = Api(st).login(email, password)
    assert r.status_code == 200, r.text
    return r.json()["token"]


def api_me(st, token):
    return Api(st, token).get("/api/users/me")


def create_form(b, **fields):
    data = {"name": "Person " + tag("n"), "email": unique_email("made"),
            "role": "client", "password": FIRST_PW}
    data.update(fields)
    return post(b, "/admin/users", data, "/admin/users/new")


def created_id(r):
    assert r.status_code == 303, (r.status_code, r.text[:500])
    m = re.fullmatch(r"/admin/users/(\d+)", r.headers["Location"])
    assert m, r.headers["Location"]
    return m.group(1)


@pytest.fixture(scope="module")
def admin(stack):
    """The stack's admin: a signed-in browser and the user's data."""
    a = admin_actor(stack)
    b = signed_in(stack, stack.admin_email, stack.admin_password)
    b.user = a.user
    return b


@pytest.fixture
def sole_admin(stack, admin):
    """The stack's admin is the only active admin for the test."""
    others = [r[0] for r in stack.psql(
        "UPDATE users SET is_active = false WHERE role = 'admin' AND "
        "is_active AND id <> %d RETURNING id" % int(admin.user["id"]))]
    try:
        assert stack.psql_one("SELECT count(*) FROM users WHERE role = "
                              "'admin' AND is_active") == "1"
        yield admin
    finally:
        if others:
            stack.psql("UPDATE users SET is_active = true WHERE id IN (%s)"
                       % ",".join(others))


# ------------------------------------------------------------- the list

def test_list_shows_users_newest_first(stack, admin):
    t = tag("lst")
    older = make_user(stack, "client", "%s Older" % t)
    newer = make_user(stack, "agent", "%s Newer" % t)
    text = page(admin, "/admin/users")
    assert "<h1>Users</h1>" in text
    assert 'href="/admin/users/new"' in text
    listed = rows(text)
    ids = [i for i, _ in listed]
    assert (admin.user["id"], "Administrator") in listed
    assert ids.index(newer.id) < ids.index(older.id)
    # one's own row says so
    assert re.search(r'<a href="/admin/users/%s">[^<]*</a> <span class="muted '
                     r'small">\(you\)</span>' % admin.user["id"], text)
    assert '<span class="badge badge-agent">agent</span>' in text
    assert newer.user["email"] in text


def test_search_by_name_and_email_case_insensitive(stack, admin):
    t = tag("srch")
    by_name = make_user(stack, "client", "Zed %s Person" % t.upper())
    r = Api(stack).register(name="Someone Else", email="%s@example.org" % t)
    assert r.status_code == 201
    by_email = r.json()["id"]
    other = make_user(stack, "client", "Unrelated " + tag("u"))
    text = page(admin, "/admin/users?q=" + t)
    assert sorted(i for i, _ in rows(text)) == sorted([by_name.id, by_email])
    summary = html.unescape(SUMMARY_RE.search(text).group(1))
    assert summary == "2 users matching “%s”" % t
    assert input_value(text, "q") == t
    # case does not matter, in the query or in the name
    text = page(admin, "/admin/users?q=" + t.upper())
    assert len(rows(text)) == 2
    text = page(admin, "/admin/users?q=%s%%40EXAMPLE.ORG" % t)
    assert [i for i, _ in rows(text)] == [by_email]
    assert other.id not in [i for i, _ in rows(page(admin, "/admin/users?q="
                                                    + t))]


def test_search_wildcards_are_literal(stack, admin):
    for q in ["%25", "_", "%25%25", "%5C"]:
        text = page(admin, "/admin/users?q=" + q)
        assert rows(text) == [], q
        assert EMPTY_RE.findall(text) == ["No users match"]


def test_role_and_status_filters(stack, admin):
    t = tag("flt")
    cl = make_user(stack, "client", "%s Client" % t)
    ag = make_user(stack, "agent", "%s Agent" % t)
    ad = make_user(stack, "admin", "%s Admin" % t)
    gone = make_user(stack, "agent", "%s Gone" % t)
    stack.psql("UPDATE users SET is_active = false WHERE id = %d"
               % int(gone.id))
    try:
        def listed(qs):
            text = page(admin, "/admin/users?q=%s&%s" % (t, qs))
            return text, sorted(i for i, _ in rows(text))

        text, ids = listed("role=agent")
        assert ids == sorted([ag.id, gone.id])
        assert SELECTED_RE.findall(text) == ["agent"]
        text, ids = listed("status=inactive")
        assert ids == [gone.id]
        assert SELECTED_RE.findall(text) == ["inactive"]
        assert '<span class="badge badge-inactive">Deactivated</span>' in text
        assert 'badge-active">Active' not in text
        _, ids = listed("status=active")
        assert ids == sorted([cl.id, ag.id, ad.id])
        text, ids = listed("role=agent&status=active")
        assert ids == [ag.id]
        assert SELECTED_RE.findall(text) == ["agent", "active"]
        assert 'href="/admin/users">Clear all</a>' in text
        _, ids = listed("role=client")
        assert ids == [cl.id]
        _, ids = listed("role=admin&status=inactive")
        assert ids == []
        # the form's empty choices mean "any"
        _, ids = listed("role=&status=&page=")
        assert len(ids) == 4
    finally:
        stack.psql("UPDATE users SET role = 'client' WHERE id = %d"
                   % int(ad.id))


def test_pagination(stack, admin):
    t = tag("pg")
    # 27 users in one statement: one created_at, so newest first = by id
    stack.psql(
        "INSERT INTO users (name, email, password_hash, role) SELECT "
        "'Pager %s ' || lpad(n::text, 2, '0'), '%s-' || n || '@example.com', "
        "'!', 'client' FROM generate_series(1, 27) AS n" % (t, t))
    text = page(admin, "/admin/users?q=" + t)
    names = [n for _, n in rows(text)]
    assert names == ["Pager %s %02d" % (t, n) for n in range(27, 2, -1)]
    assert html.unescape(SUMMARY_RE.search(text).group(1)) == \
        "27 users matching “%s” · page 1 of 2" % t
    assert '<p class="pagination-info">Page 1 of 2</p>' in text
    assert ('<a href="/admin/users?q=%s&amp;page=2" rel="next">' % t) in text
    assert 'rel="prev"' not in text

    text = page(admin, "/admin/users?q=%s&page=2" % t)
    assert [n for _, n in rows(text)] == ["Pager %s 02" % t, "Pager %s 01" % t]
    assert '<p class="pagination-info">Page 2 of 2</p>' in text
    assert ('<a href="/admin/users?q=%s&amp;page=1" rel="prev">' % t) in text
    assert 'rel="next"' not in text

    # filters survive in the page links
    text = page(admin, "/admin/users?q=%s&role=client&status=active" % t)
    assert len(rows(text)) == 25
    assert ('href="/admin/users?q=%s&amp;role=client&amp;status=active&amp;'
            'page=2" rel="next"' % t) in text

    # past the end: 200, no rows, a way back
    text = page(admin, "/admin/users?q=%s&page=3" % t)
    assert rows(text) == []
    assert EMPTY_RE.findall(text) == ["Nothing on this page"]
    assert "There are 27 matching users, on 2 pages." in text
    assert 'href="/admin/users?q=%s&amp;page=1"' % t in text

    # exactly 25: one page, no pagination
    stack.psql("DELETE FROM users WHERE email IN ('%s-26@example.com', "
               "'%s-27@example.com')" % (t, t))
    text = page(admin, "/admin/users?q=" + t)
    assert len(rows(text)) == 25
    assert 'class="pagination"' not in text


def test_empty_search_state(stack, admin):
    q = tag("nobody")
    text = page(admin, "/admin/users?q=" + q)
    assert rows(text) == []
    assert EMPTY_RE.findall(text) == ["No users match"]
    assert 'href="/admin/users">Clear the search</a>' in text
    assert input_value(text, "q") == q
    assert alerts(text) == []


@pytest.mark.parametrize("qs,field,msg", [
    ("role=boss", "f-role", "Is not a known role."),
    ("role=ADMIN", "f-role", "Is not a known role."),
    ("role=client&role=agent", "f-role", "Must be given only once."),
    ("status=gone", "f-status", "Must be active or inactive."),
    ("status=true", "f-status", "Must be active or inactive."),
    ("page=0", "page", "Page: Must be between 1 and 1000000."),
    ("page=-1", "page", "Page: Must be between 1 and 1000000."),
    ("page=1.5", "page", "Page: Must be a whole number."),
    ("page=x", "page", "Page: Must be a whole number."),
    ("page=1000001", "page", "Page: Must be between 1 and 1000000."),
    ("q=" + "a" * 256, "q", "Must be at most 255 characters."),
])
def test_bad_filter_is_a_400_page(stack, admin, qs, field, msg):
    text = page(admin, "/admin/users?" + qs, 400)
    assert field_errors(text) == {field: msg}
    assert alerts(text) == [FILTER_ERROR]
    assert re.search(r'aria-describedby="%s-error"' % field, text) or \
        field == "page"
    assert rows(text) == []
    assert EMPTY_RE.findall(text) == []
    # the form is there to correct it
    assert 'action="/admin/users" role="search"' in text


# ------------------------------------------------------------- create

def test_new_form(stack, admin):
    text = page(admin, "/admin/users/new")
    assert '<form id="form-create" class="form-stack" method="post" ' \
        'action="/admin/users">' in text
    for f in ["name", "email", "password"]:
        assert input_value(text, f) in (None, "")
    assert SELECTED_RE.findall(text) == ["client"]
    assert CSRF_RE.search(text).group(1)
    assert 'type="password" autocomplete="new-password"' in text


def test_create_success(stack, admin):
    name = "Made Agent " + tag("m")
    local = tag("made")
    r = create_form(admin, name=name, email="  %s@Example.COM " % local,
                    role="agent", password=FIRST_PW)
    uid = created_id(r)
    row = user_row(stack, uid)
    email = "%s@example.com" % local
    assert {k: row[k] for k in ("name", "email", "role", "is_active")} == \
        {"name": name, "email": email, "role": "agent", "is_active": "true"}
    assert row["hash"].startswith("$argon2id$")
    text = follow(admin, r, "/admin/users/%s" % uid)
    assert flashes(text) == [FLASH["user_created"]]
    assert "<h1 class=\"ticket-title\">%s</h1>" % html.escape(name) in text
    assert input_value(text, "email") == email
    assert SELECTED_RE.findall(text) == ["agent"]
    # a flash is shown once
    assert flashes(page(admin, "/admin/users/%s" % uid)) == []
    # the audit row: who, from where, what; never the password
    (a,) = audit_rows(stack, uid)
    assert a["action"] == "created"
    assert a["by"] == admin.user["id"]
    assert a["ip"] == "127.0.0.1"
    assert a["ua"] == UA
    assert a["payload"] == {"name": name, "email": email, "role": "agent"}
    assert FIRST_PW not in jsonlib.dumps(a["payload"])
    # the first password works, at once
    me = api_me(stack, api_token(stack, email, FIRST_PW)).json()
    assert me["id"] == uid and me["role"] == "agent"
    # and the new user is in the list
    assert (uid, name) in rows(page(admin, "/admin/users?q=" + local))


@pytest.mark.parametrize("role", ["client", "admin"])
def test_create_each_role(stack, admin, role):
    uid = created_id(create_form(admin, role=role))
    assert user_row(stack, uid)["role"] == role
    if role == "admin":
        stack.psql("UPDATE users SET role = 'client' WHERE id = %d" % int(uid))


SECRET = "Kept0ut-Secret"


@pytest.mark.parametrize("fields,errors", [
    ({"name": ""}, {"name": "Is required."}),
    ({"name": "   "}, {"name": "Is required."}),
    ({"name": "A"}, {"name": "Must be at least 2 characters."}),
    ({"name": "N" * 256}, {"name": "Must be at most 255 characters."}),
    ({"name": "Bad\x01Name"},
     {"name": "Must not contain control characters."}),
    ({"email": ""}, {"email": "Is required."}),
    ({"email": "not-an-address"},
     {"email": "Must be a valid e-mail address."}),
    ({"email": "two@@example.com"},
     {"email": "Must be a valid e-mail address."}),
    ({"role": ""}, {"role": "Is required."}),
    ({"role": "boss"}, {"role": "Must be client, agent or admin."}),
    ({"role": "Admin"}, {"role": "Must be client, agent or admin."}),
    ({"password": ""}, {"password": "Is required."}),
    ({"password": "Sh0rt"}, {"password": "Must be at least 8 characters."}),
    ({"password": "alllowercase1"}, {"password": POLICY}),
    ({"password": "ALLUPPERCASE1"}, {"password": POLICY}),
    ({"password": "NoDigitsHere"}, {"password": POLICY}),
    ({"password": "Aa1" + "x" * 126},
     {"password": "Must be at most 128 characters."}),
    ({"name": "A", "email": "x", "role": "boss", "password": "weak"},
     {"name": "Must be at least 2 characters.",
      "email": "Must be a valid e-mail address.",
      "role": "Must be client, agent or admin.",
      "password": "Must be at least 8 characters."}),
])
def test_create_bad_field(stack, admin, fields, errors):
    before, audits = user_count(stack), audit_count(stack)
    data = {"name": "Kept Name " + tag("k"), "email": unique_email("kept"),
            "role": "agent", "password": SECRET}
    data.update(fields)
    r = create_form(admin, **data)
    assert r.status_code == 400, r.text[:300]
    text = r.text
    assert r.headers["Content-Type"] == HTML_CT
    assert field_errors(text) == errors
    assert alerts(text) == [FORM_ERROR]
    for f in errors:
        assert re.search(r'<(input|select) id="%s"[^>]*aria-invalid="true"'
                         % f, text), f
    # what was typed is kept (the good fields as typed), never a password
    if "name" not in errors:
        assert input_value(text, "name") == data["name"]
    if "email" not in errors:
        assert input_value(text, "email") == data["email"]
    if "role" not in errors:
        assert SELECTED_RE.findall(text) == ["agent"]
    assert input_value(text, "password") is None
    assert SECRET not in text
    if len(data["password"]) >= 5:
        assert data["password"] not in text
    assert user_count(stack) == before
    assert audit_count(stack) == audits


def test_create_missing_everything(stack, admin):
    before = user_count(stack)
    r = post(admin, "/admin/users", {}, "/admin/users/new")
    assert r.status_code == 400
    assert field_errors(r.text) == {"name": "Is required.",
                                    "email": "Is required.",
                                    "role": "Is required.",
                                    "password": "Is required."}
    assert user_count(stack) == before


def test_create_duplicate_email_other_case(stack, admin):
    first = make_user(stack, "client")
    before, audits = user_count(stack), audit_count(stack)
    name = "Second " + tag("d")
    r = create_form(admin, name=name, email=" " + first.user["email"].upper(),
                    role="agent", password=SECRET)
    assert r.status_code == 400
    assert field_errors(r.text) == {"email": DUP}
    assert alerts(r.text) == [FORM_ERROR]
    assert input_value(r.text, "name") == name
    assert input_value(r.text, "email").lower() == first.user["email"]
    assert SELECTED_RE.findall(r.text) == ["agent"]
    assert input_value(r.text, "password") is None
    assert SECRET not in r.text
    assert user_count(stack) == before
    assert audit_count(stack) == audits
    assert user_row(stack, first.id)["name"] == first.user["name"]


# ------------------------------------------------------------- the profile

def test_user_page(stack, admin):
    u = make_user(stack, "agent", "Page Person " + tag("p"))
    text = page(admin, "/admin/users/%s" % u.id)
    assert '<h1 class="ticket-title">%s</h1>' % u.user["name"] in text
    assert input_value(text, "name") == u.user["name"]
    assert input_value(text, "email") == u.user["email"]
    assert SELECTED_RE.findall(text) == ["agent"]
    assert 'action="/admin/users/%s"' % u.id in text
    assert 'action="/admin/users/%s/password"' % u.id in text
    assert 'action="/admin/users/%s/active"' % u.id in text
    assert 'name="is_active" value="false"' in text
    assert "this is you" not in text
    # one's own page: no password form, a pointer to /account
    text = page(admin, "/admin/users/%s" % admin.user["id"])
    assert "this is you" in text
    assert 'action="/admin/users/%s/password"' % admin.user["id"] not in text
    assert '<a href="/account">your Account page</a>' in text


@pytest.mark.parametrize("path", ["/admin/users/987654321",
                                  "/admin/users/0", "/admin/users/abc",
                                  "/admin/users/99999999999999999999",
                                  "/admin/users/1x", "/admin/users/-1"])
def test_unknown_user_page_is_404(stack, admin, path):
    text = page(admin, path, 404)
    assert "Page not found" in text


@pytest.mark.parametrize("suffix,data", [
    ("", {"name": "Nobody Here"}),
    ("/active", {"is_active": "false"}),
    ("/password", {"password": NEW_PW, "password_confirm": NEW_PW}),
])
def test_unknown_user_posts_are_404(stack, admin, suffix, data):
    audits = audit_count(stack)
    r = post(admin, "/admin/users/987654321" + suffix, data, "/admin/users")
    assert r.status_code == 404, r.text[:300]
    assert audit_count(stack) == audits


def test_edit_name_and_email(stack, admin):
    u = make_user(stack, "client", "Before " + tag("b"))
    new_name = "After " + tag("a")
    new_email = unique_email("after")
    r = post(admin, "/admin/users/%s" % u.id,
             {"name": new_name, "email": " " + new_email.upper(),
              "role": "client"}, "/admin/users/%s" % u.id)
    text = follow(admin, r, "/admin/users/%s" % u.id)
    assert flashes(text) == [FLASH["user_updated"]]
    assert input_value(text, "name") == new_name
    row = user_row(stack, u.id)
    assert (row["name"], row["email"], row["role"]) == \
        (new_name, new_email, "client")
    (a,) = audit_rows(stack, u.id, "updated")
    assert a["payload"] == {
        "changes": {"name": {"from": u.user["name"], "to": new_name},
                    "email": {"from": u.user["email"], "to": new_email}},
        "sessions_revoked": 0}
    assert (a["by"], a["ip"], a["ua"]) == (admin.user["id"], "127.0.0.1", UA)
    # the user signs in with the new address; their session lived on
    assert api_me(stack, u.token).status_code == 200
    api_token(stack, new_email)


def test_edit_role_is_audited_with_from_and_to(stack, admin):
    u = make_user(stack, "client")
    r = post(admin, "/admin/users/%s" % u.id,
             {"name": u.user["name"], "email": u.user["email"],
              "role": "agent"}, "/admin/users/%s" % u.id)
    assert flashes(follow(admin, r)) == [FLASH["user_updated"]]
    assert user_row(stack, u.id)["role"] == "agent"
    (a,) = audit_rows(stack, u.id, "role_changed")
    assert a["payload"] == {"changes": {"role": {"from": "client",
                                                 "to": "agent"}},
                            "sessions_revoked": 0}
    assert a["by"] == admin.user["id"]
    # name and role at once: one row, named after the role
    new_name = "Renamed " + tag("r")
    r = post(admin, "/admin/users/%s" % u.id,
             {"name": new_name, "email": u.user["email"], "role": "client"},
             "/admin/users/%s" % u.id)
    assert r.status_code == 303
    rows_ = audit_rows(stack, u.id)
    assert [x["action"] for x in rows_] == ["role_changed", "role_changed"]
    assert rows_[-1]["payload"]["changes"] == {
        "name": {"from": u.user["name"], "to": new_name},
        "role": {"from": "agent", "to": "client"}}


def test_edit_without_change_audits_nothing(stack, admin):
    u = make_user(stack, "client")
    r = post(admin, "/admin/users/%s" % u.id,
             {"name": u.user["name"], "email": u.user["email"],
              "role": "client"}, "/admin/users/%s" % u.id)
    assert r.status_code == 303
    assert audit_rows(stack, u.id, "updated") == []
    assert audit_rows(stack, u.id, "role_changed") == []


def test_is_active_in_the_profile_form_is_ignored(stack, admin):
    u = make_user(stack, "client")
    new_name = "Still Active " + tag("s")
    r = post(admin, "/admin/users/%s" % u.id,
             {"name": new_name, "email": u.user["email"], "role": "client",
              "is_active": "false"}, "/admin/users/%s" % u.id)
    assert r.status_code == 303
    row = user_row(stack, u.id)
    assert (row["name"], row["is_active"]) == (new_name, "true")
    assert [a["action"] for a in audit_rows(stack, u.id)] == ["updated"]
    assert api_me(stack, u.token).status_code == 200


@pytest.mark.parametrize("fields,errors", [
    ({"name": "A"}, {"name": "Must be at least 2 characters."}),
    ({"name": "  "}, {"name": "Is required."}),
    ({"email": "nope"}, {"email": "Must be a valid e-mail address."}),
    ({"role": "root"}, {"role": "Must be client, agent or admin."}),
])
def test_edit_bad_field_keeps_values(stack, admin, fields, errors):
    u = make_user(stack, "client")
    before = user_row(stack, u.id)
    data = {"name": "Typed Name " + tag("t"), "email": unique_email("typed"),
            "role": "agent"}
    data.update(fields)
    r = post(admin, "/admin/users/%s" % u.id, data, "/admin/users/%s" % u.id)
    assert r.status_code == 400
    assert field_errors(r.text) == errors
    assert alerts(r.text) == [FORM_ERROR + " Go to the form."]
    assert 'href="#form-profile"' in r.text
    # the typed values, not the stored ones
    if "name" not in errors:
        assert input_value(r.text, "name") == data["name"]
    if "email" not in errors:
        assert input_value(r.text, "email") == data["email"]
    if "role" not in errors:
        assert SELECTED_RE.findall(r.text) == ["agent"]
    # the heading still shows the stored account
    assert '<h1 class="ticket-title">%s</h1>' % before["name"] in r.text
    assert user_row(stack, u.id) == before
    assert audit_rows(stack, u.id) == []


def test_edit_duplicate_email(stack, admin):
    u = make_user(stack, "client")
    other = make_user(stack, "client")
    r = post(admin, "/admin/users/%s" % u.id,
             {"name": u.user["name"], "email": other.user["email"].upper(),
              "role": "client"}, "/admin/users/%s" % u.id)
    assert r.status_code == 400
    assert field_errors(r.text) == {"email": DUP}
    assert user_row(stack, u.id)["email"] == u.user["email"]
    assert audit_rows(stack, u.id) == []


def test_promoted_agent_opens_admin_pages_at_once(stack, admin):
    ag = make_user(stack, "agent")
    b = signed_in(stack, ag.user["email"])
    assert NO_PERMISSION in page(b, "/admin/users", 403)
    assert Api(stack, ag.token).get("/api/users").status_code == 403
    r = post(admin, "/admin/users/%s" % ag.id,
             {"name": ag.user["name"], "email": ag.user["email"],
              "role": "admin"}, "/admin/users/%s" % ag.id)
    assert r.status_code == 303
    try:
        # the same session, the next click
        text = page(b, "/admin/users")
        assert '<span class="badge badge-admin">admin</span>' in text
        assert Api(stack, ag.token).get("/api/users").status_code == 200
    finally:
        stack.psql("UPDATE users SET role = 'agent' WHERE id = %d"
                   % int(ag.id))


def test_demoted_admin_is_refused_at_once(stack, admin):
    email = unique_email("admin2")
    uid = created_id(create_form(admin, email=email, role="admin",
                                 password=FIRST_PW))
    b = signed_in(stack, email, FIRST_PW)
    token = api_token(stack, email, FIRST_PW)
    page(b, "/admin/users")
    r = post(admin, "/admin/users/%s" % uid,
             {"name": "Demoted Admin", "email": email, "role": "agent"},
             "/admin/users/%s" % uid)
    assert r.status_code == 303
    (a,) = audit_rows(stack, uid, "role_changed")
    assert a["payload"]["changes"]["role"] == {"from": "admin", "to": "agent"}
    # no new sign-in needed: the very next request is refused
    assert NO_PERMISSION in page(b, "/admin/users", 403)
    page(b, "/admin/users/%s" % admin.user["id"], 403)
    r = b.submit("/admin/users/%s" % admin.user["id"],
                 {"name": "Hijack", "email": "x@example.com",
                  "role": "client"}, form_path="/dashboard",
                 headers=same_origin(stack))
    assert r.status_code == 403
    assert Api(stack, token).get("/api/users").status_code == 403
    # they are still an agent with their sessions
    assert page(b, "/dashboard")
    assert user_row(stack, admin.user["id"])["role"] == "admin"


def test_own_email_is_changed_on_the_account_page(stack, admin):
    """An open session is not enough to take over the admin's account: the
    profile form refuses one's own new e-mail address (the Account page
    asks for the current password)."""
    me = admin.user
    before, audits = user_row(stack, me["id"]), audit_count(stack)
    r = post(admin, "/admin/users/%s" % me["id"],
             {"name": "Administrator", "email": unique_email("takeover"),
              "role": "admin"}, "/admin/users/%s" % me["id"])
    assert r.status_code == 400, r.text[:300]
    assert 'href="/account"' in r.text
    assert user_row(stack, me["id"]) == before
    assert audit_count(stack) == audits
    # the same form may still rename oneself
    r = post(admin, "/admin/users/%s" % me["id"],
             {"name": "Administrator", "email": me["email"],
              "role": "admin"}, "/admin/users/%s" % me["id"])
    assert r.status_code == 303


# ------------------------------------------------------------- activation

def test_deactivate_then_reactivate(stack, admin):
    u = make_user(stack, "agent")
    b = signed_in(stack, u.user["email"])
    page(b, "/dashboard")
    n = live_sessions(stack, u.id)
    assert n >= 2      # the API token's and the browser's
    text = page(admin, "/admin/users/%s" % u.id)
    assert '<button type="submit" name="is_active" value="false"' in text

    r = post(admin, "/admin/users/%s/active" % u.id, {"is_active": "false"},
             "/admin/users/%s" % u.id)
    text = follow(admin, r, "/admin/users/%s" % u.id)
    assert flashes(text) == [FLASH["user_deactivated"]]
    assert '<span class="badge badge-inactive">Deactivated</span>' in text
    assert '<button type="submit" name="is_active" value="true"' in text
    assert user_row(stack, u.id)["is_active"] == "false"
    assert live_sessions(stack, u.id) == 0
    (a,) = audit_rows(stack, u.id, "deactivated")
    assert a["payload"] == {"changes": {"is_active": {"from": True,
                                                      "to": False}},
                            "sessions_revoked": n}
    assert (a["by"], a["ip"], a["ua"]) == (admin.user["id"], "127.0.0.1", UA)

    # refused at once: the page session, the API token, a new sign-in
    r = b.get("/dashboard")
    assert (r.status_code, r.headers.get("Location")) == \
        (303, "/login?next=/dashboard")
    r = api_me(stack, u.token)
    assert (r.status_code, r.json()) == (401, {"error": REVOKED})
    r = Browser(stack).login(u.user["email"])
    assert r.status_code == 403
    assert "This account is deactivated." in r.text
    assert Api(stack).login(u.user["email"]).status_code == 403
    # the list shows it
    text = page(admin, "/admin/users?status=inactive&q=" +
                u.user["email"].split("@")[0])
    assert [i for i, _ in rows(text)] == [u.id]

    r = post(admin, "/admin/users/%s/active" % u.id, {"is_active": "true"},
             "/admin/users/%s" % u.id)
    text = follow(admin, r, "/admin/users/%s" % u.id)
    assert flashes(text) == [FLASH["user_activated"]]
    assert '<span class="badge badge-active">Active</span>' in text
    assert user_row(stack, u.id)["is_active"] == "true"
    (a,) = audit_rows(stack, u.id, "activated")
    assert a["payload"]["changes"] == {"is_active": {"from": False,
                                                     "to": True}}
    # they can sign in again; the old sessions stay ended
    b2 = signed_in(stack, u.user["email"])
    page(b2, "/dashboard")
    assert api_me(stack, api_token(stack, u.user["email"])).status_code == 200
    assert api_me(stack, u.token).status_code == 401
    assert b.get("/dashboard").status_code == 303


def test_activating_an_active_user_changes_nothing(stack, admin):
    u = make_user(stack, "client")
    r = post(admin, "/admin/users/%s/active" % u.id, {"is_active": "true"},
             "/admin/users/%s" % u.id)
    assert r.status_code == 303
    assert audit_rows(stack, u.id) == []
    assert api_me(stack, u.token).status_code == 200


@pytest.mark.parametrize("data", [{}, {"is_active": ""},
                                  {"is_active": "maybe"},
                                  {"is_active": ["false", "true"]},
                                  {"name": "Other Field"}])
def test_active_needs_a_choice(stack, admin, data):
    u = make_user(stack, "client")
    before = (user_row(stack, u.id), live_sessions(stack, u.id))
    r = post(admin, "/admin/users/%s/active" % u.id, data,
             "/admin/users/%s" % u.id)
    assert r.status_code == 400, r.text[:300]
    assert "Choose to activate or deactivate the account." in r.text
    assert (user_row(stack, u.id), live_sessions(stack, u.id)) == before
    assert audit_rows(stack, u.id) == []
    assert api_me(stack, u.token).status_code == 200


# ------------------------------------------------------------- last admin

@pytest.mark.parametrize("role", ["agent", "client"])
def test_last_admin_cannot_be_demoted(stack, sole_admin, role):
    me = sole_admin.user
    audits = audit_count(stack)
    r = post(sole_admin, "/admin/users/%s" % me["id"],
             {"name": "Administrator", "email": me["email"], "role": role},
             "/admin/users/%s" % me["id"])
    assert r.status_code == 409, r.text[:300]
    assert r.headers["Content-Type"] == HTML_CT
    assert alerts(r.text) == [LAST_ADMIN + " Go to the form."]
    assert user_row(stack, me["id"])["role"] == "admin"
    assert audit_count(stack) == audits
    # still an admin, at once
    page(sole_admin, "/admin/users")


def test_last_admin_cannot_be_deactivated(stack, sole_admin):
    me = sole_admin.user
    audits = audit_count(stack)
    r = post(sole_admin, "/admin/users/%s/active" % me["id"],
             {"is_active": "false"}, "/admin/users/%s" % me["id"])
    text = follow(sole_admin, r, "/admin/users/%s" % me["id"])
    assert flashes(text) == [FLASH["last_admin"]]
    assert user_row(stack, me["id"])["is_active"] == "true"
    assert audit_count(stack) == audits
    assert live_sessions(stack, me["id"]) >= 1
    page(sole_admin, "/admin/users")


def test_last_admin_counts_only_active_admins(stack, sole_admin):
    """An inactive admin does not count; an active second one does."""
    me = sole_admin.user
    email = unique_email("spare")
    uid = created_id(create_form(sole_admin, email=email, role="admin"))
    try:
        r = post(sole_admin, "/admin/users/%s/active" % uid,
                 {"is_active": "false"}, "/admin/users/%s" % uid)
        assert r.status_code == 303
        r = post(sole_admin, "/admin/users/%s" % me["id"],
                 {"name": "Administrator", "email": me["email"],
                  "role": "agent"}, "/admin/users/%s" % me["id"])
        assert r.status_code == 409
        # with the spare active again, the other admin may be demoted
        r = post(sole_admin, "/admin/users/%s/active" % uid,
                 {"is_active": "true"}, "/admin/users/%s" % uid)
        assert r.status_code == 303
        r = post(sole_admin, "/admin/users/%s" % uid,
                 {"name": "Spare", "email": email, "role": "agent"},
                 "/admin/users/%s" % uid)
        assert r.status_code == 303
        assert user_row(stack, uid)["role"] == "agent"
    finally:
        stack.psql("UPDATE users SET role = 'client', is_active = false "
                   "WHERE id = %d" % int(uid))
    assert user_row(stack, me["id"])["role"] == "admin"


# ------------------------------------------------------------- passwords

def test_set_password_mismatch(stack, admin):
    u = make_user(stack, "client")
    before = user_row(stack, u.id)
    r = post(admin, "/admin/users/%s/password" % u.id,
             {"password": NEW_PW, "password_confirm": NEW_PW + "x"},
             "/admin/users/%s" % u.id)
    assert r.status_code == 400
    assert field_errors(r.text) == {"password_confirm":
                                    "Does not match the password."}
    assert 'href="#form-password"' in r.text
    assert NEW_PW not in r.text
    assert input_value(r.text, "password") is None
    assert input_value(r.text, "password_confirm") is None
    assert user_row(stack, u.id) == before
    assert audit_rows(stack, u.id) == []
    assert api_me(stack, u.token).status_code == 200


@pytest.mark.parametrize("pw,error", [
    ("weakpass", POLICY),
    ("Sh0rt", "Must be at least 8 characters."),
    ("", "Is required."),
])
def test_set_password_weak(stack, admin, pw, error):
    u = make_user(stack, "client")
    before = user_row(stack, u.id)
    r = post(admin, "/admin/users/%s/password" % u.id,
             {"password": pw, "password_confirm": pw},
             "/admin/users/%s" % u.id)
    assert r.status_code == 400
    assert field_errors(r.text).get("password") == error
    if pw:
        assert pw not in r.text
    assert user_row(stack, u.id) == before
    assert audit_rows(stack, u.id) == []


def test_set_password_for_another_user(stack, admin):
    u = make_user(stack, "agent")
    b = signed_in(stack, u.user["email"])
    page(b, "/dashboard")
    n = live_sessions(stack, u.id)
    assert n >= 2
    r = post(admin, "/admin/users/%s/password" % u.id,
             {"password": NEW_PW, "password_confirm": NEW_PW},
             "/admin/users/%s" % u.id)
    text = follow(admin, r, "/admin/users/%s" % u.id)
    assert flashes(text) == [FLASH["password_set"]]
    assert NEW_PW not in text
    # every session of theirs ends at once
    assert live_sessions(stack, u.id) == 0
    r = b.get("/dashboard")
    assert (r.status_code, r.headers.get("Location")) == \
        (303, "/login?next=/dashboard")
    r = api_me(stack, u.token)
    assert (r.status_code, r.json()) == (401, {"error": REVOKED})
    # the old password no longer works, the new one does
    assert Api(stack).login(u.user["email"], PASSWORD).status_code == 401
    page(signed_in(stack, u.user["email"], NEW_PW), "/dashboard")
    (a,) = audit_rows(stack, u.id, "password_changed")
    assert a["payload"] == {"by_admin": True, "sessions_revoked": n}
    assert (a["by"], a["ip"], a["ua"]) == (admin.user["id"], "127.0.0.1", UA)
    assert NEW_PW not in jsonlib.dumps(a["payload"])
    # the admin's own session is untouched
    page(admin, "/admin/users")


def test_own_password_is_refused_here(stack, admin):
    me = admin.user
    before = user_row(stack, me["id"])
    audits = audit_count(stack)
    r = post(admin, "/admin/users/%s/password" % me["id"],
             {"password": NEW_PW, "password_confirm": NEW_PW},
             "/admin/users/%s" % me["id"])
    assert r.status_code == 400
    assert r.headers["Content-Type"] == HTML_CT
    assert alerts(r.text)[0].startswith(OWN_PW)
    assert '<a href="/account">your Account page</a>' in r.text
    assert NEW_PW not in r.text
    assert user_row(stack, me["id"]) == before
    assert audit_count(stack) == audits
    assert Api(stack).login(me["email"], stack.admin_password).status_code \
        == 200
    assert Api(stack).login(me["email"], NEW_PW).status_code == 401
    page(admin, "/admin/users")


def _anchors_resolve(text):
    """Every in-page link (href="#x") has its target (id="x")."""
    ids = set(re.findall(r' id="([^"]+)"', text))
    return [a for a in re.findall(r'href="#([^"]+)"', text) if a not in ids]


@pytest.mark.parametrize("case", ["profile", "password", "own-password"])
def test_refusal_links_lead_to_the_form(stack, admin, case):
    u = make_user(stack, "client")
    if case == "profile":
        r = post(admin, "/admin/users/%s" % u.id, {"name": "A"},
                 "/admin/users/%s" % u.id)
    elif case == "password":
        r = post(admin, "/admin/users/%s/password" % u.id,
                 {"password": NEW_PW, "password_confirm": "x"},
                 "/admin/users/%s" % u.id)
    else:
        r = post(admin, "/admin/users/%s/password" % admin.user["id"],
                 {"password": NEW_PW, "password_confirm": NEW_PW},
                 "/admin/users/%s" % admin.user["id"])
    assert r.status_code == 400
    if case == "own-password":
        # one's own page has no password form: the alert points away
        assert "Account page" in alerts(r.text)[0]
        assert "Go to the form" not in alerts(r.text)[0]
    else:
        assert "Go to the form" in alerts(r.text)[0]
    assert _anchors_resolve(r.text) == []


# ------------------------------------------------------------- CSRF, origin

def _posts(uid):
    return [
        ("/admin/users", {"name": "Forged User", "email":
                          unique_email("forged"), "role": "agent",
                          "password": NEW_PW}),
        ("/admin/users/%s" % uid, {"name": "Forged Name",
                                   "email": unique_email("forged"),
                                   "role": "agent"}),
        ("/admin/users/%s/active" % uid, {"is_active": "false"}),
        ("/admin/users/%s/password" % uid, {"password": NEW_PW,
                                            "password_confirm": NEW_PW}),
    ]


@pytest.mark.parametrize("how", ["missing", "wrong", "twice", "other-user",
                                 "cross-origin", "cross-site-fetch"])
@pytest.mark.parametrize("which", range(4))
def test_csrf_refused_and_nothing_written(stack, admin, how, which):
    u = make_user(stack, "client")
    path, data = _posts(u.id)[which]
    # the target's own, valid token (signing in is audited: before "state")
    theirs = signed_in(stack, u.user["email"]).csrf("/dashboard")
    state = (user_count(stack), audit_count(stack), user_row(stack, u.id),
             live_sessions(stack, u.id))
    good = admin.csrf("/admin/users/new")
    h = same_origin(stack)
    d = dict(data)
    if how == "wrong":
        d["csrf"] = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    elif how == "twice":
        d["csrf"] = [good, good]
    elif how == "other-user":
        d["csrf"] = theirs
    elif how == "cross-origin":
        d["csrf"] = good
        h = {"Origin": "https://evil.example"}
    elif how == "cross-site-fetch":
        d["csrf"] = good
        h = {"Origin": "null", "Sec-Fetch-Site": "cross-site"}
    r = admin.post(path, d, headers=h)
    assert r.status_code == 403, (path, how, r.status_code)
    assert CSRF_REFUSED in r.text
    assert (user_count(stack), audit_count(stack), user_row(stack, u.id),
            live_sessions(stack, u.id)) == state
    # the same post with the right token and origin goes through
    r = post(admin, path, data, "/admin/users/new")
    assert r.status_code == 303


# ------------------------------------------------------------- escaping

def test_script_name_is_escaped(stack, admin):
    name = "<script>alert(1)</script>"
    local = tag("xss")
    uid = created_id(create_form(admin, name=name,
                                 email="%s@example.com" % local))
    assert user_row(stack, uid)["name"] == name
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    for path in ["/admin/users?q=" + local, "/admin/users/%s" % uid,
                 "/admin/users"]:
        text = page(admin, path)
        assert "<script" not in text.lower(), path
        assert escaped in text, path
    text = page(admin, "/admin/users/%s" % uid)
    assert "<title>%s · " % escaped in text
    assert '<h1 class="ticket-title">%s</h1>' % escaped in text
    assert 'value="%s"' % escaped in text
    # an attribute-breaking e-mail-free name in a re-rendered form
    evil = '"><img src=x onerror=alert(2)>'
    r = create_form(admin, name=evil, email="bad address")
    assert r.status_code == 400
    assert "<img src=x" not in r.text
    assert input_value(r.text, "name") == evil
    # and in a search
    text = page(admin, "/admin/users?q=%22%3E%3Cb%3Ebold")
    assert "<b>bold" not in text
    assert input_value(text, "q") == '"><b>bold'


# ------------------------------------------------------------- the matrix

ROUTES = [
    "GET /admin/users",
    "GET /admin/users/new",
    "POST /admin/users",
    "GET /admin/users/:id",
    "POST /admin/users/:id",
    "POST /admin/users/:id/active",
    "POST /admin/users/:id/password",
]
ACTORS = ["anonymous", "client", "agent", "admin"]
CELLS = [(route, who) for route in ROUTES for who in ACTORS]


def test_matrix_size_is_the_documented_one():
    assert len(CELLS) == len(ROUTES) * len(ACTORS)
    assert "= %d cells" % len(CELLS) in __doc__


@pytest.fixture(scope="module")
def matrix_browsers(stack, admin):
    out = {"anonymous": Browser(stack), "admin": admin}
    for role in ["client", "agent"]:
        a = make_user(stack, role)
        out[role] = signed_in(stack, a.user["email"])
        out[role].user_id = a.id
    return out


def _cell_data(route, uid):
    if route == "POST /admin/users":
        return {"name": "Matrix Made", "email": unique_email("mx"),
                "role": "client", "password": NEW_PW}
    if route == "POST /admin/users/:id":
        return {"name": "Matrix Renamed " + uid,
                "email": unique_email("mx"), "role": "agent"}
    if route == "POST /admin/users/:id/active":
        return {"is_active": "false"}
    return {"password": NEW_PW, "password_confirm": NEW_PW}


@pytest.mark.parametrize("route,who", CELLS,
                         ids=["%s-%s" % c for c in CELLS])
def test_matrix(stack, matrix_browsers, route, who):
    b = matrix_browsers[who]
    target = make_user(stack, "client")
    method, path = route.split(" ")
    path = path.replace(":id", target.id)
    if method == "GET":
        r = b.get(path)
        if who == "anonymous":
            assert r.status_code == 303
            assert r.headers["Location"] == "/login?next=" + path
        elif who == "admin":
            assert r.status_code == 200
            assert r.headers["Content-Type"] == HTML_CT
            assert CSRF_RE.search(r.text)
        else:
            assert r.status_code == 403
            assert NO_PERMISSION in r.text
            assert target.user["email"] not in r.text
        return
    state = (user_count(stack), audit_count(stack),
             user_row(stack, target.id), live_sessions(stack, target.id))
    data = _cell_data(route, target.id)
    # each actor's own valid token: a refusal is the role's, not the token's
    data["csrf"] = b.csrf("/login" if who == "anonymous" else
                          "/admin/users/new" if who == "admin" else
                          "/dashboard")
    r = b.post(path, data, headers=same_origin(stack))
    if who == "admin":
        assert r.status_code == 303, r.text[:300]
        assert re.fullmatch(r"/admin/users/\d+", r.headers["Location"])
        assert (user_count(stack), audit_count(stack),
                user_row(stack, target.id)) != state[:3]
        return
    refusals = 0
    if who == "anonymous":
        assert r.status_code == 303
        assert r.headers["Location"] == "/login"
    else:
        assert r.status_code == 403
        assert NO_PERMISSION in r.text
        # nothing changed, and the refusal itself is on record
        refusals = 1
        last = stack.psql("SELECT action, performed_by::text, "
                          "payload->>'route' FROM audit_logs "
                          "ORDER BY id DESC LIMIT 1")[0]
        assert last == ["access_denied", b.user_id,
                        route.split(" ")[1]], last
    assert (user_count(stack), audit_count(stack) - refusals,
            user_row(stack, target.id), live_sessions(stack, target.id)) == \
        state
