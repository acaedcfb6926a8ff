#!/usr/bin/env bash
# tests/valgrind.sh - one worker per route group under valgrind serves 1,000 requests
# through nginx (pages, API, errors, a sign-in and authenticated pages),
# then stops gracefully; fails on any valgrind error or any definite or
# indirect leak.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/tests/out/valgrind
rm -rf "$out"
mkdir -p "$out"
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
export SSTS_VAR=$out/var SSTS_WORKERS=1 SSTS_START_TIMEOUT=90
export SSTS_HTTPS_PORT=$(free_port) SSTS_HTTP_PORT=$(free_port) SSTS_PG_PORT=$(free_port)
export SSTS_AUTH_RATE=6000r/m SSTS_AUTH_BURST=1000 SSTS_EXPORT_RATE=6000r/m SSTS_EXPORT_BURST=1000
export SSTS_ADMIN_EMAIL=admin@example.com SSTS_ADMIN_PASSWORD=Valgrind-Pass1
export SSTS_WORKER_WRAPPER="/usr/bin/valgrind --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --track-origins=yes --log-file=$out/var/log/valgrind.%p.log"
trap 'bash nginx/stack.sh stop >/dev/null 2>&1 || true' EXIT
bash nginx/stack.sh start
/usr/bin/python3 - "$SSTS_HTTPS_PORT" "$SSTS_VAR/tls/cert.pem" <<'PY'
import sys, requests
port, ca = sys.argv[1], sys.argv[2]
b = f"https://127.0.0.1:{port}"
s = requests.Session(); s.verify = ca; s.trust_env = False  # REQUESTS_CA_BUNDLE would override verify
n = 0
def hit(method, path, **kw):
    global n
    r = s.request(method, b + path, allow_redirects=False, timeout=60, **kw)
    n += 1
    assert r.status_code < 500, (method, path, r.status_code)
    return r
tok = hit("POST", "/api/auth/login", json={"email": "admin@example.com", "password": "Valgrind-Pass1"}).json()["token"]
auth = {"Authorization": "Bearer " + tok}
page = requests.Session(); page.verify = ca; page.trust_env = False
r = page.get(b + "/login"); n += 1
csrf = r.text.split('name="csrf" value="')[1].split('"')[0]
r = page.post(b + "/login", data={"csrf": csrf, "email": "admin@example.com", "password": "Valgrind-Pass1"}, allow_redirects=False); n += 1
assert r.status_code == 303, r.status_code
hit("POST", "/api/auth/login", json={"email": "nobody@example.com", "password": "Wrong-Pass1"})
for i in range(115):
    hit("GET", "/api/health"); hit("GET", "/healthz"); hit("GET", "/api")
    hit("GET", "/"); hit("GET", "/login?next=/dashboard")
    hit("POST", "/api/auth/register", json={"name": "x", "email": "bad", "password": "short"})
    hit("POST", "/api/auth/register", data=b'{"a":1,"a":2}', headers={"Content-Type": "application/json"})
    hit("GET", "/no/such/page")
    r = page.get(b + "/dashboard", allow_redirects=False); n += 1
    assert r.status_code == 200, r.status_code
    hit("POST", "/api/auth/logout", headers={"Authorization": "Bearer garbage." + str(i)})
# The attachments group: a ticket, an image upload, its download, a refused
# upload and a missing file (multipart, vault, libmagic under valgrind).
import struct, zlib
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
       + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))
tid = hit("POST", "/api/tickets", headers=auth, json={"title": "vg", "description": "d"}).json()["id"]
for i in range(10):
    r = hit("POST", "/api/attachments", headers=auth, data={"ticket_id": tid},
            files={"file": ("p%d.png" % i, png, "image/png")})
    assert r.status_code == 201, r.text
    r = hit("GET", "/api/attachments/%s/download" % r.json()["id"], headers=auth)
    assert r.status_code == 200 and r.content == png
    r = hit("POST", "/api/attachments", headers=auth, data={"ticket_id": tid},
            files={"file": ("x.html", b"<html><script>x</script>", "text/html")})
    assert r.status_code == 400, r.text
    hit("GET", "/api/attachments/999999/download", headers=auth)
# The catalog group: read, create, rename, a duplicate, delete.
for i in range(5):
    hit("GET", "/api/categories"); hit("GET", "/api/priorities", headers=auth)
    c = hit("POST", "/api/categories", headers=auth, json={"name": "vg%d" % i}).json()
    hit("PATCH", "/api/categories/%d" % c["id"], headers=auth, json={"description": None, "name": "vg-%d" % i})
    r = hit("POST", "/api/categories", headers=auth, json={"name": "vg-%d" % i})
    assert r.status_code == 400, r.text
    hit("DELETE", "/api/categories/%d" % c["id"], headers=auth)
