"""The statistics API and the dashboard page (issue 7; ORIGINAL.md §3.9,
API.md §1 and §4), through nginx on the session stack.

Seeded through the API: two clients (C1, C2) with tickets in every status
and priority (and none), assigned to two agents (G1, G2) or to nobody,
moved through the lifecycle by the people allowed to; a few are backdated
in SQL so that the trends and the 30-day chart have past days.  Every
number the API or the page shows is compared with a count written here
independently in SQL (stack.psql), at the moment of the request: the
scope is the original's (clients: the tickets they created; agents: the
tickets assigned to them; admins: all).
"""
import datetime
import re
import xml.etree.ElementTree as ET

import pytest

from conftest import Browser, page
from tickets_fixtures import (ISO_RE, JSON_CT, admin_actor, assert_error,
                              assert_json, make_user, new_ticket)

SVG_NS = "{http://www.w3.org/2000/svg}"
STATUS_KEYS = [("Open", "open"), ("In Progress", "inProgress"),
               ("Resolved", "resolved"), ("Closed", "closed")]
RECENT_KEYS = {"id", "title", "description", "status", "created_by",
               "category_id", "priority_id", "created_at", "updated_at",
               "creator"}
DAYS_MSG = "must be a whole number from 1 to 365"

# (agent: 0, 1 or None; final status; priority: index into the priorities
# by rank, or None).  Each client gets all of these.
PLAN = [
    (None, "Open", 0),
    (0, "Open", 1),
    (0, "In Progress", 2),
    (1, "Resolved", 3),
    (0, "Closed", None),        # resolved by the agent, closed by its owner
    (None, "Closed", 0),        # closed by its owner while open
    (1, "In Progress", None),
    (1, "Open", 2),
    (0, "Resolved", None),
]


def patch_status(actor, tid, status):
    r = actor.patch("/api/tickets/%s" % tid, {"status": status})
    assert r.status_code == 200, (actor, tid, status, r.status_code, r.text)


class World:
    """The module's people and tickets."""

    def __init__(self, st):
        self.st = st
        self.C = [make_user(st, "client", "Stats Client %d" % i, "C%d" % i)
                  for i in (1, 2)]
        self.G = [make_user(st, "agent", "Stats Agent %d" % i, "G%d" % i)
                  for i in (1, 2)]
        self.D = admin_actor(st)
        prios = self.D.get("/api/priorities").json()
        assert len(prios) >= 4, prios
        self.prios = [p["id"] for p in prios]
        self.tickets = {c.label: [] for c in self.C}
        for c in self.C:
            for agent, status, prio in PLAN:
                self.seed(c, agent, status, prio)

    def seed(self, client, agent, status, prio):
        body = {}
        if prio is not None:
            body["priority_id"] = self.prios[prio]
        t = new_ticket(client, **body)
        tid = t["id"]
        g = self.G[agent] if agent is not None else None
        if g is not None:
            r = self.D.post("/api/tickets/%s/assign" % tid, {"agent_id": g.id})
            assert r.status_code == 201, r.text
        if status in ("In Progress", "Resolved") or (status == "Closed" and g):
            patch_status(g, tid, "In Progress")
        if status == "Resolved" or (status == "Closed" and g):
            patch_status(g, tid, "Resolved")
        if status == "Closed":
            patch_status(client, tid, "Closed")
        self.tickets[client.label].append(tid)
        return tid

    def actors(self):
        return {"C1": self.C[0], "C2": self.C[1], "G1": self.G[0],
                "G2": self.G[1], "admin": self.D}


@pytest.fixture(scope="module")
def world(stack):
    w = World(stack)
    # Past days: C1's first ticket 5 days ago, C2's first at the start of
    # the chart's first day, C2's second 45 days ago, C1's second 400.
    back = [(w.tickets["C1"][0], "now() - interval '5 days'"),
            (w.tickets["C2"][0], "(date_trunc('day', now() AT TIME ZONE "
             "'UTC') - interval '29 days' + interval '1 hour') "
             "AT TIME ZONE 'UTC'"),
            (w.tickets["C2"][1], "now() - interval '45 days'"),
            (w.tickets["C1"][1], "now() - interval '400 days'")]
    for tid, when in back:
        stack.psql("UPDATE tickets SET created_at = %s WHERE id = %d"
                   % (when, int(tid)))
    return w


