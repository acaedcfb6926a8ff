"""Tickets JSON API (TICKETS contract): internal-note canaries (SECURITY.md
8.2.3), create/list/detail shapes, list parameters, filters, ordering,
pagination and full-text search, assignment and comments with their
audit rows."""
import time

import pytest

from tickets_fixtures import *  # noqa: F401,F403
from tickets_fixtures import (ASSIGNMENT_KEYS, BAD_AGENT, CLOSED,
                              COMMENT_KEYS, DETAIL_KEYS, ISO_RE, PERSON_KEYS,
                              TICKET_KEYS, assert_error, assert_json,
                              assert_validation, assign, audit_rows, desk,
                              make_user, new_ticket, set_status, word)
from conftest import unique_email


def is_id(v):
    return isinstance(v, str) and v.isdigit() and v[0] != "0"


def check_person(p, actor=None):
    assert isinstance(p, dict) and set(p) == PERSON_KEYS, p
    assert is_id(p["id"]) and isinstance(p["name"], str)
    assert isinstance(p["email"], str)
    if actor is not None:
        assert p["id"] == actor.id and p["email"] == actor.user["email"], p


def check_assignment(a, detail):
    want = ASSIGNMENT_KEYS | ({"assigner"} if detail else set())
    assert want <= set(a) <= ASSIGNMENT_KEYS | {"assigner"}, a
    for k in ("id", "ticket_id", "agent_id", "assigned_by"):
        assert is_id(a[k]), (k, a)
    assert a["note"] is None or isinstance(a["note"], str)
    assert ISO_RE.match(a["assigned_at"]), a
    check_person(a["agent"])
    assert a["agent"]["id"] == a["agent_id"]
    if detail:
        check_person(a["assigner"])
        assert a["assigner"]["id"] == a["assigned_by"]


def check_ticket(t, detail=False):
    keys = DETAIL_KEYS if detail else TICKET_KEYS
    assert set(t) == keys, ("keys differ", set(t) ^ keys)
    assert is_id(t["id"]) and is_id(t["created_by"]), t
    assert isinstance(t["title"], str) and isinstance(t["description"], str)
    assert t["status"] in ("Open", "In Progress", "Resolved", "Closed")
    for k in ("created_at", "updated_at"):
        assert isinstance(t[k], str) and ISO_RE.match(t[k]), (k, t[k])
    check_person(t["creator"])
    assert t["creator"]["id"] == t["created_by"]
    if t["priority_id"] is None:
        assert t["priority"] is None
    else:
        assert type(t["priority_id"]) is int
        p = t["priority"]
        assert set(p) == {"id", "name", "rank"}, p
        assert type(p["id"]) is int and type(p["rank"]) is int
        assert p["id"] == t["priority_id"] and isinstance(p["name"], str)
    if t["category_id"] is None:
        assert t["category"] is None
    else:
        assert type(t["category_id"]) is int
        c = t["category"]
        assert set(c) == ({"id", "name", "description"} if detail
                          else {"id", "name"}), c
        assert type(c["id"]) is int and c["id"] == t["category_id"]
    assert isinstance(t["ticket_assignments"], list)
    assert len(t["ticket_assignments"]) <= 1 or detail
    for a in t["ticket_assignments"]:
        check_assignment(a, detail)
        assert a["ticket_id"] == t["id"]
    if detail:
        assert t["attachments"] == []
        assert isinstance(t["ticket_comments"], list)
        for c in t["ticket_comments"]:
            check_comment(c)
            assert c["ticket_id"] == t["id"]


def check_comment(c, actor=None):
    assert set(c) == COMMENT_KEYS, c
    assert is_id(c["id"]) and is_id(c["ticket_id"]) and is_id(c["user_id"])
    assert isinstance(c["message"], str)
    assert type(c["is_internal"]) is bool
    assert ISO_RE.match(c["created_at"]), c
    check_person(c["user"], actor)
    assert c["user"]["id"] == c["user_id"]


def lst(actor, **params):
    r = actor.get("/api/tickets", params=params)
    assert r.status_code == 200, (params, r.status_code, r.text[:300])
    j = assert_json(r)
    assert set(j) == {"tickets", "total", "page", "limit"}, j.keys()
    assert type(j["total"]) is int and type(j["page"]) is int
    assert type(j["limit"]) is int
    return j


def ids(j):
    return [t["id"] for t in j["tickets"]]


# ------------------------------------------------------------ canaries

@pytest.fixture(scope="module")
def canary(desk):
    """A's ticket, assigned to G1, with two internal notes holding a
    canary word and two public comments."""
    c = {"word": word("cnry"), "word2": word("cnry"), "pub": word("pub")}
    t = new_ticket(desk.A, title="Canary ticket " + word())
    assert desk.D.post("/api/tickets/%s/assign" % t["id"],
                       {"agent_id": desk.G1.id}).status_code == 201
    msgs = [(desk.A, "public question " + c["pub"], None),
            (desk.G1, "INTERNAL note: customer is %s, do not tell" % c["word"],
             True),
            (desk.D, "admin internal %s" % c["word2"], True),
            (desk.G1, "public answer from the agent", False)]
    for actor, msg, internal in msgs:
        body = {"message": msg}
        if internal is not None:
            body["is_internal"] = internal
        r = actor.post("/api/tickets/%s/comments" % t["id"], body)
        assert r.status_code == 201, r.text
        assert r.json()["is_internal"] is bool(internal)
    c["id"] = t["id"]
    return c


def test_canary_absent_from_client_detail(desk, canary):
    r = desk.A.get("/api/tickets/%s" % canary["id"])
    assert r.status_code == 200, r.text
    for w in (canary["word"], canary["word2"]):
        assert w.encode() not in r.content
        assert w not in str(r.headers)
    assert b"INTERNAL note" not in r.content
    j = r.json()
    msgs = [c["message"] for c in j["ticket_comments"]]
    assert msgs == ["public question " + canary["pub"],
                    "public answer from the agent"], msgs
    assert all(c["is_internal"] is False for c in j["ticket_comments"])


