"""Categories and priorities (the catalog route group; ORIGINAL.md
§3.7-3.8 with issue 5's rules): categories readable by anyone, priorities
by any signed-in user, changes by admins only; duplicate names are a clear
400; every change is audited with who, before and after; deleting one
keeps the tickets that had it, with the field cleared.
"""
import json

import pytest

from tickets_fixtures import *  # noqa: F401,F403
from tickets_fixtures import (FORBIDDEN, assert_error, assert_json,
                              assert_validation, desk, new_ticket, word)

KINDS = {"categories": ("description", "Category"),
         "priorities": ("rank", "Priority")}


def body(kind, name=None, second=None):
    b = {"name": name or word("N")[:30]}
    b["description" if kind == "categories" else "rank"] = (
        second if second is not None else
        ("About " + word() if kind == "categories" else 7))
    return b


def create(desk, kind, **kw):
    r = desk.D.post("/api/" + kind, body(kind, **kw))
    assert r.status_code == 201, r.text
    return assert_json(r)


def audit(st, entity, eid):
    rows = st.psql("SELECT action, payload::text, performed_by::text, "
                   "coalesce(ip_address, '') FROM audit_logs WHERE "
                   "entity_type = '%s' AND entity_id = %d ORDER BY id"
                   % (entity, int(eid)))
    return [(a, json.loads(p), by, ip) for a, p, by, ip in rows]


# route -> actor -> status; "own" is a fresh object per cell
MATRIX = {
    ("GET", "categories", False): dict(anonymous=200, clientA=200, agent=200,
                                       admin=200),
    ("GET", "categories", True): dict(anonymous=200, clientA=200, agent=200,
                                      admin=200),
    ("GET", "priorities", False): dict(anonymous=401, clientA=200, agent=200,
                                       admin=200),
    ("GET", "priorities", True): dict(anonymous=401, clientA=200, agent=200,
                                      admin=200),
}
for _k in KINDS:
    MATRIX[("POST", _k, False)] = dict(anonymous=401, clientA=403, agent=403,
                                       admin=201)
    MATRIX[("PATCH", _k, True)] = dict(anonymous=401, clientA=403, agent=403,
                                       admin=200)
    MATRIX[("DELETE", _k, True)] = dict(anonymous=401, clientA=403,
                                        agent=403, admin=200)
CELLS = [(m, k, with_id, actor, code) for (m, k, with_id), row in
         MATRIX.items() for actor, code in row.items()]


def test_matrix_size_printed():
    print("\ncatalog access matrix: %d cells" % len(CELLS))
    assert len(CELLS) == 40


@pytest.mark.parametrize("method,kind,with_id,actor,code", CELLS)
def test_access(stack, desk, method, kind, with_id, actor, code):
    who = {"anonymous": desk.anon, "clientA": desk.A, "agent": desk.G1,
           "admin": desk.D}[actor]
    obj = create(desk, kind) if with_id else None
    path = "/api/%s" % kind + ("/%s" % obj["id"] if obj else "")
    data = body(kind) if method in ("POST", "PATCH") else None
    r = who.request(method, path, body=data)
    assert r.status_code == code, (method, path, actor, r.status_code, r.text)
    if code >= 400:
        assert_error(r, code, FORBIDDEN if code == 403 else None)
        if obj:     # a refused change changed nothing
            assert desk.D.get(path).json() == obj
    elif method == "DELETE":
        assert r.json() == {"message": "%s deleted" % KINDS[kind][1]}
        assert_error(desk.D.get(path), 404, "%s not found" % KINDS[kind][1])


def test_lists_and_shapes(desk):
    cats = assert_json(desk.anon.get("/api/categories"))
    assert cats and all(set(c) == {"id", "name", "description"} for c in cats)
    assert [c["name"] for c in cats] == sorted(c["name"] for c in cats)
    prios = assert_json(desk.A.get("/api/priorities"))
    assert all(set(p) == {"id", "name", "rank"} and isinstance(p["id"], int)
               for p in prios)
    assert [p["rank"] for p in prios] == sorted(p["rank"] for p in prios)


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("bad,code,msg", [
    ("0", 400, "Invalid id"), ("40000", 404, None), ("987", 404, None),
    ("abc", 400, "Invalid id"), ("-1", 400, "Invalid id")])
