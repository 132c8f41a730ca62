"""学习进度: one learner's answers summed up in SQL (per question, per local day, per sitting). No Flask.

Every function takes a Session and the learner's id and returns plain data. Answers are
aggregated by the database (GROUP BY question / day / sitting), so the cost in Python grows
with the number of questions and days, never with the number of answers.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Iterable

from fsrs import Rating
from sqlalchemy import Date, Integer, String, case, cast, func, literal_column, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from ..models import (
    DEFENSE, EXAM, PRACTICE, Area, Case, DefenseSession, ExamAttempt, Question, Response, ReviewCard, Topic,
    case_topics, question_topics,
)
from ..models.base import as_utc
from .review import retrievability

LAPSE = int(Rating.Again)  # the card's last rating when the latest answer was wrong
MASTERED = 0.9  # retrievability at or above which a question counts as mastered (掌握)
WEAK_MIN_ANSWERS = 5  # a knowledge point needs this many answers in the window to be called weak
WEAK_DAYS = 90
WEAK_COUNT = 5
FULL_MARKS = 1.0 - 1e-9  # grading.objective.full_marks, in SQL


def _correct() -> ColumnElement:
    return case((Response.score >= FULL_MARKS, 1), else_=0)


# --- per question ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class QuestionTally:
    """One question's answers by one learner: all of them, the recent ones, the recent practice ones."""
    question_id: str
    answered: int
    correct: int
    recent_answered: int = 0  # within the weak-point window
    recent_correct: int = 0
    practice_answered: int = 0  # practice only, within the readiness window
    practice_score: float = 0.0  # sum of scores (0–1 each) of those


def question_tallies(session: Session, user_id: int, weak_since: datetime,
                     practice_since: datetime) -> tuple[list[QuestionTally], dict[str, int]]:
    """One tally per question the learner has answered, and case id → written or 答辩 answers handed in
    on it. Three GROUP BYs: all answers (questions are answered in practice and mock exams only), the
    weak-point window and the readiness window, the last two over the recent rows only."""
    graded = (Response.user_id == user_id, Response.question_id.is_not(None), Response.score.is_not(None),
              Response.answered_at.is_not(None))
    everything = (select(Response.question_id, Response.case_id, func.count(), func.sum(_correct()))
                  .where(Response.user_id == user_id, Response.answered_at.is_not(None),
                         or_(Response.score.is_not(None), Response.case_id.is_not(None)))
                  .group_by(Response.question_id, Response.case_id))
    recent = dict((qid, (n, c)) for qid, n, c in session.execute(
        select(Response.question_id, func.count(), func.sum(_correct()))
        .where(*graded, Response.answered_at >= weak_since).group_by(Response.question_id)))
    practice = dict((qid, (n, s)) for qid, n, s in session.execute(
        select(Response.question_id, func.count(), func.sum(Response.score))
        .where(*graded, Response.context == PRACTICE, Response.answered_at >= practice_since)
        .group_by(Response.question_id)))
    tallies, cases = [], {}
    for qid, cid, n, c in session.execute(everything):
        if qid is not None:
            rn, rc = recent.get(qid, (0, 0))
            pn, ps = practice.get(qid, (0, 0.0))
            tallies.append(QuestionTally(qid, n, int(c or 0), rn, int(rc or 0), pn, float(ps or 0)))
        elif cid is not None:
            cases[cid] = n
    return tallies, cases


def retrievabilities(session: Session, user_id: int, at: datetime) -> dict[str, float]:
    """Question id → how likely the learner still knows it at `at` (FSRS), one per card (not per answer).

    A question whose latest answer was wrong counts 0 until it is answered right again: FSRS puts any
    card just reviewed near 1, a miss included, and a miss a minute ago is not knowing it."""
    rows = session.execute(select(ReviewCard.question_id, ReviewCard.card, ReviewCard.last_rating)
                           .where(ReviewCard.user_id == user_id))
    return {qid: 0.0 if rating == LAPSE else retrievability(card, at) for qid, card, rating in rows}


# --- content maps (small: one row per item) -----------------------------------------------------------------