def test_canary_absent_from_client_list(desk, canary):
    r = desk.A.get("/api/tickets", params={"limit": 100})
    assert r.status_code == 200
    assert canary["id"] in ids(r.json())
    for w in (canary["word"], canary["word2"]):
        assert w.encode() not in r.content


@pytest.mark.parametrize("extra", [{}, {"status": "Open"}, {"limit": 1},
                                   {"sort": "updated", "order": "asc"}])
def test_canary_search_finds_nothing_for_client(desk, canary, extra):
    for w in (canary["word"], canary["word2"], canary["word"].upper()):
        params = dict(extra, q=w)
        r = desk.A.get("/api/tickets", params=params)
        assert r.status_code == 200, r.text
        j = r.json()
        assert j["tickets"] == [] and j["total"] == 0, (params, j)
        assert w.lower().encode() not in r.content.lower()
    # positive control: the public comment's word is found
    j = lst(desk.A, q=canary["pub"])
    assert ids(j) == [canary["id"]] and j["total"] == 1


def test_canary_other_client_finds_nothing(desk, canary):
    for q in (canary["word"], canary["pub"]):
        j = lst(desk.B, q=q)
        assert j["total"] == 0 and j["tickets"] == []


@pytest.mark.parametrize("who", ["agent", "admin"])
def test_canary_staff_see_internal_notes(desk, canary, who):
    actor = desk.actors()[who]
    r = actor.get("/api/tickets/%s" % canary["id"])
    assert r.status_code == 200, r.text
    cs = r.json()["ticket_comments"]
    assert len(cs) == 4, cs
    notes = [c for c in cs if canary["word"] in c["message"]]
    assert len(notes) == 1 and notes[0]["is_internal"] is True
    notes = [c for c in cs if canary["word2"] in c["message"]]
    assert len(notes) == 1 and notes[0]["is_internal"] is True
    for w in (canary["word"], canary["word2"]):
        j = lst(actor, q=w)
        assert ids(j) == [canary["id"]] and j["total"] == 1, (who, w, j)


def test_canary_other_agent_finds_nothing(desk, canary):
    j = lst(desk.G2, q=canary["word"])
    assert j["total"] == 0 and j["tickets"] == []
    assert desk.G2.get("/api/tickets/%s" % canary["id"]).status_code == 404


# -------------------------------------------------------------- shapes

def test_create_201_shape(desk, stack):
    r = desk.A.post("/api/tickets", {"title": "  Printer on fire  ",
                                     "description": "It is\nreally on fire.",
                                     "category_id": 2, "priority_id": "1"})
    assert r.status_code == 201, r.text
    j = assert_json(r)
    check_ticket(j)
    assert j["title"] in ("Printer on fire", "  Printer on fire  ")
    assert j["description"] == "It is\nreally on fire."
    assert j["status"] == "Open" and j["created_by"] == desk.A.id
    assert j["category_id"] == 2 and j["category"] == {"id": 2,
                                                       "name": "Bug Report"}
    assert j["priority_id"] == 1
    assert j["priority"] == {"id": 1, "name": "Critical", "rank": 1}
    assert j["ticket_assignments"] == []
    check_person(j["creator"], desk.A)
    assert j["creator"]["name"] == "Client Alice"
    assert "password" not in r.text and "search" not in j
    row = stack.psql("SELECT status, created_by, category_id, priority_id "
                     "FROM tickets WHERE id = %s" % j["id"])
    assert row == [["Open", desk.A.id, "2", "1"]]
    au = audit_rows(stack, j["id"], "created")
    assert len(au) == 1, au
    p = au[0][1]
    assert set(p) == {"title", "status", "priority_id", "category_id"}, p
    assert p["title"] == j["title"] and p["status"] == "Open"
    assert str(p["priority_id"]) == "1" and str(p["category_id"]) == "2"
    assert au[0][2] == desk.A.id


def test_create_falsy_refs_are_null(desk):
    for v in (None, "", 0, False):
        r = desk.A.post("/api/tickets", {"title": "falsy refs",
                                         "description": "d",
                                         "category_id": v, "priority_id": v})
        # 0 and false are falsy in the original; a 400 is acceptable too
        if v in (0, False) and r.status_code == 400:
            continue
        assert r.status_code == 201, (v, r.text)
        j = r.json()
        assert j["category_id"] is None and j["category"] is None, v
        assert j["priority_id"] is None and j["priority"] is None, v


def test_create_form_encoded(desk):
    r = desk.A.request("POST", "/api/tickets",
                       data={"title": "form ticket", "description": "form",
                             "priority_id": "4"})
    assert r.status_code == 201, r.text
    assert r.json()["priority"]["name"] == "Low"


def test_create_ignores_status_and_owner(desk, stack):
    r = desk.A.post("/api/tickets", {"title": "mass create",
                                     "description": "d", "status": "Closed",
                                     "created_by": desk.B.id, "id": "1",
                                     "is_internal": True,
                                     "created_at": "2000-01-01T00:00:00.000Z"})
    assert r.status_code in (201, 400), r.text
    if r.status_code == 201:
        j = r.json()
        assert j["status"] == "Open" and j["created_by"] == desk.A.id
        assert j["id"] != "1" and not j["created_at"].startswith("2000")
        assert stack.psql_one("SELECT status || created_by FROM tickets "
                              "WHERE id = %s" % j["id"]) == "Open" + desk.A.id


