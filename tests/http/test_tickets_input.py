"""Bad input on every field and parameter of the tickets API (SECURITY.md
§1.5): empty, too long, wrong JSON types, malformed bodies, invalid
UTF-8, duplicate keys, bad ids in paths -> 400 (never 500, never database
text, never the submitted value); hostile text stored and returned
verbatim as a JSON string."""
import json as jsonlib

import pytest

from tickets_fixtures import *  # noqa: F401,F403
from tickets_fixtures import (INVALID_ID, assert_error, assert_json,
                              assert_validation, desk, new_ticket, ticket_row,
                              word)

MARK = "Qv7NotEchoed"


def count_own(stack, actor):
    return stack.psql_one("SELECT count(*) FROM tickets WHERE created_by = %s"
                          % actor.id)


# -------------------------------------------------------------- create

CREATE_BAD = [
    ({"description": "d"}, "title", "is required"),
    ({"title": "", "description": "d"}, "title", None),
    ({"title": "   ", "description": "d"}, "title", None),
    ({"title": None, "description": "d"}, "title", None),
    ({"title": MARK + "x" * 244, "description": "d"}, "title", None),  # 256
    ({"title": MARK + "é" * 244, "description": "d"}, "title", None),  # 256 chars
    ({"title": "two\nlines" + MARK, "description": "d"}, "title", None),
    ({"title": "tab\there" + MARK, "description": "d"}, "title", None),
    ({"title": "bell\x07" + MARK, "description": "d"}, "title", None),
    ({"title": 5, "description": "d"}, "title", None),
    ({"title": True, "description": "d"}, "title", None),
    ({"title": "t"}, "description", "is required"),
    ({"title": "t", "description": ""}, "description", None),
    ({"title": "t", "description": MARK + "x" * 19989}, "description", None),
    ({"title": "t", "description": 12}, "description", None),
    ({"title": "t", "description": False}, "description", None),
    ({"title": "t", "description": "d", "category_id": "abc" + MARK}, "category_id", None),
    ({"title": "t", "description": "d", "category_id": -1}, "category_id", None),
    ({"title": "t", "description": "d", "category_id": 1.5}, "category_id", None),
    ({"title": "t", "description": "d", "category_id": "1; drop"}, "category_id", None),
    ({"title": "t", "description": "d", "category_id": 99}, "category_id", "does not exist"),
    ({"title": "t", "description": "d", "category_id": "99999999999999999999"}, "category_id", None),
    ({"title": "t", "description": "d", "priority_id": "x" + MARK}, "priority_id", None),
    ({"title": "t", "description": "d", "priority_id": 99}, "priority_id", "does not exist"),
    ({"title": "t", "description": "d", "priority_id": 2.5}, "priority_id", None),
    ({"title": "t", "description": "d", "priority_id": True}, "priority_id", None),
]


@pytest.mark.parametrize("body,path,msg", CREATE_BAD,
                         ids=[str(i) for i in range(len(CREATE_BAD))])
def test_create_validation(desk, stack, body, path, msg):
    n = count_own(stack, desk.A)
    r = desk.A.post("/api/tickets", body)
    assert_validation(r, path, msg)
    assert MARK not in r.text
    assert count_own(stack, desk.A) == n


def test_create_validation_lists_every_bad_field(desk):
    r = desk.A.post("/api/tickets", {"title": "", "description": "",
                                     "priority_id": 99})
    j = assert_validation(r)
    assert {d["path"] for d in j["details"]} >= {"title", "description"}, j


@pytest.mark.parametrize("title", ["x" * 255, "é" * 255, "🎫" * 255])
def test_create_title_255_chars_ok(desk, stack, title):
    r = desk.A.post("/api/tickets", {"title": title, "description": "d"})
    assert r.status_code == 201, r.text[:300]
    assert r.json()["title"] == title
    assert ticket_row(stack, r.json()["id"])["title"] == title


def test_create_description_20000_ok(desk):
    d = "line\n" * 4000
    r = desk.A.post("/api/tickets", {"title": "long", "description": d})
    assert r.status_code == 201, r.text[:300]
    assert r.json()["description"] == d


VERBATIM = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "%n%n%s%x%p %1$s",
    "'; DROP TABLE tickets; --",
    "<?cs var:Query.x ?> {{7*7}} ${7*7}",
    "back\\slash \"quote\" and /slash/",
    "emoji 🎫 RTL \u202eevil\u202c zero\u200bwidth",
    "=cmd|' /C calc'!A0",
    "&lt;already escaped&gt; &amp;",
]


@pytest.mark.parametrize("text", VERBATIM, ids=[str(i) for i in
                                                  range(len(VERBATIM))])
