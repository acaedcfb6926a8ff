"""The ticket pages of the desk route group (/tickets, /tickets/new,
/tickets/:id and their form posts), driven through nginx like a browser:
rendering for each role, the forms each role is offered, form posts with
the CSRF token (303 + flash) and without it (403), validation re-renders
that keep the values, escaping of user text, internal notes, visibility
(404), list filters, search, empty states and pagination.

This module starts its own stack ("http-desk"), so it can run beside
other suites; actors come from tickets_fixtures (clients A and B, agent
G1 and G2, the stack's admin D).
"""
import html
import re

import pytest

import stack as stackmod
from conftest import page, CSRF_RE, Browser
from tickets_fixtures import (assign, desk, make_user,  # noqa: F401
                              new_ticket, set_status, ticket_row, word)

HTML_CT = "text/html; charset=utf-8"
STATUS_BUTTON_RE = re.compile(r'<button type="submit" name="status" value="([^"]*)"')
TICKET_LINK_RE = re.compile(r'<a href="/tickets/(\d+)">')
FLASH = {
    "ticket_created": "Your ticket has been created.",
    "comment_added": "Your reply has been added.",
    "note_added": "Internal note added.",
    "status_changed": "The ticket&#39;s status has been updated.",
    "ticket_updated": "The ticket has been updated.",
    "ticket_assigned": "The ticket has been assigned.",
    "ticket_unassigned": "The ticket is no longer assigned.",
    "transition_refused": "That status change is not allowed",
    "ticket_closed": "This ticket is closed.",
    "bad_assignee": "Tickets can only be assigned to an active agent or admin.",
}


@pytest.fixture(scope="module")
def stack():
    st = None
    try:
        st = stackmod.start_stack("http-desk")
        yield st
    finally:
        if st is not None:
            st.stop()


# ------------------------------------------------------------- helpers

def browser_for(st, actor):
    """A browser signed in through the /login form as actor."""
    b = Browser(st)
    r = b.login(actor.user["email"], actor.user["password"])
    assert r.status_code == 303, (r.status_code, r.text[:300])
    return b


def post_form(b, path, data, form_path):
    """POSTs data with the csrf token of form_path; returns the response."""
    return b.submit(path, data, form_path=form_path)


def follow(b, r, status=303):
    """Follows a 303 and returns (location, page text)."""
    assert r.status_code == status, (r.status_code, r.text[:500])
    loc = r.headers["Location"]
    return loc, page(b, loc)


def statuses_offered(text):
    return sorted(STATUS_BUTTON_RE.findall(text))


def has_form(text, tid, action):
    return 'action="/tickets/%s/%s"' % (tid, action) in text


@pytest.fixture(scope="module")
def browsers(stack, desk):
    return {k: browser_for(stack, a) for k, a in desk.actors().items()
            if k != "anonymous"}


@pytest.fixture
def fresh(desk):
    """A new ticket of client A, assigned to agent G1."""
    t = new_ticket(desk.A, title="Printer on fire " + word("p"),
                   category_id=2, priority_id=2)
    assign(desk.D, t["id"], desk.G1.id, note="Take this one")
    return t


# ------------------------------------------------------------- rendering

@pytest.mark.parametrize("who", ["clientA", "agent", "admin"])
def test_pages_render_for_each_role(stack, desk, browsers, fresh, who):
    b = browsers[who]
    text = page(b, "/tickets")
    assert "<h1>Tickets</h1>" in text
    assert 'href="/tickets/%s"' % fresh["id"] in text
    assert 'name="q"' in text and 'name="status"' in text
    assert ('name="assigned_to"' in text) == (who == "admin")
    text = page(b, "/tickets/new")
    for field in ['name="title"', 'name="description"', 'name="category_id"',
                  'name="priority_id"', 'action="/tickets/new"']:
        assert field in text
    assert ">Billing</option>" in text and ">Critical</option>" in text
    assert CSRF_RE.search(text)
    text = page(b, "/tickets/%s" % fresh["id"])
    assert html.escape(fresh["title"], quote=False) in text
    assert "badge badge-open" in text and "badge badge-high" in text
    assert "Bug Report" in text
    assert 'class="post-body"' in text       # description, pre-wrap in CSS
    assert "Agent Gina" in text               # the assignee
    assert "Client Alice" in text             # the creator
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT[^"]+">\d{4}-\d\d-\d\d '
                     r'\d\d:\d\d<span class="tz"> UTC</span></time>', text)
    assert "History" in text