def test_detail_read_beside_the_session_check(desk, stack):
    """GET /api/tickets/:id reads the ticket in the same round trip as the
    session check (ROUTE_PREFETCH): the answer still follows the session
    as it is now, not as the token says -- revoked, expired, deactivated,
    demoted, or another client's ticket."""
    owner = make_user(stack, "client", "Client " + word())
    other = make_user(stack, "client", "Client " + word())
    staff = make_user(stack, "agent", "Agent " + word())
    t = new_ticket(owner)
    path = "/api/tickets/%s" % t["id"]
    assert owner.get(path).json()["id"] == t["id"]
    assert_error(other.get(path), 404, "Ticket not found")
    assert_error(staff.get(path), 404, "Ticket not found")
    assign(desk.D, t["id"], staff.id)
    assert staff.get(path).status_code == 200
    # demoted in the database: an agent's view goes with the role
    stack.psql("UPDATE users SET role = 'client' WHERE id = %s" % staff.id)
    assert_error(staff.get(path), 404, "Ticket not found")

    def session(actor, change):
        stack.psql("UPDATE user_sessions SET %s WHERE token_hash = "
                   "encode(sha256('%s'::bytea), 'hex')" % (change, actor.token))

    session(owner, "expires_at = now() - interval '1 s'")
    assert owner.get(path).status_code == 401
    session(owner, "expires_at = now() + interval '1 h', revoked = true")
    assert owner.get(path).status_code == 401
    session(owner, "revoked = false")
    assert owner.get(path).status_code == 200
    stack.psql("UPDATE users SET is_active = false WHERE id = %s" % owner.id)
    r = owner.get(path)
    assert r.status_code == 403 and t["title"] not in r.text


def test_detail_shape(desk, stack):
    t = new_ticket(desk.A, category_id=7, priority_id=2)
    assign_r = desk.D.post("/api/tickets/%s/assign" % t["id"],
                           {"agent_id": desk.G1.id, "note": "yours"})
    assert assign_r.status_code == 201
    for actor, internal in ((desk.A, False), (desk.G1, True),
                            (desk.G1, False)):
        assert actor.post("/api/tickets/%s/comments" % t["id"],
                          {"message": "m", "is_internal": internal}
                          ).status_code == 201
    for actor, n in ((desk.A, 2), (desk.G1, 3), (desk.D, 3)):
        r = actor.get("/api/tickets/%s" % t["id"])
        assert r.status_code == 200, r.text
        j = assert_json(r)
        check_ticket(j, detail=True)
        assert j["category"]["name"] == "Security"
        assert isinstance(j["category"]["description"], str)
        assert len(j["ticket_comments"]) == n
        cids = [int(c["id"]) for c in j["ticket_comments"]]
        assert cids == sorted(cids), "comments oldest first"
        stamps = [c["created_at"] for c in j["ticket_comments"]]
        assert stamps == sorted(stamps)
        a = j["ticket_assignments"]
        assert len(a) == 1 and a[0]["agent_id"] == desk.G1.id
        assert a[0]["assigner"]["id"] == desk.D.id and a[0]["note"] == "yours"


def test_list_item_shape(desk):
    t = new_ticket(desk.A, category_id=1, priority_id=3)
    desk.D.post("/api/tickets/%s/assign" % t["id"], {"agent_id": desk.G1.id})
    for actor in (desk.A, desk.G1, desk.D):
        j = lst(actor, limit=100)
        assert j["page"] == 1 and j["limit"] == 100
        for item in j["tickets"]:
            check_ticket(item)
        mine = [x for x in j["tickets"] if x["id"] == t["id"]]
        assert len(mine) == 1 or actor is desk.D
        if mine:
            assert mine[0]["ticket_assignments"][0]["agent_id"] == desk.G1.id
            assert mine[0]["category"] == {"id": 1, "name": "General"}



def as_list_item(detail):
    """What the list shows of a detail object: no comments, attachments
    or category description, and assignments without their assigner."""
    item = {k: v for k, v in detail.items()
            if k not in ("ticket_comments", "attachments")}
    if item["category"] is not None:
        item["category"] = {k: item["category"][k] for k in ("id", "name")}
    item["ticket_assignments"] = [
        {k: v for k, v in a.items() if k != "assigner"}
        for a in item["ticket_assignments"]]
    return item


def test_list_item_equals_detail(desk):
    """The list joins its items from the parts the rows keep (sql/013,
    lib/tkitem.c) and the detail from the rows as they are: for tickets
    with and without a category, priority, assignment and note, with
    quotes, markup and new lines, every list item (and the answer to
    create) equals the detail, field for field and in order."""
    made = [new_ticket(desk.A, title='Quote " <b>tag</b> & \\ ' + word(),
                       description="Line 1\nLine 2\t\u00e9\u2603"),
            new_ticket(desk.A, category_id=3, priority_id=1),
            new_ticket(desk.B, category_id=None, priority_id=4)]
    assign(desk.D, made[1]["id"], desk.G1.id, note='note "quoted"\n')
    assign(desk.D, made[2]["id"], desk.D.id)
    mine = {t["id"] for t in made}
    j = lst(desk.D, limit=100)
    items = [t for t in j["tickets"] if t["id"] in mine]
    assert len(items) == 3
    for item in items:
        detail = desk.D.get("/api/tickets/%s" % item["id"]).json()
        assert list(item) == list(as_list_item(detail))
        assert item == as_list_item(detail), item["id"]
    fresh = as_list_item(desk.D.get("/api/tickets/%s"
                                    % made[0]["id"]).json())
    assert made[0] == fresh, "create answers the list item"

