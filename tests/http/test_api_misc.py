"""Misc API routes, the gate's input handling (400/405/413/415), nginx's
own answers (404, 301, 405, 413), headers on every kind of response, TLS
versions, and that the workers survive all of it."""
import datetime
import http.client
import json
import re
import socket
import ssl

import pytest
import requests

from conftest import assert_security_headers

JSON_CT = "application/json; charset=utf-8"
LEAK_RE = re.compile(r"/work/|/usr/|\.c:\d|postgres|psql|SQL|ERROR:|"
                     r"syntax|relation |violates|pg_|libpq|fcgi|"
                     r"Traceback|nginx/\d", re.I)
ERROR_BODIES = []


def record(r):
    ERROR_BODIES.append((r.request.method, r.url, r.status_code, r.text))
    return r


def raw(st, method, path, body=b"", headers=None):
    h = {"Content-Type": "application/json"}
    h.update(headers or {})
    return record(st.session().request(method, st.url(path), data=body,
                                       headers=h, allow_redirects=False,
                                       timeout=15))


class RawResponse:
    def __init__(self, method, url, resp):
        self.status_code = resp.status
        self.headers = requests.structures.CaseInsensitiveDict(resp.getheaders())
        self.content = resp.read()
        self.text = self.content.decode("utf-8", "replace")
        self.url = url
        self.request = type("Req", (), {"method": method})

    def json(self):
        return json.loads(self.text)


def get_raw(st, path, method="GET"):
    """A request sent byte for byte (requests/urllib3 re-quote %zz)."""
    ctx = ssl.create_default_context(cafile=st.ca)
    c = http.client.HTTPSConnection("127.0.0.1", st.https_port, context=ctx,
                                    timeout=15)
    try:
        c.request(method, path)
        return RawResponse(method, st.url(path), c.getresponse())
    finally:
        c.close()


def assert_json_error(r, status, message=None):
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["Content-Type"] == JSON_CT, r.headers["Content-Type"]
    j = r.json()
    assert set(j) == {"error"}, j
    if message is not None:
        assert j["error"] == message
    assert_security_headers(r)


def assert_html_error(r, status):
    assert r.status_code == status, (r.status_code, r.text[:300])
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<link rel="stylesheet" href="/static/ssts.css">' in r.text
    assert "<center>nginx</center>" not in r.text
    assert_security_headers(r)


# ------------------------------------------------------------ happy routes

def test_api_info(stack):
    r = stack.session().get(stack.url("/api"), timeout=15)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == JSON_CT
    assert r.headers["Cache-Control"] == "no-store"
    assert r.json() == {
        "message": "Support Ticket System API", "version": "2.0.0",
        "status": "running",
        "endpoints": {"auth": "/api/auth", "attachments": "/api/attachments",
                      "users": "/api/users", "categories": "/api/categories",
                      "priorities": "/api/priorities", "tickets": "/api/tickets",
                      "statistics": "/api/statistics", "audit": "/api/audit",
                      "health": "/api/health"}}
    assert_security_headers(r)