@dataclass
class ContentMap:
    """What the syllabus holds, enough to place tallies: live areas, questions, cases and their topics."""
    areas: list[tuple[str, str]]  # (id, title) in syllabus order
    question_area: dict[str, str]
    question_type: dict[str, str]
    case_area: dict[str, str]
    case_kind: dict[str, str]
    topics: dict[str, tuple[str, str]]  # topic id → (title, area id)
    question_topics: dict[str, list[str]]
    case_topics: dict[str, list[str]]


def content_map(session: Session) -> ContentMap:
    areas = session.execute(select(Area.id, Area.title).where(Area.retired.is_(False)).order_by(Area.position)).all()
    questions = session.execute(select(Question.id, Question.area_id, Question.qtype).where(Question.retired.is_(False))).all()
    cases = session.execute(select(Case.id, Case.area_id, Case.kind).where(Case.retired.is_(False))).all()
    topics = session.execute(select(Topic.id, Topic.title, Topic.area_id).where(Topic.retired.is_(False))).all()
    qt: dict[str, list[str]] = {}
    for qid, tid in session.execute(select(question_topics.c.question_id, question_topics.c.topic_id)):
        qt.setdefault(qid, []).append(tid)
    ct: dict[str, list[str]] = {}
    for cid, tid in session.execute(select(case_topics.c.case_id, case_topics.c.topic_id)):
        ct.setdefault(cid, []).append(tid)
    return ContentMap(areas=[(a, t) for a, t in areas], question_area={q: a for q, a, _ in questions},
                      question_type={q: t for q, _, t in questions}, case_area={c: a for c, a, _ in cases},
                      case_kind={c: k for c, _, k in cases}, topics={t: (title, a) for t, title, a in topics},
                      question_topics=qt, case_topics=ct)


# --- per area and per knowledge point ------------------------------------------------------------------------

@dataclass
class AreaStat:
    area_id: str
    title: str
    questions: int = 0  # live questions in the area
    answered: int = 0
    correct: int = 0
    mastered: int = 0  # questions with retrievability >= MASTERED now

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answered if self.answered else None

    @property
    def mastery(self) -> float | None:
        return self.mastered / self.questions if self.questions else None


def area_stats(cmap: ContentMap, tallies: Iterable[QuestionTally], recall: dict[str, float]) -> list[AreaStat]:
    """Accuracy (all answers) and mastery (share of the area's questions known now) per area with questions."""
    stats = {a: AreaStat(a, title) for a, title in cmap.areas}
    for qid, area in cmap.question_area.items():
        if area in stats:
            stats[area].questions += 1
            stats[area].mastered += recall.get(qid, 0.0) >= MASTERED
    for t in tallies:
        area = cmap.question_area.get(t.question_id)
        if area in stats:
            stats[area].answered += t.answered
            stats[area].correct += t.correct
    return [s for s in stats.values() if s.questions]


@dataclass(frozen=True)
class TopicStat:
    topic_id: str
    title: str
    answered: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered


def weakest_topics(cmap: ContentMap, tallies: Iterable[QuestionTally], limit: int = WEAK_COUNT,
                   min_answers: int = WEAK_MIN_ANSWERS) -> list[TopicStat]:
    """The knowledge points with the lowest accuracy in the window, among those answered at least
    min_answers times and not all right; ties: the more answered first."""
    sums: dict[str, list[int]] = {}
    for t in tallies:
        for tid in cmap.question_topics.get(t.question_id, ()):
            s = sums.setdefault(tid, [0, 0])
            s[0] += t.recent_answered
            s[1] += t.recent_correct
    found = [TopicStat(tid, cmap.topics[tid][0], n, c) for tid, (n, c) in sums.items()
             if tid in cmap.topics and n >= min_answers and c < n]
    found.sort(key=lambda s: (s.accuracy, -s.answered, s.topic_id))
    return found[:limit]


# --- per local day ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Day:
    day: date
    answered: int  # every answer handed in (objective, written, 答辩)
    objective: int = 0  # graded objective answers
    correct: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.objective if self.objective else None


