"""班级统计: the figures of the class statistics pages, as pure functions over plain data. No Flask, no database.

The views hand in what SQL has already summed up (first answers per student and question,
counts per key point, per student) and get back figures. A figure is shown only above a
minimum sample; below it the page says 样本不足, and where the figure is undefined (a
correlation with a constant variable) it says —.

Definitions (the pages state the same):

- **Scope.** A class sees, for each member, only the answers given from the start of the day
  (Asia/Shanghai) on which that member joined; answers of people who left or were removed are
  not seen at all.
- **First answer.** For one student and one objective question, the earliest graded answer in
  scope (practice or mock exam). Item figures use first answers only, because later attempts
  follow the feedback of the first.
- **Facility** (通过率) of a question: the share of the students who answered it whose first
  answer was fully right. Shown from MIN_STUDENTS students.
- **Rest score** of student s for question q: the share of fully right first answers among all
  the *other* objective questions s answered in scope (q itself left out, so the item is not
  correlated with itself). A student who answered no other question has no rest score.
- **Discrimination** (区分度) of q: the point-biserial correlation, over the students who answered
  q and have a rest score, between the item score x (1 = first answer right, 0 = not) and the rest
  score y:  r = (M1 − M0) / s · √(p(1 − p)), where M1 and M0 are the mean rest scores of the
  students with x = 1 and x = 0, p the share with x = 1, and s the population standard deviation
  of y over those students (this is Pearson's r of x and y). Shown from MIN_STUDENTS such students;
  undefined (—) when everyone got q right or everyone got it wrong, or all rest scores are equal.
- **Most-chosen wrong option**: over all wrong answers in scope (every attempt), the option
  picked most often that is not a right one (单选: the option chosen; 多选: each chosen option not
  in the key; 判断: the value chosen). Ties go to the option written first in the current version.
- **Credit rate** of a key point of a case: the share of the answers in scope whose result credits
  the point (the candidate's confirmation where given, else the matcher's suggestion). Shown
  from MIN_STUDENTS students.
- **Accuracy** of a student (overall or in an area): fully right graded objective answers /
  graded objective answers in scope, every attempt counted. Shown from MIN_ANSWERS answers.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Hashable, Iterable, Mapping, Sequence, TypeVar

MIN_STUDENTS = 5  # item and key-point figures, class figures per area
MIN_ANSWERS = 5  # a student's accuracy, overall or in one area
FEW = "样本不足"
UNDEFINED = "—"

T = TypeVar("T")


@dataclass(frozen=True)
class Figure:
    """A number that may be missing, and why: below the minimum sample (FEW) or undefined."""

    value: float | None = None
    missing: str = ""

    @classmethod
    def of(cls, value: float | None, n: int, minimum: int) -> "Figure":
        if n < minimum:
            return cls(None, FEW)
        if value is None:
            return cls(None, UNDEFINED)
        return cls(value)

    @property
    def shown(self) -> bool:
        return self.value is not None

    def percent(self) -> str:
        return self.missing if self.value is None else f"{round(self.value * 100)}%"

    def decimal(self, places: int = 2) -> str:
        if self.value is None:
            return self.missing
        text = f"{self.value:.{places}f}"
        return "0.00" if text == "-0.00" else text

    def worst_first_key(self, low_is_bad: bool = True) -> tuple:
        """Shown figures first (the worst at the top), then undefined ones, then those below the sample."""
        if self.value is None:
            return (1 if self.missing == UNDEFINED else 2, 0.0)
        return (0, self.value if low_is_bad else -self.value)


# --- correlation ------------------------------------------------------------------------------------------

def point_biserial(pairs: Sequence[tuple[bool, float]]) -> float | None:
    """r between a right/wrong item score and a continuous rest score (see the module docstring);
    None when either is constant (everyone right, everyone wrong, or all rest scores equal) or n < 2."""
    n = len(pairs)
    if n < 2:
        return None
    rest = [y for _, y in pairs]
    right = [y for x, y in pairs if x]
    wrong = [y for x, y in pairs if not x]
    if not right or not wrong:
        return None
    mean = sum(rest) / n
    sd = math.sqrt(sum((y - mean) ** 2 for y in rest) / n)
    if sd < 1e-12:
        return None
    p = len(right) / n
    r = (sum(right) / len(right) - sum(wrong) / len(wrong)) / sd * math.sqrt(p * (1 - p))
    return max(-1.0, min(1.0, r))


# --- items ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ItemFigures:
    question_id: str
    students: int  # students with a first answer in scope
    right: int  # of them, right the first time
    facility: Figure
    discrimination: Figure
    paired: int = 0  # students with a rest score (the sample of the discrimination)


def rest_score(answers: Mapping[str, bool], question_id: str) -> float | None:
    """The share right of one student's first answers to every question but question_id (None if none)."""
    others = [right for qid, right in answers.items() if qid != question_id]
    return sum(others) / len(others) if others else None


def item_analysis(first: Mapping[Hashable, Mapping[str, bool]], min_students: int = MIN_STUDENTS) -> dict[str, ItemFigures]:
    """Facility and discrimination per question from first answers: student → question → right."""
    by_question: dict[str, list[Hashable]] = {}
    for student, answers in first.items():
        for qid in answers:
            by_question.setdefault(qid, []).append(student)
    out = {}
    for qid, students in by_question.items():
        right = sum(first[s][qid] for s in students)
        pairs = [(first[s][qid], r) for s in students if (r := rest_score(first[s], qid)) is not None]
        out[qid] = ItemFigures(
            question_id=qid, students=len(students), right=right,
            facility=Figure.of(right / len(students), len(students), min_students),
            discrimination=Figure.of(point_biserial(pairs), len(pairs), min_students), paired=len(pairs))
    return out