def test_hostile_text_stored_verbatim(desk, stack, text):
    r = desk.A.post("/api/tickets", {"title": text,
                                     "description": "desc " + text})
    assert r.status_code == 201, r.text
    j = assert_json(r)
    assert j["title"] == text and j["description"] == "desc " + text
    row = ticket_row(stack, j["id"])
    assert row["title"] == text and row["description"] == "desc " + text
    d = desk.A.get("/api/tickets/%s" % j["id"])
    assert d.headers["Content-Type"] == "application/json; charset=utf-8"
    assert d.json()["title"] == text
    # not HTML-escaped by the API (the pages escape)
    assert "&lt;script" not in d.json()["title"] or "&lt;" in text
    r = desk.A.post("/api/tickets/%s/comments" % j["id"], {"message": text})
    assert r.status_code == 201 and r.json()["message"] == text


# -------------------------------------------------------- raw bodies

RAW_BAD = [
    (b'{"title":"a","title":"b","description":"d"}', "dup key"),
    (b'{"title":"t","description":"d","description":"e"}', "dup key 2"),
    (b'{"title":"\xff\xfe","description":"d"}', "invalid utf-8"),
    (b'{"title":"ok","description":"\xc3\x28"}', "invalid utf-8 2"),
    (b'{"title":"\xed\xa0\x80","description":"d"}', "utf-8 surrogate"),
    (b'{"title":"\xc0\xaf","description":"d"}', "overlong utf-8"),
    (b'{"title":"\\ud800x","description":"d"}', "lone surrogate escape"),
    (b'{"title":"a\\u0000b","description":"d"}', "NUL escape"),
    (b'{"title":"a\x00b","description":"d"}', "raw NUL"),
    (b'{"title":', "truncated"),
    (b'{"title":"t","description":"d",}', "trailing comma"),
    (b'[{"title":"t","description":"d"}]', "array"),
    (b'"title"', "string"),
    (b'{"title":["t"],"description":"d"}', "nested array"),
    (b'{"title":{"$ne":""},"description":"d"}', "nested object"),
    (b'{"title":"t","description":"d","priority_id":01}', "leading zero"),
    (b'{"title":"t","description":"d","priority_id":1e400}', "huge number"),
    (b'{"title":"t","description":"d"} x', "trailing garbage"),
]


@pytest.mark.parametrize("raw,why", RAW_BAD, ids=[w for _, w in RAW_BAD])
def test_create_raw_body_400(desk, stack, raw, why):
    n = count_own(stack, desk.A)
    r = desk.A.post("/api/tickets", raw=raw)
    assert r.status_code == 400, (why, r.status_code, r.text)
    assert_json(r)
    assert count_own(stack, desk.A) == n


@pytest.mark.parametrize("raw,why", [
    (b'title=%FF%FE&description=d', "invalid utf-8"),
    (b'title=a%00b&description=d', "NUL"),
    (b'title=a&title=b&description=d', "repeated"),
    (b'title=%G1&description=d', "bad escape"),
    (b'title[]=a&description=d', "brackets"),
])
def test_create_form_body_400(desk, stack, raw, why):
    n = count_own(stack, desk.A)
    r = desk.A.post("/api/tickets", raw=raw,
                    content_type="application/x-www-form-urlencoded")
    assert r.status_code == 400, (why, r.status_code, r.text)
    assert_json(r)
    assert count_own(stack, desk.A) == n


def test_create_too_many_fields_400(desk):
    body = {"f%d" % i: "x" for i in range(70)}
    body.update({"title": "t", "description": "d"})
    r = desk.A.post("/api/tickets", body)
    assert_error(r, 400)


def test_create_wrong_content_type(desk, stack):
    n = count_own(stack, desk.A)
    r = desk.A.post("/api/tickets", raw=b'{"title":"t","description":"d"}',
                    content_type="text/plain")
    assert r.status_code in (400, 415), r.text
    assert_json(r)
    assert count_own(stack, desk.A) == n


# ------------------------------------------------------- path ids

BAD_IDS = ["abc", "0", "-1", "99999999999999999999", "9223372036854775808",
           "1e3", "0x10", "1.0", "+1", "%201", "1%20OR%201=1", "1abc",
           "1'", "%27", "1;", "00000000000000000000001x"]
ODD_IDS = ["%00", "%0a", "1%2F2"]    # may be refused by nginx itself
ROUTES = [("GET", "/api/tickets/%s", None),
          ("PATCH", "/api/tickets/%s", {"title": "x"}),
          ("POST", "/api/tickets/%s/comments", {"message": "x"}),
          ("POST", "/api/tickets/%s/assign", {"agent_id": None})]
ID_CASES = [(m, p, b, i) for m, p, b in ROUTES for i in BAD_IDS + ODD_IDS]


@pytest.mark.parametrize("method,path,body,bad", ID_CASES,
                         ids=["%s %s %s" % (m, p, i)
                              for m, p, _, i in ID_CASES])
