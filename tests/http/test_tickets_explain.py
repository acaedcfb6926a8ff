"""Query plans of the ticket list, detail, search and the dashboard on a
desk of 100,000 tickets (DESIGN.md §6): no Seq Scan on tickets or
ticket_comments.

A private stack ("explain") is filled with tests/gen-desk.sql.  Statement
logging (log_min_duration_statement = 0) is switched on, real API
requests are made as an admin, a client and an agent, and the statements
the workers executed -- their exact SQL text and parameters, read back
from the PostgreSQL log -- are EXPLAINed again by the owner: once as the
custom plan a fresh connection gets (with ANALYZE) and once as the
generic plan (plan_cache_mode = force_generic_plan, no ANALYZE) that a
connection switches to after five executions if it is not dearer than
the custom plans.  Every plan is printed (pytest -s) and
written to tests/out/explain/plans.txt.
"""
import json as jsonlib
import os
import re
import subprocess
import time

import pytest

import stack as stackmod
from conftest import PASSWORD, Api, unique_email

TICKETS = int(os.environ.get("SSTS_EXPLAIN_TICKETS", "100000"))
GEN_SQL = os.path.join(stackmod.ROOT, "tests", "gen-desk.sql")
PLANS_TXT = os.path.join(stackmod.OUT, "explain", "plans.txt")
WATCHED = ("tickets", "ticket_comments")
READ_STMTS = re.compile(r"^(tk_list_\w+|tk_count|tk_count_all|tk_count_search|"
                        r"tk_get|tk_get_session|tk_item|"
                        r"stats_dashboard|stats_activity)$")

REC_START = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \w+ \[\d+\] ")
EXEC_RE = re.compile(r"ssts_app@\S+ LOG:  duration: [\d.]+ ms  "
                     r"execute (\S+): (.*)$", re.S)
DETAIL_RE = re.compile(r"ssts_app@\S+ DETAIL:  parameters: (.*)$", re.S)
PARAM_RE = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")


def owner_psql(st, sql=None, script=None, timeout=300):
    args = ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1",
            "-d", st.owner_url()]
    args += ["-c", sql] if sql is not None else ["-f", script]
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=timeout)
    if p.returncode != 0:
        raise AssertionError("psql failed: %s" % p.stderr[-2000:])
    return p.stdout


class Log:
    """Reads the cluster's log from an offset; yields complete records."""

    def __init__(self, st):
        self.path = os.path.join(st.var, "log", "postgresql.log")
        self.off = os.path.getsize(self.path)

    def mark(self):
        self.off = os.path.getsize(self.path)

    def records(self):
        time.sleep(0.15)      # the backend has written before it answered
        with open(self.path, "rb") as f:
            f.seek(self.off)
            data = f.read().decode("utf-8", "replace")
        self.off += len(data.encode("utf-8"))
        recs = []
        for line in data.split("\n"):
            if REC_START.match(line) or not recs:
                recs.append(line)
            else:
                recs[-1] += "\n" + line
        return recs


def executed(records):
    """[(name, sql, [params])] of the app's executes, in order."""
    out, cur = [], None
    for rec in records:
        body = REC_START.sub("", rec, count=1)
        m = EXEC_RE.match(body)
        if m:
            cur = [m.group(1), m.group(2).strip(), []]
            out.append(cur)
            continue
        m = DETAIL_RE.match(body)
        if m and cur is not None and not cur[2]:
            ps = {int(n): v for n, v in PARAM_RE.findall(m.group(1))}
            cur[2] = [ps[i] for i in sorted(ps)]
    return [tuple(x) for x in out]


def walk(node, depth=0):
    yield node, depth
    for child in node.get("Plans", []):
        yield from walk(child, depth + 1)


def render(plan):
    lines = []
    for n, d in walk(plan["Plan"]):
        s = n["Node Type"]
        if n.get("Relation Name"):
            s += " on %s" % n["Relation Name"]
        if n.get("Index Name"):
            s += " using %s" % n["Index Name"]
        s += "  (cost=%.2f..%.2f rows=%s)" % (n["Startup Cost"],
                                             n["Total Cost"], n["Plan Rows"])
        if "Actual Total Time" in n:
            s += " (actual time=%.3f rows=%s loops=%s)" % (
                n["Actual Total Time"], n["Actual Rows"], n["Actual Loops"])
        for k in ("Index Cond", "Filter", "Hash Cond", "Recheck Cond",
                  "Sort Key"):
            if k in n:
                s += "\n%s    %s: %s" % ("  " * d, k, n[k])
        lines.append("  " * d + "-> " + s)
    if "Execution Time" in plan:
        lines.append("Execution Time: %.3f ms" % plan["Execution Time"])
    return "\n".join(lines)