def test_list_item_follows_renames_and_reassignment(desk, stack):
    """A ticket keeps its creator and assignment for the list (sql/013):
    renaming the creator or the agent, reassigning, losing the agent,
    and renaming the category and priority all show in
    the list at once, and the item still equals the detail."""
    client = make_user(stack, "client", "Client " + word())
    agent = make_user(stack, "agent", "Agent " + word())
    other = make_user(stack, "agent", "Agent " + word())
    cat = desk.D.post("/api/categories", {"name": "Cat " + word()}).json()
    prio = desk.D.post("/api/priorities", {"name": "P " + word(),
                                           "rank": 7}).json()
    t = new_ticket(client, category_id=cat["id"], priority_id=prio["id"])
    assign(desk.D, t["id"], agent.id, note="first")

    def item():
        found = [x for x in lst(client)["tickets"] if x["id"] == t["id"]]
        assert len(found) == 1
        detail = desk.D.get("/api/tickets/%s" % t["id"]).json()
        assert found[0] == as_list_item(detail)
        return found[0]

    def agent_of(it):
        return [a["agent"] for a in it["ticket_assignments"]]

    assert agent_of(item()) == [{"id": agent.id, "name": agent.user["name"],
                                 "email": agent.user["email"]}]
    for who in (client, agent):
        new = {"name": "Renamed " + word(), "email": unique_email("ren")}
        r = desk.D.patch("/api/users/%s" % who.id, new)
        assert r.status_code == 200, r.text
        who.user.update(new)
    it = item()
    assert it["creator"] == {"id": client.id, "name": client.user["name"],
                             "email": client.user["email"]}
    assert agent_of(it)[0]["name"] == agent.user["name"]
    assert agent_of(it)[0]["email"] == agent.user["email"]
    assign(desk.D, t["id"], other.id, note='second "one"')
    it = item()
    assert agent_of(it)[0]["id"] == other.id
    assert it["ticket_assignments"][0]["note"] == 'second "one"'
    for kind, obj in (("categories", cat), ("priorities", prio)):
        r = desk.D.patch("/api/%s/%s" % (kind, obj["id"]),
                         {"name": "Renamed " + word()})
        assert r.status_code == 200, r.text
        obj.update(r.json())
    it = item()
    assert it["category"] == {"id": cat["id"], "name": cat["name"]}
    assert it["priority"]["name"] == prio["name"]
    # what removing the agent's account does (ON DELETE SET NULL; the
    # application deactivates accounts, their audit rows keep them)
    stack.psql("UPDATE ticket_assignments SET agent_id = NULL"
               " WHERE ticket_id = %d" % int(t["id"]))
    it = item()
    assert it["ticket_assignments"][0]["agent_id"] is None
    assert agent_of(it) == [None]
    # put back as the audit row says it (tickets_zz_invariants)
    stack.psql("UPDATE ticket_assignments SET agent_id = %d"
               " WHERE ticket_id = %d" % (int(other.id), int(t["id"])))
    assert agent_of(item())[0]["id"] == other.id
    # and the ticket's own row says the same as a fresh rebuild would
    assert stack.psql_one(
        "SELECT creator_json = (SELECT person_json FROM users WHERE id ="
        " created_by) AND assignment_json = ticket_assignment_json(id)"
        " FROM tickets WHERE id = %d" % int(t["id"])) == "t"


def test_list_agent_sees_only_assigned(desk, stack):
    """Agents see the tickets assigned to them (and, as the lead's
    implementation reads "counts as its creator", those they created)."""
    j = lst(desk.G1, limit=100)
    assert j["total"] == int(stack.psql_one(
        "SELECT count(*) FROM tickets t WHERE t.created_by = %s OR EXISTS "
        "(SELECT 1 FROM ticket_assignments a WHERE a.ticket_id = t.id AND "
        "a.agent_id = %s)" % (desk.G1.id, desk.G1.id)))
    for t in j["tickets"]:
        if t["created_by"] != desk.G1.id:
            assert [a["agent_id"] for a in t["ticket_assignments"]] == \
                [desk.G1.id]


def test_list_client_total_matches_db(desk, stack):
    for c in (desk.A, desk.B):
        j = lst(c, limit=1)
        assert j["total"] == int(stack.psql_one(
            "SELECT count(*) FROM tickets WHERE created_by = %s" % c.id))
        assert len(j["tickets"]) == min(1, j["total"])


def test_list_admin_total_matches_db(desk, stack):
    j = lst(desk.D, limit=1)
    assert j["total"] == int(stack.psql_one("SELECT count(*) FROM tickets"))


# ----------------------------------------- list parameters on a known set

@pytest.fixture(scope="module")
def five(stack):
    """A fresh client C with five tickets of known priority, category and
    status; words in title, description and comments for q."""
    C = make_user(stack, "client", "Client Carol", "clientC")
    w = {k: word(k) for k in ("tt", "dd", "pub", "int")}
    spec = [(4, 1, "Open"), (1, 2, "In Progress"), (None, None, "Resolved"),
            (2, 2, "Closed"), (3, 1, "Open")]
    ts = []
    for i, (prio, cat, _) in enumerate(spec):
        extra = {}
        if prio:
            extra["priority_id"] = prio
        if cat:
            extra["category_id"] = cat
        title = "Five %d %s" % (i + 1, w["tt"] if i == 0 else "")
        desc = "Body %d %s" % (i + 1, w["dd"] if i == 1 else "")
        ts.append(new_ticket(C, title=title, description=desc, **extra)["id"])
    r = C.post("/api/tickets/%s/comments" % ts[2],
               {"message": "see " + w["pub"]})
    assert r.status_code == 201
    return {"C": C, "ids": ts, "w": w, "spec": spec}


@pytest.fixture(scope="module")
def five_ready(five, desk, stack):
    ts = five["ids"]
    r = desk.D.post("/api/tickets/%s/comments" % ts[4],
                    {"message": "note " + five["w"]["int"], "is_internal": True})
    assert r.status_code == 201
    for tid, (_, _, status) in zip(ts, five["spec"]):
        if status != "Open":
            set_status(stack, tid, status)
    return five


def test_list_default_order_and_envelope(five_ready):
    j = lst(five_ready["C"])
    assert j["page"] == 1 and j["limit"] == 50 and j["total"] == 5
    assert ids(j) == list(reversed(five_ready["ids"])), "newest first"
    stamps = [t["created_at"] for t in j["tickets"]]
    assert stamps == sorted(stamps, reverse=True)


