"""`make install` into a prefix: the programs, templates, static files,
migrations, scripts, nginx site and systemd units are where the units
say; the units verify (systemd-analyze); the site renders for a host name
and passes `nginx -t` inside Debian's own nginx.conf; the installed
workers refuse missing or weak secrets with a clear line."""
import os
import shutil
import subprocess

import pytest

from faultlib import stackmod

ROOT = stackmod.ROOT
GROUPS = ["account", "attachments", "audit", "auth", "catalog", "desk", "mfa",
          "people", "reports", "tickets", "users"]


@pytest.fixture(scope="module")
def prefix(tmp_path_factory):
    p = str(tmp_path_factory.mktemp("install") / "usr")
    r = subprocess.run(["make", "--no-print-directory", "install",
                        "PREFIX=" + p], cwd=ROOT, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    assert r.returncode == 0, r.stdout[-3000:]
    return p


def test_tree(prefix):
    for g in GROUPS:
        assert os.access(os.path.join(prefix, "libexec/ssts", g), os.X_OK)
    assert os.access(os.path.join(prefix, "sbin/sstsctl"), os.X_OK)
    share = os.path.join(prefix, "share/ssts")
    assert sorted(os.listdir(os.path.join(share, "templates"))) == \
        sorted(os.listdir(os.path.join(ROOT, "templates")))
    assert os.path.isfile(os.path.join(share, "static/ssts.css"))
    migrations = sorted(f for f in os.listdir(os.path.join(ROOT, "sql"))
                        if f[:3].isdigit())
    assert sorted(f for f in os.listdir(os.path.join(share, "sql"))
                  if f[:3].isdigit()) == migrations
    for s in ("sql/migrate.sh", "sql/backup.sh", "sql/restore.sh",
              "nginx/site.sh"):
        assert os.access(os.path.join(share, s), os.X_OK), s
    units = os.path.join(prefix, "lib/systemd/system")
    text = "".join(open(os.path.join(units, u)).read()
                   for u in os.listdir(units))
    assert "@" + "SHARE@" not in text and "@" + "LIBEXEC@" not in text
    assert os.path.join(prefix, "libexec/ssts") + "/%i" in text
    for g in GROUPS:
        assert "ssts@%s.socket" % g in text


@pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                    reason="systemd-analyze is not installed")
def test_units_verify(prefix):
    units = os.path.join(prefix, "lib/systemd/system")
    paths = [os.path.join(units, u) for u in
             ("ssts@auth.socket", "ssts@auth.service",
              "ssts-migrate.service", "ssts.target")]
    # the instance files name the template's file
    os.symlink("ssts@.socket", paths[0])
    os.symlink("ssts@.service", paths[1])
    r = subprocess.run(["systemd-analyze", "verify"] + paths,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, cwd=units)
    ours = [line for line in r.stdout.splitlines() if "ssts" in line]
    assert ours == [], r.stdout


def test_site_passes_nginx_t_inside_debians_config(prefix, tmp_path):
    cert, key = str(tmp_path / "cert.pem"), str(tmp_path / "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                    "-subj", "/CN=helpdesk.example.test", "-keyout", key,
                    "-out", cert], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    logs = tmp_path / "log"
    logs.mkdir()
    site = subprocess.run(
        [os.path.join(prefix, "share/ssts/nginx/site.sh"), "--host",
         "helpdesk.example.test", "--cert", cert, "--key", key, "--log",
         str(logs)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    assert site.returncode == 0, site.stderr
    assert "server_name helpdesk.example.test;" in site.stdout
    assert "listen [::]:443 ssl http2;" in site.stdout
    assert "unix:/run/ssts/tickets.sock" in site.stdout
    assert "alias %s/share/ssts/static/;" % prefix in site.stdout
    confd = tmp_path / "conf.d"
    confd.mkdir()
    (confd / "ssts.conf").write_text(site.stdout)
    # Debian's nginx.conf, including our conf.d instead of its own
    main = open("/etc/nginx/nginx.conf").read()
    assert "include /etc/nginx/conf.d/*.conf;" in main
    main = main.replace("include /etc/nginx/conf.d/*.conf;",
                        "include %s/*.conf;" % confd)
    main = main.replace("include /etc/nginx/sites-enabled/*;", "")
    main = main.replace("pid /run/nginx.pid;", "pid %s/nginx.pid;" % tmp_path)
    (tmp_path / "nginx.conf").write_text(main)
    t = subprocess.run(["/usr/sbin/nginx", "-t", "-c",
                        str(tmp_path / "nginx.conf")],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    assert t.returncode == 0, t.stdout
    assert "[warn]" not in t.stdout and "[emerg]" not in t.stdout, t.stdout


@pytest.mark.parametrize("bad", ["", "host name", "-x", "a;b"])
def test_site_refuses_bad_host(prefix, bad):
    r = subprocess.run([os.path.join(prefix, "share/ssts/nginx/site.sh"),
                        "--host", bad, "--cert", "/c", "--key", "/k"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    assert r.returncode != 0 and "--host" in r.stderr and r.stdout == ""


SECRET = "Zk3pQ9wLx7Vb2Nc8Rt5Yh1Jm4Gd6Fs0Ae-Ku_Wo"
KEY = "5f1c9a7e3b2d4c6a8e0f1b3d5c7a9e2f4b6d8c0a1e3f5b7d9c2a4e6f8b0d1c3e"


@pytest.mark.parametrize("env,says", [
    ({}, "JWT_SECRET must be 32 to 128 characters"),
    ({"JWT_SECRET": "short"}, "JWT_SECRET must be 32 to 128 characters"),
    ({"JWT_SECRET": SECRET}, "ENCRYPTION_KEY must be 64 hex digits"),
    ({"JWT_SECRET": SECRET, "ENCRYPTION_KEY": "zz" * 32},
     "ENCRYPTION_KEY must be 64 hex digits"),
    ({"JWT_SECRET": "a" * 40, "ENCRYPTION_KEY": KEY,
      "SSTS_PRODUCTION": "1"}, "weak secrets refused in production"),
    ({"JWT_SECRET": SECRET, "ENCRYPTION_KEY": "0" * 64,
      "SSTS_PRODUCTION": "1"}, "weak secrets refused in production"),
])
def test_workers_refuse_bad_secrets(prefix, env, says):
    for g in ("tickets", "auth"):
        r = subprocess.run([os.path.join(prefix, "libexec/ssts", g)],
                           env=dict(env, PATH="/usr/bin:/bin"),
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=30)
        assert r.returncode != 0
        assert "%s: %s" % (g, says) in r.stderr, r.stderr
