"""CSV exports of tickets (API.md §2, §3.1; SECURITY.md 1.2.10, 8.2.3):
GET /api/tickets/export.csv (bearer) and GET /tickets/export.csv (cookie
page), both through nginx to the reports group.

Checked: who may export what (anonymous 401 / sign-in redirect, clients
their own tickets, agents the assigned ones, admins all: each compared
with SQL), the list's filters, search and order, the list's 400 for bad
filters, the headers, a round trip through Python's csv module of text
with commas, quotes, CR/LF, formula prefixes, tabs and Unicode, internal
notes (never matched by a client's search, never in any export), the
page route and its link on /tickets, and, on a private stack of 100,000
tickets, that a large export streams without growing the worker's memory
and that a client leaving mid-export leaves the worker usable.
"""
import contextlib
import csv
import datetime
import html
import io
import os
import re

import pytest
import requests

import stack as stackmod
from conftest import Browser, assert_security_headers
from tickets_fixtures import (admin_actor, assign, assert_validation,  # noqa: F401
                              desk, make_user, new_ticket, set_status, word)

CSV_CT = "text/csv; charset=utf-8"
COLUMNS = ["id", "title", "status", "priority", "category",
           "created_by_name", "created_by_email", "assigned_to",
           "created_at", "updated_at", "description"]
ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
FORMULA = ("=", "+", "-", "@", "\t", "\r")


def parse(r):
    """The export's records (header row checked and dropped) as dicts."""
    assert r.status_code == 200, (r.status_code, r.text[:300])
    assert r.headers["Content-Type"] == CSV_CT
    body = r.content.decode("utf-8")
    assert body.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(body, newline=""), strict=True))
    assert rows and rows[0] == COLUMNS, rows[:1]
    for row in rows[1:]:
        assert len(row) == len(COLUMNS), row
    return [dict(zip(COLUMNS, row)) for row in rows[1:]]


def export(actor, **params):
    return actor.get("/api/tickets/export.csv", params=params)


def ids(actor, **params):
    return [row["id"] for row in parse(export(actor, **params))]


def sql_ids(st, where):
    return {r[0] for r in st.psql("SELECT t.id::text FROM tickets t WHERE "
                                  + where)}


def cell(value):
    """What a stored value becomes in the export."""
    return "'" + value if value.startswith(FORMULA) else value


# ------------------------------------------------------------- who

def test_anonymous(stack, desk):
    r = desk.anon.get("/api/tickets/export.csv")
    assert r.status_code == 401
    assert r.headers["Content-Type"].startswith("application/json")
    b = Browser(stack)
    r = b.get("/tickets/export.csv?status=Open")
    assert r.status_code == 303
    assert r.headers["Location"].startswith("/login?next=/tickets/export.csv")
    # A bearer token is no cookie and a cookie is no bearer token.
    r = b.s.get(stack.url("/api/tickets/export.csv"),
                headers={"Authorization": "Bearer nope"}, timeout=15)
    assert r.status_code == 401


def test_each_role_sees_what_the_list_shows(stack, desk):
    w = word("rbac")
    a1 = new_ticket(desk.A, description="first " + w)
    a2 = new_ticket(desk.A, description="second " + w)
    b1 = new_ticket(desk.B, description="other " + w)
    assign(desk.D, a1["id"], desk.G1.id)
    assert set(ids(desk.A, q=w)) == {a1["id"], a2["id"]}
    assert set(ids(desk.B, q=w)) == {b1["id"]}
    assert set(ids(desk.G1, q=w)) == {a1["id"]}
    assert ids(desk.G2, q=w) == []
    assert set(ids(desk.D, q=w)) == {a1["id"], a2["id"], b1["id"]}
    # Without a filter: exactly what SQL says each may see, no page cap.
    st = stack
    assert sorted(ids(desk.A)) == sorted(
        sql_ids(st, "created_by = %d" % int(desk.A.id)))
    assert sorted(ids(desk.G1)) == sorted(sql_ids(
        st, "created_by = %d OR id IN (SELECT ticket_id FROM "
        "ticket_assignments WHERE agent_id = %d)"
        % (int(desk.G1.id), int(desk.G1.id))))
    everything = ids(desk.D)
    assert len(everything) == len(set(everything))
    assert set(everything) == sql_ids(st, "true")
    # An agent's assigned_to filter is ignored, as in the list.
    assert set(ids(desk.G1, q=w, assigned_to=desk.G2.id)) == {a1["id"]}