def test_list_order_asc(five_ready):
    assert ids(lst(five_ready["C"], order="asc")) == five_ready["ids"]
    assert ids(lst(five_ready["C"], sort="created", order="desc")) == \
        list(reversed(five_ready["ids"]))


def test_list_sort_updated(five_ready):
    C, ts = five_ready["C"], five_ready["ids"]
    time.sleep(0.01)
    r = C.patch("/api/tickets/%s" % ts[0], {"description": "touched " +
                                             word()})
    assert r.status_code == 200, r.text
    j = lst(C, sort="updated")
    assert ids(j)[0] == ts[0]
    stamps = [t["updated_at"] for t in j["tickets"]]
    assert stamps == sorted(stamps, reverse=True)
    j = lst(C, sort="updated", order="asc")
    assert ids(j)[-1] == ts[0]
    stamps = [t["updated_at"] for t in j["tickets"]]
    assert stamps == sorted(stamps)


def test_list_sort_priority(five_ready):
    C = five_ready["C"]
    seqs = {}
    for order in ("asc", "desc"):
        j = lst(C, sort="priority", order=order)
        assert sorted(ids(j)) == sorted(five_ready["ids"])
        ranks = [t["priority"]["rank"] for t in j["tickets"] if t["priority"]]
        assert ranks in (sorted(ranks), sorted(ranks, reverse=True)), ranks
        seqs[order] = ranks
    assert seqs["asc"] == list(reversed(seqs["desc"])), seqs
    assert seqs["asc"] != seqs["desc"]


def test_list_sort_status(five_ready):
    C = five_ready["C"]
    groups = {}
    for order in ("asc", "desc"):
        st = [t["status"] for t in lst(C, sort="status",
                                       order=order)["tickets"]]
        g = [s for i, s in enumerate(st) if i == 0 or st[i - 1] != s]
        assert len(g) == len(set(g)) == 4, ("statuses not grouped", st)
        groups[order] = g
    assert groups["asc"] == list(reversed(groups["desc"])), groups


@pytest.mark.parametrize("params,path", [
    ({"sort": "title"}, "sort"), ({"sort": "created_at; drop"}, "sort"),
    ({"order": "up"}, "order"), ({"order": "DESC "}, "order"),
    ({"status": "Bogus"}, None), ({"status": "open"}, None),
    ({"priority_id": "abc"}, "priority_id"), ({"priority_id": "0"}, "priority_id"),
    ({"priority_id": "-1"}, "priority_id"), ({"category_id": "1.5"}, "category_id"),
    ({"category_id": "99999999999999999999"}, "category_id"),
    ({"limit": "101"}, "limit"), ({"limit": "0"}, "limit"),
    ({"limit": "-1"}, "limit"), ({"limit": "abc"}, "limit"),
    ({"limit": "1.5"}, "limit"), ({"limit": "1e2"}, "limit"),
    ({"page": "0"}, "page"), ({"page": "-1"}, "page"), ({"page": "abc"}, "page"),
    ({"page": "99999999999999999999"}, "page"), ({"page": "0x10"}, "page"),
    ({"q": "x" * 201}, "q"),
])
def test_list_bad_parameters_400(five_ready, params, path):
    r = five_ready["C"].get("/api/tickets", params=params)
    assert r.status_code == 400, (params, r.status_code, r.text[:300])
    j = assert_json(r)
    if path is None:
        # unknown status: "Invalid status" or a validation failure
        assert j["error"] in ("Invalid status", "Validation failed"), j
    else:
        assert_validation(r, path)
    for v in params.values():
        if len(v) > 3:
            assert v not in r.text, "value echoed"


def test_list_repeated_parameter_400(five_ready):
    r = five_ready["C"].get("/api/tickets?page=1&page=2")
    assert r.status_code == 400, r.text
    r = five_ready["C"].get("/api/tickets?status=Open&status=Closed")
    assert r.status_code == 400, r.text


def test_list_limit_bounds_ok(five_ready):
    assert lst(five_ready["C"], limit=100)["limit"] == 100
    j = lst(five_ready["C"], limit=1)
    assert j["limit"] == 1 and len(j["tickets"]) == 1 and j["total"] == 5


def test_list_huge_page_never_500(five_ready):
    for p in (1000000, 2 ** 31, 2 ** 62, 2 ** 63 - 1):
        r = five_ready["C"].get("/api/tickets", params={"page": p})
        assert r.status_code in (200, 400), (p, r.status_code, r.text)
        if r.status_code == 200:
            assert r.json()["tickets"] == [] and r.json()["total"] == 5


def test_list_pagination(five_ready):
    C, ts = five_ready["C"], five_ready["ids"]
    seen = []
    for page, n in ((1, 2), (2, 2), (3, 1), (4, 0)):
        j = lst(C, limit=2, page=page)
        assert (j["page"], j["limit"], j["total"]) == (page, 2, 5)
        assert len(j["tickets"]) == n
        seen += ids(j)
    assert seen == list(reversed(ts))


def test_list_filters(five_ready):
    C, ts = five_ready["C"], five_ready["ids"]
    cases = [({"status": "Open"}, {ts[0], ts[4]}),
             ({"status": "In Progress"}, {ts[1]}),
             ({"status": "Resolved"}, {ts[2]}),
             ({"status": "Closed"}, {ts[3]}),
             ({"priority_id": 2}, {ts[3]}),
             ({"priority_id": 1}, {ts[1]}),
             ({"category_id": 1}, {ts[0], ts[4]}),
             ({"category_id": 2, "status": "Closed"}, {ts[3]}),
             ({"category_id": 2, "priority_id": 4}, set())]
    for params, want in cases:
        j = lst(C, **params)
        assert set(ids(j)) == want, (params, ids(j))
        assert j["total"] == len(want)


