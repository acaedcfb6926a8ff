"""The admin pages of the catalog route group (issue 5, API.md §4):
/admin/categories and /admin/priorities, driven through nginx like a
browser.  For both kinds: the list with the seeded items and the new form,
create / edit / delete through forms with the CSRF token (post, 303 with a
flash, get), validation failures and taken names re-rendered with status
400, the error tied to its field and the typed values kept, nothing
written; the delete confirmation and what it does to tickets; the audit
rows; CSRF; and the role matrix of every page route.

This module starts its own stack ("http-catalog-pages"): the empty-state
test at its end deletes every category and priority.  Actors come from
tickets_fixtures (client A, agent G1, the stack's admin D).
"""
import html
import json
import re

import pytest

import stack as stackmod
from conftest import CSRF_RE, Browser, assert_security_headers
from tickets_fixtures import (assert_no_db_text, desk,  # noqa: F401
                              new_ticket, word)

HTML_CT = "text/html; charset=utf-8"
DENIED = "You do not have permission to see this page."
CSRF_DENIED = "did not come from this site"

# kind -> what differs between the two
KINDS = {
    "categories": dict(one="category", One="Category", second="description",
                       field="category_id", max=128,
                       seeded=["Account Issue", "Billing", "Bug Report",
                               "Feature Request", "General", "Security",
                               "Technical Support"]),
    "priorities": dict(one="priority", One="Priority", second="rank",
                       field="priority_id", max=32,
                       seeded=["Critical", "High", "Medium", "Low"]),
}
FLASH = {"created": "The %s has been created.",
         "updated": "The %s has been saved.",
         "deleted": "The %s has been deleted."}


@pytest.fixture(scope="module")
def stack():
    st = None
    try:
        st = stackmod.start_stack("http-catalog-pages")
        yield st
    finally:
        if st is not None:
            st.stop()


@pytest.fixture(scope="module")
def browsers(stack, desk):
    out = {}
    for who, a in [("clientA", desk.A), ("agent", desk.G1),
                   ("admin", desk.D)]:
        b = Browser(stack)
        r = b.login(a.user["email"], a.user["password"])
        assert r.status_code == 303, (who, r.status_code, r.text[:300])
        out[who] = b
    return out


# ------------------------------------------------------------- helpers

def page(b, path, status=200):
    r = b.get(path)
    check_html(r, status, path)
    return r.text


def check_html(r, status, ctx=None):
    assert r.status_code == status, (ctx, r.status_code,
                                     r.headers.get("Location"), r.text[:500])
    assert r.headers["Content-Type"] == HTML_CT, ctx
    assert r.headers.get("Cache-Control") == "no-store", ctx
    assert_security_headers(r)
    assert "internal server error" not in r.text.lower(), ctx
    assert_no_db_text(r)


def second_value(kind, v=None):
    if kind == "categories":
        return v if v is not None else "About " + word("d")
    return v if v is not None else "7"


def form(kind, name=None, second=None):
    return {"name": name if name is not None else word("N")[:20],
            KINDS[kind]["second"]: second_value(kind, second)}


def api_create(desk, kind, name=None, second=None):
    body = {"name": name or word("N")[:20]}
    if kind == "categories":
        body["description"] = second if second is not None else "Made by API"
    else:
        body["rank"] = second if second is not None else 9
    r = desk.D.post("/api/" + kind, body)
    assert r.status_code == 201, r.text
    return r.json()


def db_row(st, kind, iid):
    col = "coalesce(description, '<null>')" if kind == "categories" else \
        "rank::text"
    rows = st.psql("SELECT name, %s FROM %s WHERE id = %d"
                   % (col, kind, int(iid)))
    return rows[0] if rows else None


def count(st, kind):
    return int(st.psql_one("SELECT count(*) FROM %s" % kind))


def audit(st, kind, iid):
    rows = st.psql("SELECT action, payload::text, performed_by::text, "
                   "coalesce(ip_address, '') FROM audit_logs WHERE "
                   "entity_type = '%s' AND entity_id = %d ORDER BY id"
                   % (KINDS[kind]["one"], int(iid)))
    return [(a, json.loads(p), by, ip) for a, p, by, ip in rows]


def id_of(st, kind, name):
    return st.psql_one("SELECT id FROM %s WHERE name = '%s'"
                       % (kind, name.replace("'", "''")))


