"""F10: nginx reloaded under load (and once with a broken configuration,
which it refuses while the old one keeps serving): no request fails."""
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
    assert load.failed() == 0, load.failures[:10]
    assert all(code == 200 for _, code, _ in probe.samples)
    assert got["lost"] == got["duplicates"] == 0