@pytest.fixture(scope="module")
def browsers(stack, world):
    out = {}
    for who, a in world.actors().items():
        b = Browser(stack)
        r = b.login(a.user["email"], a.user["password"])
        assert r.status_code == 303, (who, r.status_code, r.text[:300])
        out[who] = b
    return out


# ------------------------------------------------------------- SQL side

def scope(actor):
    """The caller's tickets, as a condition on tickets t."""
    if actor.role == "admin":
        return "TRUE"
    if actor.role == "client":
        return "t.created_by = %d" % int(actor.id)
    return ("t.id IN (SELECT x.ticket_id FROM ticket_assignments x "
            "WHERE x.agent_id = %d)" % int(actor.id))


def sql_totals(st, actor):
    rows = st.psql("SELECT t.status, count(*) FROM tickets t WHERE %s "
                   "GROUP BY t.status" % scope(actor))
    by = {s: int(n) for s, n in rows}
    out = {"total": sum(by.values())}
    for status, key in STATUS_KEYS:
        out[key] = by.get(status, 0)
    if actor.role == "admin":
        out["unassigned"] = int(st.psql_one(
            "SELECT count(*) FROM tickets t WHERE t.id NOT IN (SELECT "
            "a.ticket_id FROM ticket_assignments a WHERE a.agent_id IS "
            "NOT NULL)"))
    return out


def sql_users(st):
    rows = st.psql("SELECT role, is_active, count(*) FROM users "
                   "GROUP BY role, is_active")
    n = {"total": 0, "client": 0, "agent": 0, "admin": 0, "inactive": 0}
    for role, active, c in rows:
        n["total"] += int(c)
        n[role] += int(c)
        if active != "t":
            n["inactive"] += int(c)
    return n


def sql_recent(st, actor):
    return [r[0] for r in st.psql(
        "SELECT t.id FROM tickets t WHERE %s ORDER BY t.created_at DESC, "
        "t.id DESC LIMIT 10" % scope(actor))]


def sql_days(st, actor):
    """{date: (opened, resolved)} of the last 30 UTC days, every day."""
    today = datetime.date.fromisoformat(st.psql_one(
        "SELECT (now() AT TIME ZONE 'UTC')::date"))
    out = {str(today - datetime.timedelta(days=k)): [0, 0]
           for k in range(30)}
    for d, n in st.psql(
            "SELECT to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'),"
            " count(*) FROM tickets t WHERE %s GROUP BY 1" % scope(actor)):
        if d in out:
            out[d][0] = int(n)
    # admins: every audited resolution; others: of the tickets in scope
    join = "" if actor.role == "admin" else \
        " AND a.entity_id IN (SELECT t.id FROM tickets t WHERE %s)" \
        % scope(actor)
    for d, n in st.psql(
            "SELECT to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'),"
            " count(*) FROM audit_logs a"
            " WHERE a.entity_type = 'ticket' AND a.action = 'updated' AND"
            " a.payload->'changes'->'status'->>'to' = 'Resolved'%s"
            " GROUP BY 1" % join):
        if d in out:
            out[d][1] = int(n)
    return {d: tuple(v) for d, v in out.items()}, str(today)


def sql_priorities(st, actor):
    """[(name, count)] by rank, then ("No priority", count)."""
    rows = st.psql(
        "SELECT p.name, (SELECT count(*) FROM tickets t WHERE "
        "t.priority_id = p.id AND %s) FROM priorities p ORDER BY p.rank, p.id"
        % scope(actor))
    none = st.psql_one("SELECT count(*) FROM tickets t WHERE "
                       "t.priority_id IS NULL AND %s" % scope(actor))
    return [(n, int(c)) for n, c in rows] + [("No priority", int(none))]


