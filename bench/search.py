"""Benchmark: Chinese search latency through training.search.search.

Target: p95 under 30 ms over all shipped content, and with a synthetic 10 000-question set
loaded on top. What is timed is what the search page runs (study.routes.site_search: the
in-memory entries of the current content version); the database's LIKE path is timed too,
for comparison. Baseline (same run): p95 of a trivial SELECT 1 through db.session.execute.

    .venv/bin/python bench/search.py      # DATABASE_URL honoured, else a temp SQLite file
"""
from __future__ import annotations

import os
import sys

# Run as a script: put the project root on sys.path so `bench.*` and `training` import.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]
if os.path.dirname(_HERE) not in sys.path:
    sys.path.insert(0, os.path.dirname(_HERE))

import random
import re
import shutil
import tempfile
import time

from bench._common import (
    load_shipped_content,
    database_url,
    describe_url,
    make_app,
    median,
    percentile,
    timer,
    verdict,
)
from bench.synthetic import make_synthetic_content

TARGET_P95_MS = 30.0
MIN_SEARCHES = 500
N_BIGRAMS = 200
SEED = 1234
FIXED = ["投诉", "流失", "服务", "满意度", "首问负责制", "量子力学", "服务 质量"]
SYNTH_BUDGET_S = 45.0  # the 10k pass is informational; cap its running time
CJK_BIGRAM = re.compile(r"(?=([\u4e00-\u9fff]{2}))")


def build_queries(session) -> tuple[list[str], int]:
    """200 random distinct CJK bigrams from the loaded search texts (seeded) + the fixed queries."""
    from sqlalchemy import select

    from training.models import SearchEntry
    bigrams: set[str] = set()
    for title, text in session.execute(select(SearchEntry.title, SearchEntry.text)):
        for s in (title, text):
            bigrams.update(CJK_BIGRAM.findall(s or ""))
    pool = sorted(bigrams)
    rng = random.Random(SEED)
    picked = rng.sample(pool, min(N_BIGRAMS, len(pool)))
    return picked + FIXED, len(pool)


def run_searches(session, queries: list[str], min_count: int, budget_s: float | None = None, sql: bool = False):
    """Time the site's search for every query (or search() on the database with sql), in rounds, until
    min_count searches (or the time budget) are done."""
    from training.search import search as sql_search
    from training.study.routes import site_search

    def search(session, q):
        return sql_search(session, q) if sql else site_search(q)
    for q in queries[:10]:  # warm-up: statement cache, regex cache, the in-memory entries
        search(session, q)
    times, hits, started = [], {}, time.perf_counter()
    while len(times) < min_count:
        for q in queries:
            t0 = time.perf_counter()
            _, _, total = search(session, q)
            times.append((time.perf_counter() - t0) * 1000)
            hits[q] = total
        if budget_s is not None and time.perf_counter() - started > budget_s:
            break
    return times, hits


def run_select1(session, count: int) -> list[float]:
    from sqlalchemy import text
    stmt = text("SELECT 1")
    for _ in range(20):
        session.execute(stmt).scalar()
    times = []
    for _ in range(count):
        t0 = time.perf_counter()
        session.execute(stmt).scalar()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def summary(label: str, times: list[float]) -> str:
    return (f"{label}: n={len(times)}  p50={median(times):.2f} ms  p95={percentile(times, 95):.2f} ms  "
            f"max={max(times):.2f} ms")


def slowest(times_by_query: dict[str, list[float]], hits: dict[str, int], n: int = 5) -> str:
    worst = sorted(times_by_query.items(), key=lambda kv: -median(kv[1]))[:n]
    return ", ".join(f"{q!r} {median(t):.1f} ms ({hits[q]} hits)" for q, t in worst)