def test_bad_path_id_400(desk, method, path, body, bad):
    actor = desk.D if path.endswith("assign") else desk.A
    r = actor.request(method, path % bad, body=body)
    if bad in BAD_IDS:
        assert_error(r, 400, INVALID_ID)
    else:
        # a decoded "/" or control byte: 400, or 404 for an unknown route
        assert r.status_code in (400, 404), (method, path % bad,
                                             r.status_code, r.text[:300])


@pytest.mark.parametrize("big", ["2147483648", "9223372036854775807"])
def test_large_valid_ids_not_500(desk, big):
    for m, p, b in ROUTES:
        actor = desk.D if p.endswith("assign") else desk.A
        r = actor.request(m, p % big, body=b)
        assert r.status_code in (400, 404), (m, p % big, r.status_code)
        assert_json(r)


# -------------------------------------------------------------- PATCH

@pytest.fixture(scope="module")
def pticket(desk):
    return new_ticket(desk.A, title="Patch target", category_id=1,
                      priority_id=2)["id"]


PATCH_BAD = [
    ({"title": 5}, "title"), ({"title": "x" * 256}, "title"),
    ({"title": "a\nb"}, "title"), ({"title": False}, "title"),
    ({"description": 7}, "description"),
    ({"description": "x" * 20001}, "description"),
    ({"category_id": "abc"}, "category_id"), ({"category_id": 1.5}, "category_id"),
    ({"category_id": -3}, "category_id"), ({"category_id": True}, "category_id"),
    ({"priority_id": "2x"}, "priority_id"), ({"priority_id": 0.5}, "priority_id"),
    ({"title": "ok", "priority_id": 99}, "priority_id"),
]


@pytest.mark.parametrize("body,path", PATCH_BAD,
                         ids=[str(i) for i in range(len(PATCH_BAD))])
def test_patch_validation(desk, stack, pticket, body, path):
    before = ticket_row(stack, pticket)
    r = desk.A.patch("/api/tickets/%s" % pticket, body)
    assert_validation(r, path)
    assert ticket_row(stack, pticket) == before


@pytest.mark.parametrize("raw", [
    b'[]', b'"x"', b'{"title":"a","title":"b"}', b'{"title":"\xff"}',
    b'{"priority_id":[1]}', b'{"title":', b'null',
])
def test_patch_raw_400(desk, stack, pticket, raw):
    before = ticket_row(stack, pticket)
    r = desk.A.request("PATCH", "/api/tickets/%s" % pticket, raw=raw)
    assert r.status_code == 400, (raw, r.status_code, r.text)
    assert_json(r)
    assert ticket_row(stack, pticket) == before


# ------------------------------------------------------------ comments

@pytest.mark.parametrize("raw", [
    b'{"message":"\xff\xfe"}', b'{"message":"a","message":"b"}',
    b'{"message":"a\\u0000b"}', b'{"message":["x"]}', b'{"message":"\\udc00"}',
])
def test_comment_raw_400(desk, stack, pticket, raw):
    n = stack.psql_one("SELECT count(*) FROM ticket_comments WHERE "
                       "ticket_id = %s" % pticket)
    r = desk.A.request("POST", "/api/tickets/%s/comments" % pticket, raw=raw)
    assert r.status_code == 400, (raw, r.status_code, r.text)
    assert_json(r)
    assert stack.psql_one("SELECT count(*) FROM ticket_comments WHERE "
                          "ticket_id = %s" % pticket) == n


def test_unsupported_methods(desk, pticket):
    for m, p in (("DELETE", "/api/tickets/%s" % pticket),
                 ("PUT", "/api/tickets/%s" % pticket),
                 ("DELETE", "/api/tickets"), ("PATCH", "/api/tickets"),
                 ("GET", "/api/tickets/%s/assign" % pticket),
                 ("GET", "/api/tickets/%s/comments" % pticket)):
        r = desk.A.request(m, p, body={})
        assert r.status_code in (404, 405), (m, p, r.status_code)
        assert_json(r)
    assert desk.A.get("/api/tickets/%s" % pticket).status_code == 200


def test_sql_injection_in_filters(desk):
    for params in ({"status": "Open' OR '1'='1"},
                   {"priority_id": "1 OR 1=1"},
                   {"sort": "created_at DESC; SELECT pg_sleep(3)"},
                   {"q": "x') OR 1=1 --"}):
        r = desk.B.get("/api/tickets", params=params)
        assert r.status_code in (200, 400), (params, r.status_code)
        j = assert_json(r)
        if r.status_code == 200:
            assert all(t["created_by"] == desk.B.id for t in j["tickets"])


def test_word_helper_is_one_token():
    w = word()
    assert w.isalnum() and jsonlib.dumps(w) == '"%s"' % w