def sql_trends(st, days):
    return [{"date": d, "count": c} for d, c in st.psql(
        "SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS d,"
        " count(*)::text FROM tickets WHERE created_at >= now() - "
        "interval '%d days' GROUP BY 1 ORDER BY 1" % days)]


# ------------------------------------------------------------- the API

ROLES = ["C1", "C2", "G1", "G2", "admin"]


@pytest.mark.parametrize("who", ROLES)
def test_dashboard_numbers_equal_sql(stack, world, who):
    a = world.actors()[who]
    r = a.get("/api/statistics/dashboard")
    assert r.status_code == 200, r.text
    j = assert_json(r)
    want = sql_totals(stack, a)
    if a.role == "admin":
        assert list(j) == ["users", "totals", "byStatus", "recentTickets"]
        u = sql_users(stack)
        assert j["users"] == {"total": u["total"], "clients": u["client"],
                              "agents": u["agent"]}
    else:
        assert list(j) == ["totals", "byStatus", "recentTickets"]
    assert j["totals"] == want
    for v in j["totals"].values():
        assert type(v) is int
    assert list(j["totals"])[:5] == ["total", "open", "inProgress",
                                     "resolved", "closed"]
    assert j["byStatus"] == [{"status": s, "count": want[k]}
                             for s, k in STATUS_KEYS]
    # the module's own people: what was seeded, exactly
    if who in ("C1", "C2"):
        assert want["total"] == len(PLAN)
        assert want["resolved"] == 2 and want["closed"] == 2
    if who == "G1":
        assert want["total"] == 2 * sum(1 for p in PLAN if p[0] == 0)


@pytest.mark.parametrize("who", ROLES)
def test_recent_tickets_scope_order_shape(stack, world, who):
    a = world.actors()[who]
    j = a.get("/api/statistics/dashboard").json()
    rec = j["recentTickets"]
    assert [t["id"] for t in rec] == sql_recent(stack, a)
    assert len(rec) == min(10, sql_totals(stack, a)["total"])
    for t in rec:
        assert set(t) == RECENT_KEYS, t
        assert isinstance(t["id"], str) and isinstance(t["created_by"], str)
        assert ISO_RE.match(t["created_at"]) and ISO_RE.match(t["updated_at"])
        assert t["priority_id"] is None or type(t["priority_id"]) is int
        row = stack.psql("SELECT u.id, u.name, u.email, t.title, t.status "
                         "FROM tickets t JOIN users u ON u.id = t.created_by "
                         "WHERE t.id = %d" % int(t["id"]))[0]
        assert t["creator"] == {"id": row[0], "name": row[1],
                                "email": row[2]}
        assert (t["title"], t["status"]) == (row[3], row[4])
        assert t["created_by"] == row[0]
    times = [(t["created_at"], int(t["id"])) for t in rec]
    assert times == sorted(times, reverse=True)


def test_clients_never_see_each_other(world):
    c1, c2 = world.C
    r1 = c1.get("/api/statistics/dashboard").json()["recentTickets"]
    r2 = c2.get("/api/statistics/dashboard").json()["recentTickets"]
    assert r1 and r2
    assert {t["created_by"] for t in r1} == {c1.id}
    assert {t["created_by"] for t in r2} == {c2.id}
    assert not {t["id"] for t in r1} & set(world.tickets["C2"])


def test_agent_scope_is_assignment(stack, world):
    """An agent counts what is assigned to them, not what they created."""
    g = world.G[1]
    own = new_ticket(g)
    j = g.get("/api/statistics/dashboard").json()
    assert own["id"] not in [t["id"] for t in j["recentTickets"]]
    assert j["totals"] == sql_totals(stack, g)
    r = world.D.post("/api/tickets/%s/assign" % own["id"], {"agent_id": g.id})
    assert r.status_code == 201
    j2 = g.get("/api/statistics/dashboard").json()
    assert j2["totals"]["total"] == j["totals"]["total"] + 1
    assert j2["recentTickets"][0]["id"] == own["id"]


