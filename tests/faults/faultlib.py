"""The fault suite's harness (SECURITY.md §4.1): a private stack, a steady
load that records every acknowledged write in a ledger, a /healthz probe,
process helpers, and the checker every scenario ends with.

Load: SSTS_FAULT_RATE requests/s (default 40) from a few threads, each op
picked by weight: reads (list, detail) 60%, ticket creation 15%, comments
10%, 100 KiB uploads 10%, the dashboard 5%.  Ticket and comment creation
carry an Idempotency-Key and are retried with the same key after an
unknown outcome (a socket error, 502/503/504) until acknowledged or the
load stops; an acknowledgement (2xx with an id) goes into the ledger with
the SHA-256 of what was sent.  Uploads are not retried (the upload route
takes no key): only acknowledged ones are in the ledger.

Checker: every ledger entry is in the database exactly once with the same
content (attachments: downloaded, decrypted and compared), no key made
two tickets or comments, every ticket has its `created` audit row, the
audit chain verifies, no attachment row lacks its file, and the workers
logged no crash.
"""
import hashlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid

import requests
import requests.adapters

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "http"))

import importlib.util  # noqa: E402

import stack as stackmod  # noqa: E402

# tests/http/conftest.py's clients, under another name than this
# directory's own conftest
_spec = importlib.util.spec_from_file_location(
    "http_conftest", os.path.join(HERE, "..", "http", "conftest.py"))
_http = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_http)
Api, unique_email = _http.Api, _http.unique_email

RATE = float(os.environ.get("SSTS_FAULT_RATE", "40"))
# "short" in make test, "full" in make faults: how long each fault lasts
FULL = os.environ.get("SSTS_FAULTS", "short") == "full"
PGBIN = "/usr/lib/postgresql/15/bin"
UPLOAD = bytes(random.Random(7).getrandbits(8) for _ in range(100 * 1024))
SOFT_FAIL = (502, 503, 504)


def sha(b):
    if isinstance(b, str):
        b = b.encode()
    return hashlib.sha256(b).hexdigest()


def scaled(short, full):
    return full if FULL else short


class Counter:
    def __init__(self):
        self.lock = threading.Lock()
        self.n = {}

    def add(self, key, k=1):
        with self.lock:
            self.n[key] = self.n.get(key, 0) + k

    def get(self, key):
        with self.lock:
            return self.n.get(key, 0)


def user_token(st, role="client"):
    """A new user (promoted in SQL for staff) and a bearer token."""
    email = unique_email("f" + role)
    r = Api(st).register(name="Fault %s" % role, email=email)
    assert r.status_code == 201, r.text
    if role != "client":
        st.psql("UPDATE users SET role = '%s' WHERE email = '%s'"
                % (role, email))
    r = Api(st).login(email)
    assert r.status_code == 200, r.text
    return r.json()["user"]["id"], r.json()["token"]


def client_ticket(st, title, description):
    """A new client's signed-in session, token and the id of a ticket of
    theirs."""
    uid, token = user_token(st)
    s = st.session()
    s.headers["Authorization"] = "Bearer " + token
    r = s.post(st.url("/api/tickets"), json={"title": title,
                                             "description": description})
    assert r.status_code == 201, r.text
    return s, token, r.json()["id"]


def send(s, method, url, **kw):
    """(the response or None, the names of the exceptions met).  A GET
    whose connection broke is sent once more at once, as browsers do when
    a server closed a kept-alive connection under a request (RFC 9112
    §9.3.1); other methods are the caller's to retry."""
    errors = []
    for again in (method == "GET", False):
        try:
            return s.request(method, url, **kw), errors
        except requests.exceptions.ConnectionError as e:
            errors.append(type(e).__name__)
            if not again:
                break
        except Exception as e:  # noqa: BLE001 - timeouts and the rest
            errors.append(type(e).__name__)
            break
    return None, errors


def retries(r, errors):
    """How many of send()'s errors were followed by another try."""
    return len(errors) - (r is None)