def per_query(queries: list[str], times: list[float]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for i, t in enumerate(times):
        out.setdefault(queries[i % len(queries)], []).append(t)
    return out


def main() -> int:
    from training.content.sync import sync_content
    from training.content.validate import read_content
    from training.extensions import db
    from training.models import SearchEntry

    url, tmp_db = database_url()
    tmp_synth = None
    print(f"search benchmark — database: {describe_url(url)}")
    try:
        app = make_app(url)
        tmp_synth = tempfile.mkdtemp(prefix="bench-synth-")
        with app.app_context():
            if not load_shipped_content():
                return 0
            n_entries = db.session.execute(db.select(db.func.count()).select_from(SearchEntry)).scalar_one()
            queries, pool = build_queries(db.session)
            print(f"\n[shipped content] {n_entries} search entries; {pool} distinct CJK bigrams, sampled "
                  f"{len(queries) - len(FIXED)} (seed {SEED}) + {len(FIXED)} fixed queries")

            times, hits = run_searches(db.session, queries, MIN_SEARCHES)
            base = run_select1(db.session, len(times))
            p95, base_p95 = percentile(times, 95), percentile(base, 95)
            print("  " + summary("search   ", times))
            print("  " + summary("SELECT 1 ", base))
            print(f"  ratio p95 search / p95 SELECT 1 = {p95 / base_p95:.0f}x")
            print("  fixed queries (hits): " + ", ".join(f"{q!r} {hits[q]}" for q in FIXED))
            print("  slowest by median: " + slowest(per_query(queries, times), hits))
            ok = p95 < TARGET_P95_MS
            print(f"  target p95 < {TARGET_P95_MS:.0f} ms: {verdict(ok)} ({p95:.2f} ms)")

            # ---- informational: + synthetic 10k questions ---------------------------
            with timer() as t_load:
                root = make_synthetic_content(tmp_synth, copy_all=True)
                synth = read_content(root)
                assert not synth.problems, "\n".join(map(str, synth.problems[:20]))
                report = sync_content(db.session, synth)
                db.session.commit()
            n_entries = db.session.execute(db.select(db.func.count()).select_from(SearchEntry)).scalar_one()
            print(f"\n[shipped + synthetic 10k] {n_entries} search entries "
                  f"(added {report.added['question']} questions, retired {sum(report.retired.values())}; "
                  f"generate + load took {t_load['s']:.1f} s)")
            times2, hits2 = run_searches(db.session, queries, MIN_SEARCHES, budget_s=SYNTH_BUDGET_S)
            sql2, _ = run_searches(db.session, queries, len(queries), budget_s=SYNTH_BUDGET_S, sql=True)
            base2 = run_select1(db.session, len(times2))
            p95_2 = percentile(times2, 95)
            print("  " + summary("search   ", times2))
            print("  " + summary("SQL LIKE ", sql2) + "  (the database path, for comparison)")
            print("  " + summary("SELECT 1 ", base2))
            print(f"  ratio p95 search / p95 SELECT 1 = {p95_2 / percentile(base2, 95):.0f}x")
            print("  fixed queries (hits): " + ", ".join(f"{q!r} {hits2[q]}" for q in FIXED))
            print("  slowest by median: " + slowest(per_query(queries, times2), hits2))
            if len(times2) < MIN_SEARCHES:
                print(f"  (stopped after {len(times2)} searches: {SYNTH_BUDGET_S:.0f} s budget)")
            ok2 = p95_2 < TARGET_P95_MS
            print(f"  target p95 < {TARGET_P95_MS:.0f} ms with 10k questions: {verdict(ok2)} ({p95_2:.2f} ms)")

            print(f"\nRESULT: search p95 {p95:.2f} ms shipped, {p95_2:.2f} ms with 10k questions -> {verdict(ok and ok2)}")
            db.session.remove()
            if tmp_db is None:
                db.drop_all()
    finally:
        if tmp_synth:
            shutil.rmtree(tmp_synth, ignore_errors=True)
        if tmp_db:
            shutil.rmtree(tmp_db, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
