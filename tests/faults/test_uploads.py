"""F8 and F9: the disk filling up during uploads, and clients that go away
in the middle of an upload or a download.  A full disk is a 507 with a
plain message, no row and no partial file, and the next upload after
space comes back succeeds; an upload cut short never reaches the
application (nginx buffers bodies) and leaves no temporary file; a
download cut short leaves the worker serving."""
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import time

import pytest

from faultlib import check, client_ticket, pids_of

BOUNDARY = "----faultboundary"


def upload_dir(st):
    return st.env.get("UPLOAD_DIR") or os.path.join(st.var, "uploads")


def multipart(tid, name, data):
    head = ("--%s\r\nContent-Disposition: form-data; name=\"ticket_id\"\r\n"
            "\r\n%s\r\n--%s\r\nContent-Disposition: form-data; name=\"file\";"
            " filename=\"%s\"\r\nContent-Type: text/plain\r\n\r\n"
            % (BOUNDARY, tid, BOUNDARY, name)).encode()
    return head + data + ("\r\n--%s--\r\n" % BOUNDARY).encode()


def tls_socket(st):
    ctx = ssl.create_default_context(cafile=st.ca)
    raw = socket.create_connection(("127.0.0.1", st.https_port), timeout=10)
    return ctx.wrap_socket(raw, server_hostname="127.0.0.1")


def client(st):
    return client_ticket(st, "Uploads", "faults")


def count(st, sql):
    return int(st.psql_one(sql))


def temp_files(st):
    tmp = os.path.join(st.var, "nginx", "client_body")
    found = []
    for d in (tmp, upload_dir(st)):
        for base, _, files in os.walk(d):
            found += [os.path.join(base, f) for f in files
                      if d == tmp or f.startswith(".tmp-")]
    return found


def test_upload_cut_short_leaves_nothing(stack):
    s, token, tid = client(stack)
    before = count(stack, "SELECT count(*) FROM attachments")
    workers = sorted(pids_of(stack, "attachments"))
    body = multipart(tid, "half.txt", b"x" * (4 * 1024 * 1024))
    for cut in (len(body) // 2, 100):
        c = tls_socket(stack)
        c.sendall(("POST /api/attachments HTTP/1.1\r\nHost: %s\r\n"
                   "Authorization: Bearer %s\r\nContent-Type: multipart/"
                   "form-data; boundary=%s\r\nContent-Length: %d\r\n\r\n"
                   % (stack.host, token, BOUNDARY, len(body))).encode())
        c.sendall(body[:cut])
        c.close()
    # the same with curl, killed while it sends slowly
    with tempfile.NamedTemporaryFile(suffix=".txt") as f:
        f.write(b"y" * (2 * 1024 * 1024))
        f.flush()
        subprocess.run(["timeout", "-s", "KILL", "1", "curl", "-s",
                        "--cacert", stack.ca, "--limit-rate", "200k",
                        "-H", "Authorization: Bearer " + token,
                        "-F", "ticket_id=%s" % tid,
                        "-F", "file=@%s;type=text/plain" % f.name,
                        stack.url("/api/attachments")])
    time.sleep(1)
    assert count(stack, "SELECT count(*) FROM attachments") == before
    assert temp_files(stack) == []
    assert sorted(pids_of(stack, "attachments")) == workers
    r = s.post(stack.url("/api/attachments"), data={"ticket_id": tid},
               files={"file": ("ok.txt", b"fine", "text/plain")})
    assert r.status_code == 201, r.text


def test_download_cut_short_leaves_the_worker_serving(stack):
    s, token, tid = client(stack)
    data = os.urandom(3 * 1024 * 1024).hex().encode()[:5 * 1024 * 1024]
    r = s.post(stack.url("/api/attachments"), data={"ticket_id": tid},
               files={"file": ("big.txt", data, "text/plain")})
    assert r.status_code == 201, r.text
    aid = r.json()["id"]
    workers = sorted(pids_of(stack, "attachments"))
    for _ in range(3):
        c = tls_socket(stack)
        c.sendall(("GET /api/attachments/%s/download HTTP/1.1\r\nHost: %s\r\n"
                   "Authorization: Bearer %s\r\n\r\n"
                   % (aid, stack.host, token)).encode())
        got = 0
        while got < len(data) // 10:
            chunk = c.recv(65536)
            if not chunk:
                break
            got += len(chunk)
        c.close()
    time.sleep(1)
    assert sorted(pids_of(stack, "attachments")) == workers
    r = s.get(stack.url("/api/attachments/%s/download" % aid), timeout=30)
    assert r.status_code == 200 and r.content == data


@pytest.fixture
def small_disk(stack):
    """A 2 MiB tmpfs over UPLOAD_DIR, owned by the workers' user; what
    it holds is copied back below when it goes."""
    d = upload_dir(stack)
    st = os.stat(d)
    p = subprocess.run(["mount", "-t", "tmpfs", "-o",
                        "size=2m,mode=0700,uid=%d,gid=%d" % (st.st_uid,
                                                             st.st_gid),
                        "tmpfs", d], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        pytest.skip("cannot mount a tmpfs here: %s" % p.stdout.strip())
    hold = tempfile.mkdtemp()
    try:
        yield d
    finally:
        for f in os.listdir(d):
            shutil.copy2(os.path.join(d, f), hold)
        subprocess.run(["umount", d], check=True)
        for f in os.listdir(hold):
            shutil.copy2(os.path.join(hold, f), d)
            os.chown(os.path.join(d, f), st.st_uid, st.st_gid)
        shutil.rmtree(hold)


def test_disk_full_is_507_and_leaves_nothing(stack, small_disk):
    s, token, tid = client(stack)
    filler = os.path.join(small_disk, "filler")
    with open(filler, "wb") as f:
        f.write(b"\0" * (1536 * 1024))
    before = count(stack, "SELECT count(*) FROM attachments")
    workers = sorted(pids_of(stack, "attachments"))
    big = b"z" * (1024 * 1024)
    for _ in range(3):
        r = s.post(stack.url("/api/attachments"), data={"ticket_id": tid},
                   files={"file": ("big.txt", big, "text/plain")})
        assert r.status_code == 507, r.text
        assert r.json() == {"error": "The file could not be stored. Please "
                                     "try again later."}
    assert count(stack, "SELECT count(*) FROM attachments") == before
    assert sorted(os.listdir(small_disk)) == ["filler"], "partial files"
    assert sorted(pids_of(stack, "attachments")) == workers
    os.unlink(filler)
    r = s.post(stack.url("/api/attachments"), data={"ticket_id": tid},
               files={"file": ("big.txt", big, "text/plain")})
    assert r.status_code == 201, r.text
    r = s.get(stack.url("/api/attachments/%s/download" % r.json()["id"]),
              timeout=30)
    assert r.status_code == 200 and r.content == big


def test_zz_checker_after_upload_faults(stack):
    class Nothing:
        ledger, token = [], "x"
    check(stack, Nothing)