def post(b, path, data, form_path):
    """POSTs data with the csrf token scraped from form_path."""
    return b.submit(path, data, form_path=form_path)


def follow(b, r):
    assert r.status_code == 303, (r.status_code, r.text[:500])
    loc = r.headers["Location"]
    return loc, page(b, loc)


def field_error(text, field):
    m = re.search(r'<p class="field-error" id="%s-error">([^<]*)</p>'
                  % field, text)
    return m and html.unescape(m.group(1))


def assert_marked(text, field):
    """The input carries aria-invalid and points at its error."""
    tag = re.search(r'<(?:input|textarea) id="%s"[^>]*>' % field, text)
    assert tag, field
    assert 'aria-invalid="true"' in tag.group(0), tag.group(0)
    desc = re.search(r'aria-describedby="([^"]*)"', tag.group(0))
    assert desc and "%s-error" % field in desc.group(1).split(), tag.group(0)


def value_of(text, field):
    """The value a form field shows (input value or textarea content)."""
    m = re.search(r'<input id="%s"[^>]*value="([^"]*)"' % field, text)
    if m:
        return html.unescape(m.group(1))
    m = re.search(r'<textarea id="%s"[^>]*>([^<]*)</textarea>' % field, text)
    return m and html.unescape(m.group(1))


# ------------------------------------------------------------- the list

@pytest.mark.parametrize("kind", sorted(KINDS))
def test_list_shows_the_seeded_items_and_the_new_form(stack, browsers, kind):
    k = KINDS[kind]
    text = page(browsers["admin"], "/admin/" + kind)
    assert "<title>%s · SSTS</title>" % kind.capitalize() in text
    assert "<h1>%s</h1>" % kind.capitalize() in text
    names = [html.unescape(n) for n in re.findall(
        r'<th scope="row" class="col-name">([^<]*)</th>', text)]
    seeded = [n for n in names if n in k["seeded"]]
    assert seeded == k["seeded"], names     # by name / by rank
    for n in k["seeded"]:
        iid = id_of(stack, kind, n)
        assert 'href="/admin/%s/%s/edit"' % (kind, iid) in text
        assert 'href="/admin/%s/%s/delete"' % (kind, iid) in text
        assert 'href="/tickets?%s=%s"' % (k["field"], iid) in text
    # the new form: csrf, action, labelled fields
    assert re.search(r'<form class="form-stack" method="post" action="/admin/%s">'
                     % kind, text)
    assert CSRF_RE.search(text).group(1)
    assert '<label for="name">Name</label>' in text
    assert '<label for="%s">' % k["second"] in text
    assert value_of(text, "name") == ""
    # the admin navigation marks the page
    assert '<a href="/admin/%s" aria-current="page">' % kind in text
    if kind == "priorities":
        ranks = [int(x) for x in re.findall(
            r'<td class="num" data-label="Rank">(\d+)</td>', text)]
        assert ranks == sorted(ranks) and ranks[:4] == [1, 2, 3, 4]
        assert 'class="badge badge-critical">Critical</span>' in text


# ------------------------------------------------------------- create

@pytest.mark.parametrize("kind", sorted(KINDS))
def test_create_through_the_form(stack, desk, browsers, kind):
    k = KINDS[kind]
    b = browsers["admin"]
    name = "New <%s> & " % k["one"] + word("c")[:10]
    second = "Two words & <b>" if kind == "categories" else "0"
    before = count(stack, kind)
    r = post(b, "/admin/" + kind, {"name": "  " + name + " ",
                                   k["second"]: second}, "/admin/" + kind)
    loc, text = follow(b, r)
    assert loc == "/admin/" + kind
    assert FLASH["created"] % k["one"] in text
    assert 'class="flash flash-success" role="status"' in text
    assert ">%s</th>" % html.escape(name, quote=True) in text
    assert count(stack, kind) == before + 1
    iid = id_of(stack, kind, name)      # trimmed
    assert iid, name
    assert db_row(stack, kind, iid) == [name, second]
    rows = audit(stack, kind, iid)
    assert [a for a, _, _, _ in rows] == ["created"]
    _, payload, by, ip = rows[0]
    assert by == desk.D.id and ip
    assert payload["name"] == name and payload["id"] == int(iid)
    # the flash is shown once
    assert FLASH["created"] % k["one"] not in page(b, loc)
    # and the API sees it
    got = desk.D.get("/api/%s/%s" % (kind, iid)).json()
    assert got["name"] == name


