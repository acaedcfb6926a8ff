"""Idempotency-Key on ticket and comment creation (issue 9, sql/012): a
request sent again with the same key gets the first answer and writes
nothing; a different request under the key is refused (422); keys belong
to their user, last 24 hours, and are checked (1..255 visible ASCII).
Concurrent requests with one key make one write."""
import threading
import uuid

import pytest

from tickets_fixtures import *  # noqa: F401,F403
from tickets_fixtures import assert_json, desk, make_user, new_ticket


def key():
    return "k-" + uuid.uuid4().hex


def post(actor, path, body, k):
    return actor.post(path, body, headers={"Idempotency-Key": k})


def count(stack, sql):
    return int(stack.psql_one(sql))


def tickets_titled(stack, title):
    return count(stack, "SELECT count(*) FROM tickets WHERE title = '%s'"
                 % title)


def test_create_retry_answers_the_first(desk, stack):
    title = "Idem " + uuid.uuid4().hex
    k = key()
    body = {"title": title, "description": "Printer on fire"}
    first = post(desk.A, "/api/tickets", body, k)
    assert first.status_code == 201, first.text
    assert "Idempotent-Replayed" not in first.headers
    again = post(desk.A, "/api/tickets", body, k)
    assert again.status_code == 201, again.text
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.headers["Content-Type"].startswith("application/json")
    assert again.json() == first.json()
    assert tickets_titled(stack, title) == 1
    tid = first.json()["id"]
    assert count(stack, "SELECT count(*) FROM audit_logs WHERE entity_type ="
                 " 'ticket' AND entity_id = %s AND action = 'created'"
                 % tid) == 1


def test_retry_after_a_change_still_answers_the_first(desk, stack):
    """The kept answer is the creation's, not today's ticket."""
    k = key()
    body = {"title": "Idem change " + uuid.uuid4().hex, "description": "d"}
    first = post(desk.A, "/api/tickets", body, k).json()
    r = desk.A.patch("/api/tickets/%s" % first["id"], {"title": "Renamed"})
    assert r.status_code == 200, r.text
    again = post(desk.A, "/api/tickets", body, k)
    assert again.status_code == 201 and again.json() == first


def test_other_body_under_the_key_is_422(desk, stack):
    k = key()
    title = "Idem A " + uuid.uuid4().hex
    assert post(desk.A, "/api/tickets", {"title": title,
                                         "description": "one"},
                k).status_code == 201
    r = post(desk.A, "/api/tickets", {"title": title, "description": "two"},
             k)
    assert r.status_code == 422, r.text
    assert assert_json(r) == {"error": "This Idempotency-Key was used for a "
                                       "different request"}
    assert tickets_titled(stack, title) == 1
    # the same fields as a form are another request too
    r = desk.A.post("/api/tickets", data={"title": title,
                                          "description": "one"},
                    headers={"Idempotency-Key": k})
    assert r.status_code == 422, r.text


def test_other_route_under_the_key_is_422(desk, stack):
    k = key()
    t = new_ticket(desk.A)
    r = post(desk.A, "/api/tickets/%s/comments" % t["id"],
             {"message": "hello"}, k)
    assert r.status_code == 201, r.text
    other = new_ticket(desk.A)
    r = post(desk.A, "/api/tickets/%s/comments" % other["id"],
             {"message": "hello"}, k)
    assert r.status_code == 422, r.text
    r = post(desk.A, "/api/tickets", {"title": "x", "description": "y"}, k)
    assert r.status_code == 422, r.text
    assert count(stack, "SELECT count(*) FROM ticket_comments WHERE"
                 " ticket_id = %s" % other["id"]) == 0


def test_keys_belong_to_their_user(desk, stack):
    k = key()
    title = "Idem shared key " + uuid.uuid4().hex
    body = {"title": title, "description": "same"}
    a = post(desk.A, "/api/tickets", body, k)
    b = post(desk.B, "/api/tickets", body, k)
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]
    assert b.json()["created_by"] == desk.B.id
    assert "Idempotent-Replayed" not in b.headers
    assert tickets_titled(stack, title) == 2


def test_comment_retry_answers_the_first(desk, stack):
    t = new_ticket(desk.A)
    k = key()
    first = post(desk.A, "/api/tickets/%s/comments" % t["id"],
                 {"message": "Once only"}, k)
    assert first.status_code == 201, first.text
    again = post(desk.A, "/api/tickets/%s/comments" % t["id"],
                 {"message": "Once only"}, k)
    assert again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == first.json()
    assert count(stack, "SELECT count(*) FROM ticket_comments WHERE"
                 " ticket_id = %s" % t["id"]) == 1


def test_internal_note_replayed_only_to_its_author(desk, stack):
    """An agent's internal note kept under a key is the agent's: a client
    sending the same key and body writes its own (public) comment."""
    t = new_ticket(desk.A)
    assert desk.D.post("/api/tickets/%s/assign" % t["id"],
                       {"agent_id": desk.G1.id}).status_code == 201
    k = key()
    body = {"message": "internal " + uuid.uuid4().hex, "is_internal": True}
    g = post(desk.G1, "/api/tickets/%s/comments" % t["id"], body, k)
    assert g.status_code == 201 and g.json()["is_internal"] is True
    a = post(desk.A, "/api/tickets/%s/comments" % t["id"], body, k)
    assert a.status_code == 201, a.text
    assert "Idempotent-Replayed" not in a.headers
    assert a.json()["is_internal"] is False
    assert a.json()["id"] != g.json()["id"]


