"""The fault suite's fixtures: one private stack per module (a fault may
leave a stack in a state the next module should not inherit), on the
release build unless SSTS_BIN says otherwise."""
import os

import pytest

import faultlib
from faultlib import stackmod


@pytest.fixture(scope="module")
def stack(request):
    name = "faults-" + request.module.__name__.rsplit(".", 1)[-1]
    st = stackmod.start_stack(name)
    try:
        yield st
    finally:
        st.stop()


@pytest.fixture
def load(stack):
    ld = faultlib.Load(stack)
    yield ld
    if not ld.stop_ev.is_set():
        ld.stop()


@pytest.fixture
def probe(stack):
    p = faultlib.Probe(stack).start()
    yield p
    p.stop()


def pytest_report_header(config):
    return "faults: %s, %s req/s" % (os.environ.get("SSTS_FAULTS", "short"),
                                      faultlib.RATE)