def test_create_category_without_description(stack, browsers):
    name = word("nodesc")[:20]
    r = post(browsers["admin"], "/admin/categories",
             {"name": name, "description": ""}, "/admin/categories")
    assert r.status_code == 303
    assert db_row(stack, "categories", id_of(stack, "categories", name)) == \
        [name, "<null>"]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_longest_name_is_accepted(stack, browsers, kind):
    name = ("é" * KINDS[kind]["max"])[:-12] + word("x")[:12]
    assert len(name) == KINDS[kind]["max"]
    r = post(browsers["admin"], "/admin/" + kind, form(kind, name),
             "/admin/" + kind)
    assert r.status_code == 303, r.text[:500]
    assert id_of(stack, kind, name)


# (kind, field, value, message); the other field gets a good value
BAD = [
    ("categories", "name", "", "Is required."),
    ("categories", "name", "   ", "Is required."),
    ("categories", "name", "x" * 129, "Must be at most 128 characters."),
    ("categories", "name", "a\x01b", "Must not contain control characters."),
    ("categories", "description", "d" * 2001,
     "Must be at most 2000 characters."),
    ("priorities", "name", "", "Is required."),
    ("priorities", "name", "p" * 33, "Must be at most 32 characters."),
    ("priorities", "rank", "", "Is required."),
    ("priorities", "rank", "abc", "Must be a whole number."),
    ("priorities", "rank", "1.5", "Must be a whole number."),
    ("priorities", "rank", "-1", "Must be between 0 and 32767."),
    ("priorities", "rank", "32768", "Must be between 0 and 32767."),
    ("priorities", "rank", "99999999999999999999",
     "Must be between 0 and 32767."),
]


@pytest.mark.parametrize("kind,field,value,message", BAD)
def test_create_validation_keeps_values(stack, browsers, kind, field, value,
                                        message):
    k = KINDS[kind]
    b = browsers["admin"]
    data = form(kind, name="Kept <" + word("k")[:12] + ">")
    data[field] = value
    before = count(stack, kind)
    audits = stack.psql_one("SELECT count(*) FROM audit_logs")
    r = post(b, "/admin/" + kind, data, "/admin/" + kind)
    check_html(r, 400, (kind, field, value))
    text = r.text
    assert field_error(text, field) == message, text[:3000]
    assert_marked(text, field)
    other = "name" if field != "name" else k["second"]
    assert field_error(text, other) is None
    assert "The new %s was not saved." % k["one"] in text
    assert 'href="#new-form"' in text
    # the typed values are kept, the refused one too (echoed up to 1024
    # characters, lib/fields.c), escaped
    assert value_of(text, other) == data[other]
    if "\x01" not in value:
        assert value_of(text, field) == value[:1024]
    assert "<h1>%s</h1>" % kind.capitalize() in text   # the list is there
    assert count(stack, kind) == before
    assert stack.psql_one("SELECT count(*) FROM audit_logs") == audits


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_create_duplicate_name(stack, desk, browsers, kind):
    k = KINDS[kind]
    taken = api_create(desk, kind)
    before = count(stack, kind)
    data = form(kind, name=taken["name"],
                second="Other text" if kind == "categories" else "12")
    r = post(browsers["admin"], "/admin/" + kind, data, "/admin/" + kind)
    check_html(r, 400, kind)
    assert field_error(r.text, "name") == \
        "A %s with this name already exists." % k["one"]
    assert_marked(r.text, "name")
    assert value_of(r.text, "name") == taken["name"]
    assert value_of(r.text, k["second"]) == data[k["second"]]
    assert count(stack, kind) == before


# ------------------------------------------------------------- edit

