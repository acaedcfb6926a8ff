"""Per-address sign-in throttling (issue 6, /tmp/ssts/MFA_CONTRACT.md;
SECURITY.md 6.3.1, 6.6.3, 6.3.8): free failures, then locks of 2, 4, 8 ...
seconds up to a cap, the same for known and unknown addresses, safe against
a burst of concurrent guesses, with every password and code counted and a
success forgiving everything.

The module runs on its own stack ("http-throttle") with small limits,
SSTS_LOGIN_FREE_TRIES=3 and SSTS_LOGIN_MAX_DELAY=4, so a lock lasts at most
four seconds (nginx's per-IP limit is set high by stack.py).  The lock
lengths the server should use come from the server's own statement: the
text of STMT_THROTTLE_TAKE is read from lib/db_stmts.c and run in
PostgreSQL on a temporary copy of the table (sql_delays), and a Python
reading of the same formula (formula_delays) must agree with it;
test_guesses_per_hour prints what a guesser achieves with the defaults.
"""
import math
import os
import re
import subprocess
import time

import pytest

import stack as stackmod
from conftest import PASSWORD
from test_mfa_api import (BAD_LOGIN, BAD_TOKEN, MFA_REQUIRED,
                          answer, enable, failed_reasons, last_audit_id,
                          letters_email, login, make_user, mfa_setup,
                          mfa_user, parallel, signed_in, totp, wrong_code)

FREE, MAX_DELAY = 3, 4
DEFAULT_FREE, DEFAULT_MAX_DELAY = 5, 900
THROTTLED = {"error": "Too many failed attempts. Please try again later."}
WRONG = "Wr0ng-password"
DB_STMTS = os.path.join(stackmod.ROOT, "lib", "db_stmts.c")


@pytest.fixture(scope="module")
def stack():
    st = None
    try:
        st = stackmod.start_stack("http-throttle",
                                  SSTS_LOGIN_FREE_TRIES=FREE,
                                  SSTS_LOGIN_MAX_DELAY=MAX_DELAY)
        yield st
    finally:
        if st is not None:
            st.stop()


# ------------------------------------------------------------- the formula

def c_string_literals(text):
    return "".join(re.findall(r'"((?:[^"\\\n]|\\.)*)"', text))


def throttle_take_sql():
    """STMT_THROTTLE_TAKE as the server sends it (THROTTLE_N expanded)."""
    with open(DB_STMTS) as f:
        src = f.read()
    m = re.search(r"#define THROTTLE_N (.*?[^\\])\n", src, re.S)
    assert m, "THROTTLE_N not found in lib/db_stmts.c"
    n_sql = c_string_literals(m.group(1))
    m = re.search(r'/\* STMT_THROTTLE_TAKE \*/\s*\{\s*"throttle_take",'
                  r'(.*?),\s*3\s*\}', src, re.S)
    assert m, "STMT_THROTTLE_TAKE not found in lib/db_stmts.c"
    parts = re.findall(r'"((?:[^"\\\n]|\\.)*)"|\b(THROTTLE_N)\b', m.group(1))
    sql = "".join(n_sql if macro else lit for lit, macro in parts)
    assert "\\" not in sql and "$3" in sql, sql
    return sql


def sql_delays(st, free, max_delay, n):
    """Lock length (s) after each of n consecutive failures, each tried
    once the previous lock has ended: the real statement, run on a
    temporary login_throttle in a transaction that is rolled back (now()
    is fixed inside it, so "waiting" is setting locked_until to now())."""
    lines = ["BEGIN;",
             "CREATE TEMP TABLE login_throttle (LIKE login_throttle "
             "INCLUDING ALL);",
             "PREPARE take(text, int, int) AS %s;" % throttle_take_sql()]
    for _ in range(n):
        lines += ["EXECUTE take('k', %d, %d);" % (free, max_delay),
                  "SELECT coalesce(extract(epoch FROM locked_until - now()),"
                  " 0) FROM login_throttle;",
                  "UPDATE login_throttle SET locked_until = now() WHERE "
                  "locked_until IS NOT NULL;"]
    lines.append("ROLLBACK;")
    p = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1",
                        "-d", st.owner_url()], input="\n".join(lines),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    out = p.stdout.split()
    assert len(out) == 2 * n, out
    assert [int(x) for x in out[0::2]] == list(range(1, n + 1)), out
    return [float(x) for x in out[1::2]]