class Load:
    """A steady mixed load with an ack ledger (see the module's text)."""

    def __init__(self, st, rate=RATE, threads=4, source=None):
        self.st = st
        self.source = source    # a local address other than 127.0.0.1
        self.rate = rate
        self.nthreads = threads
        self.stop_ev = threading.Event()
        self.lock = threading.Lock()
        self.ledger = []        # (kind, key or "", id, sha256)
        self.tickets = []       # acknowledged ticket ids, for comments
        self.attempts = Counter()   # by outcome: ok, http-<code>, socket
        self.failures = []      # (time, op, outcome)
        self.unacked = 0
        self.uid, self.token = user_token(st, "client")
        self.threads = []
        self.seed_tickets()

    # -- requests ---------------------------------------------------------
    def session(self):
        s = self.st.session()
        s.headers["Authorization"] = "Bearer " + self.token
        if self.source:
            s.mount("https://", SourceAdapter(self.source))
        return s

    def call(self, s, op, method, path, **kw):
        """One attempt (a GET perhaps sent twice: send()); returns the
        response or None (socket error)."""
        r, errors = send(s, method, self.st.url(path), timeout=10,
                         allow_redirects=False, **kw)
        for _ in range(retries(r, errors)):
            self.attempts.add("socket-retried")
        if r is None:
            self.attempts.add("socket")
            self.failures.append((time.time(), op, errors[-1]))
            return None
        if r.status_code < 400:
            self.attempts.add("ok")
        else:
            self.attempts.add("http-%d" % r.status_code)
            self.failures.append((time.time(), op, r.status_code))
        return r

    def keyed_write(self, s, op, path, body, kind, content):
        """A write with an Idempotency-Key, retried until acknowledged."""
        key = "f-" + uuid.uuid4().hex
        h = {"Idempotency-Key": key}
        while True:
            r = self.call(s, op, "POST", path, json=body(key), headers=h)
            if r is not None and r.status_code == 201:
                oid = r.json()["id"]
                with self.lock:
                    self.ledger.append((kind, key, oid, sha(content(key))))
                    if kind == "ticket":
                        self.tickets.append(oid)
                return
            if r is not None and r.status_code not in SOFT_FAIL:
                raise AssertionError("%s: %d %s" % (op, r.status_code,
                                                    r.text[:200]))
            if self.stop_ev.is_set() and time.time() > self.deadline:
                self.unacked += 1
                return
            time.sleep(0.1)

    def op_create(self, s):
        self.keyed_write(
            s, "create", "/api/tickets",
            lambda k: {"title": "F " + k, "description": "Fault load " + k},
            "ticket", lambda k: "Fault load " + k)

    def op_comment(self, s):
        tid = self.pick_ticket()
        self.keyed_write(
            s, "comment", "/api/tickets/%s/comments" % tid,
            lambda k: {"message": "Fault comment " + k},
            "comment", lambda k: "Fault comment " + k)

    def op_upload(self, s):
        tid = self.pick_ticket()
        r = self.call(s, "upload", "POST", "/api/attachments",
                      data={"ticket_id": tid},
                      files={"file": ("load.txt", UPLOAD, "text/plain")})
        if r is not None and r.status_code == 201:
            with self.lock:
                self.ledger.append(("attachment", "", r.json()["id"],
                                    sha(UPLOAD)))

    def op_read(self, s):
        if random.random() < 0.5:
            self.call(s, "list", "GET", "/api/tickets?limit=20")
        else:
            self.call(s, "detail", "GET", "/api/tickets/%s"
                      % self.pick_ticket())

    def op_dashboard(self, s):
        self.call(s, "dashboard", "GET", "/api/statistics/dashboard")

    def pick_ticket(self):
        with self.lock:
            return random.choice(self.tickets)

    def seed_tickets(self):
        s = self.session()
        for _ in range(3):
            self.op_create(s)

    # -- threads ----------------------------------------------------------
    OPS = [(60, "op_read"), (15, "op_create"), (10, "op_comment"),
           (10, "op_upload"), (5, "op_dashboard")]

    def run(self, n):
        s = self.session()
        rnd = random.Random(n)
        names = [name for w, name in self.OPS for _ in range(w)]
        interval = self.nthreads / self.rate
        nxt = time.time()
        while not self.stop_ev.is_set():
            getattr(self, rnd.choice(names))(s)
            nxt += interval
            delay = nxt - time.time()
            if delay > 0:
                self.stop_ev.wait(delay)
            else:
                nxt = time.time()   # behind: do not burst to catch up

    def start(self):
        self.deadline = float("inf")
        for n in range(self.nthreads):
            t = threading.Thread(target=self.run, args=(n,), daemon=True)
            t.start()
            self.threads.append(t)
        return self

    def stop(self, grace=30):
        """Stops, letting writes in retry finish for up to grace seconds."""
        self.deadline = time.time() + grace
        self.stop_ev.set()
        for t in self.threads:
            t.join(grace + 15)
        assert not any(t.is_alive() for t in self.threads), "load stuck"

    def failed(self):
        return sum(v for k, v in self.attempts.n.items()
                   if k not in ("ok", "socket-retried"))


