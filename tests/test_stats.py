"""training/progress/stats.py: per-question, per-day and per-sitting aggregates of one learner's answers."""
from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from training.extensions import db
from training.models import Case, DefenseSession, Question, Response, ReviewCard
from training.progress import stats
from training.progress.review import review, rating_for

from support import make_attempt, make_practice_set, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
_round = itertools.count(1)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.fixture
def learner(app, loaded):
    return make_user()


@pytest.fixture
def practice(learner):
    return make_practice_set(learner, [])


def answer(user, ps, question: Question, right: bool, at: datetime, **kw) -> Response:
    """A graded practice answer at a given instant (a new round each time, so any number per question)."""
    row = Response(user_id=user.id, context="practice", practice_session_id=ps.id, round=next(_round), slot=0,
                   question_id=question.id, version_id=question.version_id, score=1.0 if right else 0.0,
                   answered_at=at, graded_at=at, **kw)
    db.session.add(row)
    db.session.flush()
    return row


def questions(n: int, area: str | None = None) -> list[Question]:
    stmt = db.select(Question).where(Question.retired.is_(False)).order_by(Question.id)
    if area:
        stmt = stmt.where(Question.area_id == area)
    return db.session.execute(stmt.limit(n)).scalars().all()


# --- pure helpers ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("days, today, expected", [
    ([], date(2026, 5, 10), (0, 0)),
    ([date(2026, 5, 10)], date(2026, 5, 10), (1, 1)),
    ([date(2026, 5, 8), date(2026, 5, 9)], date(2026, 5, 10), (2, 2)),  # today not studied yet: still running
    ([date(2026, 5, 7), date(2026, 5, 8)], date(2026, 5, 10), (0, 2)),  # missed yesterday: broken
    ([date(2026, 5, 1), date(2026, 5, 2), date(2026, 5, 3), date(2026, 5, 9), date(2026, 5, 10)],
     date(2026, 5, 10), (2, 3)),
    ([date(2026, 5, 10), date(2026, 5, 10)], date(2026, 5, 10), (1, 1)),  # the same day twice counts once
])
def test_streaks(days, today, expected):
    assert stats.streaks(days, today) == expected


def test_calendar_is_whole_weeks_from_monday_ending_this_week():
    today = date(2026, 5, 13)  # a Wednesday
    activity = {today: stats.Day(today, 4)}
    weeks = stats.calendar(activity, today)
    assert len(weeks) == stats.CALENDAR_WEEKS and all(len(w) == 7 for w in weeks)
    assert weeks[0][0].day.weekday() == 0 and weeks[0][0].day == date(2026, 1, 19)
    assert weeks[-1][2].day == today and weeks[-1][2].answered == 4
    assert weeks[-1][3] is None and weeks[-1][6] is None  # after today
    assert weeks[-1][1].answered == 0


def test_window_fills_days_without_answers():
    last = date(2026, 5, 10)
    days = stats.window({date(2026, 5, 9): stats.Day(date(2026, 5, 9), 3, 2, 1)}, last, 30)
    assert len(days) == 30 and days[0].day == date(2026, 4, 11) and days[-1].day == last
    assert days[-2].answered == 3 and days[-2].accuracy == 0.5 and days[-1].accuracy is None


@pytest.mark.parametrize("answered, level", [(0, 0), (1, 1), (9, 1), (10, 2), (29, 2), (30, 3), (59, 3), (60, 4), (500, 4)])
def test_calendar_levels(answered, level):
    assert stats.level(answered) == level


def test_offset_pieces_constant_in_shanghai():
    assert stats.offset_pieces(SHANGHAI, utc(2025, 1, 1), utc(2026, 12, 1)) == [(None, 8 * 3600)]


def test_offset_pieces_follow_summer_time():
    pieces = stats.offset_pieces(BERLIN, utc(2026, 3, 1), utc(2026, 11, 30))
    assert pieces == [(utc(2026, 3, 29, 1), 3600), (utc(2026, 10, 25, 1), 7200), (None, 3600)]


# --- on the database ------------------------------------------------------------------------------------

