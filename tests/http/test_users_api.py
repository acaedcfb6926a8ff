"""The users API (issue 5's USERS contract; API.md §1 and §3.5,
ORIGINAL.md §3.3): the admin's user management, everyone's own profile and
password, the last active admin, session revocation and the audit rows.

Access matrix: 12 routes x 4 actors (anonymous, client, agent, admin) =
48 cells, one test each (test_matrix_size_printed prints the number).
Routes: GET /api/users, /api/users/me, /api/users/agents/list,
/api/users/:id (own, another's); POST /api/users; PATCH /api/users/:id
(own name, another's name, own role, own is_active); PATCH
/api/users/:id/password (own with old_password, another's).

Every answer of the module goes through UActor.request, which refuses a
5xx and any password, hash or other secret in the body.  The module runs
on a stack of its own ("http-users"): the last-admin tests need to know
every admin there is (they set the others inactive in SQL for a moment
and restore them afterwards).  Test users are rows made in SQL with a
hash made once by a sign-up through the API, then signed in through the
API: a hash per user would cost a third of a second each.
"""
import json as jsonlib
import re
import threading
import uuid

import pytest

import stack as stackmod
from conftest import PASSWORD, Api, unique_email
from tickets_fixtures import (ISO_RE, JSON_CT, Actor, assert_error,
                              assert_json, assert_validation)

UA = "ssts-users-tests/1.0"
NEW_PW = "N3w-Passw0rd-ok"
OTHER_PW = "0ther-Passw0rd-ok"
USER_KEYS = {"id", "name", "email", "role", "is_active", "mfa_enabled",
             "created_at", "updated_at"}
PERSON_KEYS = {"id", "name", "email"}
USER_ACTIONS = ("created", "updated", "role_changed", "activated",
                "deactivated", "password_changed")

FORBIDDEN = "Insufficient permissions"
ADMIN_ONLY = "Only an admin can change roles or activation"
NOT_FOUND = "User not found"
LAST_ADMIN = "The last active admin cannot be demoted or deactivated"
DUP = "Email already registered"
NEED_EMAIL_PW = "Email and password required"
NEED_PW = "Password required"
BAD_OLD = "Invalid current password"
REVOKED = "Token expired or revoked"
DEACTIVATED_LOGIN = "Account is deactivated. Please contact administrator."
POLICY = "must contain an upper-case letter, a lower-case letter and a digit"

# Nothing of this may appear in any answer of the users API.
SECRET_RE = re.compile(r"(?i)password_hash|\$argon2|mfa_secret|token_hash|"
                       r"failed_logins|locked_until|mfa_last_counter|"
                       r"JBSWY3DPEHPK3PXP")
KNOWN_PASSWORDS = [PASSWORD, NEW_PW, OTHER_PW, stackmod.ADMIN_PASSWORD]


# ------------------------------------------------------------- actors

class UActor(Actor):
    """An Actor whose every answer is checked: never a 5xx, never a
    password, hash or secret column."""

    def request(self, method, path, body=None, params=None, data=None,
                raw=None, content_type=None, headers=None):
        h = {"User-Agent": UA}
        h.update(headers or {})
        r = super().request(method, path, body=body, params=params,
                            data=data, raw=raw, content_type=content_type,
                            headers=h)
        assert r.status_code < 500, (method, path, r.status_code, r.text)
        m = SECRET_RE.search(r.text)
        assert m is None, ("secret in answer", method, path, m.group(0))
        for pw in KNOWN_PASSWORDS + self.st.extra_passwords:
            assert pw not in r.text, ("password in answer", method, path)
        return r

    def me(self):
        return self.get("/api/users/me")


def login(st, email, password=PASSWORD):
    r = Api(st).login(email, password)
    return r


def signed_in(st, user, password=None):
    """Another session (token) of the same user."""
    r = login(st, user["email"], password or user["password"])
    assert r.status_code == 200, r.text
    return UActor(st, user.get("role", "?"), dict(user), r.json()["token"])


_HASHES = {}


def password_hash(st, password):
    """An argon2id hash of password, made once per stack by a sign-up
    through the API (hashing costs a third of a second each time)."""
    key = (id(st), password)
    if key not in _HASHES:
        email = unique_email("template")
        r = Api(st).register(name="Hash Template", email=email,
                             password=password)
        assert r.status_code == 201, r.text
        _HASHES[key] = st.psql_one("SELECT password_hash FROM users WHERE "
                                   "id = %d" % int(r.json()["id"]))
    return _HASHES[key]


def sql_text(s):
    return "'%s'" % s.replace("'", "''")


def new_user(st, role="client", name=None, password=PASSWORD):
    """A user made in SQL (with a hash made by a sign-up through the API)
    and signed in once through the API."""
    email = unique_email("u" + role)
    name = name or "%s %s" % (role.capitalize(), uuid.uuid4().hex[:8])
    uid = st.psql_one("INSERT INTO users (name, email, password_hash, role) "
                      "VALUES (%s, %s, %s, %s) RETURNING id"
                      % (sql_text(name), sql_text(email),
                         sql_text(password_hash(st, password)),
                         sql_text(role)))
    user = {"id": uid, "email": email, "name": name, "role": role,
            "password": password}
    return signed_in(st, user)


def anonymous(st):
    return UActor(st, "anonymous")


@pytest.fixture(scope="module")
def stack():
    st = None
    try:
        st = stackmod.start_stack("http-users")
        st.extra_passwords = []
        yield st
    finally:
        if st is not None:
            st.stop()


@pytest.fixture(scope="module")
def admin(stack):
    """The stack's own admin."""
    r = login(stack, stack.admin_email, stack.admin_password)
    assert r.status_code == 200, r.text
    u = dict(r.json()["user"], password=stack.admin_password)
    return UActor(stack, "admin", u, r.json()["token"])


@pytest.fixture(scope="module")
def people(stack, admin):
    """Shared actors for the read-only and harmless tests."""
    return {"anonymous": anonymous(stack), "client": new_user(stack, "client"),
            "agent": new_user(stack, "agent"), "admin": admin,
            "other": new_user(stack, "client")}


# ------------------------------------------------------------- grey box

def row(st, uid):
    rows = st.psql("SELECT name, email, role, is_active::text, password_hash,"
                   " updated_at::text FROM users WHERE id = %d" % int(uid))
    if not rows:
        return None
    return dict(zip(["name", "email", "role", "is_active", "hash",
                     "updated_at"], rows[0]))


def user_count(st):
    return int(st.psql_one("SELECT count(*) FROM users"))


def last_audit_id(st):
    return int(st.psql_one("SELECT coalesce(max(id), 0) FROM audit_logs"))


def audit(st, since, uid=None):
    """Users-API audit rows written after id `since`:
    [{action, entity_id, payload, text, by, ip, ua}], oldest first."""
    cond = " AND entity_id = %d" % int(uid) if uid is not None else ""
    rows = st.psql(
        "SELECT action, entity_id::text, coalesce(payload::text, 'null'), "
        "coalesce(performed_by::text, ''), coalesce(ip_address, ''), "
        "coalesce(user_agent, '') FROM audit_logs WHERE id > %d AND "
        "entity_type = 'user' AND action IN (%s)%s ORDER BY id"
        % (since, ", ".join("'%s'" % a for a in USER_ACTIONS), cond))
    return [{"action": a, "entity_id": e, "payload": jsonlib.loads(p),
             "text": p, "by": by, "ip": ip, "ua": ua}
            for a, e, p, by, ip, ua in rows]