@pytest.mark.parametrize("bad", ["a b", "é", "x" * 256, "tab\tkey", "del\x7f"])
def test_bad_keys_are_400_and_write_nothing(desk, stack, bad):
    title = "Idem bad " + uuid.uuid4().hex
    r = desk.A.post("/api/tickets", {"title": title, "description": "d"},
                    headers={"Idempotency-Key": bad.encode("utf-8")})
    assert r.status_code == 400, (bad, r.status_code, r.text)
    assert assert_json(r) == {"error": "Idempotency-Key must be 1 to 255 "
                                       "visible ASCII characters"}
    assert tickets_titled(stack, title) == 0


def test_empty_key_is_no_key(desk, stack):
    """An empty header value is no header (as for every header here)."""
    title = "Idem empty " + uuid.uuid4().hex
    body = {"title": title, "description": "d"}
    for _ in range(2):
        r = desk.A.post("/api/tickets", body, headers={"Idempotency-Key": ""})
        assert r.status_code == 201 and "Idempotent-Replayed" not in r.headers
    assert tickets_titled(stack, title) == 2


def test_longest_key_is_fine(desk):
    k = "K" * 255
    body = {"title": "Idem long key", "description": uuid.uuid4().hex}
    assert post(desk.A, "/api/tickets", body, k).status_code == 201
    r = post(desk.A, "/api/tickets", body, k)
    assert r.status_code == 201 and r.headers["Idempotent-Replayed"] == "true"


def test_refused_request_does_not_use_the_key(desk, stack):
    """Nothing is kept for a request that wrote nothing: a 400 or a 409
    leaves the key free for the corrected request."""
    k = key()
    r = post(desk.A, "/api/tickets", {"title": "", "description": "d"}, k)
    assert r.status_code == 400
    title = "Idem fixed " + uuid.uuid4().hex
    r = post(desk.A, "/api/tickets", {"title": title, "description": "d"}, k)
    assert r.status_code == 201 and "Idempotent-Replayed" not in r.headers
    assert tickets_titled(stack, title) == 1


def test_expired_key_writes_again(desk, stack):
    k = key()
    title = "Idem expired " + uuid.uuid4().hex
    body = {"title": title, "description": "d"}
    first = post(desk.A, "/api/tickets", body, k).json()
    stack.psql("UPDATE idempotency_keys SET created_at = now() -"
               " interval '25 hours' WHERE key = '%s'" % k)
    again = post(desk.A, "/api/tickets", body, k)
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again.headers
    assert again.json()["id"] != first["id"]
    assert tickets_titled(stack, title) == 2
    # the key now answers with the second ticket
    third = post(desk.A, "/api/tickets", body, k)
    assert third.json()["id"] == again.json()["id"]
    assert count(stack, "SELECT count(*) FROM idempotency_keys WHERE key ="
                 " '%s'" % k) == 1


def test_expired_keys_are_removed(desk, stack):
    """A user's expired keys go when they next claim one."""
    u = make_user(stack, "client")
    old = key()
    assert post(u, "/api/tickets", {"title": "t", "description": "1"},
                old).status_code == 201
    stack.psql("UPDATE idempotency_keys SET created_at = now() -"
               " interval '25 hours' WHERE key = '%s'" % old)
    assert post(u, "/api/tickets", {"title": "t", "description": "2"},
                key()).status_code == 201
    assert count(stack, "SELECT count(*) FROM idempotency_keys WHERE"
                 " user_id = %s" % u.id) == 1


def test_concurrent_requests_with_one_key_write_once(desk, stack):
    """Eight requests at once with one key: one ticket, one answer."""
    k = key()
    title = "Idem race " + uuid.uuid4().hex
    body = {"title": title, "description": "race"}
    out = []
    barrier = threading.Barrier(8)

    def go():
        barrier.wait()
        r = post(desk.A, "/api/tickets", body, k)
        out.append((r.status_code, r.json()))

    threads = [threading.Thread(target=go) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [s for s, _ in out] == [201] * 8, out
    assert len({j["id"] for _, j in out}) == 1
    assert tickets_titled(stack, title) == 1
    assert count(stack, "SELECT count(*) FROM audit_logs WHERE entity_type ="
                 " 'ticket' AND action = 'created' AND entity_id = %s"
                 % out[0][1]["id"]) == 1


def test_without_a_key_nothing_is_kept(desk, stack):
    title = "Idem none " + uuid.uuid4().hex
    body = {"title": title, "description": "d"}
    before = count(stack, "SELECT count(*) FROM idempotency_keys")
    assert desk.A.post("/api/tickets", body).status_code == 201
    assert desk.A.post("/api/tickets", body).status_code == 201
    assert tickets_titled(stack, title) == 2
    assert count(stack, "SELECT count(*) FROM idempotency_keys") == before


def test_key_needs_a_signed_in_caller(desk):
    r = desk.anon.post("/api/tickets", {"title": "t", "description": "d"},
                       headers={"Idempotency-Key": key()})
    assert r.status_code == 401