def test_unassigned_moves(stack, world):
    d = world.D
    before = d.get("/api/statistics/dashboard").json()["totals"]
    t = new_ticket(world.C[0])
    mid = d.get("/api/statistics/dashboard").json()["totals"]
    assert mid["unassigned"] == before["unassigned"] + 1
    assert mid["total"] == before["total"] + 1
    assert d.post("/api/tickets/%s/assign" % t["id"],
                  {"agent_id": world.G[0].id}).status_code == 201
    after = d.get("/api/statistics/dashboard").json()["totals"]
    assert after["unassigned"] == before["unassigned"]
    assert after == sql_totals(stack, d)


def test_dashboard_needs_a_session(stack, world):
    from tickets_fixtures import Actor
    anon = Actor(stack, "anonymous")
    assert_error(anon.get("/api/statistics/dashboard"), 401)
    bad = Actor(stack, "bad", token="not.a.token")
    assert_error(bad.get("/api/statistics/dashboard"), 401)
    assert_error(anon.get("/api/statistics/trends"), 401)


@pytest.mark.parametrize("who", ["C1", "G1"])
def test_trends_admin_only(world, who):
    a = world.actors()[who]
    assert_error(a.get("/api/statistics/trends"), 403,
                 "Insufficient permissions")
    assert_error(a.get("/api/statistics/trends", params={"days": "7"}), 403,
                 "Insufficient permissions")


@pytest.mark.parametrize("days", [None, 1, 7, 30, 60, 365])
def test_trends_equal_sql(stack, world, days):
    params = {} if days is None else {"days": str(days)}
    r = world.D.get("/api/statistics/trends", params=params)
    assert r.status_code == 200, r.text
    j = assert_json(r)
    assert j == sql_trends(stack, days or 30)
    for item in j:
        assert list(item) == ["date", "count"]
        assert isinstance(item["count"], str) and int(item["count"]) > 0
    dates = [i["date"] for i in j]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)


def test_trends_window(stack, world):
    """The backdated tickets fall in and out of the windows."""
    def total(days):
        j = world.D.get("/api/statistics/trends",
                        params={"days": str(days)}).json()
        return sum(int(i["count"]) for i in j)
    t30, t60, t365 = total(30), total(60), total(365)
    assert t30 < t60 <= t365        # the 45-day-old ticket
    all_ = int(stack.psql_one("SELECT count(*) FROM tickets"))
    assert t365 < all_              # the 400-day-old one is never in


@pytest.mark.parametrize("raw", ["0", "-1", "366", "abc", "1.5", "",
                                 "1e2", "+5", " 5", "99999999999999999999"])
def test_trends_bad_days(world, raw):
    r = world.D.get("/api/statistics/trends?days=" + raw.replace(" ", "%20")
                    .replace("+", "%2B"))
    assert r.status_code == 400, (raw, r.status_code, r.text)
    assert r.headers["Content-Type"] == JSON_CT
    assert r.json() == {"error": "Validation failed",
                        "details": [{"path": "days", "msg": DAYS_MSG}]}


def test_trends_days_twice(world):
    r = world.D.get("/api/statistics/trends?days=1&days=2")
    assert r.status_code == 400, r.text
    assert r.json() == {"error": "Validation failed", "details": [
        {"path": "days", "msg": "must be given only once"}]}


# ------------------------------------------------------------- the page

SVG_RE = re.compile(r"<svg\b.*?</svg>", re.S)
DAY_ROW_RE = re.compile(
    r'<tr><th scope="row"><time datetime="(\d{4}-\d\d-\d\d)">[^<]*</time>'
    r'</th><td class="num">(\d+)</td><td class="num">(\d+)</td></tr>')
ROW_RE = re.compile(r'<tr><th scope="row">([^<]*)</th><td class="num">'
                    r'(\d+)</td></tr>')


def table(text, tid):
    m = re.search(r'<table class="chart-table" id="%s">(.*?)</table>' % tid,
                  text, re.S)
    assert m, tid
    return m.group(1)


def stat(text, key):
    m = re.search(r'id="stat-%s">(\d+)<' % key, text)
    return int(m.group(1)) if m else None


