"""Attachments (API.md §3.4, SECURITY.md): uploads through the API and the
ticket page's form, downloads, previews, encryption at rest, damaged
files and the sweep of orphan files, all driven through nginx over TLS.

Every refused upload is checked to leave nothing behind (no row, no
upload audit row, no file or temp file in UPLOAD_DIR): see nothing_stored().
The file fixtures are built here, byte by byte (no image library).

This module starts its own stack ("http-att"); actors come from
tickets_fixtures (clients A and B, agent G1 and G2, the stack's admin D).
"""
import base64
import contextlib
import hashlib
import html
import json
import os
import pwd
import re
import shutil
import struct
import subprocess
import time
import urllib.parse
import uuid
import zlib

import pytest

import stack as stackmod
from conftest import CSRF_RE, Browser
from tickets_fixtures import (ISO_RE, JSON_CT, assert_error,  # noqa: F401
                              assert_json, assert_validation, assign, desk,
                              new_ticket, set_status, word)

MB = 1024 * 1024
MAX = 10 * MB
HEX32_RE = re.compile(r"^[0-9a-f]{32}$")
HTML_CT = "text/html; charset=utf-8"

MALFORMED = "Malformed multipart body"
TOOMANY = 'Only one file, in the field "file", per upload'
TID_REQUIRED = "ticket_id required"
NOT_FOUND = "Ticket not found"
CLOSED = "Ticket is closed"
NOFILE = "file required"
TOOBIG = "File too large. Maximum size: 10MB"
EMPTY = "File is empty"
BADTYPE = ("Invalid file type. Allowed: PNG, JPEG, GIF, WebP, PDF and "
           "plain text")
MISMATCH = "File content does not match its declared type"
DAMAGED = "The stored file is damaged and cannot be sent"
ATT_NOT_FOUND = "Attachment not found"

FLASH = {
    "added": ("success", "The file has been attached."),
    "missing": ("error", "Please choose a file to attach."),
    "too_many": ("error", "Please attach one file at a time."),
    "too_big": ("error", "That file is larger than the upload limit shown "
                "below the form."),
    "empty": ("error", "That file is empty."),
    "bad_type": ("error", "That kind of file is not accepted. You can attach "
                 "PNG, JPEG, GIF and WebP images, PDF documents and plain "
                 "text files."),
    "mismatch": ("error", "That file's content does not match its name or "
                 "type, so it was not accepted."),
    "closed": ("error", "This ticket is closed. An admin can reopen it."),
}
FLASH_RE = re.compile(
    r'<div class="flash flash-(\w+)"[^>]*><p>(.*?)</p></div>', re.S)


@pytest.fixture(scope="module")
def stack():
    st = None
    try:
        st = stackmod.start_stack("http-att")
        yield st
    finally:
        p = _PSQL.pop(id(st), None)
        if p is not None:
            p.close()
        if st is not None:
            st.stop()


class Psql:
    """One psql session kept open: the checks around every refused upload
    would take a tenth of a second each with a new connection."""

    END = "__ssts_att_end__"

    def __init__(self, st):
        self.p = subprocess.Popen(
            ["psql", "-X", "-q", "-At", "-F", "\x1f", "-d", st.owner_url()],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, bufsize=1)

    def rows(self, q):
        self.p.stdin.write(q.rstrip().rstrip(";") + ";\n\\echo %s\n"
                           % self.END)
        self.p.stdin.flush()
        out = []
        while True:
            line = self.p.stdout.readline()
            if line == "":
                raise stackmod.StackError("psql went away: %r" % out)
            line = line.rstrip("\n")
            if line == self.END:
                break
            out.append(line)
        if out and out[0].startswith(("ERROR:", "FATAL:", "psql:")):
            raise stackmod.StackError("psql: %s" % "\n".join(out))
        return [line.split("\x1f") for line in out]

    def close(self):
        self.p.stdin.close()
        self.p.wait(timeout=10)


_PSQL = {}


def sql(st, q):
    """Rows of q (as the database owner), as lists of strings."""
    p = _PSQL.get(id(st))
    if p is None:
        p = _PSQL[id(st)] = Psql(st)
    return p.rows(q)


def audit_rows(st, tid, action):
    """[(action, payload, performed_by)] of ticket tid, oldest first."""
    rows = sql(st, "SELECT action, coalesce(payload::text, 'null'), "
               "coalesce(performed_by::text, '') FROM audit_logs "
               "WHERE entity_type = 'ticket' AND entity_id = %d "
               "AND action = '%s' ORDER BY id" % (int(tid), action))
    return [(a, json.loads(p), by) for a, p, by in rows]


# ------------------------------------------------------------- file fixtures

