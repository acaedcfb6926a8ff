"""Role x route x object access matrix of the ticket PAGES (the desk route
group: HTML pages and their form posts), the page twin of
test_tickets_matrix.py (SECURITY.md §1.4 8.2.1 function level, 8.2.2 IDOR).

Objects: "own" = client A's ticket, assigned (API, by the admin) to agent
G1; "other" = client B's ticket, unassigned; "missing" = an id that does
not exist.  Not visible -> 404 page (never the title), assign by a
non-admin -> 403, anonymous -> 303 to the login page.  Signed-in actors are
browsers signed in through the /login form; every POST carries the csrf
token of the actor's own session (taken from /tickets/new), unless the
CSRF tests below say otherwise.  Write cells make fresh tickets, so no cell
depends on another.  Every cell is one test; the expected code comes from
the tables below.
"""
import html
import re

import pytest

from conftest import CSRF_RE, Browser
from tickets_fixtures import *  # noqa: F401,F403
from tickets_fixtures import (assert_no_db_text, assign, desk,  # noqa: F401
                              new_ticket, ticket_row, word)

ACTORS = ["anonymous", "clientA", "clientB", "agent", "otheragent", "admin"]
SIGNED = ACTORS[1:]
MISSING_ID = "987654321"
HTML_CT = "text/html; charset=utf-8"
LINK = '<a href="/tickets/%s">'
# one token in the titles of the GET pair, to keep ?q= lists small
LIST_WORD = word("pmx")

_SEEN = dict(anonymous=303, clientA=404, clientB=404, agent=404,
             otheragent=404, admin=404)
OWN_SEEN = dict(_SEEN, clientA="ok", agent="ok", admin="ok")
OTHER_SEEN = dict(_SEEN, clientB="ok", admin="ok")


def _row(base, ok):
    return {k: (ok if v == "ok" else v) for k, v in base.items()}


def _visible(ok):
    return {"own": _row(OWN_SEEN, ok), "other": _row(OTHER_SEEN, ok),
            "missing": dict(_SEEN)}


_ADMIN_ONLY = dict(anonymous=303, clientA=403, clientB=403, agent=403,
                   otheragent=403, admin=303)
# route -> object -> actor -> expected status
ID_ROUTES = {
    "GET /tickets/:id": _visible(200),
    "POST /tickets/:id/comments": _visible(303),
    "POST /tickets/:id/status": _visible(303),
    "POST /tickets/:id/edit": _visible(303),
    "POST /tickets/:id/assign": {"own": dict(_ADMIN_ONLY),
                                 "other": dict(_ADMIN_ONLY),
                                 "missing": dict(_ADMIN_ONLY, admin=404)},
}
# GET /tickets: status, and whether A's ticket / B's ticket is listed.
LIST = dict(anonymous=(303, None, None), clientA=(200, True, False),
            clientB=(200, False, True), agent=(200, True, False),
            otheragent=(200, False, False), admin=(200, True, True))
NEW_FORM = dict(anonymous=303, clientA=200, clientB=200, agent=200,
                otheragent=200, admin=200)
CREATE = dict(anonymous=303, clientA=303, clientB=303, agent=303,
              otheragent=303, admin=303)

CELLS = [(route, obj, actor, code)
         for route, objs in ID_ROUTES.items()
         for obj, row in objs.items()
         for actor, code in row.items()]

# CSRF: every POST route, for each signed-in actor the table lets use it
# (on the first object it may use it on); no token, and another user's.
CSRF_USERS = [("POST /tickets/new", who, None) for who in SIGNED]
for _route, _objs in ID_ROUTES.items():
    if _route.startswith("POST"):
        _done = set()
        for _obj in ("own", "other"):
            for _who in SIGNED:
                if _objs[_obj][_who] == 303 and _who not in _done:
                    _done.add(_who)
                    CSRF_USERS.append((_route, _who, _obj))
CSRF_CELLS = [(kind,) + c for kind in ("missing", "foreign")
              for c in CSRF_USERS]
FOREIGN = dict(clientA="clientB", clientB="clientA", agent="clientA",
               otheragent="clientA", admin="clientA")

MATRIX_SIZE = (len(CELLS) + len(LIST) + len(NEW_FORM) + len(CREATE)
               + len(CSRF_CELLS))


def test_pages_matrix_size_printed():
    print("\nticket pages access matrix: %d cells (%d routes with an id x 3 "
          "objects x %d actors, + list, new form and create x %d actors, "
          "+ %d csrf cells: no token / another user's token)"
          % (MATRIX_SIZE, len(ID_ROUTES), len(ACTORS), len(ACTORS),
             len(CSRF_CELLS)))
    # 5*3*6 = 90, + 3*6 = 18, + 2 * (5 new + 4 comments + 4 status
    # + 4 edit + 1 assign) = 36
    assert len(CSRF_CELLS) == 36
    assert MATRIX_SIZE == 144
    assert all(set(row) == set(ACTORS)
               for objs in ID_ROUTES.values() for row in objs.values())