def seq_scans(plan):
    return sorted({n.get("Relation Name") for n, _ in walk(plan["Plan"])
                   if n["Node Type"] == "Seq Scan"
                   and n.get("Relation Name") in WATCHED})


def generic_wins(generic, custom):
    """plancache.c choose_custom_plan(): the generic plan is kept when its
    cost is below the custom plans' average cost, which includes an
    estimate of planning (1000 * cpu_operator_cost per relation + 1)."""
    rels = sum(1 for n, _ in walk(custom["Plan"]) if n.get("Relation Name"))
    planning = 1000 * 0.0025 * (rels + 1)
    return generic["Plan"]["Total Cost"] < \
        custom["Plan"]["Total Cost"] + planning


def login(st, email):
    r = Api(st).login(email, PASSWORD)
    assert r.status_code == 200, (email, r.text)
    return r.json()["token"]


def get(st, token, path, params=None):
    s = st.session()
    r = s.get(st.url(path), params=params, timeout=30,
              headers={"Authorization": "Bearer " + token})
    assert r.status_code == 200, (path, params, r.status_code, r.text[:300])
    return r.json()


@pytest.fixture(scope="module")
def desk100k():
    if not os.path.exists(GEN_SQL):
        pytest.fail("tests/gen-desk.sql is missing")
    st = stackmod.start_stack("explain")
    try:
        t0 = time.time()
        p = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                            "-v", "tickets=%d" % TICKETS, "-d",
                            st.owner_url(), "-f", GEN_SQL],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=240)
        assert p.returncode == 0, p.stdout[-3000:]
        gen_s = time.time() - t0
        owner_psql(st, "VACUUM ANALYZE")
        n = int(owner_psql(st, "SELECT count(*) FROM tickets").strip())
        assert n >= TICKETS, n
        print("\ngen-desk: %d tickets in %.1f s (+ VACUUM ANALYZE %.1f s)"
              % (n, gen_s, time.time() - t0 - gen_s))
        yield st
    finally:
        st.stop()


def test_generated_audit_rows_are_chained(desk100k):
    """gen-desk links its bulk-loaded audit rows in one pass: the chain
    covers every row and verifies (what `make audit-verify` runs)."""
    st = desk100k
    rows = int(owner_psql(st, "SELECT count(*) FROM audit_logs").strip())
    p = subprocess.run([stackmod.STACK_SH, "audit-verify"], env=st.env,
                       cwd=stackmod.ROOT, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=120)
    assert p.returncode == 0, p.stdout
    assert "audit chain ok: %d links" % rows in p.stdout, (rows, p.stdout)


