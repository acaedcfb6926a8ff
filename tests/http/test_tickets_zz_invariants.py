"""Grey-box invariants over everything the tickets tests did (named zz so
that it runs after the other tickets modules on the shared stack): one
`created` audit row per ticket, one `commented` row per comment, at most
one assignment per ticket and its `assigned` row, no empty `updated`
rows, the counters of sql/008, the list parts of sql/013 and the audit
chain agree with the tables, and no crash or sanitizer report in the
tickets workers' log.
(SECURITY.md 2.3.3: the business row and its audit row are one
transaction.)"""
import re

from tickets_fixtures import *  # noqa: F401,F403
from tickets_fixtures import desk, new_ticket


def test_some_tickets_exist(stack, desk):
    # run alone, this module still has something to check
    t = new_ticket(desk.A)
    r = desk.A.post("/api/tickets/%s/comments" % t["id"], {"message": "m"})
    assert r.status_code == 201
    # one In Progress and one Resolved, through the API
    for last in ("In Progress", "Resolved"):
        t = new_ticket(desk.A)
        assert desk.D.post("/api/tickets/%s/assign" % t["id"],
                           {"agent_id": desk.G1.id}).status_code == 201
        for st in ("In Progress", "Resolved")[:1 + (last == "Resolved")]:
            r = desk.G1.patch("/api/tickets/%s" % t["id"], {"status": st})
            assert r.status_code == 200, r.text
    assert int(stack.psql_one("SELECT count(*) FROM tickets")) >= 1


def test_every_ticket_has_one_created_row(stack):
    bad = stack.psql(
        "SELECT t.id, count(a.id) FROM tickets t LEFT JOIN audit_logs a "
        "ON a.entity_type = 'ticket' AND a.entity_id = t.id "
        "AND a.action = 'created' GROUP BY t.id HAVING count(a.id) <> 1")
    assert bad == [], "tickets without exactly one created row: %s" % bad[:20]
    orphans = stack.psql(
        "SELECT a.id, a.entity_id FROM audit_logs a WHERE a.entity_type = "
        "'ticket' AND NOT EXISTS (SELECT 1 FROM tickets t WHERE "
        "t.id = a.entity_id)")
    assert orphans == [], "audit rows of tickets that do not exist: %s" \
        % orphans[:20]


def test_created_payload_matches_ticket_at_creation(stack):
    bad = stack.psql(
        "SELECT t.id FROM tickets t JOIN audit_logs a ON a.entity_type = "
        "'ticket' AND a.entity_id = t.id AND a.action = 'created' "
        "WHERE a.payload->>'status' IS DISTINCT FROM 'Open' "
        "OR NOT (a.payload ? 'title') OR a.performed_by IS DISTINCT FROM "
        "t.created_by")
    assert bad == [], bad[:20]


def test_every_comment_has_one_commented_row(stack):
    bad = stack.psql(
        "SELECT c.id, count(a.id) FROM ticket_comments c LEFT JOIN audit_logs a "
        "ON a.entity_type = 'ticket' AND a.entity_id = c.ticket_id "
        "AND a.action = 'commented' AND a.payload->>'comment_id' = c.id::text "
        "GROUP BY c.id HAVING count(a.id) <> 1")
    assert bad == [], "comments without exactly one commented row: %s" \
        % bad[:20]
    bad = stack.psql(
        "SELECT c.id FROM ticket_comments c JOIN audit_logs a ON "
        "a.entity_type = 'ticket' AND a.action = 'commented' AND "
        "a.payload->>'comment_id' = c.id::text WHERE "
        "(a.payload->>'is_internal')::boolean IS DISTINCT FROM c.is_internal "
        "OR a.performed_by IS DISTINCT FROM c.user_id")
    assert bad == [], bad[:20]


