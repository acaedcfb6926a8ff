"""Private SSTS stacks for the HTTP and browser tests.

start_stack(name, **env) runs `nginx/stack.sh start` with free ports and
SSTS_VAR=tests/out/<name>/var, and returns a Stack; stop() (always call it,
e.g. from a fixture's finally) runs `nginx/stack.sh stop` for exactly that
SSTS_VAR.  Grey-box helpers: Stack.psql(sql) runs SQL as the database
owner (sql/pg.sh url owner), Stack.log_text() returns the worker and nginx
logs, Stack.secret() reads $SSTS_VAR/secrets.env.

Debian's /usr/bin/python3 with python3-pytest and python3-requests.
"""
import os
import re
import shutil
import socket
import subprocess
import threading
import time

import requests

try:    # Debian's python3-psycopg2: one connection instead of a psql each time
    import psycopg2
    import psycopg2.extensions
except ImportError:
    psycopg2 = None

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# SSTS_TEST_OUT lets two runs (e.g. two people on one machine) not collide.
OUT = os.environ.get("SSTS_TEST_OUT") or os.path.join(ROOT, "tests", "out")
STACK_SH = os.environ.get("SSTS_STACK_SCRIPT",
                          os.path.join(ROOT, "nginx", "stack.sh"))
PG_SH = os.path.join(ROOT, "sql", "pg.sh")
START_TIMEOUT = 120

ADMIN_EMAIL = "admin@ssts.test"
ADMIN_PASSWORD = "Adm1nPassw0rd-test"


def free_ports(n):
    """n distinct free TCP ports on 127.0.0.1 (bound to 0, then released)."""
    socks, ports = [], []
    try:
        while len(ports) < n:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
            p = s.getsockname()[1]
            if p not in ports:
                ports.append(p)
    finally:
        for s in socks:
            s.close()
    return ports


class StackError(RuntimeError):
    pass


def _text_connection(url):
    """An autocommit connection that hands back every value as the text
    the server sent (what psql prints), whatever its type."""
    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT oid FROM pg_type")
        oids = tuple(int(r[0]) for r in cur.fetchall())
    as_text = psycopg2.extensions.new_type(oids, "AS_TEXT",
                                           lambda v, cur: v)
    psycopg2.extensions.register_type(as_text, conn)
    return conn


class Stack:
    def __init__(self, name, var, env, https_port, http_port):
        self.name = name
        self.var = var
        self.env = env
        self.https_port = https_port
        self.http_port = http_port
        self.base = "https://127.0.0.1:%d" % https_port
        self.http_base = "http://127.0.0.1:%d" % http_port
        self.host = "127.0.0.1:%d" % https_port
        self.origin = self.base
        self.ca = os.path.join(var, "tls", "cert.pem")
        self.log_dir = os.path.join(var, "log")
        self.admin_email = env["SSTS_ADMIN_EMAIL"]
        self.admin_password = env["SSTS_ADMIN_PASSWORD"]
        self.started = False
        self._owner_url = None
        self._db = None
        self._db_lock = threading.Lock()

    # -- process control -------------------------------------------------
    def _run(self, *args, timeout=START_TIMEOUT):
        return subprocess.run([STACK_SH] + list(args), env=self.env, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=timeout)

    def start(self):
        try:
            p = self._run("start")
        except subprocess.TimeoutExpired as e:
            self.stop()
            raise StackError("stack.sh start timed out:\n%s" % (e.output or ""))
        self.start_output = p.stdout
        self.started = True   # stop even if start half-failed
        if p.returncode != 0:
            self.stop()
            raise StackError("stack.sh start failed (%d):\n%s"
                             % (p.returncode, p.stdout))
        return self

    def stop(self):
        with self._db_lock:
            if self._db is not None:
                self._db.close()
                self._db = None
        try:
            p = self._run("stop", timeout=90)
            self.stop_output = p.stdout
        except subprocess.TimeoutExpired:
            self.stop_output = "timeout"
        self.started = False

    # -- grey box ---------------------------------------------------------
    def owner_url(self):
        if self._owner_url is None:
            p = subprocess.run([PG_SH, "url", "owner"], env=self.env, cwd=ROOT,
                               stdout=subprocess.PIPE, text=True, check=True)
            self._owner_url = p.stdout.strip()
        return self._owner_url

    def psql(self, sql):
        """Runs SQL as the owner; returns rows as lists of strings, each
        value as the server prints it (NULL as ""), like `psql -At`."""
        if psycopg2 is None:
            return self._psql_process(sql)
        with self._db_lock:
            try:
                if self._db is None or self._db.closed:
                    self._db = _text_connection(self.owner_url())
                with self._db.cursor() as cur:
                    cur.execute(sql)
                    rows = cur.fetchall() if cur.description else []
            except psycopg2.Error as e:
                raise StackError("psql failed: %s" % e)
        return [["" if v is None else v for v in row] for row in rows]

    def _psql_process(self, sql):
        p = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\x1f",
                            "-v", "ON_ERROR_STOP=1", "-d", self.owner_url(),
                            "-c", sql],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=30)
        if p.returncode != 0:
            raise StackError("psql failed: %s" % p.stderr)
        return [line.split("\x1f") for line in p.stdout.splitlines()]

    def psql_one(self, sql):
        rows = self.psql(sql)
        return rows[0][0] if rows else None

    def secret(self, key="JWT_SECRET"):
        with open(os.path.join(self.var, "secrets.env")) as f:
            for line in f:
                k, _, v = line.strip().partition("=")
                if k == key:
                    return v
        raise KeyError(key)

    def log_text(self, pattern=None):
        """All worker and nginx logs (files in $SSTS_VAR/log), concatenated."""
        parts = []
        if os.path.isdir(self.log_dir):
            for fn in sorted(os.listdir(self.log_dir)):
                if pattern and not re.search(pattern, fn):
                    continue
                if not pattern and fn == "initdb.log":
                    continue
                path = os.path.join(self.log_dir, fn)
                if os.path.isfile(path):
                    with open(path, errors="replace") as f:
                        parts.append("==> %s\n%s" % (fn, f.read()))
        return "\n".join(parts)

    def worker_log(self):
        return self.log_text(r"^auth\.log$")

    # -- clients ----------------------------------------------------------
    def url(self, path):
        return self.base + path

    def session(self):
        s = requests.Session()
        s.verify = self.ca
        s.trust_env = False     # never a proxy
        return s