@pytest.fixture(scope="module")
def captured(desk100k):
    st = desk100k
    # the busiest client and agent get a password we know
    email = unique_email("explain")
    r = Api(st).register(name="Explain Helper", email=email)
    assert r.status_code == 201, r.text
    client_id = owner_psql(st, "SELECT t.created_by FROM tickets t JOIN users "
                           "u ON u.id = t.created_by WHERE u.role = 'client' "
                           "AND u.is_active GROUP BY 1 ORDER BY count(*) DESC "
                           "LIMIT 1").strip()
    agent_id = owner_psql(st, "SELECT a.agent_id FROM ticket_assignments a "
                          "JOIN users u ON u.id = a.agent_id WHERE u.role = "
                          "'agent' AND u.is_active GROUP BY 1 ORDER BY "
                          "count(*) DESC LIMIT 1").strip()
    owner_psql(st, "UPDATE users SET password_hash = (SELECT password_hash "
               "FROM users WHERE email = '%s'), mfa_enabled = false, "
               "failed_logins = 0, locked_until = NULL WHERE id IN (%s, %s)"
               % (email, client_id, agent_id))
    emails = dict(r.split("|") for r in owner_psql(
        st, "SELECT id || '|' || email FROM users WHERE id IN (%s, %s)"
        % (client_id, agent_id)).split())
    tokens = {"admin": login_admin(st), "client": login(st, emails[client_id]),
              "agent": login(st, emails[agent_id])}
    ids = {"client": client_id, "agent": agent_id}
    counts = owner_psql(st, "SELECT (SELECT count(*) FROM tickets WHERE "
                        "created_by = %s) || ' ' || (SELECT count(*) FROM "
                        "ticket_assignments WHERE agent_id = %s) || ' ' || "
                        "(SELECT count(*) FROM ticket_comments)"
                        % (client_id, agent_id)).split()
    print("client %s has %s tickets, agent %s has %s, %s comments"
          % (client_id, counts[0], agent_id, counts[1], counts[2]))

    owner_psql(st, "ALTER SYSTEM SET log_min_duration_statement = 0")
    owner_psql(st, "SELECT pg_reload_conf()")
    time.sleep(0.5)
    log = Log(st)
    requests_made = []
    try:
        for role in ("admin", "client", "agent"):
            tok = tokens[role]
            first = get(st, tok, "/api/tickets", {"limit": 1})["tickets"]
            assert first, role
            one = first[0]["id"]
            word = "printer"
            reqs = [
                ("list", {}), ("list", {"order": "asc"}),
                ("list", {"sort": "updated"}),
                ("list", {"sort": "priority"}),
                ("list", {"sort": "status", "order": "asc"}),
                ("list", {"status": "Open"}),
                ("list", {"priority_id": 1, "category_id": 2}),
                ("list", {"page": 3, "limit": 20}),
                ("search", {"q": word}), ("search", {"q": "refund"}),
                ("search", {"q": "root cause"}),
                ("search", {"q": "printer", "status": "Closed",
                            "sort": "updated"}),
                ("detail", one),
            ]
            if role == "admin":
                reqs.append(("list", {"assigned_to": ids["agent"]}))
            reqs.append(("dashboard", None))
            for kind, arg in reqs:
                log.mark()
                if kind == "detail":
                    get(st, tok, "/api/tickets/%s" % arg)
                elif kind == "dashboard":     # the page runs both queries
                    r = st.session().get(
                        st.url("/dashboard"), timeout=30,
                        headers={"Cookie": "__Host-ssts=" + tok})
                    assert r.status_code == 200, (role, r.status_code)
                else:
                    get(st, tok, "/api/tickets", arg)
                stmts = [s for s in executed(log.records())
                         if READ_STMTS.match(s[0])]
                requests_made.append((role, kind, arg, stmts))
    finally:
        owner_psql(st, "ALTER SYSTEM RESET log_min_duration_statement")
        owner_psql(st, "SELECT pg_reload_conf()")
    return st, requests_made


def login_admin(st):
    r = Api(st).login(st.admin_email, st.admin_password)
    assert r.status_code == 200, r.text
    return r.json()["token"]


@pytest.fixture(scope="module")
def plans(captured):
    st, made = captured
    uniq = []
    for role, kind, arg, stmts in made:
        for name, sql, params in stmts:
            key = (name, tuple(params))
            if key not in [(u[3], tuple(u[5])) for u in uniq]:
                uniq.append((role, kind, arg, name, sql, params))
    script = []
    for i, (_, _, _, name, sql, params) in enumerate(uniq):
        args = "(%s)" % ", ".join(params) if params else ""
        script += ["PREPARE x%d AS %s;" % (i, sql),
                   "\\echo @@@%d custom" % i,
                   "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE x%d%s;"
                   % (i, args),
                   "SET plan_cache_mode = force_generic_plan;",
                   "\\echo @@@%d generic" % i,
                   "EXPLAIN (FORMAT JSON) EXECUTE x%d%s;" % (i, args),
                   "RESET plan_cache_mode;", "DEALLOCATE x%d;" % i]
    path = os.path.join(st.var, "explain.sql")
    with open(path, "w") as f:
        f.write("\n".join(script) + "\n")
    t0 = time.time()
    out = owner_psql(st, script=path, timeout=170)
    print("\nEXPLAIN of %d distinct executions in %.1f s"
          % (len(uniq), time.time() - t0))
    parts = re.split(r"^@@@(\d+) (custom|generic)$", out, flags=re.M)
    res = {}
    for j in range(1, len(parts), 3):
        res[(int(parts[j]), parts[j + 1])] = jsonlib.loads(parts[j + 2])[0]
    report = []
    for i, (role, kind, arg, name, sql, params) in enumerate(uniq):
        custom = res[(i, "custom")]
        for mode in ("custom", "generic"):
            p = res[(i, mode)]
            r = {"role": role, "kind": kind, "arg": arg, "name": name,
                 "mode": mode, "params": params, "plan": p,
                 "seq": seq_scans(p)}
            if mode == "generic":
                r["chosen"] = generic_wins(p, custom)
            report.append(r)
    os.makedirs(os.path.dirname(PLANS_TXT), exist_ok=True)
    with open(PLANS_TXT, "w") as f:
        for r in report:
            head = ("== %s %s %s: %s, %s plan%s, params %s"
                    % (r["role"], r["kind"], r["arg"], r["name"], r["mode"],
                       "" if r["mode"] == "custom" else
                       (" (the plan cache WOULD switch to it)" if r["chosen"]
                        else " (not chosen: custom plans are cheaper)"),
                       ", ".join(r["params"])))
            text = head + "\n" + render(r["plan"]) + "\n"
            f.write(text + "\n")
            print(text)
    return made, report


