"""A ticket's life, driven through Debian's Chromium with Selenium: a
client opens a ticket through the form, the admin assigns it to an agent,
the agent starts it, replies (and leaves an internal note) and resolves
it, and the client reads the answer and closes it.  Screenshots go to
tests/out/screenshots/tickets-*.png.  Skipped (not failed) without
/usr/bin/chromium.  Shares the browser stack (conftest.py).

Run: /usr/bin/python3 -m pytest -q tests/browser/test_tickets_journey.py
"""
import os
import sys
import uuid

import pytest
import requests

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "http"))
import stack as stackmod  # noqa: E402
from test_admin_journey import wait_path  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
SHOTS = os.path.join(stackmod.OUT, "screenshots")
PASSWORD = "Br0wser-Tickets"

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason="no /usr/bin/chromium")


def register(st, name, role="client"):
    """A user made through the JSON API (agents promoted in SQL)."""
    email = "%s-%s@example.com" % (role, uuid.uuid4().hex[:10])
    s = requests.Session()
    s.verify = st.ca
    s.trust_env = False
    r = s.post(st.url("/api/auth/register"), timeout=15,
               json={"name": name, "email": email, "password": PASSWORD})
    assert r.status_code == 201, r.text
    uid = r.json()["id"]
    if role != "client":
        st.psql("UPDATE users SET role = '%s' WHERE id = %d" % (role, int(uid)))
    return {"email": email, "password": PASSWORD, "id": uid, "name": name}


def shot(d, name, full=True):
    """Saves tests/out/screenshots/tickets-<name>.png, whole page tall."""
    os.makedirs(SHOTS, exist_ok=True)
    size = d.get_window_size()
    if full:
        h = d.execute_script("return document.documentElement.scrollHeight")
        d.set_window_size(size["width"], min(max(h + 40, 600), 4000))
    d.save_screenshot(os.path.join(SHOTS, "tickets-%s.png" % name))
    d.set_window_size(size["width"], size["height"])


def hint(d):
    """The error code and flash of the current page, for messages."""
    from selenium.webdriver.common.by import By
    bits = [e.text for e in d.find_elements(By.CSS_SELECTOR,
                                            ".error-code, .flash, .alert")]
    return " | ".join(bits)


def sign_in(d, st, user):
    from selenium.webdriver.common.by import By
    d.get(st.url("/login"))
    d.find_element(By.ID, "email").send_keys(user["email"])
    d.find_element(By.ID, "password").send_keys(user["password"])
    d.find_element(By.CSS_SELECTOR,
                   'form[action="/login"] button[type="submit"]').click()
    assert wait_path(d, st, "/dashboard"), hint(d)


def sign_out(d, st):
    from selenium.webdriver.common.by import By
    d.find_element(By.CSS_SELECTOR, 'form[action="/logout"] button').click()
    assert wait_path(d, st, "/login"), hint(d)


def flash(d, want=""):
    """The flash message's text, waiting up to 10 s for one containing
    `want`: a click returns before the browser has loaded the next page."""
    import time
    from selenium.webdriver.common.by import By
    end = time.time() + 10
    while True:
        try:
            els = d.find_elements(By.CSS_SELECTOR, ".flash")
            text = els[0].text if els else ""
        except Exception:   # the page changed under us: look again
            text = ""
        if want in text and text or time.time() > end:
            return text
        time.sleep(0.1)


def status_badge(d):
    from selenium.webdriver.common.by import By
    return d.find_element(By.CSS_SELECTOR, ".ticket-badges li:first-child "
                          ".badge").text


def status_button(d, value):
    from selenium.webdriver.common.by import By
    return d.find_element(By.CSS_SELECTOR,
                          '#form-status button[value="%s"]' % value)


def offered(d):
    from selenium.webdriver.common.by import By
    return sorted(b.get_attribute("value") for b in
                  d.find_elements(By.CSS_SELECTOR, "#form-status button"))