def chosen_wrong(qtype: str, key: Any, answer: Any) -> list[str]:
    """The options a wrong answer chose that are not right (in keys; 判断 as 'true'/'false')."""
    if qtype == "单选":
        return [answer] if isinstance(answer, str) and answer != key else []
    if qtype == "多选":
        right = set(key or [])
        return sorted({a for a in answer if isinstance(a, str) and a not in right}) if isinstance(answer, list) else []
    if qtype == "判断":
        return [str(answer).lower()] if isinstance(answer, bool) and answer != key else []
    return []  # 排序 and 匹配 have no options to pick wrongly


@dataclass(frozen=True)
class WrongOption:
    key: str
    count: int  # wrong answers that chose it
    wrong_answers: int  # all wrong answers to the question

    @property
    def share(self) -> float:
        return self.count / self.wrong_answers if self.wrong_answers else 0.0


def most_chosen_wrong(qtype: str, key: Any, wrong_answers: Iterable[Any], order: Sequence[str] = ()) -> WrongOption | None:
    """The wrong option chosen most often (ties: the one written first in `order`, then by key)."""
    counts: Counter[str] = Counter()
    total = 0
    for answer in wrong_answers:
        total += 1
        counts.update(chosen_wrong(qtype, key, answer))
    if not counts:
        return None
    rank = {k: i for i, k in enumerate(order)}
    best = min(counts, key=lambda k: (-counts[k], rank.get(k, len(rank)), k))
    return WrongOption(best, counts[best], total)


# --- key points -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PointFigures:
    case_id: str
    point_key: str
    answers: int
    students: int
    credited: int
    credit: Figure


def point_figures(case_id: str, point_key: str, answers: int, students: int, credited: int,
                  min_students: int = MIN_STUDENTS) -> PointFigures:
    rate = credited / answers if answers else None
    return PointFigures(case_id, point_key, answers, students, credited, Figure.of(rate, students, min_students))


# --- students ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Tally:
    answered: int = 0
    correct: int = 0

    def accuracy(self, minimum: int = MIN_ANSWERS) -> Figure:
        return Figure.of(self.correct / self.answered if self.answered else None, self.answered, minimum)

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(self.answered + other.answered, self.correct + other.correct)


@dataclass(frozen=True)
class ExamScore:
    paper: str
    title: str
    at: datetime
    points: float | None  # out of 100; None while written answers wait for confirmation


@dataclass
class StudentFigures:
    user_id: int
    name: str
    joined_at: datetime
    last_active: datetime | None = None
    answers: int = 0  # every answer in scope: objective, written, 答辩
    objective: Tally = field(default_factory=Tally)
    by_area: dict[str, Tally] = field(default_factory=dict)
    exams: list[ExamScore] = field(default_factory=list)  # handed in, oldest first
    tasks_done: int = 0
    tasks: int = 0

    @property
    def accuracy(self) -> Figure:
        return self.objective.accuracy()

    @property
    def scored_exams(self) -> list[float]:
        return [e.points for e in self.exams if e.points is not None]

    @property
    def latest_exam(self) -> float | None:
        scores = self.scored_exams
        return scores[-1] if scores else None

    @property
    def best_exam(self) -> float | None:
        return max(self.scored_exams, default=None)


def area_totals(students: Iterable[StudentFigures], min_students: int = MIN_STUDENTS) -> dict[str, tuple[Tally, int, Figure]]:
    """Area → (the class's summed tally, students who answered there, the class accuracy figure)."""
    sums: dict[str, Tally] = {}
    who: Counter[str] = Counter()
    for s in students:
        for area, tally in s.by_area.items():
            if tally.answered:
                sums[area] = sums.get(area, Tally()) + tally
                who[area] += 1
    return {a: (t, who[a], Figure.of(t.correct / t.answered, who[a], min_students)) for a, t in sums.items()}


# --- assignments ------------------------------------------------------------------------------------------

NOT_STARTED, IN_PROGRESS, DONE, OVERDUE = "未开始", "进行中", "已完成", "已逾期"
STATUS_ORDER = {OVERDUE: 0, NOT_STARTED: 1, IN_PROGRESS: 2, DONE: 3}  # worst first
STATUS_CLASS = {NOT_STARTED: "todo", IN_PROGRESS: "doing", DONE: "done", OVERDUE: "late"}


def task_status(done: bool, started: bool, due_at: datetime | None, now: datetime) -> str:
    """未开始 / 进行中 / 已完成 / 已逾期: done wins; past the due time an unfinished task is overdue."""
    if done:
        return DONE
    if due_at is not None and now > due_at:
        return OVERDUE
    return IN_PROGRESS if started else NOT_STARTED


# --- sorting ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SortSpec:
    """One way to sort a table: its label and a key that puts the worst first."""
    label: str
    key: Callable[[Any], Any]


def sort_rows(rows: Iterable[T], spec: SortSpec, tie: Callable[[T], Any]) -> list[T]:
    """Rows by spec.key, then tie (a stable, unique order: equal figures never shuffle between loads)."""
    return sorted(rows, key=lambda r: (spec.key(r), tie(r)))


def later_is_better(at: datetime | None) -> tuple:
    """Sort key for 'last active', the longest idle first: never-active students lead."""
    return (0, 0.0) if at is None else (1, at.timestamp())


def histogram(values: Iterable[float], edges: Sequence[float]) -> list[int]:
    """Counts of values in [edges[i], edges[i+1]) (the last band includes its upper edge)."""
    counts = [0] * (len(edges) - 1)
    for v in values:
        for i in range(len(counts)):
            last = i == len(counts) - 1
            if edges[i] <= v < edges[i + 1] or (last and v == edges[-1]):
                counts[i] += 1
                break
    return counts