def test_every_request_ran_the_expected_statements(plans):
    made, _ = plans
    for role, kind, arg, stmts in made:
        names = [s[0] for s in stmts]
        if kind == "detail":
            # read beside the session check (ROUTE_PREFETCH)
            assert "tk_get_session" in names, (role, kind, arg, names)
        elif kind == "dashboard":
            assert {"stats_dashboard", "stats_activity"} <= set(names), \
                (role, kind, names)
        else:
            assert any(n.startswith("tk_list_") for n in names), \
                (role, kind, arg, names)
        assert all(s[2] for s in stmts if s[1].count("$1")), \
            ("parameters not captured", role, kind, names)


def test_no_seq_scan_custom_plans(plans):
    _, report = plans
    bad = ["%s %s %s: %s seq scan on %s (%.1f ms)"
           % (r["role"], r["kind"], r["arg"], r["name"], ",".join(r["seq"]),
              r["plan"].get("Execution Time", -1))
           for r in report if r["mode"] == "custom" and r["seq"]]
    assert bad == [], "\n" + "\n".join(bad)


def plan_once_names():
    """The statements lib/db_stmts.c's stmt_plan_once() lets keep a generic
    plan, by prepared-statement name."""
    src = open(os.path.join(stackmod.ROOT, "lib", "db_stmts.c")).read()
    body = src[src.index("stmt_plan_once(enum stmt s)"):]
    body = body[:body.index("return 1;")]
    names = {}
    # "/* STMT_X: ... */" or "/*\n * STMT_X: ...\n */", then { "name"
    for m in re.finditer(r"/\*[\s*]*(STMT_\w+)[ :*](?:(?!\*/).)*\*/\s*"
                         r"\{ \"(\w+)\"", src, re.S):
        names[m.group(1)] = m.group(2)
    return {names[c] for c in re.findall(r"case (STMT_\w+):", body)}


def test_custom_plans_by_default(desk100k):
    """After five executions of a prepared statement PostgreSQL may keep a
    generic plan, and the generic plans of the list's optional filters
    scan tickets.  The application's role therefore forces custom plans
    (sql/grants.sql; lib/db.c asks for it on each connection too) and only
    switches for the statements of stmt_plan_once()."""
    st = desk100k
    rows = st.psql("SELECT unnest(setconfig) FROM pg_db_role_setting"
                   " WHERE setrole = 'ssts_app'::regrole")
    assert ["plan_cache_mode=force_custom_plan"] in rows, rows
    seen = st.psql("SELECT DISTINCT application_name FROM pg_stat_activity"
                   " WHERE usename = 'ssts_app'")
    assert seen, "no worker connection to check"


def test_plan_once_statements_generic_plans_use_indexes(plans):
    """The statements that keep one generic plan (the detail, a list item,
    the session lookup) find their rows by key in every role: their
    generic plans scan neither tickets nor comments."""
    _, report = plans
    once = plan_once_names()
    assert {"tk_get", "tk_get_session", "tk_item", "session_auth"} <= once, \
        once
    checked = [r for r in report
               if r["mode"] == "generic" and r["name"] in once]
    assert {r["name"] for r in checked} >= {"tk_get_session"}, \
        "detail not captured"
    assert {r["role"] for r in checked} == {"admin", "agent", "client"}
    bad = ["%s %s %s: %s" % (r["role"], r["name"], r["arg"], r["seq"])
           for r in checked if r["seq"]]
    assert bad == [], bad


def test_summary_times(plans):
    """Prints the slowest executions (for the lead's note); fails if any
    custom plan of a list, detail or search takes over 2.5 s (a gross
    regression guard: timings on a shared CI machine vary)."""
    _, report = plans
    rows = sorted(report, key=lambda r: -r["plan"].get("Execution Time", 0))
    print("\nslowest executions:")
    for r in rows[:15]:
        print("  %8.1f ms  %-7s %-6s %-7s %-22s %s" % (
            r["plan"].get("Execution Time", -1), r["mode"], r["role"],
            r["kind"], r["name"], r["arg"]))
    slow = [r for r in report if r["mode"] == "custom"
            and r["plan"].get("Execution Time", 0) > 2500]
    assert slow == [], [(r["role"], r["kind"], r["arg"], r["name"])
                        for r in slow]