def test_ids(desk, kind, bad, code, msg):
    r = desk.D.get("/api/%s/%s" % (kind, bad))
    assert_error(r, code, msg or "%s not found" % KINDS[kind][1])
    r = desk.D.patch("/api/%s/%s" % (kind, bad), {"name": "x"})
    assert_error(r, code, msg or "%s not found" % KINDS[kind][1])


def test_create_needs_the_fields(desk):
    assert_error(desk.D.post("/api/categories", {}), 400, "Name required")
    assert_error(desk.D.post("/api/categories", {"name": None}), 400,
                 "Name required")
    assert_error(desk.D.post("/api/priorities", {"name": "x"}), 400,
                 "Name and rank required")
    assert_error(desk.D.post("/api/priorities", {"rank": 3}), 400,
                 "Name and rank required")


@pytest.mark.parametrize("kind,field,value", [
    ("categories", "name", ""), ("categories", "name", "x" * 129),
    ("categories", "name", 12), ("categories", "description", "d" * 2001),
    ("priorities", "name", "x" * 33), ("priorities", "rank", "abc"),
    ("priorities", "rank", -1), ("priorities", "rank", 40000),
    ("priorities", "rank", 1.5)])
def test_bad_values(stack, desk, kind, field, value):
    b = body(kind)
    b[field] = value
    before = stack.psql_one("SELECT count(*) FROM %s" % kind)
    assert_validation(desk.D.post("/api/" + kind, b), field)
    obj = create(desk, kind)
    assert_validation(desk.D.patch("/api/%s/%s" % (kind, obj["id"]),
                                   {field: value}), field)
    assert int(stack.psql_one("SELECT count(*) FROM %s" % kind)) == \
        int(before) + 1


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_duplicate_names(desk, kind):
    a, b = create(desk, kind), create(desk, kind)
    msg = "A %s with this name already exists" % (
        "category" if kind == "categories" else "priority")
    assert_error(desk.D.post("/api/" + kind, body(kind, name=a["name"])), 400,
                 msg)
    assert_error(desk.D.patch("/api/%s/%s" % (kind, b["id"]),
                              {"name": a["name"]}), 400, msg)
    assert desk.D.get("/api/%s/%s" % (kind, b["id"])).json() == b


def test_changes_are_audited(stack, desk):
    c = create(desk, "categories", second="Printers")
    assert c["description"] == "Printers"
    r = desk.D.patch("/api/categories/%s" % c["id"],
                     {"name": c["name"] + "2", "description": None})
    assert r.status_code == 200, r.text
    assert r.json() == {"id": c["id"], "name": c["name"] + "2",
                        "description": None}
    # no change, no row
    assert desk.D.patch("/api/categories/%s" % c["id"], {}).status_code == 200
    assert desk.D.request("DELETE", "/api/categories/%s" % c["id"]).status_code == 200
    rows = audit(stack, "category", c["id"])
    assert [a for a, _, _, _ in rows] == ["created", "updated", "deleted"]
    assert all(by == desk.D.id and ip for _, _, by, ip in rows)
    assert rows[0][1] == c
    assert rows[1][1] == {"changes": {
        "name": {"from": c["name"], "to": c["name"] + "2"},
        "description": {"from": "Printers", "to": None}}}
    assert rows[2][1] == {"before": {"id": c["id"], "name": c["name"] + "2",
                                     "description": None}}


def test_priority_rank_update(stack, desk):
    p = create(desk, "priorities", second=5)
    r = desk.D.patch("/api/priorities/%s" % p["id"], {"rank": 0})
    assert r.status_code == 200 and r.json()["rank"] == 0
    assert audit(stack, "priority", p["id"])[-1][1] == {
        "changes": {"rank": {"from": 5, "to": 0}}}
    assert_validation(desk.D.patch("/api/priorities/%s" % p["id"],
                                   {"rank": None}), "rank")


@pytest.mark.parametrize("kind,field", [("categories", "category_id"),
                                        ("priorities", "priority_id")])
def test_delete_keeps_tickets_with_the_field_cleared(stack, desk, kind, field):
    obj = create(desk, kind)
    t = new_ticket(desk.A, **{field: obj["id"]})
    assert t[field] == obj["id"]
    assert desk.D.request("DELETE", "/api/%s/%s" % (kind, obj["id"])).status_code == 200
    d = desk.A.get("/api/tickets/%s" % t["id"])
    assert d.status_code == 200 and d.json()[field] is None