@pytest.mark.parametrize("kind", sorted(KINDS))
def test_edit_through_the_form(stack, desk, browsers, kind):
    k = KINDS[kind]
    b = browsers["admin"]
    item = api_create(desk, kind, second="Old text" if kind == "categories"
                      else 5)
    path = "/admin/%s/%s" % (kind, item["id"])
    text = page(b, path + "/edit")
    assert "<title>Edit %s · SSTS</title>" % k["one"] in text
    assert value_of(text, "name") == item["name"]
    assert value_of(text, k["second"]) == str(item[k["second"]])
    assert re.search(r'<form class="card form-stack" method="post" action="%s"'
                     % re.escape(path), text)
    assert 'href="%s/delete"' % path in text
    assert '<a href="/admin/%s">%s</a>' % (kind, kind.capitalize()) in text
    new = item["name"] + "2"
    second = "New text" if kind == "categories" else "3"
    loc, text = follow(b, post(b, path, {"name": new, k["second"]: second},
                               path + "/edit"))
    assert loc == "/admin/" + kind
    assert FLASH["updated"] % k["one"] in text
    assert ">%s</th>" % new in text
    assert db_row(stack, kind, item["id"]) == [new, second]
    rows = audit(stack, kind, item["id"])
    assert [a for a, _, _, _ in rows] == ["created", "updated"]
    want = {"name": {"from": item["name"], "to": new},
            k["second"]: {"from": item[k["second"]],
                          "to": second if kind == "categories" else 3}}
    assert rows[1][1] == {"changes": want}
    assert rows[1][2] == desk.D.id


def test_edit_clears_a_description(stack, desk, browsers):
    item = api_create(desk, "categories", second="To be cleared")
    path = "/admin/categories/%s" % item["id"]
    r = post(browsers["admin"], path, {"name": item["name"],
                                       "description": ""}, path + "/edit")
    assert r.status_code == 303
    assert db_row(stack, "categories", item["id"]) == [item["name"], "<null>"]
    assert audit(stack, "categories", item["id"])[-1][1] == {"changes": {
        "description": {"from": "To be cleared", "to": None}}}


@pytest.mark.parametrize("kind,field,value,message",
                         [c for c in BAD if c[2] != "   "])
def test_edit_validation_keeps_values(stack, desk, browsers, kind, field,
                                      value, message):
    k = KINDS[kind]
    item = api_create(desk, kind)
    path = "/admin/%s/%s" % (kind, item["id"])
    data = {"name": "Typed " + word("t")[:10],
            k["second"]: "Typed text" if kind == "categories" else "21"}
    data[field] = value
    before = db_row(stack, kind, item["id"])
    r = post(browsers["admin"], path, data, path + "/edit")
    check_html(r, 400, (kind, field, value))
    assert field_error(r.text, field) == message
    assert_marked(r.text, field)
    assert "The changes were not saved." in r.text
    # the typed values, not the stored ones
    other = "name" if field != "name" else k["second"]
    assert value_of(r.text, other) == data[other]
    if "\x01" not in value:
        assert value_of(r.text, field) == value[:1024]
    assert db_row(stack, kind, item["id"]) == before
    assert [a for a, _, _, _ in audit(stack, kind, item["id"])] == ["created"]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_edit_to_a_taken_name(stack, desk, browsers, kind):
    k = KINDS[kind]
    a, b_ = api_create(desk, kind), api_create(desk, kind)
    path = "/admin/%s/%s" % (kind, b_["id"])
    data = {"name": a["name"],
            k["second"]: "Changed" if kind == "categories" else "30"}
    r = post(browsers["admin"], path, data, path + "/edit")
    check_html(r, 400, kind)
    assert field_error(r.text, "name") == \
        "A %s with this name already exists." % k["one"]
    assert_marked(r.text, "name")
    assert value_of(r.text, "name") == a["name"]
    assert value_of(r.text, k["second"]) == data[k["second"]]
    # the heading still names the stored item
    assert '<span aria-current="page">%s</span>' % b_["name"] in r.text
    assert db_row(stack, kind, b_["id"]) == [b_["name"], str(b_[k["second"]])]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_unknown_ids_are_404_pages(stack, browsers, kind):
    b = browsers["admin"]
    data = form(kind)
    for iid in ["987", "32767", "32768", "99999999999"]:
        path = "/admin/%s/%s" % (kind, iid)
        for p in (path + "/edit", path + "/delete"):
            text = page(b, p, 404)
            assert "%s not found" % KINDS[kind]["One"] in text
        for p, d in [(path, data), (path, {"name": ""}),
                     (path + "/delete", {})]:
            r = post(b, p, d, "/admin/" + kind)
            check_html(r, 404, p)
    for p in ["/admin/%s/abc/edit" % kind, "/admin/%s/0/delete" % kind,
              "/admin/%s/-1/edit" % kind, "/admin/%s/1/other" % kind,
              "/admin/%sx" % kind]:
        check_html(b.get(p), 404, p)


