"""Attachments through the ticket page in Chromium: a client attaches a
screenshot (the thumbnail loads through the session), a disguised HTML
file is refused with a clear message, the agent sees the file and the
history says who attached what.  Screenshots: tests/out/screenshots/
tickets-upload-*.png.  Shares the browser stack (conftest.py).
"""
import os
import struct
import tempfile
import uuid
import zlib

import pytest

from test_tickets_journey import (CHROMIUM, flash, hint, register, shot,
                                  sign_in, sign_out)

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason="no /usr/bin/chromium")


def png(w, h):
    """A real w x h RGB PNG: a blue-to-green gradient."""
    def chunk(t, d):
        return (struct.pack(">I", len(d)) + t + d +
                struct.pack(">I", zlib.crc32(t + d)))
    rows = b"".join(b"\x00" + b"".join(
        bytes((30, 60 + 150 * x // w, 200 - 120 * y // h))
        for x in range(w)) for y in range(h))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def api_ticket(st, user, title):
    import requests
    s = requests.Session()
    s.verify = st.ca
    s.trust_env = False
    r = s.post(st.url("/api/auth/login"), timeout=15,
               json={"email": user["email"], "password": user["password"]})
    assert r.status_code == 200, r.text
    r = s.post(st.url("/api/tickets"), timeout=15,
               headers={"Authorization": "Bearer " + r.json()["token"]},
               json={"title": title, "description": "See the screenshot."})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def upload(d, path):
    from selenium.webdriver.common.by import By
    d.find_element(By.ID, "file").send_keys(path)
    d.find_element(By.CSS_SELECTOR, "#form-upload button[type=submit]").click()


def test_upload_journey(stack, driver):
    from selenium.webdriver.common.by import By

    d = driver
    client = register(stack, "Uma Upload")
    agent = register(stack, "Ari Upload", role="agent")
    tid = api_ticket(stack, client, "Broken chart " + uuid.uuid4().hex[:6])
    stack.psql("INSERT INTO ticket_assignments (ticket_id, agent_id) "
               "VALUES (%d, %d)" % (int(tid), int(agent["id"])))
    tmp = tempfile.mkdtemp(prefix="ssts-upload-")
    os.chmod(tmp, 0o755)
    shot_png = os.path.join(tmp, "chart screenshot.png")
    with open(shot_png, "wb") as f:
        f.write(png(120, 80))
    fake = os.path.join(tmp, "invoice.png")
    with open(fake, "wb") as f:
        f.write(b"<!DOCTYPE html><html><script>alert(1)</script></html>")

    # 0. A new ticket through the form, with its log file attached.
    log = os.path.join(tmp, "export.log")
    with open(log, "w") as f:
        f.write("12:00:01 export started\n12:00:09 worker timeout\n")
    sign_in(d, stack, client)
    d.get(stack.url("/tickets/new"))
    title = "Export times out " + uuid.uuid4().hex[:6]
    d.find_element(By.ID, "title").send_keys(title)
    d.find_element(By.ID, "description").send_keys("The log is attached.")
    d.find_element(By.ID, "file").send_keys(log)
    shot(d, "upload-00-new-ticket-with-file")
    d.find_element(By.CSS_SELECTOR, 'form[action="/tickets/new"] '
                   'button[type="submit"]').click()
    assert "Your ticket has been created" in flash(
        d, "Your ticket has been created"), hint(d)
    assert d.find_element(By.TAG_NAME, "h1").text == title
    names = [e.text for e in d.find_elements(By.CSS_SELECTOR, ".file-name")]
    assert names == ["export.log"], names
    sign_out(d, stack)

    # 1. The client attaches a screenshot; its thumbnail loads.
    sign_in(d, stack, client)
    d.get(stack.url("/tickets/" + tid))
    assert "No files yet." in d.page_source
    upload(d, shot_png)
    assert "The file has been attached." in flash(
        d, "The file has been attached."), hint(d)
    names = [e.text for e in d.find_elements(By.CSS_SELECTOR, ".file-name")]
    assert names == ["chart screenshot.png"], names
    img = d.find_element(By.CSS_SELECTOR, ".file-thumb img")
    d.execute_script("arguments[0].scrollIntoView()", img)
    loaded = d.execute_script(
        "const i = arguments[0]; return i.complete && i.naturalWidth;", img)
    assert loaded == 120, "thumbnail did not load: %r" % loaded
    shot(d, "upload-01-client-attached")

    # 2. HTML disguised as a PNG is refused; nothing new is listed.
    upload(d, fake)
    assert "not accepted" in flash(d, "not accepted"), hint(d)
    assert len(d.find_elements(By.CSS_SELECTOR, ".file-name")) == 1
    shot(d, "upload-02-client-refused")
    sign_out(d, stack)

    # 3. The assigned agent sees the file and who attached it.
    sign_in(d, stack, agent)
    d.get(stack.url("/tickets/" + tid))
    meta = d.find_element(By.CSS_SELECTOR, ".file-meta").text
    assert "Uma Upload" in meta, meta
    history = d.find_element(By.CSS_SELECTOR, ".history").text
    assert "Uma Upload attached chart screenshot.png" in history, history
    shot(d, "upload-03-agent-sees-file")
    sign_out(d, stack)
