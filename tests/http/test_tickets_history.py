"""A ticket's history: GET /api/audit/ticket/:id (ORIGINAL.md §3.10 shape,
API.md §3.1 and §3.7) and the History section of the ticket page.

Who may read it: whoever may see the ticket (client: own; agent: assigned
or created; admin: any); not visible -> 404, anonymous -> 401.  Clients
never get the rows of internal notes, not even a preview.  Rows come
newest first with the performer and the labels the page shows.
"""
import html
import re

import pytest

from conftest import Browser
from tickets_fixtures import *  # noqa: F401,F403
from tickets_fixtures import (INVALID_ID, ISO_RE, NOT_FOUND, assert_error,
                              assert_json, assign, audit_rows, desk,
                              new_ticket, word)

ROW_KEYS = {"id", "entity_type", "entity_id", "action", "performed_by",
            "payload", "created_at", "performer", "labels"}
PERFORMER_KEYS = {"id", "name", "email", "role"}
HISTORY_RE = re.compile(r'<section class="card history".*?</section>', re.S)


def trail(actor, tid):
    return actor.get("/api/audit/ticket/%s" % tid)


@pytest.fixture(scope="module")
def story(stack, desk):
    """A's ticket taken through every kind of change, with a canary in an
    internal note: created, commented (public), commented (internal),
    assigned to G1, updated (status, priority, category, title)."""
    canary = word("canary")
    t = new_ticket(desk.A, title="Printer " + word("p"), priority_id=4)
    tid = t["id"]
    r = desk.A.post("/api/tickets/%s/comments" % tid,
                    {"message": "public " + word("m")})
    assert r.status_code == 201
    r = desk.D.post("/api/tickets/%s/comments" % tid,
                    {"message": "internal " + canary, "is_internal": True})
    assert r.status_code == 201
    assign(desk.D, tid, desk.G1.id, note="please look " + word("n"))
    r = desk.G1.patch("/api/tickets/%s" % tid,
                      {"status": "In Progress", "priority_id": 1,
                       "category_id": 2, "title": "<script>alert(1)</script>"})
    assert r.status_code == 200, r.text
    return {"id": tid, "canary": canary}


@pytest.mark.parametrize("actor,code", [
    ("anonymous", 401), ("clientA", 200), ("clientB", 404), ("agent", 200),
    ("otheragent", 404), ("admin", 200)])
def test_who_may_read_the_trail(desk, story, actor, code):
    r = trail(desk.actors()[actor], story["id"])
    if code == 200:
        assert r.status_code == 200, r.text
        assert isinstance(assert_json(r), list)
    elif code == 401:
        assert_error(r, 401)
    else:
        assert_error(r, 404, NOT_FOUND)


@pytest.mark.parametrize("tid,code,msg", [
    ("987654321", 404, NOT_FOUND), ("abc", 400, INVALID_ID),
    ("1e3", 400, INVALID_ID), ("-1", 400, INVALID_ID),
    ("99999999999999999999999", 400, INVALID_ID)])
def test_bad_or_missing_ids(desk, tid, code, msg):
    assert_error(trail(desk.D, tid), code, msg)


def test_staff_see_every_row_newest_first(stack, desk, story):
    for actor in (desk.D, desk.G1):
        rows = assert_json(trail(actor, story["id"]))
        db = audit_rows(stack, story["id"])
        assert [x["action"] for x in rows] == [a for a, _, _ in reversed(db)]
        assert [x["action"] for x in rows] == [
            "updated", "assigned", "commented", "commented", "created"]
        ids = [int(x["id"]) for x in rows]
        assert ids == sorted(ids, reverse=True)
        assert story["canary"] in rows[2]["payload"]["message_preview"]
        assert rows[2]["payload"]["is_internal"] is True


def test_row_shape(desk, story):
    rows = assert_json(trail(desk.D, story["id"]))
    for x in rows:
        assert set(x) == ROW_KEYS, x
        assert x["entity_type"] == "ticket" and x["entity_id"] == story["id"]
        assert isinstance(x["id"], str) and x["id"].isdigit()
        assert ISO_RE.match(x["created_at"]), x["created_at"]
        assert set(x["performer"]) == PERFORMER_KEYS
        assert x["performed_by"] == x["performer"]["id"]
        assert "ip_address" not in str(x) and "user_agent" not in str(x)
    upd, asg, _, _, created = rows
    assert created["performed_by"] == desk.A.id
    assert created["payload"]["status"] == "Open"
    assert created["payload"]["priority_id"] == 4
    ch = upd["payload"]["changes"]
    assert ch["status"] == {"from": "Open", "to": "In Progress"}
    assert ch["priority_id"] == {"from": 4, "to": 1}
    assert ch["category_id"] == {"from": None, "to": 2}
    assert ch["title"]["to"] == "<script>alert(1)</script>"
    assert upd["performed_by"] == desk.G1.id
    assert upd["labels"]["priority_to"] == "Critical"
    assert upd["labels"]["priority_from"] == "Low"
    assert upd["labels"]["category_from"] is None
    assert isinstance(upd["labels"]["category_to"], str)
    assert asg["payload"]["new_agent_id"] == desk.G1.id
    assert asg["payload"]["old_agent_id"] is None
    assert asg["labels"] == {"old_agent": None, "new_agent": "Agent Gina"}