def formula_delays(free, max_delay, n):
    """The same, read from the statement: failure k (after this attempt)
    locks for min(2 ** min(k - free, 20), max_delay) s once k > free."""
    return [min(2 ** min(k - free, 20), max_delay) if k > free else 0
            for k in range(1, n + 1)]


def guesses_within(delays, seconds):
    """Attempts a guesser gets within `seconds` when each one is made the
    moment the lock of the previous one ends (requests take no time; the
    last delay repeats: the cap)."""
    t, k = 0.0, 0
    while t < seconds:
        t += delays[min(k, len(delays) - 1)]
        k += 1
    return k


def test_guesses_per_hour(stack):
    """The defaults (5 free, then 2, 4, ... up to 900 s): the server's own
    statement and its Python reading agree; print what a guesser gets."""
    n = 30
    for free, cap in ((DEFAULT_FREE, DEFAULT_MAX_DELAY), (FREE, MAX_DELAY)):
        assert sql_delays(stack, free, cap, n) == \
            formula_delays(free, cap, n), (free, cap)
    d = formula_delays(DEFAULT_FREE, DEFAULT_MAX_DELAY, n)
    assert d[:16] == [0] * 5 + [2, 4, 8, 16, 32, 64, 128, 256, 512, 900,
                                900], d
    first_hour = guesses_within(d, 3600)
    first_day = guesses_within(d, 86400)
    steady = 3600 // DEFAULT_MAX_DELAY
    print("\nthrottle, default limits: %d guesses in the first hour against "
          "one address, then %d per hour (%d in the first day); with the "
          "password known, each TOTP guess wins with p = 3e-6 (3 codes "
          "valid), so p <= %.1e in the first hour, %.1e per hour after"
          % (first_hour, steady, first_day, first_hour * 3e-6,
             steady * 3e-6))
    assert first_hour == 17 and steady == 4, (first_hour, steady)
    assert first_hour <= 100    # SECURITY.md 6.3.1: <= 100 failures an hour


# ------------------------------------------------------------- helpers

def throttled(r):
    """A 429 with the JSON message and Retry-After in whole seconds."""
    answer(r, 429, THROTTLED)
    ra = r.headers.get("Retry-After", "")
    assert re.match(r"^[1-9][0-9]*$", ra), ra
    return int(ra)


def reasons(st, email, since):
    """login_failed reasons for an address, known or not, in order."""
    return [x[0] for x in st.psql(
        "SELECT payload->>'reason' FROM audit_logs WHERE action = "
        "'login_failed' AND payload->>'email' = '%s' AND id > %d ORDER BY id"
        % (email, since))]


def timed_pair(fns):
    """Runs the callables at once; [(response, sent, received)]."""
    return parallel(len(fns), lambda i: timed(fns[i]))


def same_answer(a, b):
    """Same status, body and headers (but the Date).  Retry-After counts
    whole seconds to the end of each one's lock: two requests sent at
    once but answered either side of a second's end (a loaded machine)
    may differ by one."""
    ha, hb = dict(a.headers), dict(b.headers)
    ha.pop("Date", None), hb.pop("Date", None)
    ra, rb = ha.pop("Retry-After", None), hb.pop("Retry-After", None)
    assert (ra is None) == (rb is None), (ra, rb)
    if ra is not None:
        assert abs(int(ra) - int(rb)) <= 1, (ra, rb)
    assert (a.status_code, a.content, ha) == (b.status_code, b.content,
                                              hb), (a.text, b.text, ha, hb)
    return True


def timed(fn):
    t0 = time.time()
    r = fn()
    return r, t0, time.time()


def first_lock(fail, probe, error):
    """fail() is refused with `error` and locks for the first delay of
    the statement (2 s); probe() right after is a 429 that says so."""
    locking = timed(fail)
    answer(locking[0], 401, error)
    after = timed(probe)
    assert retry_after_fits(throttled(after[0]), 2, locking, after)