def live_sessions(st, uid):
    return int(st.psql_one(
        "SELECT count(*) FROM user_sessions WHERE user_id = %d AND NOT "
        "revoked AND expires_at > now()" % int(uid)))


def assert_audit_meta(rec, by):
    assert rec["by"] == str(by), rec
    assert rec["ip"], rec
    assert rec["ua"] == UA, rec


def assert_user(j, **want):
    """A user object: exact keys and types; fields in want must match."""
    assert isinstance(j, dict) and set(j) == USER_KEYS, j
    assert isinstance(j["id"], str) and j["id"].isdigit() and \
        j["id"][0] != "0", j
    assert isinstance(j["name"], str) and isinstance(j["email"], str), j
    assert j["role"] in ("client", "agent", "admin"), j
    assert isinstance(j["is_active"], bool), j
    assert isinstance(j["mfa_enabled"], bool), j
    assert ISO_RE.match(j["created_at"]) and ISO_RE.match(j["updated_at"]), j
    assert j["updated_at"] >= j["created_at"], j
    for k, v in want.items():
        assert j[k] == v, (k, j[k], v)
    return j


def ok(r, status=200):
    assert r.status_code == status, (r.request.method, r.url, r.status_code,
                                     r.text[:500])
    return assert_json(r)


# ------------------------------------------------------------- matrix

ACTORS = ["anonymous", "client", "agent", "admin"]
STAFF_ONLY = dict(anonymous=401, client=403, agent=403, admin=200)
ANY_USER = dict(anonymous=401, client=200, agent=200, admin=200)
MATRIX = {
    "GET /api/users": STAFF_ONLY,
    "GET /api/users/me": ANY_USER,
    "GET /api/users/agents/list": STAFF_ONLY,
    "GET /api/users/:own": ANY_USER,
    "GET /api/users/:other": STAFF_ONLY,
    "POST /api/users": dict(anonymous=401, client=403, agent=403, admin=201),
    "PATCH /api/users/:own name": ANY_USER,
    "PATCH /api/users/:other name": STAFF_ONLY,
    "PATCH /api/users/:own role": STAFF_ONLY,
    "PATCH /api/users/:own is_active": STAFF_ONLY,
    "PATCH /api/users/:own/password": ANY_USER,
    "PATCH /api/users/:other/password": STAFF_ONLY,
}
CELLS = [(route, actor, code) for route, byactor in MATRIX.items()
         for actor, code in byactor.items()]


def test_matrix_size_printed():
    print("\nusers API access matrix: %d cells" % len(CELLS))
    assert len(CELLS) == 48 == len(MATRIX) * len(ACTORS)


def cell_request(st, people, route, actor):
    """(who, method, path, body, target id whose row must not change)."""
    fresh = route.endswith("password")
    if actor == "anonymous":
        who = people["anonymous"]
        own = new_user(st) if fresh else people["client"]
    elif fresh and route.endswith(":own/password"):
        who = own = new_user(st, actor)
    else:
        who = own = people[actor]
    other = new_user(st) if fresh else people["other"]
    name = "Renamed " + uuid.uuid4().hex[:8]
    method, _, rest = route.partition(" ")
    path = rest.split(" ")[0].replace(":own", own.id).replace(":other",
                                                             other.id)
    target = other.id if ":other" in route else own.id
    body = None
    if method == "POST":
        body = {"name": name, "email": unique_email("mx"),
                "password": NEW_PW, "role": "client"}
    elif route.endswith(" name"):
        body = {"name": name}
    elif route.endswith(" role"):
        body = {"role": "admin"}        # an escalation, or the admin's no-op
    elif route.endswith(" is_active"):
        body = {"is_active": actor == "admin"}   # the admin's is a no-op
    elif route.endswith(":own/password"):
        body = {"password": NEW_PW, "old_password": PASSWORD}
    elif route.endswith(":other/password"):
        body = {"password": NEW_PW}
    return who, method, path, body, target


@pytest.mark.parametrize("route,actor,code", CELLS)
def test_access(stack, people, route, actor, code):
    who, method, path, body, target = cell_request(stack, people, route,
                                                   actor)
    before = row(stack, target)
    count = user_count(stack)
    r = who.request(method, path, body=body)
    assert r.status_code == code, (route, actor, r.status_code, r.text)
    if code == 401:
        assert_error(r, 401, "Missing authorization header")
    elif code == 403:
        j = assert_error(r, 403)
        want = ADMIN_ONLY if route.endswith(("role", "is_active")) and \
            ":own" in route else FORBIDDEN
        assert j == {"error": want}, (route, actor, j)
    if code >= 400:     # a refused request changed nothing
        assert row(stack, target) == before
        assert user_count(stack) == count
        return
    j = assert_json(r)
    if route == "GET /api/users":
        assert isinstance(j, list) and j
        for u in j:
            assert_user(u)
    elif route == "GET /api/users/agents/list":
        assert isinstance(j, list) and j
        assert all(set(u) == PERSON_KEYS and isinstance(u["id"], str)
                   for u in j), j
    elif method == "GET":
        assert_user(j, id=target)
    elif method == "POST":
        assert_user(j, name=body["name"], email=body["email"], role="client",
                    is_active=True, mfa_enabled=False)
        assert user_count(stack) == count + 1
    elif route.endswith("password"):
        assert set(j) == {"message", "sessions_revoked"}, j
        assert j["message"] == "Password updated"
        assert isinstance(j["sessions_revoked"], int)
        assert login(stack, row(stack, target)["email"], NEW_PW) \
            .status_code == 200
    else:
        assert_user(j, id=target)
        if "name" in body:
            assert j["name"] == body["name"]
            assert row(stack, target)["name"] == body["name"]
        else:           # the admin's own no-op
            assert row(stack, target) == before


# ------------------------------------------------------------- reading

def test_me_shape_for_each_role(stack, people):
    for role in ("client", "agent", "admin"):
        a = people[role]
        j = assert_user(ok(a.me()), id=a.id, role=role, is_active=True,
                        mfa_enabled=False)
        assert j["email"] == a.user["email"]
        assert ok(a.get("/api/users/%s" % a.id)) == j
        assert ok(people["admin"].get("/api/users/%s" % a.id)) == j
        assert a.me().headers["Content-Type"] == JSON_CT


def test_no_secret_even_with_mfa_secret_set(stack, people):
    u = new_user(stack, "agent")
    stack.psql("UPDATE users SET mfa_secret = 'JBSWY3DPEHPK3PXP', "
               "mfa_enabled = true WHERE id = %d" % int(u.id))
    # UActor refuses the secret in any of these answers
    assert ok(u.me())["mfa_enabled"] is True
    assert ok(people["admin"].get("/api/users/%s" % u.id))["mfa_enabled"]
    listed = ok(people["admin"].get("/api/users"))
    assert [x for x in listed if x["id"] == u.id][0]["mfa_enabled"] is True
    ok(people["admin"].get("/api/users/agents/list"))
    ok(people["admin"].request("PATCH", "/api/users/%s" % u.id,
                               body={"name": "Mfa Holder"}))


