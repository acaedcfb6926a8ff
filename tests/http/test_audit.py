"""The audit log (issue 7; API.md §1, §2, §3 item 7; ORIGINAL.md §3.10;
SECURITY.md §1.11): who may read it, what is written, the admin's list,
filters and CSV export, the ticket trail without internal notes, the page,
and the hash chain (sql/007_audit_chain.sql) with its verifiers.

Every request here carries a User-Agent of its own (ua()), so the rows a
test caused are found by that value, and every row is checked to carry it
and the address nginx saw (127.0.0.1).

Runs on the session stack of conftest.py, except the tampering tests,
which break the chain on a private stack ("audit-tamper") and stop it at
the end.  Counts are compared with SQL run as the owner (Stack.psql); the
module makes no request between a call and the count it is compared with
that could write a row.
"""
import base64
import csv
import datetime
import hashlib
import hmac
import html
import io
import json as jsonlib
import re
import struct
import subprocess
import threading
import time
import uuid

import pytest

try:
    import psycopg2
except ImportError:     # stack.py falls back to psql; so do we, by skipping
    psycopg2 = None

import stack as stackmod
from conftest import CSRF_RE, PASSWORD, Browser, page, unique_email

JSON_CT = "application/json; charset=utf-8"
HTML_CT = "text/html; charset=utf-8"
CSV_CT = "text/csv; charset=utf-8"
FORBIDDEN = {"error": "Insufficient permissions"}
CSV_HEAD = ["id", "created_at", "action", "entity_type", "entity_id",
            "performed_by", "performer_name", "performer_email",
            "ip_address", "user_agent", "payload", "chain_seq", "row_hash"]
ROW_KEYS = {"id", "entity_type", "entity_id", "action", "performed_by",
            "payload", "ip_address", "user_agent", "created_at", "performer",
            "entity_label", "labels"}
ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
HEX64_RE = re.compile(r"^[0-9a-f]{64}$")
RUN = uuid.uuid4().hex[:8]
LOCAL_IP = "127.0.0.1"
# Sent with every API request: the address audited is the one nginx saw.
SPOOF = {"X-Forwarded-For": "203.0.113.7", "X-Real-IP": "203.0.113.8",
         "Forwarded": "for=203.0.113.9", "Client-IP": "203.0.113.10"}


def ua(tag):
    """A User-Agent no other request of the run sends."""
    return "ssts-audit-tests/%s %s-%s" % (RUN, tag, uuid.uuid4().hex[:10])


def q(s):
    """A SQL string literal."""
    return "'" + str(s).replace("'", "''") + "'"


def word(prefix="w"):
    return prefix + uuid.uuid4().hex[:12]


# ------------------------------------------------------------- clients