class SourceAdapter(requests.adapters.HTTPAdapter):
    """Connections from a chosen local address (127.0.0.2 is loopback
    too), so that a probe is not counted with an attacker on 127.0.0.1."""

    def __init__(self, addr):
        self.addr = addr
        super().__init__()

    def init_poolmanager(self, *a, **kw):
        kw["source_address"] = (self.addr, 0)
        super().init_poolmanager(*a, **kw)


class Probe:
    """GET /healthz every 100 ms: (time, status or None, seconds)."""

    def __init__(self, st, source=None):
        self.st = st
        self.source = source
        self.samples = []
        self.errors = []            # (time, exception name), retried or not
        self.retried = 0
        self.stop_ev = threading.Event()
        self.t = threading.Thread(target=self.run, daemon=True)

    def run(self):
        s = self.st.session()
        if self.source:
            s.mount("https://", SourceAdapter(self.source))
        while not self.stop_ev.is_set():
            t0 = time.time()
            r, errors = send(s, "GET", self.st.url("/healthz"), timeout=5)
            self.errors += [(time.time(), e) for e in errors]
            self.retried += retries(r, errors)
            code = r.status_code if r is not None else None
            self.samples.append((t0, code, time.time() - t0))
            self.stop_ev.wait(max(0, 0.1 - (time.time() - t0)))

    def failed(self):
        """The samples that were not a 200, for assertion messages."""
        return [x for x in self.samples if x[1] != 200]

    def start(self):
        self.t.start()
        return self

    def stop(self):
        self.stop_ev.set()
        self.t.join(10)

    def first_ok_after(self, t):
        for t0, code, _ in self.samples:
            if t0 >= t and code == 200:
                return t0
        return None

    def between(self, a, b):
        return [x for x in self.samples if a <= x[0] <= b]


# -- processes --------------------------------------------------------------
def pids_of(st, group):
    """The worker pids of a route group (children of its multiwatch)."""
    with open(os.path.join(st.var, "run", group + ".pid")) as f:
        mw = f.read().strip()
    out = subprocess.run(["pgrep", "-P", mw], stdout=subprocess.PIPE,
                         text=True).stdout.split()
    return [int(p) for p in out]


def wait_workers(st, group, n, timeout):
    end = time.time() + timeout
    while time.time() < end:
        if len(pids_of(st, group)) >= n:
            return time.time()
        time.sleep(0.01)
    return None


def as_pg_owner(st, argv):
    """argv as the owner of the cluster's directory (PostgreSQL refuses
    root)."""
    pgdata = os.path.join(st.var, "pg")
    uid = os.stat(pgdata).st_uid
    if os.geteuid() == 0 and uid != 0:
        import pwd
        argv = ["runuser", "-u", pwd.getpwuid(uid).pw_name, "--"] + argv
    return subprocess.run(argv, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=120)


def forget_db(st):
    """The test's own owner connection does not survive a restart."""
    with st._db_lock:
        if st._db is not None:
            st._db.close()
            st._db = None


def pg_ctl(st, *args):
    forget_db(st)
    p = as_pg_owner(st, [os.path.join(PGBIN, "pg_ctl"), "-D",
                         os.path.join(st.var, "pg")] + list(args))
    return p


def pg_start(st):
    forget_db(st)
    p = subprocess.run([stackmod.PG_SH, "start"], env=st.env,
                       cwd=stackmod.ROOT, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=120)
    assert p.returncode == 0, p.stdout
    return time.time()


def pg_accepting(st):
    p = as_pg_owner(st, [os.path.join(PGBIN, "pg_isready"), "-h",
                         os.path.join(st.var, "run"), "-p",
                         st.env["SSTS_PG_PORT"]])
    return p.returncode == 0


# -- the checker -----------------------------------------------------------
def admin_session(st):
    s = st.session()
    end = time.time() + 10  # the checker waits out the fault's last 503s
    while True:
        r = Api(st).login(st.admin_email, st.admin_password)
        if r.status_code != 503 or time.time() > end:
            break
        time.sleep(0.2)
    assert r.status_code == 200, r.text
    s.headers["Authorization"] = "Bearer " + r.json()["token"]
    return s


