"""Upgrade: a database made by the migrations of an older SSTS (001-008,
before the search documents, day counters, people counters and
idempotency keys), holding tickets, comments, an internal note, an
assignment and a resolution, is upgraded by the stack's start (sql/
migrate.sh applies what is new, each in its own transaction) and then
serves it whole: the old rows are listed and searched (comment words,
internal notes for staff only), and the new counters equal counting the
tables."""
import glob
import os
import shutil
import subprocess

from faultlib import admin_session, stackmod

ROOT = stackmod.ROOT
OLD = "008"


def test_upgrade_from_008(tmp_path):
    name = "deploy-upgrade"
    var = os.path.join(stackmod.OUT, name, "var")
    if os.path.exists(var):
        subprocess.run([stackmod.STACK_SH, "stop"],
                       env=dict(os.environ, SSTS_VAR=var),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(var)
    os.makedirs(var)
    (port,) = stackmod.free_ports(1)
    env = dict(os.environ, SSTS_VAR=var, SSTS_PG_PORT=str(port))
    pg = lambda *a: subprocess.run([stackmod.PG_SH] + list(a), env=env,  # noqa
                                   stdout=subprocess.PIPE, text=True,
                                   check=True).stdout.strip()
    pg("start")
    owner = pg("url", "owner")
    old = tmp_path / "sql"
    old.mkdir()
    for f in ["migrate.sh", "grants.sql"] + [
            os.path.basename(p) for p in
            glob.glob(os.path.join(ROOT, "sql", "[0-9][0-9][0-9]_*.sql"))
            if os.path.basename(p)[:3] <= OLD]:
        shutil.copy2(os.path.join(ROOT, "sql", f), old / f)
    subprocess.run([str(old / "migrate.sh")], check=True,
                   env=dict(env, SSTS_MIGRATE_URL=owner),
                   stdout=subprocess.DEVNULL)
    sql = """
        INSERT INTO users (name, email, password_hash, role) VALUES
            ('Old Client', 'old.client@example.test', 'x', 'client'),
            ('Old Agent', 'old.agent@example.test', 'x', 'agent');
        INSERT INTO tickets (title, description, created_by, status)
            SELECT 'Old printer ' || g, 'Toner smudges', u.id,
                   CASE WHEN g = 1 THEN 'Resolved' ELSE 'Open' END
            FROM generate_series(1, 3) g, users u
            WHERE u.email = 'old.client@example.test';
        INSERT INTO ticket_comments (ticket_id, user_id, message, is_internal)
            SELECT t.id, u.id, 'kangaroo public words', false
            FROM tickets t, users u WHERE t.title = 'Old printer 2'
            AND u.email = 'old.client@example.test';
        INSERT INTO ticket_comments (ticket_id, user_id, message, is_internal)
            SELECT t.id, u.id, 'wombat internal note', true
            FROM tickets t, users u WHERE t.title = 'Old printer 2'
            AND u.email = 'old.agent@example.test';
        INSERT INTO ticket_assignments (ticket_id, agent_id, assigned_by)
            SELECT t.id, u.id, u.id FROM tickets t, users u
            WHERE t.title = 'Old printer 2'
            AND u.email = 'old.agent@example.test';
        INSERT INTO audit_logs (action, entity_type, entity_id,
                                performed_by, payload)
            SELECT 'updated', 'ticket', t.id, t.created_by,
                   '{"changes": {"status": {"from": "In Progress",
                     "to": "Resolved"}}}'::jsonb
            FROM tickets t WHERE t.title = 'Old printer 1';
    """
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d",
                    owner, "-c", sql], check=True, stdout=subprocess.DEVNULL)
    pg("stop")

    st = stackmod.start_stack(name, clean=False)
    try:
        applied = [r[0] for r in st.psql(
            "SELECT name FROM schema_migrations ORDER BY name")]
        news = sorted(os.path.basename(p) for p in glob.glob(
            os.path.join(ROOT, "sql", "[0-9][0-9][0-9]_*.sql")))
        assert applied == news
        assert any(n[:3] > OLD for n in news)
        # the old client signs in with a password set now
        st.psql("UPDATE users SET password_hash = (SELECT password_hash FROM"
                " users WHERE email = '%s') WHERE email LIKE 'old.%%'"
                % st.admin_email)
        client = st.session()
        r = client.post(st.url("/api/auth/login"), json={
            "email": "old.client@example.test",
            "password": st.admin_password})
        assert r.status_code == 200, r.text
        client.headers["Authorization"] = "Bearer " + r.json()["token"]
        admin = admin_session(st)

        def titles(s, q=None):
            params = {"q": q} if q else {}
            r = s.get(st.url("/api/tickets"), params=params)
            assert r.status_code == 200, r.text
            return sorted(t["title"] for t in r.json()["tickets"])

        assert titles(client) == ["Old printer 1", "Old printer 2",
                                  "Old printer 3"]
        assert titles(client, "kangaroo") == ["Old printer 2"]
        assert titles(client, "wombat") == []
        assert titles(admin, "wombat") == ["Old printer 2"]
        assert titles(admin, "toner") == ["Old printer 1", "Old printer 2",
                                          "Old printer 3"]
        # the counters of the new migrations count what was there
        d = admin.get(st.url("/api/statistics/dashboard")).json()
        assert d["totals"]["total"] == 3 and d["totals"]["resolved"] == 1
        assert d["users"]["clients"] == int(st.psql_one(
            "SELECT count(*) FROM users WHERE role = 'client'"))
        assert st.psql_one("SELECT sum(resolved) FROM ticket_days") == "1"
        assert st.psql_one("SELECT sum(opened) FROM ticket_days") == "3"
        # and the upgraded desk takes new work, with a key
        r = client.post(st.url("/api/tickets"), json={
            "title": "After the upgrade", "description": "d"},
            headers={"Idempotency-Key": "upgrade-1"})
        assert r.status_code == 201, r.text
    finally:
        st.stop()