def test_list_newest_first_and_complete(stack, people):
    made = [new_user(stack).id for _ in range(3)]
    j = ok(people["admin"].get("/api/users"))
    assert isinstance(j, list)
    for u in j:
        assert_user(u)
    assert len(j) == user_count(stack)
    stamps = [u["created_at"] for u in j]
    assert stamps == sorted(stamps, reverse=True)
    ids = [u["id"] for u in j]
    assert ids.index(made[2]) < ids.index(made[1]) < ids.index(made[0])


def test_list_q_filter(stack, people):
    tag = "Qz" + uuid.uuid4().hex[:8]
    by_name = new_user(stack, name="Name %s Holder" % tag)
    pct = new_user(stack, name="Hundred 100%% Sure %s" % tag)
    adm = people["admin"]
    j = ok(adm.get("/api/users", params={"q": tag.upper()}))
    assert sorted(u["id"] for u in j) == sorted([by_name.id, pct.id])
    local = by_name.user["email"].split("@")[0]
    j = ok(adm.get("/api/users", params={"q": local[-10:].upper()}))
    assert [u["id"] for u in j] == [by_name.id]
    # the pattern characters of LIKE are plain text here
    for q in ("%", "100%", "_", "%" + tag):
        j = ok(adm.get("/api/users", params={"q": q}))
        assert all(q.lower() in (u["name"] + " " + u["email"]).lower()
                   for u in j), (q, [u["name"] for u in j])
    assert [u["id"] for u in ok(adm.get("/api/users",
                                        params={"q": "100%"}))] == [pct.id]
    assert ok(adm.get("/api/users", params={"q": "nomatch" + tag})) == []


def test_list_role_and_active_filters(stack, people):
    adm = people["admin"]
    gone = new_user(stack, "agent")
    ok(adm.request("PATCH", "/api/users/%s" % gone.id,
                   body={"is_active": False}))
    for role in ("client", "agent", "admin"):
        j = ok(adm.get("/api/users", params={"role": role}))
        assert j and all(u["role"] == role for u in j), role
        assert len(j) == int(stack.psql_one(
            "SELECT count(*) FROM users WHERE role = '%s'" % role))
    j = ok(adm.get("/api/users", params={"is_active": "false"}))
    assert gone.id in [u["id"] for u in j]
    assert all(u["is_active"] is False for u in j)
    j = ok(adm.get("/api/users", params={"is_active": "true"}))
    assert gone.id not in [u["id"] for u in j]
    assert all(u["is_active"] is True for u in j)
    j = ok(adm.get("/api/users", params={"role": "agent",
                                        "is_active": "false"}))
    assert gone.id in [u["id"] for u in j]
    assert all(u["role"] == "agent" and not u["is_active"] for u in j)


def test_list_pages(stack, people):
    adm = people["admin"]
    for _ in range(3):
        new_user(stack)
    full = ok(adm.get("/api/users"))
    assert len(full) >= 5
    p1 = ok(adm.get("/api/users", params={"limit": 2}))
    p1b = ok(adm.get("/api/users", params={"limit": 2, "page": 1}))
    p2 = ok(adm.get("/api/users", params={"limit": 2, "page": 2}))
    assert isinstance(p1, list) and p1 == p1b == full[:2]
    assert p2 == full[2:4]
    assert ok(adm.get("/api/users", params={"limit": 100})) == full[:100]
    assert ok(adm.get("/api/users", params={"limit": 1,
                                           "page": len(full)})) == full[-1:]
    assert ok(adm.get("/api/users", params={"limit": 10,
                                           "page": 100000})) == []


@pytest.mark.parametrize("param,value", [
    ("limit", "0"), ("limit", "101"), ("limit", "-1"), ("limit", "abc"),
    ("limit", "1.5"), ("limit", "99999999999999999999"), ("page", "0"),
    ("page", "-2"), ("page", "x"), ("page", "99999999999999999999"),
    ("role", "superuser"), ("role", "Admin"), ("is_active", "maybe"),
    ("is_active", "yes")])
def test_list_bad_filters(people, param, value):
    q = {param: value}
    if param == "page":
        q["limit"] = "10"
    assert_validation(people["admin"].get("/api/users", params=q), param)


def test_agents_list(stack, people):
    adm = people["admin"]
    ag = new_user(stack, "agent", name="Aaron Agent " + uuid.uuid4().hex[:6])
    gone = new_user(stack, "agent")
    ok(adm.request("PATCH", "/api/users/%s" % gone.id,
                   body={"is_active": False}))
    j = ok(adm.get("/api/users/agents/list"))
    ids = [u["id"] for u in j]
    assert ag.id in ids and adm.id in ids
    assert gone.id not in ids and people["client"].id not in ids
    assert {"id": ag.id, "name": ag.user["name"],
            "email": ag.user["email"]} in j
    for u in j:
        assert set(u) == PERSON_KEYS and isinstance(u["id"], str), u
    want = stack.psql("SELECT id::text, name FROM users WHERE is_active AND "
                      "role IN ('agent', 'admin') ORDER BY name")
    assert sorted(ids) == sorted(i for i, _ in want)
    assert [u["name"] for u in j] == [n for _, n in want]


@pytest.mark.parametrize("bad", ["987654321", "0", "-1", "abc", "1x",
                                 "99999999999999999999", "1.0", "%20"])
def test_unknown_and_bad_ids(people, bad):
    adm = people["admin"]
    for method, path, body in [
            ("GET", "/api/users/%s", None),
            ("PATCH", "/api/users/%s", {"name": "Nobody Here"}),
            ("PATCH", "/api/users/%s/password", {"password": NEW_PW})]:
        r = adm.request(method, path % bad, body=body)
        if bad == "987654321":
            assert_error(r, 404, NOT_FOUND)
        else:
            assert r.status_code in (400, 404), (method, bad, r.status_code)
            assert_error(r, r.status_code)


# ------------------------------------------------------------- create

def test_create_success_and_audit(stack, people):
    adm = people["admin"]
    local = "Mixed.Case-" + uuid.uuid4().hex[:8]
    pw = "Aa1<b>&\"'/\u00e9" + "x" * 117       # 128: kept as given
    stack.extra_passwords.append(pw)
    since = last_audit_id(stack)
    count = user_count(stack)
    r = adm.post("/api/users", {"name": "  Created  Person ",
                                "email": "  %s@Example.COM " % local,
                                "password": pw, "role": "agent"})
    j = assert_user(ok(r, 201), name="Created  Person",
                    email="%s@example.com" % local.lower(), role="agent",
                    is_active=True, mfa_enabled=False)
    assert r.headers["Content-Type"] == JSON_CT
    assert user_count(stack) == count + 1
    assert row(stack, j["id"])["hash"].startswith("$argon2id$")
    assert ok(adm.get("/api/users/%s" % j["id"])) == j
    recs = audit(stack, since)
    assert len(recs) == 1, recs
    rec = recs[0]
    assert rec["action"] == "created" and rec["entity_id"] == j["id"]
    assert_audit_meta(rec, adm.id)
    assert rec["payload"] == {"name": "Created  Person",
                              "email": "%s@example.com" % local.lower(),
                              "role": "agent"}
    assert pw not in rec["text"] and "argon2" not in rec["text"]
    # the new account signs in, with the address in any case
    r = login(stack, "%s@EXAMPLE.com" % local.upper(), pw)
    assert r.status_code == 200, r.text
    assert r.json()["user"]["role"] == "agent"