def test_anonymous_is_sent_to_login(stack):
    b = Browser(stack)
    for path in ["/tickets", "/tickets/new", "/tickets/1"]:
        r = b.get(path)
        assert r.status_code == 303
        assert r.headers["Location"] == "/login?next=" + path


# ------------------------------------------------------------- create

def test_create_through_the_form(stack, desk, browsers):
    b = browsers["clientA"]
    title = "Cannot log in " + word("c")
    r = post_form(b, "/tickets/new", {
        "title": title, "description": "Line one\nLine two",
        "category_id": "5", "priority_id": "3"}, "/tickets/new")
    assert r.status_code == 303, r.text[:500]
    loc = r.headers["Location"]
    m = re.fullmatch(r"/tickets/(\d+)", loc)
    assert m, loc
    row = stack.psql("SELECT title, status, replace(description, E'\\n', '|'),"
                     " category_id, priority_id, created_by FROM tickets "
                     "WHERE id = %s" % m.group(1))[0]
    assert row == [title, "Open", "Line one|Line two", "5", "3", desk.A.id]
    _, text = follow(b, r)
    assert FLASH["ticket_created"] in text
    assert "Line one\nLine two" in text       # line breaks kept in the HTML
    # the flash is shown once
    assert FLASH["ticket_created"] not in page(b, loc)


def test_create_validation_keeps_values(stack, browsers):
    b = browsers["clientA"]
    before = stack.psql_one("SELECT count(*) FROM tickets")
    desc = "Kept <text> & \"quotes\" " + word("k")
    r = post_form(b, "/tickets/new", {"title": "   ", "description": desc,
                                      "category_id": "4",
                                      "priority_id": "2"}, "/tickets/new")
    assert r.status_code == 400
    text = r.text
    assert re.search(r'id="title"[^>]*aria-describedby="title-hint title-error"'
                     r'[^>]*aria-invalid="true"', text)
    assert '<p class="field-error" id="title-error">Is required.</p>' in text
    assert html.escape(desc) in text
    assert '<option value="4" selected>' in text
    assert '<option value="2" selected>' in text
    assert "Please correct the fields marked below." in text
    assert stack.psql_one("SELECT count(*) FROM tickets") == before


def test_create_unknown_category_marks_the_field(stack, browsers):
    b = browsers["clientA"]
    r = post_form(b, "/tickets/new", {"title": "Unknown category",
                                      "description": "x", "category_id": "999",
                                      "priority_id": ""}, "/tickets/new")
    assert r.status_code == 400, r.text[:300]
    assert 'id="category_id-error">Does not exist.</p>' in r.text
    assert 'value="Unknown category"' in r.text
    r = post_form(b, "/tickets/new", {"title": "Huge id", "description": "x",
                                      "priority_id": "99999999999"},
                  "/tickets/new")
    assert r.status_code == 400
    assert 'id="priority_id-error"' in r.text


def test_user_text_is_escaped(stack, desk, browsers):
    evil = '<script>alert("t")</script><img src=x onerror=alert(1)>'
    t = new_ticket(desk.A, title=evil + " " + word("x"),
                   description=evil + "\n</textarea><b>d</b>")
    r = post_form(browsers["clientA"], "/tickets/%s/comments" % t["id"],
                  {"message": evil}, "/tickets/%s" % t["id"])
    assert r.status_code == 303
    for who in ["clientA", "admin"]:
        for path in ["/tickets", "/tickets/%s" % t["id"],
                     "/tickets?q=" + "alert"]:
            text = page(browsers[who], path)
            assert "<script" not in text, (who, path)
            assert "<img src=x" not in text
            assert "</textarea><b>" not in text
            assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in text


# ------------------------------------------------------------- forms by role