def test_internal_note_text_not_in_audit_preview(stack):
    """API.md §3.1: no message_preview of internal notes reaches clients;
    where the preview is stored, it is reported here for the lead."""
    rows = stack.psql(
        "SELECT count(*) FROM audit_logs WHERE action = 'commented' AND "
        "(payload->>'is_internal')::boolean AND payload ? 'message_preview'")
    print("\ninternal notes with a stored message_preview: %s" % rows[0][0])


def test_at_most_one_assignment_per_ticket(stack):
    bad = stack.psql("SELECT ticket_id, count(*) FROM ticket_assignments "
                     "GROUP BY ticket_id HAVING count(*) > 1")
    assert bad == [], bad[:20]


def test_every_assignment_has_its_audit_row(stack):
    # the latest `assigned` row of each assigned ticket names the agent
    bad = stack.psql(
        "SELECT ta.ticket_id, ta.agent_id, la.payload::text FROM "
        "ticket_assignments ta LEFT JOIN LATERAL (SELECT payload FROM "
        "audit_logs a WHERE a.entity_type = 'ticket' AND a.entity_id = "
        "ta.ticket_id AND a.action = 'assigned' ORDER BY a.id DESC LIMIT 1) "
        "la ON true WHERE la.payload IS NULL OR "
        "la.payload->>'new_agent_id' IS DISTINCT FROM ta.agent_id::text")
    assert bad == [], bad[:20]
    # and an unassigned ticket whose last assigned row says unassigned
    bad = stack.psql(
        "SELECT t.id FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM "
        "ticket_assignments ta WHERE ta.ticket_id = t.id) AND "
        "(SELECT a.payload->>'new_agent_id' FROM audit_logs a WHERE "
        "a.entity_type = 'ticket' AND a.entity_id = t.id AND a.action = "
        "'assigned' ORDER BY a.id DESC LIMIT 1) IS NOT NULL")
    assert bad == [], bad[:20]


def test_counters_equal_the_tables(stack):
    """The dashboard's counters (sql/008, kept by commit-time triggers)
    equal a count of the tables after everything the tickets tests did:
    creations, status moves, priority changes and deletions of
    priorities, assignments and unassignments, some of them at once."""
    bad = stack.psql(
        "SELECT coalesce(c.status, t.status), coalesce(c.priority_id, "
        "t.priority_id), c.n, t.n FROM ticket_counts c FULL JOIN (SELECT "
        "status, coalesce(priority_id, 0) AS priority_id, count(*) AS n "
        "FROM tickets GROUP BY 1, 2) t ON t.status = c.status AND "
        "t.priority_id = c.priority_id WHERE c.n IS DISTINCT FROM "
        "coalesce(t.n, 0)")
    assert bad == [], "counters off (status, priority, counter, count): %s" \
        % bad[:20]
    assert stack.psql_one("SELECT n FROM assignment_count") == \
        stack.psql_one("SELECT count(*) FROM ticket_assignments "
                       "WHERE agent_id IS NOT NULL")
    # and the test saw real work
    assert int(stack.psql_one("SELECT count(DISTINCT status) FROM "
                              "tickets")) >= 3


def test_day_counters_equal_the_tables(stack):
    """The dashboard's days (sql/010, kept by commit-time triggers) equal
    counting tickets by the UTC day they were opened and audited moves to
    Resolved by the day they were made, after all the tickets tests."""
    bad = stack.psql(
        "SELECT coalesce(d.day, x.day), d.opened, d.resolved, x.o, x.r"
        " FROM ticket_days d FULL JOIN (SELECT day, sum(o) AS o, sum(r)"
        " AS r FROM (SELECT (created_at AT TIME ZONE 'UTC')::date, 1, 0"
        " FROM tickets UNION ALL SELECT (created_at AT TIME ZONE 'UTC')"
        "::date, 0, 1 FROM audit_logs WHERE entity_type = 'ticket' AND"
        " action = 'updated' AND payload #>> '{changes,status,to}' ="
        " 'Resolved') u(day, o, r) GROUP BY day) x ON x.day = d.day"
        " WHERE coalesce(d.opened, 0) IS DISTINCT FROM coalesce(x.o, 0)"
        " OR coalesce(d.resolved, 0) IS DISTINCT FROM coalesce(x.r, 0)")
    assert bad == [], "days off (day, opened, resolved, counted): %s" \
        % bad[:20]
    assert int(stack.psql_one("SELECT coalesce(sum(resolved), 0) FROM"
                              " ticket_days")) > 0, "no resolution seen"