def test_client_never_gets_internal_note_rows(stack, desk, story):
    r = trail(desk.A, story["id"])
    rows = assert_json(r)
    assert story["canary"] not in r.text
    assert [x["action"] for x in rows] == [
        "updated", "assigned", "commented", "created"]
    assert all(x["payload"].get("is_internal") is not True for x in rows)
    internal = stack.psql_one(
        "SELECT count(*) FROM audit_logs WHERE entity_type = 'ticket' AND "
        "entity_id = %d AND action = 'commented' AND "
        "(payload->>'is_internal')::boolean" % int(story["id"]))
    assert int(internal) == 1


def test_deleted_category_is_labelled_by_id(stack, desk):
    cid = stack.psql_one("INSERT INTO categories (name) VALUES ('%s') "
                         "RETURNING id" % word("Cat"))
    t = new_ticket(desk.A)
    r = desk.D.patch("/api/tickets/%s" % t["id"], {"category_id": int(cid)})
    assert r.status_code == 200, r.text
    stack.psql("DELETE FROM categories WHERE id = %s" % cid)
    rows = assert_json(trail(desk.D, t["id"]))
    assert rows[0]["labels"]["category_to"] is None
    assert rows[0]["payload"]["changes"]["category_id"]["to"] == int(cid)
    b = signed_in(stack, desk.D)
    hist = history_of(b, t["id"])
    assert "#%s (deleted)" % cid in hist


# ------------------------------------------------------------ the page

def signed_in(st, actor):
    b = Browser(st)
    r = b.login(actor.user["email"], actor.user["password"])
    assert r.status_code == 303, r.text[:300]
    return b


def history_of(b, tid):
    r = b.get("/tickets/%s" % tid)
    assert r.status_code == 200, r.text[:300]
    m = HISTORY_RE.search(r.text)
    assert m, "no history section"
    return m.group(0)


def text_of(fragment):
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ",
                                                    fragment)))


@pytest.mark.parametrize("who", ["admin", "agent"])
def test_page_history_for_staff(stack, desk, story, who):
    h = history_of(signed_in(stack, desk.actors()[who]), story["id"])
    assert h.count('<li class="event') == 5
    t = text_of(h)
    assert "Client Alice opened the ticket" in t
    assert "added an internal note" in t and story["canary"] in t
    assert "assigned it to Agent Gina" in t
    assert "please look" in t       # the assignment note, staff only
    assert "moved it from Open to In Progress" in t
    assert "changed the priority from Low to Critical" in t
    assert "changed the category from none to " in t
    # the new title is shown escaped, never as markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in h
    assert "<script>alert(1)" not in h


def test_page_history_for_the_client(stack, desk, story):
    b = signed_in(stack, desk.A)
    r = b.get("/tickets/%s" % story["id"])
    assert story["canary"] not in r.text
    h = history_of(b, story["id"])
    assert h.count('<li class="event') == 4
    t = text_of(h)
    assert "internal note" not in t
    assert "Client Alice replied" in t
    assert "assigned it to Agent Gina" in t
    assert "please look" not in t


def test_page_history_hidden_from_others(stack, desk, story):
    b = signed_in(stack, desk.B)
    r = b.get("/tickets/%s" % story["id"])
    assert r.status_code == 404
    assert "history" not in r.text.lower()
    assert story["canary"] not in r.text


def test_unassignment_and_reassignment_read_well(stack, desk):
    t = new_ticket(desk.A)
    assign(desk.D, t["id"], desk.G1.id)
    assign(desk.D, t["id"], desk.G2.id)
    r = desk.D.post("/api/tickets/%s/assign" % t["id"], {"agent_id": None})
    assert r.status_code == 200, r.text
    t_ = text_of(history_of(signed_in(stack, desk.D), t["id"]))
    assert "removed the assignment of Agent Otto" in t_
    assert "assigned it to Agent Otto (was Agent Gina)" in t_
