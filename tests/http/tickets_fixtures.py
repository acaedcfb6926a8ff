"""Shared helpers and fixtures for the tickets API tests (TICKETS contract,
API.md §1-3, SECURITY.md §1.4-1.5).

Actors: anonymous, client A (the usual ticket owner), client B, agent G1
(the one A's tickets get assigned to), agent G2 (another agent) and the
stack's admin D.  Users are registered once per stack through the API
(agents: registered, then promoted in SQL) and cached in this module, so
every test module that imports `desk` shares them.  Tests that change a
user's state (deactivation, role) make their own users with make_user().

Import with `from tickets_fixtures import *` so that pytest sees the
fixtures.
"""
import json as jsonlib
import re
import uuid

import pytest

from conftest import PASSWORD, Api, unique_email

__all__ = ["Actor", "Desk", "desk", "make_user", "new_ticket", "assign",
           "set_status", "audit_rows", "ticket_row", "assert_error",
           "assert_json", "assert_validation", "assert_no_db_text",
           "word", "ISO_RE", "STATUSES", "TICKET_KEYS", "DETAIL_KEYS",
           "ASSIGNMENT_KEYS", "COMMENT_KEYS", "PERSON_KEYS", "JSON_CT",
           "NOT_FOUND", "FORBIDDEN", "INVALID_ID", "TRANSITION", "NOEDIT",
           "CLOSED", "BAD_AGENT", "BAD_STATUS"]

JSON_CT = "application/json; charset=utf-8"
ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
STATUSES = ["Open", "In Progress", "Resolved", "Closed"]

TICKET_KEYS = {"id", "title", "description", "status", "created_by",
               "category_id", "priority_id", "created_at", "updated_at",
               "creator", "priority", "category", "ticket_assignments"}
DETAIL_KEYS = TICKET_KEYS | {"ticket_comments", "attachments"}
ASSIGNMENT_KEYS = {"id", "ticket_id", "agent_id", "assigned_by", "note",
                   "assigned_at", "agent"}
COMMENT_KEYS = {"id", "ticket_id", "user_id", "message", "is_internal",
                "created_at", "user"}
PERSON_KEYS = {"id", "name", "email"}

NOT_FOUND = "Ticket not found"
FORBIDDEN = "Insufficient permissions"
INVALID_ID = "Invalid id"
TRANSITION = "Invalid status transition"
NOEDIT = "Ticket cannot be edited in its current status"
CLOSED = "Ticket is closed"
BAD_AGENT = "Assignee must be an active agent or admin"
BAD_STATUS = "Invalid status"

# Database or implementation text that must never reach a response.
DB_TEXT_RE = re.compile(
    r"(?i)(sqlstate|syntax error|postgres|psql|libpq|\bPQ[a-z]+|violates|"
    r"duplicate key value|violates .*constraint|relation \"|column \"|invalid input syntax|"
    r"\bERROR:|\bselect\s.+\sfrom\b|insert into|update tickets|"
    r"\.c:\d+|segmentation|/work/|tsquery)")


def word(prefix="w"):
    """A unique single full-text token (letters and digits only)."""
    return prefix + uuid.uuid4().hex[:12]


class Actor:
    """One caller of the JSON API: a bearer token (or none) and a user."""

    def __init__(self, st, label, user=None, token=None):
        self.st = st
        self.label = label
        self.user = user or {}
        self.token = token
        self.s = st.session()   # trust_env off: REQUESTS_CA_BUNDLE ignored

    @property
    def id(self):
        return self.user.get("id")

    @property
    def role(self):
        return self.user.get("role", "anonymous")

    def request(self, method, path, body=None, params=None, data=None,
                raw=None, content_type=None, headers=None):
        h = {}
        if self.token is not None:
            h["Authorization"] = "Bearer " + self.token
        if headers:
            h.update(headers)
        kw = {}
        if raw is not None:
            kw["data"] = raw
            h["Content-Type"] = content_type or "application/json"
        elif data is not None:
            kw["data"] = data
        elif body is not None:
            kw["json"] = body
        return self.s.request(method, self.st.url(path), params=params,
                              headers=h, allow_redirects=False, timeout=20,
                              **kw)

    def get(self, path, params=None, **kw):
        return self.request("GET", path, params=params, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body=body, **kw)

    def __repr__(self):
        return "<%s>" % self.label