def test_matches_the_list_in_order_and_filters(stack, desk):
    w = word("flt")
    ts = [new_ticket(desk.A, description="%s n%d" % (w, i),
                     priority_id=1 + i % 3, category_id=1 + i % 2)
          for i in range(6)]
    assign(desk.D, ts[0]["id"], desk.G1.id)
    assign(desk.D, ts[1]["id"], desk.G2.id)
    set_status(stack, ts[2]["id"], "Resolved")
    cases = [{}, {"status": "Resolved"}, {"status": "Open"},
             {"priority_id": 2}, {"category_id": 1},
             {"assigned_to": desk.G2.id}, {"sort": "priority", "order": "asc"},
             {"sort": "status", "order": "desc"}, {"sort": "updated"},
             {"sort": "created", "order": "asc", "priority_id": 1}]
    for c in cases:
        params = dict(c, q=w)
        lst = desk.D.get("/api/tickets", params=dict(params, limit=100))
        assert lst.status_code == 200, lst.text
        want = [t["id"] for t in lst.json()["tickets"]]
        assert ids(desk.D, **params) == want, c
    assert len(ids(desk.D, q=w, status="Resolved")) == 1
    # page and limit are accepted (the list's links) but export everything.
    assert len(ids(desk.D, q=w, page=2, limit=1)) == 6


def test_bad_filters_are_the_lists_400(stack, desk):
    for params, path in [({"status": "Bogus"}, "status"),
                         ({"sort": "title"}, "sort"),
                         ({"order": "up"}, "order"),
                         ({"priority_id": "x"}, "priority_id"),
                         ({"category_id": "0"}, "category_id"),
                         ({"assigned_to": "-1"}, "assigned_to"),
                         ({"q": "a" * 201}, "q")]:
        r = export(desk.A, **params)
        assert_validation(r, path)
        lst = desk.A.get("/api/tickets", params=params)
        assert lst.status_code == 400 and lst.json() == r.json()
    r = desk.A.get("/api/tickets/export.csv?status=Open&status=Closed")
    assert_validation(r, "status")


def test_headers(stack, desk):
    r = export(desk.A)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == CSV_CT
    assert r.headers["Cache-Control"] == "no-store"
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    # (a run across midnight UTC may see yesterday's name)
    m = re.fullmatch(r'attachment; filename="tickets-(\d{4}-\d{2}-\d{2})\.csv"',
                     r.headers["Content-Disposition"])
    assert m, r.headers["Content-Disposition"]
    assert m.group(1) <= today
    assert_security_headers(r)
    # HEAD: the same headers, no body (and no query run).
    h = desk.A.request("HEAD", "/api/tickets/export.csv")
    assert h.status_code == 200 and h.content == b""
    assert h.headers["Content-Type"] == CSV_CT
    assert h.headers["Content-Disposition"] == r.headers["Content-Disposition"]
    # An empty export is still a header row.
    assert r.content.startswith(b"id,title,status,")
    r = export(desk.G2, q=word("none"))
    assert r.content == (",".join(COLUMNS) + "\r\n").encode()


# ------------------------------------------------------------- content

TRICKY_TITLES = ["=1+1", "+x", "-x", "@x", "=HYPERLINK(\"http://e.test\")",
                 "a, b and \"c\"", "caf\u00e9 \u20ac \U0001F600 \u65e5\u672c",
                 "plain"]
TRICKY_DESCS = ["\ttab first", "\rcarriage first", "line1\r\nline2\nline3",
                "comma, \"quoted\", done", "=SUM(A1:A9)", "-2+3",
                "@cmd", "\u00fcnic\u00f8de \u2603 \U0001F4A9, \"\" end"]