@pytest.mark.parametrize("role", ["client", "agent", "admin"])
def test_create_each_role_and_boundaries(stack, people, role):
    name = "N" * 255
    r = people["admin"].post("/api/users", {"name": name,
                                            "email": unique_email("c"),
                                            "password": "Abcdefg1",
                                            "role": role})
    j = assert_user(ok(r, 201), role=role, name=name)
    u = signed_in(stack, {"id": j["id"], "email": j["email"],
                          "password": "Abcdefg1", "role": role})
    assert ok(u.me())["role"] == role
    two = people["admin"].post("/api/users", {"name": "Jo",
                                              "email": unique_email("c"),
                                              "password": "Abcdefg1",
                                              "role": role})
    assert_user(ok(two, 201), name="Jo")


M = "Zq9xNotEchoed"
GOOD = {"name": "Good Name", "password": "Aa1" + M, "role": "client"}


def with_(**kw):
    b = dict(GOOD, email="%s-%s@example.com" % (M.lower(),
                                               uuid.uuid4().hex[:8]))
    for k, v in kw.items():
        if v is KeyError:
            b.pop(k)
        else:
            b[k] = v
    return b


# (body, expected error, field of the details or None)
CREATE_BAD = [
    (with_(email=KeyError), NEED_EMAIL_PW, None),
    (with_(password=KeyError), NEED_EMAIL_PW, None),
    ({"name": "Good Name", "role": "client"}, NEED_EMAIL_PW, None),
    ({}, NEED_EMAIL_PW, None),
    # empty or null: "missing" or a validation error, either is right
    (with_(email=""), (NEED_EMAIL_PW, "Validation failed"), None),
    (with_(password=""), (NEED_EMAIL_PW, "Validation failed"), None),
    (with_(email=None), (NEED_EMAIL_PW, "Validation failed"), None),
    (with_(password=None), (NEED_EMAIL_PW, "Validation failed"), None),
    (with_(name=KeyError), "Validation failed", "name"),
    (with_(name=""), "Validation failed", "name"),
    (with_(name="   "), "Validation failed", "name"),
    (with_(name="Z"), "Validation failed", "name"),
    (with_(name=" Z "), "Validation failed", "name"),
    (with_(name="N" * 256), "Validation failed", "name"),
    (with_(name="Bad\u0007Name"), "Validation failed", "name"),
    (with_(name=None), "Validation failed", "name"),
    (with_(name=42), "Validation failed", "name"),
    (with_(name=True), "Validation failed", "name"),
    (with_(email=M + ".example.com"), "Validation failed", "email"),
    (with_(email=M + "@@example.com"), "Validation failed", "email"),
    (with_(email=M + "@intranet"), "Validation failed", "email"),
    (with_(email=M + " x@example.com"), "Validation failed", "email"),
    (with_(email="x" * 250 + M + "@example.com"), "Validation failed",
     "email"),
    (with_(email=7), "Validation failed", "email"),
    (with_(password="Zq9xNo1"), "Validation failed", "password"),
    (with_(password=M.lower() + "1"), "Validation failed", "password"),
    (with_(password=M.upper() + "1"), "Validation failed", "password"),
    (with_(password="ZqxNotEchoedNoDigits"), "Validation failed",
     "password"),
    (with_(password="Aa1" + M + "x" * 113), "Validation failed", "password"),
    (with_(password=12345678), "Validation failed", "password"),
    (with_(role=KeyError), "Validation failed", "role"),
    (with_(role=""), "Validation failed", "role"),
    (with_(role=None), "Validation failed", "role"),
    (with_(role="superuser"), "Validation failed", "role"),
    (with_(role="Admin"), "Validation failed", "role"),
    (with_(role=" admin x"), "Validation failed", "role"),
    (with_(role=3), "Validation failed", "role"),
    (with_(role=["admin"]), ("Validation failed", "Malformed request body"),
     None),
    (with_(name={"a": 1}), ("Validation failed", "Malformed request body"),
     None),
]


@pytest.mark.parametrize("body,error,path", CREATE_BAD,
                         ids=["bad%02d" % i for i in range(len(CREATE_BAD))])
def test_create_bad_input(stack, people, body, error, path):
    count = user_count(stack)
    since = last_audit_id(stack)
    r = people["admin"].post("/api/users", body)
    assert r.status_code == 400, (body, r.status_code, r.text)
    j = assert_json(r)
    if isinstance(error, tuple):
        assert j["error"] in error, (body, j)
    else:
        assert j["error"] == error, (body, j)
    if error == "Validation failed":
        assert_validation(r, path)
    elif j["error"] != "Validation failed":
        assert set(j) == {"error"}, j
    assert "zq9x" not in r.text.lower()        # no value echoed
    assert user_count(stack) == count
    assert audit(stack, since) == []


@pytest.mark.parametrize("pw,msg", [
    ("Zq9xNo1", "must be at least 8 characters"),
    ("zq9xnotechoed", POLICY), ("ZQ9XNOTECHOED", POLICY),
    ("ZqxNotEchoedNoDigits", POLICY),
    ("Aa1" + M + "x" * 113, "must be at most 128 characters")])
def test_create_password_policy_messages(stack, people, pw, msg):
    """One policy everywhere: the same words as at sign-up."""
    r = people["admin"].post("/api/users", with_(password=pw))
    assert_validation(r, "password", msg)


def test_create_duplicate_email(stack, people):
    adm = people["admin"]
    email = people["client"].user["email"]
    count = user_count(stack)
    for e in (email, email.upper(), "  %s\t" % email.title()):
        r = adm.post("/api/users", {"name": "Dup Licate", "email": e,
                                    "password": NEW_PW, "role": "agent"})
        assert_error(r, 400, DUP)
    assert user_count(stack) == count


@pytest.mark.parametrize("raw,error", [
    ('{"name":"Aa Bb","name":"Cc Dd","email":"%s","password":"%s",'
     '"role":"client"}', "Duplicate key in request body"),
    ('{"name":"Aa Bb","email":"%s","email":"x-%s","password":"%s",'
     '"role":"client"}', "Duplicate key in request body"),
    ('{"name":"Aa Bb","email":"%s","password":"%s","role":"client",'
     '"role":"admin"}', "Duplicate key in request body"),
    ('{"name":"Aa Bb","email":"%s","password":"%s"', "Malformed request body"),
    ('["Aa Bb","%s","%s"]', "Malformed request body"),
    ('"%s %s"', "Malformed request body"),
])
def test_create_raw_json_errors(stack, people, raw, error):
    email = unique_email("raw")
    args = (email,) * (raw.count("%s") - 1) + ("Aa1" + M,)
    count = user_count(stack)
    r = people["admin"].post("/api/users", raw=raw % args)
    assert r.status_code == 400, r.text
    assert assert_json(r)["error"] in (error, "Validation failed"), r.text
    if "Duplicate" in error:
        assert_error(r, 400, error)
    assert user_count(stack) == count