# ------------------------------------------------------------- helpers

@pytest.fixture(scope="module")
def browsers(stack, desk):
    out = {}
    for who in SIGNED:
        a = desk.actors()[who]
        b = Browser(stack)
        r = b.login(a.user["email"], a.user["password"])
        assert r.status_code == 303, (who, r.status_code, r.text[:300])
        out[who] = b
    return out


def browser(stack, browsers, who):
    return Browser(stack) if who == "anonymous" else browsers[who]


def token(b, who):
    """The csrf token of b's session (anonymous: bound to its cookie)."""
    return b.csrf("/login" if who == "anonymous" else "/tickets/new")


def send(stack, browsers, who, path, data):
    b = browser(stack, browsers, who)
    return b.post(path, dict(data, csrf=token(b, who)))


def make_obj(desk, obj, title=None):
    """(id, title) of a fresh object."""
    if obj == "missing":
        return MISSING_ID, None
    t = new_ticket(desk.A if obj == "own" else desk.B,
                   title=title or "Pages %s %s" % (obj, word("u")))
    if obj == "own":
        assign(desk.D, t["id"], desk.G1.id)
    return t["id"], t["title"]


@pytest.fixture(scope="module")
def objs(desk):
    # "<", ">" and "&" in the titles: a visible page shows them escaped
    return {o: make_obj(desk, o, "Matrix <%s> & %s %s"
                        % (o, LIST_WORD, word("u")))
            for o in ("own", "other", "missing")}


def snapshot(st, tid):
    """Everything a form post may change on ticket tid (one psql call)."""
    t = int(tid)
    return st.psql(
        "SELECT (SELECT row(title, description, status, created_by, "
        "category_id, priority_id, updated_at)::text FROM tickets "
        "WHERE id = %d), (SELECT string_agg(row(id, user_id, message, "
        "is_internal)::text, '|' ORDER BY id) FROM ticket_comments "
        "WHERE ticket_id = %d), (SELECT string_agg(row(id, agent_id, "
        "assigned_by, note, assigned_at)::text, '|' ORDER BY id) "
        "FROM ticket_assignments WHERE ticket_id = %d)" % (t, t, t))


def check_status(r, expected, ctx):
    assert r.status_code == expected, (ctx, r.status_code,
                                       r.headers.get("Location"),
                                       r.text[:300])
    if expected in (200, 400, 403, 404):
        assert r.headers.get("Content-Type") == HTML_CT, \
            (ctx, r.headers.get("Content-Type"))
        assert "internal server error" not in r.text.lower(), ctx
        assert_no_db_text(r)


def post_data(route, desk, tag):
    if route.endswith("/comments"):
        return {"message": "pm-comment " + tag}
    if route.endswith("/status"):
        return {"status": "Closed"}
    if route.endswith("/edit"):
        return {"title": "pm-edit " + tag, "description": "edited",
                "category_id": "", "priority_id": ""}
    if route.endswith("/assign"):
        return {"agent_id": desk.G1.id, "note": ""}
    return {"title": "pm-new " + tag, "description": "created by a form"}


def count(st, sql):
    return int(st.psql_one(sql))


# ------------------------------------------------------------- cells

@pytest.mark.parametrize("route,obj,who,expected", CELLS,
                         ids=["%s|%s|%s" % c[:3] for c in CELLS])
