"""Backup and restore (sql/backup.sh, sql/restore.sh): a desk with a
ticket, comments and an attachment is backed up, restored over another
installation's fresh database with the same ENCRYPTION_KEY, and is then
the same desk: the client signs in with their password, sees the ticket
and comments, downloads the same bytes, and the audit chain verifies
and goes on from the same head.  A damaged backup and a non-empty target are
refused."""
import os
import shutil
import subprocess


from faultlib import _http, admin_session, client_ticket, stackmod

ROOT = stackmod.ROOT
DATA = bytes(range(256)) * 64


def run(script, env, *args):
    return subprocess.run([os.path.join(ROOT, "sql", script)] + list(args),
                          env=env, cwd=ROOT, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=300)


def tools_env(st):
    return dict(st.env, SSTS_BACKUP_URL=st.owner_url(),
                SSTS_RESTORE_URL=st.owner_url(),
                UPLOAD_DIR=os.path.join(st.var, "uploads"))


def desk(st):
    """A client's ticket with a comment and a file; what to find again."""
    s, _, tid = client_ticket(st, "Kept safe", "Backed up")
    assert s.post(st.url("/api/tickets/%s/comments" % tid),
                  json={"message": "Still here?"}).status_code == 201
    a = s.post(st.url("/api/attachments"), data={"ticket_id": tid},
               files={"file": ("data.txt", DATA.hex().encode(),
                               "text/plain")})
    assert a.status_code == 201, a.text
    email = s.get(st.url("/api/users/me")).json()["email"]
    v = admin_session(st).get(st.url("/api/audit/verify")).json()
    assert v["ok"], v
    return {"tid": tid, "aid": a.json()["id"], "email": email,
            "head": v.get("head")}


def test_backup_then_restore_elsewhere(tmp_path):
    a = stackmod.start_stack("deploy-a")
    try:
        want = desk(a)
        bk = str(tmp_path / "backup")
        r = run("backup.sh", tools_env(a), bk)
        assert r.returncode == 0, r.stdout
        assert sorted(os.listdir(bk)) == ["MANIFEST", "database.dump",
                                          "uploads.tar"]
        r = run("backup.sh", tools_env(a), bk)
        assert r.returncode != 0 and "exists" in r.stdout
        secrets = {k: a.secret(k) for k in ("JWT_SECRET", "ENCRYPTION_KEY")}
    finally:
        a.stop()

    b = stackmod.start_stack("deploy-b", **secrets)
    try:
        env = tools_env(b)
        b.stop()    # workers and nginx down; the database back up alone
        subprocess.run([stackmod.PG_SH, "start"], env=b.env, check=True,
                       stdout=subprocess.DEVNULL)
        r = run("restore.sh", env, bk)
        assert r.returncode != 0 and "not empty" in r.stdout, r.stdout
        damaged = str(tmp_path / "damaged")
        shutil.copytree(bk, damaged)
        with open(os.path.join(damaged, "uploads.tar"), "r+b") as f:
            f.seek(600)
            f.write(b"X")
        r = run("restore.sh", env, "--replace", damaged)
        assert r.returncode != 0 and "damaged" in r.stdout, r.stdout
        r = run("restore.sh", env, "--replace", bk)
        assert r.returncode == 0, r.stdout
        b.start()
        login = b.session().post(b.url("/api/auth/login"), json={
            "email": want["email"], "password": _http.PASSWORD})
        assert login.status_code == 200, login.text
        s = b.session()
        s.headers["Authorization"] = "Bearer " + login.json()["token"]
        t = s.get(b.url("/api/tickets/%s" % want["tid"])).json()
        assert t["title"] == "Kept safe"
        assert [c["message"] for c in t["ticket_comments"]] == ["Still here?"]
        d = s.get(b.url("/api/attachments/%s/download" % want["aid"]))
        assert d.status_code == 200 and d.content == DATA.hex().encode()
        v = admin_session(b).get(b.url("/api/audit/verify")).json()
        assert v["ok"], v
        # the chain goes on from the backed-up head (sign-ins came since)
        head = want["head"]
        assert b.psql_one("SELECT encode(row_hash, 'hex') FROM audit_chain"
                          " WHERE seq = %d" % int(head["seq"])) == head["hash"]
    finally:
        b.stop()

