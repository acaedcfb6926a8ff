"""Two-step sign-in, driven through Debian's Chromium with Selenium: a
client signs in, opens Security, sets up two-step sign-in, reads the key
from the page (as someone typing it into an app would), enters a code made
by oathtool, sees the ten recovery codes, continues to Security (now On),
signs out, and signs in again with the password and a new code, typed and
sent with the Enter key, landing on the dashboard.  Each page is checked
not to scroll sideways on a phone-sized window.

The server takes a code one 30 s step early or late, but never one at or
below the last step it accepted: the first code is for the step before
now (or now), the sign-in code for a later step, waiting if need be.

Screenshots go to tests/out/screenshots/mfa-*.png.  Skipped (not failed)
without /usr/bin/chromium.  Shares the browser stack (conftest.py).

Run: /usr/bin/python3 -m pytest -q tests/browser/test_mfa_journey.py
"""
import os
import re
import subprocess
import sys
import time
import uuid

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "http"))
import stack as stackmod  # noqa: E402
from test_admin_journey import hint, wait_path  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
SHOTS = os.path.join(stackmod.OUT, "screenshots")
PASSWORD = "Tw0-Step-Journey"
STEP = 30
PHONE = (390, 844)

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason="no /usr/bin/chromium")


def oath(secret, step):
    """oathtool's code for time step `step` (a moment 1 s into it)."""
    p = subprocess.run(["oathtool", "--totp", "-b", secret, "--now",
                        "@%d" % (step * STEP + 1)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=10)
    assert p.returncode == 0, p.stderr
    code = p.stdout.strip()
    assert re.fullmatch(r"\d{6}", code), code
    return code


def code_after(secret, last):
    """(step, code): the lowest step above `last` that the server takes
    now (now-1 .. now+1, the step before now only in its first 25 s),
    waiting for the clock when there is none."""
    while True:
        t = time.time()
        now, pos = int(t // STEP), t % STEP
        step = max(now - 1 if pos < STEP - 5 else now, last + 1)
        if step <= now + 1:
            return step, oath(secret, step)
        time.sleep(STEP - pos + 0.5)


def shot(d, name, element=None):
    """tests/out/screenshots/mfa-<name>.png: the element, or the whole page
    tall."""
    os.makedirs(SHOTS, exist_ok=True)
    path = os.path.join(SHOTS, "mfa-%s.png" % name)
    if element is not None:
        element.screenshot(path)
        return
    size = d.get_window_size()
    d.execute_script("window.scrollTo(0, 0)")
    h = d.execute_script("return document.documentElement.scrollHeight")
    d.set_window_size(size["width"], min(max(h + 40, 600), 4000))
    d.save_screenshot(path)
    d.set_window_size(size["width"], size["height"])


def fits_a_phone(d, name):
    """At phone width the page does not scroll sideways; a screenshot."""
    size = d.get_window_size()
    d.set_window_size(*PHONE)
    try:
        over = d.execute_script(
            "return document.documentElement.scrollWidth - "
            "document.documentElement.clientWidth")
        assert over <= 0, (name, over)
        shot(d, name + "-phone")
    finally:
        d.set_window_size(size["width"], size["height"])


def type_into(d, field_id, text):
    from selenium.webdriver.common.by import By
    el = d.find_element(By.ID, field_id)
    el.clear()
    el.send_keys(text)
    return el


def sign_in_password(d, st, email):
    from selenium.webdriver.common.by import By
    d.get(st.url("/login"))
    type_into(d, "email", email)
    type_into(d, "password", PASSWORD)
    d.find_element(By.CSS_SELECTOR,
                   'form[action="/login"] button[type="submit"]').click()


def test_mfa_journey(stack, driver):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    d = driver
    name = "Tess Twostep " + uuid.uuid4().hex[:4]
    email = "twostep-%s@example.com" % uuid.uuid4().hex[:10]
    r = stack.session().post(stack.url("/api/auth/register"), json={
        "name": name, "email": email, "password": PASSWORD}, timeout=20)
    assert r.status_code == 201, r.text

    # 1. Signs in with the password alone, opens Security.
    sign_in_password(d, stack, email)
    wait_path(d, stack, "/dashboard")
    d.find_element(By.CSS_SELECTOR, '.user-menu a[href="/security"]').click()
    wait_path(d, stack, "/security")
    section = d.find_element(By.ID, "mfa")
    assert section.find_element(By.CSS_SELECTOR,
                                ".mfa-status .badge").text == "Off"
    shot(d, "01-off", section)

    # 2. Sets up two-step sign-in: the QR code, the key, the app link.
    section.find_element(
        By.CSS_SELECTOR, 'form[action="/security/mfa/setup"] button').click()
    wait_path(d, stack, "/security#mfa")
    flash = d.find_element(By.CSS_SELECTOR, ".flash")
    assert "Scan the QR code" in flash.text, hint(d)
    # the flash at the top is still in view after the jump to #mfa
    top = d.execute_script("return arguments[0].getBoundingClientRect().top",
                           flash)
    assert top >= 0, top
    section = d.find_element(By.ID, "mfa")
    qr = section.find_element(By.CSS_SELECTOR, ".mfa-qr-code svg")
    assert qr.is_displayed()
    assert qr.size["width"] >= 150 and \
        abs(qr.size["width"] - qr.size["height"]) <= 1, qr.size
    label = section.find_element(By.CSS_SELECTOR, ".mfa-qr-code") \
        .get_attribute("aria-label")
    assert "QR code" in label
    shown = section.find_element(By.ID, "mfa-secret").text
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", shown), shown
    secret = shown.replace(" ", "")
    link = section.find_element(By.CSS_SELECTOR, "a.mfa-uri")
    assert link.get_attribute("href").startswith("otpauth://totp/")
    assert "secret=" + secret in link.get_attribute("href")
    shot(d, "02-setup", section)
    shot(d, "03-security-setup")
    fits_a_phone(d, "03-security-setup")

    # 3. Types the app's code: the recovery codes, once.
    step, code = code_after(secret, -1)
    field = type_into(d, "mfa-enable-code", code)
    assert field.get_attribute("autocomplete") == "one-time-code"
    section = d.find_element(By.ID, "mfa")
    section.find_element(
        By.CSS_SELECTOR, 'form[action="/security/mfa/enable"] button').click()
    wait_path(d, stack, "/security/mfa/enable")
    assert d.find_element(By.TAG_NAME, "h1").text == "Your recovery codes", \
        hint(d)
    assert "Save these codes now." in d.find_element(
        By.CSS_SELECTOR, ".alert-warning").text
    codes = [e.text for e in d.find_elements(By.CSS_SELECTOR,
                                             ".mfa-codes li code")]
    assert len(codes) == 10 and len(set(codes)) == 10, codes
    assert all(re.fullmatch(r"[a-z2-7]{4}-[a-z2-7]{5}-[a-z2-7]{5}", c)
               for c in codes), codes
    family = d.execute_script(
        "return getComputedStyle(arguments[0]).fontFamily",
        d.find_element(By.CSS_SELECTOR, ".mfa-codes code"))
    assert "mono" in family.lower(), family
    shot(d, "04-codes")
    fits_a_phone(d, "04-codes")
    d.find_element(By.LINK_TEXT, "Continue").click()
    wait_path(d, stack, "/security#mfa")
    section = d.find_element(By.ID, "mfa")
    assert section.find_element(By.CSS_SELECTOR,
                                ".mfa-status .badge").text == "On"
    assert not any(c in d.page_source for c in codes)
    # the form to turn it off: the user name for password managers unseen
    off = section.find_element(By.ID, "form-mfa-disable")
    assert not off.find_element(
        By.CSS_SELECTOR, 'input[autocomplete="username"]').is_displayed()
    assert off.find_element(By.ID, "mfa-password").is_displayed()
    shot(d, "05-on", section)

    # 4. Signs out; the password alone is not enough any more.
    d.find_element(By.CSS_SELECTOR, 'form[action="/logout"] button').click()
    wait_path(d, stack, r"/login(\?.*)?")
    sign_in_password(d, stack, email)
    wait_path(d, stack, r"/login/mfa\?next=%2Fdashboard")
    assert d.find_element(By.TAG_NAME, "h1").text == "Two-step sign-in"
    assert d.execute_script("return document.activeElement.id") == "code"
    assert d.find_element(By.CSS_SELECTOR, 'a[href="/login"]')
    shot(d, "06-login-mfa")
    fits_a_phone(d, "06-login-mfa")
    # the pending state opens nothing
    d.get(stack.url("/dashboard"))
    wait_path(d, stack, r"/login\?next=/dashboard")
    d.back()
    wait_path(d, stack, r"/login/mfa\?next=%2Fdashboard")

    # 5. The code just used to turn it on is refused...
    type_into(d, "code", code).send_keys(Keys.ENTER)
    alert = d.find_element(By.CSS_SELECTOR, ".alert-error")
    assert "not valid or was already used" in alert.text, hint(d)
    assert d.find_element(By.ID, "code").get_attribute("aria-invalid") == \
        "true"
    shot(d, "07-login-mfa-refused")
    # ...a new one signs in, typed and sent with the Enter key.
    _, code2 = code_after(secret, step)
    type_into(d, "code", code2).send_keys(Keys.ENTER)
    wait_path(d, stack, "/dashboard")
    assert name in d.find_element(By.CSS_SELECTOR, ".user-name").text
    shot(d, "08-dashboard")
