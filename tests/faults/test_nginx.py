"""F10: nginx reloaded under load (and once with a broken configuration,
which it refuses while the old one keeps serving): nginx fails no
request, and every write is acknowledged."""
import os
import signal
import subprocess
import time

from faultlib import check, report, scaled


def nginx_pid(st):
    with open(os.path.join(st.var, "run", "nginx.pid")) as f:
        return int(f.read().strip())


def test_reloads_fail_nothing(stack, load, probe):
    conf = os.path.join(stack.var, "nginx", "nginx.conf")
    good = open(conf).read()
    load.start()
    time.sleep(1)
    reloads = 0
    end = time.time() + scaled(8, 120)
    while time.time() < end:
        os.kill(nginx_pid(stack), signal.SIGHUP)
        reloads += 1
        time.sleep(0.5)
    with open(conf, "a") as f:
        f.write("\nthis is not nginx configuration;\n")
    try:
        t = subprocess.run(["/usr/sbin/nginx", "-t", "-c", conf, "-p",
                            os.path.join(stack.var, "nginx")],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert t.returncode != 0
        os.kill(nginx_pid(stack), signal.SIGHUP)
        time.sleep(2)
    finally:
        with open(conf, "w") as f:
            f.write(good)
    os.kill(nginx_pid(stack), signal.SIGHUP)
    time.sleep(1)
    load.stop()
    got = check(stack, load)
    report("F10 nginx reload", load, "; %d reloads + 1 refused" % reloads)
    # No request failed on nginx's side.  A request sent on a kept-alive
    # connection in the instant the old workers close it breaks on the
    # client's side (HTTP/1.1's keep-alive race): a GET is sent again at
    # once, as browsers do; a keyed write is retried with its key.  Those
    # are counted, and must stay rare.
    assert [k for k in load.attempts.n if k.startswith("http-")] == [], \
        load.attempts.n
    assert load.attempts.get("socket") <= max(1, reloads // 50), \
        load.failures[:10]
    assert load.unacked == 0
    assert probe.failed() == [], (probe.failed(), probe.errors)
    assert probe.retried <= max(1, reloads // 50), probe.errors
    assert got["lost"] == got["duplicates"] == 0
