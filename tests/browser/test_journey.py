"""A person's first visit, driven through Debian's Chromium with Selenium:
landing page, sign up, dashboard, sign out, sign in, sign out.  Screenshots
go to tests/out/screenshots/.  Skipped (not failed) without /usr/bin/chromium.

Run: /usr/bin/python3 -m pytest -q tests/browser
"""
import os
import sys
import uuid

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "http"))
import stack as stackmod  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
SHOTS = os.path.join(stackmod.OUT, "screenshots")
PASSWORD = "Br0wser-Journey"

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason="no /usr/bin/chromium")


def shot(d, name):
    os.makedirs(SHOTS, exist_ok=True)
    d.save_screenshot(os.path.join(SHOTS, name + ".png"))


def path_of(d, st):
    assert d.current_url.startswith(st.base), d.current_url
    return d.current_url[len(st.base):]


def fill(d, values):
    from selenium.webdriver.common.by import By
    for field, value in values.items():
        el = d.find_element(By.ID, field)
        el.clear()
        el.send_keys(value)


def submit(d, form_action):
    from selenium.webdriver.common.by import By
    d.find_element(By.CSS_SELECTOR, 'form[action="%s"] button[type="submit"]'
                   % form_action).click()


def sign_out(d):
    from selenium.webdriver.common.by import By
    d.find_element(By.CSS_SELECTOR, 'form[action="/logout"] button').click()


def status_hint(d):
    """The error code on an error page, if this is one (for messages)."""
    from selenium.webdriver.common.by import By
    els = d.find_elements(By.CSS_SELECTOR, ".error-code")
    return els[0].text if els else ""


def test_landing_page_renders(stack, driver):
    from selenium.webdriver.common.by import By
    d = driver
    d.get(stack.url("/"))
    shot(d, "01-landing")
    assert "SSTS" in d.title
    links = {a.get_attribute("href") for a in d.find_elements(By.TAG_NAME, "a")}
    assert stack.url("/register") in links and stack.url("/login") in links
    # the stylesheet loaded under the CSP (computed style differs from default)
    body_font = d.execute_script(
        "return getComputedStyle(document.body).fontFamily")
    assert body_font and "Times" not in body_font
    d.get(stack.url("/dashboard"))
    assert path_of(d, stack) == "/login?next=/dashboard"
    shot(d, "02-login-redirect")


def test_journey(stack, driver):
    from selenium.webdriver.common.by import By
    d = driver
    name = "Journey Person"
    email = "journey-%s@example.com" % uuid.uuid4().hex[:10]

    d.get(stack.url("/"))
    d.find_element(By.CSS_SELECTOR, '.hero a[href="/register"]').click()
    assert path_of(d, stack) == "/register"
    fill(d, {"name": name, "email": email, "password": PASSWORD,
             "password_confirm": PASSWORD})
    shot(d, "03-register-filled")
    submit(d, "/register")
    shot(d, "04-after-register")
    assert path_of(d, stack) == "/dashboard", status_hint(d)
    h1 = d.find_element(By.TAG_NAME, "h1").text
    assert h1 == "Welcome, " + name
    assert "Your account is ready" in d.find_element(By.CSS_SELECTOR,
                                                     ".flash").text
    # the session cookie is invisible to scripts
    assert "__Host-ssts" not in d.execute_script("return document.cookie")

    sign_out(d)
    shot(d, "05-signed-out")
    assert path_of(d, stack) == "/login", status_hint(d)
    assert "You have been signed out." in d.page_source
    d.get(stack.url("/dashboard"))
    assert path_of(d, stack) == "/login?next=/dashboard"

    fill(d, {"email": email, "password": PASSWORD})
    shot(d, "06-login-filled")
    submit(d, "/login")
    shot(d, "07-dashboard-again")
    assert path_of(d, stack) == "/dashboard", status_hint(d)
    assert d.find_element(By.TAG_NAME, "h1").text == "Welcome, " + name

    sign_out(d)
    shot(d, "08-signed-out-again")
    assert path_of(d, stack) == "/login", status_hint(d)
    d.get(stack.url("/dashboard"))
    assert path_of(d, stack) == "/login?next=/dashboard"


def test_wrong_password_shows_message(stack, driver):
    from selenium.webdriver.common.by import By
    d = driver
    d.get(stack.url("/login"))
    fill(d, {"email": "nobody@example.com", "password": "Wr0ngPassword"})
    submit(d, "/login")
    shot(d, "09-login-failed")
    assert path_of(d, stack) == "/login"
    assert "Invalid email or password." in d.find_element(
        By.CSS_SELECTOR, ".alert-error").text
    assert d.find_element(By.ID, "email").get_attribute("value") == \
        "nobody@example.com"
    assert d.find_element(By.ID, "password").get_attribute("value") == ""