def test_round_trip(stack, desk):
    w = word("rt")
    made = {}
    for title, desc in zip(TRICKY_TITLES, TRICKY_DESCS):
        t = new_ticket(desk.A, title=title, description=desc + " " + w,
                       priority_id=2, category_id=1)
        made[t["id"]] = t
    assign(desk.D, list(made)[0], desk.G1.id)
    rows = parse(export(desk.A, q=w, sort="created", order="asc"))
    assert [r["id"] for r in rows] == list(made)
    for row in rows:
        t = desk.A.get("/api/tickets/" + row["id"]).json()
        assert row["title"] == cell(t["title"])
        assert row["description"] == cell(t["description"])
        assert row["status"] == t["status"] == "Open"
        assert row["priority"] == t["priority"]["name"]
        assert row["category"] == t["category"]["name"]
        assert row["created_by_name"] == desk.A.user["name"]
        assert row["created_by_email"] == desk.A.user["email"]
        assert row["created_at"] == t["created_at"]
        assert row["updated_at"] == t["updated_at"]
        assert ISO_RE.match(row["created_at"])
        want = desk.G1.user["name"] if row["id"] == list(made)[0] else ""
        assert row["assigned_to"] == want
    # The stored descriptions kept their CR/LF and tabs: the export too.
    by_id = {r["id"]: r for r in rows}
    descs = [by_id[i]["description"] for i in made]
    assert descs[0].startswith("'\ttab first")
    assert descs[1].startswith("'\rcarriage first")
    assert descs[2].startswith("line1\r\nline2\nline3")
    # No cell a spreadsheet would run: every formula start is defused.
    for row in rows:
        for v in row.values():
            assert not v.startswith(FORMULA), row


def test_internal_notes_never_exported(stack, desk):
    w = word("note")
    canary = word("canary")
    t = new_ticket(desk.A, description="ticket " + w)
    assign(desk.D, t["id"], desk.G1.id)
    r = desk.G1.post("/api/tickets/%s/comments" % t["id"],
                     {"message": "secret " + canary, "is_internal": True})
    assert r.status_code == 201, r.text
    r = desk.A.post("/api/tickets/%s/comments" % t["id"],
                    {"message": "public reply " + canary + "x"})
    assert r.status_code == 201, r.text
    # A client's search never matches a note...
    r = export(desk.A, q=canary)
    assert parse(r) == []
    assert canary.encode() not in r.content
    # ...and no export ever carries a comment, note or not.
    for actor in (desk.A, desk.G1, desk.D):
        r = export(actor, q=w)
        assert [x["id"] for x in parse(r)] == [t["id"]]
        assert canary.encode() not in r.content
    # Staff search finds the ticket through the note; the note stays out.
    r = export(desk.D, q=canary)
    assert [x["id"] for x in parse(r)] == [t["id"]]
    assert canary.encode() not in r.content


# ------------------------------------------------------------- page

def browser_for(st, actor):
    b = Browser(st)
    r = b.login(actor.user["email"], actor.user["password"])
    assert r.status_code == 303, (r.status_code, r.text[:300])
    return b


def test_page_route_and_link(stack, desk):
    w = word("pg")
    mine = new_ticket(desk.A, description="page " + w, priority_id=3)
    new_ticket(desk.A, description="page " + w, priority_id=1)
    new_ticket(desk.B, description="page " + w, priority_id=3)
    b = browser_for(stack, desk.A)
    r = b.get("/tickets/export.csv?q=%s&priority_id=3" % w)
    assert [x["id"] for x in parse(r)] == [mine["id"]]
    assert r.headers["Cache-Control"] == "no-store"
    assert r.headers["Content-Disposition"].startswith("attachment;")
    # The link on the list carries the list's filters, escaped (a space
    # and quotes in q: websearch syntax, both words must match).
    q = "\"page\" " + w
    r = b.get("/tickets", params={"q": q, "priority_id": "3",
                                  "sort": "priority", "order": "asc"})
    assert r.status_code == 200
    m = re.search(r'id="export-csv" download href="([^"]*)"', r.text)
    assert m, r.text[-3000:]
    href = html.unescape(m.group(1))
    assert href.startswith("/tickets/export.csv?q=")
    assert "&priority_id=3&sort=priority&order=asc" in href
    assert "\"" not in href and " " not in href
    assert "&amp;priority_id=3&amp;sort=priority&amp;order=asc" in r.text
    assert [x["id"] for x in parse(b.get(href))] == [mine["id"]]
    # Following the plain link exports what the list shows.
    r = b.get("/tickets", params={"q": w})
    href = html.unescape(re.search(r'id="export-csv" download href="([^"]*)"',
                                   r.text).group(1))
    assert href == "/tickets/export.csv?q=" + w
    assert len(parse(b.get(href))) == 2
    # Bad filters: an error page, not a CSV.
    r = b.get("/tickets/export.csv?status=Nope")
    assert r.status_code == 400
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    # The API route wants a bearer token; a cookie does not do.
    r = b.get("/api/tickets/export.csv")
    assert r.status_code == 401