def retry_after_fits(ra, delay, locking, probe):
    """Retry-After `ra` of `probe` is the ceiling of what is left of a
    lock of `delay` s set during the `locking` request."""
    _, l0, l1 = locking
    _, p0, p1 = probe
    lo = max(1, math.ceil(delay - (p1 - l0)))
    hi = max(1, math.ceil(delay - (p0 - l1)))
    return lo <= ra <= hi


# ------------------------------------------------------------- tests

def test_locks_retry_after_and_same_for_unknown(stack):
    """Three free failures; the fourth is checked and locks.  While
    locked: 429, the JSON message, Retry-After, identical for an unknown
    and a known address, even for the right password; afterwards exactly
    one more attempt.  Retry-After follows the statement (2, 4, 4 s with
    a cap of 4); a success resets the count; every attempt is audited."""
    known = make_user(stack, tag="locked")
    ghost = {"email": letters_email("ghost"), "password": PASSWORD}
    since = last_audit_id(stack)
    want = sql_delays(stack, FREE, MAX_DELAY, FREE + 3)
    seq = []
    for i in range(FREE):
        email = known["email"].upper() if i % 2 else known["email"]
        (rk, _, _), (ru, _, _) = timed_pair([
            lambda: login(stack, known, password=WRONG, email=email),
            lambda: login(stack, ghost, password=WRONG)])
        answer(rk, 401, BAD_LOGIN)
        assert same_answer(rk, ru)
    for lock in range(3):
        locking = timed_pair([lambda: login(stack, known, password=WRONG),
                              lambda: login(stack, ghost, password=WRONG)])
        for r, _, _ in locking:
            answer(r, 401, BAD_LOGIN)
        probe = timed_pair([lambda: login(stack, known, password=WRONG),
                            lambda: login(stack, ghost, password=WRONG)])
        (rk, _, _), (ru, _, _) = probe
        ra = throttled(rk)
        assert same_answer(rk, ru)
        delay = want[FREE + lock]
        assert retry_after_fits(ra, delay, locking[0], probe[0]), \
            (lock, ra, delay)
        seq.append(delay)
        rr = login(stack, known)                # the right password
        throttled(rr)
        time.sleep(throttled(login(stack, known, password=WRONG))
                   + 0.2)
    assert seq == [2, 4, 4], seq
    assert answer(login(stack, known), 200)["user"]["email"] == \
        known["email"]
    for i in range(FREE):                       # reset: free again
        answer(login(stack, known, password=WRONG), 401, BAD_LOGIN)
    first_lock(lambda: login(stack, known, password=WRONG),
               lambda: login(stack, known, password=WRONG), BAD_LOGIN)

    per_lock = ["invalid_password", "throttled", "throttled", "throttled"]
    assert reasons(stack, known["email"], since) == \
        ["invalid_password"] * FREE + per_lock * 3 + \
        ["invalid_password"] * (FREE + 1) + ["throttled"]
    assert reasons(stack, ghost["email"], since) == \
        ["unknown_email"] * FREE + ["unknown_email", "throttled"] * 3


def test_mfa_required_does_not_count(stack):
    """A right password without the code (403 mfaRequired) takes no
    attempt: 2 failures, three 403s, one failure, then a sign-in."""
    c, secret, codes = mfa_user(stack, "forgive")
    user = c.user
    since = last_audit_id(stack)
    for _ in range(2):
        answer(login(stack, user, password=WRONG), 401, BAD_LOGIN)
    for _ in range(3):
        answer(login(stack, user), 403, MFA_REQUIRED)
    answer(login(stack, user, password=WRONG), 401, BAD_LOGIN)
    answer(login(stack, user, codes[0]), 200)
    assert reasons(stack, user["email"], since) == ["invalid_password"] * 3


def test_mfa_required_after_free_failures_does_not_lock(stack):
    """The free failures used up, a right password without the code must
    not leave the address locked: the code sent next signs in."""
    c, secret, codes = mfa_user(stack, "forgive2")
    user = c.user
    for _ in range(FREE):
        answer(login(stack, user, password=WRONG), 401, BAD_LOGIN)
    answer(login(stack, user), 403, MFA_REQUIRED)
    r = login(stack, user, codes[0])
    assert r.status_code == 200, (
        "a right password without code (403 mfaRequired) after %d failures "
        "locked the address: %d %s, Retry-After %s"
        % (FREE, r.status_code, r.text, r.headers.get("Retry-After")))


