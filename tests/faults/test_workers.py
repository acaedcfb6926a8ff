"""F6: workers killed with SIGKILL under load.  Each kill costs at most
the request that worker had in flight (nginx answers 502, the client
retries a keyed write); multiwatch starts a new worker within a second;
a storm that kills every worker of a group at once leaves it without
workers for less than two seconds; nothing acknowledged is lost."""
import random
import time

from faultlib import check, kill, pids_of, report, scaled

GROUPS = ["tickets", "attachments", "reports"]


def wait_replaced(st, group, gone, n, timeout=5):
    """Seconds until group has n workers again, none of them in gone."""
    t0 = time.time()
    while time.time() - t0 < timeout:
        now = pids_of(st, group)
        if len(now) >= n and not set(now) & set(gone):
            return time.time() - t0
        time.sleep(0.005)
    return None


def test_kills_and_storms_lose_nothing(stack, load, probe):
    n = len(pids_of(stack, "tickets"))
    assert n >= 2
    load.start()
    time.sleep(2)
    kills, respawn, storms = 0, [], []
    for i in range(scaled(12, 300)):
        g = GROUPS[i % len(GROUPS)]
        victim = random.choice(pids_of(stack, g))
        assert kill(victim)
        kills += 1
        respawn.append(wait_replaced(stack, g, [victim], n))
        time.sleep(scaled(0.5, 1.0))
    for _ in range(scaled(3, 10)):
        victims = pids_of(stack, "tickets")
        kills += sum(kill(p) for p in victims)
        storms.append(wait_replaced(stack, "tickets", victims, n))
        time.sleep(1)
    time.sleep(1)
    load.stop()
    got = check(stack, load)
    report("F6 worker kills", load, "; %d kills, respawn max %.3f s, storm"
           " max %.3f s" % (kills, max(respawn), max(storms)))
    assert None not in respawn and max(respawn) <= 1.0, respawn
    assert None not in storms and max(storms) <= 2.0, storms
    # at most the request each killed worker had in flight
    assert load.failed() <= kills, load.failures
    assert set(load.attempts.n) <= {"ok", "http-502", "socket"}, \
        load.attempts.n
    assert got["lost"] == got["corrupt"] == got["duplicates"] == 0
    assert got["acked"] > 0
    # the probe never saw the tickets group's kills (healthz is auth's)
    assert probe.failed() == [], (probe.failed(), probe.errors)
