"""The deployment tests (tests/deploy): `make install`, the systemd units,
the nginx site for a real host, refusing bad secrets, backup and restore,
and upgrading a database made by older migrations."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "faults"))
