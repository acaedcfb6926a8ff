"""F1-F4: PostgreSQL restarted, crashed, its backends terminated, and
down while the workers start.  While it is down every request answers
at once (503 within a second, never a hang); within two seconds of it
accepting connections again the service is whole; the keyed writes the
load retried are each there exactly once; after the crash the heap and
indexes check clean (pg_amcheck --heapallindexed)."""
import os
import time


from faultlib import (check, kill, pg_accepting, pg_ctl, pg_start, pids_of,
                      report, scaled)

GROUPS = ["auth", "tickets", "attachments", "reports"]


def assert_fast_while_down(probe, a, b):
    down = probe.between(a, b)
    slow = [x for x in down if x[2] > 1.0 or x[1] not in (200, 503)]
    assert slow == [], slow[:5]


def recovered(probe, up):
    ok = probe.first_ok_after(up)
    deadline = time.time() + 5
    while ok is None and time.time() < deadline:
        time.sleep(0.05)
        ok = probe.first_ok_after(up)
    assert ok is not None and ok - up <= 2.0, (up, ok)
    return ok - up


def test_restart_fast(stack, load, probe):
    load.start()
    time.sleep(2)
    worst = 0.0
    for _ in range(scaled(1, 5)):
        t0 = time.time()
        p = pg_ctl(stack, "restart", "-m", "fast", "-w", "-l",
                   os.path.join(stack.var, "log", "postgresql.log"))
        assert p.returncode == 0, p.stdout
        up = time.time()
        assert pg_accepting(stack)
        worst = max(worst, recovered(probe, up))
        assert_fast_while_down(probe, t0, up)
        time.sleep(scaled(3, 60))
    load.stop()
    got = check(stack, load)
    report("F1 restart", load, "; service back %.2f s after" % worst)
    assert got["lost"] == got["duplicates"] == got["corrupt"] == 0
    assert got["acked"] > 0


def test_crash_and_recovery(stack, load, probe):
    load.start()
    time.sleep(2)
    worst = 0.0
    for _ in range(scaled(1, 5)):
        t0 = time.time()
        p = pg_ctl(stack, "stop", "-m", "immediate", "-w")
        assert p.returncode == 0, p.stdout
        time.sleep(1)
        up = pg_start(stack)
        worst = max(worst, recovered(probe, up))
        assert_fast_while_down(probe, t0, up)
        time.sleep(scaled(3, 60))
    load.stop()
    got = check(stack, load, amcheck=True)
    report("F2 crash", load, "; service back %.2f s after" % worst)
    assert got["lost"] == got["duplicates"] == got["corrupt"] == 0


def test_backends_terminated(stack, load, probe):
    load.start()
    time.sleep(2)
    ended = 0
    for _ in range(scaled(8, 60)):
        ended += int(stack.psql_one(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))"
            " FROM pg_stat_activity WHERE usename = 'ssts_app'"))
        time.sleep(scaled(0.5, 5))
    load.stop()
    got = check(stack, load)
    report("F3 terminate", load, "; %d backends terminated" % ended)
    assert ended > 0
    # at most one failed request per terminated backend, no worker exit
    assert load.failed() <= ended, load.failures
    assert "exited" not in stack.log_text(r"^tickets\.log$")
    assert got["lost"] == got["duplicates"] == got["corrupt"] == 0


def test_database_down_at_worker_start(stack, probe):
    before = {g: len(pids_of(stack, g)) for g in GROUPS}
    p = pg_ctl(stack, "stop", "-m", "fast", "-w")
    assert p.returncode == 0, p.stdout
    for g in GROUPS:
        for pid in pids_of(stack, g):
            kill(pid)
    time.sleep(2)
    # the new workers started without a database and stay up
    alive = {g: pids_of(stack, g) for g in GROUPS}
    time.sleep(2)
    assert {g: pids_of(stack, g) for g in GROUPS} == alive
    assert {g: len(v) for g, v in alive.items()} == before
    t = time.time()
    s = stack.session()
    r = s.get(stack.url("/api/tickets"), timeout=5)
    assert r.status_code in (401, 503) and time.time() - t < 1.0
    r = s.get(stack.url("/healthz"), timeout=5)
    assert r.status_code == 503 and time.time() - t < 2.0
    up = pg_start(stack)
    recovered(probe, up)
    assert_fast_while_down(probe, t, up)
