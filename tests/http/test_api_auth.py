"""JSON API of the auth route group: register, login, logout, bearer
handling, JWT forgery vectors (SECURITY.md §2.3), revocation, deactivation,
role changes, and the grey-box state (audit rows, session hashes, argon2id)."""
import base64
import hashlib
import hmac
import json
import time

import pytest

from conftest import PASSWORD, Api, fresh_token, unique_email

JWT_HEADER = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
UA = "ssts-http-tests/1.0"


def b64u(b):
    if isinstance(b, str):
        b = b.encode()
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def b64u_dec(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def payload_of(token):
    return json.loads(b64u_dec(token.split(".")[1]))


def claims_bytes(c):
    """The payload exactly as the server writes it (member order matters)."""
    order = ["sub", "sid", "role", "typ", "jti", "iat", "exp"]
    out = {k: c[k] for k in order if k in c}
    out.update({k: v for k, v in c.items() if k not in out})
    return json.dumps(out, separators=(",", ":")).encode()


def sign(key, header_b64, payload_b64, digest=hashlib.sha256):
    msg = ("%s.%s" % (header_b64, payload_b64)).encode()
    return b64u(hmac.new(key, msg, digest).digest())


def forge(key, claims=None, header_b64=JWT_HEADER, payload_raw=None,
          digest=hashlib.sha256):
    p = b64u(payload_raw if payload_raw is not None else claims_bytes(claims))
    return "%s.%s.%s" % (header_b64, p, sign(key, header_b64, p, digest))


def logout(st, token, **headers):
    h = {"User-Agent": UA}
    if token is not None:
        h["Authorization"] = "Bearer " + token
    h.update(headers)
    return st.session().post(st.url("/api/auth/logout"), headers=h,
                             allow_redirects=False, timeout=15)


def dashboard_with(st, token):
    """Non-destructive validity probe: the same token as the page cookie."""
    return st.session().get(st.url("/dashboard"),
                            headers={"Cookie": "__Host-ssts=" + token},
                            allow_redirects=False, timeout=15)


def assert_error(r, status, message):
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    assert r.json() == {"error": message}


# ---------------------------------------------------------------- register

def test_register_201_shape(stack, api):
    email = unique_email("reg")
    r = api.register(name="  Reggie Shape  ", email=email, role="client")
    assert r.status_code == 201, r.text
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    j = r.json()
    assert set(j) == {"id", "name", "email", "role", "message"}
    assert isinstance(j["id"], str) and j["id"].isdigit() and j["id"] != "0"
    assert j["name"] == "Reggie Shape"
    assert j["email"] == email
    assert j["role"] == "client"
    assert j["message"] == "Account created successfully"
    assert "token" not in r.text and PASSWORD not in r.text
    row = stack.psql("SELECT role, is_active, mfa_enabled, password_hash "
                     "FROM users WHERE id = %d" % int(j["id"]))
    assert row[0][:3] == ["client", "t", "f"]
    assert row[0][3].startswith("$argon2id$")


def test_register_duplicate(api, client_user):
    r = api.register(email=client_user["email"])
    assert_error(r, 400, "Email already registered")
    # the same address differently cased and padded is the same account
    r = api.register(email="  " + client_user["email"].upper() + " ")
    assert_error(r, 400, "Email already registered")


@pytest.mark.parametrize("role", ["admin", "agent", "Client", ""])
def test_register_role_other_than_client(api, stack, role):
    email = unique_email("role")
    r = api.register(email=email, role=role)
    assert_error(r, 400, "Invalid role. Must be client")
    assert stack.psql_one("SELECT count(*) FROM users WHERE email = '%s'"
                          % email) == "0"


SECRET_MARK = "Zq9xNotEchoed"
M = SECRET_MARK
POLICY = ("must contain an upper-case letter, a lower-case letter and a digit")


@pytest.mark.parametrize("body,details", [
    ({"email": "a-" + M + "@example.com", "password": "Aa1" + M},
     [{"path": "name", "msg": "is required"}]),
    ({"name": "Z", "email": "b-" + M + "@example.com", "password": "Aa1" + M},
     [{"path": "name", "msg": "must be at least 2 characters"}]),
    ({"name": "   ", "email": "b-" + M + "@example.com", "password": "Aa1" + M},
     [{"path": "name", "msg": "is required"}]),
    ({"name": "N" * 256 + M, "email": "c-" + M + "@example.com",
      "password": "Aa1" + M},
     [{"path": "name", "msg": "must be at most 255 characters"}]),
    ({"name": "Ok Name", "email": M + ".example.com", "password": "Aa1" + M},
     [{"path": "email", "msg": "must be a valid e-mail address"}]),
    ({"name": "Ok Name", "email": M + "@@example.com", "password": "Aa1" + M},
     [{"path": "email", "msg": "must be a valid e-mail address"}]),
    ({"name": "Ok Name", "email": M + "@intranet", "password": "Aa1" + M},
     [{"path": "email", "msg": "must be a valid e-mail address"}]),
    ({"name": "Ok Name", "email": M + " x@example.com", "password": "Aa1" + M},
     [{"path": "email", "msg": "must be a valid e-mail address"}]),
    ({"name": "Ok Name", "email": "d-" + M + "@example.com",
      "password": "Zq9xNo1"},
     [{"path": "password", "msg": "must be at least 8 characters"}]),
    ({"name": "Ok Name", "email": "d-" + M + "@example.com",
      "password": M.lower()},
     [{"path": "password", "msg": POLICY}]),
    ({"name": "Ok Name", "email": "d-" + M + "@example.com",
      "password": M.upper()},
     [{"path": "password", "msg": POLICY}]),
    ({"name": "Ok Name", "email": "d-" + M + "@example.com",
      "password": "ZqxNotEchoedNoDigits"},
     [{"path": "password", "msg": POLICY}]),
    ({"name": "Ok Name", "email": "d-" + M + "@example.com",
      "password": M + "x" * 116},
     [{"path": "password", "msg": "must be at most 128 characters"}]),
    ({"name": "Ok Name", "email": "e-" + M + "@example.com"},
     [{"path": "password", "msg": "is required"}]),
    ({"name": "Ok\u0007" + M, "email": "e-" + M + "@example.com",
      "password": "Aa1" + M},
     [{"path": "name", "msg": "must not contain control characters"}]),
    ({"name": 42, "email": "e-" + M + "@example.com", "password": "Aa1" + M},
     [{"path": "name", "msg": "has the wrong type"}]),
    ({"name": None, "email": "e-" + M + "@example.com", "password": "Aa1" + M},
     [{"path": "name", "msg": "is required"}]),
    ({"name": "Z", "email": M, "password": M.lower()},
     [{"path": "name", "msg": "must be at least 2 characters"},
      {"path": "email", "msg": "must be a valid e-mail address"},
      {"path": "password", "msg": POLICY}]),
], ids=lambda v: None)
def test_register_validation(api, stack, body, details):
    r = api.post("/api/auth/register", json=body)
    assert r.status_code == 400, r.text
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    assert r.json() == {"error": "Validation failed", "details": details}
    # no submitted value comes back (not even the password)
    assert "zq9x" not in r.text.lower()
    for v in body.values():
        if isinstance(v, str) and len(v.strip()) > 3:
            assert v.strip() not in r.text
    assert stack.psql_one("SELECT count(*) FROM users WHERE email LIKE '%%%s%%'"
                          % M.lower()) == "0"


def test_register_password_exactly_128_and_unicode_kept(api):
    # the password is never altered: non-ASCII and HTML characters survive
    pw = "Aa1<b>&\"'/\u00e9" + "x" * 117
    assert len(pw) == 128
    email = unique_email("pw128")
    r = api.register(email=email, password=pw)
    assert r.status_code == 201, r.text
    assert api.login(email, pw).status_code == 200
    assert api.login(email, pw.replace("&", "&amp;")).status_code == 401


def test_email_normalisation(api):
    local = "alice-" + unique_email("x").split("@")[0]
    r = api.register(name="Alice", email="  %s@Example.COM " % local.title())
    assert r.status_code == 201, r.text
    assert r.json()["email"] == "%s@example.com" % local.lower()
    r = api.login("%s@example.com" % local.lower())
    assert r.status_code == 200, r.text
    assert r.json()["user"]["email"] == "%s@example.com" % local.lower()
    r = api.login("  %s@EXAMPLE.com" % local.upper())
    assert r.status_code == 200, r.text


# ---------------------------------------------------------------- login

def test_login_200_shape(stack, api, client_user):
    r = api.login(client_user["email"])
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    assert r.headers.get("Cache-Control") == "no-store"
    j = r.json()
    assert set(j) == {"token", "user"}
    assert j["user"] == {"id": client_user["id"], "name": "Shared Client",
                         "email": client_user["email"], "role": "client",
                         "mfa_enabled": False}
    tok = j["token"]
    h, p, s = tok.split(".")
    assert h == JWT_HEADER
    c = payload_of(tok)
    assert c["sub"] == client_user["id"]
    assert c["typ"] == "access"
    assert len(c["jti"]) >= 22      # >= 128 bits
    assert 0 < c["exp"] - c["iat"] <= 30 * 24 * 3600
    assert abs(c["iat"] - time.time()) < 120
    assert "set-cookie" not in {k.lower() for k in r.headers}
    assert logout(stack, tok).status_code == 200


def test_login_wrong_password_and_unknown_email_identical(api, client_user):
    a = api.login(client_user["email"], "Wr0ngPassword")
    b = api.login(unique_email("nobody"), "Wr0ngPassword")
    assert_error(a, 401, "Invalid email or password")
    assert_error(b, 401, "Invalid email or password")
    assert a.content == b.content
    assert a.headers["Content-Type"] == b.headers["Content-Type"]


@pytest.mark.parametrize("body,details", [
    ({"password": "x"}, [{"path": "email", "msg": "is required"}]),
    ({"email": "nobody-at-example.com", "password": "x"},
     [{"path": "email", "msg": "must be a valid e-mail address"}]),
    ({"email": "nobody@example.com"}, [{"path": "password", "msg": "is required"}]),
    ({"email": "nobody@example.com", "password": ""},
     [{"path": "password", "msg": "is required"}]),
    ({"email": 7, "password": "x"},
     [{"path": "email", "msg": "has the wrong type"}]),
    ({"email": "nobody@example.com", "password": True},
     [{"path": "password", "msg": "has the wrong type"}]),
])
def test_login_validation(api, body, details):
    r = api.post("/api/auth/login", json=body)
    assert r.status_code == 400, r.text
    assert r.json() == {"error": "Validation failed", "details": details}
    assert "nobody-at" not in r.text


@pytest.mark.parametrize("body", [
    {"email": ["a@example.com"], "password": "x"},
    {"email": {"$ne": ""}, "password": "x"},
    ["a@example.com", "x"],
    "a@example.com",
])
def test_login_structured_values_400(api, body):
    r = api.post("/api/auth/login", json=body)
    assert r.status_code == 400, r.text
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    assert r.json()["error"] in ("Malformed request body", "Validation failed")


def test_login_form_encoded_body_accepted(stack, client_user):
    r = stack.session().post(stack.url("/api/auth/login"),
                             data={"email": client_user["email"],
                                   "password": PASSWORD},
                             allow_redirects=False, timeout=15)
    assert r.status_code == 200, r.text
    assert logout(stack, r.json()["token"]).status_code == 200


def test_two_logins_same_second_differ(stack, api, client_user):
    for _ in range(6):
        a = api.login(client_user["email"])
        b = api.login(client_user["email"])
        assert a.status_code == 200 and b.status_code == 200, (a.text, b.text)
        ta, tb = a.json()["token"], b.json()["token"]
        if payload_of(ta)["iat"] == payload_of(tb)["iat"]:
            break
    assert payload_of(ta)["iat"] == payload_of(tb)["iat"]
    assert ta != tb
    assert payload_of(ta)["jti"] != payload_of(tb)["jti"]
    assert dashboard_with(stack, ta).status_code == 200
    assert dashboard_with(stack, tb).status_code == 200
    assert logout(stack, ta).status_code == 200
    # revoking one leaves the other alive
    assert dashboard_with(stack, tb).status_code == 200
    assert logout(stack, tb).status_code == 200


# ---------------------------------------------------------------- logout

def test_logout_then_token_revoked(stack, client_user):
    tok = fresh_token(stack, client_user)
    r = logout(stack, tok)
    assert r.status_code == 200, r.text
    assert r.json() == {"message": "Logged out successfully"}
    assert_error(logout(stack, tok), 401, "Token expired or revoked")
    assert dashboard_with(stack, tok).status_code == 303
    h = hashlib.sha256(tok.encode()).hexdigest()
    assert stack.psql("SELECT revoked, revoked_at IS NOT NULL FROM user_sessions "
                      "WHERE token_hash = '%s'" % h) == [["t", "t"]]


def test_authorization_header_variants(stack, client_user):
    tok = fresh_token(stack, client_user)
    s = stack.session()
    url = stack.url("/api/auth/logout")

    def post(h):
        return s.post(url, headers=h, allow_redirects=False, timeout=15)

    assert_error(post({}), 401, "Missing authorization header")
    assert_error(post({"Authorization": "Bearer"}), 401, "Missing token")
    assert_error(post({"Authorization": "Bearer    "}), 401, "Missing token")
    assert_error(post({"Authorization": "Bearer garbage"}), 401, "Invalid token")
    assert_error(post({"Authorization": "Bearer a.b.c"}), 401, "Invalid token")
    assert_error(post({"Authorization": "Basic dXNlcjpwYXNz"}), 401,
                 "Invalid token")
    assert_error(post({"Authorization": "Bearer " + tok + " extra"}), 401,
                 "Invalid token")
    # token in the query string is never read
    r = s.post(url + "?access_token=" + tok, allow_redirects=False, timeout=15)
    assert_error(r, 401, "Missing authorization header")
    # a session cookie is ignored on /api/
    r = s.post(url, headers={"Cookie": "__Host-ssts=" + tok},
               allow_redirects=False, timeout=15)
    assert_error(r, 401, "Missing authorization header")
    # still alive after all of that
    assert logout(stack, tok).status_code == 200


def test_bearer_ignored_on_pages(stack, client_user):
    tok = fresh_token(stack, client_user)
    r = stack.session().get(stack.url("/dashboard"),
                            headers={"Authorization": "Bearer " + tok},
                            allow_redirects=False, timeout=15)
    assert r.status_code == 303
    assert r.headers["Location"] == "/login?next=/dashboard"
    assert logout(stack, tok).status_code == 200


# ---------------------------------------------------------------- JWT vectors

@pytest.fixture(scope="module")
def jwt_ctx(stack, client_user):
    tok = fresh_token(stack, client_user)
    yield {"token": tok, "key": stack.secret("JWT_SECRET").encode(),
           "claims": payload_of(tok)}
    logout(stack, tok)


def flip(seg, i=5):
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    c = seg[i]
    return seg[:i] + alphabet[(alphabet.index(c) ^ 1)] + seg[i + 1:]


def vectors(ctx):
    tok, key, c = ctx["token"], ctx["key"], ctx["claims"]
    h, p, s = tok.split(".")
    v = {}

    def hdr(obj_or_raw):
        raw = obj_or_raw if isinstance(obj_or_raw, str) else json.dumps(
            obj_or_raw, separators=(",", ":"))
        return b64u(raw)

    for alg in ["none", "None", "NONE", "nOnE"]:
        hb = hdr({"alg": alg, "typ": "JWT"})
        v["alg-%s-empty-sig" % alg] = "%s.%s." % (hb, p)
        v["alg-%s-orig-sig" % alg] = "%s.%s.%s" % (hb, p, s)
    v["alg-none-two-segments"] = "%s.%s" % (hdr({"alg": "none"}), p)
    hb = hdr({"alg": "HS512", "typ": "JWT"})
    v["alg-HS512-real-mac"] = "%s.%s.%s" % (hb, p, sign(key, hb, p, hashlib.sha512))
    for alg in ["HS384", "RS256", "ES256", "PS256"]:
        hb = hdr({"alg": alg, "typ": "JWT"})
        v["alg-%s-hs256-mac" % alg] = "%s.%s.%s" % (hb, p, sign(key, hb, p))
    hb = hdr('{"typ":"JWT","alg":"HS256"}')
    v["header-reordered"] = "%s.%s.%s" % (hb, p, sign(key, hb, p))
    hb = hdr('{"alg":"HS256","alg":"none","typ":"JWT"}')
    v["header-duplicate-alg"] = "%s.%s.%s" % (hb, p, sign(key, hb, p))
    hb = hdr('{"alg":"none","alg":"HS256","typ":"JWT"}')
    v["header-duplicate-alg-2"] = "%s.%s.%s" % (hb, p, sign(key, hb, p))
    hb = hdr('["HS256"]')
    v["header-not-object"] = "%s.%s.%s" % (hb, p, sign(key, hb, p))
    hb = hdr({"alg": "HS256", "typ": "JWT", "kid": "../../../../dev/null"})
    v["header-kid-path"] = "%s.%s.%s" % (hb, p, sign(key, hb, p))
    hb = hdr({"alg": "HS256", "typ": "JWT", "kid": "' OR '1'='1"})
    v["header-kid-sql"] = "%s.%s.%s" % (hb, p, sign(key, hb, p))
    hb = hdr({"alg": "HS256", "typ": "JWT", "jku": "http://127.0.0.1:9/keys"})
    v["header-jku"] = "%s.%s.%s" % (hb, p, sign(key, hb, p))
    hb = hdr({"alg": "HS256", "typ": "JWT", "pad": "x" * 3000})
    v["header-3k"] = "%s.%s.%s" % (hb, p, sign(key, hb, p))
    v["sig-truncated"] = "%s.%s.%s" % (h, p, s[:-1])
    v["sig-extended"] = "%s.%s.%sA" % (h, p, s)
    v["sig-empty"] = "%s.%s." % (h, p)
    v["sig-bitflip"] = "%s.%s.%s" % (h, p, flip(s))
    v["sig-bitflip-last"] = "%s.%s.%s" % (h, p, flip(s, len(s) - 2))
    v["payload-bitflip"] = "%s.%s.%s" % (h, flip(p, 12), s)
    v["header-bitflip"] = "%s.%s.%s" % (flip(h, 10), p, s)
    v["padding-sig"] = tok + "="
    v["padding-payload"] = "%s.%s=.%s" % (h, p, s)
    v["padding-all"] = "%s==.%s=.%s=" % (h, p, s)
    std = tok.replace("-", "+").replace("_", "/")
    if std != tok:
        v["std-base64-chars"] = std
    v["four-segments"] = tok + ".x"
    v["leading-space-dot"] = "." + tok
    v["trailing-junk"] = tok + "%00"
    for k, val in [("role", "admin"), ("sub", "1"),
                   ("sub", str(int(c["sub"]) + 1)), ("exp", c["exp"] + 86400)]:
        cc = dict(c)
        cc[k] = val
        v["payload-%s-%s-old-sig" % (k, val)] = "%s.%s.%s" % (
            h, b64u(claims_bytes(cc)), s)
    # signed with the real key: duplicate claims, missing / odd exp, nbf, typ
    raw = claims_bytes(c).decode()
    v["dup-sub-signed"] = forge(key, payload_raw=raw.replace(
        '"sub":"%s"' % c["sub"], '"sub":"%s","sub":"1"' % c["sub"]).encode())
    v["dup-role-signed"] = forge(key, payload_raw=raw.replace(
        '"role":"client"', '"role":"client","role":"admin"').encode())
    for name, val in [("exp-1e30", 1e30), ("exp-string", "9999999999"),
                      ("exp-minus1", -1), ("exp-float", c["exp"] + 0.5),
                      ("exp-null", None)]:
        cc = dict(c)
        cc["exp"] = val
        v[name + "-signed"] = forge(key, cc)
    cc = dict(c)
    del cc["exp"]
    v["exp-missing-signed"] = forge(key, cc)
    cc = dict(c)
    cc["nbf"] = int(time.time()) + 3600
    v["nbf-future-signed"] = forge(key, cc)
    cc = dict(c)
    cc["iat"] = int(time.time()) + 3600
    v["iat-future-signed"] = forge(key, cc)
    for typ in ["mfa", "reset", "csrf", "Access", ""]:
        cc = dict(c)
        cc["typ"] = typ
        v["typ-%s-signed" % (typ or "empty")] = forge(key, cc)
    cc = dict(c)
    cc["sid"] = str(int(c["sid"]) + 100000)
    v["other-sid-signed"] = forge(key, cc)
    cc = dict(c)
    cc["sid"] = int(c["sid"])
    v["sid-number-signed"] = forge(key, cc)
    v["retired-key"] = forge(b"0123456789abcdef" * 4, c)
    v["short-key-empty"] = forge(b"", c)
    v["payload-not-json-signed"] = forge(key, payload_raw=b"not json")
    v["payload-array-signed"] = forge(key, payload_raw=b"[1,2]")
    v["payload-trailing-ws-signed"] = forge(key, payload_raw=claims_bytes(c) + b" ")
    v["payload-spaced-signed"] = forge(key, payload_raw=json.dumps(
        json.loads(claims_bytes(c))).encode())
    return v


def test_jwt_forge_positive_control(jwt_ctx):
    """Our forging helper reproduces the server's tokens byte for byte, so
    the vectors below differ from a valid token only where intended."""
    assert forge(jwt_ctx["key"], jwt_ctx["claims"]) == jwt_ctx["token"]


def test_jwt_vectors_rejected(stack, jwt_ctx):
    bad = []
    for name, tok in vectors(jwt_ctx).items():
        assert tok != jwt_ctx["token"], name
        r = logout(stack, tok)
        if r.status_code != 401 or r.json().get("error") not in (
                "Invalid token", "Token expired", "Token expired or revoked"):
            bad.append((name, "api", r.status_code, r.text))
        d = dashboard_with(stack, tok)
        if d.status_code != 303 or d.headers.get("Location") != \
                "/login?next=/dashboard":
            bad.append((name, "page", d.status_code))
    assert not bad, bad
    # the real token survived every probe
    assert dashboard_with(stack, jwt_ctx["token"]).status_code == 200


def test_jwt_expired_signed_with_real_secret(stack, jwt_ctx):
    c = dict(jwt_ctx["claims"])
    c["iat"] = int(time.time()) - 7200
    c["exp"] = int(time.time()) - 3600
    tok = forge(jwt_ctx["key"], c)
    assert_error(logout(stack, tok), 401, "Token expired")
    assert dashboard_with(stack, tok).status_code == 303


def test_jwt_forged_with_secret_but_no_session_row(stack, jwt_ctx):
    c = dict(jwt_ctx["claims"])
    c["jti"] = "A" * 22      # a different token: its hash has no row
    tok = forge(jwt_ctx["key"], c)
    assert_error(logout(stack, tok), 401, "Token expired or revoked")


# ---------------------------------------------------------------- DB-driven

def test_deactivated_user_403_next_request(stack, api):
    email = unique_email("deact")
    assert api.register(email=email).status_code == 201
    tok = api.login(email).json()["token"]
    stack.psql("UPDATE users SET is_active = false WHERE email = '%s'" % email)
    try:
        assert_error(logout(stack, tok), 403, "Account is deactivated")
        assert dashboard_with(stack, tok).status_code == 303
        # login: the right password reveals the state, a wrong one does not
        assert_error(api.login(email), 403,
                     "Account is deactivated. Please contact administrator.")
        assert_error(api.login(email, "Wr0ngPassword"), 401,
                     "Invalid email or password")
    finally:
        stack.psql("UPDATE users SET is_active = true WHERE email = '%s'" % email)
    assert logout(stack, tok).status_code == 200


def test_role_change_applies_on_next_request(stack, api):
    email = unique_email("role")
    assert api.register(name="Role Changer", email=email).status_code == 201
    tok = api.login(email).json()["token"]
    assert 'badge-client">client<' in dashboard_with(stack, tok).text
    stack.psql("UPDATE users SET role = 'agent' WHERE email = '%s'" % email)
    d = dashboard_with(stack, tok)
    assert d.status_code == 200
    assert 'badge-agent">agent<' in d.text
    assert 'badge-client' not in d.text
    assert payload_of(tok)["role"] == "client"   # the claim is not trusted
    assert api.login(email).json()["user"]["role"] == "agent"
    stack.psql("DELETE FROM user_sessions WHERE token_hash = '%s'"
               % hashlib.sha256(tok.encode()).hexdigest())
    assert_error(logout(stack, tok), 401, "Token expired or revoked")


def test_session_row_expired_in_db(stack, client_user):
    tok = fresh_token(stack, client_user)
    h = hashlib.sha256(tok.encode()).hexdigest()
    stack.psql("UPDATE user_sessions SET expires_at = now() - interval '1 second'"
               " WHERE token_hash = '%s'" % h)
    assert_error(logout(stack, tok), 401, "Token expired or revoked")


# ---------------------------------------------------------------- grey box

def test_audit_rows(stack):
    s = stack.session()
    email = unique_email("audit")
    hdr = {"User-Agent": UA}
    r = s.post(stack.url("/api/auth/register"), headers=hdr,
               json={"name": "Audit Me", "email": email, "password": PASSWORD})
    assert r.status_code == 201
    uid = int(r.json()["id"])
    r = s.post(stack.url("/api/auth/login"), headers=hdr,
               json={"email": email, "password": "Wr0ngPassword"})
    assert r.status_code == 401
    ghost = unique_email("ghost")
    r = s.post(stack.url("/api/auth/login"), headers=hdr,
               json={"email": ghost, "password": "Wr0ngPassword"})
    assert r.status_code == 401
    r = s.post(stack.url("/api/auth/login"), headers=hdr,
               json={"email": email, "password": PASSWORD})
    assert r.status_code == 200
    tok = r.json()["token"]
    assert logout(stack, tok).status_code == 200

    rows = stack.psql(
        "SELECT action, entity_type, coalesce(entity_id::text, 'NULL'),"
        " coalesce(performed_by::text, 'NULL'), ip_address, user_agent,"
        " payload::text FROM audit_logs"
        " WHERE entity_id = %d OR payload->>'email' = '%s' ORDER BY id"
        % (uid, ghost))
    got = [(a, et, eid, by) for a, et, eid, by, ip, ua, pl in rows]
    u = str(uid)
    assert got == [
        ("registered", "user", u, u),
        ("login_failed", "user", u, "NULL"),
        ("login_failed", "user", "NULL", "NULL"),
        ("login_success", "user", u, u),
        ("logout", "user", u, u),
    ], rows
    for a, et, eid, by, ip, ua, pl in rows:
        assert ip == "127.0.0.1", rows
        assert ua == UA, rows
        assert PASSWORD not in pl and "Wr0ng" not in pl and "eyJ" not in pl
    assert json.loads(rows[1][6])["reason"] == "invalid_password"
    assert json.loads(rows[0][6]) == {"email": email, "role": "client"}


def test_forwarded_for_does_not_change_audit_ip(stack, client_user):
    r = stack.session().post(
        stack.url("/api/auth/login"),
        headers={"User-Agent": UA, "X-Forwarded-For": "203.0.113.9",
                 "X-Real-IP": "203.0.113.9"},
        json={"email": client_user["email"], "password": PASSWORD})
    assert r.status_code == 200
    tok = r.json()["token"]
    h = hashlib.sha256(tok.encode()).hexdigest()
    assert stack.psql_one("SELECT ip_address FROM user_sessions WHERE "
                          "token_hash = '%s'" % h) == "127.0.0.1"
    assert logout(stack, tok).status_code == 200


def test_sessions_store_hash_never_token(stack, client_user):
    tok = fresh_token(stack, client_user)
    h = hashlib.sha256(tok.encode()).hexdigest()
    rows = stack.psql("SELECT token_hash, user_id, revoked, ip_address, "
                      "user_agent IS NOT NULL, expires_at > now() "
                      "FROM user_sessions WHERE token_hash = '%s'" % h)
    assert rows == [[h, client_user["id"], "f", "127.0.0.1", "t", "t"]]
    assert stack.psql_one("SELECT count(*) FROM user_sessions WHERE "
                          "token_hash !~ '^[0-9a-f]{64}$'") == "0"
    sig = tok.split(".")[2]
    assert stack.psql_one(
        "SELECT count(*) FROM user_sessions s WHERE s::text LIKE '%%%s%%'"
        % sig) == "0"
    assert stack.psql_one(
        "SELECT count(*) FROM audit_logs a WHERE a::text LIKE '%%%s%%'"
        % sig) == "0"
    assert logout(stack, tok).status_code == 200
    # no token, signature or password in any log
    logs = stack.log_text()
    assert sig not in logs
    assert PASSWORD not in logs


def test_passwords_stored_as_argon2id(stack):
    rows = stack.psql("SELECT password_hash FROM users")
    assert rows
    for (h,) in rows:
        assert h.startswith("$argon2id$v=19$"), h
    assert stack.psql_one("SELECT count(*) FROM users WHERE password_hash "
                          "LIKE '%%%s%%'" % PASSWORD) == "0"