# ------------------------------------------------------------- large

# 10,000 tickets of ~5.5 KB: an export of ~57 MB.  Few rows, and one long
# "word" that text search skips (longer than 2047 characters), keep the
# bulk insert (search documents, counters) short.
BIG = int(os.environ.get("SSTS_EXPORT_TICKETS", "10000"))
REPEAT = 5500


@pytest.fixture(scope="module")
def big_stack():
    st = None
    # One reports worker, so that "the worker" is one process; a small
    # ASan quarantine, so that freed rows are not held (ASan builds only).
    asan = os.environ.get("ASAN_OPTIONS", "")
    asan = (asan + ":" if asan else "") + "quarantine_size_mb=1"
    try:
        st = stackmod.start_stack("exports-big", SSTS_WORKERS="1",
                                  ASAN_OPTIONS=asan)
        yield st
    finally:
        if st is not None:
            st.stop()


def reports_worker(st):
    """The pid of the (one) reports worker: multiwatch's child."""
    with open(os.path.join(st.var, "run", "reports.pid")) as f:
        parent = f.read().strip()
    kids = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/status" % pid) as f:
                status = f.read()
        except OSError:
            continue
        if re.search(r"^PPid:\s+%s$" % parent, status, re.M):
            kids.append(pid)
    assert len(kids) == 1, kids
    return kids[0]


def vm_kb(pid, key):
    with open("/proc/%s/status" % pid) as f:
        return int(re.search(r"^%s:\s+(\d+) kB" % key, f.read(), re.M).group(1))


def stream_rows(actor, path, chunk=65536, pid=None, peak=None):
    """Reads an export in chunks: (records without the header, bytes).
    With pid, peak[0] gets the highest VmRSS of pid seen meanwhile."""
    n = size = 0
    last = b""
    with actor.s.get(actor.st.url(path), stream=True, timeout=300,
                     headers={"Authorization": "Bearer " + actor.token}) as r:
        assert r.status_code == 200, r.status_code
        assert r.headers["Content-Type"] == CSV_CT
        for part in r.iter_content(chunk):
            size += len(part)
            # a CRLF may be split between two chunks
            n += (last + part).count(b"\r\n")
            last = part[-1:]
            if pid is not None:
                peak[0] = max(peak[0], vm_kb(pid, "VmRSS"))
    assert last == b"\n"
    return n - 1, size


BULK = {}     # stack var directory -> its bulk client (an Actor)


def bulk_client(st):
    """A client with BIG tickets of ~5.5 KB of description each (with
    commas and quotes, no newlines: CRLF counts the records), made once
    per stack."""
    if st.var in BULK:
        return BULK[st.var]
    client = BULK[st.var] = make_user(st, "client", "Bulk Client")
    st.psql("SET client_min_messages = warning;"
            " INSERT INTO tickets (title, description, created_by, status,"
            " priority_id, category_id) SELECT '=Bulk ' || g,"
            " 'lorem, \"ipsum\" dolor sit amet ' || repeat('x', %d) || g, %d,"
            " (ARRAY['Open','In Progress','Resolved','Closed'])[1 + g %% 4],"
            " 1 + g %% 4, 1 + g %% 7 FROM generate_series(1, %d) g"
            % (REPEAT, int(client.id), BIG))
    return client