def test_list_search(five_ready, desk):
    C, ts, w = five_ready["C"], five_ready["ids"], five_ready["w"]
    cases = [(w["tt"], [ts[0]]), (w["dd"], [ts[1]]), (w["pub"], [ts[2]]),
             (w["int"], []), (w["tt"].upper(), [ts[0]]),
             ('"%s"' % w["tt"], [ts[0]]),
             ("%s or %s" % (w["tt"], w["dd"]), [ts[1], ts[0]]),
             ("%s %s" % (w["tt"], w["dd"]), []),
             ("Five -%s" % w["tt"], [ts[4], ts[3], ts[2], ts[1]])]
    for q, want in cases:
        j = lst(C, q=q)
        assert ids(j) == want and j["total"] == len(want), (q, ids(j))
    # staff also match on internal notes
    j = lst(desk.D, q=w["int"])
    assert ids(j) == [ts[4]]
    j = lst(desk.D, q=w["pub"])
    assert ids(j) == [ts[2]]


def test_list_search_q_200_chars_ok(five_ready):
    j = lst(five_ready["C"], q=("a" * 199) + " ")
    assert j["total"] == 0


@pytest.mark.parametrize("q", ["' OR 1=1--", "1;select pg_sleep(3)",
                               "%", "_", "a & b | !c :* (", "\\", "''",
                               "<script>", "\t", "a:*"])
def test_list_search_hostile_q(five_ready, q):
    t0 = time.time()
    r = five_ready["C"].get("/api/tickets", params={"q": q})
    assert time.time() - t0 < 2.5
    assert r.status_code == 200, (q, r.status_code, r.text)
    j = assert_json(r)
    assert j["total"] <= 5
    if q in ("' OR 1=1--", "1;select pg_sleep(3)", "_", "\\", "''"):
        assert j["total"] == 0, (q, j["total"])


def test_list_assigned_to_admin_only(five_ready, desk, stack):
    t = new_ticket(desk.B, title="assigned_to probe")
    assert desk.D.post("/api/tickets/%s/assign" % t["id"],
                       {"agent_id": desk.G2.id}).status_code == 201
    j = lst(desk.D, assigned_to=desk.G2.id, limit=100)
    assert t["id"] in ids(j)
    assert j["total"] == int(stack.psql_one(
        "SELECT count(DISTINCT ticket_id) FROM ticket_assignments "
        "WHERE agent_id = %s" % desk.G2.id))
    for x in j["tickets"]:
        assert x["ticket_assignments"][0]["agent_id"] == desk.G2.id
    # a client's or an agent's assigned_to is ignored
    for actor in (desk.B, five_ready["C"], desk.G1):
        plain = lst(actor, limit=100)
        j = lst(actor, assigned_to=desk.G2.id, limit=100)
        assert ids(j) == ids(plain) and j["total"] == plain["total"], actor
    r = desk.D.get("/api/tickets", params={"assigned_to": "abc"})
    assert_validation(r, "assigned_to")


# ------------------------------------------------------------- assign

def test_assign_201_shape_and_audit(desk, stack):
    t = new_ticket(desk.A)
    r = desk.D.post("/api/tickets/%s/assign" % t["id"],
                    {"agent_id": desk.G1.id, "note": "please look"})
    assert r.status_code == 201, r.text
    j = assert_json(r)
    assert set(j) == ASSIGNMENT_KEYS | {"assigner"}, j
    assert j["ticket_id"] == t["id"] and j["agent_id"] == desk.G1.id
    assert j["assigned_by"] == desk.D.id and j["note"] == "please look"
    assert is_id(j["id"]) and ISO_RE.match(j["assigned_at"])
    check_person(j["agent"], desk.G1)
    check_person(j["assigner"], desk.D)
    au = audit_rows(stack, t["id"], "assigned")
    assert len(au) == 1, au
    p = au[0][1]
    assert p["old_agent_id"] is None and str(p["new_agent_id"]) == desk.G1.id
    assert p["note"] == "please look" and au[0][2] == desk.D.id


def test_assign_replace_keeps_one_row(desk, stack):
    t = new_ticket(desk.A)
    tid = t["id"]
    assert desk.D.post("/api/tickets/%s/assign" % tid,
                       {"agent_id": desk.G1.id}).status_code == 201
    assert tid in ids(lst(desk.G1, limit=100))
    r = desk.D.post("/api/tickets/%s/assign" % tid,
                    {"agent_id": desk.G2.id, "note": "handover"})
    assert r.status_code == 201, r.text
    assert stack.psql("SELECT agent_id FROM ticket_assignments WHERE "
                      "ticket_id = %s" % tid) == [[desk.G2.id]]
    p = audit_rows(stack, tid, "assigned")[-1][1]
    assert str(p["old_agent_id"]) == desk.G1.id
    assert str(p["new_agent_id"]) == desk.G2.id and p["note"] == "handover"
    # the new agent sees it, the previous one no longer does
    assert tid in ids(lst(desk.G2, limit=100))
    assert desk.G2.get("/api/tickets/%s" % tid).status_code == 200
    assert tid not in ids(lst(desk.G1, limit=100))
    assert_error(desk.G1.get("/api/tickets/%s" % tid), 404)
    assert desk.G1.post("/api/tickets/%s/comments" % tid,
                        {"message": "x"}).status_code == 404
    # detail shows exactly the current assignment
    d = desk.D.get("/api/tickets/%s" % tid).json()
    assert [a["agent_id"] for a in d["ticket_assignments"]] == [desk.G2.id]