def charts(text):
    """Each chart's SVG, parsed: role=img, a title named by aria."""
    out = {}
    for s in SVG_RE.findall(text):
        svg = ET.fromstring(s)
        assert svg.get("role") == "img", s[:200]
        assert svg.get("viewBox") and svg.get("width") is None
        title = svg.find(SVG_NS + "title")
        desc = svg.find(SVG_NS + "desc")
        assert title is not None and title.text, s[:200]
        assert desc is not None and desc.text
        ids = svg.get("aria-labelledby").split()
        assert ids == [title.get("id"), desc.get("id")]
        assert " style=" not in s and "<script" not in s
        out[svg.get("id")] = svg
    return out


def day_chart(svg):
    """{label: [opened, resolved]} from the bars' titles, each bar's
    height checked against its value on the axis."""
    grid = svg.find(SVG_NS + "g[@class='chart-grid']")
    ticks = [(float(t.get("y")), int(t.text))
             for t in grid.findall(SVG_NS + "text")]
    (y0, v0), (ytop, top) = ticks[0], ticks[-1]
    assert v0 == 0 and top >= 4
    values = {}
    for k, cls in enumerate(("bar-opened", "bar-resolved")):
        for rect in svg.find(SVG_NS + "g[@class='%s']" % cls):
            label, n = re.match(r"^(.+): (\d+) (opened|resolved)$",
                                rect.find(SVG_NS + "title").text).group(1, 2)
            n = int(n)
            h = float(rect.get("height"))
            assert abs(float(rect.get("y")) + h - y0) < 0.11
            assert abs(h - max(1.0, n * (y0 - ytop) / top)) < 0.11, (n, h)
            values.setdefault(label, [0, 0])[k] = n
    return values


def label_of(date):
    d = datetime.date.fromisoformat(date)
    return "%d %s" % (d.day, d.strftime("%b"))


def check_days(stack, text, actor):
    svg = charts(text)["days-chart"]
    rows = DAY_ROW_RE.findall(table(text, "days-table"))
    assert len(rows) == 30
    want, today = sql_days(stack, actor)
    got = {d: (int(o), int(r)) for d, o, r in rows}
    assert [d for d, _, _ in rows] == sorted(want) and rows[-1][0] == today
    assert got == want
    bars = day_chart(svg)
    for d, (o, r) in got.items():
        assert tuple(bars.get(label_of(d), [0, 0])) == (o, r), d
    assert len(bars) == sum(1 for v in got.values() if v != (0, 0))
    return got, today


@pytest.mark.parametrize("who", ROLES)
def test_page_numbers_equal_sql(stack, world, browsers, who):
    a = world.actors()[who]
    text = page(browsers[who], "/dashboard")
    want = sql_totals(stack, a)
    for key, k in [("total", "total"), ("open", "open"),
                   ("in-progress", "inProgress"), ("resolved", "resolved"),
                   ("closed", "closed")]:
        assert stat(text, key) == want[k], key
    got = charts(text)
    assert set(got) == {"days-chart", "status-chart", "priority-chart"}
    check_days(stack, text, a)
    st_rows = ROW_RE.findall(table(text, "status-table"))
    assert [(s, int(n)) for s, n in st_rows] == \
        [(s, want[k]) for s, k in STATUS_KEYS]
    pr_rows = ROW_RE.findall(table(text, "priority-table"))
    assert [(s, int(n)) for s, n in pr_rows] == sql_priorities(stack, a)
    # the breakdown's bars say the same
    for cid, rows in [("status-chart", st_rows), ("priority-chart", pr_rows)]:
        vals = [t.text for t in got[cid].findall(SVG_NS + "text")
                if t.get("class") == "chart-value"]
        assert vals == [n for _, n in rows]
    # recent tickets: the API's, in its order, linked, with a status badge
    api = a.get("/api/statistics/dashboard").json()["recentTickets"]
    m = re.search(r'<ol class="recent-list" id="recent-tickets">(.*?)</ol>',
                  text, re.S)
    ids = re.findall(r'<a href="/tickets/(\d+)">', m.group(1))
    assert ids == [t["id"] for t in api]
    assert m.group(1).count('class="badge badge-') == len(api)
    assert "No tickets yet" not in text