def test_days_are_counted_in_the_learners_zone(learner, practice):
    q = questions(1)[0]
    answer(learner, practice, q, True, utc(2026, 3, 1, 15, 59))  # 23:59 on 1 March in Shanghai
    answer(learner, practice, q, False, utc(2026, 3, 1, 16, 1))  # 00:01 on 2 March
    answer(learner, practice, q, True, utc(2026, 3, 2, 1, 0))
    days = stats.daily_activity(db.session, learner.id, SHANGHAI, utc(2026, 3, 3), utc(2026, 2, 1))
    assert days == {date(2026, 3, 1): stats.Day(date(2026, 3, 1), 1, 1, 1),
                    date(2026, 3, 2): stats.Day(date(2026, 3, 2), 2, 2, 1)}


def test_days_across_a_change_to_summer_time(learner, practice):
    q = questions(1)[0]
    answer(learner, practice, q, True, utc(2026, 3, 28, 23, 30))  # 00:30 on 29 March, winter time
    answer(learner, practice, q, True, utc(2026, 3, 29, 22, 30))  # 00:30 on 30 March, summer time
    answer(learner, practice, q, True, utc(2026, 3, 29, 21, 30))  # 23:30 on 29 March, summer time
    days = stats.daily_activity(db.session, learner.id, BERLIN, utc(2026, 4, 1), utc(2026, 3, 1))
    assert {d: v.answered for d, v in days.items()} == {date(2026, 3, 29): 2, date(2026, 3, 30): 1}


def test_accuracy_only_from_the_detail_window(learner, practice):
    q = questions(1)[0]
    answer(learner, practice, q, True, utc(2026, 1, 5, 2))
    answer(learner, practice, q, True, utc(2026, 3, 5, 2))
    days = stats.daily_activity(db.session, learner.id, SHANGHAI, utc(2026, 3, 6), utc(2026, 3, 1))
    assert days[date(2026, 1, 5)] == stats.Day(date(2026, 1, 5), 1, 0, 0)  # counted for the calendar only
    assert days[date(2026, 3, 5)].accuracy == 1.0


def test_no_answers_no_days(learner):
    assert stats.daily_activity(db.session, learner.id, SHANGHAI, utc(2026, 3, 3), utc(2026, 2, 1)) == {}
    assert not stats.has_answers(db.session, learner.id)


def test_tallies_and_areas(learner, practice):
    plan = questions(3, "plan")
    now = utc(2026, 6, 1)
    answer(learner, practice, plan[0], True, now - timedelta(days=200))
    answer(learner, practice, plan[0], False, now - timedelta(days=10))
    answer(learner, practice, plan[1], True, now - timedelta(days=2))
    other = make_user()  # another learner's answers never count
    answer(other, make_practice_set(other, []), plan[2], True, now - timedelta(days=1))
    tallies, cases = stats.question_tallies(db.session, learner.id, now - timedelta(days=90), now - timedelta(days=30))
    by_id = {t.question_id: t for t in tallies}
    assert set(by_id) == {plan[0].id, plan[1].id} and cases == {}
    assert by_id[plan[0].id] == stats.QuestionTally(plan[0].id, 2, 1, 1, 0, 1, 0.0)
    assert by_id[plan[1].id] == stats.QuestionTally(plan[1].id, 1, 1, 1, 1, 1, 1.0)
    cmap = stats.content_map(db.session)
    card, _ = review(None, rating_for(True, plan[1].qtype, 20000), now - timedelta(hours=1))
    db.session.add(ReviewCard(user_id=learner.id, question_id=plan[1].id, card=card, due_at=now + timedelta(days=2)))
    db.session.flush()
    recall = stats.retrievabilities(db.session, learner.id, now)
    assert recall[plan[1].id] > stats.MASTERED
    areas = {a.area_id: a for a in stats.area_stats(cmap, tallies, recall)}
    n_plan = sum(1 for a in cmap.question_area.values() if a == "plan")
    assert (areas["plan"].answered, areas["plan"].correct, areas["plan"].mastered, areas["plan"].questions) == (3, 2, 1, n_plan)
    assert areas["plan"].accuracy == pytest.approx(2 / 3) and areas["plan"].mastery == pytest.approx(1 / n_plan)
    assert areas["ethics"].accuracy is None and areas["ethics"].mastery == 0
    assert "thesis" not in areas  # no questions: no bar


