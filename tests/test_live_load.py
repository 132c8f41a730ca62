"""课堂互动 under load, small: bench/classroom_load.py with 50 phones against gunicorn -w 2 on PostgreSQL.

Fails on any lost or duplicate answer, a second player for a reloaded phone, or a wrong score (the
bench's exit status 1). Latency is the full-size bench's business (exit status 2 is accepted here,
since the suite shares two cores). Runs when the suite runs on PostgreSQL, like test_races.py.
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy.engine import make_url

from support import ROOT

URL = os.environ.get("TEST_DATABASE_URL", "")


@pytest.mark.skipif(not URL.startswith("postgresql"), reason="the load check runs on PostgreSQL (TEST_DATABASE_URL)")
def test_fifty_phones_lose_no_answer_and_count_none_twice():
    server = make_url(URL).set(database="postgres").render_as_string(hide_password=False)
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "classroom_load.py"), "--players", "50",
                          "--questions", "3", "--seconds", "2", "--lead", "0.3", "--poll-ms", "300",
                          "--reveal-pause", "0.2", "--join-spread", "0.5", "--answer-within", "0.5",
                          "--database-url", server],
                         cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert run.returncode in (0, 2), run.stdout[-3000:] + run.stderr[-2000:]
    assert "lost 0, duplicates 0, wrong score/points 0" in run.stdout, run.stdout[-2000:]
    assert "answers expected 150, accepted 150, stored 150" in run.stdout, run.stdout[-2000:]