def test_forms_offered_per_role_on_open_ticket(stack, desk, browsers, fresh):
    tid = fresh["id"]
    path = "/tickets/%s" % tid
    client = page(browsers["clientA"], path)
    assert has_form(client, tid, "comments")
    assert 'name="is_internal"' not in client
    assert not has_form(client, tid, "assign") and 'name="agent_id"' not in client
    assert statuses_offered(client) == ["Closed"]          # creator: Open→Closed
    assert has_form(client, tid, "edit")                   # creator while Open

    agent = page(browsers["agent"], path)
    assert has_form(agent, tid, "comments") and 'name="is_internal"' in agent
    assert not has_form(agent, tid, "assign")
    assert statuses_offered(agent) == ["In Progress"]      # assigned agent
    assert has_form(agent, tid, "edit")

    admin = page(browsers["admin"], path)
    assert 'name="is_internal"' in admin
    assert has_form(admin, tid, "assign")
    assert re.search(r'<option value="%s" selected>Agent Gina \(' % desk.G1.id,
                     admin)
    assert '<option value="%s">Agent Otto (' % desk.G2.id in admin
    assert statuses_offered(admin) == ["Closed", "In Progress"]
    assert has_form(admin, tid, "edit")


@pytest.mark.parametrize("status,client,agent,admin", [
    ("In Progress", [], ["Resolved"], ["Open", "Resolved"]),
    ("Resolved", ["Closed", "In Progress"], ["In Progress"],
     ["Closed", "In Progress"]),
    ("Closed", [], [], ["Open"]),
])
def test_status_buttons_match_transitions(stack, desk, browsers, fresh,
                                          status, client, agent, admin):
    set_status(stack, fresh["id"], status)
    path = "/tickets/%s" % fresh["id"]
    for who, want in [("clientA", client), ("agent", agent), ("admin", admin)]:
        text = page(browsers[who], path)
        assert statuses_offered(text) == want, (who, status)
        closed = status == "Closed"
        assert has_form(text, fresh["id"], "comments") == (not closed), who
        assert has_form(text, fresh["id"], "assign") == \
            (who == "admin" and not closed)
        # clients edit only while Open; staff until Closed
        assert has_form(text, fresh["id"], "edit") == \
            (who != "clientA" and not closed), (who, status)
    if status == "Closed":
        assert "This ticket is closed" in page(browsers["clientA"], path)


# ------------------------------------------------------------- posts

def test_full_lifecycle_through_forms(stack, desk, browsers, fresh):
    tid = fresh["id"]
    path = "/tickets/%s" % tid
    ag, cl, ad = browsers["agent"], browsers["clientA"], browsers["admin"]
    loc, text = follow(ag, post_form(ag, path + "/status",
                                     {"status": "In Progress"}, path))
    assert loc == path and FLASH["status_changed"] in text
    assert ticket_row(stack, tid)["status"] == "In Progress"
    _, text = follow(ag, post_form(ag, path + "/comments",
                                   {"message": "On it.\nSecond line"}, path))
    assert FLASH["comment_added"] in text
    assert "On it.\nSecond line" in text
    _, text = follow(ag, post_form(ag, path + "/status",
                                   {"status": "Resolved"}, path))
    assert ticket_row(stack, tid)["status"] == "Resolved"
    _, text = follow(cl, post_form(cl, path + "/comments",
                                   {"message": "Thanks!"}, path))
    assert FLASH["comment_added"] in text
    _, text = follow(cl, post_form(cl, path + "/status", {"status": "Closed"},
                                   path))
    assert FLASH["status_changed"] in text
    assert ticket_row(stack, tid)["status"] == "Closed"
    assert not has_form(text, tid, "comments")
    # the admin reopens it
    _, text = follow(ad, post_form(ad, path + "/status", {"status": "Open"},
                                   path))
    assert ticket_row(stack, tid)["status"] == "Open"


def test_refused_changes_come_back_with_a_flash(stack, desk, browsers, fresh):
    tid = fresh["id"]
    path = "/tickets/%s" % tid
    cl = browsers["clientA"]
    _, text = follow(cl, post_form(cl, path + "/status",
                                   {"status": "Resolved"}, path))
    assert FLASH["transition_refused"] in text and "flash-error" in text
    assert ticket_row(stack, tid)["status"] == "Open"
    r = post_form(cl, path + "/status", {"status": "Bogus"}, path)
    _, text = follow(cl, r)
    assert "That is not a known status." in text
    set_status(stack, tid, "Closed")
    _, text = follow(cl, post_form(cl, path + "/comments", {"message": "hi"},
                                   path))
    assert FLASH["ticket_closed"] in text
    _, text = follow(cl, post_form(cl, path + "/edit", {
        "title": "x", "description": "y"}, path))
    assert "cannot be edited in its current status" in text


