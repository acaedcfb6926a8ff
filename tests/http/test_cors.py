"""CORS on the JSON API (API.md §1): only the origins in SSTS_CORS_ORIGINS
(the suite's stack allows https://app.example) get Access-Control headers;
preflights are answered; credentials are never allowed; pages get none."""

ALLOWED = "https://app.example"


def test_preflight_from_allowed_origin(stack, api):
    r = api.s.options(stack.base + "/api/auth/login", headers={
        "Origin": ALLOWED,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, authorization"})
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    assert "Authorization" in r.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in r.headers
    assert "Origin" in r.headers.get("Vary", "")


def test_preflight_from_other_origin_gets_no_grant(stack, api):
    for origin in ("https://evil.example", "null", ALLOWED + ".evil.example",
                   "https://app.exampl"):
        r = api.s.options(stack.base + "/api/auth/login", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST"})
        assert r.status_code == 204
        assert "Access-Control-Allow-Origin" not in r.headers, origin
        assert "Access-Control-Allow-Methods" not in r.headers, origin


def test_simple_request_from_allowed_origin(stack, api):
    r = api.get("/api/health", headers={"Origin": ALLOWED})
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == ALLOWED
    r = api.get("/api/health", headers={"Origin": "https://evil.example"})
    assert r.status_code == 200
    assert "Access-Control-Allow-Origin" not in r.headers


def test_pages_never_send_cors_headers(stack, browser):
    r = browser.get("/login", headers={"Origin": ALLOWED})
    assert r.status_code == 200
    assert "Access-Control-Allow-Origin" not in r.headers