@pytest.mark.parametrize("falsy", [None, ""])
def test_unassign(desk, stack, falsy):
    t = new_ticket(desk.A)
    tid = t["id"]
    assert desk.D.post("/api/tickets/%s/assign" % tid,
                       {"agent_id": desk.G1.id}).status_code == 201
    r = desk.D.post("/api/tickets/%s/assign" % tid,
                    {"agent_id": falsy, "note": "back to the pool"})
    assert r.status_code == 200, r.text
    j = assert_json(r)
    assert j == {"ticket_id": tid, "agent_id": None,
                 "assigned_by": desk.D.id, "note": "back to the pool"}, j
    assert stack.psql_one("SELECT count(*) FROM ticket_assignments WHERE "
                          "ticket_id = %s" % tid) == "0"
    p = audit_rows(stack, tid, "assigned")[-1][1]
    assert str(p["old_agent_id"]) == desk.G1.id and p["new_agent_id"] is None
    assert tid not in ids(lst(desk.G1, limit=100))
    assert desk.D.get("/api/tickets/%s" % tid).json()[
        "ticket_assignments"] == []


def test_assign_to_admin_ok(desk):
    t = new_ticket(desk.A)
    r = desk.D.post("/api/tickets/%s/assign" % t["id"],
                    {"agent_id": desk.D.id})
    assert r.status_code == 201, r.text
    assert r.json()["agent_id"] == desk.D.id


@pytest.fixture(scope="module")
def inactive_agent(stack):
    g = make_user(stack, "agent", "Agent Retired", "inactive")
    stack.psql("UPDATE users SET is_active = false WHERE id = %s" % g.id)
    return g


@pytest.mark.parametrize("target", ["client", "inactive", "missing", "self"])
def test_assign_bad_target_400_changes_nothing(desk, stack, inactive_agent,
                                               target):
    agent = {"client": desk.B.id, "inactive": inactive_agent.id,
             "missing": "987654321", "self": desk.A.id}[target]
    t = new_ticket(desk.A)
    tid = t["id"]
    assert desk.D.post("/api/tickets/%s/assign" % tid,
                       {"agent_id": desk.G1.id}).status_code == 201
    n_audit = len(audit_rows(stack, tid))
    r = desk.D.post("/api/tickets/%s/assign" % tid, {"agent_id": agent})
    assert_error(r, 400, BAD_AGENT)
    assert stack.psql("SELECT agent_id FROM ticket_assignments WHERE "
                      "ticket_id = %s" % tid) == [[desk.G1.id]]
    assert len(audit_rows(stack, tid)) == n_audit


@pytest.mark.parametrize("body,path", [
    ({"agent_id": "abc"}, "agent_id"), ({"agent_id": "-5"}, "agent_id"),
    ({"agent_id": "1.5"}, "agent_id"), ({"agent_id": True}, "agent_id"),
    ({"agent_id": "99999999999999999999"}, "agent_id"),
    ({"agent_id": None, "note": "n" * 1001}, "note"),
    ({"agent_id": None, "note": 5}, "note"),
])
def test_assign_validation(desk, stack, body, path):
    t = new_ticket(desk.A)
    r = desk.D.post("/api/tickets/%s/assign" % t["id"], body)
    if path == "agent_id" and r.status_code == 400 and \
            r.json().get("error") == BAD_AGENT:
        pass    # a malformed id is not an active agent either: acceptable
    else:
        assert_validation(r, path)
    assert stack.psql_one("SELECT count(*) FROM ticket_assignments WHERE "
                          "ticket_id = %s" % t["id"]) == "0"


def test_assign_note_1000_ok(desk):
    t = new_ticket(desk.A)
    r = desk.D.post("/api/tickets/%s/assign" % t["id"],
                    {"agent_id": desk.G1.id, "note": "n" * 1000})
    assert r.status_code == 201, r.text
    assert r.json()["note"] == "n" * 1000


def test_assign_closed_409(desk, stack):
    t = new_ticket(desk.A)
    set_status(stack, t["id"], "Closed")
    r = desk.D.post("/api/tickets/%s/assign" % t["id"],
                    {"agent_id": desk.G1.id})
    assert_error(r, 409, CLOSED)
    assert stack.psql_one("SELECT count(*) FROM ticket_assignments WHERE "
                          "ticket_id = %s" % t["id"]) == "0"


# ------------------------------------------------------------ comments

@pytest.fixture(scope="module")
def cticket(desk):
    t = new_ticket(desk.A, title="Comment ticket")
    assert desk.D.post("/api/tickets/%s/assign" % t["id"],
                       {"agent_id": desk.G1.id}).status_code == 201
    return t["id"]


def test_comment_201_shape_and_audit(desk, stack, cticket):
    msg = "Hello <b>there</b> %s " % word() + "x" * 150
    r = desk.A.post("/api/tickets/%s/comments" % cticket, {"message": msg})
    assert r.status_code == 201, r.text
    j = assert_json(r)
    check_comment(j, desk.A)
    assert j["message"] == msg and j["is_internal"] is False
    assert j["ticket_id"] == cticket and j["user_id"] == desk.A.id
    au = [a for a in audit_rows(stack, cticket, "commented")
          if str(a[1].get("comment_id")) == j["id"]]
    assert len(au) == 1, au
    p = au[0][1]
    assert set(p) == {"comment_id", "is_internal", "message_preview"}, p
    assert p["is_internal"] is False and p["message_preview"] == msg[:100]
    assert au[0][2] == desk.A.id


@pytest.mark.parametrize("value", [True, "true", 1, "on"])
def test_comment_client_internal_forced_false(desk, stack, cticket, value):
    r = desk.A.post("/api/tickets/%s/comments" % cticket,
                    {"message": "client tries internal", "is_internal": value})
    assert r.status_code == 201, r.text
    assert r.json()["is_internal"] is False
    assert stack.psql_one("SELECT is_internal FROM ticket_comments WHERE "
                          "id = %s" % r.json()["id"]) == "f"