def test_create_form_urlencoded(stack, people):
    email = unique_email("form")
    r = people["admin"].post("/api/users", data={
        "name": "Form Made", "email": email, "password": NEW_PW,
        "role": "agent"})
    assert_user(ok(r, 201), name="Form Made", email=email, role="agent")
    assert login(stack, email, NEW_PW).status_code == 200
    r = people["admin"].post("/api/users", data={
        "name": "Form Dup", "email": email.upper(), "password": NEW_PW,
        "role": "agent"})
    assert_error(r, 400, DUP)
    r = people["admin"].post("/api/users", data=[
        ("name", "Form Two"), ("email", unique_email("form")),
        ("password", NEW_PW), ("role", "agent"), ("role", "admin")])
    assert r.status_code == 400, r.text


# ------------------------------------------------------------- update

@pytest.mark.parametrize("role", ["client", "agent", "admin"])
def test_self_service_name_and_email(stack, role):
    u = new_user(stack, role)
    before = ok(u.me())
    local = "Self-" + uuid.uuid4().hex[:8]
    since = last_audit_id(stack)
    r = u.patch("/api/users/%s" % u.id, {"name": " New Self Name ",
                                          "email": " %s@Example.com" % local,
                                          "old_password": PASSWORD})
    email = "%s@example.com" % local.lower()
    j = assert_user(ok(r), id=u.id, name="New Self Name", email=email,
                    role=role, is_active=True,
                    created_at=before["created_at"])
    assert ok(u.me()) == j
    assert login(stack, email).status_code == 200
    assert login(stack, u.user["email"]).status_code == 401
    recs = audit(stack, since, u.id)
    assert len(recs) == 1, recs
    assert recs[0]["action"] == "updated"
    assert_audit_meta(recs[0], u.id)
    assert recs[0]["payload"] == {
        "changes": {"name": {"from": before["name"], "to": "New Self Name"},
                    "email": {"from": u.user["email"], "to": email}},
        "sessions_revoked": 0}
    assert live_sessions(stack, u.id) == 2     # this one and the login above


@pytest.mark.parametrize("role", ["client", "agent", "admin"])
def test_own_email_change_needs_current_password(stack, role):
    """SECURITY.md 7.5.1: an open session alone cannot move the account
    to another address; the name alone needs no password."""
    u = new_user(stack, role)
    before = row(stack, u.id)
    since = last_audit_id(stack)
    for extra in ({}, {"old_password": ""}, {"old_password": "Wr0ng-pass"},
                  {"old_password": None}):
        body = dict({"email": unique_email("moved")}, **extra)
        r = u.patch("/api/users/%s" % u.id, body)
        if extra.get("old_password", "") is None:
            assert_validation(r, "old_password")
        else:
            assert_error(r, 401, "Invalid current password")
    assert row(stack, u.id) == before
    assert audit(stack, since) == []
    r = u.patch("/api/users/%s" % u.id, {"name": "Only The Name"})
    assert_user(ok(r), name="Only The Name", email=u.user["email"])


def test_admin_changes_another_email_without_password(stack, people):
    t = new_user(stack)
    email = unique_email("byadmin")
    r = people["admin"].patch("/api/users/%s" % t.id, {"email": email})
    assert_user(ok(r), email=email)


@pytest.mark.parametrize("role", ["client", "agent"])
@pytest.mark.parametrize("body", [
    {"role": "admin"}, {"role": "agent"}, {"is_active": False},
    {"name": "Sneaky Name", "role": "admin"},
    {"name": "Sneaky Name", "is_active": False}])
def test_non_admin_cannot_set_role_or_activation(stack, role, body):
    if body.get("role") == role:
        body = dict(body, role="admin")
    u = new_user(stack, role)
    before = row(stack, u.id)
    since = last_audit_id(stack)
    assert_error(u.patch("/api/users/%s" % u.id, body), 403, ADMIN_ONLY)
    assert row(stack, u.id) == before
    assert audit(stack, since) == []
    assert ok(u.me())["role"] == role


def test_non_admin_on_another_id(stack, people):
    u, other = new_user(stack), people["other"]
    before = row(stack, other.id)
    for body in ({"name": "Not Mine"}, {"role": "client"},
                 {"is_active": False}):
        r = u.patch("/api/users/%s" % other.id, body)
        assert_error(r, 403)
        assert r.json()["error"] in (FORBIDDEN, ADMIN_ONLY)
    assert_error(u.patch("/api/users/%s" % other.id, {"name": "Not Mine"}),
                 403, FORBIDDEN)
    assert_error(u.get("/api/users/%s" % other.id), 403, FORBIDDEN)
    assert row(stack, other.id) == before


@pytest.mark.parametrize("body,path", [
    ({"name": ""}, "name"), ({"name": "Z"}, "name"),
    ({"name": "N" * 256}, "name"), ({"name": None}, "name"),
    ({"name": 5}, "name"), ({"name": "Bad\u0001"}, "name"),
    ({"email": "nope"}, "email"), ({"email": ""}, "email"),
    ({"email": None}, "email"), ({"email": "a@b"}, "email"),
    ({"role": "boss"}, "role"), ({"role": ""}, "role"),
    ({"role": None}, "role"), ({"role": "ADMIN"}, "role"),
    ({"is_active": "maybe"}, "is_active"), ({"is_active": ""}, "is_active"),
    ({"name": "Fine Name", "email": "bad"}, "email"),
    ({"role": "agent", "is_active": "x"}, "is_active")])
def test_update_bad_input(stack, people, body, path):
    t = new_user(stack)
    before = row(stack, t.id)
    since = last_audit_id(stack)
    for who in (people["admin"], t):
        if who is t and ("role" in body or "is_active" in body):
            continue
        r = who.patch("/api/users/%s" % t.id, body)
        assert_validation(r, path)
    assert row(stack, t.id) == before
    assert audit(stack, since) == []


def test_update_duplicate_email_and_own_email(stack, people):
    adm, t = people["admin"], new_user(stack)
    taken = people["other"].user["email"]
    before = row(stack, t.id)
    since = last_audit_id(stack)
    for who in (adm, t):
        for e in (taken, taken.upper(), " %s " % taken):
            body = {"email": e}
            if who is t:
                body["old_password"] = PASSWORD
            assert_error(who.patch("/api/users/%s" % t.id, body), 400, DUP)
    assert row(stack, t.id) == before
    # one's own address, differently written, is no change and no clash
    r = t.patch("/api/users/%s" % t.id,
                {"email": "  " + t.user["email"].upper()})
    assert_user(ok(r), email=t.user["email"])
    assert row(stack, t.id) == before
    assert audit(stack, since) == []