def test_ticket_journey(stack, driver):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    d = driver
    client = register(stack, "Clara Journey")
    agent = register(stack, "Alex Journey", role="agent")
    admin = {"email": stack.admin_email, "password": stack.admin_password}
    title = "Invoice export fails " + uuid.uuid4().hex[:6]
    secret = "note" + uuid.uuid4().hex[:10]

    # 1. The client opens a ticket through the form.
    sign_in(d, stack, client)
    d.get(stack.url("/tickets"))
    assert "No tickets yet" in d.page_source
    shot(d, "01-client-empty-list")
    d.find_element(By.LINK_TEXT, "Create a ticket").click()
    assert wait_path(d, stack, "/tickets/new"), hint(d)
    d.find_element(By.ID, "title").send_keys(title)
    d.find_element(By.ID, "description").send_keys(
        "Export in Billing does nothing.\nSteps:\n1. Billing\n2. Export")
    Select(d.find_element(By.ID, "category_id")).select_by_visible_text(
        "Billing")
    Select(d.find_element(By.ID, "priority_id")).select_by_visible_text("High")
    shot(d, "02-new-ticket-filled")
    d.find_element(By.CSS_SELECTOR, 'form[action="/tickets/new"] '
                   'button[type="submit"]').click()
    m = wait_path(d, stack, r"/tickets/(\d+)")
    assert m, hint(d)
    tid = m.group(1)
    assert "Your ticket has been created" in flash(d, "Your ticket has been created")
    assert d.find_element(By.TAG_NAME, "h1").text == title
    assert status_badge(d) == "Open"
    body = d.find_element(By.CSS_SELECTOR, ".post-opening .post-body")
    assert body.text.splitlines()[:2] == ["Export in Billing does nothing.",
                                          "Steps:"]
    assert d.find_elements(By.ID, "is_internal") == []
    assert d.find_elements(By.ID, "agent_id") == []
    assert offered(d) == ["Closed"]
    shot(d, "03-client-ticket-created")
    sign_out(d, stack)

    # 2. The admin assigns it to the agent.
    sign_in(d, stack, admin)
    d.get(stack.url("/tickets"))
    d.find_element(By.LINK_TEXT, title).click()
    assert wait_path(d, stack, "/tickets/" + tid), hint(d)
    Select(d.find_element(By.ID, "agent_id")).select_by_value(agent["id"])
    d.find_element(By.ID, "note").send_keys("Alex, billing is yours.")
    shot(d, "04-admin-assigning")
    d.find_element(By.CSS_SELECTOR, "#form-assign button[type=submit]").click()
    assert "The ticket has been assigned." in flash(d, "The ticket has been assigned."), hint(d)
    assert "Alex Journey" in d.find_element(By.CSS_SELECTOR, ".meta").text
    shot(d, "05-admin-assigned")
    sign_out(d, stack)

    # 3. The agent starts it, replies, leaves a note and resolves it.
    sign_in(d, stack, agent)
    d.get(stack.url("/tickets"))
    d.find_element(By.LINK_TEXT, title).click()
    assert wait_path(d, stack, "/tickets/" + tid), hint(d)
    assert offered(d) == ["In Progress"]
    status_button(d, "In Progress").click()
    assert "status has been updated" in flash(d, "status has been updated"), hint(d)
    assert status_badge(d) == "In Progress"
    d.find_element(By.ID, "message").send_keys(
        "Found it: the PDF worker was stuck.\nPlease try again.")
    d.find_element(By.CSS_SELECTOR, "#form-reply button[type=submit]").click()
    assert "Your reply has been added." in flash(d, "Your reply has been added."), hint(d)
    d.find_element(By.ID, "message").send_keys("Restarted worker " + secret)
    d.find_element(By.ID, "is_internal").click()
    d.find_element(By.CSS_SELECTOR, "#form-reply button[type=submit]").click()
    assert "Internal note added." in flash(d, "Internal note added."), hint(d)
    notes = d.find_elements(By.CSS_SELECTOR, ".post-internal")
    assert len(notes) == 1 and secret in notes[0].text
    assert "Internal note" in notes[0].text
    shot(d, "06-agent-replied")
    status_button(d, "Resolved").click()
    assert "status has been updated" in flash(d, "status has been updated"), hint(d)
    assert status_badge(d) == "Resolved", hint(d)
    shot(d, "07-agent-resolved")
    sign_out(d, stack)

    # 4. The client reads the answer and closes the ticket.
    sign_in(d, stack, client)
    d.get(stack.url("/tickets/" + tid))
    assert "Found it: the PDF worker was stuck." in d.page_source
    assert secret not in d.page_source
    assert d.find_elements(By.CSS_SELECTOR, ".post-internal") == []
    assert offered(d) == ["Closed", "In Progress"]
    status_button(d, "Closed").click()
    assert "status has been updated" in flash(d, "status has been updated"), hint(d)
    assert status_badge(d) == "Closed", hint(d)
    assert d.find_elements(By.ID, "form-reply") == []
    assert d.find_elements(By.ID, "form-status") == []
    shot(d, "08-client-closed")
    d.set_window_size(390, 844)
    shot(d, "09-client-closed-phone")
    d.get(stack.url("/tickets"))
    shot(d, "10-client-list-phone")
    d.set_window_size(1280, 900)
    d.get(stack.url("/tickets"))
    row = d.find_element(By.CSS_SELECTOR, ".ticket-table tbody tr")
    assert title in row.text and "Closed" in row.text
    shot(d, "11-client-list")