def offset_pieces(tz: tzinfo, start: datetime, end: datetime) -> list[tuple[datetime | None, int]]:
    """The zone's UTC offset over [start, end] as constant pieces: [(until, seconds), …, (None, seconds)].
    Asia/Shanghai has one piece; a zone with summer time gets one more per change."""
    def offset(at: datetime) -> int:
        return int(at.astimezone(tz).utcoffset().total_seconds())  # type: ignore[union-attr]

    pieces: list[tuple[datetime | None, int]] = []
    at, current = start, offset(start)
    while at < end:
        step = min(at + timedelta(days=1), end)
        if offset(step) != current:  # the change is within this day: find its hour
            while offset(at + timedelta(hours=1)) == current:
                at += timedelta(hours=1)
            change = at + timedelta(hours=1)
            pieces.append((change, current))
            current, at = offset(change), change
            continue
        at = step
    pieces.append((None, current))
    return pieces


def local_date(column, dialect: str, pieces: list[tuple[datetime | None, int]]) -> ColumnElement:
    """SQL for the calendar date of a UTC timestamp column in the learner's zone."""
    if len(pieces) == 1:
        seconds: ColumnElement = literal_column(str(pieces[0][1]), Integer)
    else:
        seconds = case(*[(column < until, literal_column(str(s), Integer)) for until, s in pieces[:-1]],
                       else_=literal_column(str(pieces[-1][1]), Integer))
    if dialect == "sqlite":  # stored as naive UTC text; date() takes a '+N seconds' modifier
        return func.date(column, func.printf("%+d seconds", seconds), type_=String)
    return cast(func.timezone("UTC", column) + literal_column("interval '1 second'") * seconds, Date)


def daily_activity(session: Session, user_id: int, tz: tzinfo, now: datetime, detail_since: datetime) -> dict[date, Day]:
    """Every day (in tz) on which the learner answered anything, with objective accuracy from detail_since on.

    Two GROUP BYs: the counts read only the (user_id, answered_at) index; the accuracy, which needs the
    rows themselves, only the recent ones."""
    first = session.execute(select(func.min(Response.answered_at)).where(
        Response.user_id == user_id, Response.answered_at.is_not(None))).scalar()
    if first is None:
        return {}
    pieces = offset_pieces(tz, min(as_utc(first), detail_since), now.astimezone(timezone.utc))
    dialect = session.get_bind().dialect.name

    def per_day(*columns, where=()):
        inner = (select(local_date(Response.answered_at, dialect, pieces).label("day"), *columns)
                 .where(Response.user_id == user_id, Response.answered_at.is_not(None), *where).subquery())
        sums = [func.sum(c) for c in list(inner.c)[1:]]
        for day, *values in session.execute(select(inner.c.day, func.count(), *sums).group_by(inner.c.day)):
            yield (day if isinstance(day, date) else date.fromisoformat(day)), values

    counts = {d: n for d, (n,) in per_day()}
    right = {d: (n, int(c or 0)) for d, (n, c) in per_day(
        case((Response.score >= FULL_MARKS, 1), else_=0).label("correct"),
        where=(Response.answered_at >= detail_since, Response.question_id.is_not(None), Response.score.is_not(None)))}
    return {d: Day(d, n, *right.get(d, (0, 0))) for d, n in counts.items()}


def streaks(days: Iterable[date], today: date) -> tuple[int, int]:
    """(current, longest) runs of consecutive days with an answer; the current run ends today or
    yesterday (today not yet studied does not break it)."""
    ordered = sorted(set(days))
    longest = run = 0
    previous = None
    for d in ordered:
        run = run + 1 if previous is not None and d - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = d
    current = run if previous is not None and (today - previous).days in (0, 1) else 0
    return current, longest


def window(activity: dict[date, Day], last: date, days: int) -> list[Day]:
    """The `days` days ending with `last`, those without answers included (zeros)."""
    first = last - timedelta(days=days - 1)
    return [activity.get(first + timedelta(n), Day(first + timedelta(n), 0)) for n in range(days)]


CALENDAR_WEEKS = 17
LEVELS = (1, 10, 30, 60)  # answers a day from which a calendar cell is darker: 1–9, 10–29, 30–59, 60+


def level(answered: int) -> int:
    return sum(answered >= t for t in LEVELS)