@pytest.mark.parametrize("who", ["C1", "G1"])
def test_page_admin_parts_absent(world, browsers, who):
    text = page(browsers[who], "/dashboard")
    assert 'id="stat-unassigned"' not in text
    assert 'id="people-counts"' not in text
    assert "Manage users" not in text


def test_page_admin_parts(stack, world, browsers):
    text = page(browsers["admin"], "/dashboard")
    assert stat(text, "unassigned") == sql_totals(stack, world.D)["unassigned"]
    u = sql_users(stack)
    for key, n in [("clients", u["client"]), ("agents", u["agent"]),
                   ("admins", u["admin"]), ("deactivated", u["inactive"])]:
        m = re.search(r'id="people-%s">(\d+)<' % key, text)
        assert m and int(m.group(1)) == n, key
    assert '%d account' % u["total"] in text
    assert 'href="/admin/users"' in text


def test_resolving_moves_today(stack, world, browsers):
    """Resolve a ticket through the API: today's resolved count moves on
    the agent's, its owner's and the admin's dashboards."""
    g, c = world.G[0], world.C[0]
    before = {w: check_days(stack, page(browsers[w], "/dashboard"), a)
              for w, a in [("G1", g), ("C1", c), ("admin", world.D)]}
    t = new_ticket(c)
    assert world.D.post("/api/tickets/%s/assign" % t["id"],
                        {"agent_id": g.id}).status_code == 201
    patch_status(g, t["id"], "In Progress")
    patch_status(g, t["id"], "Resolved")
    for w, a in [("G1", g), ("C1", c), ("admin", world.D)]:
        got, today = check_days(stack, page(browsers[w], "/dashboard"), a)
        old, _ = before[w]
        assert got[today][1] == old[today][1] + 1, w
        assert got[today][0] == old[today][0] + 1, w
    # another agent's dashboard does not move
    g2 = check_days(stack, page(browsers["G2"], "/dashboard"), world.G[1])
    assert g2[0] == sql_days(stack, world.G[1])[0]


def test_page_empty_state_new_client(stack):
    a = make_user(stack, "client", "Brand New")
    b = Browser(stack)
    assert b.login(a.user["email"], a.user["password"]).status_code == 303
    text = page(b, "/dashboard")
    m = re.search(r'<section class="card empty-state.*?</section>', text, re.S)
    assert m and "No tickets yet" in m.group(0)
    assert '<a class="btn" href="/tickets/new">New ticket</a>' in m.group(0)
    assert 'role="img"' not in text
    assert 'id="stat-total"' not in text and "days-chart" not in text
    assert "Welcome, Brand New" in text
    j = a.get("/api/statistics/dashboard").json()
    assert j == {"totals": {"total": 0, "open": 0, "inProgress": 0,
                            "resolved": 0, "closed": 0},
                 "byStatus": [{"status": s, "count": 0}
                              for s, _ in STATUS_KEYS],
                 "recentTickets": []}


def test_page_empty_state_new_agent(stack):
    a = make_user(stack, "agent", "Fresh Agent")
    b = Browser(stack)
    assert b.login(a.user["email"], a.user["password"]).status_code == 303
    text = page(b, "/dashboard")
    assert "No tickets yet" in text and "assigned to you" in text
    assert 'href="/tickets/new"' not in text.split("<main")[1]


def test_page_anonymous_redirects(stack):
    b = Browser(stack)
    r = b.get("/dashboard")
    assert r.status_code == 303
    assert r.headers["Location"] == "/login?next=/dashboard"


def test_page_escapes_titles(stack, world, browsers):
    t = new_ticket(world.C[1], title="<b>bold</b> & \"quoted\" 'x'")
    text = page(browsers["C2"], "/dashboard")
    assert "<b>bold</b>" not in text
    assert "&lt;b&gt;bold&lt;/b&gt; &amp;" in text
    assert '<a href="/tickets/%s">' % t["id"] in text
    charts(text)        # still well-formed XML