def test_cell(stack, desk, browsers, objs, route, obj, who, expected):
    ctx = (route, obj, who)
    if route.startswith("GET"):
        tid, title = objs[obj]
        path = "/tickets/%s" % tid
        r = browser(stack, browsers, who).get(path)
        check_status(r, expected, ctx)
        if expected == 303:
            assert r.headers["Location"] == "/login?next=" + path, ctx
        elif expected == 200:
            assert html.escape(title) in r.text, ctx
            assert title not in r.text, ctx     # never unescaped
        else:
            for o in ("own", "other"):
                assert objs[o][1].split()[-1] not in r.text, (ctx, o)
        return
    tid, orig = make_obj(desk, obj)
    path = "/tickets/%s/%s" % (tid, route.rsplit("/", 1)[1])
    tag = word("t")
    data = post_data(route, desk, tag)
    before = snapshot(stack, tid)
    r = send(stack, browsers, who, path, data)
    check_status(r, expected, ctx)
    after = snapshot(stack, tid)
    if expected == 303 and who == "anonymous":
        assert r.headers["Location"] == "/login", ctx
    elif expected == 303:
        assert r.headers["Location"] == "/tickets/%s" % tid, ctx
    if expected != 303 or who == "anonymous":
        assert after == before, ctx
    uid = desk.actors()[who].id
    ok = expected == 303 and who != "anonymous"
    if route.endswith("/comments"):
        rows = stack.psql("SELECT ticket_id, user_id FROM ticket_comments "
                          "WHERE message = '%s'" % data["message"])
        assert rows == ([[tid, uid]] if ok else []), (ctx, rows)
    elif route.endswith("/edit"):
        rows = stack.psql("SELECT id FROM tickets WHERE title = '%s'"
                          % data["title"])
        assert rows == ([[tid]] if ok else []), (ctx, rows)
        if not ok and obj != "missing":
            assert ticket_row(stack, tid)["title"] == orig, ctx
    elif route.endswith("/status") and not ok and obj != "missing":
        assert ticket_row(stack, tid)["status"] == "Open", ctx
    elif route.endswith("/assign") and ok:
        assert stack.psql("SELECT agent_id, assigned_by FROM "
                          "ticket_assignments WHERE ticket_id = %s"
                          % tid) == [[desk.G1.id, desk.D.id]], ctx


@pytest.mark.parametrize("who", ACTORS)
def test_list(stack, browsers, objs, who):
    status, sees_own, sees_other = LIST[who]
    path = "/tickets" if who == "anonymous" else "/tickets?q=" + LIST_WORD
    r = browser(stack, browsers, who).get(path)
    check_status(r, status, ("list", who))
    if status == 303:
        assert r.headers["Location"] == "/login?next=/tickets"
        return
    assert "<h1>Tickets</h1>" in r.text
    assert (LINK % objs["own"][0] in r.text) == sees_own, (who, "own")
    assert (LINK % objs["other"][0] in r.text) == sees_other, (who, "other")


@pytest.mark.parametrize("who", ACTORS)
def test_new_form(stack, browsers, who):
    r = browser(stack, browsers, who).get("/tickets/new")
    check_status(r, NEW_FORM[who], ("new form", who))
    if r.status_code == 303:
        assert r.headers["Location"] == "/login?next=/tickets/new"
        return
    assert 'action="/tickets/new"' in r.text
    m = CSRF_RE.search(r.text)
    assert m and m.group(1), who


@pytest.mark.parametrize("who", ACTORS)
def test_create(stack, desk, browsers, who):
    data = post_data("POST /tickets/new", desk, word("t"))
    before = count(stack, "SELECT count(*) FROM tickets")
    r = send(stack, browsers, who, "/tickets/new", data)
    check_status(r, CREATE[who], ("create", who))
    rows = stack.psql("SELECT id, created_by, status FROM tickets WHERE "
                      "title = '%s'" % data["title"])
    if who == "anonymous":
        assert r.headers["Location"] == "/login"
        assert rows == []
        assert count(stack, "SELECT count(*) FROM tickets") == before
        return
    m = re.fullmatch(r"/tickets/(\d+)", r.headers["Location"])
    assert m, r.headers["Location"]
    assert rows == [[m.group(1), desk.actors()[who].id, "Open"]], rows


# ------------------------------------------------------------- csrf

@pytest.mark.parametrize("kind,route,who,obj", CSRF_CELLS,
                         ids=["%s|%s|%s" % c[:3] for c in CSRF_CELLS])
def test_csrf_cell(stack, desk, browsers, kind, route, who, obj):
    b = browsers[who]
    data = post_data(route, desk, word("t"))
    if route.endswith("/status"):
        # a move the actor could make, so that "unchanged" means something
        data["status"] = "In Progress" if who == "agent" else "Closed"
    if kind == "foreign":
        other = browsers[FOREIGN[who]]
        data["csrf"] = token(other, FOREIGN[who])
        assert data["csrf"] != token(b, who)
    if obj is None:
        path, tid = "/tickets/new", None
        before = count(stack, "SELECT count(*) FROM tickets")
    else:
        tid, _ = make_obj(desk, obj)
        path = "/tickets/%s/%s" % (tid, route.rsplit("/", 1)[1])
        before = snapshot(stack, tid)
    r = b.post(path, data)
    check_status(r, 403, (kind, route, who, obj))
    assert "did not come from this site" in r.text
    if tid is None:
        assert count(stack, "SELECT count(*) FROM tickets") == before
        assert stack.psql("SELECT id FROM tickets WHERE title = '%s'"
                          % data["title"]) == []
    else:
        assert snapshot(stack, tid) == before
