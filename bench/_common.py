"""Shared helpers for the benchmark scripts: paths, a throw-away app + database, timing."""
from __future__ import annotations

import math
import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
CONTENT = ROOT / "content"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BENCH_SECRET = "bench-only-not-secret"


def database_url() -> tuple[str, str | None]:
    """(SQLAlchemy URL, temp dir to remove or None): DATABASE_URL if set, else a temp SQLite file."""
    url = os.environ.get("DATABASE_URL")
    if url:
        from training.config import normalise_database_url
        return normalise_database_url(url), None
    tmp = tempfile.mkdtemp(prefix="bench-db-")
    return f"sqlite:///{Path(tmp) / 'bench.sqlite'}", tmp


def describe_url(url: str) -> str:
    return url.split("@")[-1] if "@" in url else url


def make_app(url: str):
    """The real app factory, configured so nothing touches instance/."""
    from training import create_app
    return create_app({
        "SECRET_KEY": BENCH_SECRET,
        "SQLALCHEMY_DATABASE_URI": url,
        "TESTING": False,
        "RATELIMIT_STORAGE_URI": "memory://",
    })


def reset_schema() -> None:
    """Drop and recreate every table (call inside an app context)."""
    from sqlalchemy import text

    from training.extensions import db
    db.session.remove()
    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.create_all()


@contextmanager
def timer():
    box = {}
    start = time.perf_counter()
    try:
        yield box
    finally:
        box["s"] = time.perf_counter() - start


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def load_shipped_content() -> bool:
    """Inside an app context: fresh schema, content/ loaded. False (after printing why) if it does not validate."""
    from training.content.sync import sync_content
    from training.content.validate import read_content
    from training.extensions import db
    reset_schema()
    content = read_content(CONTENT)
    if content.problems:
        print(f"content/ has {len(content.problems)} problem(s); cannot load. First ones:")
        for p in content.problems[:10]:
            print(f"  {p}")
        print("RESULT: FAIL (content does not validate)")
        return False
    sync_content(db.session, content)
    db.session.commit()
    return True
