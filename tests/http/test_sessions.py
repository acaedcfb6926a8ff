"""The sessions API of the account route group (USERS_CONTRACT.md):
GET /api/auth/sessions (one's live sessions, the current one first),
DELETE /api/auth/sessions/:id (one of one's own; someone else's or an
unknown one is 404 and nothing is revoked) and POST /api/auth/logout-all
(every session of the caller, bearer and page cookie alike, at once).
Revocations are audited with the caller's IP address and user agent.

Runs on the shared "http" stack; every test makes its own clients, so no
other module's users lose a session here.
"""
import hashlib
import json

import pytest

from conftest import PASSWORD, Api, Browser, unique_email
from tickets_fixtures import ISO_RE, assert_error, assert_json, make_user

UA = "ssts-sessions-test/1.0"
SESSION_KEYS = {"id", "created_at", "last_seen_at", "expires_at",
                "ip_address", "user_agent", "current"}
REVOKED = "Token expired or revoked"
NOT_FOUND = "Session not found"


# ------------------------------------------------------------- helpers

def call(st, method, path, token=None, ua=UA):
    h = {"User-Agent": ua}
    if token is not None:
        h["Authorization"] = "Bearer " + token
    return st.session().request(method, st.url(path), headers=h,
                                allow_redirects=False, timeout=20)


def login(st, user, ua=UA):
    r = st.session().post(st.url("/api/auth/login"),
                          headers={"User-Agent": ua},
                          json={"email": user["email"],
                                "password": user["password"]}, timeout=20)
    assert r.status_code == 200, r.text
    return r.json()["token"]


def sid_of(st, token):
    """The user_sessions id behind a token (grey box)."""
    h = hashlib.sha256(token.encode()).hexdigest()
    return st.psql_one("SELECT id FROM user_sessions WHERE token_hash = '%s'"
                       % h)


def sessions(st, token):
    r = call(st, "GET", "/api/auth/sessions", token)
    assert r.status_code == 200, r.text
    j = assert_json(r)
    assert set(j) == {"sessions"} and isinstance(j["sessions"], list), j
    return j["sessions"]


def alive(st, token):
    """200 if the token still works, else the status (401 when revoked)."""
    return call(st, "GET", "/api/auth/sessions", token).status_code


def assert_revoked(st, token):
    assert_error(call(st, "GET", "/api/auth/sessions", token), 401, REVOKED)
    assert_error(call(st, "GET", "/api/tickets", token), 401, REVOKED)


def live_count(st, uid):
    return int(st.psql_one("SELECT count(*) FROM user_sessions WHERE "
                           "user_id = %s AND NOT revoked AND expires_at > now()"
                           % int(uid)))


def audit(st, uid, action):
    """[(payload, performed_by, ip, ua)] of user uid's rows of action."""
    rows = st.psql("SELECT payload::text, coalesce(performed_by::text, ''), "
                   "coalesce(ip_address, ''), coalesce(user_agent, '') "
                   "FROM audit_logs WHERE entity_type = 'user' AND "
                   "entity_id = %d AND action = '%s' ORDER BY id"
                   % (int(uid), action))
    return [(json.loads(p), by, ip, ua) for p, by, ip, ua in rows]


@pytest.fixture
def alice(stack):
    return make_user(stack, "client", label="alice")


@pytest.fixture
def bob(stack):
    return make_user(stack, "client", label="bob")


# ------------------------------------------------------------- listing

def test_list_shape_current_first(stack, alice):
    t1 = login(stack, alice.user, ua="Mozilla/5.0 (X11; Linux) Firefox/121.0")
    t2 = login(stack, alice.user, ua="curl/8.5.0")
    lst = sessions(stack, t2)
    assert len(lst) == 3, lst       # make_user's sign-in, t1, t2
    for s in lst:
        assert set(s) == SESSION_KEYS, s
        assert isinstance(s["id"], str) and s["id"].isdigit(), s
        assert ISO_RE.match(s["created_at"]), s
        assert ISO_RE.match(s["expires_at"]), s
        assert s["expires_at"] > s["created_at"], s
        assert s["last_seen_at"] is None or ISO_RE.match(s["last_seen_at"])
        assert s["ip_address"] == "127.0.0.1", s
        assert isinstance(s["current"], bool)
    assert [s["current"] for s in lst] == [True, False, False]
    assert lst[0]["id"] == sid_of(stack, t2)
    assert lst[0]["user_agent"] == "curl/8.5.0"     # stored at sign-in
    ids = {s["id"] for s in lst}
    assert ids == {sid_of(stack, t) for t in (alice.token, t1, t2)}
    by_id = {s["id"]: s for s in lst}
    assert by_id[sid_of(stack, t1)]["user_agent"] == \
        "Mozilla/5.0 (X11; Linux) Firefox/121.0"
    # the same list seen from t1: t1 first this time
    lst1 = sessions(stack, t1)
    assert lst1[0]["id"] == sid_of(stack, t1) and lst1[0]["current"]
    assert [s["current"] for s in lst1].count(True) == 1
    # never a token or its hash
    text = json.dumps(lst)
    for t in (alice.token, t1, t2):
        assert t.split(".")[2] not in text
        assert hashlib.sha256(t.encode()).hexdigest() not in text