class Actor:
    """One API caller: a bearer token (or none) and a User-Agent.  No
    answer may be a 5xx."""

    def __init__(self, st, user=None, token=None, agent=None):
        self.st = st
        self.user = user or {}
        self.token = token
        self.ua = agent or ua("actor")
        self.s = st.session()

    @property
    def id(self):
        return str(self.user.get("id"))

    def using(self, agent):
        """The same caller (same token) with another User-Agent."""
        return Actor(self.st, self.user, self.token, agent)

    def request(self, method, path, body=None, params=None, **kw):
        h = dict(SPOOF, **{"User-Agent": self.ua})
        if self.token is not None:
            h["Authorization"] = "Bearer " + self.token
        h.update(kw.pop("headers", {}))
        r = self.s.request(method, self.st.url(path), json=body,
                           params=params, headers=h, allow_redirects=False,
                           timeout=30, **kw)
        assert r.status_code < 500, (method, path, r.status_code, r.text[:300])
        return r

    def get(self, path, params=None, **kw):
        return self.request("GET", path, params=params, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


def ok(r, status=200):
    assert r.status_code == status, (r.request.method, r.url, r.status_code,
                                     r.text[:500])
    assert r.headers.get("Content-Type") == JSON_CT, r.headers
    return r.json()


def error(r, status, body=None):
    j = ok(r, status)
    assert isinstance(j.get("error"), str), j
    if body is not None:
        assert j == body, j
    return j


def login(st, email, password, agent=None, code=None):
    body = {"email": email, "password": password}
    if code is not None:
        body["mfaToken"] = code
    return Actor(st, agent=agent).post("/api/auth/login", body)


def signed_in(st, email, password=PASSWORD, agent=None):
    j = ok(login(st, email, password, agent))
    return Actor(st, j["user"], j["token"], agent)


def register(st, role="client", name=None, agent=None):
    """A user registered through the API (staff promoted in SQL), signed in."""
    email = unique_email("aud-" + role)
    r = Actor(st, agent=agent).post("/api/auth/register", {
        "name": name or "%s %s" % (role.capitalize(), word()),
        "email": email, "password": PASSWORD})
    uid = ok(r, 201)["id"]
    if role != "client":
        st.psql("UPDATE users SET role = '%s' WHERE id = %d"
                % (role, int(uid)))
    a = signed_in(st, email, agent=agent)
    a.user.update(email=email, password=PASSWORD)
    return a


def browser(st, email, password=PASSWORD, agent=None):
    """A browser signed in through the /login form."""
    b = Browser(st)
    b.s.headers["User-Agent"] = agent or ua("browser")
    b.s.headers["Origin"] = st.origin
    b.s.headers["Sec-Fetch-Site"] = "same-origin"
    r = b.login(email, password)
    assert r.status_code == 303, (email, r.status_code, r.text[:300])
    return b


def new_ticket(actor, **extra):
    body = {"title": "Ticket " + word("t"), "description": "About " + word()}
    body.update(extra)
    return ok(actor.post("/api/tickets", body), 201)


def assign(admin, tid, agent_id):
    r = admin.post("/api/tickets/%s/assign" % tid, {"agent_id": agent_id})
    assert r.status_code in (200, 201), r.text


class People:
    def __init__(self, st):
        self.admin = signed_in(st, st.admin_email, st.admin_password)
        self.admin.user["password"] = st.admin_password
        self.client = register(st, "client", "Client Ada " + RUN)
        self.other = register(st, "client", "Client Bea " + RUN)
        self.agent = register(st, "agent", "Agent Cy " + RUN)
        self.agent2 = register(st, "agent", "Agent Di " + RUN)
        self.ticket = new_ticket(self.client)
        assign(self.admin, self.ticket["id"], self.agent.id)


@pytest.fixture(scope="module")
def people(stack):
    return People(stack)


@pytest.fixture(scope="module")
def pages(stack, people):
    """A signed-in browser for each role."""
    return {role: browser(stack, a.user["email"], a.user["password"])
            for role, a in (("client", people.client),
                            ("agent", people.agent),
                            ("admin", people.admin))}


def rows_of(st, agent):
    """Every audit row written with User-Agent agent, oldest first:
    dicts of the columns (NULL as "") and the payload parsed."""
    keys = ["id", "action", "entity_type", "entity_id", "performed_by",
            "ip_address", "user_agent", "payload"]
    out = []
    for r in st.psql("SELECT id, action, entity_type, coalesce(entity_id::text"
                     ", ''), coalesce(performed_by::text, ''), coalesce("
                     "ip_address, ''), coalesce(user_agent, ''), coalesce("
                     "payload::text, 'null') FROM audit_logs WHERE user_agent"
                     " = %s ORDER BY id" % q(agent)):
        d = dict(zip(keys, r))
        d["payload"] = jsonlib.loads(d["payload"])
        out.append(d)
    return out


def csrf_of(text):
    m = CSRF_RE.search(text)
    assert m and m.group(1), "no csrf field"
    return m.group(1)


# ------------------------------------------------------------- TOTP

def totp(secret, when=None):
    """RFC 6238: the 6-digit SHA-1 code of base32 secret, 30 s steps."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    step = int(time.time() if when is None else when) // 30
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    off = mac[-1] & 15
    n = struct.unpack(">I", mac[off:off + 4])[0] & 0x7fffffff
    return "%06d" % (n % 1000000)


# ------------------------------------------------------------- 1. who

AUDIT_API = ["/api/audit", "/api/audit/export.csv", "/api/audit/verify"]
AUDIT_PAGES = ["/admin/audit", "/admin/audit/export.csv"]


def test_anonymous_is_refused_everywhere(stack, people):
    anon = Actor(stack)
    for path in AUDIT_API + ["/api/audit/ticket/%s" % people.ticket["id"]]:
        error(anon.get(path), 401)
    for path in AUDIT_PAGES:
        r = anon.get(path)
        assert r.status_code == 303, (path, r.status_code)
        assert r.headers["Location"] == "/login?next=" + path
    b = Browser(stack)
    r = b.post("/admin/audit/verify", {"csrf": b.csrf("/login")},
               headers={"Origin": stack.origin})
    assert r.status_code == 303 and r.headers["Location"] == "/login", \
        (r.status_code, r.headers.get("Location"))
    assert rows_of(stack, anon.ua) == []


@pytest.mark.parametrize("role", ["client", "agent"])
def test_client_and_agent_are_refused_the_log(stack, people, pages, role):
    a = getattr(people, role)
    for path in AUDIT_API:
        error(a.get(path), 403, FORBIDDEN)
    b = pages[role]
    for path in AUDIT_PAGES:
        r = b.get(path)
        assert r.status_code == 403, (role, path, r.status_code)
        assert "Audit log" not in r.text and "row_hash" not in r.text
    token = b.csrf("/account")
    r = b.post("/admin/audit/verify", {"csrf": token})
    assert r.status_code == 403, (r.status_code, r.text[:300])
    assert "The chain verifies" not in r.text


def test_admin_reads_everything(stack, people, pages):
    a = people.admin
    j = ok(a.get("/api/audit"))
    assert set(j) == {"logs", "total", "page", "limit"}, j
    assert ok(a.get("/api/audit/verify"))["ok"] is True
    r = a.get("/api/audit/export.csv")
    assert r.status_code == 200 and r.headers["Content-Type"] == CSV_CT
    assert isinstance(ok(a.get("/api/audit/ticket/%s"
                                % people.ticket["id"])), list)
    assert "<h1>Audit log</h1>" in page(pages["admin"], "/admin/audit")
    r = pages["admin"].get("/admin/audit/export.csv")
    assert r.status_code == 200 and r.headers["Content-Type"] == CSV_CT


@pytest.mark.parametrize("who,status", [
    ("client", 200), ("other", 404), ("agent", 200), ("agent2", 404),
    ("admin", 200)])
def test_ticket_trail_readers(people, who, status):
    r = getattr(people, who).get("/api/audit/ticket/%s" % people.ticket["id"])
    if status == 200:
        rows = ok(r)
        assert [x["action"] for x in rows][-1] == "created", rows
    else:
        error(r, 404, {"error": "Ticket not found"})


# ------------------------------------------------------------- 2. refusals

DENIED = [
    # (who, method, path, body, route pattern)
    ("client", "GET", "/api/users", None, "/api/users"),
    ("agent page", "GET", "/admin/users", None, "/admin/users"),
    ("client", "POST", "/api/categories", {"name": "x"}, "/api/categories"),
    ("client", "PATCH", "/api/categories/1", {"name": "x"},
     "/api/categories/:id"),
    ("agent", "GET", "/api/audit", None, "/api/audit"),
    ("agent page", "GET", "/admin/audit/export.csv", None,
     "/admin/audit/export.csv"),
    ("client page", "POST", "/admin/audit/verify", {}, "/admin/audit/verify"),
    ("client", "DELETE", "/api/priorities/1", None, "/api/priorities/:id"),
]


@pytest.mark.parametrize("who,method,path,body,route", DENIED)
def test_refusal_writes_one_access_denied_row(stack, people, pages, who,
                                              method, path, body, route):
    """API refusals with a bearer token, page ones with the cookie (and a
    valid csrf token of that session for a POST)."""
    role, _, kind = who.partition(" ")
    a = getattr(people, role).using(ua("denied"))
    if kind == "page":
        b = pages[role]
        h = {"User-Agent": a.ua}
        if method == "POST":
            body = {"csrf": b.csrf("/account")}
        r = b.s.request(method, stack.url(path), data=body, headers=h,
                        allow_redirects=False, timeout=30)
    else:
        r = a.request(method, path, body)
    assert r.status_code == 403, (r.status_code, r.text[:200])
    rows = rows_of(stack, a.ua)
    assert len(rows) == 1, rows
    x = rows[0]
    assert (x["action"], x["entity_type"], x["entity_id"],
            x["performed_by"], x["ip_address"], x["user_agent"]) == \
        ("access_denied", "user", a.id, a.id, LOCAL_IP, a.ua), x
    assert x["payload"] == {"method": method, "route": route,
                            "required": "admin", "role": role}, x


def test_user_agent_is_bounded_and_printable(stack, people):
    """The User-Agent is the client's: stored printable ASCII only, at
    most 511 characters, and never the spoofed forwarding headers' IP."""
    before = int(stack.psql_one("SELECT max(id) FROM audit_logs"))
    agent = "Mozilla/5.0 (\u00e9\u00e8) tab\there " + "x" * 2000
    error(people.client.using(agent).get("/api/users"), 403, FORBIDDEN)
    got = stack.psql("SELECT user_agent, ip_address FROM audit_logs WHERE "
                     "id > %d AND performed_by = %s AND action = "
                     "'access_denied'" % (before, people.client.id))
    want = ("Mozilla/5.0 (??) tab?here " + "x" * 2000)[:511]
    assert got == [[want, LOCAL_IP]], got


def test_allowed_and_anonymous_requests_write_no_refusal(stack, people):
    agent = ua("allowed")
    people.admin.using(agent).get("/api/users")
    people.client.using(agent).get("/api/users/me")
    error(Actor(stack, agent=agent).get("/api/users"), 401)
    assert rows_of(stack, agent) == []


# ------------------------------------------------------------- 3. what

def test_every_action_is_audited_once_with_where_from(stack, people):
    """Drives every audited action with one User-Agent, then compares the
    rows it left with the list expected, in order; no payload holds a
    password, a token, the TOTP secret, a code or a recovery code."""
    U = ua("complete")
    anon = Actor(stack, agent=U)
    adm = people.admin.using(U)
    admin_id = adm.id
    pw1, pw2, pw3, pw4 = ("Audit-Pw1-" + RUN, "Audit-Pw2-" + RUN,
                          "Audit-Pw3-" + RUN, "Audit-Pw4-" + RUN)
    wrong = "Wr0ng-Pass-" + RUN
    secrets_ = [pw1, pw2, pw3, pw4, wrong]
    exp = []

    def want(action, etype, eid, by):
        exp.append((action, etype, str(eid), "" if by is None else str(by)))

    # accounts
    email = unique_email("aud-complete")
    uid = ok(anon.post("/api/auth/register", {
        "name": "Complete " + RUN, "email": email,
        "password": pw1}), 201)["id"]
    want("registered", "user", uid, uid)
    error(anon.post("/api/auth/login", {"email": email, "password": wrong}),
          401)
    want("login_failed", "user", uid, None)
    j = ok(anon.post("/api/auth/login", {"email": email, "password": pw1}))
    u = Actor(stack, j["user"], j["token"], U)
    secrets_.append(j["token"])
    want("login_success", "user", uid, uid)

    # tickets, comments, attachments
    t = new_ticket(u)
    tid = t["id"]
    want("created", "ticket", tid, uid)
    ok(u.patch("/api/tickets/%s" % tid, {"title": "Renamed " + RUN}))
    want("updated", "ticket", tid, uid)
    assign(adm, tid, people.agent.id)
    want("assigned", "ticket", tid, admin_id)
    ok(u.post("/api/tickets/%s/comments" % tid, {"message": "hello"}), 201)
    want("commented", "ticket", tid, uid)
    r = u.s.post(stack.url("/api/attachments"),
                 headers={"Authorization": "Bearer " + u.token,
                          "User-Agent": U},
                 data={"ticket_id": tid},
                 files={"file": ("notes.txt", b"some notes\n", "text/plain")},
                 timeout=30)
    aid = ok(r, 201)["id"]
    want("attachment_uploaded", "ticket", tid, uid)
    r = u.get("/api/attachments/%s/download" % aid)
    assert r.status_code == 200 and r.content == b"some notes\n"
    want("attachment_downloaded", "ticket", tid, uid)

    # users, by the admin
    nid = ok(adm.post("/api/users", {
        "name": "Made " + RUN, "email": unique_email("aud-made"),
        "password": pw2, "role": "client"}), 201)["id"]
    want("created", "user", nid, admin_id)
    path = "/api/users/%s" % nid
    ok(adm.patch(path, {"name": "Remade " + RUN}))
    want("updated", "user", nid, admin_id)
    ok(adm.patch(path, {"role": "agent"}))
    want("role_changed", "user", nid, admin_id)
    ok(adm.patch(path, {"is_active": False}))
    want("deactivated", "user", nid, admin_id)
    ok(adm.patch(path, {"is_active": True}))
    want("activated", "user", nid, admin_id)
    ok(adm.patch(path + "/password", {"password": pw3}))
    want("password_changed", "user", nid, admin_id)
    ok(u.patch("/api/users/%s/password" % uid,
               {"old_password": pw1, "password": pw4}))
    want("password_changed", "user", uid, uid)

    # categories and priorities
    for kind, body, change in (
            ("categories", {"name": "Cat " + RUN, "description": "d"},
             {"name": "Cat2 " + RUN}),
            ("priorities", {"name": "Pri " + RUN, "rank": 77},
             {"rank": 78})):
        etype = kind[:-3] + "y"
        cid = ok(adm.post("/api/" + kind, body), 201)["id"]
        want("created", etype, cid, admin_id)
        ok(adm.patch("/api/%s/%s" % (kind, cid), change))
        want("updated", etype, cid, admin_id)
        r = adm.delete("/api/%s/%s" % (kind, cid))
        assert r.status_code in (200, 204), r.text
        want("deleted", etype, cid, admin_id)

    # MFA: set up, a wrong code, enable, a recovery-code sign-in, disable
    secret = ok(u.post("/api/auth/mfa/setup"))["secret"]
    secrets_.append(secret)
    want("mfa_setup", "user", uid, uid)
    valid = {totp(secret, time.time() + k * 30) for k in range(-1, 3)}
    bad = next(c for c in ("000000", "111111", "222222") if c not in valid)
    error(u.post("/api/auth/mfa/enable", {"token": bad}), 401)
    want("mfa_failed", "user", uid, uid)
    code = totp(secret)
    secrets_.append(code)
    codes = ok(u.post("/api/auth/mfa/enable", {"token": code}))[
        "recovery_codes"]
    secrets_ += codes + [c.replace("-", "") for c in codes]
    want("mfa_enabled", "user", uid, uid)
    error(login(stack, email, pw4, U, bad), 401)
    want("login_failed", "user", uid, None)
    j = ok(login(stack, email, pw4, U, codes[0]))
    secrets_.append(j["token"])
    want("login_success", "user", uid, uid)
    want("mfa_recovery_used", "user", uid, uid)
    ok(u.post("/api/auth/mfa/disable", {"password": pw4,
                                        "mfaToken": codes[1]}))
    want("mfa_disabled", "user", uid, uid)

    # sessions: revoke one, refused by role, sign out everywhere, log out
    j = ok(login(stack, email, pw4, U))
    secrets_.append(j["token"])
    want("login_success", "user", uid, uid)
    other = [s for s in ok(u.get("/api/auth/sessions"))["sessions"]
             if not s["current"]]
    assert len(other) == 1, other
    r = u.delete("/api/auth/sessions/%s" % other[0]["id"])
    assert r.status_code in (200, 204), r.text
    want("session_revoked", "user", uid, uid)
    error(u.get("/api/users"), 403, FORBIDDEN)
    want("access_denied", "user", uid, uid)
    ok(u.post("/api/auth/logout-all"))
    want("logout_all", "user", uid, uid)
    j = ok(login(stack, email, pw4, U))
    secrets_.append(j["token"])
    want("login_success", "user", uid, uid)
    ok(Actor(stack, j["user"], j["token"], U).post("/api/auth/logout"))
    want("logout", "user", uid, uid)

    # the pages: sign in and out
    b = browser(stack, email, pw4, U)
    want("login_success", "user", uid, uid)
    r = b.post("/logout", {"csrf": b.csrf("/account")})
    assert r.status_code == 303, r.status_code
    want("logout", "user", uid, uid)

    rows = rows_of(stack, U)
    got = [(x["action"], x["entity_type"], x["entity_id"], x["performed_by"])
           for x in rows]
    assert got == exp, "\n".join("%-40s %s" % (g, e) for g, e in
                                 zip(got + [None] * len(exp),
                                     exp + [None] * len(got)))
    for x in rows:
        assert (x["ip_address"], x["user_agent"]) == (LOCAL_IP, U), x

    by_action = {}
    for x in rows:
        by_action.setdefault(x["action"], []).append(x["payload"])
    factors = [p.get("factor") for p in by_action["login_success"]]
    assert factors == ["password", "recovery_code", "password", "password",
                       "password"], factors
    assert by_action["login_failed"][0]["reason"] == "invalid_password"
    assert by_action["login_failed"][1]["reason"] == "invalid_mfa_token"
    upd = by_action["updated"][0]["changes"]["title"]
    assert upd == {"from": t["title"], "to": "Renamed " + RUN}, upd
    role = [p for p in by_action["role_changed"]][0]["changes"]["role"]
    assert role == {"from": "client", "to": "agent"}, role

    # no secret in any payload (codes as whole numbers, not digits of ids)
    text = "\n".join(r[0] for r in stack.psql(
        "SELECT coalesce(payload::text, '') || ' ' || coalesce(user_agent, "
        "'') FROM audit_logs"))
    for s in secrets_:
        if re.fullmatch(r"\d{6}", s):
            assert not re.search(r"(?<!\d)%s(?!\d)" % s, "\n".join(
                jsonlib.dumps(x["payload"]) for x in rows)), s
        else:
            assert s.lower() not in text.lower(), s
    assert "eyJ" not in text
    assert [p["by_admin"] for p in by_action["password_changed"]] == \
        [True, False]
    for p in by_action["password_changed"] + by_action["created"]:
        assert "password" not in jsonlib.dumps(p).lower(), p


# ------------------------------------------------------------- 4. filters

def api_list(adm, **params):
    j = ok(adm.get("/api/audit", params=params))
    assert set(j) == {"logs", "total", "page", "limit"}, j
    for x in j["logs"]:
        assert set(x) == ROW_KEYS, x
        assert ISO_RE.match(x["created_at"]), x
    return j


def sql_where(entity_type=None, entity_id=None, action=None, user_id=None,
              since=None, until=None):
    c = ["true"]
    if entity_type:
        c.append("entity_type = %s" % q(entity_type))
    if entity_id:
        c.append("entity_id = %d" % int(entity_id))
    if action:
        c.append("action = %s" % q(action))
    if user_id:
        c.append("performed_by = %d" % int(user_id))
    if since:
        c.append("created_at >= %s::timestamptz" % q(since))
    if until:
        c.append("created_at <= %s::timestamptz" % q(until))
    return " AND ".join(c)


def sql_ids(st, where, limit=50, offset=0):
    return [r[0] for r in st.psql(
        "SELECT id FROM audit_logs WHERE %s ORDER BY created_at DESC, id DESC"
        " LIMIT %d OFFSET %d" % (where, limit, offset))]


def sql_count(st, where):
    return int(st.psql_one("SELECT count(*) FROM audit_logs WHERE " + where))


def check_list(st, adm, params, where, page_=1, limit=50):
    j = api_list(adm, **params)
    assert (j["total"], j["page"], j["limit"]) == \
        (sql_count(st, where), page_, limit), (params, j["total"])
    assert [x["id"] for x in j["logs"]] == \
        sql_ids(st, where, limit, (page_ - 1) * limit), params
    return j


def utc_day(offset=0):
    return (datetime.datetime.now(datetime.timezone.utc).date() +
            datetime.timedelta(days=offset)).isoformat()


def test_filters_alone_and_combined_match_sql(stack, people):
    st, adm = stack, people.admin
    tid = people.ticket["id"]
    cid, aid = people.client.id, people.admin.id
    today, tomorrow, yesterday = utc_day(), utc_day(1), utc_day(-1)
    day_start = today + " 00:00:00+00"
    day_end = today + " 23:59:59.999999+00"
    cases = [
        ({}, {}),
        ({"entity_type": "ticket"}, {"entity_type": "ticket"}),
        ({"entity_type": "user"}, {"entity_type": "user"}),
        ({"entity_id": tid}, {"entity_id": tid}),
        ({"action": "login_success"}, {"action": "login_success"}),
        ({"action": "access_denied"}, {"action": "access_denied"}),
        ({"user_id": cid}, {"user_id": cid}),
        ({"user_id": aid}, {"user_id": aid}),
        ({"from": today}, {"since": day_start}),
        ({"to": today}, {"until": day_end}),
        ({"from": today, "to": today}, {"since": day_start,
                                        "until": day_end}),
        ({"from": tomorrow}, {"since": tomorrow + " 00:00:00+00"}),
        ({"to": yesterday}, {"until": yesterday + " 23:59:59.999999+00"}),
        ({"entity_type": "ticket", "entity_id": tid, "action": "assigned",
          "user_id": aid, "from": today, "to": today},
         {"entity_type": "ticket", "entity_id": tid, "action": "assigned",
          "user_id": aid, "since": day_start, "until": day_end}),
        ({"entity_type": "user", "user_id": cid, "action": "login_success"},
         {"entity_type": "user", "user_id": cid, "action": "login_success"}),
        # a type or action nobody writes matches nothing; no error
        ({"entity_type": "nothing"}, {"entity_type": "nothing"}),
        ({"action": "never_done"}, {"action": "never_done"}),
    ]
    for params, where in cases:
        check_list(st, adm, params, sql_where(**where))
    assert api_list(adm, entity_type="ticket", entity_id=tid,
                    action="assigned", user_id=aid)["total"] == 1
    assert api_list(adm, **{"from": tomorrow})["total"] == 0
    assert api_list(adm, **{"to": today})["total"] == sql_count(st, "true")


def test_times_match_sql(stack, people):
    """from/to with a time (seconds, milliseconds): compared with the
    same instants in SQL; "from" is the first microsecond of what it
    names, "to" the last (of that second, or of that millisecond)."""
    st, adm = stack, people.admin
    n = sql_count(st, "true")
    mid = st.psql("SELECT id, to_char(created_at AT TIME ZONE 'UTC', "
                  "'YYYY-MM-DD\"T\"HH24:MI:SS'), to_char(created_at AT TIME "
                  "ZONE 'UTC', 'MS') FROM audit_logs ORDER BY created_at, id "
                  "OFFSET %d LIMIT 1" % (n // 2))[0]
    rid, sec, ms = mid
    for v, first, last in (
            (sec + "Z", sec + "+00", sec + ".999999+00"),
            (sec + "." + ms + "Z", sec + "." + ms + "+00",
             sec + "." + ms + "999+00")):
        check_list(st, adm, {"from": v}, sql_where(since=first))
        check_list(st, adm, {"to": v}, sql_where(until=last))
        check_list(st, adm, {"from": v, "to": v},
                   sql_where(since=first, until=last))


def test_to_includes_the_row_shown_at_that_time(people):
    """"to" is inclusive: a row's created_at as the API shows it (to the
    millisecond), given as "to", keeps that row, as a date keeps its day."""
    adm = people.admin
    shown = api_list(adm, entity_id=people.ticket["id"],
                     entity_type="ticket")["logs"]
    assert shown
    for x in shown:
        ids = [y["id"] for y in api_list(
            adm, entity_type="ticket", entity_id=people.ticket["id"],
            to=x["created_at"])["logs"]]
        assert x["id"] in ids, ("to=%s leaves out the row shown at that "
                                "time" % x["created_at"], x["id"], ids)


def test_pagination_newest_first(stack, people):
    st, adm = stack, people.admin
    # enough rows of one user for three pages of 7
    a = people.other.using(ua("pages"))
    for _ in range(17):
        a.get("/api/users")
    where = sql_where(user_id=a.id, action="access_denied")
    params = {"user_id": a.id, "action": "access_denied"}
    total = sql_count(st, where)
    assert total >= 17
    seen = []
    for p in range(1, (total + 6) // 7 + 2):
        j = check_list(st, adm, dict(params, page=p, limit=7), where, p, 7)
        seen += [x["id"] for x in j["logs"]]
        stamps = [x["created_at"] for x in j["logs"]]
        assert stamps == sorted(stamps, reverse=True)
    assert seen == sql_ids(st, where, 1000) and len(set(seen)) == total
    assert j["logs"] == []      # the page after the last one
    check_list(st, adm, {"limit": 100}, "true", 1, 100)
    check_list(st, adm, {"limit": 1, "page": 3}, "true", 3, 1)
    # newest first across the whole log, ids break ties
    j = api_list(adm, limit=100)
    keys = [(x["created_at"], int(x["id"])) for x in j["logs"]]
    assert keys == sorted(keys, reverse=True)


BAD_FILTERS = [
    ("entity_type=Ticket!", "entity_type"),
    ("entity_id=abc", "entity_id"),
    ("entity_id=0", "entity_id"),
    ("entity_id=-3", "entity_id"),
    ("entity_id=99999999999999999999", "entity_id"),
    ("action=x%20y", "action"),
    ("user_id=-1", "user_id"),
    ("user_id=1.5", "user_id"),
    ("from=2026-02-30", "from"),
    ("from=2026-13-01", "from"),
    ("from=yesterday", "from"),
    ("from=2026-01-01T25:00:00Z", "from"),
    ("from=2026-01-01T10:00:00", "from"),
    ("to=2026-01-01T10:00:00%2B01:00", "to"),
    ("to=2026-1-1", "to"),
    ("from=2026-03-02&to=2026-03-01", "to"),
    ("from=2026-03-01T10:00:00Z&to=2026-03-01T09:59:59Z", "to"),
    ("page=0", "page"),
    ("page=-1", "page"),
    ("page=x", "page"),
    ("limit=101", "limit"),
    ("limit=0", "limit"),
    ("action=created&action=updated", "action"),
    ("user_id=1&user_id=1", "user_id"),
]


@pytest.mark.parametrize("qs,field", BAD_FILTERS)
def test_bad_filter_is_a_validation_error(people, qs, field):
    for path in ("/api/audit", "/api/audit/export.csv"):
        r = people.admin.get(path + "?" + qs)
        j = ok(r, 400)
        assert j["error"] == "Validation failed" and set(j) == \
            {"error", "details"}, j
        assert [d["path"] for d in j["details"]] == [field], j
        assert all(set(d) == {"path", "msg"} and d["msg"] for d in
                   j["details"]), j
        for v in ("Ticket!", "x y", "yesterday", "2026-02-30", "25:00"):
            if v in qs.replace("%20", " "):
                assert v not in r.text, r.text


PAGE_INPUTS = {"entity_type": "f-type", "entity_id": "f-id",
               "action": "f-action", "user_id": "f-user", "from": "f-from",
               "to": "f-to"}


@pytest.mark.parametrize("qs,field", [
    ("entity_id=abc", "entity_id"), ("action=x%20y", "action"),
    ("user_id=-1", "user_id"), ("from=yesterday", "from"),
    ("from=2026-03-02&to=2026-03-01", "to"), ("entity_type=Ticket!",
                                              "entity_type"),
    ("page=0", "page")])
def test_bad_filter_page_shows_the_field_and_keeps_values(pages, qs, field):
    b = pages["admin"]
    text = page(b, "/admin/audit?" + qs, 400)
    assert "Some filters are not valid" in text
    if field == "page":
        assert 'id="page-error"' in text
    else:
        fid = PAGE_INPUTS[field]
        assert 'id="%s-error"' % fid in text, text[:2000]
        assert re.search(r'id="%s"[^>]*aria-invalid="true"' % fid, text)
    for kv in qs.split("&"):
        k, v = kv.split("=")
        v = v.replace("%20", " ")
        if k == "entity_type":
            assert '<option value="%s" selected>' % html.escape(v) in text
        elif k != "page":
            assert 'value="%s"' % html.escape(v) in text, (k, v)
    assert "<table" not in text
    r = b.get("/admin/audit/export.csv?" + qs)
    assert r.status_code == 400 and r.headers["Content-Type"] == HTML_CT


def test_limit_on_the_page(pages):
    """The page shows 50 a page whatever limit says: a bad limit is
    ignored, and not carried into the verify form."""
    for q in ["limit=101", "limit=abc", "limit=5"]:
        r = pages["admin"].get("/admin/audit?" + q)
        assert r.status_code == 200, (q, r.status_code)
        assert "Some filters are not valid" not in r.text
        assert 'name="limit"' not in r.text, q


# ------------------------------------------------------------- 5. notes

def test_clients_never_see_internal_note_rows(stack, people):
    canary = word("canary")
    t = new_ticket(people.client)
    tid = t["id"]
    assign(people.admin, tid, people.agent.id)
    ok(people.agent.post("/api/tickets/%s/comments" % tid,
                         {"message": "internal " + canary,
                          "is_internal": True}), 201)
    ok(people.agent.post("/api/tickets/%s/comments" % tid,
                         {"message": "public reply"}), 201)
    path = "/api/audit/ticket/%s" % tid
    r = people.client.get(path)
    rows = ok(r)
    assert canary not in r.text
    assert [x["action"] for x in rows] == ["commented", "assigned",
                                           "created"], rows
    assert rows[0]["payload"]["is_internal"] is False
    for who in (people.agent, people.admin):
        r = who.get(path)
        staff = ok(r)
        assert canary in r.text
        assert [x["action"] for x in staff] == [
            "commented", "commented", "assigned", "created"], staff
        assert staff[1]["payload"]["is_internal"] is True
    # and the admin's log has it too
    j = api_list(people.admin, entity_type="ticket", entity_id=tid,
                 action="commented")
    assert j["total"] == 2 and canary in jsonlib.dumps(j)


# ------------------------------------------------------------- 6. chain

def chain_head(st):
    return st.psql("SELECT c.seq::text, encode(c.row_hash, 'hex') FROM "
                   "audit_chain c ORDER BY c.seq DESC LIMIT 1")[0]


def assert_chain_whole(st, adm):
    v = ok(adm.get("/api/audit/verify"))
    n = sql_count(st, "true")
    seq, h = chain_head(st)
    assert v == {"ok": True, "links": n, "head": {"seq": seq, "hash": h}}, \
        (v, n, seq)
    assert int(seq) == n
    stats = st.psql("SELECT count(*), min(seq), max(seq), count(DISTINCT "
                    "audit_id) FROM audit_chain")[0]
    assert stats == [str(n), "1", str(n), str(n)], stats
    assert st.psql_one("SELECT count(*) FROM audit_logs a WHERE NOT EXISTS "
                       "(SELECT 1 FROM audit_chain c WHERE c.audit_id = "
                       "a.id)") == "0"
    # each link follows the previous one
    assert st.psql_one("SELECT count(*) FROM audit_chain c JOIN audit_chain "
                       "p ON p.seq = c.seq - 1 WHERE c.prev_hash <> "
                       "p.row_hash") == "0"
    return v


def test_chain_verifies_after_everything(stack, people):
    assert_chain_whole(stack, people.admin)


def test_concurrent_writes_chain_in_commit_order(stack, people):
    before = sql_count(stack, "true")
    agent = ua("burst")
    a = people.client.using(agent)
    out, gate = [None] * 20, threading.Barrier(20)

    def run(i):
        gate.wait()
        out[i] = a.post("/api/tickets", {"title": "Burst %d %s" % (i, RUN),
                                         "description": "at once"})
    ts = [threading.Thread(target=run, args=(i,)) for i in range(20)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    assert [r.status_code for r in out] == [201] * 20
    rows = rows_of(stack, agent)
    assert len(rows) == 20 and {x["action"] for x in rows} == {"created"}
    assert sql_count(stack, "true") == before + 20
    assert_chain_whole(stack, people.admin)


def app_connection(st):
    url = subprocess.run([stackmod.PG_SH, "url"], env=st.env,
                         cwd=stackmod.ROOT, stdout=subprocess.PIPE,
                         text=True, check=True).stdout.strip()
    conn = psycopg2.connect(url)
    conn.autocommit = True
    return conn


@pytest.mark.skipif(psycopg2 is None, reason="python3-psycopg2 missing")
def test_app_role_cannot_change_the_trail(stack, people):
    before = stack.psql("SELECT md5(string_agg(a::text, ',' ORDER BY id)) "
                        "FROM audit_logs a")
    conn = app_connection(stack)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT current_user")
            assert cur.fetchone()[0] == "ssts_app"
            for sql in (
                    "UPDATE audit_logs SET action = 'x' WHERE id = "
                    "(SELECT max(id) FROM audit_logs)",
                    "DELETE FROM audit_logs WHERE id = (SELECT max(id) "
                    "FROM audit_logs)",
                    "TRUNCATE audit_logs",
                    "UPDATE audit_chain SET row_hash = prev_hash WHERE seq"
                    " = 1",
                    "DELETE FROM audit_chain WHERE seq = (SELECT max(seq) "
                    "FROM audit_chain)",
                    "TRUNCATE audit_chain",
                    "ALTER TABLE audit_logs DISABLE TRIGGER "
                    "audit_logs_no_update_delete",
                    "SET session_replication_role = replica"):
                with pytest.raises(psycopg2.Error) as e:
                    cur.execute(sql)
                assert e.value.pgcode in ("42501",), (sql, e.value.pgcode,
                                                      str(e.value))
    finally:
        conn.close()
    after = stack.psql("SELECT md5(string_agg(a::text, ',' ORDER BY id)) "
                       "FROM audit_logs a")
    assert before == after


# ------------------------------------------------------------- 6b. tamper

def verify_cli(st):
    p = subprocess.run([stackmod.STACK_SH, "audit-verify"], env=st.env,
                       cwd=stackmod.ROOT, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=60)
    return p.returncode, p.stdout.strip()


@pytest.fixture(scope="module", autouse=True)
def tamper_boot():
    """Starts the private stack in the background as the module begins (it
    takes a while, mostly waiting), so that it is up when the tampering
    tests run; stopped when the module ends."""
    box = {}

    def boot():
        try:
            box["stack"] = stackmod.start_stack("audit-tamper")
        except Exception as e:     # raised again where it is needed
            box["error"] = e
    t = threading.Thread(target=boot, daemon=True)
    t.start()
    try:
        yield (t, box)
    finally:
        t.join(stackmod.START_TIMEOUT + 30)
        if "stack" in box:
            box["stack"].stop()


@pytest.fixture(scope="module")
def tamper(tamper_boot):
    t, box = tamper_boot
    t.join(stackmod.START_TIMEOUT + 30)
    if "error" in box:
        raise box["error"]
    st = box["stack"]
    st.adm = signed_in(st, st.admin_email, st.admin_password)
    for _ in range(3):
        register(st)
    return st


def broken(st, seq, audit_id, links, reason, cli=True):
    v = ok(st.adm.get("/api/audit/verify"))
    assert v == {"ok": False, "links": links, "broken": {
        "seq": str(seq), "audit_id": str(audit_id), "reason": reason}}, v
    if not cli:
        return v
    rc, out = verify_cli(st)
    assert rc == 1, (rc, out)
    assert "BROKEN at link %d (audit row %s): %s" % (seq, audit_id,
                                                     reason) in out, out
    return v


def whole(st, cli=True):
    v = ok(st.adm.get("/api/audit/verify"))
    assert v["ok"] is True, v
    seq, h = chain_head(st)
    assert v["head"] == {"seq": seq, "hash": h}
    assert v["links"] == sql_count(st, "true")
    if not cli:
        return v
    rc, out = verify_cli(st)
    assert rc == 0, (rc, out)
    assert out.endswith("audit chain ok: %d links, head %s %s"
                        % (v["links"], seq, h)), out
    return v


def link(st, seq):
    return st.psql("SELECT audit_id::text, encode(prev_hash, 'hex'), "
                   "encode(row_hash, 'hex') FROM audit_chain WHERE seq = %d"
                   % seq)[0]


def test_tamper_clean_stack_verifies(tamper):
    v = whole(tamper)
    assert v["links"] == sql_count(tamper, "true") >= 5


def test_tamper_a_changed_row(tamper):
    st = tamper
    n = whole(st)["links"]
    k = n // 2
    aid = link(st, k)[0]
    cols = "payload::text, created_at::text, coalesce(ip_address, 'NULL')"
    saved = st.psql("SELECT %s FROM audit_logs WHERE id = %s" % (cols, aid))
    for i, change in enumerate((
                   "payload = '{\"tampered\": true}'",
                   "created_at = created_at + interval '1 microsecond'",
                   "ip_address = '10.0.0.1'")):
        st.psql("ALTER TABLE audit_logs DISABLE TRIGGER "
                "audit_logs_no_update_delete")
        try:
            st.psql("UPDATE audit_logs SET %s WHERE id = %s" % (change, aid))
        finally:
            st.psql("ALTER TABLE audit_logs ENABLE TRIGGER "
                    "audit_logs_no_update_delete")
        broken(st, k, aid, k - 1, "the audit row was changed", i == 0)
        # undone, the row hashes as before: the chain is whole again
        p, c, ip = saved[0]
        st.psql("ALTER TABLE audit_logs DISABLE TRIGGER "
                "audit_logs_no_update_delete")
        try:
            st.psql("UPDATE audit_logs SET payload = %s, created_at = %s, "
                    "ip_address = %s WHERE id = %s"
                    % (q(p), q(c), "NULL" if ip == "NULL" else q(ip), aid))
        finally:
            st.psql("ALTER TABLE audit_logs ENABLE TRIGGER "
                    "audit_logs_no_update_delete")
        assert whole(st, i == 0)["links"] == n


def test_tamper_b_deleted_row(tamper):
    st = tamper
    n = whole(st)["links"]
    k = n // 2 + 1
    aid = link(st, k)[0]
    saved = st.psql_one("SELECT row_to_json(a)::text FROM audit_logs a "
                        "WHERE id = %s" % aid)
    st.psql("BEGIN; SET LOCAL session_replication_role = replica; "
            "DELETE FROM audit_logs WHERE id = %s; COMMIT" % aid)
    broken(st, k, aid, k - 1, "the audit row of this link is missing")
    st.psql("BEGIN; SET LOCAL session_replication_role = replica; "
            "INSERT INTO audit_logs OVERRIDING SYSTEM VALUE SELECT * FROM "
            "json_populate_record(NULL::audit_logs, %s); COMMIT" % q(saved))
    assert whole(st)["links"] == n


def test_tamper_c_deleted_link(tamper):
    st = tamper
    n = whole(st)["links"]
    k = n // 2
    aid, prev, row = link(st, k)
    st.psql("BEGIN; SET LOCAL session_replication_role = replica; "
            "DELETE FROM audit_chain WHERE seq = %d; COMMIT" % k)
    nxt = link(st, k + 1)[0]
    broken(st, k + 1, nxt, k - 1, "a link is missing before this one")
    st.psql("INSERT INTO audit_chain (seq, audit_id, prev_hash, row_hash) "
            "VALUES (%d, %s, decode('%s', 'hex'), decode('%s', 'hex'))"
            % (k, aid, prev, row))
    assert whole(st)["links"] == n


def test_tamper_d_row_without_link(tamper):
    st = tamper
    n = whole(st)["links"]
    st.psql("ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_chain")
    try:
        forged = st.psql_one("INSERT INTO audit_logs (entity_type, action, "
                             "payload) VALUES ('user', 'login_success', "
                             "'{\"forged\": true}') RETURNING id")
    finally:
        st.psql("ALTER TABLE audit_logs ENABLE TRIGGER audit_logs_chain")
    v = ok(st.adm.get("/api/audit/verify"))
    assert v == {"ok": False, "links": n, "broken": {
        "seq": "0", "audit_id": forged,
        "reason": "an audit row has no link"}}, v
    rc, out = verify_cli(st)
    assert rc == 1 and "BROKEN: audit row %s has no link" % forged \
        in out, (rc, out)
    # the page tells the admin too
    b = browser(st, st.admin_email, st.admin_password)
    r = b.post("/admin/audit/verify", {"csrf": b.csrf("/admin/audit")})
    assert r.status_code == 200, r.status_code
    assert "The chain is broken." in r.text
    assert "audit row #%s" % forged in r.text


# ------------------------------------------------------------- 7. CSV

def parse_csv(r):
    assert r.status_code == 200, (r.status_code, r.text[:300])
    assert r.headers["Content-Type"] == CSV_CT
    assert r.headers.get("Cache-Control") == "no-store"
    assert re.fullmatch(r'attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"',
                        r.headers.get("Content-Disposition", "")), r.headers
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8"),
                                       newline="")))
    assert rows[0] == CSV_HEAD, rows[0]
    return [dict(zip(CSV_HEAD, x)) for x in rows[1:]]


def test_csv_export_matches_the_list_and_the_chain(stack, people):
    adm = people.admin
    tid = people.ticket["id"]
    for params, where in (
            ({"user_id": people.client.id}, {"user_id": people.client.id}),
            ({"entity_type": "ticket", "entity_id": tid},
             {"entity_type": "ticket", "entity_id": tid}),
            ({"action": "access_denied"}, {"action": "access_denied"}),
            ({"action": "login_success", "from": utc_day()},
             {"action": "login_success",
              "since": utc_day() + " 00:00:00+00"})):
        listed = api_list(adm, limit=100, **params)
        # every matching row, of which the list's first page is the start
        got = parse_csv(adm.get("/api/audit/export.csv", params=params))
        assert len(got) == listed["total"] > 0, params
        assert [x["id"] for x in got] == sql_ids(stack, sql_where(**where),
                                                 10 ** 6), params
        got = got[:100]
        assert [x["id"] for x in got] == [x["id"] for x in listed["logs"]]
        assert [x["action"] for x in got] == \
            [x["action"] for x in listed["logs"]]
        links = dict((a, (s, h)) for a, s, h in stack.psql(
            "SELECT audit_id::text, seq::text, encode(row_hash, 'hex') FROM "
            "audit_chain WHERE audit_id IN (%s)"
            % ",".join([x["id"] for x in got] or ["0"])))
        for c, a in zip(got, listed["logs"]):
            assert (c["chain_seq"], c["row_hash"]) == links[c["id"]], c
            assert HEX64_RE.match(c["row_hash"])
            assert c["created_at"] == a["created_at"]
            assert c["entity_type"] == a["entity_type"]
            assert c["entity_id"] == (a["entity_id"] or "")
            assert c["performed_by"] == (a["performed_by"] or "")
            assert c["performer_email"] == ((a["performer"] or {}).get(
                "email") or "")
            assert c["ip_address"] == (a["ip_address"] or "")
            assert (jsonlib.loads(c["payload"]) if c["payload"] else None) \
                == a["payload"]
    # nothing matches: the header alone
    assert parse_csv(adm.get("/api/audit/export.csv",
                             params={"from": utc_day(1)})) == []


def test_csv_neutralises_formulas(stack, people):
    evil = register(stack, name="=1+2 " + RUN)
    agents = ['=HYPERLINK("x")', "+cmd " + RUN, "-2+3 " + RUN,
              "@SUM(A1) " + RUN]
    for a in agents:
        error(evil.using(a).get("/api/users"), 403, FORBIDDEN)
    params = {"user_id": evil.id, "action": "access_denied"}
    listed = api_list(people.admin, **params)
    assert [x["user_agent"] for x in listed["logs"]] == agents[::-1]
    got = parse_csv(people.admin.get("/api/audit/export.csv", params=params))
    assert [x["user_agent"] for x in got] == ["'" + a for a in agents[::-1]]
    assert {x["performer_name"] for x in got} == {"'=1+2 " + RUN}
    raw = people.admin.get("/api/audit/export.csv", params=params).text
    assert '\n=' not in raw and ',=' not in raw and ',"=' not in raw


def test_page_export_is_the_same_file(stack, people, pages):
    params = {"user_id": people.client.id}
    api = parse_csv(people.admin.get("/api/audit/export.csv", params=params))
    r = pages["admin"].get("/admin/audit/export.csv", params=params)
    assert parse_csv(r) == api


# ------------------------------------------------------------- 8. page

def test_page_rows_diffs_and_links(stack, people, pages):
    t = people.ticket
    new = "Retitled <b>%s</b>" % RUN
    ok(people.client.patch("/api/tickets/%s" % t["id"], {"title": new}))
    b = pages["admin"]
    text = page(b, "/admin/audit?entity_type=ticket&entity_id=%s"
                % t["id"])
    m = re.search(r'<span class="diff-field">title</span> <del>(.*?)</del> '
                  r'→ <ins>(.*?)</ins>', text)
    assert m, text
    assert html.unescape(m.group(1)) == t["title"]
    assert html.unescape(m.group(2)) == new
    assert "<b>%s</b>" % RUN not in text
    assert '<a href="/tickets/%s">Ticket #%s</a>' % (t["id"], t["id"]) in text
    rows = re.findall(r'<tr id="audit-(\d+)">', text)
    assert rows == sql_ids(stack, sql_where(entity_type="ticket",
                                            entity_id=t["id"]))
    text = page(b, "/admin/audit?entity_type=user&entity_id=%s"
                % people.client.id)
    assert '<a href="/admin/users/%s">User #%s</a>' % (
        people.client.id, people.client.id) in text
    assert "login_success" in text and LOCAL_IP in text
    # what a client sends is shown as text, never as markup
    evil = '"><img src=x onerror=alert(1)> ' + RUN
    error(people.other.using(evil).get("/api/users"), 403, FORBIDDEN)
    text = page(b, "/admin/audit?action=access_denied&user_id=%s"
                % people.other.id)
    assert "<img src=x" not in text
    assert 'title="%s"' % html.escape(evil, quote=True) in text


def test_page_pagination_keeps_filters(stack, people, pages):
    a = people.other.using(ua("pagelinks"))
    while sql_count(stack, sql_where(user_id=a.id,
                                     action="access_denied")) <= 50:
        a.get("/api/users")
    total = sql_count(stack, sql_where(user_id=a.id, action="access_denied"))
    qs = "action=access_denied&user_id=%s" % a.id
    text = page(pages["admin"], "/admin/audit?" + qs)
    assert len(re.findall(r'<tr id="audit-', text)) == 50
    nxt = re.search(r'<a href="([^"]*)" rel="next">', text)
    assert nxt, text[-3000:]
    assert html.unescape(nxt.group(1)) == "/admin/audit?" + qs + "&page=2"
    text = page(pages["admin"], "/admin/audit?" + qs + "&page=2")
    assert len(re.findall(r'<tr id="audit-', text)) == total - 50
    prv = re.search(r'<a href="([^"]*)" rel="prev">', text)
    assert prv and html.unescape(prv.group(1)) == \
        "/admin/audit?" + qs + "&page=1"
    csv_link = re.search(r'<a class="btn btn-secondary" href="(/admin/audit/'
                         r'export\.csv[^"]*)"', text)
    assert csv_link, text[:3000]
    href = html.unescape(csv_link.group(1))
    assert "action=access_denied" in href and "user_id=%s" % a.id in href
    got = parse_csv(pages["admin"].get(href))
    assert len(got) == total and {x["performed_by"] for x in got} == {a.id}


def test_page_empty_state(pages):
    text = page(pages["admin"], "/admin/audit?action=never_done_at_all")
    assert "No entries match" in text and "<table" not in text
    text = page(pages["admin"], "/admin/audit?action=login_success&page=999")
    assert "Nothing on this page" in text


def test_page_verify_with_and_without_csrf(stack, people, pages):
    b = pages["admin"]
    text = page(b, "/admin/audit")
    r = b.post("/admin/audit/verify", {"csrf": csrf_of(text)})
    assert r.status_code == 200, (r.status_code, r.text[:300])
    seq, h = chain_head(stack)
    assert "The chain verifies." in r.text
    assert '<code class="hash">%s</code>' % h in r.text
    assert "link %s" % seq in r.text
    r = b.post("/admin/audit/verify", {})
    assert r.status_code == 403 and "The chain verifies" not in r.text
    r = b.post("/admin/audit/verify", {"csrf": "x" * 43})
    assert r.status_code == 403