def test_large_export_streams_in_constant_memory(big_stack):
    st = big_stack
    admin = admin_actor(st)
    client = bulk_client(st)
    total = int(st.psql_one("SELECT count(*) FROM tickets"))
    assert total >= BIG
    pid = reports_worker(st)
    # Warm up (the first export prepares, allocates the buffers).
    n, _ = stream_rows(admin, "/api/tickets/export.csv?status=Closed&q=nomatch")
    assert n == 0
    # VmHWM alone could hide a peak below the worker's start-up one (the
    # argon2 dummy hash): the RSS seen while streaming is checked too.
    before, rss = vm_kb(pid, "VmHWM"), vm_kb(pid, "VmRSS")
    peak = [rss]
    n, size = stream_rows(admin, "/api/tickets/export.csv", pid=pid,
                          peak=peak)
    assert n == total
    assert reports_worker(st) == pid
    after = vm_kb(pid, "VmHWM")
    print("export: %d rows, %d bytes; worker VmHWM %d -> %d kB, VmRSS %d"
          " -> at most %d kB" % (n, size, before, after, rss, peak[0]))
    assert size > 50 * 1024 * 1024, size
    assert after - before < 10 * 1024, (before, after, size)
    assert peak[0] - rss < 10 * 1024, (rss, peak[0], size)
    # The client's own export, filtered, agrees with SQL too.
    n, _ = stream_rows(client, "/api/tickets/export.csv?status=Closed")
    assert n == int(st.psql_one(
        "SELECT count(*) FROM tickets WHERE status = 'Closed' AND"
        " created_by = %d" % int(client.id)))


@contextlib.contextmanager
def export_started(actor, path="/api/tickets/export.csv"):
    """A streamed export whose first chunk (the header row first) has
    arrived: yields the iterator over the rest."""
    with actor.s.get(actor.st.url(path), stream=True, timeout=60, headers={
            "Authorization": "Bearer " + actor.token}) as r:
        assert r.status_code == 200
        parts = r.iter_content(65536)
        assert next(parts).startswith(b"id,title,")
        yield parts


def test_client_leaving_mid_export_leaves_the_worker_usable(big_stack):
    st = big_stack
    admin = admin_actor(st)
    bulk_client(st)
    pid = reports_worker(st)
    for _ in range(3):
        with export_started(admin):
            pass
        admin.s.close()     # the connection goes, with most of the CSV
        admin.s = st.session()
        # The same worker answers the next request correctly at once.
        n, _ = stream_rows(admin, "/api/tickets/export.csv?status=Open"
                                  "&sort=updated&order=asc")
        assert n == int(st.psql_one(
            "SELECT count(*) FROM tickets WHERE status = 'Open'"))
    assert reports_worker(st) == pid
    log = st.log_text(r"^reports\.log$")
    assert "transaction left open" not in log
    # nginx closed the worker's side early at least once (the worker saw
    # the write fail and cancelled the query).
    assert "export: the client went away" in log, log[-2000:]
    # No session of the app is left inside a transaction.
    assert st.psql_one("SELECT count(*) FROM pg_stat_activity WHERE"
                       " usename = 'ssts_app' AND state LIKE 'idle in"
                       " transaction%'") == "0"


def test_database_failing_mid_export_breaks_the_download(big_stack):
    """A status already sent cannot become an error: the download must
    then break (no last chunk), never end as a short file that looks
    whole."""
    st = big_stack
    admin = admin_actor(st)
    bulk_client(st)
    pid = reports_worker(st)
    for _ in range(3):
        with export_started(admin) as parts:
            # The export's database session ends under it.
            ended = st.psql_one(
                "SELECT count(pg_terminate_backend(pid)) FROM"
                " pg_stat_activity WHERE usename = 'ssts_app' AND"
                " state = 'active' AND query LIKE '%FROM tickets%'")
            if ended == "0":
                continue        # the export was already done: again
            with pytest.raises(requests.exceptions.ChunkedEncodingError):
                for _ in parts:
                    pass
            break
    else:
        pytest.fail("every export ended before its session could be")
    admin.s.close()
    admin.s = st.session()
    assert "export: cut short by the database" in st.log_text(
        r"^reports\.log$")
    # The worker lives on and its next export is whole.
    n, _ = stream_rows(admin, "/api/tickets/export.csv?status=Closed")
    assert n == int(st.psql_one(
        "SELECT count(*) FROM tickets WHERE status = 'Closed'"))
    assert reports_worker(st) == pid