def test_admin_list_totals_equal_counts(stack, desk):
    """The admin's list total comes from those counters when only status
    and priority filter it: equal to counting the table, for each."""
    cases = [({}, "true")]
    for st in ["Open", "In Progress", "Resolved", "Closed"]:
        cases.append(({"status": st}, "status = '%s'" % st))
        cases.append(({"status": st, "priority_id": 1},
                      "status = '%s' AND priority_id = 1" % st))
    cases.append(({"priority_id": 2}, "priority_id = 2"))
    for params, where in cases:
        r = desk.D.get("/api/tickets", params=dict(params, limit=1))
        assert r.status_code == 200, r.text
        assert r.json()["total"] == int(stack.psql_one(
            "SELECT count(*) FROM tickets WHERE " + where)), params


def test_audit_chain_covers_every_row(stack):
    """After all of it, each audit row has exactly one link, in a gapless
    sequence (the verifier itself is tested in test_audit.py)."""
    assert stack.psql("SELECT count(*), count(DISTINCT c.seq), "
                      "coalesce(max(c.seq), 0) FROM audit_logs a JOIN "
                      "audit_chain c ON c.audit_id = a.id")[0] == \
        [stack.psql_one("SELECT count(*) FROM audit_logs")] * 3


def test_updated_rows_never_empty(stack):
    bad = stack.psql(
        "SELECT id, payload::text FROM audit_logs WHERE entity_type = "
        "'ticket' AND action = 'updated' AND (payload->'changes' IS NULL OR "
        "payload->'changes' = '{}'::jsonb)")
    assert bad == [], bad[:20]
    bad = stack.psql(
        "SELECT a.id, e.key, e.value::text FROM audit_logs a, "
        "jsonb_each(a.payload->'changes') e WHERE a.entity_type = 'ticket' "
        "AND a.action = 'updated' AND e.value->'from' = e.value->'to'")
    assert bad == [], "no-op changes recorded: %s" % bad[:20]


def test_ticket_audit_rows_carry_actor_and_ip(stack):
    bad = stack.psql(
        "SELECT id, action FROM audit_logs WHERE entity_type = 'ticket' AND "
        "(performed_by IS NULL OR ip_address IS NULL OR ip_address = '')")
    assert bad == [], bad[:20]


CRASH_RE = re.compile(r"AddressSanitizer|LeakSanitizer|runtime error:|"
                      r"Segmentation fault|core dumped|signal \d+|SIGSEGV|"
                      r"SIGABRT|double free|stack smashing")


def test_no_worker_crash_in_logs(stack):
    text = stack.log_text(r"^(tickets|desk)\.log$")
    hits = [ln for ln in text.splitlines() if CRASH_RE.search(ln)]
    assert hits == [], hits[:20]


def test_list_parts_match_their_sources(stack):
    """Every ticket's list parts (sql/013) say what its creator and its
    assignment say now, after all the renames and reassignments above."""
    bad = stack.psql(
        "SELECT t.id FROM tickets t LEFT JOIN users u ON u.id = t.created_by "
        "WHERE t.creator_json IS DISTINCT FROM u.person_json "
        "OR t.assignment_json IS DISTINCT FROM ticket_assignment_json(t.id) "
        "OR t.api_json::json->>'id' IS DISTINCT FROM t.id::text")
    assert bad == [], "tickets whose list parts are stale: %s" % bad[:20]