# The users and people groups: the API, a bad create, an update, a
# password reset, the admin's pages and a form post; the account group:
# the sessions list and a revocation.
for i in range(3):
    hit("GET", "/api/users", headers=auth); hit("GET", "/api/users/me", headers=auth)
    hit("GET", "/api/users/agents/list", headers=auth)
    u = hit("POST", "/api/users", headers=auth, json={"name": "Vg %d" % i, "email": "vg%d@example.com" % i, "password": "Valgrind-Pass1", "role": "agent"}).json()
    r = hit("POST", "/api/users", headers=auth, json={"name": "V", "email": "bad", "password": "x", "role": "boss"})
    assert r.status_code == 400, r.text
    hit("PATCH", "/api/users/%s" % u["id"], headers=auth, json={"role": "client", "is_active": False})
    hit("PATCH", "/api/users/%s/password" % u["id"], headers=auth, json={"password": "Valgrind-Pass2"})
    hit("GET", "/api/users/%s" % u["id"], headers=auth)
    r = page.get(b + "/admin/users?q=vg"); n += 1
    assert r.status_code == 200, r.status_code
    r = page.get(b + "/admin/users/%s" % u["id"]); n += 1
    assert r.status_code == 200, r.status_code
    form_csrf = r.text.split('name="csrf" value="')[1].split('"')[0]
    r = page.post(b + "/admin/users/%s" % u["id"], data={"csrf": form_csrf, "name": "", "email": "x"}, allow_redirects=False); n += 1
    assert r.status_code == 400, r.status_code
    tok2 = hit("POST", "/api/auth/login", json={"email": "admin@example.com", "password": "Valgrind-Pass1"}).json()["token"]
    hit("GET", "/api/auth/sessions", headers=auth)
    other = [x for x in hit("GET", "/api/auth/sessions", headers={"Authorization": "Bearer " + tok2}).json()["sessions"] if x["current"]][0]
    hit("DELETE", "/api/auth/sessions/%s" % other["id"], headers=auth)
    hit("DELETE", "/api/auth/sessions/999999", headers=auth)
# The desk group: the list with filters and a ticket's page.
for i in range(5):
    r = page.get(b + "/tickets?status=Open&sort=priority"); n += 1
    assert r.status_code == 200, r.status_code
    r = page.get(b + "/tickets/%s" % tid); n += 1
    assert r.status_code == 200, r.status_code
# The reports group's exports: filtered, refused, HEAD, the page route,
# and a client that leaves in the middle (the query is cancelled).
for i in range(60):
    hit("POST", "/api/tickets", headers=auth, json={"title": "vg export %d" % i, "description": "=x," + "d" * 20000})
for i in range(3):
    r = hit("GET", "/api/tickets/export.csv?status=Open&sort=priority&order=asc&q=vg", headers=auth)
    assert r.status_code == 200 and r.text.startswith("id,title,"), r.status_code
    r = hit("GET", "/api/tickets/export.csv", headers=auth)
    assert r.status_code == 200, r.status_code
    r = hit("GET", "/api/tickets/export.csv?status=Bogus", headers=auth)
    assert r.status_code == 400, r.status_code
    r = hit("HEAD", "/api/tickets/export.csv", headers=auth)
    assert r.status_code == 200, r.status_code
    r = page.get(b + "/tickets/export.csv?sort=updated"); n += 1
    assert r.status_code == 200, r.status_code
    r = page.get(b + "/tickets/export.csv?order=up"); n += 1
    assert r.status_code == 400, r.status_code
    r = s.get(b + "/api/tickets/export.csv", headers=auth, stream=True, timeout=60); n += 1
    next(r.iter_content(4096)); r.close()
# The audit group: the filtered list, a refused filter, the CSV export,
# the chain verifier (API and page), a ticket's trail; a client refused on
# an admin route (the gate writes that row).
ctok = hit("POST", "/api/auth/register", json={"name": "Vg Client", "email": "vgc@example.com", "password": "Valgrind-Pass1"}).json()
ctok = hit("POST", "/api/auth/login", json={"email": "vgc@example.com", "password": "Valgrind-Pass1"}).json()["token"]
for i in range(5):
    r = hit("GET", "/api/audit?limit=5&action=login_success&from=2026-01-01", headers=auth)
    assert r.status_code == 200 and r.json()["logs"], r.text
    r = hit("GET", "/api/audit?from=2026-02-30", headers=auth)
    assert r.status_code == 400, r.text
    r = hit("GET", "/api/audit/export.csv?entity_type=ticket", headers=auth)
    assert r.status_code == 200 and r.text.startswith("id,"), r.status_code
    r = hit("GET", "/api/audit/verify", headers=auth)
    assert r.json()["ok"], r.text
    hit("GET", "/api/audit/ticket/%s" % tid, headers=auth)
    r = hit("GET", "/api/users", headers={"Authorization": "Bearer " + ctok})
    assert r.status_code == 403, r.status_code
    r = page.get(b + "/admin/audit?entity_type=ticket"); n += 1
    assert r.status_code == 200, r.status_code
    form_csrf = r.text.split('name="csrf" value="')[1].split('"')[0]
    r = page.post(b + "/admin/audit/verify", data={"csrf": form_csrf}); n += 1
    assert "The chain verifies" in r.text, r.status_code
    r = page.get(b + "/admin/audit/export.csv?action=created"); n += 1
    assert r.status_code == 200, r.status_code