def start_stack(name, clean=True, **extra):
    """Starts a private stack named name; extra are environment overrides."""
    var = os.path.join(OUT, name, "var")
    if clean and os.path.exists(var):
        # a previous run that was killed may still have processes there
        subprocess.run([STACK_SH, "stop"], env=dict(os.environ, SSTS_VAR=var),
                       cwd=ROOT, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=90)
        shutil.rmtree(var)
    os.makedirs(var, exist_ok=True)
    https_port, http_port, pg_port = free_ports(3)
    env = dict(os.environ)
    # Whatever names another stack or its secrets is dropped; the rest
    # (SSTS_BIN, SSTS_WORKER_WRAPPER, ASAN_OPTIONS, ...) passes through.
    for k in ["SSTS_VAR", "SSTS_HTTPS_PORT", "SSTS_HTTP_PORT", "SSTS_PG_PORT",
              "SSTS_LISTEN", "SSTS_ADMIN_EMAIL", "SSTS_ADMIN_PASSWORD",
              "SSTS_AUTH_RATE", "SSTS_AUTH_BURST", "SSTS_MIGRATE_URL",
              "SSTS_EXPORT_RATE", "SSTS_EXPORT_BURST",
              "SSTS_CORS_ORIGINS", "SSTS_PRODUCTION", "SSTS_GROUPS",
              "SSTS_LOGIN_FREE_TRIES", "SSTS_LOGIN_MAX_DELAY",
              "DATABASE_URL", "JWT_SECRET", "ENCRYPTION_KEY", "UPLOAD_DIR"]:
        env.pop(k, None)
    env.update({
        "SSTS_VAR": var,
        "SSTS_HTTPS_PORT": str(https_port),
        "SSTS_HTTP_PORT": str(http_port),
        "SSTS_PG_PORT": str(pg_port),
        "SSTS_LISTEN": "127.0.0.1",
        "SSTS_ADMIN_EMAIL": ADMIN_EMAIL,
        "SSTS_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "SSTS_AUTH_RATE": "6000r/m",
        "SSTS_AUTH_BURST": "1000",
        "SSTS_EXPORT_RATE": "6000r/m",
        "SSTS_EXPORT_BURST": "1000",
        # Tests sign in wrongly on purpose, often: per-account throttling
        # is tested on stacks that pass their own limits in "extra".
        "SSTS_LOGIN_FREE_TRIES": "1000",
    })
    env.setdefault("SSTS_WORKERS", "2")
    env.update({k: str(v) for k, v in extra.items()})
    st = Stack(name, var, env, int(env["SSTS_HTTPS_PORT"]),
               int(env["SSTS_HTTP_PORT"]))
    st.start()
    return st


def wait_healthy(st, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        try:
            if requests.get(st.url("/healthz"), verify=st.ca,
                            timeout=2).status_code == 200:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.2)
    return False