def test_reply_validation_rerenders_near_the_form(stack, browsers, fresh):
    path = "/tickets/%s" % fresh["id"]
    ag = browsers["agent"]
    r = post_form(ag, path + "/comments", {"message": " \x01 ",
                                           "is_internal": "true"}, path)
    assert r.status_code == 400
    assert 'id="message-error"' in r.text
    assert 'aria-invalid="true" aria-describedby="message-error"' in r.text
    assert re.search(r'name="is_internal" type="checkbox" value="true"[^>]*checked',
                     r.text)
    assert 'href="#form-reply"' in r.text
    r = post_form(ag, path + "/comments", {"message": ""}, path)
    assert r.status_code == 400 and "Is required." in r.text


def test_internal_notes(stack, desk, browsers, fresh):
    tid = fresh["id"]
    path = "/tickets/%s" % tid
    canary = word("canary")
    ag = browsers["agent"]
    _, text = follow(ag, post_form(ag, path + "/comments", {
        "message": "Internal " + canary, "is_internal": "true"}, path))
    assert FLASH["note_added"] in text
    for who in ["agent", "admin"]:
        text = page(browsers[who], path)
        assert canary in text
        block = text[text.index(canary) - 900:text.index(canary)]
        assert "post-internal" in block and "Internal note</span>" in block
    text = page(browsers["clientA"], path)
    assert canary not in text
    assert "Internal note" not in text
    # a client asking for an internal note writes a public reply
    cl = browsers["clientA"]
    public = word("public")
    _, text = follow(cl, post_form(cl, path + "/comments", {
        "message": public, "is_internal": "true"}, path))
    assert FLASH["comment_added"] in text
    assert stack.psql_one("SELECT is_internal FROM ticket_comments WHERE "
                          "message = '%s'" % public) == "f"
    # nor does a search for the note's word find the ticket for the client
    assert 'href="/tickets/%s"' % tid not in page(cl, "/tickets?q=" + canary)
    assert 'href="/tickets/%s"' % tid in page(ag, "/tickets?q=" + canary)


def test_assign_and_unassign_through_the_form(stack, desk, browsers):
    t = new_ticket(desk.A)
    path = "/tickets/%s" % t["id"]
    ad = browsers["admin"]
    _, text = follow(ad, post_form(ad, path + "/assign", {
        "agent_id": desk.G2.id, "note": "Otto knows"}, path))
    assert FLASH["ticket_assigned"] in text and "Otto knows" in text
    assert 'href="/tickets/%s"' % t["id"] in page(browsers["otheragent"],
                                                 "/tickets")
    _, text = follow(ad, post_form(ad, path + "/assign", {"agent_id": ""},
                                   path))
    assert FLASH["ticket_unassigned"] in text
    page(browsers["otheragent"], path, 404)
    # a client is not an assignee
    _, text = follow(ad, post_form(ad, path + "/assign",
                                   {"agent_id": desk.B.id}, path))
    assert FLASH["bad_assignee"] in text
    # invalid input: re-rendered with the error by the assign form
    r = post_form(ad, path + "/assign", {"agent_id": "x1"}, path)
    assert r.status_code == 400 and 'id="agent_id-error"' in r.text
    # only admins may post it
    for who in ["clientA", "agent"]:
        r = post_form(browsers[who], path + "/assign",
                      {"agent_id": desk.G1.id}, "/tickets")
        assert r.status_code == 403, who