def test_two_logins_two_sessions(stack):
    """A user registered without signing in: two logins, two sessions."""
    user = {"email": unique_email("two"), "password": PASSWORD}
    assert Api(stack).register(email=user["email"]).status_code == 201
    ta, tb = login(stack, user), login(stack, user)
    la, lb = sessions(stack, ta), sessions(stack, tb)
    assert len(la) == len(lb) == 2
    assert {s["id"] for s in la} == {s["id"] for s in lb}
    assert la[0]["id"] == sid_of(stack, ta) != lb[0]["id"] == sid_of(stack, tb)


def test_revoked_and_expired_are_not_listed(stack, alice):
    t1, t2 = login(stack, alice.user), login(stack, alice.user)
    stack.psql("UPDATE user_sessions SET expires_at = now() - interval '1 s'"
               " WHERE id = %s" % sid_of(stack, t1))
    assert call(stack, "POST", "/api/auth/logout", t2).status_code == 200
    ids = {s["id"] for s in sessions(stack, alice.token)}
    assert ids == {sid_of(stack, alice.token)}
    # an expired one cannot be revoked either
    assert_error(call(stack, "DELETE", "/api/auth/sessions/%s"
                      % sid_of(stack, t1), alice.token), 404, NOT_FOUND)


# ------------------------------------------------------------- revoke one

def test_delete_other_session(stack, alice):
    other = login(stack, alice.user)
    oid = sid_of(stack, other)
    assert alive(stack, other) == 200
    r = call(stack, "DELETE", "/api/auth/sessions/%s" % oid, alice.token)
    assert r.status_code == 200, r.text
    assert assert_json(r) == {"message": "Session revoked"}
    assert_revoked(stack, other)                 # at once, in every group
    assert alive(stack, alice.token) == 200      # the caller's still works
    assert oid not in {s["id"] for s in sessions(stack, alice.token)}
    # a second time: it is no longer live
    assert_error(call(stack, "DELETE", "/api/auth/sessions/%s" % oid,
                      alice.token), 404, NOT_FOUND)


def test_delete_foreign_or_unknown_session(stack, alice, bob):
    bid = sid_of(stack, bob.token)
    before = stack.psql("SELECT count(*) FROM audit_logs WHERE entity_type = "
                        "'user' AND entity_id IN (%s, %s)"
                        % (alice.id, bob.id))
    unknown = int(stack.psql_one("SELECT max(id) FROM user_sessions")) + 1000
    for sid in (bid, unknown, "9223372036854775807"):
        assert_error(call(stack, "DELETE", "/api/auth/sessions/%s" % sid,
                          alice.token), 404, NOT_FOUND)
    assert alive(stack, bob.token) == 200
    assert alive(stack, alice.token) == 200
    assert stack.psql_one("SELECT revoked FROM user_sessions WHERE id = %s"
                          % bid) == "f"
    assert live_count(stack, alice.id) == 1
    after = stack.psql("SELECT count(*) FROM audit_logs WHERE entity_type = "
                       "'user' AND entity_id IN (%s, %s)" % (alice.id, bob.id))
    assert before == after       # a refused revocation records nothing


def test_delete_own_current_session(stack, alice):
    tok = login(stack, alice.user)
    r = call(stack, "DELETE", "/api/auth/sessions/%s" % sid_of(stack, tok),
             tok)
    assert r.status_code == 200 and r.json() == {"message": "Session revoked"}
    assert_revoked(stack, tok)
    assert alive(stack, alice.token) == 200
    rows = audit(stack, alice.id, "session_revoked")
    assert rows[-1][0]["current"] is True


@pytest.mark.parametrize("bad", ["abc", "0", "-1", "1.5", "01", "%20",
                                 "99999999999999999999999", "1e3",
                                 "1%00", "1;DROP"])