def check(st, load, amcheck=False):
    """The post-run checker; returns a dict of what it counted."""
    got = {"acked": len(load.ledger), "lost": 0, "corrupt": 0,
           "duplicates": 0}
    bad = []
    tickets = {r[0]: r[1:] for r in st.psql(
        "SELECT id, title, description FROM tickets WHERE title LIKE 'F f-%'")}
    comments = {r[0]: r[1] for r in st.psql(
        "SELECT id, message FROM ticket_comments"
        " WHERE message LIKE 'Fault comment f-%'")}
    s = st.session()
    s.headers["Authorization"] = "Bearer " + load.token
    for kind, key, oid, digest in load.ledger:
        if kind == "ticket":
            row = tickets.get(oid)
            ok = row is not None and row[0] == "F " + key and \
                sha(row[1]) == digest
        elif kind == "comment":
            row = comments.get(oid)
            ok = row is not None and sha(row) == digest
        else:
            r = s.get(st.url("/api/attachments/%s/download" % oid),
                      timeout=30)
            row = r.status_code == 200 or None
            ok = r.status_code == 200 and sha(r.content) == digest
        if row is None:
            got["lost"] += 1
            bad.append(("lost", kind, key, oid))
        elif not ok:
            got["corrupt"] += 1
            bad.append(("corrupt", kind, key, oid))
    dup = st.psql("SELECT title FROM tickets WHERE title LIKE 'F f-%'"
                  " GROUP BY 1 HAVING count(*) > 1 UNION ALL"
                  " SELECT message FROM ticket_comments WHERE message LIKE"
                  " 'Fault comment f-%' GROUP BY 1 HAVING count(*) > 1")
    got["duplicates"] = len(dup)
    bad += [("duplicate", d[0]) for d in dup]
    unaudited = st.psql(
        "SELECT t.id FROM tickets t WHERE t.title LIKE 'F f-%' AND NOT"
        " EXISTS (SELECT 1 FROM audit_logs a WHERE a.entity_type ="
        " 'ticket' AND a.entity_id = t.id AND a.action = 'created')")
    bad += [("unaudited", u[0]) for u in unaudited]
    a = admin_session(st)
    for _ in range(20):
        r = a.get(st.url("/api/audit/verify"), timeout=120)
        if r.status_code != 503:
            break
        time.sleep(0.5)
    assert r.status_code == 200, r.text
    if not r.json().get("ok"):
        bad.append(("chain", r.text[:300]))
    bad += [("dangling", f) for f in dangling_files(st)]
    crashes = [line for line in st.log_text().splitlines()
               if "AddressSanitizer" in line or "runtime error:" in line
               or "core dumped" in line]
    bad += [("log", c) for c in crashes[:5]]
    if amcheck:
        bad += [("amcheck", line) for line in amcheck_errors(st)]
    assert bad == [], bad[:20]
    return got


def dangling_files(st):
    """Attachment rows whose stored file is missing."""
    updir = st.env.get("UPLOAD_DIR") or os.path.join(st.var, "uploads")
    missing = []
    for (key,) in st.psql("SELECT file_key FROM attachments"):
        if not any(os.path.exists(os.path.join(updir, p))
                   for p in (key, key[:2] + "/" + key)):
            missing.append(key)
    return missing


def amcheck_errors(st):
    st.psql("CREATE EXTENSION IF NOT EXISTS amcheck")
    p = as_pg_owner(st, [os.path.join(PGBIN, "pg_amcheck"), "-h",
                         os.path.join(st.var, "run"), "-p",
                         st.env["SSTS_PG_PORT"], "-U", "ssts_owner",
                         "--heapallindexed", "ssts"])
    return [] if p.returncode == 0 else p.stdout.splitlines()[:20]


def report(name, load, extra=""):
    print("\n%s: %d attempts, %d failed (%s), %d acknowledged writes, "
          "%d unacknowledged %s" % (
              name, sum(load.attempts.n.values()), load.failed(),
              ", ".join("%s %d" % kv for kv in sorted(load.attempts.n.items())
                        if kv[0] != "ok"),
              len(load.ledger), load.unacked, extra))


def kill(pid, sig=signal.SIGKILL):
    try:
        os.kill(pid, sig)
        return True
    except ProcessLookupError:
        return False