def calendar(activity: dict[date, Day], today: date, weeks: int = CALENDAR_WEEKS) -> list[list[Day | None]]:
    """Weeks (Monday first) ending with this week; days after today are None."""
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    out = []
    for w in range(weeks):
        week: list[Day | None] = []
        for d in range(7):
            day = start + timedelta(weeks=w, days=d)
            week.append(None if day > today else activity.get(day, Day(day, 0)))
        out.append(week)
    return out


def local_today(tz: tzinfo, now: datetime) -> date:
    return now.astimezone(tz).date()


def day_start(day: date, tz: tzinfo) -> datetime:
    """The UTC instant at which `day` begins in tz."""
    return datetime.combine(day, time.min, tz).astimezone(timezone.utc)


# --- sittings: mock exams and 答辩 rehearsals -----------------------------------------------------------------

@dataclass(frozen=True)
class Sitting:
    """One handed-in mock exam or one 答辩 rehearsal with a score."""
    kind: str  # exam / defense
    id: int
    paper: str  # 理论知识 / 专业能力 / 综合评审
    title: str
    at: datetime
    score: float | None  # out of 100; None while written answers wait for confirmation
    pass_mark: int
    answers: int = 0  # 答辩: questions scored

    @property
    def passed(self) -> bool | None:
        return None if self.score is None else self.score >= self.pass_mark


def exam_sittings(session: Session, user_id: int) -> list[Sitting]:
    rows = session.execute(select(ExamAttempt.id, ExamAttempt.paper, ExamAttempt.title, ExamAttempt.submitted_at,
                                  ExamAttempt.points, ExamAttempt.pass_mark)
                           .where(ExamAttempt.user_id == user_id, ExamAttempt.submitted_at.is_not(None))
                           .order_by(ExamAttempt.submitted_at))
    return [Sitting(EXAM, i, paper, title, as_utc(at), points, pm) for i, paper, title, at, points, pm in rows]


def defense_sittings(session: Session, user_id: int) -> list[Sitting]:
    """Rehearsals with at least one scored answer; the score is the mean of the scored answers (as on its summary)."""
    stmt = (select(DefenseSession.id, DefenseSession.paper_title, DefenseSession.pass_mark,
                   func.max(Response.answered_at), func.avg(Response.points), func.count())
            .join(Response, Response.defense_session_id == DefenseSession.id)
            .where(DefenseSession.user_id == user_id, Response.context == DEFENSE, Response.points.is_not(None))
            .group_by(DefenseSession.id, DefenseSession.paper_title, DefenseSession.pass_mark)
            .order_by(func.max(Response.answered_at)))
    return [Sitting(DEFENSE, i, "综合评审", f"论文答辩《{paper}》" if paper else "模拟答辩", as_utc(at), float(avg), pm, n)
            for i, paper, pm, at, avg, n in session.execute(stmt)]


@dataclass(frozen=True)
class PaperSample:
    """Graded answers of one kind in the readiness window: how many, and their mean score (0–1)."""
    answers: int = 0
    score: float | None = None


def recent_mock_samples(session: Session, user_id: int, since: datetime) -> dict[str, PaperSample]:
    """Paper → the graded answers given in its mock exams (答辩 rehearsals for 综合评审) since `since`."""
    exam = session.execute(select(ExamAttempt.paper, func.count(), func.avg(Response.score))
                           .join(ExamAttempt, Response.exam_attempt_id == ExamAttempt.id)
                           .where(Response.user_id == user_id, Response.score.is_not(None),
                                  Response.answered_at >= since)
                           .group_by(ExamAttempt.paper)).all()
    out = {paper: PaperSample(n, float(avg)) for paper, n, avg in exam}
    n, avg = session.execute(select(func.count(), func.avg(Response.score)).where(
        Response.user_id == user_id, Response.context == DEFENSE, Response.score.is_not(None),
        Response.answered_at >= since)).one()
    if n:
        out["综合评审"] = PaperSample(n, float(avg))
    return out


def has_answers(session: Session, user_id: int) -> bool:
    return session.execute(select(Response.id).where(
        Response.user_id == user_id, Response.answered_at.is_not(None)).limit(1)).first() is not None