# ------------------------------------------------------------- delete

@pytest.mark.parametrize("kind", sorted(KINDS))
def test_delete_confirmation_then_delete(stack, desk, browsers, kind):
    k = KINDS[kind]
    b = browsers["admin"]
    item = api_create(desk, kind, name="Doomed <%s> " % word("d")[:8])
    t = new_ticket(desk.A, **{k["field"]: item["id"]})
    path = "/admin/%s/%s/delete" % (kind, item["id"])
    text = page(b, path)
    assert "<title>Delete %s · SSTS</title>" % k["one"] in text
    assert "Delete %s “%s”?" % (k["one"], html.escape(item["name"])) in text
    assert ('<a href="/tickets?%s=%s">1 ticket</a> uses it; it keeps existing '
            "with the %s cleared." % (k["field"], item["id"], k["one"])) in text
    assert re.search(r'<form method="post" action="%s">\s*<input type="hidden" '
                     r'name="csrf" value="[^"]+">' % re.escape(path), text)
    assert '<button type="submit" class="btn btn-danger">Delete %s</button>' \
        % k["one"] in text
    assert '<a class="btn btn-secondary" href="/admin/%s">Cancel</a>' % kind \
        in text
    # a second ticket: the count follows
    new_ticket(desk.B, **{k["field"]: item["id"]})
    assert ">2 tickets</a> use it; they keep existing" in page(b, path)
    assert db_row(stack, kind, item["id"])      # looking deletes nothing
    loc, text = follow(b, post(b, path, {}, path))
    assert loc == "/admin/" + kind
    assert FLASH["deleted"] % k["one"] in text
    assert html.escape(item["name"]) not in text
    assert db_row(stack, kind, item["id"]) is None
    # the ticket keeps existing, with the field cleared
    d = desk.A.get("/api/tickets/%s" % t["id"])
    assert d.status_code == 200 and d.json()[k["field"]] is None
    assert d.json()["title"] == t["title"]
    rows = audit(stack, kind, item["id"])
    assert [a for a, _, _, _ in rows] == ["created", "deleted"]
    assert rows[1][1] == {"before": item} and rows[1][2] == desk.D.id
    # gone: the confirmation and the post are 404 pages now
    page(b, path, 404)
    check_html(post(b, path, {}, "/admin/" + kind), 404)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_delete_unused(stack, desk, browsers, kind):
    item = api_create(desk, kind)
    path = "/admin/%s/%s/delete" % (kind, item["id"])
    assert "No ticket uses it." in page(browsers["admin"], path)


# ------------------------------------------------------------- escaping

@pytest.mark.parametrize("kind", sorted(KINDS))
def test_names_are_escaped(stack, desk, browsers, kind):
    evil = '<script>alert(1)</script>' + word("e")[:6]
    item = api_create(desk, kind, name=evil,
                      second='<img src=x onerror=alert(2)>'
                      if kind == "categories" else 4)
    b = browsers["admin"]
    base = "/admin/%s/%s" % (kind, item["id"])
    for path in ["/admin/" + kind, base + "/edit", base + "/delete"]:
        text = page(b, path)
        assert "<script>alert" not in text and "<img src=x" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text, path


# ------------------------------------------------------------- csrf

@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("token", [None, "0" * 43, "foreign"])
def test_posts_without_a_valid_csrf_token_are_refused(stack, desk, browsers,
                                                      kind, token):
    b = browsers["admin"]
    item = api_create(desk, kind)
    base = "/admin/%s" % kind
    posts = [(base, form(kind)),
             ("%s/%s" % (base, item["id"]), form(kind)),
             ("%s/%s/delete" % (base, item["id"]), {})]
    before = (count(stack, kind), db_row(stack, kind, item["id"]),
              stack.psql_one("SELECT count(*) FROM audit_logs"))
    for path, data in posts:
        d = dict(data)
        if token == "foreign":      # another user's valid token
            d["csrf"] = browsers["clientA"].csrf("/tickets/new")
        elif token is not None:
            d["csrf"] = token
        r = b.post(path, d)
        check_html(r, 403, (path, token))
        assert CSRF_DENIED in r.text
    assert (count(stack, kind), db_row(stack, kind, item["id"]),
            stack.psql_one("SELECT count(*) FROM audit_logs")) == before


