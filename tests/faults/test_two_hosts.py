"""More than one machine: two application hosts and one database host as
network namespaces on this machine (veth pairs on a bridge, 10.231.77.0/24),
nginx in the root namespace balancing each route group's FastCGI over TCP
across both application hosts (nginx/site.sh --apps).  Under a steady
load, every process of one application host is killed: the service goes
on through the other (at most the requests in flight fail; keyed writes
are retried), nothing acknowledged is lost, and when the host comes back
it takes requests again.

The uploads directory is shared by both hosts (on real machines: a shared
file system such as NFS, see README "More than one machine"); PostgreSQL
listens on the database host's address only, for the application role
with a password (scram-sha-256).  Needs root (ip netns); skipped without.
"""
import os
import secrets
import shutil
import signal
import subprocess
import time

import pytest

from faultlib import Load, Probe, check, report, scaled, stackmod

ROOT = stackmod.ROOT
NET = "10.231.77"
BR = "ssts-t-br"
HOSTS = {"db": NET + ".2", "a1": NET + ".11", "a2": NET + ".12"}
GROUPS = ("auth tickets desk attachments catalog users people account mfa "
          "reports audit").split()
BASE_PORT = 9000


def sh(*args, check=True, **kw):
    return subprocess.run(list(args), check=check, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, **kw)


def ns(host):
    return "ssts-t-" + host


def in_ns(host, *args):
    return ["ip", "netns", "exec", ns(host)] + list(args)