def test_a_question_just_missed_is_not_remembered(learner):
    q = questions(1)[0]
    now = utc(2026, 6, 1)
    card, due = review(None, rating_for(False, q.qtype, 20000), now - timedelta(minutes=1))
    db.session.add(ReviewCard(user_id=learner.id, question_id=q.id, card=card, due_at=due, last_rating=1))
    db.session.flush()
    assert stats.retrievabilities(db.session, learner.id, now) == {q.id: 0.0}


def test_weakest_topics_need_enough_answers_and_a_mistake(learner, practice):
    cmap = stats.content_map(db.session)
    by_topic: dict[str, list[str]] = {}
    for qid, tids in cmap.question_topics.items():
        if len(tids) == 1:
            by_topic.setdefault(tids[0], []).append(qid)
    (weak, weak_q), (strong, strong_q), (few, few_q) = [(t, qs[0]) for t, qs in sorted(by_topic.items())[:3]]
    now = utc(2026, 6, 1)
    q = {qid: db.session.get(Question, qid) for qid in (weak_q, strong_q, few_q)}
    for n in range(6):
        answer(learner, practice, q[weak_q], n < 2, now - timedelta(days=n + 1))  # 2 of 6
        answer(learner, practice, q[strong_q], True, now - timedelta(days=n + 1))  # all right: not weak
    for n in range(4):
        answer(learner, practice, q[few_q], False, now - timedelta(days=n + 1))  # too few answers
    answer(learner, practice, q[strong_q], False, now - timedelta(days=120))  # outside the window
    tallies, _ = stats.question_tallies(db.session, learner.id, now - timedelta(days=stats.WEAK_DAYS), now)
    weakest = stats.weakest_topics(cmap, tallies)
    assert [(t.topic_id, t.answered, t.correct) for t in weakest] == [(weak, 6, 2)]
    assert weakest[0].title == cmap.topics[weak][0]


def test_sittings_and_recent_mock_samples(learner):
    qs = questions(2)
    attempt = make_attempt(learner, "exam-theory", qs, submitted_at=utc(2026, 5, 1, 3), points=50.0)
    make_attempt(learner, "exam-theory", qs)  # still open: not a sitting
    db.session.add(Response(user_id=learner.id, context="exam", exam_attempt_id=attempt.id, slot=0,
                            question_id=qs[0].id, version_id=qs[0].version_id, score=1.0, points=50,
                            answered_at=utc(2026, 5, 1, 2)))
    case = db.session.execute(db.select(Case).where(Case.kind == "答辩").limit(1)).scalar()
    ds = DefenseSession(user_id=learner.id, case_ids=[case.id, case.id], prep_seconds=60, answer_seconds=60)
    db.session.add(ds)
    db.session.flush()
    for slot, points in enumerate((70.0, None)):
        db.session.add(Response(user_id=learner.id, context="defense", defense_session_id=ds.id, slot=slot,
                                case_id=case.id, version_id=case.version_id, text="答", points=points,
                                score=None if points is None else points / 100, points_possible=100,
                                answered_at=utc(2026, 5, 2, 2)))
    db.session.flush()
    exams = stats.exam_sittings(db.session, learner.id)
    assert [(s.kind, s.id, s.score, s.passed) for s in exams] == [("exam", attempt.id, 50.0, False)]
    defenses = stats.defense_sittings(db.session, learner.id)
    assert [(s.kind, s.id, s.score, s.answers, s.passed) for s in defenses] == [("defense", ds.id, 70.0, 1, True)]
    samples = stats.recent_mock_samples(db.session, learner.id, utc(2026, 4, 20))
    assert samples == {"理论知识": stats.PaperSample(1, 1.0), "综合评审": stats.PaperSample(1, 0.7)}
    assert stats.recent_mock_samples(db.session, learner.id, utc(2026, 5, 3)) == {}
    _, cases = stats.question_tallies(db.session, learner.id, utc(2026, 1, 1), utc(2026, 1, 1))
    assert cases == {case.id: 2}
