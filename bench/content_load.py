"""Benchmark: validating and loading content into an empty database (issue 12).

Targets: the shipped content/ read, checked, synced and committed in under 1 s; a synthetic
10 000-question bank (bench/synthetic.py) in under 10 s — on SQLite and on PostgreSQL, on a busy machine.
Every round starts cold: a fresh schema, and the caches of parsed files and rendered Markdown emptied,
as in a new server process. The figure judged is the median of the rounds; the load average (1 min)
is printed at the start and end of each round, because on a shared 2-core machine it moves the result.

Phases (summed over the round): parse = parse_document; check = the rest of read_content (cross-file
checks, punctuation, raw HTML); plan = sync_content outside the database (payloads, fingerprints,
what changed); write = bulk inserts, other statements and the commit. After the 10k rounds, one
reload of the unchanged bank in the same process shows what the caches save.

    /work/main/.venv/bin/python bench/content_load.py                  # a temp SQLite file
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_load /work/main/.venv/bin/python bench/content_load.py
    /work/main/.venv/bin/python bench/content_load.py --rounds 5 --profile   # also cProfile one 10k load
    /work/main/.venv/bin/python bench/content_load.py --profile-shipped       # cProfile the first shipped load
"""
from __future__ import annotations

import os
import sys

# Run as a script: put the project root on sys.path so `bench.*` and `training` import.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]
if os.path.dirname(_HERE) not in sys.path:
    sys.path.insert(0, os.path.dirname(_HERE))

import argparse
import cProfile
import io
import pstats
import shutil
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from bench._common import CONTENT, database_url, describe_url, make_app, median, reset_schema, verdict
from bench.synthetic import make_synthetic_content

TARGET_REAL_S = 1.0
TARGET_SYNTH_S = 10.0
SYNTH_FILES, SYNTH_PER_FILE = 10, 1000
PHASES = ("parse", "check", "plan", "write")


class PhaseClock:
    """Seconds spent in the parts of a load, measured by wrapping the functions that make them up.

    seconds["bulk"] is time in sync.insert_rows (COPY / executemany), seconds["sql"] time in other
    statements, seconds["commit"] time in commits; wrap() adds named functions (parse_document …).
    """

    def __init__(self, engine):
        from sqlalchemy import event
        from sqlalchemy.orm import Session

        from training.content import sync

        self.seconds: Counter = Counter()
        self._in_bulk = False
        self._statement_start = self._commit_start = 0.0
        self._patched: list[tuple[object, str, object]] = []

        def before_statement(*_):
            self._statement_start = time.perf_counter()

        def after_statement(*_):
            if not self._in_bulk:  # statements inside insert_rows are already counted as bulk
                self.seconds["sql"] += time.perf_counter() - self._statement_start

        def before_commit(*_):
            self._commit_start = time.perf_counter()

        def after_commit(*_):
            if self._commit_start:
                self.seconds["commit"] += time.perf_counter() - self._commit_start
                self._commit_start = 0.0

        self._listeners = [(engine, "before_cursor_execute", before_statement),
                           (engine, "after_cursor_execute", after_statement),
                           (engine, "commit", before_commit), (Session, "after_commit", after_commit)]
        for target, name, fn in self._listeners:
            event.listen(target, name, fn)
        self.wrap(sync, "insert_rows", "bulk", bulk=True)

    def wrap(self, module, name: str, phase: str, bulk: bool = False) -> None:
        """Time every call of module.name (looked up at call time) under `phase`."""
        real = getattr(module, name)

        def timed(*args, **kwargs):
            start = time.perf_counter()
            self._in_bulk = self._in_bulk or bulk
            try:
                return real(*args, **kwargs)
            finally:
                if bulk:
                    self._in_bulk = False
                self.seconds[phase] += time.perf_counter() - start

        setattr(module, name, timed)
        self._patched.append((module, name, real))

    @property
    def write(self) -> float:
        return self.seconds["bulk"] + self.seconds["sql"] + self.seconds["commit"]

    def close(self) -> None:
        from sqlalchemy import event

        for module, name, real in reversed(self._patched):
            setattr(module, name, real)
        for target, name, fn in self._listeners:
            event.remove(target, name, fn)

    def reset(self) -> None:
        self.seconds.clear()
        self._commit_start = 0.0


@contextmanager
def phase_clock(engine):
    clock = PhaseClock(engine)
    try:
        yield clock
    finally:
        clock.close()


def load_once(root: Path, clock: PhaseClock, profile: cProfile.Profile | None = None):
    """read_content + sync_content + commit from cold caches; returns (content, report, {phase: s}, total s)."""
    from training.content.parse import forget_parsed
    from training.content.sync import sync_content
    from training.content.validate import read_content
    from training.extensions import db

    forget_parsed()
    clock.reset()
    if profile:
        profile.enable()
    cpu = time.process_time()
    start = time.perf_counter()
    content = read_content(root)
    read_s = time.perf_counter() - start
    report = None
    if not content.problems:
        t0 = time.perf_counter()
        report = sync_content(db.session, content)
        sync_s = time.perf_counter() - t0
        db.session.commit()
    total = time.perf_counter() - start
    if profile:
        profile.disable()
    s = clock.seconds
    phases = {"parse": s["parse"], "check": read_s - s["parse"], "cpu": time.process_time() - cpu}
    if report is not None:
        phases.update(plan=sync_s - s["bulk"] - s["sql"], write=clock.write)
    return content, report, phases, total