def make_user(st, role="client", name=None, label=None):
    """Registers a user through the API (promoted in SQL for staff roles)
    and returns a signed-in Actor."""
    email = unique_email(role)
    name = name or "%s %s" % (role.capitalize(), uuid.uuid4().hex[:6])
    r = Api(st).register(name=name, email=email)
    assert r.status_code == 201, r.text
    uid = r.json()["id"]
    if role != "client":
        st.psql("UPDATE users SET role = '%s' WHERE id = %d" % (role, int(uid)))
    r = Api(st).login(email, PASSWORD)
    assert r.status_code == 200, r.text
    user = {"id": uid, "email": email, "name": name, "role": role,
            "password": PASSWORD}
    return Actor(st, label or role, user, r.json()["token"])


def admin_actor(st):
    r = Api(st).login(st.admin_email, st.admin_password)
    assert r.status_code == 200, r.text
    j = r.json()
    u = dict(j["user"])
    u["password"] = st.admin_password
    return Actor(st, "admin", u, j["token"])


class Desk:
    """The shared actors of one stack."""

    def __init__(self, st):
        self.st = st
        self.anon = Actor(st, "anonymous")
        self.A = make_user(st, "client", "Client Alice", "clientA")
        self.B = make_user(st, "client", "Client Bob", "clientB")
        self.G1 = make_user(st, "agent", "Agent Gina", "agent")
        self.G2 = make_user(st, "agent", "Agent Otto", "otheragent")
        self.D = admin_actor(st)

    def actors(self):
        return {"anonymous": self.anon, "clientA": self.A, "clientB": self.B,
                "agent": self.G1, "otheragent": self.G2, "admin": self.D}


_DESKS = {}


@pytest.fixture(scope="module")
def desk(stack):
    d = _DESKS.get(id(stack))
    if d is None:
        d = _DESKS[id(stack)] = Desk(stack)
    return d


# ------------------------------------------------------------- helpers

def new_ticket(actor, title=None, description=None, **extra):
    body = {"title": title or "Ticket " + word("t"),
            "description": description or "Description " + word("d")}
    body.update(extra)
    r = actor.post("/api/tickets", body)
    assert r.status_code == 201, (actor, r.status_code, r.text)
    return r.json()


def assign(admin, tid, agent_id, note=None):
    body = {"agent_id": agent_id}
    if note is not None:
        body["note"] = note
    r = admin.post("/api/tickets/%s/assign" % tid, body)
    assert r.status_code in (200, 201), r.text
    return r.json()


def set_status(st, tid, status):
    st.psql("UPDATE tickets SET status = '%s' WHERE id = %d"
            % (status, int(tid)))


def ticket_row(st, tid):
    rows = st.psql("SELECT title, description, status, created_by, "
                   "coalesce(category_id::text, ''), "
                   "coalesce(priority_id::text, '') FROM tickets "
                   "WHERE id = %d" % int(tid))
    if not rows:
        return None
    k = ["title", "description", "status", "created_by", "category_id",
         "priority_id"]
    return dict(zip(k, rows[0]))


def audit_rows(st, tid, action=None):
    """[(action, payload dict, performed_by)] of ticket tid, oldest first."""
    cond = " AND action = '%s'" % action if action else ""
    rows = st.psql("SELECT action, coalesce(payload::text, 'null'), "
                   "coalesce(performed_by::text, '') FROM audit_logs "
                   "WHERE entity_type = 'ticket' AND entity_id = %d%s "
                   "ORDER BY id" % (int(tid), cond))
    return [(a, jsonlib.loads(p), by) for a, p, by in rows]


def assert_json(r):
    assert r.headers.get("Content-Type") == JSON_CT, \
        (r.status_code, r.headers.get("Content-Type"), r.text[:200])
    assert_no_db_text(r)
    return r.json()


def assert_error(r, status, message=None):
    assert r.status_code == status, (r.request.method, r.url, r.status_code,
                                     r.text[:500])
    j = assert_json(r)
    assert isinstance(j, dict) and isinstance(j.get("error"), str), j
    if message is not None:
        assert j == {"error": message}, j
    return j


def assert_validation(r, path=None, msg=None):
    """400 Validation failed; if path is given, details name it."""
    assert r.status_code == 400, (r.request.method, r.url, r.status_code,
                                  r.text[:500])
    j = assert_json(r)
    assert j.get("error") == "Validation failed", j
    assert set(j) == {"error", "details"}, j
    assert isinstance(j["details"], list) and j["details"], j
    for d in j["details"]:
        assert set(d) == {"path", "msg"}, d
    if path is not None:
        paths = [d["path"] for d in j["details"]]
        assert path in paths, j
        if msg is not None:
            assert {"path": path, "msg": msg} in j["details"], j
    return j


def assert_no_db_text(r):
    m = DB_TEXT_RE.search(r.text)
    assert m is None, ("database/implementation text in response",
                       r.status_code, m.group(0), r.text[:500])
