"""The list at scale (issue 8): keyset pages (`after`, X-Next-After), a
search's capped total (X-Total-Capped, "more than" on the page), the
search documents of sql/009 (comments folded into the ticket, internal
notes only in the staff's), and the audit log's total read from the
chain."""
import pytest

from tickets_fixtures import (assert_json, assert_validation, desk,  # noqa: F401
                              make_user, new_ticket, word)
from conftest import page

CAP = 500


def lst(actor, **params):
    r = actor.get("/api/tickets", params=params)
    assert r.status_code == 200, (params, r.status_code, r.text[:300])
    j = assert_json(r)
    assert set(j) == {"tickets", "total", "page", "limit"}, j.keys()
    return j, r.headers


def ids(j):
    return [t["id"] for t in j["tickets"]]


@pytest.fixture(scope="module")
def seven(stack):
    """A fresh client with seven tickets; the fourth is edited later (its
    updated_at moves)."""
    C = make_user(stack, "client", "Keyset Kim", "keysetC")
    ts = [new_ticket(C, title="Keyset %d" % i)["id"] for i in range(7)]
    return C, ts


def walk(actor, limit, **params):
    """Follows X-Next-After from the first page; returns the pages' ids."""
    pages, after = [], None
    for _ in range(20):
        q = dict(params, limit=limit)
        if after:
            q["after"] = after
        j, h = lst(actor, **q)
        pages.append(ids(j))
        after = h.get("X-Next-After")
        if after is None:
            return pages
        assert after == ids(j)[-1], (after, ids(j))
    raise AssertionError("no last page")


def test_keyset_walk_matches_offset_pages(seven):
    C, ts = seven
    newest = list(reversed(ts))
    assert walk(C, 3) == [newest[0:3], newest[3:6], newest[6:7]]
    assert walk(C, 3, order="asc") == [ts[0:3], ts[3:6], ts[6:7]]
    # a page that ends exactly at the end still names its last row; the
    # page after it is empty and names nothing
    assert walk(C, 7) == [newest, []]
    # the same rows as page=N
    for n in (1, 2, 3):
        j, h = lst(C, limit=3, page=n)
        assert ids(j) == newest[(n - 1) * 3:n * 3]
        assert ("X-Next-After" in h) == (n < 3), (n, h.get("X-Next-After"))


def test_keyset_by_updated(seven, stack):
    C, ts = seven
    r = C.patch("/api/tickets/%s" % ts[3], {"title": "Keyset 3 edited"})
    assert r.status_code == 200, r.text
    stack.psql("UPDATE tickets SET updated_at = updated_at + interval"
               " '1 hour' WHERE id = %d" % int(ts[3]))
    pages = walk(C, 2, sort="updated")
    flat = [i for p in pages for i in p]
    assert flat[0] == ts[3] and sorted(flat) == sorted(ts), pages
    assert len(flat) == 7


def test_keyset_with_filters_and_search(seven):
    C, ts = seven
    j, h = lst(C, q="keyset", limit=2)
    assert j["total"] == 7 and "X-Total-Capped" not in h
    pages = walk(C, 2, q="keyset")
    assert [i for p in pages for i in p] == list(reversed(ts))


@pytest.mark.parametrize("params", [
    {"after": "1", "sort": "priority"},
    {"after": "1", "sort": "status"},
    {"after": "1", "page": "2"},
    {"after": "0"},
    {"after": "-4"},
    {"after": "abc"},
    {"after": "1" * 25},
])
def test_keyset_bad_after_400(seven, params):
    C, _ = seven
    r = C.get("/api/tickets", params=params)
    assert r.status_code == 400, (params, r.status_code, r.text)
    assert_validation(r, "after")


def test_keyset_after_someone_elses_ticket_is_empty(seven, desk):
    """`after` only starts from a ticket the caller may see: another
    client's ticket gives nothing (its position would tell its time)."""
    C, ts = seven
    other = new_ticket(desk.B)["id"]
    j, h = lst(C, after=other)
    assert ids(j) == [] and "X-Next-After" not in h
    j, _ = lst(C, after="999999999")
    assert ids(j) == []
    # the admin sees every ticket, so may start anywhere
    j, _ = lst(desk.D, after=ts[1], limit=5)
    assert ts[0] in ids(j) and ts[1] not in ids(j)