# The reports group: the statistics API for each role, its refusals, and
# the dashboard of a client without tickets and with one.
cauth = {"Authorization": "Bearer " + ctok}
for i in range(3):
    hit("GET", "/api/statistics/dashboard", headers=auth)
    hit("GET", "/api/statistics/dashboard", headers=cauth)
    for q in ["", "?days=7", "?days=365"]:
        assert hit("GET", "/api/statistics/trends" + q, headers=auth).status_code == 200
    for q in ["?days=abc", "?days=1&days=2"]:
        assert hit("GET", "/api/statistics/trends" + q, headers=auth).status_code == 400
    assert hit("GET", "/api/statistics/trends", headers=cauth).status_code == 403
    assert hit("GET", "/api/statistics/dashboard").status_code == 401
cpage = requests.Session(); cpage.verify = ca; cpage.trust_env = False
r = cpage.get(b + "/login"); n += 1
c_csrf = r.text.split('name="csrf" value="')[1].split('"')[0]
r = cpage.post(b + "/login", data={"csrf": c_csrf, "email": "vgc@example.com", "password": "Valgrind-Pass1"}, allow_redirects=False); n += 1
assert r.status_code == 303, r.status_code
r = cpage.get(b + "/dashboard"); n += 1
assert r.status_code == 200 and "No tickets yet" in r.text, r.status_code
hit("POST", "/api/tickets", headers=cauth, json={"title": "vg client", "description": "d"})
r = cpage.get(b + "/dashboard"); n += 1
assert r.status_code == 200 and "<svg" in r.text, r.status_code
# The mfa group: set-up, a wrong and a right code, sign-in with a code and
# with a recovery code, a replay, disable; the auth group's throttle path.
import base64, hashlib, hmac, struct, time
def totp(secret, t):
    key = base64.b32decode(secret)
    mac = hmac.new(key, struct.pack(">Q", int(t) // 30), hashlib.sha1).digest()
    o = mac[-1] & 15
    return "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7fffffff) % 1000000)
cred = {"email": "admin@example.com", "password": "Valgrind-Pass1"}
sec = hit("POST", "/api/auth/mfa/setup", headers=auth).json()["secret"]
r = page.get(b + "/security"); n += 1     # shows the QR code
assert r.status_code == 200 and "<svg" in r.text, r.status_code
hit("POST", "/api/auth/mfa/enable", headers=auth, json={"token": "12345"})
codes = hit("POST", "/api/auth/mfa/enable", headers=auth, json={"token": totp(sec, time.time())}).json()["recovery_codes"]
r = hit("POST", "/api/auth/login", json=cred)
assert r.status_code == 403 and r.json()["mfaRequired"], r.text
r = hit("POST", "/api/auth/login", json=dict(cred, mfaToken=totp(sec, time.time() + 30)))
assert r.status_code == 200, r.text
r = hit("POST", "/api/auth/login", json=dict(cred, mfaToken=totp(sec, time.time() + 30)))
assert r.status_code == 401, r.text
r = hit("POST", "/api/auth/login", json=dict(cred, mfaToken=codes[0]))
assert r.status_code == 200, r.text
r = hit("POST", "/api/auth/mfa/disable", headers=auth, json={"password": "Valgrind-Pass1", "mfaToken": codes[1]})
assert r.status_code == 200, r.text
assert n >= 1000, n
print("requests:", n)
PY
bash nginx/stack.sh stop
trap - EXIT
groups="auth tickets desk attachments catalog users people account mfa reports audit"
served=0
for g in $groups; do
	c=$(grep -c ' status=' "$out/var/log/$g.log" || true)
	[ "$c" -gt 0 ] || { echo "valgrind: route group $g served no request"; exit 1; }
	served=$((served + c))
done
echo "requests served by the workers under valgrind: $served"
[ "$served" -ge 1000 ] || { echo "valgrind: the workers served fewer than 1,000 requests"; exit 1; }
logs=$(ls "$out"/var/log/valgrind.*.log 2>/dev/null | xargs grep -lE "cgi-bin/(${groups// /|})" 2>/dev/null || true)
[ -n "$logs" ] || { echo "valgrind: no log of the worker"; exit 1; }
bad=0
for f in $logs; do
	grep -q 'ERROR SUMMARY: 0 errors' "$f" || bad=1
	if grep -qE '(definitely|indirectly) lost: [1-9]' "$f"; then bad=1; fi
	grep -E 'ERROR SUMMARY|definitely lost|indirectly lost|in use at exit' "$f" || true
done
[ $bad -eq 0 ] && echo "valgrind... ok" || { cat $logs | tail -80; echo "valgrind... FAIL"; exit 1; }
