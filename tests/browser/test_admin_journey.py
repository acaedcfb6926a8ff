"""An admin brings in an agent, and the agent's sessions follow the
account, driven through Debian's Chromium with Selenium in three browsers
(separate profiles, so separate cookies):

  admin   signs in, opens Users, creates an agent with a first password,
          sees the flash and the agent's page;
  other   the agent, signed in first (say, a forgotten laptop);
  agent   the agent again, who changes the password on /account (current,
          new, confirm): the other browser is signed out at once and
          /security lists only this device;
then the admin deactivates the agent and the agent's next page load lands
on the sign-in page, where signing in is refused.

Screenshots go to tests/out/screenshots/admin-*.png.  Skipped (not failed)
without /usr/bin/chromium.  Shares the browser stack (conftest.py).

Run: /usr/bin/python3 -m pytest -q tests/browser/test_admin_journey.py
"""
import contextlib
import os
import re
import shutil
import sys
import tempfile
import time
import uuid

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "http"))
import stack as stackmod  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SHOTS = os.path.join(stackmod.OUT, "screenshots")
FIRST_PW = "F1rst-Agent-pw"
NEW_PW = "N3w-Agent-pw-2"

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason="no /usr/bin/chromium")


@contextlib.contextmanager
def chromium():
    """One more headless Chromium with a profile of its own (the same
    options as conftest.py's driver)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="ssts-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu",
              "--disable-dev-shm-usage", "--disable-background-networking",
              "--disable-component-update", "--disable-sync",
              "--no-first-run", "--ignore-certificate-errors",
              "--window-size=1280,900", "--user-data-dir=" + profile]:
        opts.add_argument(a)
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    d.set_page_load_timeout(30)
    try:
        yield d
    finally:
        d.quit()
        shutil.rmtree(profile, ignore_errors=True)


def shot(d, name):
    """Saves tests/out/screenshots/admin-<name>.png, the whole page tall."""
    os.makedirs(SHOTS, exist_ok=True)
    size = d.get_window_size()
    h = d.execute_script("return document.documentElement.scrollHeight")
    d.set_window_size(size["width"], min(max(h + 40, 600), 4000))
    d.save_screenshot(os.path.join(SHOTS, "admin-%s.png" % name))
    d.set_window_size(size["width"], size["height"])


def hint(d):
    """The error code, flash and alerts of the current page, for messages."""
    from selenium.webdriver.common.by import By
    bits = [e.text for e in d.find_elements(
        By.CSS_SELECTOR, ".error-code, .flash, .alert, .field-error")]
    return "%s: %s" % (d.current_url, " | ".join(bits))


def wait_path(d, st, pattern, timeout=10):
    """Waits for the current path to match pattern (a click returns
    before the next page has loaded); returns the match."""
    end = time.time() + timeout
    while True:
        m = re.fullmatch(pattern, d.current_url[len(st.base):]) \
            if d.current_url.startswith(st.base) else None
        if m or time.time() > end:
            assert m, (pattern, hint(d))
            return m
        time.sleep(0.1)


def wait_text(d, css, want, timeout=10):
    """The text of the first element matching css, waiting for one that
    contains want."""
    from selenium.webdriver.common.by import By
    end = time.time() + timeout
    while True:
        try:
            els = d.find_elements(By.CSS_SELECTOR, css)
            text = els[0].text if els else ""
        except Exception:   # the page changed under us: look again
            text = ""
        if want in text or time.time() > end:
            return text
        time.sleep(0.1)


def flash(d, want):
    """The flash message, waiting up to 10 s for one containing want."""
    return wait_text(d, ".flash", want)


def fill(d, values):
    from selenium.webdriver.common.by import By
    for field, value in values.items():
        el = d.find_element(By.ID, field)
        el.clear()
        el.send_keys(value)


def click_submit(d, form_css):
    from selenium.webdriver.common.by import By
    d.find_element(By.CSS_SELECTOR, form_css + ' button[type="submit"]') \
        .click()


def badges(d):
    """The summary badges of a user's page, as written (CSS may
    capitalise what is shown)."""
    from selenium.webdriver.common.by import By
    return [b.get_attribute("textContent") for b in
            d.find_elements(By.CSS_SELECTOR, ".ticket-badges .badge")]


def sign_in(d, st, email, password):
    d.get(st.url("/login"))
    fill(d, {"email": email, "password": password})
    click_submit(d, 'form[action="/login"]')
    wait_path(d, st, "/dashboard")


def test_admin_journey(stack, driver):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    admin = driver
    name = "Agent Journey " + uuid.uuid4().hex[:6]
    email = "agent-journey-%s@example.com" % uuid.uuid4().hex[:10]

    # 1. The admin opens Users and creates an agent with a first password.
    sign_in(admin, stack, stack.admin_email, stack.admin_password)
    admin.find_element(By.CSS_SELECTOR,
                       'nav.nav-admin a[href="/admin/users"]').click()
    wait_path(admin, stack, "/admin/users")
    assert admin.find_element(By.TAG_NAME, "h1").text == "Users"
    names = [a.text for a in admin.find_elements(
        By.CSS_SELECTOR, ".user-table tbody th a")]
    assert "Administrator" in names
    shot(admin, "01-users")
    admin.find_element(By.LINK_TEXT, "New user").click()
    wait_path(admin, stack, "/admin/users/new")
    fill(admin, {"name": name, "email": email, "password": FIRST_PW})
    Select(admin.find_element(By.ID, "role")).select_by_value("agent")
    shot(admin, "02-new-user-filled")
    click_submit(admin, "#form-create")
    uid = wait_path(admin, stack, r"/admin/users/(\d+)").group(1)
    assert "The account has been created." in flash(
        admin, "The account has been created."), hint(admin)
    assert admin.find_element(By.TAG_NAME, "h1").text == name
    assert badges(admin) == ["agent", "Active"], hint(admin)
    assert admin.find_element(By.ID, "email").get_attribute("value") == email
    assert admin.find_element(By.ID, "password").get_attribute("value") == ""
    shot(admin, "03-agent-page")
    # the list shows the new agent first
    admin.find_element(By.CSS_SELECTOR, ".breadcrumb a").click()
    wait_path(admin, stack, "/admin/users")
    first = admin.find_element(By.CSS_SELECTOR, ".user-table tbody tr")
    assert name in first.text and email in first.text, first.text

    with chromium() as other, chromium() as agent:
        # 2. The agent is signed in on two browsers, the "other" first.
        sign_in(other, stack, email, FIRST_PW)
        sign_in(agent, stack, email, FIRST_PW)
        assert agent.find_element(By.CSS_SELECTOR, ".user-chip .badge") \
            .get_attribute("textContent") == "agent"
        agent.get(stack.url("/security"))
        assert len(agent.find_elements(By.CSS_SELECTOR, ".device")) == 2

        # 3. On /account the agent changes the password.
        agent.find_element(By.CSS_SELECTOR,
                           '.user-menu a[href="/account"]').click()
        wait_path(agent, stack, "/account")
        assert agent.find_element(By.TAG_NAME, "h1").text == "Account"
        # the user name for password managers is in the form, not shown
        assert not agent.find_element(By.NAME, "username").is_displayed()
        fill(agent, {"old_password": FIRST_PW, "password": NEW_PW,
                     "password_confirm": NEW_PW})
        click_submit(agent, "#form-password")
        assert "Your password has been changed." in flash(
            agent, "Your password has been changed."), hint(agent)
        wait_path(agent, stack, "/account")
        assert agent.find_element(By.ID, "old_password") \
            .get_attribute("value") == ""
        shot(agent, "04-account")

        # the other browser is signed out at once
        other.get(stack.url("/dashboard"))
        wait_path(other, stack, r"/login\?next=/dashboard")
        # and this one lists only itself
        agent.get(stack.url("/security"))
        devices = agent.find_elements(By.CSS_SELECTOR, ".device")
        assert len(devices) == 1, [x.text for x in devices]
        assert "This device" in devices[0].text
        assert "device-current" in devices[0].get_attribute("class")
        assert agent.find_elements(
            By.CSS_SELECTOR, 'form[action="/security/sessions/revoke-others"]'
        ) == []
        shot(agent, "05-security")
        # the old password is refused, the new one works
        other.get(stack.url("/login"))
        fill(other, {"email": email, "password": FIRST_PW})
        click_submit(other, 'form[action="/login"]')
        assert "Invalid email or password." in wait_text(
            other, ".alert-error", "Invalid email or password."), hint(other)
        sign_in(other, stack, email, NEW_PW)

        # 4. The admin deactivates the agent.
        admin.get(stack.url("/admin/users/" + uid))
        click_submit(admin, "#form-active")
        assert "The account is deactivated" in flash(
            admin, "The account is deactivated"), hint(admin)
        assert badges(admin) == ["agent", "Deactivated"], hint(admin)
        assert admin.find_element(
            By.CSS_SELECTOR, '#form-active button[value="true"]').text == \
            "Activate account"
        shot(admin, "06-agent-deactivated")

        # the agent's next page load lands on the sign-in page, everywhere
        agent.get(stack.url("/tickets"))
        wait_path(agent, stack, r"/login\?next=/tickets")
        other.get(stack.url("/account"))
        wait_path(other, stack, r"/login\?next=/account")
        fill(agent, {"email": email, "password": NEW_PW})
        click_submit(agent, 'form[action="/login"]')
        assert "This account is deactivated." in wait_text(
            agent, ".alert-error", "This account is deactivated."), hint(agent)
        shot(agent, "07-deactivated-sign-in")
