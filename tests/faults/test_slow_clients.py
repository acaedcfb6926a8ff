"""F12: slow clients (Debian's slowhttptest from 127.0.0.1) holding
connections open with endless headers, a body sent a byte at a time,
or answers read a byte at a time, while a probe from another loopback
address (127.0.0.2) and a steady load keep being served: every probe
answered, p99 under a second, no request of the load failed.  nginx
holds slow headers in its own connections (8192 of them) until
client_header_timeout, and limits requests in progress per address
(256), which is what stops slow bodies and slow readers."""
import subprocess

import pytest

from faultlib import Load, Probe, check, report, scaled

MODES = {
    "headers": ["-H", "-i", "10"],
    "body": ["-B", "-i", "10", "-s", "8192"],
    "read": ["-X", "-k", "3", "-n", "32", "-w", "1", "-y", "2", "-z", "1"],
}


def slowhttptest(st, mode, seconds):
    url = st.url("/login") if mode == "body" else st.url("/static/ssts.css")
    return subprocess.Popen(
        ["slowhttptest", "-c", str(scaled(1000, 4000)), "-r", "300", "-l",
         str(seconds), "-t", "POST" if mode == "body" else "GET",
         "-u", url] + MODES[mode],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.mark.parametrize("mode", sorted(MODES))
def test_slow_clients_do_not_starve_others(stack, mode):
    probe = Probe(stack, source="127.0.0.2").start()
    load = Load(stack, source="127.0.0.3").start()
    secs = scaled(12, 120)
    p = slowhttptest(stack, mode, secs)
    try:
        out, _ = p.communicate(timeout=secs + 60)
    finally:
        p.kill()
    probe.stop()
    load.stop()
    got = check(stack, load)
    lat = sorted(x[2] for x in probe.samples)
    codes = [x[1] for x in probe.samples]
    p99 = lat[int(len(lat) * 0.99) - 1]
    report("F12 slow %s" % mode, load, "; probe %d, p99 %.3f s"
           % (len(codes), p99))
    assert "connected" in out, out[-2000:]
    assert codes and all(c == 200 for c in codes), \
        [c for c in codes if c != 200][:10]
    assert p99 < 1.0
    assert load.failed() == 0, load.failures[:10]
    assert got["lost"] == got["duplicates"] == 0