def net_down():
    for h in HOSTS:
        pids = sh("ip", "netns", "pids", ns(h), check=False).stdout.split()
        for p in pids:
            try:
                os.kill(int(p), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
        sh("ip", "netns", "del", ns(h), check=False)
        sh("ip", "link", "del", "v-" + h, check=False)
    sh("ip", "link", "del", BR, check=False)


def net_up():
    net_down()
    sh("ip", "link", "add", BR, "type", "bridge")
    sh("ip", "addr", "add", NET + ".1/24", "dev", BR)
    sh("ip", "link", "set", BR, "up")
    for h, addr in HOSTS.items():
        sh("ip", "netns", "add", ns(h))
        sh("ip", "link", "add", "v-" + h, "type", "veth", "peer", "name",
           "p-" + h)
        sh("ip", "link", "set", "p-" + h, "netns", ns(h))
        sh(*in_ns(h, "ip", "link", "set", "p-" + h, "name", "eth0"))
        sh(*in_ns(h, "ip", "addr", "add", addr + "/24", "dev", "eth0"))
        sh(*in_ns(h, "ip", "link", "set", "eth0", "up"))
        sh(*in_ns(h, "ip", "link", "set", "lo", "up"))
        sh("ip", "link", "set", "v-" + h, "master", BR, "up")


class Hosts:
    """The three hosts, nginx, and a Stack-like handle for the checker."""

    def __init__(self, name):
        self.var = os.path.join(stackmod.OUT, name, "var")
        if os.path.exists(self.var):
            shutil.rmtree(self.var)
        for d in ("log", "run", "uploads", "nginx", "tls"):
            os.makedirs(os.path.join(self.var, d), exist_ok=True)
        https_port, http_port = stackmod.free_ports(2)
        self.jwt = secrets.token_urlsafe(48)
        self.key = secrets.token_hex(32)
        self.app_pw = secrets.token_hex(16)
        self.env = dict(os.environ, SSTS_VAR=self.var, SSTS_PG_PORT="5432",
                        SSTS_ADMIN_EMAIL=stackmod.ADMIN_EMAIL,
                        SSTS_ADMIN_PASSWORD=stackmod.ADMIN_PASSWORD,
                        JWT_SECRET=self.jwt, ENCRYPTION_KEY=self.key)
        self.st = stackmod.Stack(name, self.var, self.env, https_port,
                                 http_port)
        self.workers = {}
        self.nginx = None

    def pg(self, *args):
        return sh(*in_ns("db", stackmod.PG_SH, *args), env=self.env)

    def start_db(self):
        self.pg("start")
        owner = self.st.owner_url()
        sh(os.path.join(ROOT, "sql", "migrate.sh"),
           env=dict(self.env, SSTS_MIGRATE_URL=owner))
        self.st.psql("ALTER ROLE ssts_app PASSWORD '%s'" % self.app_pw)
        self.st.psql("ALTER SYSTEM SET listen_addresses = '%s'"
                     % HOSTS["db"])
        hba = os.path.join(self.var, "pg", "pg_hba.conf")
        sh("sh", "-c", "echo 'host ssts ssts_app %s.0/24 scram-sha-256'"
           " >> %s" % (NET, hba))
        self.st._db = None
        self.pg("stop")
        self.pg("start")

    def worker_env(self):
        return ["PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8",
                "TZ=UTC", "HOME=" + self.var,
                "DATABASE_URL=postgresql://ssts_app:%s@%s:5432/ssts"
                % (self.app_pw, HOSTS["db"]),
                "JWT_SECRET=" + self.jwt, "ENCRYPTION_KEY=" + self.key,
                "SSTS_ROOT=" + ROOT, "SSTS_VAR=" + self.var,
                "UPLOAD_DIR=" + os.path.join(self.var, "uploads"),
                # only nginx's address may speak FastCGI to a worker
                "FCGI_WEB_SERVER_ADDRS=" + NET + ".1"]

    def start_app(self, host):
        bins = os.environ.get("SSTS_BIN") or os.path.join(ROOT, "build",
                                                          "cgi-bin")
        procs = []
        for k, g in enumerate(GROUPS, 1):
            log = open(os.path.join(self.var, "log", "%s-%s.log" % (g, host)),
                       "a")
            procs.append(subprocess.Popen(
                in_ns(host, "setpriv", "--reuid=ssts", "--regid=ssts",
                      "--init-groups", "env", "-i", *self.worker_env(),
                      "spawn-fcgi", "-n", "-a", HOSTS[host], "-p",
                      str(BASE_PORT + k), "--", "/usr/bin/multiwatch", "-f", "2",
                      "-r", "1000000", "-t", "1000", "--",
                      os.path.join(bins, g)),
                stdout=log, stderr=subprocess.STDOUT))
        self.workers[host] = procs

    def stop_app(self, host):
        """Every process of the host at once, as if it lost power."""
        pids = sh("ip", "netns", "pids", ns(host), check=False).stdout.split()
        for p in pids:
            try:
                os.kill(int(p), signal.SIGKILL)
            except ProcessLookupError:
                pass
        for p in self.workers.pop(host, []):
            p.wait(10)
        return len(pids)

    def start_nginx(self):
        tls = os.path.join(self.var, "tls")
        sh("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
           "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj",
           "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
           "-keyout", os.path.join(tls, "key.pem"), "-out",
           os.path.join(tls, "cert.pem"))
        site = sh(os.path.join(ROOT, "nginx", "site.sh"), "--host",
                  "localhost", "--cert", os.path.join(tls, "cert.pem"),
                  "--key", os.path.join(tls, "key.pem"), "--root", ROOT,
                  "--log", os.path.join(self.var, "log"), "--listen",
                  "127.0.0.1", "--ports", "%d,%d" % (self.st.https_port,
                                                     self.st.http_port),
                  "--apps", "%s,%s" % (HOSTS["a1"], HOSTS["a2"]),
                  "--base-port", str(BASE_PORT), "--auth-rate", "6000r/m",
                  "--auth-burst", "1000").stdout
        ngx = os.path.join(self.var, "nginx")
        open(os.path.join(ngx, "site.conf"), "w").write(site)
        main = open(os.path.join(ROOT, "nginx", "nginx.conf.in")).read()
        open(os.path.join(ngx, "nginx.conf"), "w").write(
            main.replace("@VAR@", self.var))
        sh("chown", "-R", "ssts:ssts", self.var)
        self.nginx = subprocess.Popen(
            ["setpriv", "--reuid=ssts", "--regid=ssts", "--init-groups",
             "/usr/sbin/nginx", "-p", ngx, "-c",
             os.path.join(ngx, "nginx.conf")],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

    def wait_healthy(self, timeout=20):
        assert stackmod.wait_healthy(self.st, timeout), \
            self.st.log_text()[-3000:]

    def bootstrap_admin(self):
        sh(*in_ns("a1", "env", "-i", *self.worker_env(),
                  "SSTS_ADMIN_EMAIL=" + stackmod.ADMIN_EMAIL,
                  "SSTS_ADMIN_PASSWORD=" + stackmod.ADMIN_PASSWORD,
                  os.path.join(ROOT, "build", "cgi-bin", "sstsctl"),
                  "bootstrap-admin"))

    def stop(self):
        if self.nginx is not None:
            self.nginx.terminate()
            self.nginx.wait(10)
        for h in list(self.workers):
            self.stop_app(h)
        self.st._db = None
        self.pg("stop")


@pytest.fixture(scope="module")
def hosts():
    if os.geteuid() != 0 or shutil.which("ip") is None:
        pytest.skip("needs root and iproute2 (ip netns)")
    try:
        net_up()
    except subprocess.CalledProcessError as e:
        net_down()
        pytest.skip("cannot make network namespaces here: %s" % e.stdout)
    h = Hosts("faults-two-hosts")
    try:
        h.start_db()
        h.bootstrap_admin()
        h.start_app("a1")
        h.start_app("a2")
        h.start_nginx()
        h.wait_healthy()
        yield h
    finally:
        h.stop()
        net_down()


def served_by(h):
    """Requests each application host's workers logged so far."""
    n = {}
    for host in ("a1", "a2"):
        n[host] = 0
        for g in GROUPS:
            p = os.path.join(h.var, "log", "%s-%s.log" % (g, host))
            if os.path.exists(p):
                n[host] += sum(" status=" in line for line in open(p))
    return n


def test_database_is_only_on_its_host(hosts):
    """PostgreSQL answers on the database host's address, not on this
    machine's loopback; the workers reach it over the network."""
    r = sh("psql", "-X", "-At", "-h", "127.0.0.1", "-p", "5432", "-d",
           "ssts", "-U", "ssts_app", "-c", "SELECT 1", check=False,
           env=dict(os.environ, PGCONNECT_TIMEOUT="2",
                    PGPASSWORD=hosts.app_pw))
    assert r.returncode != 0
    r = sh(*in_ns("a2", "psql", "-X", "-At", "-d", "postgresql://ssts_app:"
                  "%s@%s:5432/ssts" % (hosts.app_pw, HOSTS["db"]), "-c",
                  "SELECT count(*) FROM pg_stat_activity WHERE client_addr"
                  " IN ('%s', '%s')" % (HOSTS["a1"], HOSTS["a2"])))
    assert int(r.stdout.strip()) >= 2


def test_one_app_host_stopped_under_load(hosts):
    st = hosts.st
    load = Load(st).start()
    probe = Probe(st).start()
    time.sleep(scaled(4, 30))
    killed = hosts.stop_app("a1")
    t_kill = time.time()
    before = served_by(hosts)   # a dead host's log grows no more
    assert before["a1"] > 0 and before["a2"] > 0, before
    time.sleep(scaled(6, 60))
    during = served_by(hosts)
    hosts.start_app("a1")
    time.sleep(scaled(6, 30))
    after = served_by(hosts)
    probe.stop()
    load.stop()
    got = check(st, load)
    report("two hosts, one stopped", load, "; %d processes killed" % killed)
    assert got["lost"] == got["duplicates"] == got["corrupt"] == 0
    assert got["acked"] > 0
    # the other host carried everything while the first was down ...
    assert during["a2"] > before["a2"] and during["a1"] == before["a1"]
    # ... at most the requests in flight on the stopped host failed ...
    assert load.failed() <= 2 * len(GROUPS), load.failures
    bad = [x for x in probe.samples if x[1] != 200]
    assert len(bad) <= 1, bad
    assert all(x[0] < t_kill + 1 for x in bad), bad
    # ... and the host took requests again when it came back
    assert after["a1"] > during["a1"], (during, after)
