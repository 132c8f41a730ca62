"""The rows of the class statistics tables, their sort orders and their columns for export. No Flask.

The pages and the exports (CSV, Excel) read the same rows, so a figure is computed once and the
download says what the page says.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable

from ..content.payloads import LETTERS, QuestionPayload
from ..models import Case, Question
from ..progress import classstats as cs
from ..progress.classstats import Figure, ItemFigures, SortSpec, StudentFigures, WrongOption

# --- how a cell is written --------------------------------------------------------------------------------

TEXT, INT, PERCENT, DECIMAL, TIME, SCORE = "text", "int", "percent", "decimal", "time", "score"


@dataclass(frozen=True)
class Column:
    title: str
    kind: str
    get: Callable[[Any], Any]


# --- students ---------------------------------------------------------------------------------------------

STUDENT_SORTS = {
    "accuracy": SortSpec("正确率（低→高）", lambda s: s.accuracy.worst_first_key()),
    "idle": SortSpec("最近活跃（久未活跃在前）", lambda s: cs.later_is_better(s.last_active)),
    "answers": SortSpec("作答数（少→多）", lambda s: s.answers),
    "exam": SortSpec("最近模拟考试成绩（低→高）", lambda s: (s.latest_exam is None, s.latest_exam or 0)),
    "tasks": SortSpec("作业完成（少→多）", lambda s: s.tasks_done - s.tasks),
    "name": SortSpec("姓名", lambda s: s.name),
}

STUDENT_COLUMNS = [
    Column("学员", TEXT, lambda s: s.name),
    Column("加入时间", TIME, lambda s: s.joined_at),
    Column("最近活跃", TIME, lambda s: s.last_active),
    Column("作答数", INT, lambda s: s.answers),
    Column("客观题作答", INT, lambda s: s.objective.answered),
    Column("客观题正确率", PERCENT, lambda s: s.accuracy),
    Column("模拟考试次数", INT, lambda s: len(s.exams)),
    Column("最近一次成绩", SCORE, lambda s: s.latest_exam),
    Column("最好成绩", SCORE, lambda s: s.best_exam),
    Column("完成作业", TEXT, lambda s: f"{s.tasks_done} / {s.tasks}"),
]


def area_columns(areas: list[tuple[str, str]]) -> list[Column]:
    """The per-area accuracy matrix: one column per area."""
    return [Column("学员", TEXT, lambda s: s.name)] + [
        Column(title, PERCENT, lambda s, a=area_id: s.by_area.get(a, cs.Tally()).accuracy()) for area_id, title in areas]


# --- questions --------------------------------------------------------------------------------------------

def option_label(payload: QuestionPayload, key: str) -> str:
    """An option key as the current version writes it: 'B. text' (the letter of the written order);
    判断 as 对/错; a key the current version no longer has says so."""
    if payload.qtype == "判断":
        return {"true": "对", "false": "错"}.get(key, key)
    for i, option in enumerate(payload.options):
        if option.key == key:
            return f"{LETTERS[i] if i < len(LETTERS) else '?'}. {option.text}"
    return f"（当前版本已删除的选项 {key}）"


@dataclass
class QuestionRow:
    question: Question
    area: str
    attempts: int
    figures: ItemFigures
    wrong: WrongOption | None

    @property
    def wrong_text(self) -> str:
        if self.wrong is None:
            return "—"
        return f"{option_label(self.question.payload, self.wrong.key)}（{self.wrong.count} 次，占错误作答 {round(self.wrong.share * 100)}%）"


def question_rows(inputs, area_titles: dict[str, str]) -> list[QuestionRow]:
    figures = cs.item_analysis(inputs.first)
    rows = []
    for qid, n in inputs.attempts.items():
        q = inputs.questions.get(qid)
        if q is None or qid not in figures:
            continue
        payload = q.payload
        wrong = cs.most_chosen_wrong(payload.qtype, payload.answer, inputs.wrong.get(qid, ()),
                                     order=[o.key for o in payload.options])
        rows.append(QuestionRow(q, area_titles.get(q.area_id, q.area_id), n, figures[qid], wrong))
    return rows


QUESTION_SORTS = {
    "facility": SortSpec("通过率（低→高）", lambda r: r.figures.facility.worst_first_key()),
    "discrimination": SortSpec("区分度（低→高）", lambda r: r.figures.discrimination.worst_first_key()),
    "attempts": SortSpec("作答次数（多→少）", lambda r: -r.attempts),
}

QUESTION_COLUMNS = [
    Column("题目编号", TEXT, lambda r: r.question.id),
    Column("题目", TEXT, lambda r: r.question.title),
    Column("题型", TEXT, lambda r: r.question.qtype),
    Column("领域", TEXT, lambda r: r.area),
    Column("作答人数", INT, lambda r: r.figures.students),
    Column("作答次数", INT, lambda r: r.attempts),
    Column("通过率", PERCENT, lambda r: r.figures.facility),
    Column("区分度", DECIMAL, lambda r: r.figures.discrimination),
    Column("最常选的错误选项", TEXT, lambda r: r.wrong_text),
]


# --- key points -------------------------------------------------------------------------------------------

@dataclass
class PointRow:
    case: Case | None
    case_id: str
    point_key: str
    figures: cs.PointFigures

    @property
    def case_title(self) -> str:
        return self.case.title if self.case is not None else self.case_id

    @property
    def kind(self) -> str:
        return self.case.kind if self.case is not None else ""

    @property
    def point(self):
        return self.case.payload.point(self.point_key) if self.case is not None else None

    @property
    def label(self) -> str:
        point = self.point
        return point.label if point is not None else f"（当前版本已删除的要点 {self.point_key}）"

    @property
    def weight(self) -> int | None:
        point = self.point
        return point.weight if point is not None else None

    @property
    def order(self) -> int:
        keys = [p.key for p in self.case.payload.key_points] if self.case is not None else []
        return keys.index(self.point_key) if self.point_key in keys else len(keys)


def point_rows(counts: list[tuple[str, str, int, int, int]], cases: dict[str, Case]) -> list[PointRow]:
    return [PointRow(cases.get(cid), cid, key, cs.point_figures(cid, key, n, students, int(credited or 0)))
            for cid, key, n, students, credited in counts]


POINT_SORTS = {
    "credit": SortSpec("得分率（低→高）", lambda r: r.figures.credit.worst_first_key()),
    "answers": SortSpec("回答次数（多→少）", lambda r: -r.figures.answers),
    "case": SortSpec("按案例", lambda r: (r.case_title, r.order)),
}

POINT_COLUMNS = [
    Column("案例", TEXT, lambda r: r.case_title),
    Column("类型", TEXT, lambda r: r.kind),
    Column("要点", TEXT, lambda r: r.label),
    Column("分值", INT, lambda r: r.weight),
    Column("回答次数", INT, lambda r: r.figures.answers),
    Column("回答人数", INT, lambda r: r.figures.students),
    Column("答到次数", INT, lambda r: r.figures.credited),
    Column("得分率", PERCENT, lambda r: r.figures.credit),
]


def tie_student(s: StudentFigures) -> tuple:
    return (s.name, s.user_id)


def tie_question(r: QuestionRow) -> tuple:
    return (r.question.position, r.question.id)


def tie_point(r: PointRow) -> tuple:
    return (r.case_title, r.case_id, r.order, r.point_key)


def cell_text(kind: str, value: Any, when: Callable[[datetime], str]) -> str:
    """A cell as text (CSV and the page agree): figures as 62% / 0.35 / 样本不足 / —."""
    if value is None:
        return "—" if kind in (TIME, SCORE, INT) else ""
    if isinstance(value, Figure):
        return value.percent() if kind == PERCENT else value.decimal()
    if kind == TIME:
        return when(value)
    if kind == SCORE:
        return f"{value:g}"
    return str(value)