def test_update_raw_bodies(stack, people):
    t = new_user(stack)
    before = row(stack, t.id)
    r = people["admin"].patch("/api/users/%s" % t.id,
                              raw='{"name":"Aa Bb","name":"Cc Dd"}')
    assert_error(r, 400, "Duplicate key in request body")
    r = people["admin"].patch("/api/users/%s" % t.id, raw='{"name":')
    assert_error(r, 400, "Malformed request body")
    assert row(stack, t.id) == before
    r = t.patch("/api/users/%s" % t.id, data={"name": "Form Renamed"})
    assert_user(ok(r), name="Form Renamed")


def test_noop_patch_is_200_without_audit(stack, people):
    adm = people["admin"]
    t = new_user(stack, "agent")
    j = ok(adm.get("/api/users/%s" % t.id))
    before = row(stack, t.id)
    since = last_audit_id(stack)
    answers = [(body, who.patch("/api/users/%s" % t.id, body))
               for who, body in [
                   (adm, {}), (t, {}), (t, {"name": j["name"]}),
                   (adm, {"name": j["name"], "email": j["email"],
                          "role": "agent", "is_active": True}),
                   (t, {"email": j["email"].upper()})]]
    assert row(stack, t.id) == before
    assert audit(stack, since) == []
    assert ok(adm.get("/api/users/%s" % t.id)) == j
    # the answer is the user as stored (updated_at did not move)
    for body, r in answers:
        assert ok(r) == j, body


def test_admin_updates_another_user(stack, people):
    adm, t = people["admin"], new_user(stack)
    before = ok(adm.get("/api/users/%s" % t.id))
    email = unique_email("moved")
    since = last_audit_id(stack)
    r = adm.patch("/api/users/%s" % t.id, {"name": "Renamed By Admin",
                                            "email": email.upper()})
    assert_user(ok(r), name="Renamed By Admin", email=email, role="client")
    recs = audit(stack, since)
    assert [x["action"] for x in recs] == ["updated"]
    assert recs[0]["entity_id"] == t.id
    assert_audit_meta(recs[0], adm.id)
    assert recs[0]["payload"] == {"changes": {
        "name": {"from": before["name"], "to": "Renamed By Admin"},
        "email": {"from": before["email"], "to": email}},
        "sessions_revoked": 0}
    assert ok(t.me())["email"] == email       # the session survives


def test_promotion_applies_to_the_existing_token(stack, people):
    adm, ag = people["admin"], new_user(stack, "agent")
    assert_error(ag.get("/api/users"), 403, FORBIDDEN)
    since = last_audit_id(stack)
    assert_user(ok(adm.patch("/api/users/%s" % ag.id, {"role": "admin"})),
                role="admin")
    assert isinstance(ok(ag.get("/api/users")), list)
    assert ok(ag.me())["role"] == "admin"
    recs = audit(stack, since)
    assert [x["action"] for x in recs] == ["role_changed"]
    assert recs[0]["payload"] == {"changes": {"role": {"from": "agent",
                                                       "to": "admin"}},
                                  "sessions_revoked": 0}
    assert_audit_meta(recs[0], adm.id)
    # and back: a demoted admin is refused at once
    assert_user(ok(adm.patch("/api/users/%s" % ag.id, {"role": "client"})),
                role="client")
    assert_error(ag.get("/api/users"), 403, FORBIDDEN)
    assert_error(ag.get("/api/users/agents/list"), 403, FORBIDDEN)
    assert ok(ag.me())["role"] == "client"
    assert_error(ag.patch("/api/users/%s" % ag.id, {"role": "admin"}), 403,
                 ADMIN_ONLY)


def test_demoted_admin_with_another_admin_left(stack, people):
    adm, a2 = people["admin"], new_user(stack, "admin")
    assert isinstance(ok(a2.get("/api/users")), list)
    ok(adm.patch("/api/users/%s" % a2.id, {"role": "client"}))
    assert_error(a2.get("/api/users"), 403, FORBIDDEN)
    assert_error(a2.post("/api/users", with_()), 403, FORBIDDEN)


def test_deactivation_revokes_every_session(stack, people):
    adm, u = people["admin"], new_user(stack, "agent")
    u2 = signed_in(stack, u.user)
    assert live_sessions(stack, u.id) == 2
    since = last_audit_id(stack)
    r = adm.patch("/api/users/%s" % u.id, {"is_active": False})
    assert_user(ok(r), id=u.id, is_active=False)
    for tok in (u, u2):
        assert_error(tok.me(), 401, REVOKED)
        assert_error(tok.patch("/api/users/%s" % u.id, {"name": "Xx Yy"}),
                     401, REVOKED)
    assert live_sessions(stack, u.id) == 0
    assert_error(login(stack, u.user["email"]), 403, DEACTIVATED_LOGIN)
    assert u.id not in [x["id"] for x in
                        ok(adm.get("/api/users/agents/list"))]
    recs = audit(stack, since)
    assert [x["action"] for x in recs] == ["deactivated"]
    assert_audit_meta(recs[0], adm.id)
    assert recs[0]["payload"] == {"changes": {"is_active": {"from": True,
                                                            "to": False}},
                                  "sessions_revoked": 2}
    # reactivation: signs in again; the old tokens stay dead
    since = last_audit_id(stack)
    assert_user(ok(adm.patch("/api/users/%s" % u.id, {"is_active": True})),
                is_active=True)
    recs = audit(stack, since)
    assert [x["action"] for x in recs] == ["activated"]
    assert recs[0]["payload"] == {"changes": {"is_active": {"from": False,
                                                            "to": True}},
                                  "sessions_revoked": 0}
    u3 = signed_in(stack, u.user)
    assert ok(u3.me())["is_active"] is True
    assert_error(u.me(), 401, REVOKED)


@pytest.mark.parametrize("body,action", [
    ({"is_active": False, "role": "client", "name": "All Three"},
     "deactivated"),
    ({"role": "admin", "name": "Role And Name"}, "role_changed"),
    ({"name": "Just Name", "email": None}, None),
])
def test_audit_action_precedence(stack, people, body, action):
    adm, t = people["admin"], new_user(stack, "agent")
    before = ok(adm.get("/api/users/%s" % t.id))
    since = last_audit_id(stack)
    r = adm.patch("/api/users/%s" % t.id, body)
    if action is None:       # email null is refused: nothing at all
        assert_validation(r, "email")
        assert audit(stack, since) == []
        return
    j = assert_user(ok(r))
    recs = audit(stack, since)
    assert [x["action"] for x in recs] == [action], recs
    want = {k: {"from": before[k], "to": j[k]} for k in body}
    assert recs[0]["payload"]["changes"] == want
    assert recs[0]["payload"]["sessions_revoked"] == (
        1 if action == "deactivated" else 0)


def test_reactivation_with_name_is_activated(stack, people):
    adm, t = people["admin"], new_user(stack)
    ok(adm.patch("/api/users/%s" % t.id, {"is_active": False}))
    since = last_audit_id(stack)
    ok(adm.patch("/api/users/%s" % t.id, {"is_active": True,
                                           "name": "Back Again"}))
    recs = audit(stack, since)
    assert [x["action"] for x in recs] == ["activated"]
    assert set(recs[0]["payload"]["changes"]) == {"is_active", "name"}