def test_edit_through_the_form(stack, desk, browsers):
    t = new_ticket(desk.A, category_id=1, priority_id=4)
    path = "/tickets/%s" % t["id"]
    cl = browsers["clientA"]
    text = page(cl, path)
    assert re.search(r'id="edit-title-input"[^>]*value="%s"'
                     % re.escape(html.escape(t["title"])), text)
    _, text = follow(cl, post_form(cl, path + "/edit", {
        "title": "Renamed " + word("r"), "description": "New text",
        "category_id": "", "priority_id": "1"}, path))
    assert FLASH["ticket_updated"] in text
    row = ticket_row(stack, t["id"])
    assert row["title"].startswith("Renamed ") and row["description"] == "New text"
    assert (row["category_id"], row["priority_id"]) == ("", "1")
    r = post_form(cl, path + "/edit", {"title": "", "description": "kept " + t["id"],
                                      "category_id": "3"}, path)
    assert r.status_code == 400
    assert "<details open>" in r.text
    assert 'id="edit-title-error"' in r.text
    assert "kept %s</textarea>" % t["id"] in r.text
    assert re.search(r'<option value="3" selected>', r.text)


# ------------------------------------------------------------- gate

def test_form_posts_without_csrf_are_refused(stack, desk, browsers, fresh):
    tid = fresh["id"]
    ad = browsers["admin"]
    posts = [("/tickets/new", {"title": "x", "description": "y"}),
             ("/tickets/%s/comments" % tid, {"message": "x"}),
             ("/tickets/%s/status" % tid, {"status": "In Progress"}),
             ("/tickets/%s/edit" % tid, {"title": "x", "description": "y"}),
             ("/tickets/%s/assign" % tid, {"agent_id": ""})]
    before = stack.psql_one("SELECT count(*) FROM ticket_comments")
    for path, data in posts:
        r = ad.post(path, data)
        assert r.status_code == 403, path
        assert "did not come from this site" in r.text
        r = ad.post(path, dict(data, csrf="0" * 43))
        assert r.status_code == 403, path
    assert stack.psql_one("SELECT count(*) FROM ticket_comments") == before
    assert ticket_row(stack, tid)["status"] == "Open"


def test_other_peoples_tickets_are_not_found(stack, desk, browsers, fresh):
    path = "/tickets/%s" % fresh["id"]
    for who in ["clientB", "otheragent"]:
        b = browsers[who]
        text = page(b, path, 404)
        assert fresh["title"] not in text
        for action, data in [("comments", {"message": "x"}),
                             ("status", {"status": "Closed"}),
                             ("edit", {"title": "x", "description": "y"})]:
            r = post_form(b, path + "/" + action, data, "/tickets")
            assert r.status_code == 404, (who, action)
    assert ticket_row(stack, fresh["id"])["status"] == "Open"
    page(browsers["clientA"], "/tickets/99999999999", 404)
    for bad in ["/tickets/abc", "/tickets/0", "/tickets/-1",
                "/tickets/99999999999999999999"]:
        page(browsers["clientA"], bad, 404)


# ------------------------------------------------------------- the list

def test_list_shows_only_visible_tickets(stack, desk, browsers, fresh):
    mine = set(TICKET_LINK_RE.findall(page(browsers["clientB"], "/tickets")))
    assert fresh["id"] not in mine
    assert fresh["id"] in TICKET_LINK_RE.findall(page(browsers["agent"],
                                                      "/tickets"))
    assert fresh["id"] not in TICKET_LINK_RE.findall(
        page(browsers["otheragent"], "/tickets"))


@pytest.mark.parametrize("query,field", [
    ("status=Bogus", "f-status"), ("status=open", "f-status"),
    ("page=0", "page"), ("page=x", "page"), ("sort=title", "f-sort"),
    ("order=up", "f-order"), ("priority_id=99999999", "f-priority"),
    ("category_id=-1", "f-category"), ("assigned_to=abc", "f-assigned"),
    ("q=" + "x" * 201, "q"), ("q=a%01b", "q"),
])
def test_list_bad_filters_are_shown_not_500(stack, browsers, query, field):
    text = page(browsers["admin"], "/tickets?" + query, 400)
    assert "Some filters are not valid." in text
    assert 'id="%s-error"' % field in text
    assert "<table" not in text