def test_wrong_codes_count(stack):
    """Wrong second factors count like wrong passwords; while locked, a
    right recovery code is not even looked at (it stays unused)."""
    c, secret, codes = mfa_user(stack, "codes")
    user = c.user
    since = last_audit_id(stack)
    for bad in (wrong_code(secret), "123", "aaaa-bbbbb-ccccc"):
        answer(login(stack, user, bad), 401, BAD_TOKEN)
    first_lock(lambda: login(stack, user, codes[0][:4] + "-aaaaa-aaaaa"),
               lambda: login(stack, user, codes[1]), BAD_TOKEN)
    assert failed_reasons(stack, user["id"], since) == \
        ["invalid_mfa_token"] * (FREE + 1)
    assert reasons(stack, user["email"], since)[-1] == "throttled"
    assert stack.psql_one("SELECT count(*) FROM mfa_recovery_codes WHERE "
                          "user_id = %d AND used_at IS NOT NULL"
                          % user["id"]) == "0"


def test_enable_and_disable_codes_count(stack):
    """Codes tried at /mfa/enable and /mfa/disable take attempts of the
    user's own address: 429 with Retry-After, and sign-in is locked too."""
    user = make_user(stack, tag="enabling")
    c = signed_in(stack, user)
    secret = mfa_setup(c)["secret"]
    for _ in range(FREE + 1):
        answer(c.post("/api/auth/mfa/enable", {"token": wrong_code(secret)}),
               401, BAD_TOKEN)
    throttled(c.post("/api/auth/mfa/enable", {"token": totp(secret)}))
    throttled(login(stack, user))
    assert answer(c.get("/api/users/me"), 200)["mfa_enabled"] is False

    d, secret, codes = mfa_user(stack, "disabling")
    for i in range(FREE + 1):
        body = {"password": PASSWORD, "mfaToken": wrong_code(secret)}
        if i == 0:
            body["password"] = WRONG
        r = d.post("/api/auth/mfa/disable", body)
        assert r.status_code == 401, r.text
    throttled(d.post("/api/auth/mfa/disable", {"password": PASSWORD,
                                               "mfaToken": codes[0]}))
    throttled(login(stack, d.user, codes[1]))
    assert answer(d.get("/api/users/me"), 200)["mfa_enabled"] is True


def test_burst_of_concurrent_guesses(stack):
    """20 wrong passwords for one address at once: at most FREE + 1 are
    checked (SECURITY.md 6.3.1's race variant); the rest are 429, and the
    audit trail says which was which."""
    user = make_user(stack, tag="burst")
    since = last_audit_id(stack)
    rs = parallel(20, lambda i: login(stack, user, password=WRONG))
    codes = [r.status_code for r in rs]
    assert set(codes) <= {401, 429}, codes
    for r in rs:
        answer(r, r.status_code, BAD_LOGIN if r.status_code == 401 else
               THROTTLED)
    checked = codes.count(401)
    print("\nburst of 20: %d checked, %d throttled" % (checked,
                                                        codes.count(429)))
    assert 1 <= checked <= FREE + 1, codes
    got = reasons(stack, user["email"], since)
    assert sorted(got) == sorted(["invalid_password"] * checked +
                                 ["throttled"] * (20 - checked)), got


def test_enable_still_works_after_throttle_clears(stack):
    """A success clears the count for enable too: after a wrong code, the
    right one enables and the next wrong password is free again."""
    user = make_user(stack, tag="clears")
    c = signed_in(stack, user)
    secret = mfa_setup(c)["secret"]
    for _ in range(FREE - 1):
        answer(c.post("/api/auth/mfa/enable", {"token": wrong_code(secret)}),
               401, BAD_TOKEN)
    enable(c, totp(secret))
    for _ in range(FREE):
        answer(login(stack, user, password=WRONG), 401, BAD_LOGIN)
    answer(login(stack, user, password=WRONG), 401, BAD_LOGIN)
    throttled(login(stack, user, password=WRONG))