def test_admin_may_leave_while_another_admin_remains(stack, people):
    a, b = new_user(stack, "admin"), new_user(stack, "admin")
    assert_user(ok(a.patch("/api/users/%s" % a.id, {"role": "agent"})),
                role="agent")
    assert_error(a.get("/api/users"), 403, FORBIDDEN)
    since = last_audit_id(stack)
    r = b.patch("/api/users/%s" % b.id, {"is_active": False})
    assert_user(ok(r), is_active=False)
    assert_error(b.me(), 401, REVOKED)     # one's own session goes too
    recs = audit(stack, since)
    assert [x["action"] for x in recs] == ["deactivated"]
    assert recs[0]["payload"]["sessions_revoked"] == 1
    assert_audit_meta(recs[0], b.id)


# ------------------------------------------------------------- last admin

@pytest.fixture
def admins_only(stack):
    """Sets every active admin inactive (in SQL, sessions kept) for the
    test; the test then makes the admins it needs.  Restored after."""
    ids = [r[0] for r in stack.psql(
        "SELECT id FROM users WHERE role = 'admin' AND is_active")]
    if ids:
        stack.psql("UPDATE users SET is_active = false WHERE id IN (%s)"
                   % ",".join(ids))
    try:
        yield
    finally:
        if ids:
            stack.psql("UPDATE users SET is_active = true, role = 'admin' "
                       "WHERE id IN (%s)" % ",".join(ids))


def active_admins(st):
    return [r[0] for r in st.psql(
        "SELECT id FROM users WHERE role = 'admin' AND is_active ORDER BY id")]


def test_last_admin_cannot_leave(stack, admins_only):
    x = new_user(stack, "admin")
    assert active_admins(stack) == [x.id]
    before = row(stack, x.id)
    since = last_audit_id(stack)
    for body in ({"role": "agent"}, {"role": "client"},
                 {"is_active": False},
                 {"name": "Still Admin", "role": "client"},
                 {"role": "agent", "is_active": False}):
        assert_error(x.patch("/api/users/%s" % x.id, body), 409, LAST_ADMIN)
    assert row(stack, x.id) == before
    assert audit(stack, since) == []
    assert live_sessions(stack, x.id) == 1
    assert isinstance(ok(x.get("/api/users")), list)
    # still allowed: a no-op and a rename
    ok(x.patch("/api/users/%s" % x.id, {"role": "admin", "is_active": True}))
    assert_user(ok(x.patch("/api/users/%s" % x.id, {"name": "Sole Admin"})),
                name="Sole Admin", role="admin")


@pytest.mark.parametrize("how", [{"role": "agent"}, {"is_active": False}])
def test_two_admins_one_may_go_then_not_the_other(stack, admins_only, how):
    x, y = new_user(stack, "admin"), new_user(stack, "admin")
    assert active_admins(stack) == sorted([x.id, y.id], key=int)
    ok(x.patch("/api/users/%s" % y.id, how))
    assert active_admins(stack) == [x.id]
    for body in ({"role": "client"}, {"is_active": False}):
        assert_error(x.patch("/api/users/%s" % x.id, body), 409, LAST_ADMIN)
    assert active_admins(stack) == [x.id]
    assert isinstance(ok(x.get("/api/users")), list)


def test_inactive_admin_does_not_count(stack, admins_only):
    x, y = new_user(stack, "admin"), new_user(stack, "admin")
    ok(x.patch("/api/users/%s" % y.id, {"is_active": False}))
    # y is still an admin by role, but inactive: x is the last one
    assert row(stack, y.id)["role"] == "admin"
    assert_error(x.patch("/api/users/%s" % x.id, {"role": "client"}), 409,
                 LAST_ADMIN)
    # reactivating y makes room again
    ok(x.patch("/api/users/%s" % y.id, {"is_active": True}))
    ok(x.patch("/api/users/%s" % x.id, {"role": "agent"}))
    assert active_admins(stack) == [y.id]


@pytest.mark.parametrize("round_,how", [
    (0, {"role": "client"}), (1, {"is_active": False}),
    (2, {"role": "agent"}), (3, {"is_active": False})])
def test_two_admins_demote_each_other_at_once(stack, admins_only, round_,
                                             how):
    x, y = new_user(stack, "admin"), new_user(stack, "admin")
    # a second session each, so that the racing requests need no login
    xs, ys = signed_in(stack, x.user), signed_in(stack, y.user)
    barrier = threading.Barrier(2)
    out = {}

    def go(key, who, target):
        barrier.wait(timeout=30)
        out[key] = who.patch("/api/users/%s" % target, how)

    ts = [threading.Thread(target=go, args=("x", xs, y.id)),
          threading.Thread(target=go, args=("y", ys, x.id))]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    codes = sorted(out[k].status_code for k in ("x", "y"))
    assert codes[0] == 200 and codes[1] in (401, 403, 409), \
        {k: (v.status_code, v.text) for k, v in out.items()}
    left = active_admins(stack)
    assert len(left) == 1, left
    winner = "x" if out["x"].status_code == 200 else "y"
    assert left == [x.id if winner == "x" else y.id]


# ------------------------------------------------------------- password

def test_own_password_change(stack):
    u = new_user(stack, "client")
    others = [signed_in(stack, u.user), signed_in(stack, u.user)]
    assert live_sessions(stack, u.id) == 3
    old_hash = row(stack, u.id)["hash"]
    since = last_audit_id(stack)
    r = u.patch("/api/users/%s/password" % u.id,
                {"password": NEW_PW, "old_password": PASSWORD})
    assert ok(r) == {"message": "Password updated", "sessions_revoked": 2}
    for o in others:
        assert_error(o.me(), 401, REVOKED)
    assert ok(u.me())["id"] == u.id          # the current session is kept
    assert live_sessions(stack, u.id) == 1
    h = row(stack, u.id)["hash"]
    assert h != old_hash and h.startswith("$argon2id$")
    assert_error(login(stack, u.user["email"], PASSWORD), 401,
                 "Invalid email or password")
    assert login(stack, u.user["email"], NEW_PW).status_code == 200
    recs = audit(stack, since)
    assert [x["action"] for x in recs] == ["password_changed"]
    assert recs[0]["entity_id"] == u.id
    assert_audit_meta(recs[0], u.id)
    assert recs[0]["payload"] == {"by_admin": False, "sessions_revoked": 2}
    for secret in (PASSWORD, NEW_PW, "argon2", h):
        assert secret not in recs[0]["text"]
    assert secret_free_audit(stack, u.id)


def secret_free_audit(st, uid):
    """No audit row about the user holds a password or a hash anywhere."""
    rows = st.psql("SELECT coalesce(payload::text, '') || ' ' || "
                   "coalesce(user_agent, '') FROM audit_logs WHERE "
                   "entity_type = 'user' AND entity_id = %d" % int(uid))
    text = " ".join(r[0] for r in rows)
    for s in KNOWN_PASSWORDS + st.extra_passwords + ["$argon2"]:
        assert s not in text, s
    return True