# ------------------------------------------------------------- roles

ROUTES = ["GET /admin/{k}", "POST /admin/{k}", "GET /admin/{k}/:id/edit",
          "POST /admin/{k}/:id", "GET /admin/{k}/:id/delete",
          "POST /admin/{k}/:id/delete"]
ACTORS = {"anonymous": None, "clientA": 403, "agent": 403, "admin": "ok"}
CELLS = [(kind, route, who) for kind in sorted(KINDS) for route in ROUTES
         for who in ACTORS]


def test_role_matrix_size():
    print("\ncatalog pages role matrix: %d cells" % len(CELLS))
    assert len(CELLS) == 2 * 6 * 4


@pytest.mark.parametrize("kind,route,who", CELLS,
                         ids=["%s|%s|%s" % c for c in CELLS])
def test_role_matrix(stack, desk, browsers, kind, route, who):
    k = KINDS[kind]
    method, pattern = route.split(" ")
    item = api_create(desk, kind) if ":id" in pattern else None
    path = pattern.format(k=kind).replace(":id", str(item["id"]) if item
                                          else "")
    b = Browser(stack) if who == "anonymous" else browsers[who]
    before = (count(stack, kind),
              db_row(stack, kind, item["id"]) if item else None)
    data = None
    if method == "GET":
        r = b.get(path)
    else:
        data = {} if path.endswith("/delete") else form(kind)
        # the actor's own valid token (anonymous: bound to its cookie)
        data["csrf"] = b.csrf("/login" if who == "anonymous"
                              else "/tickets/new")
        r = b.post(path, data)
    after = (count(stack, kind),
             db_row(stack, kind, item["id"]) if item else None)
    if who == "anonymous":
        assert r.status_code == 303, (route, r.status_code)
        # the sign-in page comes back to a page; a refused post does not
        assert r.headers["Location"] == ("/login?next=" + path
                                         if method == "GET" else "/login")
        assert after == before
    elif ACTORS[who] == 403:
        check_html(r, 403, (route, who))
        assert DENIED in r.text
        assert after == before
        if item:
            assert item["name"] not in r.text
    elif method == "GET":
        check_html(r, 200, (route, who))
        assert CSRF_RE.search(r.text)
    else:
        assert r.status_code == 303, (route, r.status_code, r.text[:500])
        assert r.headers["Location"] == "/admin/" + kind
        if path == "/admin/" + kind:
            assert after[0] == before[0] + 1
            assert id_of(stack, kind, data["name"])
        elif path.endswith("/delete"):
            assert after == (before[0] - 1, None)
        else:
            assert after[1] == [data["name"], data[k["second"]]]


def test_non_admins_do_not_see_the_admin_navigation(stack, browsers):
    for who in ("clientA", "agent"):
        text = page(browsers[who], "/tickets")
        assert 'href="/admin/categories"' not in text, who


# ------------------------------------------------------------- empty state
# Last in the module: it deletes every category and priority of this
# module's stack (and puts the seeded ones back).

@pytest.mark.parametrize("kind", sorted(KINDS))
def test_empty_state(stack, browsers, kind):
    k = KINDS[kind]
    second = "description" if kind == "categories" else "rank"
    saved = stack.psql("SELECT id, name, %s FROM %s WHERE name IN (%s)"
                       % (second, kind, ", ".join("'%s'" % n
                                                  for n in k["seeded"])))
    stack.psql("DELETE FROM %s" % kind)
    try:
        text = page(browsers["admin"], "/admin/" + kind)
        assert "No %s yet" % kind in text
        assert "<table" not in text
        assert 'href="#new-form">Create the first %s</a>' % k["one"] in text
        assert 'id="new-form"' in text and CSRF_RE.search(text)
        # and the form works from there
        name = word("first")[:20]
        r = post(browsers["admin"], "/admin/" + kind, form(kind, name),
                 "/admin/" + kind)
        _, text = follow(browsers["admin"], r)
        assert ">%s</th>" % name in text and "No %s yet" % kind not in text
    finally:
        stack.psql("DELETE FROM %s" % kind)
        for iid, name, sec in saved:
            stack.psql("INSERT INTO %s (id, name, %s) OVERRIDING SYSTEM VALUE "
                       "VALUES (%s, '%s', '%s')" % (kind, second, iid, name,
                                                    sec))