@pytest.mark.parametrize("who,value,want", [
    ("agent", True, True), ("agent", False, False), ("agent", None, False),
    ("admin", True, True), ("agent", "false", False), ("agent", "true", True),
])
def test_comment_staff_internal(desk, stack, cticket, who, value, want):
    body = {"message": "staff note %s" % word()}
    if value is not None:
        body["is_internal"] = value
    r = desk.actors()[who].post("/api/tickets/%s/comments" % cticket, body)
    assert r.status_code == 201, r.text
    assert r.json()["is_internal"] is want
    assert stack.psql_one("SELECT is_internal FROM ticket_comments WHERE "
                          "id = %s" % r.json()["id"]) == ("t" if want else "f")
    p = [a[1] for a in audit_rows(stack, cticket, "commented")
         if str(a[1].get("comment_id")) == r.json()["id"]]
    assert len(p) == 1 and p[0]["is_internal"] is want


@pytest.mark.parametrize("body", [
    {"message": ""}, {}, {"message": None}, {"message": 5},
    {"message": "x" * 20001}, {"message": "ok", "is_internal": "maybe"},
    {"message": "ok", "is_internal": None},
])
def test_comment_validation(desk, stack, cticket, body):
    n = stack.psql_one("SELECT count(*) FROM ticket_comments WHERE "
                       "ticket_id = %s" % cticket)
    r = desk.G1.post("/api/tickets/%s/comments" % cticket, body)
    if body.get("is_internal", 0) is None and r.status_code == 201:
        # null as "not given" is defensible; it must not be internal
        assert r.json()["is_internal"] is False
        return
    assert_validation(r, "is_internal" if "is_internal" in body else "message")
    assert stack.psql_one("SELECT count(*) FROM ticket_comments WHERE "
                          "ticket_id = %s" % cticket) == n


def test_comment_20000_chars_ok(desk, cticket):
    msg = "é" * 20000   # characters, not bytes
    r = desk.A.post("/api/tickets/%s/comments" % cticket, {"message": msg})
    assert r.status_code == 201, r.text[:200]
    assert r.json()["message"] == msg


@pytest.mark.parametrize("who", ["clientA", "agent", "admin"])
def test_comment_closed_409(desk, stack, who):
    t = new_ticket(desk.A)
    assert desk.D.post("/api/tickets/%s/assign" % t["id"],
                       {"agent_id": desk.G1.id}).status_code == 201
    set_status(stack, t["id"], "Closed")
    r = desk.actors()[who].post("/api/tickets/%s/comments" % t["id"],
                                {"message": "too late"})
    assert_error(r, 409, CLOSED)
    assert stack.psql_one("SELECT count(*) FROM ticket_comments WHERE "
                          "ticket_id = %s" % t["id"]) == "0"
    assert audit_rows(stack, t["id"], "commented") == []


def test_unassign_closed_409(desk, stack):
    t = new_ticket(desk.A)
    assert desk.D.post("/api/tickets/%s/assign" % t["id"],
                       {"agent_id": desk.G1.id}).status_code == 201
    set_status(stack, t["id"], "Closed")
    r = desk.D.post("/api/tickets/%s/assign" % t["id"], {"agent_id": None})
    assert_error(r, 409, CLOSED)
    assert stack.psql("SELECT agent_id FROM ticket_assignments WHERE "
                      "ticket_id = %s" % t["id"]) == [[desk.G1.id]]


# --------------------------------------------------------- concurrency

def _parallel(calls):
    """Runs the callables at once (one session each); returns results."""
    import threading
    out = [None] * len(calls)
    gate = threading.Barrier(len(calls))

    def run(i):
        gate.wait()
        out[i] = calls[i]()
    ts = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    return out


def test_concurrent_assigns_keep_one_row(desk, stack):
    from tickets_fixtures import Actor
    t = new_ticket(desk.A)
    tid = t["id"]
    agents = [desk.G1.id, desk.G2.id, desk.D.id] * 3
    admins = [Actor(stack, "admin%d" % i, desk.D.user, desk.D.token)
              for i in range(len(agents))]
    rs = _parallel([
        (lambda a=a, g=g: a.post("/api/tickets/%s/assign" % tid,
                                 {"agent_id": g}))
        for a, g in zip(admins, agents)])
    codes = [r.status_code for r in rs]
    assert all(c in (201, 409, 503) for c in codes), \
        [(r.status_code, r.text[:100]) for r in rs]
    assert codes.count(201) >= 1, codes
    rows = stack.psql("SELECT agent_id FROM ticket_assignments WHERE "
                      "ticket_id = %s" % tid)
    assert len(rows) == 1, rows
    au = audit_rows(stack, tid, "assigned")
    assert len(au) == codes.count(201), (codes, au)
    # the last audit row names the agent that stayed assigned
    assert str(au[-1][1]["new_agent_id"]) == rows[0][0]


def test_concurrent_comments_and_transition(desk, stack):
    from tickets_fixtures import Actor
    t = new_ticket(desk.A)
    tid = t["id"]
    assert desk.D.post("/api/tickets/%s/assign" % tid,
                       {"agent_id": desk.G1.id}).status_code == 201
    gs = [Actor(stack, "g%d" % i, desk.G1.user, desk.G1.token)
          for i in range(6)]
    ds = [Actor(stack, "d%d" % i, desk.D.user, desk.D.token)
          for i in range(2)]
    calls = [(lambda a=a, i=i: a.post("/api/tickets/%s/comments" % tid,
                                      {"message": "race %d" % i}))
             for i, a in enumerate(gs)]
    calls += [(lambda a=a: a.patch("/api/tickets/%s" % tid,
                                   {"status": "In Progress"})) for a in ds]
    rs = _parallel(calls)
    assert [r.status_code for r in rs[:6]] == [201] * 6, \
        [(r.status_code, r.text[:100]) for r in rs]
    assert [r.status_code for r in rs[6:]] == [200, 200], \
        [(r.status_code, r.text[:100]) for r in rs[6:]]
    assert stack.psql_one("SELECT count(*) FROM ticket_comments WHERE "
                          "ticket_id = %s" % tid) == "6"
    assert len(audit_rows(stack, tid, "commented")) == 6
    # two admins set the same status: exactly one change is recorded
    assert len(audit_rows(stack, tid, "updated")) == 1