def test_delete_non_numeric_id(stack, alice, bad):
    r = call(stack, "DELETE", "/api/auth/sessions/" + bad, alice.token)
    assert r.status_code in (400, 404), (bad, r.status_code, r.text[:300])
    if bad != "1%00":           # nginx itself refuses a NUL in the path
        assert_json(r)
    assert alive(stack, alice.token) == 200
    assert live_count(stack, alice.id) == 1


# ------------------------------------------------------------- logout-all

def test_logout_all_ends_every_session(stack, alice, bob):
    t1 = login(stack, alice.user)
    t2 = login(stack, alice.user, ua="Other agent/2")
    b = Browser(stack)
    assert b.login(alice.user["email"], PASSWORD).status_code == 303
    assert b.get("/dashboard").status_code == 200
    assert live_count(stack, alice.id) == 4
    r = call(stack, "POST", "/api/auth/logout-all", t1)
    assert r.status_code == 200, r.text
    assert assert_json(r) == {"message": "Logged out of all sessions",
                              "revoked": 4}
    for t in (alice.token, t1, t2):
        assert_revoked(stack, t)
    r = b.get("/dashboard")                      # the page session too
    assert r.status_code == 303
    assert r.headers["Location"] == "/login?next=/dashboard"
    assert live_count(stack, alice.id) == 0
    assert alive(stack, bob.token) == 200        # other users unaffected
    # she can sign in again afterwards
    assert alive(stack, login(stack, alice.user)) == 200


def test_logout_all_twice_with_a_new_sign_in(stack, alice):
    assert call(stack, "POST", "/api/auth/logout-all",
                alice.token).json()["revoked"] == 1
    tok = login(stack, alice.user)
    r = call(stack, "POST", "/api/auth/logout-all", tok)
    assert r.json() == {"message": "Logged out of all sessions",
                        "revoked": 1}
    assert_revoked(stack, tok)


# ------------------------------------------------------------- audit

def test_audit_rows(stack, alice):
    other = login(stack, alice.user)
    oid = sid_of(stack, other)
    assert call(stack, "DELETE", "/api/auth/sessions/%s" % oid,
                alice.token).status_code == 200
    login(stack, alice.user)
    assert call(stack, "POST", "/api/auth/logout-all",
                alice.token).status_code == 200
    rows = audit(stack, alice.id, "session_revoked")
    assert len(rows) == 1, rows
    payload, by, ip, ua = rows[0]
    assert payload == {"session_id": oid, "session_ip": "127.0.0.1",
                       "current": False}, payload
    assert (by, ip, ua) == (alice.id, "127.0.0.1", UA)
    rows = audit(stack, alice.id, "logout_all")
    assert len(rows) == 1, rows
    payload, by, ip, ua = rows[0]
    assert payload == {"sessions_revoked": 2, "kept_current": False}, payload
    assert (by, ip, ua) == (alice.id, "127.0.0.1", UA)
    text = stack.psql_one("SELECT string_agg(payload::text, ' ') FROM "
                          "audit_logs WHERE entity_id = %s" % alice.id)
    assert "eyJ" not in text and PASSWORD not in text


# ------------------------------------------------------------- access

ROUTES = [("GET", "/api/auth/sessions"), ("DELETE", "/api/auth/sessions/1"),
          ("POST", "/api/auth/logout-all")]


@pytest.mark.parametrize("method,path", ROUTES)
def test_anonymous_401(stack, method, path):
    assert_error(call(stack, method, path), 401)
    assert_error(call(stack, method, path, token="not.a.token"), 401)


@pytest.mark.parametrize("method,path", ROUTES)
def test_page_cookie_is_not_accepted_by_the_api(stack, alice, method, path):
    """The API takes only a bearer token: a signed-in browser is anonymous
    there, so a cross-site request cannot use its cookie."""
    b = Browser(stack)
    assert b.login(alice.user["email"], PASSWORD).status_code == 303
    r = b.s.request(method, stack.url(path), allow_redirects=False,
                    timeout=20)
    assert_error(r, 401)
    assert live_count(stack, alice.id) == 2
    assert b.get("/dashboard").status_code == 200


def test_wrong_methods(stack, alice):
    for method, path in [("POST", "/api/auth/sessions"),
                         ("GET", "/api/auth/logout-all"),
                         ("GET", "/api/auth/sessions/1"),
                         ("PATCH", "/api/auth/sessions/1")]:
        r = call(stack, method, path, alice.token)
        assert r.status_code in (404, 405), (method, path, r.status_code)
    assert live_count(stack, alice.id) == 1
