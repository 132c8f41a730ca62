"""Benchmark: the 学习进度 page for a learner with 50 000 answers.

Seeds one candidate with N answers (bulk insert; a year of practice, mock exams and 答辩 rehearsals,
an FSRS card per question answered), then renders /progress/ with the Flask test client: 2 warm-up
renders, then 20 timed ones, each computed afresh (the page's memo is emptied before each; the
repeat view that the memo serves is timed beside it). Target: median and p95 under 200 ms. The CSV export of the same
history is timed once (informational).

    .venv/bin/python bench/progress_page.py [--answers 50000] [--renders 20]   # DATABASE_URL honoured,
                                                                                # else a temp SQLite file

On PostgreSQL give it a database of its own: it drops and recreates every table in it.
"""
from __future__ import annotations

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]
if os.path.dirname(_HERE) not in sys.path:
    sys.path.insert(0, os.path.dirname(_HERE))

import argparse
import random
import shutil
import time
from datetime import datetime, timedelta, timezone

from bench._common import database_url, describe_url, load_shipped_content, make_app, median, percentile, verdict

TARGET_MS = 200.0
SEED = 20260501
BATCH = 5000


def seed_learner(session, answers: int, now: datetime, rng: random.Random) -> int:
    """A candidate with `answers` answers spread over a year; returns the user's id."""
    from sqlalchemy import insert, select

    from training.grading.drawing import ExamItem
    from training.models import (
        DEFENSE, EXAM, PRACTICE, Case, DefenseSession, ExamAttempt, PracticeFilters, PracticeSession, Question,
        Response, ReviewCard, Role, User,
    )
    from training.progress.review import rating_for, review

    user = User(username="bench-progress@example.com", nickname="进度测试", role=Role.candidate)
    user.set_password("bench-progress-password")
    session.add(user)
    session.flush()
    questions = session.execute(select(Question.id, Question.version_id, Question.qtype, Question.area_id)
                                .where(Question.retired.is_(False))).all()
    cases = session.execute(select(Case.id, Case.version_id, Case.kind).where(Case.retired.is_(False))).all()
    skill = {area: rng.uniform(0.35, 0.95) for area in {q.area_id for q in questions}}  # per-area accuracy
    days = 365
    # Studied on about 4 days in 5, more often lately; a rehearsal or a paper now and then.
    studied = [d for d in range(days) if rng.random() < (0.95 if d < 30 else 0.75)]
    exam_days = set(rng.sample(studied, 12))
    defense_days = set(rng.sample(studied, 10))
    rows: list[dict] = []
    last: dict[str, tuple[bool, datetime]] = {}
    per_day = max(1, answers // len(studied))
    for d in studied:
        day = now - timedelta(days=d)
        ps = PracticeSession(user_id=user.id, filter_key=f"bench-{d}", filters=PracticeFilters(), question_ids=[],
                             created_at=day, updated_at=day)
        session.add(ps)
        session.flush()
        for n in range(per_day):
            if len(rows) >= answers:
                break
            q = rng.choice(questions)
            at = day - timedelta(minutes=rng.randint(0, 600), seconds=n)
            right = rng.random() < skill[q.area_id]
            rows.append({"user_id": user.id, "context": PRACTICE, "practice_session_id": ps.id, "round": n, "slot": n,
                         "question_id": q.id, "version_id": q.version_id, "answer": None, "score": 1.0 if right else 0.0,
                         "time_ms": rng.randint(3000, 60000), "answered_at": at, "graded_at": at})
            if q.id not in last or last[q.id][1] < at:
                last[q.id] = (right, at)
        if d in exam_days and len(rows) < answers:
            picked = rng.sample([q for q in questions if q.qtype in ("单选", "多选")], 80)
            items = [ExamItem("question", q.id, q.qtype, q.area_id, 1.0 if q.qtype == "单选" else 2.0, q.version_id)
                     for q in picked]
            attempt = ExamAttempt(user_id=user.id, blueprint_id="exam-theory", paper="理论知识", title="理论知识模拟考试",
                                  items=items, started_at=day - timedelta(hours=2), deadline_at=day,
                                  submitted_at=day - timedelta(minutes=30))
            session.add(attempt)
            session.flush()
            earned = 0.0
            for slot, (q, it) in enumerate(zip(picked, items)):
                right = rng.random() < skill[q.area_id]
                earned += it.points * right
                rows.append({"user_id": user.id, "context": EXAM, "exam_attempt_id": attempt.id, "slot": slot,
                             "question_id": q.id, "version_id": q.version_id, "score": float(right),
                             "points": it.points * right, "points_possible": it.points,
                             "answered_at": day - timedelta(minutes=40), "graded_at": day})
            attempt.points = earned
        if d in defense_days and len(rows) < answers:
            drawn = rng.sample([c for c in cases if c.kind == "答辩"], 3)
            ds = DefenseSession(user_id=user.id, case_ids=[c.id for c in drawn], prep_seconds=300, answer_seconds=300,
                                position=3, created_at=day)
            session.add(ds)
            session.flush()
            for slot, c in enumerate(drawn):
                score = rng.uniform(0.3, 0.95)
                rows.append({"user_id": user.id, "context": DEFENSE, "defense_session_id": ds.id, "slot": slot,
                             "case_id": c.id, "version_id": c.version_id, "text": "先亮观点，再分条展开。" * 20,
                             "score": score, "points": 100 * score, "points_possible": 100,
                             "started_at": day - timedelta(minutes=5), "answered_at": day, "graded_at": day})
    columns = {"answer": None, "text": None, "round": 0, "practice_session_id": None, "exam_attempt_id": None,
               "defense_session_id": None, "question_id": None, "case_id": None, "points": None,
               "points_possible": None, "time_ms": None, "started_at": None, "graded_at": None}
    rows = [{**columns, **r} for r in rows[:answers]]
    for start in range(0, len(rows), BATCH):
        session.execute(insert(Response), rows[start:start + BATCH])
    qtype = {q.id: q.qtype for q in questions}
    cards = []
    for qid, (right, at) in last.items():
        card, due = review(None, rating_for(right, qtype[qid], 20000), at.astimezone(timezone.utc))
        cards.append({"user_id": user.id, "question_id": qid, "card": card, "due_at": due, "reviews": 1,
                      "last_rating": None, "last_response_id": None, "updated_at": at})
    session.execute(insert(ReviewCard), cards)
    session.commit()
    return user.id


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=50_000)
    parser.add_argument("--renders", type=int, default=20)
    args = parser.parse_args()
    url, tmp = database_url()
    print(f"database: {describe_url(url)}")
    app = make_app(url)
    try:
        with app.app_context():
            from sqlalchemy import func, select

            from training.extensions import db
            from training.models import Response, User
            if not load_shipped_content():
                return 1
            t0 = time.perf_counter()
            user_id = seed_learner(db.session, args.answers, datetime.now(timezone.utc), random.Random(SEED))
            n = db.session.execute(select(func.count()).select_from(Response).where(Response.user_id == user_id)).scalar()
            print(f"seeded {n} answers for one learner in {time.perf_counter() - t0:.1f} s")
            session_id = db.session.get(User, user_id).get_id()
            db.session.remove()
        client = app.test_client()
        with client.session_transaction() as sess:
            sess["_user_id"] = session_id
            sess["_fresh"] = True
        for _ in range(2):
            warm = client.get("/progress/")
            assert warm.status_code == 200 and "各领域正确率与掌握度" in warm.get_data(as_text=True), warm.status_code
        times, hits = [], []
        memo = app.extensions.get("personal_pages", {})
        for _ in range(args.renders):
            memo.clear()  # every timed render computes the page (a repeat view is served from the memo)
            t = time.perf_counter()
            response = client.get("/progress/")
            times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200
            t = time.perf_counter()
            client.get("/progress/")
            hits.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        export = client.get("/progress/export.csv")
        body = export.get_data()
        export_s = time.perf_counter() - t
        med, p95 = median(times), percentile(times, 95)
        ok = med < TARGET_MS and p95 < TARGET_MS
        print(f"/progress/ with {n} answers, {args.renders} renders: median {med:.1f} ms, p95 {p95:.1f} ms, "
              f"max {max(times):.1f} ms (target < {TARGET_MS:.0f} ms)")
        print(f"/progress/ repeat view (memoized under the learner's history stamp): median {median(hits):.2f} ms")
        lines = body.count(b"\n") - 1
        print(f"/progress/export.csv: {lines} rows, {len(body) / 1e6:.1f} MB in {export_s:.2f} s (informational)")
        print(f"RESULT: {verdict(ok)}")
        return 0 if ok else 1
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