def test_api_health(stack):
    r = stack.session().get(stack.url("/api/health"), timeout=15)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == JSON_CT
    assert r.headers["Cache-Control"] == "no-store"
    j = r.json()
    assert set(j) == {"status", "message", "timestamp"}
    assert j["status"] == "ok" and j["message"] == "Server is running"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", j["timestamp"])
    t = datetime.datetime.strptime(j["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ")
    now = datetime.datetime.utcnow()
    assert abs((now - t).total_seconds()) < 60
    assert_security_headers(r)


def test_healthz(stack):
    r = stack.session().get(stack.url("/healthz"), timeout=15)
    assert r.status_code == 200
    assert r.text == "ok\n"
    assert r.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert r.headers["Cache-Control"] == "no-store"
    assert_security_headers(r)


def test_head_requests(stack):
    r = stack.session().head(stack.url("/api/health"), timeout=15)
    assert r.status_code == 200 and r.content == b""
    r = stack.session().head(stack.url("/"), timeout=15)
    assert r.status_code == 200 and r.content == b""


def test_json_minimal_without_cookies(stack):
    r = stack.session().get(stack.url("/api/health"), timeout=15)
    # the API does not hand out page cookies
    assert "__Host-ssts" not in r.headers.get("Set-Cookie", "")


# ------------------------------------------------------------ 404 / 405

@pytest.mark.parametrize("path", ["/api/nope", "/api/userz/me", "/api/",
                                  "/api/ticketsx", "/api/tickets/1/nope",
                                  "/api/auth/../nope"])
def test_unknown_api_route_404_json(stack, path):
    r = record(stack.session().get(stack.url(path), allow_redirects=False,
                                   timeout=15))
    assert_json_error(r, 404, "Not found")


def test_unknown_api_auth_route_404_json(stack):
    r = record(stack.session().get(stack.url("/api/auth/nope"), timeout=15))
    assert_json_error(r, 404, "Not found")


@pytest.mark.parametrize("method,path", [("GET", "/api/auth/login"),
                                         ("DELETE", "/api/auth/register"),
                                         ("PATCH", "/api/auth/logout"),
                                         ("POST", "/api/health")])
def test_wrong_method_api_405_json(stack, method, path):
    r = raw(stack, method, path, b"{}" if method != "GET" else b"")
    assert_json_error(r, 405, "Method not allowed")


def test_wrong_method_page_405_html(stack):
    r = record(stack.session().delete(stack.url("/login"), timeout=15))
    assert_html_error(r, 405)


@pytest.mark.parametrize("path", ["/", "/login", "/nope"])
def test_trace_405_html(stack, path):
    r = record(stack.session().request("TRACE", stack.url(path), timeout=15))
    assert_html_error(r, 405)


@pytest.mark.parametrize("path", ["/api/health", "/api/nope", "/api/auth/login"])
def test_trace_405_json_on_api(stack, path):
    r = record(stack.session().request("TRACE", stack.url(path), timeout=15))
    assert_json_error(r, 405)


def test_put_405(stack):
    r = record(stack.session().put(stack.url("/api/auth/login"), json={},
                                   timeout=15))
    assert r.status_code == 405
    assert_security_headers(r)


@pytest.mark.parametrize("path", ["/.git/HEAD", "/.env", "/static/.htaccess",
                                  "/cgi-bin/auth", "/sql/001_schema.sql",
                                  "/secrets.env", "/var/secrets.env",
                                  "/static/../nginx/stack.sh",
                                  "/static/%2e%2e/nginx/stack.sh",
                                  "/api/%2e%2e/etc/passwd",
                                  "/static/..%2fnginx/stack.sh"])
def test_hidden_and_source_paths_404(stack, path):
    r = record(requests.get(stack.url(path), verify=stack.ca, timeout=15,
                            allow_redirects=False))
    assert r.status_code in (400, 404), (path, r.status_code)
    assert "JWT_SECRET" not in r.text and "#!/" not in r.text


def test_unknown_page_404_html(stack):
    r = record(stack.session().get(stack.url("/nope"), timeout=15))
    assert_html_error(r, 404)


# ------------------------------------------------------------ bodies

def test_malformed_json_400(stack):
    r = raw(stack, "POST", "/api/auth/login", b'{"email":')
    assert_json_error(r, 400, "Malformed request body")
    r = raw(stack, "POST", "/api/auth/login", b'{"email":"a@b.co",}')
    assert_json_error(r, 400, "Malformed request body")
    r = raw(stack, "POST", "/api/auth/login", b'{"email":"a@b.co"} x')
    assert_json_error(r, 400, "Malformed request body")


def test_duplicate_json_keys_400(stack):
    r = raw(stack, "POST", "/api/auth/login",
            b'{"email":"a@example.com","email":"b@example.com","password":"x"}')
    assert_json_error(r, 400, "Duplicate key in request body")
    r = raw(stack, "POST", "/api/auth/register",
            b'{"name":"Dup Key","email":"dup@example.com","password":"Aa1aaaaaa",'
            b'"role":"client","role":"admin"}')
    assert_json_error(r, 400, "Duplicate key in request body")


def test_duplicate_form_keys_400(stack):
    r = record(stack.session().post(
        stack.url("/api/auth/login"),
        data="email=a%40example.com&email=b%40example.com&password=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=15))
    assert r.status_code == 400
    assert r.headers["Content-Type"] == JSON_CT
    assert r.json()["error"] in ("Validation failed",
                                 "Duplicate key in request body")


def test_invalid_utf8_json_400(stack):
    r = raw(stack, "POST", "/api/auth/login",
            b'{"email":"\xff\xfe@example.com","password":"x"}')
    assert r.status_code == 400, r.text
    assert r.headers["Content-Type"] == JSON_CT
    r = raw(stack, "POST", "/api/auth/login",
            b'{"email":"a@example.com","password":"\xed\xa0\x80Aa1aaaaa"}')
    assert r.status_code == 400, r.text
    r = raw(stack, "POST", "/api/auth/login",
            b'{"email":"a@example.com","password":"\\ud800Aa1aaaaa"}')
    assert r.status_code == 400, r.text
    r = raw(stack, "POST", "/api/auth/login",
            b'{"email":"a@example.com\\u0000x","password":"Aa1aaaaa"}')
    assert r.status_code == 400, r.text


def test_invalid_utf8_form_value_400(stack):
    r = record(stack.session().post(
        stack.url("/api/auth/login"), data="email=%FF%FE%40example.com&password=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=15))
    assert r.status_code == 400, r.text
    assert r.json() == {"error": "Validation failed", "details": [
        {"path": "email", "msg": "must be valid UTF-8 text"}]}
    r = record(stack.session().post(
        stack.url("/api/auth/login"), data="email=a%40example.com&password=%C0%AF",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=15))
    assert r.status_code == 400
    assert r.json()["details"] == [{"path": "password",
                                    "msg": "must be valid UTF-8 text"}]


def test_bad_percent_escape_400(stack):
    r = record(stack.session().post(
        stack.url("/api/auth/login"), data="email=%zz&password=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=15))
    assert_json_error(r, 400, "Malformed request body")
    r = record(get_raw(stack, "/api/health?x=%zz"))
    assert_json_error(r, 400, "Malformed query string")


@pytest.mark.parametrize("ctype", ["text/plain", "application/xml",
                                   "multipart/form-data; boundary=x", None])
def test_unsupported_content_type_415(stack, ctype):
    h = {"Content-Type": ctype} if ctype else {}
    r = record(stack.session().post(
        stack.url("/api/auth/login"),
        data=b'{"email":"a@example.com","password":"x"}', headers=h,
        timeout=15))
    if ctype is None:
        # requests sends no Content-Type for raw bytes
        assert "Content-Type" not in r.request.headers
    assert_json_error(r, 415, "Unsupported content type")


def test_too_many_parameters_400(stack):
    body = "&".join("k%d=v" % i for i in range(200))
    r = record(stack.session().post(
        stack.url("/api/auth/login"), data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=15))
    assert_json_error(r, 400)


def _big_post(st, path, n=1024 * 1024 + 10):
    body = b"a=" + b"x" * n
    try:
        return record(st.session().post(
            st.url(path), data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            timeout=30))
    except requests.ConnectionError as e:
        pytest.fail("connection dropped instead of a 413: %s" % e)


def test_body_over_cap_413_json_on_api(stack):
    r = _big_post(stack, "/api/auth/login")
    assert_json_error(r, 413, "Request entity too large")


def test_body_over_cap_413_html_on_pages(stack):
    r = _big_post(stack, "/login")
    assert_html_error(r, 413)


def test_huge_header_rejected_cleanly(stack):
    r = record(stack.session().get(stack.url("/api/health"),
                                   headers={"X-Big": "x" * 20000}, timeout=15))
    assert r.status_code in (400, 431), r.status_code
    assert_security_headers(r)


def test_conflicting_length_and_chunked_400(stack):
    req = ("POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
           "Content-Type: application/json\r\nContent-Length: 4\r\n"
           "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n").encode()
    ctx = ssl.create_default_context(cafile=stack.ca)
    with socket.create_connection(("127.0.0.1", stack.https_port), 10) as s:
        with ctx.wrap_socket(s, server_hostname="127.0.0.1") as t:
            t.sendall(req)
            data = t.recv(4096)
    assert data.startswith(b"HTTP/1.1 400"), data[:100]


# ------------------------------------------------------------ headers

def test_security_headers_everywhere(stack, client_user):
    s = stack.session()
    rs = [
        s.get(stack.url("/"), timeout=15),
        s.get(stack.url("/login"), timeout=15),
        s.get(stack.url("/dashboard"), allow_redirects=False, timeout=15),
        s.get(stack.url("/api"), timeout=15),
        s.get(stack.url("/api/nope"), timeout=15),
        s.get(stack.url("/nope"), timeout=15),
        s.post(stack.url("/api/auth/logout"), timeout=15),
        s.post(stack.url("/api/auth/login"), json={"email": "x"}, timeout=15),
        s.post(stack.url("/login"), data={"email": "x"}, timeout=15),
        s.get(stack.url("/static/ssts.css"), timeout=15),
    ]
    for r in rs:
        assert_security_headers(r)


def test_cache_control_no_store_on_dynamic(stack):
    s = stack.session()
    for path in ["/", "/login", "/register", "/api", "/api/health", "/healthz"]:
        r = s.get(stack.url(path), allow_redirects=False, timeout=15)
        assert r.headers.get("Cache-Control") == "no-store", path
    r = s.get(stack.url("/dashboard"), allow_redirects=False, timeout=15)
    assert r.status_code == 303 and r.headers["Cache-Control"] == "no-store"
    r = s.post(stack.url("/api/auth/login"), json={}, timeout=15)
    assert r.headers.get("Cache-Control") == "no-store"


def test_no_server_version(stack):
    r = stack.session().get(stack.url("/"), timeout=15)
    assert r.headers.get("Server", "") in ("", "nginx")
    assert "X-Powered-By" not in r.headers


def test_no_cors_for_foreign_origin(stack):
    for origin in ["https://evil.example", "null"]:
        r = stack.session().get(stack.url("/api/health"),
                                headers={"Origin": origin}, timeout=15)
        assert "Access-Control-Allow-Origin" not in r.headers
        assert "Access-Control-Allow-Credentials" not in r.headers


# ------------------------------------------------------------ transport

def test_http_redirects_to_https(stack):
    r = requests.get(stack.http_base + "/login?next=/dashboard",
                     allow_redirects=False, timeout=15)
    assert r.status_code == 301
    assert r.headers["Location"] == "https://127.0.0.1:%d/login?next=/dashboard" \
        % stack.https_port
    r = requests.post(stack.http_base + "/api/auth/login", json={},
                      allow_redirects=False, timeout=15)
    assert r.status_code == 301
    assert r.headers["Location"].startswith("https://")


def _handshake(stack, minv=None, maxv=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(stack.ca)
    ctx.set_ciphers("ALL:@SECLEVEL=0")
    if minv:
        ctx.minimum_version = minv
    if maxv:
        ctx.maximum_version = maxv
    with socket.create_connection(("127.0.0.1", stack.https_port), 10) as s:
        with ctx.wrap_socket(s, server_hostname="127.0.0.1") as t:
            return t.version()


def test_tls12_and_13_accepted(stack):
    v = ssl.TLSVersion
    assert _handshake(stack, v.TLSv1_2, v.TLSv1_2) == "TLSv1.2"
    assert _handshake(stack, v.TLSv1_3, v.TLSv1_3) == "TLSv1.3"


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("ver", ["TLSv1", "TLSv1_1"])
def test_old_tls_refused(stack, ver):
    v = getattr(ssl.TLSVersion, ver)
    with pytest.raises((ssl.SSLError, ConnectionResetError)):
        _handshake(stack, ssl.TLSVersion.MINIMUM_SUPPORTED, v)


# ------------------------------------------------------------ no leaks

def test_path_with_control_characters(stack):
    r = record(stack.session().get(stack.url("/api/health%0a"), timeout=15))
    assert r.status_code in (400, 404)
    assert r.headers["Content-Type"] == JSON_CT
    r = record(stack.session().get(stack.url("/login%00"), timeout=15))
    assert r.status_code in (400, 404)


def test_zz_error_bodies_never_leak(stack):
    assert ERROR_BODIES, "no error responses were recorded"
    for method, url, status, text in ERROR_BODIES:
        assert not LEAK_RE.search(text), (method, url, status, text[:300])


def test_zz_workers_survived(stack):
    r = stack.session().get(stack.url("/healthz"), timeout=15)
    assert r.status_code == 200
    log = stack.worker_log()
    assert log.count("worker ready") == int(stack.env["SSTS_WORKERS"]), \
        "a worker restarted: %s" % log[-2000:]
    for bad in ["Segmentation", "core dumped", "Aborted", "AddressSanitizer",
                "runtime error", "status=500"]:
        assert bad not in log, bad
    access = stack.log_text(r"^nginx-access\.log$")
    assert not re.search(r'" 50[0-4] ', access), re.findall(r'.*" 50[0-4] .*', access)
