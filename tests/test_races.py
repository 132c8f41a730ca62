"""At most once under real concurrency: bench/races.py against gunicorn on PostgreSQL.

Twenty identical requests at once for every write (sign-up, start paper, exam save, hand-in,
practice answer, star, begin and submit 答辩) must leave exactly one row and never a 500.
Runs only when the suite runs on PostgreSQL (SQLite serialises writers, so it proves nothing).
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy.engine import make_url

from support import ROOT

URL = os.environ.get("TEST_DATABASE_URL", "")


@pytest.mark.skipif(not URL.startswith("postgresql"), reason="races are tested on PostgreSQL (TEST_DATABASE_URL)")
def test_twenty_simultaneous_identical_writes_leave_one_row_and_no_500():
    server = make_url(URL).set(database="postgres").render_as_string(hide_password=False)
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "races.py"), "--rounds", "1", "--database-url", server],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "RESULT: PASS (8/8 races held)" in run.stdout, run.stdout[-2000:]