def run_rounds(title: str, root: Path, rounds: int, target: float, clock: PhaseClock,
               profile: cProfile.Profile | None = None) -> tuple[bool, object]:
    totals, phases_all, content, report = [], [], None, None
    print(f"\n[{title}] {root}")
    for n in range(rounds):
        reset_schema()
        load_before = os.getloadavg()[0]
        content, report, phases, total = load_once(root, clock, profile if n == 0 else None)
        if content.problems:
            print(f"  content has {len(content.problems)} problem(s); cannot load. First ones:")
            for p in content.problems[:10]:
                print(f"    {p}")
            print(f"  target < {target:.0f} s: FAIL (content does not validate)")
            return False, content
        totals.append(total)
        phases_all.append(phases)
        print(f"  round {n + 1}: total {total:6.2f} s = " + " + ".join(f"{k} {phases[k]:.2f}" for k in PHASES)
              + f"; CPU of this process {phases['cpu']:.2f} s; load average {load_before:.1f} → {os.getloadavg()[0]:.1f}")
    print(f"  topics {len(content.topics)}, cases {len(content.cases)}, banks {len(content.banks)}, "
          f"questions {len(content.questions)}; added {report.added['question']} questions, "
          f"{report.versions['question']} question versions")
    med = median(totals)
    print(f"  median of {rounds}: total {med:.2f} s; phases " +
          ", ".join(f"{k} {median([p[k] for p in phases_all]):.2f} s" for k in PHASES) +
          f"; CPU of this process {median([p['cpu'] for p in phases_all]):.2f} s (the database server's not counted)")
    ok = med < target
    print(f"  target median < {target:.0f} s: {verdict(ok)} ({med:.2f} s)")
    return ok, content


def show_profile(profile: cProfile.Profile, title: str, n: int = 25) -> None:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).strip_dirs().sort_stats("cumulative")
    stats.print_stats(n)
    print(f"\n--- cProfile: {title} (top {n} by cumulative time) ---")
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:8000])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--profile", action="store_true", help="cProfile the first 10k round")
    ap.add_argument("--profile-shipped", action="store_true", help="cProfile the first shipped round")
    args = ap.parse_args()
    url, tmp_db = database_url()
    tmp_synth = None
    from training.extensions import db
    print(f"content_load benchmark — database: {describe_url(url)}; {args.rounds} rounds; "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    try:
        app = make_app(url)
        tmp_synth = tempfile.mkdtemp(prefix="bench-synth-")
        with app.app_context(), phase_clock(db.engine) as clock:
            from training.content import validate
            clock.wrap(validate, "parse_document", "parse")
            prof_shipped = cProfile.Profile() if args.profile_shipped else None
            real_ok, _ = run_rounds("shipped content", CONTENT, args.rounds, TARGET_REAL_S, clock, prof_shipped)

            t0 = time.perf_counter()
            root = make_synthetic_content(tmp_synth, files=SYNTH_FILES, per_file=SYNTH_PER_FILE)
            print(f"\n(synthetic bank: {SYNTH_FILES} files x {SYNTH_PER_FILE} questions, "
                  f"generated in {time.perf_counter() - t0:.1f} s)")
            prof = cProfile.Profile() if args.profile else None
            synth_ok, content = run_rounds("synthetic 10k", root, args.rounds, TARGET_SYNTH_S, clock, prof)
            n_q = SYNTH_FILES * SYNTH_PER_FILE
            assert len(content.questions) == n_q, f"expected {n_q} questions, got {len(content.questions)}"

            # Reload of the unchanged set in the same process (warm caches): everything is "unchanged".
            from training.content.sync import sync_content
            from training.content.validate import read_content
            clock.reset()
            t0 = time.perf_counter()
            report = sync_content(db.session, read_content(root))
            db.session.commit()
            print(f"  reload (unchanged, warm): {time.perf_counter() - t0:.2f} s; questions unchanged "
                  f"{report.unchanged['question']}, updated {report.updated['question']}, added {report.added['question']}")
            if report.unchanged["question"] != n_q:
                print("  NOTE: reload did not find every question unchanged (fingerprints not stable)")

            print(f"\nRESULT: shipped {verdict(real_ok)}, synthetic 10k {verdict(synth_ok)}; "
                  f"load average now {os.getloadavg()[0]:.1f}")
            if prof_shipped:
                show_profile(prof_shipped, "first shipped round: read_content + sync_content + commit", 40)
            if prof:
                show_profile(prof, "first synthetic 10k round: read_content + sync_content + commit")
            db.session.remove()
            if tmp_db is None:  # a real server: leave it empty as we found it (schema-wise)
                db.drop_all()
    finally:
        if tmp_synth:
            shutil.rmtree(tmp_synth, ignore_errors=True)
        if tmp_db:
            shutil.rmtree(tmp_db, ignore_errors=True)
    return 0 if real_ok and synth_ok else 1


if __name__ == "__main__":
    sys.exit(main())