@pytest.mark.parametrize("role,old", [
    ("client", None), ("client", "Wr0ng-Passw0rd"), ("agent", ""),
    ("agent", PASSWORD + " "), ("admin", None), ("admin", PASSWORD.lower())])
def test_own_password_needs_the_current_one(stack, role, old):
    u = new_user(stack, role)
    o = signed_in(stack, u.user)
    before = row(stack, u.id)
    since = last_audit_id(stack)
    body = {"password": NEW_PW}
    if old is not None:
        body["old_password"] = old
    r = u.patch("/api/users/%s/password" % u.id, body)
    if old == "" and r.status_code == 400:
        assert_validation(r, "old_password")
    else:
        assert_error(r, 401, BAD_OLD)
    assert row(stack, u.id) == before
    assert ok(o.me())["id"] == u.id
    assert audit(stack, since) == []
    assert login(stack, u.user["email"], PASSWORD).status_code == 200


def test_admin_resets_another_users_password(stack, people):
    adm, u = people["admin"], new_user(stack, "agent")
    u2 = signed_in(stack, u.user)
    adm_sessions = live_sessions(stack, adm.id)
    since = last_audit_id(stack)
    r = adm.patch("/api/users/%s/password" % u.id, {"password": OTHER_PW})
    assert ok(r) == {"message": "Password updated", "sessions_revoked": 2}
    for tok in (u, u2):
        assert_error(tok.me(), 401, REVOKED)
    assert live_sessions(stack, u.id) == 0
    assert live_sessions(stack, adm.id) == adm_sessions
    assert login(stack, u.user["email"], PASSWORD).status_code == 401
    assert login(stack, u.user["email"], OTHER_PW).status_code == 200
    recs = audit(stack, since)
    assert [x["action"] for x in recs] == ["password_changed"]
    assert recs[0]["entity_id"] == u.id
    assert_audit_meta(recs[0], adm.id)
    assert recs[0]["payload"] == {"by_admin": True, "sessions_revoked": 2}
    assert secret_free_audit(stack, u.id)


def test_admin_reset_ignores_a_wrong_old_password(stack, people):
    adm, u = people["admin"], new_user(stack)
    r = adm.patch("/api/users/%s/password" % u.id,
                  {"password": OTHER_PW, "old_password": "Wr0ng-one-here"})
    assert ok(r)["message"] == "Password updated"
    assert login(stack, u.user["email"], OTHER_PW).status_code == 200


def test_admin_own_password_needs_old(stack):
    a = new_user(stack, "admin")
    o = signed_in(stack, a.user)
    for body in ({"password": NEW_PW},
                 {"password": NEW_PW, "old_password": "Wr0ng-Passw0rd"}):
        assert_error(a.patch("/api/users/%s/password" % a.id, body), 401,
                     BAD_OLD)
    since = last_audit_id(stack)
    r = a.patch("/api/users/%s/password" % a.id,
                {"password": NEW_PW, "old_password": PASSWORD})
    assert ok(r) == {"message": "Password updated", "sessions_revoked": 1}
    assert_error(o.me(), 401, REVOKED)
    assert isinstance(ok(a.get("/api/users")), list)
    recs = audit(stack, since)
    assert recs[0]["payload"] == {"by_admin": False, "sessions_revoked": 1}
    assert_audit_meta(recs[0], a.id)


@pytest.mark.parametrize("pw,by", [
    ("Zq9xNo1", "self"), ("zq9xnotechoed1", "self"),
    ("ZQ9XNOTECHOED1", "self"), ("ZqxNotEchoedNoDigits", "self"),
    ("Aa1" + M + "x" * 113, "self"), (12345678, "self"), (True, "self"),
    ("Zq9xNo1", "admin"), ("zq9xnotechoed1", "admin"),
    ("Aa1" + M + "x" * 113, "admin")])
def test_password_policy(stack, people, pw, by):
    u = new_user(stack, "client")
    who = u if by == "self" else people["admin"]
    before = row(stack, u.id)
    since = last_audit_id(stack)
    r = who.patch("/api/users/%s/password" % u.id,
                  {"password": pw, "old_password": PASSWORD})
    assert_validation(r, "password")
    assert "zq9x" not in r.text.lower()
    assert row(stack, u.id) == before
    assert audit(stack, since) == []
    assert ok(u.me())["id"] == u.id


@pytest.mark.parametrize("body", [{}, {"old_password": PASSWORD},
                                  {"password": None,
                                   "old_password": PASSWORD},
                                  {"password": "", "old_password": PASSWORD}])
@pytest.mark.parametrize("by", ["self", "admin"])
def test_password_required(stack, people, body, by):
    u = new_user(stack, "agent")
    who = u if by == "self" else people["admin"]
    before = row(stack, u.id)
    r = who.patch("/api/users/%s/password" % u.id, body)
    if "password" in body and r.status_code == 400 and \
            r.json().get("error") == "Validation failed":
        assert_validation(r, "password")     # null or empty: either is fine
    else:
        assert_error(r, 400, NEED_PW)
    assert row(stack, u.id) == before


def test_password_raw_bodies(stack, people):
    u = new_user(stack)
    before = row(stack, u.id)
    r = u.patch("/api/users/%s/password" % u.id,
                raw='{"password":"%s","password":"%s","old_password":"%s"}'
                % (NEW_PW, OTHER_PW, PASSWORD))
    assert_error(r, 400, "Duplicate key in request body")
    r = u.patch("/api/users/%s/password" % u.id, raw='{"password":')
    assert_error(r, 400, "Malformed request body")
    assert row(stack, u.id) == before
    r = u.patch("/api/users/%s/password" % u.id,
                data={"password": NEW_PW, "old_password": PASSWORD})
    assert ok(r)["message"] == "Password updated"
    assert login(stack, u.user["email"], NEW_PW).status_code == 200


def test_non_admin_cannot_set_another_password(stack, people):
    for role in ("client", "agent"):
        u, t = new_user(stack, role), new_user(stack)
        before = row(stack, t.id)
        for body in ({"password": NEW_PW},
                     {"password": NEW_PW, "old_password": PASSWORD}):
            assert_error(u.patch("/api/users/%s/password" % t.id, body),
                         403, FORBIDDEN)
        assert row(stack, t.id) == before
        assert login(stack, t.user["email"], PASSWORD).status_code == 200


def test_zz_people_counters_equal_the_table(stack):
    """The dashboard's people (sql/011, kept by commit-time triggers)
    equal counting the accounts by role and state after this file's
    registrations, role changes, deactivations and reactivations."""
    bad = stack.psql(
        "SELECT coalesce(c.role, u.role), coalesce(c.is_active, u.is_active),"
        " c.n, u.n FROM user_counts c FULL JOIN (SELECT role, is_active,"
        " count(*) AS n FROM users GROUP BY 1, 2) u ON u.role = c.role AND"
        " u.is_active = c.is_active WHERE c.n IS DISTINCT FROM"
        " coalesce(u.n, 0)")
    assert bad == [], "counters off (role, active, counter, count): %s" % bad
    assert int(stack.psql_one("SELECT count(*) FROM users WHERE NOT"
                              " is_active")) > 0, "no deactivation seen"