def test_list_filters_and_search(stack, desk, browsers):
    w = word("find")
    a = new_ticket(desk.A, title="Alpha " + w, priority_id=1, category_id=7)
    b = new_ticket(desk.A, title="Beta " + w, priority_id=4, category_id=7)
    cl = browsers["clientA"]
    ids = TICKET_LINK_RE.findall(page(cl, "/tickets?q=" + w))
    assert set(ids) == {a["id"], b["id"]}
    text = page(cl, "/tickets?q=%s&priority_id=1" % w)
    assert TICKET_LINK_RE.findall(text) == [a["id"]]
    assert '<option value="1" selected>Critical</option>' in text
    assert 'value="%s"' % w in text
    # priority, descending: the most urgent first
    ids = TICKET_LINK_RE.findall(page(cl, "/tickets?q=%s&sort=priority" % w))
    assert ids == [a["id"], b["id"]]
    ids = TICKET_LINK_RE.findall(page(cl, "/tickets?q=%s&sort=priority&order=asc"
                                      % w))
    assert ids == [b["id"], a["id"]]
    ids = TICKET_LINK_RE.findall(page(cl, "/tickets?q=%s&sort=created&order=asc"
                                      % w))
    assert ids == [a["id"], b["id"]]
    assert TICKET_LINK_RE.findall(page(cl, "/tickets?q=%s&order=desc" % w)) == \
        [b["id"], a["id"]]
    set_status(stack, b["id"], "Resolved")
    assert TICKET_LINK_RE.findall(page(cl, "/tickets?q=%s&status=Resolved" % w)) \
        == [b["id"]]


def test_empty_states(stack, browsers):
    newbie = make_user(stack, "client", "New Person")
    b = browser_for(stack, newbie)
    text = page(b, "/tickets")
    assert "No tickets yet" in text and 'href="/tickets/new">Create a ticket' in text
    assert "<table" not in text
    w = word("none")
    text = page(b, "/tickets?q=" + w)
    assert "No tickets match “%s”" % w in text
    assert "No tickets yet" not in text
    text = page(b, "/tickets?status=Closed")
    assert "No tickets match these filters" in text


def test_pagination(stack, browsers):
    person = make_user(stack, "client", "Many Tickets")
    for i in range(23):
        new_ticket(person, title="Paged %02d" % i)
    b = browser_for(stack, person)
    text = page(b, "/tickets")
    assert "23 tickets" in text and "Page 1 of 2" in text
    first = TICKET_LINK_RE.findall(text)
    assert len(first) == 20
    # Next starts after the page's last ticket (a keyset: as quick on page
    # 50,000 as on page 2); page only numbers it.
    nxt = re.search(r'href="(/tickets\?page=2&amp;after=(\d+))" rel="next"',
                    text)
    assert nxt and nxt.group(2) == first[-1], (nxt, first[-1])
    assert '<span class="page" aria-disabled="true">← Previous</span>' in text
    for url in ("/tickets?page=2", html.unescape(nxt.group(1))):
        text = page(b, url)
        assert "Page 2 of 2" in text and len(TICKET_LINK_RE.findall(text)) == 3
        assert not set(TICKET_LINK_RE.findall(text)) & set(first)
        assert 'href="/tickets?page=1" rel="prev"' in text
    # filters survive in the page links, URL-encoded
    text = page(b, "/tickets?q=Paged&sort=updated&order=asc")
    assert 'href="/tickets?q=Paged&amp;sort=updated&amp;order=asc&amp;page=2' \
        in text
    text = page(b, "/tickets?page=9")
    assert "Nothing on this page" in text and 'href="/tickets?page=1"' in text
    # after follows the filters and the order; another order refuses it
    text = page(b, "/tickets?q=Paged&sort=updated&order=asc")
    nxt = re.search(r'href="(/tickets\?q=Paged&amp;sort=updated&amp;order=asc'
                    r'&amp;page=2&amp;after=\d+)" rel="next"', text)
    assert nxt, text
    text = page(b, html.unescape(nxt.group(1)))
    assert "Page 2 of 2" in text and len(TICKET_LINK_RE.findall(text)) == 3
    r = b.get("/tickets?sort=priority&after=%s" % first[-1])
    assert r.status_code == 400
    assert "Next page: Works with the created or updated order." in r.text
    r = b.get("/tickets?after=0")
    assert r.status_code == 400 and 'id="after-error"' in r.text