def png_bytes(w=2, h=2):
    def chunk(t, d):
        return (struct.pack(">I", len(d)) + t + d +
                struct.pack(">I", zlib.crc32(t + d) & 0xffffffff))
    raw = b"".join(b"\x00" + b"\xff\x10\x10" * w for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def gif_bytes():
    return (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff"
            b"!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00"
            b"\x00\x02\x02D\x01\x00;")


def jpeg_bytes():
    return base64.b64decode(
        "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////"
        "////////////////////////////////////////////////////wgALCAABAAEBAREA"
        "/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=")


def webp_bytes():
    return base64.b64decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")


def pdf_bytes(marker=b""):
    return (b"%PDF-1.4\n% " + marker + b"\n"
            b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


def text_bytes(marker, size=None):
    line = ("Log line %s: the printer is on fire again\n" % marker).encode()
    if size is None:
        return line * 3
    return (line * (size // len(line) + 1))[:size]


def elf_bytes():
    b = bytearray(4096)
    b[0:16] = b"\x7fELF\x02\x01\x01\x00" + bytes(8)
    struct.pack_into("<HHI", b, 16, 2, 0x3e, 1)    # ET_EXEC, x86-64
    with open("/bin/true", "rb") as f:
        real = f.read(4096)
    return real if real.startswith(b"\x7fELF") else bytes(b)


def pe_bytes():
    b = bytearray(512)
    b[0:2] = b"MZ"
    struct.pack_into("<I", b, 0x3c, 0x80)
    b[0x80:0x84] = b"PE\0\0"
    struct.pack_into("<H", b, 0x84, 0x14c)
    return bytes(b)


HTML_DOC = (b"<!DOCTYPE html>\n<html><head><title>x</title></head>"
            b"<body><script>alert(1)</script></body></html>\n")
SVG_DOC = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
           b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
           b"<script>alert(1)</script></svg>\n")
SHELL_DOC = b"#!/bin/sh\nrm -rf /tmp/nothing-here\necho done\n"

# name: (bytes, declared type, stored type, shown inline)
ALLOWED = {
    "png": (png_bytes, "image/png", "image/png", True),
    "jpeg": (jpeg_bytes, "image/jpeg", "image/jpeg", True),
    "gif": (gif_bytes, "image/gif", "image/gif", True),
    "webp": (webp_bytes, "image/webp", "image/webp", True),
    "pdf": (pdf_bytes, "application/pdf", "application/pdf", False),
    "txt": (lambda: text_bytes(word("t")), "text/plain", "text/plain", False),
}


# ------------------------------------------------------------- helpers

def upload_dir(st):
    return os.path.join(st.var, "uploads")


def store_state(st):
    """What a refused upload must not change: the files of UPLOAD_DIR
    (temp files included), the attachment rows and upload audit rows."""
    files = sorted(os.listdir(upload_dir(st)))
    rows = sql(st, "SELECT (SELECT count(*) FROM attachments), "
                   "(SELECT count(*) FROM audit_logs "
                   "WHERE action = 'attachment_uploaded')")[0]
    return files, rows


@contextlib.contextmanager
def nothing_stored(st):
    before = store_state(st)
    yield
    after = store_state(st)
    assert after == before, ("a refused upload left something behind",
                             before, after)


def bearer(actor):
    return {"Authorization": "Bearer " + actor.token} if actor.token else {}


def part(name, body, filename=None, ctype=None, disposition=None):
    """One multipart part; filename may be bytes (sent as is)."""
    if disposition is None:
        disposition = b'form-data; name="%s"' % name.encode()
        if filename is not None:
            if isinstance(filename, str):
                filename = filename.encode()
            disposition += b'; filename="' + filename + b'"'
    head = b"Content-Disposition: " + disposition + b"\r\n"
    if ctype is not None:
        head += b"Content-Type: " + ctype.encode() + b"\r\n"
    if isinstance(body, str):
        body = body.encode()
    return head + b"\r\n" + body


def multipart(parts, boundary=None, close=True):
    """(body, content type) of parts framed by a fresh boundary."""
    bnd = boundary or "----sstsatt" + uuid.uuid4().hex
    out = b"".join(b"--" + bnd.encode() + b"\r\n" + p + b"\r\n"
                   for p in parts)
    if close:
        out += b"--" + bnd.encode() + b"--\r\n"
    return out, "multipart/form-data; boundary=" + bnd


def post_raw(st, actor, body, ctype, path="/api/attachments", session=None):
    h = bearer(actor)
    h["Content-Type"] = ctype
    s = session or actor.s
    return s.post(st.url(path), data=body, headers=h, allow_redirects=False,
                  timeout=60)


def upload(st, actor, tid, content, filename="notes.txt", ctype="text/plain"):
    """An upload as requests (like curl -F) sends it: ticket_id, then file."""
    return actor.s.post(st.url("/api/attachments"), headers=bearer(actor),
                        data={"ticket_id": str(tid)},
                        files={"file": (filename, content, ctype)},
                        allow_redirects=False, timeout=60)


def upload_raw(st, actor, tid, content, filename="notes.txt",
               ctype="text/plain"):
    """The same with a raw header: filename (bytes or str) is sent as is."""
    parts = [part("ticket_id", str(tid)),
             part("file", content, filename=filename, ctype=ctype)]
    return post_raw(st, actor, *multipart(parts))


def refused(st, send, status, message=None):
    with nothing_stored(st):
        r = send()
    return assert_error(r, status, message)


def created(st, r, actor, tid, content, ctype):
    """Checks a 201 answer, its row, audit row and stored file."""
    assert r.status_code == 201, (r.status_code, r.text[:500])
    j = assert_json(r)
    assert set(j) == {"id", "ticket_id", "file_key", "filename",
                      "content_type", "size_bytes", "uploaded_by",
                      "created_at"}, j
    for k in ("id", "ticket_id", "size_bytes", "uploaded_by"):
        assert isinstance(j[k], str) and j[k].isdigit(), (k, j)
    assert j["ticket_id"] == str(tid)
    assert j["uploaded_by"] == str(actor.id)
    assert j["size_bytes"] == str(len(content))
    assert j["content_type"] == ctype
    assert HEX32_RE.match(j["file_key"]), j
    assert ISO_RE.match(j["created_at"]), j
    row = sql(st, "SELECT ticket_id, file_key, filename, content_type, "
                  "size_bytes, uploaded_by FROM attachments WHERE id = %d"
                  % int(j["id"]))
    assert row == [[j["ticket_id"], j["file_key"], j["filename"], ctype,
                    j["size_bytes"], j["uploaded_by"]]], row
    audits = [(p, by) for a, p, by in
              audit_rows(st, tid, "attachment_uploaded")
              if p.get("attachment_id") == j["id"]]
    assert audits == [({"attachment_id": j["id"], "filename": j["filename"],
                        "size_bytes": j["size_bytes"],
                        "content_type": ctype}, str(actor.id))], audits
    path = os.path.join(upload_dir(st), j["file_key"])
    assert os.path.isfile(path), path
    return j


def stored_path(st, att):
    return os.path.join(upload_dir(st), att["file_key"])


def download(actor, aid):
    return actor.get("/api/attachments/%s/download" % aid)


def audit_count(st, action, aid=None):
    cond = " AND payload->>'attachment_id' = '%s'" % aid if aid else ""
    return int(sql(st, "SELECT count(*) FROM audit_logs WHERE action = "
                   "'%s'%s" % (action, cond))[0][0])


def assert_clean_name(name):
    assert isinstance(name, str) and name, name
    assert "/" not in name and "\\" not in name, name
    assert '"' not in name, name
    assert not any(ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f for c in name), \
        repr(name)
    assert "\u202e" not in name and "\u202d" not in name, repr(name)
    assert len(name.encode("utf-8")) <= 255, len(name.encode("utf-8"))
    name.encode("utf-8", "strict")      # no lone surrogates


DISPOSITION_RE = re.compile(
    r"(inline|attachment); filename=\"([^\"]*)\"; "
    r"filename\*=UTF-8''([A-Za-z0-9!#$&+\-.^_`|~%]*)")


def check_file_response(r, content, ctype, name, inline):
    """A download: exactly the bytes, with the headers of the contract."""
    assert r.status_code == 200, (r.status_code, r.text[:300])
    assert r.content == content
    raw = r.raw.headers
    # the stored type; text is served as UTF-8 (the only charset it may say)
    cts = raw.getlist("Content-Type")
    assert len(cts) == 1, cts
    media, _, params = cts[0].partition(";")
    assert media == ctype, cts
    assert params.strip().lower() in (
        ("", "charset=utf-8") if ctype == "text/plain" else ("",)), cts
    cds = raw.getlist("Content-Disposition")
    assert len(cds) == 1, cds
    m = DISPOSITION_RE.fullmatch(cds[0])
    assert m, cds[0]
    assert m.group(1) == ("inline" if inline else "attachment"), cds[0]
    fallback = m.group(2)
    assert all(0x20 <= ord(c) < 0x7f for c in fallback), fallback
    assert "\\" not in fallback and '"' not in fallback
    if all(ord(c) < 0x80 for c in name):
        assert fallback == name, (fallback, name)
    assert urllib.parse.unquote(m.group(3), errors="strict") == name
    assert raw.getlist("X-Content-Type-Options") == ["nosniff"], \
        raw.getlist("X-Content-Type-Options")
    assert "sandbox" in [v.strip() for v in
                         raw.getlist("Content-Security-Policy")], \
        raw.getlist("Content-Security-Policy")
    assert raw.getlist("Content-Length") == [str(len(content))], \
        raw.getlist("Content-Length")
    assert "no-store" in r.headers.get("Cache-Control", ""), \
        r.headers.get("Cache-Control")


# ------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def tk(stack, desk):
    """Client A's ticket, assigned to agent G1: most uploads go here."""
    t = new_ticket(desk.A, title="Scanner jams " + word("att"))
    assign(desk.D, t["id"], desk.G1.id)
    return t


@pytest.fixture(scope="module")
def closed_tk(stack, desk):
    t = new_ticket(desk.A, title="Closed matter " + word("cl"))
    assign(desk.D, t["id"], desk.G1.id)
    set_status(stack, t["id"], "Closed")
    return t


@pytest.fixture(scope="module")
def b_tk(stack, desk):
    return new_ticket(desk.B, title="Bob's own " + word("bob"))


@pytest.fixture(scope="module")
def text_att(stack, desk, tk):
    """A text attachment on tk (content with a distinctive marker)."""
    marker = word("secretmarker")
    content = text_bytes(marker)
    r = upload(stack, desk.A, tk["id"], content, "report.txt")
    j = created(stack, r, desk.A, tk["id"], content, "text/plain")
    j["content"] = content
    j["marker"] = marker.encode()
    return j


# ------------------------------------------------------------- API: refusals

def test_upload_anonymous_is_401(stack, desk, tk):
    refused(stack, lambda: upload(stack, desk.anon, tk["id"], b"hello\n"),
            401)
    body, ct = multipart([part("ticket_id", str(tk["id"])),
                          part("file", b"x\n", "a.txt", "text/plain")])
    refused(stack, lambda: post_raw(stack, desk.anon, body, ct), 401)


def test_upload_needs_multipart(stack, desk, tk):
    A = desk.A
    refused(stack, lambda: A.post("/api/attachments",
                                  {"ticket_id": tk["id"], "file": "aGk="}),
            415, "Expected multipart/form-data")
    refused(stack, lambda: A.post("/api/attachments",
                                  data={"ticket_id": str(tk["id"]),
                                        "file": "hello"}),
            415, "Expected multipart/form-data")


def test_malformed_multipart(stack, desk, tk):
    A = desk.A
    good = [part("ticket_id", str(tk["id"])),
            part("file", text_bytes(word("m")), "m.txt", "text/plain")]
    # no closing delimiter
    body, ct = multipart(good, close=False)
    refused(stack, lambda: post_raw(stack, A, body, ct), 400, MALFORMED)
    # body cut inside the file part
    body, ct = multipart(good)
    cut = body[:len(body) - 60]
    refused(stack, lambda: post_raw(stack, A, cut, ct), 400, MALFORMED)
    # the body's boundary is not the announced one
    body, _ = multipart(good, boundary="realboundary123")
    refused(stack, lambda: post_raw(
        stack, A, body, "multipart/form-data; boundary=otherboundary456"),
        400, MALFORMED)
    # no boundary, an empty one, a too long one, one with a bad character
    body, _ = multipart(good, boundary="b" * 71)
    for ct in ["multipart/form-data", "multipart/form-data; boundary=",
               "multipart/form-data; boundary=" + "b" * 71,
               "multipart/form-data; boundary=ab{cd"]:
        refused(stack, lambda: post_raw(stack, A, body, ct), 400, MALFORMED)
    # a part without Content-Disposition, a header line without a colon
    for bad in [b"Content-Type: text/plain\r\n\r\nhello",
                b"Content-Disposition form-data; name=\"file\"\r\n\r\nx"]:
        body, ct = multipart([part("ticket_id", str(tk["id"])), bad])
        refused(stack, lambda: post_raw(stack, A, body, ct), 400, MALFORMED)
    # a CR LF inside the quoted filename ends the header line mid-quote
    body, ct = multipart([
        part("ticket_id", str(tk["id"])),
        part("file", b"hello\n", filename=b"a\r\nX-Evil: 1.txt",
             ctype="text/plain")])
    refused(stack, lambda: post_raw(stack, A, body, ct), 400, MALFORMED)


def test_one_file_in_field_file(stack, desk, tk):
    A = desk.A
    t = str(tk["id"])
    two = [part("ticket_id", t),
           part("file", b"one\n", "one.txt", "text/plain"),
           part("file", b"two\n", "two.txt", "text/plain")]
    other = [part("ticket_id", t),
             part("upload", b"one\n", "one.txt", "text/plain")]
    both = [part("ticket_id", t),
            part("file", b"one\n", "one.txt", "text/plain"),
            part("attachment", png_bytes(), "two.png", "image/png")]
    for parts in (two, other, both):
        body, ct = multipart(parts)
        refused(stack, lambda: post_raw(stack, A, body, ct), 400, TOOMANY)
    # the same through requests (like curl -F file=@a -F file=@b)
    refused(stack, lambda: A.s.post(
        stack.url("/api/attachments"), headers=bearer(A),
        data={"ticket_id": t},
        files=[("file", ("a.txt", b"a\n", "text/plain")),
               ("file", ("b.txt", b"b\n", "text/plain"))],
        timeout=30), 400, TOOMANY)


@pytest.mark.parametrize("bad", ["abc", "-1", "1.5", "",
                                 "99999999999999999999", " 1", "1 ", "0x10",
                                 "1e3"])
def test_ticket_id_not_an_id(stack, desk, bad):
    with nothing_stored(stack):
        r = upload(stack, desk.A, bad, b"hello\n")
    assert_validation(r, "ticket_id")


def test_checks_in_their_order(stack, desk, tk, closed_tk, b_tk):
    A = desk.A
    txt = text_bytes(word("o"))
    t = str(tk["id"])
    # ticket_id missing comes first, even before the file checks
    for parts in ([part("file", txt, "a.txt", "text/plain")],
                  [part("file", b"", "a.txt", "text/plain")],
                  [part("file", HTML_DOC, "a.html", "text/html")],
                  [part("note", "hello")]):
        body, ct = multipart(parts)
        refused(stack, lambda: post_raw(stack, A, body, ct), 400,
                TID_REQUIRED)
    # a bad ticket_id before the ticket and file checks
    body, ct = multipart([part("ticket_id", "abc"),
                          part("file", b"", "a.txt", "text/plain")])
    with nothing_stored(stack):
        r = post_raw(stack, A, body, ct)
    assert_validation(r, "ticket_id")
    # not visible / missing before closed and before the file checks
    for tid in (b_tk["id"], 99999999, 9223372036854775807):
        for content, ctype in ((txt, "text/plain"), (b"", "text/plain"),
                               (HTML_DOC, "text/html")):
            refused(stack, lambda: upload(stack, A, tid, content, "a.txt",
                                          ctype), 404, NOT_FOUND)
        body, ct = multipart([part("ticket_id", str(tid))])
        refused(stack, lambda: post_raw(stack, A, body, ct), 404, NOT_FOUND)
    # closed before the file checks (even for the admin)
    for actor in (A, desk.D):
        for content, ctype in ((txt, "text/plain"), (b"", "text/plain"),
                               (SVG_DOC, "image/png")):
            refused(stack, lambda: upload(stack, actor, closed_tk["id"],
                                          content, "a.txt", ctype),
                    409, CLOSED)
    body, ct = multipart([part("ticket_id", str(closed_tk["id"]))])
    refused(stack, lambda: post_raw(stack, A, body, ct), 409, CLOSED)
    # no file part
    body, ct = multipart([part("ticket_id", t)])
    refused(stack, lambda: post_raw(stack, A, body, ct), 400, NOFILE)
    body, ct = multipart([part("ticket_id", t), part("note", "no file")])
    refused(stack, lambda: post_raw(stack, A, body, ct), 400, NOFILE)
    # empty, before the type checks
    for ctype in ("text/plain", "image/png", "application/octet-stream"):
        refused(stack, lambda: upload(stack, A, t, b"", "e.txt", ctype),
                400, EMPTY)
    # a refused type is refused whatever it claims (not a "mismatch")
    refused(stack, lambda: upload(stack, A, t, HTML_DOC, "x.png",
                                  "image/png"), 400, BADTYPE)


def test_ticket_id_may_follow_the_file(stack, desk, tk):
    content = text_bytes(word("late"))
    body, ct = multipart([part("file", content, "late.txt", "text/plain"),
                          part("ticket_id", str(tk["id"]))])
    r = post_raw(stack, desk.A, body, ct)
    created(stack, r, desk.A, tk["id"], content, "text/plain")


# ------------------------------------------------------------- API: types

@pytest.mark.parametrize("kind", sorted(ALLOWED))
def test_allowed_types(stack, desk, tk, kind):
    make, declared, stored, _ = ALLOWED[kind]
    content = make()
    r = upload(stack, desk.A, tk["id"], content, "sample." + kind, declared)
    j = created(stack, r, desk.A, tk["id"], content, stored)
    assert j["filename"] == "sample." + kind


@pytest.mark.parametrize("kind,declared", [
    ("jpeg", "image/jpg"), ("jpeg", "image/pjpeg"), ("jpeg", "IMAGE/JPEG"),
    ("txt", "text/plain; charset=utf-8"), ("txt", "text/plain;charset=UTF-8"),
    ("png", "image/png; name=x.png"), ("pdf", "application/pdf ")])
def test_declared_type_aliases_and_parameters(stack, desk, tk, kind,
                                              declared):
    make, _, stored, _ = ALLOWED[kind]
    content = make()
    r = upload_raw(stack, desk.A, tk["id"], content, "alias." + kind,
                   declared)
    created(stack, r, desk.A, tk["id"], content, stored)


@pytest.mark.parametrize("what,content,declared", [
    ("html", HTML_DOC, "text/html"),
    ("html-as-text", HTML_DOC, "text/plain"),
    ("html-as-png", HTML_DOC, "image/png"),
    ("svg", SVG_DOC, "image/svg+xml"),
    ("svg-as-png", SVG_DOC, "image/png"),
    ("elf", elf_bytes(), "application/octet-stream"),
    ("elf-as-png", elf_bytes(), "image/png"),
    ("pe", pe_bytes(), "application/x-msdownload"),
    ("pe-as-pdf", pe_bytes(), "application/pdf"),
    ("shell", SHELL_DOC, "text/x-shellscript"),
    ("shell-as-text", SHELL_DOC, "text/plain"),
])
def test_refused_types(stack, desk, tk, what, content, declared):
    refused(stack, lambda: upload(stack, desk.A, tk["id"], content,
                                  "file.png", declared), 400, BADTYPE)


@pytest.mark.parametrize("kind,declared", [
    ("png", "application/pdf"), ("png", "application/octet-stream"),
    ("png", "image/jpeg"), ("jpeg", "image/png"), ("gif", "image/webp"),
    ("webp", "image/gif"), ("pdf", "text/plain"),
    ("pdf", "application/octet-stream"), ("txt", "image/png"),
    ("txt", "text/html"), ("txt", "application/octet-stream"),
    ("txt", "text/plainx"), ("txt", "")])
def test_declared_type_must_match_content(stack, desk, tk, kind, declared):
    content = ALLOWED[kind][0]()
    refused(stack, lambda: upload_raw(stack, desk.A, tk["id"], content,
                                      "file." + kind, declared),
            400, MISMATCH)


# ------------------------------------------------------------- API: sizes

def test_size_limits(stack, desk, tk):
    A = desk.A
    marker = word("tenmega")
    exact = text_bytes(marker, MAX)
    assert len(exact) == MAX
    r = upload(stack, A, tk["id"], exact, "exact.log")
    j = created(stack, r, A, tk["id"], exact, "text/plain")
    with open(stored_path(stack, j), "rb") as f:
        at_rest = f.read()
    assert marker.encode() not in at_rest          # encrypted at rest
    assert len(at_rest) > MAX
    r = download(A, j["id"])
    assert r.status_code == 200
    assert hashlib.sha256(r.content).digest() == \
        hashlib.sha256(exact).digest()
    # a PDF padded to exactly the limit
    pdf = pdf_bytes()
    pdf = pdf + b"%" * (MAX - len(pdf) - 1) + b"\n"
    r = upload(stack, A, tk["id"], pdf, "exact.pdf", "application/pdf")
    created(stack, r, A, tk["id"], pdf, "application/pdf")
    # one byte more: the application's 413
    refused(stack, lambda: upload(stack, A, tk["id"], exact + b"x",
                                  "over.log"), 413, TOOBIG)
    refused(stack, lambda: upload(stack, A, tk["id"], pdf + b"\n",
                                  "over.pdf", "application/pdf"), 413, TOOBIG)
    # too big comes before the type checks
    big_html = HTML_DOC + b" " * MAX
    refused(stack, lambda: upload(stack, A, tk["id"], big_html, "x.html",
                                  "text/html"), 413, TOOBIG)
    # more than nginx lets through (limit + 64 KiB): nginx's JSON 413
    huge = exact + b"y" * (65 * 1024)
    with nothing_stored(stack):
        r = upload(stack, A, tk["id"], huge, "huge.log")
    assert r.status_code == 413, (r.status_code, r.text[:300])
    assert r.headers["Content-Type"].startswith("application/json"), \
        r.headers["Content-Type"]
    assert isinstance(r.json().get("error"), str), r.text[:300]
    assert marker not in r.text


# ------------------------------------------------------------- API: success

def test_success_row_audit_file_and_detail(stack, desk, tk):
    A = desk.A
    marker = word("plaintextmarker")
    content = text_bytes(marker)
    r = upload(stack, A, tk["id"], content, "Incident report.txt")
    j = created(stack, r, A, tk["id"], content, "text/plain")
    assert j["filename"] == "Incident report.txt"
    path = stored_path(stack, j)
    with open(path, "rb") as f:
        at_rest = f.read()
    assert marker.encode() not in at_rest
    assert content not in at_rest
    st = os.stat(path)
    assert oct(st.st_mode & 0o777) == oct(0o600), oct(st.st_mode)
    owner = "ssts" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())[0]
    assert pwd.getpwuid(st.st_uid)[0] == owner
    # nothing else of the upload is left in UPLOAD_DIR
    assert not [n for n in os.listdir(upload_dir(stack))
                if n.startswith(".tmp-")]
    for actor in (A, desk.G1, desk.D):
        r = actor.get("/api/tickets/%s" % tk["id"])
        assert r.status_code == 200, r.text[:300]
        atts = {a["id"]: a for a in r.json()["attachments"]}
        assert j["id"] in atts
        a = atts[j["id"]]
        for k in ("ticket_id", "file_key", "filename", "content_type",
                  "size_bytes", "uploaded_by", "created_at"):
            assert a[k] == j[k], (k, a, j)


# ------------------------------------------------------------- API: names

def _names_under(root, names):
    found = []
    for d, _, files in os.walk(root):
        found += [os.path.join(d, f) for f in files if f in names]
    return sorted(found)


@pytest.mark.parametrize("raw,expect", [
    (b"../../etc/passwd", "passwd"),
    (b"..\\..\\x.txt", "x.txt"),
    (b"/var/tmp/../../root/.bashrc", "bashrc"),
    (b"C:\\Windows\\system32\\evil.txt", "evil.txt"),
    (b'a\\"b.txt', None),
    (b"a%22b.txt", None),
    (b"a%0D%0AX-Evil: 1.txt", None),
    (b"a\tb.txt", None),
    (b"a\xc2\x85b\xc2\x9bc\xe2\x80\xa8d.txt", None),   # C1, U+2028
    (b"zero\xe2\x80\x8bwidth\xef\xbb\xbf.txt", None),
    ("\u202egnp.exe.txt".encode(), None),
    (b"\xff\xfe bad utf8 \xc3\x28.txt", None),
    (b"x" * 300 + b".txt", None),
    (b"y" * 4096 + b".txt", None),
    (("\u00e9" * 200 + "\U0001F600" * 30 + ".txt").encode(), None),
    (("\U0001F4C4" * 100).encode(), None),
    (b"..", None),
    (b"", None),
], ids=lambda v: None if not isinstance(v, bytes) else
    re.sub(r"[^A-Za-z0-9.%-]", "_", v[:24].decode("utf-8", "replace")) +
    ("~%d" % len(v) if len(v) > 24 else ""))
def test_filenames_are_cleaned(stack, desk, tk, raw, expect):
    watch = {"passwd", "x.txt", ".bashrc", "bashrc"}
    before = _names_under(stack.var, watch)
    etc = os.stat("/etc/passwd").st_mtime_ns
    content = text_bytes(word("fn"))
    r = upload_raw(stack, desk.A, tk["id"], content, raw)
    j = created(stack, r, desk.A, tk["id"], content, "text/plain")
    name = j["filename"]
    assert_clean_name(name)
    if expect is not None:         # the last path segment is what is kept
        assert name.endswith(expect), name
    if len(raw) > 255 and raw.endswith(b".txt"):
        assert name.endswith(".txt"), name
    if raw.startswith("\u00e9".encode()):
        assert name.startswith("\u00e9" * 100), name
    assert _names_under(stack.var, watch) == before
    assert os.stat("/etc/passwd").st_mtime_ns == etc
    assert sorted(os.listdir(upload_dir(stack))).count(j["file_key"]) == 1
    # the name comes back as stored, in the header too
    r = download(desk.A, j["id"])
    check_file_response(r, content, "text/plain", name, False)


@pytest.mark.parametrize("raw", [b"evil\x00.php.txt", b"a\x1b[31mred.txt",
                                 b"a\x7fb.txt", b"bell\x07.txt",
                                 b"\x00"], ids=["nul", "esc", "del", "bel",
                                                "only-nul"])
def test_filename_with_raw_control_bytes(stack, desk, tk, raw):
    """A raw control byte in a header (not the tab) may be refused as a
    malformed body; if the upload is taken, the stored name is clean."""
    content = text_bytes(word("ctl"))
    before = store_state(stack)
    r = upload_raw(stack, desk.A, tk["id"], content, raw)
    if r.status_code == 400:
        assert_error(r, 400, MALFORMED)
        assert store_state(stack) == before
        return
    j = created(stack, r, desk.A, tk["id"], content, "text/plain")
    assert_clean_name(j["filename"])
    assert "\x00" not in j["filename"]


def test_filename_star_and_browser_encoding(stack, desk, tk):
    """RFC 5987 filename* wins; requests' (HTML5-style) escaping is fine."""
    content = text_bytes(word("star"))
    disp = (b'form-data; name="file"; filename="fallback.txt"; '
            b"filename*=UTF-8''r%C3%A9sum%C3%A9%20%E2%80%AE.txt")
    body, ct = multipart([part("ticket_id", str(tk["id"])),
                          part("file", content, ctype="text/plain",
                               disposition=disp)])
    r = post_raw(stack, desk.A, body, ct)
    j = created(stack, r, desk.A, tk["id"], content, "text/plain")
    assert j["filename"] == "r\u00e9sum\u00e9 .txt", j["filename"]
    r = upload(stack, desk.A, tk["id"], content, 'quo"te\r\nd.txt')
    j = created(stack, r, desk.A, tk["id"], content, "text/plain")
    assert_clean_name(j["filename"])


# ------------------------------------------------------------- downloads

def test_gif_html_polyglot_is_served_as_an_inert_image(stack, desk, tk):
    """A real GIF whose comment block holds HTML and script (SECURITY.md
    5.2.2 polyglot): accepted as what it is, an image, and only ever sent
    as image/gif with nosniff and a sandbox CSP, so the markup never runs
    on our origin."""
    html = b"<html><body><script>alert(document.cookie)</script></body></html>"
    gif = gif_bytes()
    # header, screen descriptor and colour table (19 bytes), then a comment
    content = gif[:19] + b"!\xfe" + bytes([len(html)]) + html + b"\x00" + gif[19:]
    r = upload(stack, desk.A, tk["id"], content, "poly.gif", "image/gif")
    j = created(stack, r, desk.A, tk["id"], content, "image/gif")
    r = download(desk.A, j["id"])
    check_file_response(r, content, "image/gif", "poly.gif", True)
    # declared as HTML, the same bytes are refused
    refused(stack, lambda: upload(stack, desk.A, tk["id"], content,
                                  "poly.html", "text/html"), 400,
            "File content does not match its declared type")


@pytest.mark.parametrize("kind", sorted(ALLOWED))
def test_download_headers(stack, desk, tk, kind):
    make, declared, stored, inline = ALLOWED[kind]
    content = make()
    name = "Bild \u00fc " + kind + "." + kind
    r = upload(stack, desk.A, tk["id"], content, name, declared)
    j = created(stack, r, desk.A, tk["id"], content, stored)
    assert j["filename"] == name
    before = audit_count(stack, "attachment_downloaded", j["id"])
    r = download(desk.A, j["id"])
    check_file_response(r, content, stored, name, inline)
    rows = [(a, p, by) for a, p, by in
            audit_rows(stack, tk["id"], "attachment_downloaded")
            if p.get("attachment_id") == j["id"]]
    assert len(rows) == before + 1, rows
    assert rows[-1][1]["filename"] == name and rows[-1][2] == desk.A.id


def test_download_errors(stack, desk, text_att):
    A = desk.A
    assert_error(download(A, 99999999), 404, ATT_NOT_FOUND)
    assert_error(download(A, 9223372036854775807), 404, ATT_NOT_FOUND)
    for bad in ("abc", "1.5", "-1", "0x1"):
        assert_error(download(A, bad), 400, "Invalid id")
    assert_error(download(desk.anon, text_att["id"]), 401)
    r = download(desk.anon, text_att["id"])
    assert text_att["marker"] not in r.content


def test_each_download_is_audited(stack, desk, text_att):
    before = audit_count(stack, "attachment_downloaded", text_att["id"])
    for actor in (desk.A, desk.G1, desk.D):
        r = download(actor, text_att["id"])
        assert r.status_code == 200 and r.content == text_att["content"]
    rows = [(p, by) for a, p, by in
            audit_rows(stack, text_att["ticket_id"], "attachment_downloaded")
            if p.get("attachment_id") == text_att["id"]]
    assert len(rows) == before + 3
    assert [by for _, by in rows[-3:]] == [desk.A.id, desk.G1.id, desk.D.id]
    # refusals are not downloads
    download(desk.B, text_att["id"])
    download(desk.anon, text_att["id"])
    assert audit_count(stack, "attachment_downloaded",
                       text_att["id"]) == before + 3


def test_head_is_not_a_download(stack, desk, text_att):
    before = audit_count(stack, "attachment_downloaded", text_att["id"])
    r = desk.A.request("HEAD", "/api/attachments/%s/download" % text_att["id"])
    assert r.status_code == 200, r.status_code
    assert r.content == b""
    assert int(r.headers["Content-Length"]) == len(text_att["content"])
    assert r.headers["Content-Disposition"].startswith("attachment;")
    assert audit_count(stack, "attachment_downloaded",
                       text_att["id"]) == before


def test_access_matrix(stack, desk, tk, text_att):
    cases = 0
    expect_down = {"clientA": 200, "clientB": 404, "agent": 200,
                   "otheragent": 404, "admin": 200, "anonymous": 401}
    for label, actor in desk.actors().items():
        r = download(actor, text_att["id"])
        want = expect_down[label]
        if want == 200:
            assert r.status_code == 200, (label, r.status_code, r.text[:200])
            assert r.content == text_att["content"]
        else:
            assert_error(r, want, ATT_NOT_FOUND if want == 404 else None)
            assert text_att["marker"] not in r.content
        cases += 1
    expect_up = {"clientA": 201, "clientB": 404, "agent": 201,
                 "otheragent": 404, "admin": 201, "anonymous": 401}
    for label, actor in desk.actors().items():
        content = text_bytes(word("mx"))
        want = expect_up[label]
        send = (lambda: upload(stack, actor, tk["id"], content, "m.txt"))
        if want == 201:
            created(stack, send(), actor, tk["id"], content, "text/plain")
        else:
            refused(stack, send, want, NOT_FOUND if want == 404 else None)
        cases += 1
    print("attachments access matrix: %d cases" % cases)
    assert cases == 12


# ------------------------------------------------------------- damage

def _big_marked(marker, size=150000):
    return text_bytes(marker, size)


def test_damaged_files_are_never_sent(stack, desk, tk):
    A = desk.A
    marker = word("damagemarker")
    content = _big_marked(marker)          # three chunks of the vault
    r = upload(stack, A, tk["id"], content, "big.log")
    j = created(stack, r, A, tk["id"], content, "text/plain")
    path = stored_path(stack, j)
    with open(path, "rb") as f:
        orig = f.read()
    n = len(orig)
    chunk = 65536 + 17
    head = 8 + 24

    def flip(pos, bit=1):
        b = bytearray(orig)
        b[pos] ^= bit
        return bytes(b)

    damages = {
        "drop-last-byte": orig[:-1],
        "drop-last-17": orig[:-17],
        "drop-last-18": orig[:-18],
        "drop-last-chunk": orig[:head + 2 * chunk],
        "drop-two-chunks": orig[:head + chunk],
        "cut-in-middle": orig[:n // 2],
        "header-only": orig[:head],
        "magic-only": orig[:8],
        "cut-to-zero": b"",
        "appended": orig + b"\x00" * 17,
        "flip-magic": flip(3),
        "flip-stream-header": flip(8 + 10, 0x80),
        "flip-first-chunk-data": flip(head + 1000),
        "flip-last-chunk-mac": flip(n - 3, 0x04),
        "flip-last-chunk-data": flip(head + 2 * chunk + 100),
    }
    # the header flips are where the contract says
    assert flip(3)[:8] != orig[:8] and flip(8 + 10, 0x80)[8:32] != orig[8:32]
    try:
        for what, data in damages.items():
            with open(path, "wb") as f:
                f.write(data)
            before = audit_count(stack, "attachment_damaged", j["id"])
            r = download(A, j["id"])
            assert r.status_code == 500, (what, r.status_code, r.text[:200])
            assert r.headers.get("Content-Type") == JSON_CT, \
                (what, r.headers.get("Content-Type"))
            assert r.json() == {"error": DAMAGED}, (what, r.text[:300])
            assert marker.encode() not in r.content, what
            assert b"Log line" not in r.content, what
            assert audit_count(stack, "attachment_damaged",
                               j["id"]) == before + 1, what
            rows = [p for a, p, by in
                    audit_rows(stack, tk["id"], "attachment_damaged")
                    if p.get("attachment_id") == j["id"]]
            assert rows and rows[-1]["filename"] == "big.log", rows
    finally:
        with open(path, "wb") as f:
            f.write(orig)
    r = download(A, j["id"])
    assert r.status_code == 200 and r.content == content


def test_damaged_file_on_the_page_link(stack, desk, tk, browsers):
    marker = word("pagedamage")
    content = _big_marked(marker, 70000)
    r = upload(stack, desk.A, tk["id"], content, "page.log")
    j = created(stack, r, desk.A, tk["id"], content, "text/plain")
    path = stored_path(stack, j)
    with open(path, "rb") as f:
        orig = f.read()
    try:
        with open(path, "wb") as f:
            f.write(orig[:-20])
        before = audit_count(stack, "attachment_damaged", j["id"])
        r = browsers["clientA"].get("/attachments/%s" % j["id"])
        assert r.status_code == 500, (r.status_code, r.text[:200])
        assert r.headers["Content-Type"] == HTML_CT
        assert marker.encode() not in r.content
        assert audit_count(stack, "attachment_damaged", j["id"]) == before + 1
    finally:
        with open(path, "wb") as f:
            f.write(orig)
    r = browsers["clientA"].get("/attachments/%s" % j["id"])
    assert r.status_code == 200 and r.content == content


def test_swapped_file_is_damaged(stack, desk, tk):
    A = desk.A
    mx, my = word("swapx"), word("swapy")
    cx, cy = text_bytes(mx), text_bytes(my)
    jx = created(stack, upload(stack, A, tk["id"], cx, "x.log"), A, tk["id"],
                 cx, "text/plain")
    jy = created(stack, upload(stack, A, tk["id"], cy, "y.log"), A, tk["id"],
                 cy, "text/plain")
    px, py = stored_path(stack, jx), stored_path(stack, jy)
    with open(py, "rb") as f:
        orig_y = f.read()
    try:
        shutil.copyfile(px, py)
        before = audit_count(stack, "attachment_damaged", jy["id"])
        r = download(A, jy["id"])
        assert r.status_code == 500, (r.status_code, r.text[:200])
        assert r.json() == {"error": DAMAGED}
        assert mx.encode() not in r.content and my.encode() not in r.content
        assert audit_count(stack, "attachment_damaged",
                           jy["id"]) == before + 1
        r = download(A, jx["id"])
        assert r.status_code == 200 and r.content == cx
    finally:
        with open(py, "wb") as f:
            f.write(orig_y)
    r = download(A, jy["id"])
    assert r.status_code == 200 and r.content == cy


# ------------------------------------------------------------- pages

def browser_for(st, actor):
    b = Browser(st)
    r = b.login(actor.user["email"], actor.user["password"])
    assert r.status_code == 303, (r.status_code, r.text[:300])
    return b


@pytest.fixture(scope="module")
def browsers(stack, desk):
    return {k: browser_for(stack, a) for k, a in desk.actors().items()
            if k != "anonymous"}


def upload_form(text, tid):
    """The upload form of a ticket page: its csrf token (checked to come
    before the file input)."""
    m = re.search(r'<form id="form-upload"[^>]*>.*?</form>', text, re.S)
    assert m, "no upload form"
    form = m.group(0)
    tag = form[:form.index(">") + 1]
    assert 'method="post"' in tag, tag
    assert 'action="/tickets/%s/attachments"' % tid in tag, tag
    assert 'enctype="multipart/form-data"' in tag, tag
    c = re.search(r'<input type="hidden" name="csrf" value="([^"]+)">', form)
    f = re.search(r'<input[^>]*type="file"[^>]*>', form)
    assert c and f, form
    assert 'name="file"' in f.group(0), f.group(0)
    assert c.start() < f.start(), "csrf must come before the file input"
    return c.group(1)


def ticket_page(b, tid, status=200):
    r = b.get("/tickets/%s" % tid)
    assert r.status_code == status, (r.status_code, r.text[:300])
    assert r.headers["Content-Type"] == HTML_CT
    return r.text


def page_post(st, b, tid, content=None, filename="page.txt",
              ctype="text/plain", csrf=None, fields=None):
    data = dict(fields or {})
    if csrf is not None:
        data["csrf"] = csrf
    files = None
    if content is not None:
        files = {"file": (filename, content, ctype)}
    if files is None:       # still multipart, like a browser's form
        body, ct = multipart([part(k, v) for k, v in data.items()])
        return b.s.post(st.url("/tickets/%s/attachments" % tid), data=body,
                        headers={"Content-Type": ct}, allow_redirects=False,
                        timeout=60)
    return b.s.post(st.url("/tickets/%s/attachments" % tid), data=data,
                    files=files, allow_redirects=False, timeout=60)


def flash_after(b, r, tid):
    assert r.status_code == 303, (r.status_code, r.text[:300])
    assert r.headers["Location"] == "/tickets/%s#attachments" % tid
    text = ticket_page(b, tid)
    m = FLASH_RE.search(text)
    assert m, "no flash"
    return (m.group(1), html.unescape(m.group(2))), text


def test_upload_form_on_the_ticket_page(stack, desk, tk, browsers):
    for who in ("clientA", "agent", "admin"):
        text = ticket_page(browsers[who], tk["id"])
        upload_form(text, tk["id"])
        assert 'id="attachments"' in text
        assert "10 MB" in text


def test_page_upload_success(stack, desk, tk, browsers):
    b = browsers["clientA"]
    tok = upload_form(ticket_page(b, tk["id"]), tk["id"])
    content = png_bytes(3, 3)
    r = page_post(stack, b, tk["id"], content, "screen shot.png",
                  "image/png", csrf=tok)
    flash, text = flash_after(b, r, tk["id"])
    assert flash == FLASH["added"], flash
    row = sql(stack, "SELECT id, filename, content_type, size_bytes, "
                     "uploaded_by FROM attachments WHERE ticket_id = %s "
                     "ORDER BY id DESC LIMIT 1" % tk["id"])[0]
    aid = row[0]
    assert row[1:] == ["screen shot.png", "image/png", str(len(content)),
                       desk.A.id]
    assert '<img src="/attachments/%s/preview"' % aid in text
    assert 'href="/attachments/%s"' % aid in text
    # the flash is shown once
    assert not FLASH_RE.search(ticket_page(b, tk["id"]))
    assert audit_count(stack, "attachment_uploaded", aid) == 1


@pytest.mark.parametrize("kind", ["missing", "browser_empty", "empty",
                                  "bad_type", "mismatch", "too_big",
                                  "too_many"])
def test_page_upload_refused_with_a_flash(stack, desk, tk, browsers, kind):
    b = browsers["clientA"]
    tok = upload_form(ticket_page(b, tk["id"]), tk["id"])
    with nothing_stored(stack):
        if kind == "missing":
            r = page_post(stack, b, tk["id"], csrf=tok)
        elif kind == "browser_empty":
            # what a browser sends for a file input left empty
            body, ct = multipart([
                part("csrf", tok),
                part("file", b"", "", "application/octet-stream")])
            r = b.s.post(stack.url("/tickets/%s/attachments" % tk["id"]),
                         data=body, headers={"Content-Type": ct},
                         allow_redirects=False, timeout=30)
        elif kind == "empty":
            r = page_post(stack, b, tk["id"], b"", "empty.txt", csrf=tok)
        elif kind == "bad_type":
            r = page_post(stack, b, tk["id"], HTML_DOC, "p.html",
                          "text/html", csrf=tok)
        elif kind == "mismatch":
            r = page_post(stack, b, tk["id"], png_bytes(), "p.pdf",
                          "application/pdf", csrf=tok)
        elif kind == "too_big":
            r = page_post(stack, b, tk["id"], b"z" * (MAX + 1), "z.txt",
                          csrf=tok)
        else:
            body, ct = multipart([
                part("csrf", tok),
                part("file", b"one\n", "one.txt", "text/plain"),
                part("file", b"two\n", "two.txt", "text/plain")])
            r = b.s.post(stack.url("/tickets/%s/attachments" % tk["id"]),
                         data=body, headers={"Content-Type": ct},
                         allow_redirects=False, timeout=30)
        flash, _ = flash_after(b, r, tk["id"])
    if kind == "browser_empty":
        assert flash in (FLASH["missing"], FLASH["empty"]), flash
    else:
        assert flash == FLASH[kind], flash


def test_page_upload_to_a_closed_ticket(stack, desk, closed_tk, browsers):
    b = browsers["clientA"]
    ticket_page(b, closed_tk["id"])
    tok = CSRF_RE.search(ticket_page(b, "new")).group(1)
    with nothing_stored(stack):
        r = page_post(stack, b, closed_tk["id"], text_bytes(word("c")),
                      csrf=tok)
        flash, _ = flash_after(b, r, closed_tk["id"])
    assert flash == FLASH["closed"], flash


def test_page_upload_csrf(stack, desk, tk, browsers):
    b = browsers["clientA"]
    tok = upload_form(ticket_page(b, tk["id"]), tk["id"])
    other = browser_for(stack, desk.A)          # another session of A
    other_tok = upload_form(ticket_page(other, tk["id"]), tk["id"])
    assert other_tok != tok
    g1_tok = upload_form(ticket_page(browsers["agent"], tk["id"]), tk["id"])
    content = text_bytes(word("csrf"))
    url = stack.url("/tickets/%s/attachments" % tk["id"])

    def check(r, what):
        assert r.status_code == 403, (what, r.status_code, r.text[:300])
        assert r.headers["Content-Type"] == HTML_CT, what
        assert "Location" not in r.headers

    for what, t in [("missing", None), ("wrong", "x" * len(tok)),
                    ("empty", ""), ("other session", other_tok),
                    ("other user", g1_tok)]:
        with nothing_stored(stack):
            r = page_post(stack, b, tk["id"], content, csrf=t)
            check(r, what)
    # the token after the file: nothing of the file is kept
    for t in ("x" * len(tok), other_tok):
        body, ct = multipart([part("file", content, "late.txt", "text/plain"),
                              part("csrf", t)])
        with nothing_stored(stack):
            r = b.s.post(url, data=body, headers={"Content-Type": ct},
                         allow_redirects=False, timeout=30)
            check(r, "csrf after the file")
    # a cross-site post, even with the right token
    with nothing_stored(stack):
        r = b.s.post(url, data={"csrf": tok},
                     files={"file": ("x.txt", content, "text/plain")},
                     headers={"Origin": "https://evil.example",
                              "Sec-Fetch-Site": "cross-site"},
                     allow_redirects=False, timeout=30)
        check(r, "cross-site")
    # a bearer token does not make a page post valid
    with nothing_stored(stack):
        r = desk.A.s.post(url, headers=bearer(desk.A),
                          files={"file": ("x.txt", content, "text/plain")},
                          allow_redirects=False, timeout=30)
        assert r.status_code in (303, 403), r.status_code
        if r.status_code == 303:
            assert r.headers["Location"].startswith("/login")
    # the right token still works afterwards
    r = page_post(stack, b, tk["id"], content, "fine.txt", csrf=tok)
    flash, _ = flash_after(b, r, tk["id"])
    assert flash == FLASH["added"]


def test_page_upload_to_an_invisible_ticket(stack, desk, tk, b_tk, browsers):
    for who, tid in [("clientB", tk["id"]), ("otheragent", tk["id"]),
                     ("clientA", b_tk["id"]), ("clientA", 99999999)]:
        b = browsers[who]
        tok = CSRF_RE.search(ticket_page(b, "new")).group(1)
        with nothing_stored(stack):
            r = page_post(stack, b, tid, text_bytes(word("inv")), csrf=tok)
        assert r.status_code == 404, (who, tid, r.status_code, r.text[:200])
        assert r.headers["Content-Type"] == HTML_CT


def test_page_lists_attachments_escaped(stack, desk, tk, browsers):
    evil = "<img src=x onerror=alert(1)>.txt"
    content = text_bytes(word("evil"))
    r = upload(stack, desk.A, tk["id"], content, evil)
    je = created(stack, r, desk.A, tk["id"], content, "text/plain")
    amp_name = "Tom & Jerry's <b>plan.txt"
    r = upload(stack, desk.G1, tk["id"], content, amp_name)
    ja = created(stack, r, desk.G1, tk["id"], content, "text/plain")
    pdf = pdf_bytes(word("pdfm").encode())
    r = upload(stack, desk.A, tk["id"], pdf, "manual.pdf", "application/pdf")
    jp = created(stack, r, desk.A, tk["id"], pdf, "application/pdf")
    for who in ("clientA", "agent", "admin"):
        text = ticket_page(browsers[who], tk["id"])
        assert "<img src=x" not in text
        assert "<b>plan" not in text
        assert "Tom & Jerry" not in text and "Tom &amp; Jerry" in text
        for j, uploader in ((je, "Client Alice"), (ja, "Agent Gina"),
                            (jp, "Client Alice")):
            m = re.search(r'<li class="file">(?:(?!</li>).)*'
                          r'href="/attachments/%s"(?:(?!</li>).)*</li>'
                          % j["id"], text, re.S)
            assert m, (who, j["id"])
            item = m.group(0)
            a = re.search(r'<a class="file-name" href="/attachments/%s">'
                          r'([^<>]*)</a>' % j["id"], item)
            assert a, item
            assert html.unescape(a.group(1)) == j["filename"], (a.group(1),
                                                                j["filename"])
            assert not re.search(r"&(?!amp;|lt;|gt;|quot;|#\d+;|#x[0-9a-f]+;)",
                                 a.group(1), re.I), a.group(1)
            size = int(j["size_bytes"])
            assert size < 1024 and "%d bytes" % size in item, item
            assert uploader in item, item
            assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT', item), item
            assert "/preview" not in item       # not images


def test_page_download_and_preview(stack, desk, tk, browsers, text_att):
    png = png_bytes(4, 4)
    jp = created(stack, upload(stack, desk.A, tk["id"], png, "shot.png",
                               "image/png"), desk.A, tk["id"], png,
                 "image/png")
    pdf = pdf_bytes()
    jd = created(stack, upload(stack, desk.A, tk["id"], pdf, "doc.pdf",
                               "application/pdf"), desk.A, tk["id"], pdf,
                 "application/pdf")
    for who in ("clientA", "agent", "admin"):
        b = browsers[who]
        # the page link: a download, audited
        for j, content, ctype, inline in (
                (jp, png, "image/png", True),
                (jd, pdf, "application/pdf", False),
                (text_att, text_att["content"], "text/plain", False)):
            before = audit_count(stack, "attachment_downloaded", j["id"])
            r = b.get("/attachments/%s" % j["id"])
            check_file_response(r, content, ctype, j["filename"], inline)
            assert audit_count(stack, "attachment_downloaded",
                               j["id"]) == before + 1
        # the thumbnail: raster images only, not audited
        before = audit_count(stack, "attachment_downloaded", jp["id"])
        r = b.get("/attachments/%s/preview" % jp["id"])
        check_file_response(r, png, "image/png", "shot.png", True)
        assert audit_count(stack, "attachment_downloaded",
                           jp["id"]) == before
        for j in (jd, text_att):
            r = b.get("/attachments/%s/preview" % j["id"])
            assert r.status_code == 404, (who, r.status_code)
            assert r.headers["Content-Type"] == HTML_CT
            assert b"%PDF" not in r.content
            assert text_att["marker"] not in r.content
    for who in ("clientB", "otheragent"):
        b = browsers[who]
        for path in ("/attachments/%s" % jp["id"],
                     "/attachments/%s/preview" % jp["id"],
                     "/attachments/%s" % text_att["id"]):
            r = b.get(path)
            assert r.status_code == 404, (who, path, r.status_code)
            assert r.headers["Content-Type"] == HTML_CT
            assert png not in r.content
            assert text_att["marker"] not in r.content
    # anonymous visitors are sent to the login page
    r = Browser(stack).get("/attachments/%s" % jp["id"])
    assert r.status_code == 303
    assert r.headers["Location"].startswith("/login")


# ------------------------------------------------------------- the sweep

def test_sweep_uploads(stack, desk, tk, text_att):
    d = upload_dir(stack)
    now = time.time()
    old = now - 7200
    orphan = os.path.join(d, uuid.uuid4().hex)
    tmp = os.path.join(d, ".tmp-" + uuid.uuid4().hex)
    young = os.path.join(d, uuid.uuid4().hex)
    young_tmp = os.path.join(d, ".tmp-" + uuid.uuid4().hex)
    foreign = os.path.join(d, "README.keep")
    kept = stored_path(stack, text_att)
    kept_mtime = os.stat(kept).st_mtime
    for p in (orphan, tmp, young, young_tmp, foreign):
        with open(p, "wb") as f:
            f.write(os.urandom(100))
        shutil.chown(p, "ssts", "ssts")
        os.chmod(p, 0o600)
    for p in (orphan, tmp, foreign):
        os.utime(p, (old, old))
    os.utime(kept, (old, old))
    env = stack.env
    db = subprocess.run([stackmod.PG_SH, "url"], env=env, cwd=stackmod.ROOT,
                        stdout=subprocess.PIPE, text=True,
                        check=True).stdout.strip()
    tool = os.path.join(env.get("SSTS_BIN") or
                        os.path.join(stackmod.ROOT, "build", "cgi-bin"),
                        "sstsctl")
    try:
        p = subprocess.run(
            ["setpriv", "--reuid=ssts", "--regid=ssts", "--init-groups", "--",
             "env", "-i", "PATH=/usr/bin:/bin", "LANG=C.UTF-8",
             "DATABASE_URL=" + db, "UPLOAD_DIR=" + d, tool, "sweep-uploads",
             "60"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, timeout=60)
        assert p.returncode == 0, (p.returncode, p.stdout, p.stderr)
        assert p.stdout.strip() == "sweep: 2 file(s) removed", p.stdout
        assert not os.path.exists(orphan)
        assert not os.path.exists(tmp)
        for q in (young, young_tmp, foreign, kept):
            assert os.path.exists(q), q
        # every file with a row is still there and still downloads
        keys = {k for (k,) in sql(stack, "SELECT file_key FROM attachments")}
        assert keys <= set(os.listdir(d))
        r = download(desk.A, text_att["id"])
        assert r.status_code == 200 and r.content == text_att["content"]
    finally:
        for q in (orphan, tmp, young, young_tmp, foreign):
            if os.path.exists(q):
                os.unlink(q)
        os.utime(kept, (kept_mtime, kept_mtime))


# ------------------------------------------- the new ticket form's file

def new_form_token(b):
    """GET /tickets/new: the form is multipart and its csrf comes first."""
    r = b.get("/tickets/new")
    assert r.status_code == 200, r.status_code
    form = re.search(r'<form [^>]*action="/tickets/new"[^>]*>.*?</form>',
                     r.text, re.S).group(0)
    assert 'enctype="multipart/form-data"' in form[:form.index(">")]
    c = re.search(r'name="csrf" value="([^"]+)"', form)
    f = re.search(r'<input[^>]*type="file"[^>]*name="file"|'
                  r'<input[^>]*name="file"[^>]*type="file"', form)
    assert c and f and c.start() < f.start(), form
    return c.group(1)


def post_new(b, title, file=None, csrf=None):
    data = {"csrf": csrf or new_form_token(b), "title": title,
            "description": "Steps to see it " + word("d"),
            "category_id": "", "priority_id": ""}
    files = {"file": file or ("", b"", "application/octet-stream")}
    return b.s.post(b.st.url("/tickets/new"), data=data, files=files,
                    allow_redirects=False, timeout=60)


def tickets_titled(st, title):
    return sql(st, "SELECT id FROM tickets WHERE title = '%s'" % title)


def test_new_ticket_with_a_file(stack, desk, browsers):
    b, title, content = browsers["clientA"], "With file " + word("t"), \
        png_bytes(4, 4)
    r = post_new(b, title, ("first look.png", content, "image/png"))
    assert r.status_code == 303, (r.status_code, r.text[:400])
    tid = re.fullmatch(r"/tickets/(\d+)", r.headers["Location"]).group(1)
    assert tickets_titled(stack, title) == [[tid]]
    rows = sql(stack, "SELECT filename, content_type, size_bytes, "
               "uploaded_by::text FROM attachments WHERE ticket_id = %s" % tid)
    assert rows == [["first look.png", "image/png", str(len(content)),
                     desk.A.id]], rows
    actions = sql(stack, "SELECT action FROM audit_logs WHERE entity_type ="
                  " 'ticket' AND entity_id = %s ORDER BY id" % tid)
    assert actions == [["created"], ["attachment_uploaded"]], actions
    text = ticket_page(b, tid)
    assert "first look.png" in text and "Your ticket has been created" in text


def test_new_ticket_without_a_file(stack, desk, browsers):
    title = "No file " + word("t")
    with nothing_stored(stack):
        r = post_new(browsers["clientB"], title)
    assert r.status_code == 303, (r.status_code, r.text[:400])
    assert len(tickets_titled(stack, title)) == 1


@pytest.mark.parametrize("kind", ["badtype", "mismatch", "empty", "toobig"])
def test_new_ticket_with_a_refused_file_creates_nothing(stack, desk, browsers,
                                                        kind):
    big = 10 * 1024 * 1024 + 1
    file, message = {
        "badtype": (("x.png", b"<!DOCTYPE html><script>1</script>",
                     "image/png"), "Invalid file type"),
        "mismatch": (("x.pdf", png_bytes(), "application/pdf"),
                     "does not match its declared type"),
        "empty": (("x.txt", b"", "text/plain"), "File is empty"),
        "toobig": (("x.txt", b"a" * big, "text/plain"), "File too large"),
    }[kind]
    title = "Refused " + word("t")
    with nothing_stored(stack):
        r = post_new(browsers["clientA"], title, file)
    assert r.status_code == 400, (r.status_code, r.text[:400])
    assert tickets_titled(stack, title) == []
    err = re.search(r'id="file-error">([^<]*)<', r.text)
    assert err and message in html.unescape(err.group(1)), r.text[-3000:]
    assert 'value="%s"' % title in r.text      # the values are kept


def test_new_ticket_form_errors_ask_for_the_file_again(stack, desk, browsers):
    with nothing_stored(stack):
        r = post_new(browsers["clientA"], "", ("a.png", png_bytes(), "image/png"))
    assert r.status_code == 400
    assert "please choose it again" in r.text
    assert 'id="title-error"' in r.text


def test_new_ticket_with_a_file_needs_the_token(stack, desk, browsers):
    title = "Forged " + word("t")
    for tok in ("forged", new_form_token(browsers["clientB"])):
        with nothing_stored(stack):
            r = post_new(browsers["clientA"], title,
                         ("a.png", png_bytes(), "image/png"), csrf=tok)
        assert r.status_code == 403, r.status_code
    assert tickets_titled(stack, title) == []