@pytest.fixture(scope="module")
def many(stack):
    """A client with CAP + 20 tickets holding one word (inserted in SQL:
    the API would take minutes) and three holding another."""
    C = make_user(stack, "client", "Search Sam", "searchC")
    common, rare = word("common"), word("rare")
    # each with its "created" audit row, as the application writes it
    # (tests/http/test_tickets_zz_invariants.py checks every ticket's)
    stack.psql("WITH t AS (INSERT INTO tickets (title, description,"
               " created_by) SELECT 'Bulk ' || g, 'About %s number ' || g, %d"
               " FROM generate_series(1, %d) g RETURNING *)"
               " INSERT INTO audit_logs (entity_type, entity_id, action,"
               " performed_by, ip_address, user_agent, payload)"
               " SELECT 'ticket', t.id, 'created', t.created_by,"
               " '127.0.0.1', 'tests', jsonb_build_object('title', t.title,"
               " 'status', t.status) FROM t"
               % (common, int(C.user["id"]), CAP + 20))
    for i in range(3):
        new_ticket(C, title="Rare %d %s" % (i, rare))
    return C, common, rare


def test_search_total_capped(many, desk):
    C, common, rare = many
    j, h = lst(C, q=common, limit=50)
    assert j["total"] == CAP and h.get("X-Total-Capped") == "true", \
        (j["total"], dict(h))
    assert len(j["tickets"]) == 50
    # the admin's search counts the same way
    j, h = lst(desk.D, q=common)
    assert j["total"] == CAP and h.get("X-Total-Capped") == "true"
    # under the cap the total is exact and not flagged
    j, h = lst(C, q=rare)
    assert j["total"] == 3 and "X-Total-Capped" not in h
    # without q the count is exact however many
    j, h = lst(C, limit=1)
    assert j["total"] == CAP + 23 and "X-Total-Capped" not in h
    # pages past the cap still answer
    j, _ = lst(C, q=common, limit=50, page=11)
    assert len(j["tickets"]) == 20 and j["total"] == CAP


def test_search_capped_page_says_more_than(many, stack):
    C, common, _ = many
    from conftest import Browser
    b = Browser(stack)
    b.login(C.user["email"], C.user["password"])
    html = page(b, "/tickets?q=" + common)
    assert "More than %d tickets match" % CAP in html, html[:2000]
    assert "add a word to narrow the search" in html


def test_comment_words_found_after_title_edit(desk):
    """A comment's words join the ticket's document at once; editing the
    title rebuilds the document from the comments, internal notes still
    only in the staff's."""
    A, G, D = desk.A, desk.G1, desk.D
    pub, note, new = word("pub"), word("note"), word("title")
    t = new_ticket(A)["id"]
    assert D.post("/api/tickets/%s/assign" % t,
                  {"agent_id": G.user["id"]}).status_code in (200, 201)
    assert A.post("/api/tickets/%s/comments" % t,
                  {"message": "public " + pub}).status_code == 201
    assert G.post("/api/tickets/%s/comments" % t,
                  {"message": "internal " + note,
                   "is_internal": True}).status_code == 201
    for _ in range(2):
        assert ids(lst(A, q=pub)[0]) == [t]
        assert ids(lst(A, q=note)[0]) == []
        assert ids(lst(G, q=note)[0]) == [t]
        assert ids(lst(D, q=note)[0]) == [t]
        r = A.patch("/api/tickets/%s" % t, {"title": "Edited " + new})
        assert r.status_code == 200, r.text
    assert ids(lst(A, q=new)[0]) == [t]


def test_audit_unfiltered_total_is_the_log_length(desk, stack):
    j = desk.D.get("/api/audit", params={"limit": 1}).json()
    n = int(stack.psql_one("SELECT count(*) FROM audit_logs"))
    assert j["total"] == n, (j["total"], n)
    f = desk.D.get("/api/audit", params={"limit": 1,
                                         "action": "created"}).json()
    m = int(stack.psql_one("SELECT count(*) FROM audit_logs"
                           " WHERE action = 'created'"))
    assert f["total"] == m and 0 < m < n
