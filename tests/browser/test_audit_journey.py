"""The admin reads the audit log, driven through Debian's Chromium with
Selenium in two browsers (separate profiles, so separate cookies):

  client  signs up, opens a ticket and tries an admin page: refused;
  admin   sees the dashboard's charts, opens "Audit log" from the admin bar, filters by the action
          access_denied with the form, finds the client's attempt (who, what
          route, from which address), opens the entity link, comes back and
          verifies the hash chain with the button: "The chain verifies" and
          the head hash; then the same page at phone width.

Screenshots go to tests/out/screenshots/admin-audit-*.png.  Skipped (not
failed) without /usr/bin/chromium.  Shares the browser stack (conftest.py).

Run: /usr/bin/python3 -m pytest -q tests/browser/test_audit_journey.py
"""
import os
import re
import uuid

import pytest

from test_admin_journey import (chromium, click_submit, fill, hint, shot,
                                sign_in, wait_path, wait_text)

pytestmark = pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"),
                                reason="no /usr/bin/chromium")


def register(d, st, name, email, password):
    d.get(st.url("/register"))
    fill(d, {"name": name, "email": email, "password": password,
             "password_confirm": password})
    click_submit(d, 'form[action="/register"]')
    wait_path(d, st, "/dashboard")


def test_audit_journey(stack, driver):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    admin = driver
    name = "Curious Client " + uuid.uuid4().hex[:6]
    email = "curious-%s@example.com" % uuid.uuid4().hex[:10]

    # 1. A client opens a ticket, then tries the admin's user list and is
    #    refused.
    with chromium() as client:
        register(client, stack, name, email, "Cur1ous-Client-pw")
        client.get(stack.url("/tickets/new"))
        fill(client, {"title": "Where is my invoice?",
                      "description": "It did not arrive this month."})
        click_submit(client, 'form[action="/tickets/new"]')
        wait_path(client, stack, r"/tickets/\d+")
        client.get(stack.url("/admin/users"))
        assert "permission" in wait_text(client, "main", "permission"), \
            hint(client)
        assert not client.find_elements(By.CSS_SELECTOR, ".user-table")

    # 2. The admin lands on the dashboard (charts drawn on the server),
    #    opens the audit log and filters on refusals.
    sign_in(admin, stack, stack.admin_email, stack.admin_password)
    charts = admin.find_elements(By.CSS_SELECTOR, 'svg[role="img"]')
    assert charts, hint(admin)
    for c in charts:
        assert c.size["width"] > 100 and c.size["height"] > 50, c.size
    shot(admin, "audit-00-dashboard")
    admin.find_element(By.CSS_SELECTOR,
                       'nav.nav-admin a[href="/admin/audit"]').click()
    wait_path(admin, stack, "/admin/audit")
    assert admin.find_element(By.TAG_NAME, "h1").text == "Audit log"
    shot(admin, "audit-01-log")
    fill(admin, {"f-action": "access_denied"})
    Select(admin.find_element(By.ID, "f-type")).select_by_value("user")
    click_submit(admin, 'form[action="/admin/audit"]')
    wait_path(admin, stack, r"/admin/audit\?.*action=access_denied.*")
    rows = admin.find_elements(By.CSS_SELECTOR, ".audit-table tbody tr")
    mine = [r for r in rows if name in r.text]
    assert mine, hint(admin)
    text = mine[0].text
    assert "access_denied" in text and "/admin/users" in text, text
    assert "127.0.0.1" in text, text
    assert admin.find_element(By.ID, "f-action").get_attribute("value") == \
        "access_denied"
    shot(admin, "audit-02-refusals")

    # 3. The entity link leads to the client's account page.
    mine[0].find_element(By.CSS_SELECTOR, 'td[data-label="On"] a').click()
    wait_path(admin, stack, r"/admin/users/\d+")
    assert admin.find_element(By.TAG_NAME, "h1").text == name
    admin.back()
    wait_path(admin, stack, r"/admin/audit\?.*")

    # 4. The chain verifies, and the page says up to which link.
    admin.find_element(By.CSS_SELECTOR,
                       'form[action="/admin/audit/verify#verdict"] button') \
        .click()
    verdict = wait_text(admin, "#verdict", "The chain verifies")
    assert "The chain verifies" in verdict, hint(admin)
    assert re.search(r"\b[0-9a-f]{64}\b", verdict), verdict
    shot(admin, "audit-03-verified")

    # 5. At phone width the rows stay readable (no sideways scrolling of
    #    the page itself).
    admin.set_window_size(390, 844)
    admin.get(stack.url("/admin/audit"))
    wide = admin.execute_script(
        "return document.documentElement.scrollWidth > "
        "document.documentElement.clientWidth + 1")
    shot(admin, "audit-04-phone")
    admin.set_window_size(1280, 900)
    assert not wide, "the audit page scrolls sideways on a phone"
