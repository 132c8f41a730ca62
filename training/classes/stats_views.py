"""班级统计 views: per student, per question, per key point, one student's page, and the CSV / Excel exports.

Only the class's instructor and admins get here (instructor_required + teacher_class); every figure
comes from answers in scope (queries.in_scope: members only, from the day they joined).
"""
from __future__ import annotations

from urllib.parse import quote

from flask import Response as HTTPResponse, render_template, request
from markupsafe import Markup

from ..access import instructor_required
from ..errors import user_abort
from ..extensions import db
from ..models import Classroom, User
from ..models.base import display_tz, utcnow
from ..progress import classstats as cs
from ..progress.stats import local_today
from ..templating import local_time
from . import bp, charts, queries, tables
from .exports import csv_text, xlsx_bytes
from .guards import teacher_class
from .tasks import member_tasks

BANDS = [0, 0.2, 0.4, 0.6, 0.8, 1.0]
BAND_LABELS = ["0–19", "20–39", "40–59", "60–79", "80–100"]
WORST_POINTS = 8  # key points in the chart
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def chosen_sort(sorts: dict, default: str) -> str:
    key = request.args.get("sort", default)
    if key not in sorts:
        user_abort(400, "不支持这种排序方式：请用表格上方的排序链接。")
    return key


def students_of(c: Classroom) -> list[cs.StudentFigures]:
    """Every member's figures, with how many of the class's assignments each has finished."""
    people = queries.members(db.session, c.id)
    figures = queries.student_figures(db.session, c.id, people)
    tasks = queries.assignments(db.session, [c.id])
    ids = [u.id for _, u in people]
    done = {uid: 0 for uid in ids}
    for task in tasks:
        for uid, p in queries.progress(db.session, task, ids).items():
            done[uid] += p.done
    for s in figures:
        s.tasks, s.tasks_done = len(tasks), done[s.user_id]
    return figures


def question_table(c: Classroom) -> list[tables.QuestionRow]:
    areas = dict(queries.area_titles(db.session))
    return tables.question_rows(queries.item_inputs(db.session, c.id), areas)


def point_table(c: Classroom) -> list[tables.PointRow]:
    counts = queries.point_counts(db.session, c.id)
    return tables.point_rows(counts, queries.cases(db.session, {row[0] for row in counts}))


def worked_areas(totals: dict) -> list[tuple[str, str]]:
    """(id, title) of the areas the class answered questions in, in syllabus order."""
    return [(a, title) for a, title in queries.area_titles(db.session) if a in totals]


def area_chart(areas: list[tuple[str, str]], totals: dict) -> Markup | None:
    shown = [(title, totals[a][2]) for a, title in areas]
    if not shown:
        return None
    return charts.percent_bars([t for t, _ in shown], {"全班正确率": [f for _, f in shown]},
                               "全班各领域客观题正确率条形图（数据见下表）")


@bp.route("/<int:class_id>/stats")
@instructor_required
def stats(class_id: int):
    """Per student: last active, answers, accuracy (overall and by area), mock-exam scores, assignments done."""
    c = teacher_class(class_id)
    sort = chosen_sort(tables.STUDENT_SORTS, "accuracy")
    rows = cs.sort_rows(students_of(c), tables.STUDENT_SORTS[sort], tables.tie_student)
    totals = cs.area_totals(rows)
    areas = worked_areas(totals)
    return render_template("classes/stats_students.html", c=c, rows=rows, sort=sort, sorts=tables.STUDENT_SORTS,
                           areas=areas, totals=totals, chart=area_chart(areas, totals), tab="students",
                           min_students=cs.MIN_STUDENTS, min_answers=cs.MIN_ANSWERS)


@bp.route("/<int:class_id>/stats/questions")
@instructor_required
def question_stats(class_id: int):
    """Per question: students, attempts, facility, discrimination and the most-chosen wrong option, worst first."""
    c = teacher_class(class_id)
    sort = chosen_sort(tables.QUESTION_SORTS, "facility")
    rows = cs.sort_rows(question_table(c), tables.QUESTION_SORTS[sort], tables.tie_question)
    shown = [r.figures.facility.value for r in rows if r.figures.facility.shown]
    chart = charts.facility_histogram(cs.histogram(shown, BANDS), BAND_LABELS) if shown else None
    return render_template("classes/stats_questions.html", c=c, rows=rows, sort=sort, sorts=tables.QUESTION_SORTS,
                           chart=chart, tab="questions", min_students=cs.MIN_STUDENTS,
                           sessions=queries.live_sessions(db.session, c.id))


@bp.route("/<int:class_id>/stats/points")
@instructor_required
def point_stats(class_id: int):
    """Per key point of the cases answered (答辩 and written): how often it was credited, worst first."""
    c = teacher_class(class_id)
    sort = chosen_sort(tables.POINT_SORTS, "credit")
    rows = cs.sort_rows(point_table(c), tables.POINT_SORTS[sort], tables.tie_point)
    worst = cs.sort_rows([r for r in rows if r.figures.credit.shown], tables.POINT_SORTS["credit"],
                         tables.tie_point)[:WORST_POINTS]
    chart = charts.percent_bars([r.label for r in worst], {"得分率": [r.figures.credit for r in worst]},
                                "得分率最低的要点条形图（数据见下表）") if worst else None
    return render_template("classes/stats_points.html", c=c, rows=rows, sort=sort, sorts=tables.POINT_SORTS,
                           chart=chart, tab="points", min_students=cs.MIN_STUDENTS)


@bp.route("/<int:class_id>/students/<int:user_id>")
@instructor_required
def student(class_id: int, user_id: int):
    """One student of the class: accuracy by area beside the class's, mock exams, and every assignment's status."""
    c = teacher_class(class_id)
    figures = students_of(c)
    me = next((s for s in figures if s.user_id == user_id), None)
    if me is None:
        user_abort(404, "这位学员不在这个班级里（可能已退出或被移出）。")
    areas = queries.area_titles(db.session)
    totals = cs.area_totals(figures)
    answered = [(a, t) for a, t in areas if a in me.by_area or a in totals]
    chart = None
    if answered:
        chart = charts.percent_bars([t for _, t in answered], {
            me.name: [me.by_area.get(a, cs.Tally()).accuracy() for a, _ in answered],
            "全班": [totals[a][2] if a in totals else cs.Figure(None, cs.FEW) for a, _ in answered]},
            f"{me.name}与全班各领域正确率对比条形图（数据见下表）")
    membership = queries.membership(db.session, c.id, user_id)
    return render_template("classes/student.html", c=c, s=me, areas=answered, totals=totals, chart=chart,
                           tasks=member_tasks(c, membership), user=db.session.get(User, user_id),
                           min_students=cs.MIN_STUDENTS, min_answers=cs.MIN_ANSWERS)


SHEETS = ("students", "areas", "questions", "points")


def export_sheets(c: Classroom, wanted: tuple[str, ...] = SHEETS) -> list[tuple[str, list[tables.Column], list]]:
    """(sheet title, columns, rows) of each wanted table, in the order asked."""
    out = {}
    if {"students", "areas"} & set(wanted):
        students = cs.sort_rows(students_of(c), tables.STUDENT_SORTS["name"], tables.tie_student)
        out["students"] = ("学员", tables.STUDENT_COLUMNS, students)
        out["areas"] = ("各领域正确率", tables.area_columns(worked_areas(cs.area_totals(students))), students)
    if "questions" in wanted:
        out["questions"] = ("题目分析", tables.QUESTION_COLUMNS,
                            cs.sort_rows(question_table(c), tables.QUESTION_SORTS["facility"], tables.tie_question))
    if "points" in wanted:
        out["points"] = ("答辩要点", tables.POINT_COLUMNS,
                         cs.sort_rows(point_table(c), tables.POINT_SORTS["case"], tables.tie_point))
    return [out[name] for name in wanted]


def download(body: bytes, mimetype: str, c: Classroom, what: str, ext: str) -> HTTPResponse:
    day = local_today(display_tz(), utcnow()).isoformat()
    name = f"{c.name}-{what}-{day}.{ext}"
    return HTTPResponse(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename=\"class-{c.id}-{day}.{ext}\"; filename*=UTF-8''{quote(name, safe='')}",
        "Cache-Control": "private, no-store"})


@bp.route("/<int:class_id>/export.csv")
@instructor_required
def export_csv(class_id: int):
    """One table (?table=students / areas / questions / points) as CSV: UTF-8 with BOM, formula cells defused."""
    c = teacher_class(class_id)
    table = request.args.get("table", "students")
    if table not in SHEETS:
        user_abort(400, "没有这张表：可以导出 students（学员）、areas（各领域正确率）、questions（题目分析）或 points（答辩要点）。")
    [(title, columns, rows)] = export_sheets(c, (table,))
    return download(csv_text(columns, rows, local_time).encode("utf-8"), "text/csv", c, title, "csv")


@bp.route("/<int:class_id>/export.xlsx")
@instructor_required
def export_xlsx(class_id: int):
    """Every table of the class statistics in one Excel workbook, a sheet each."""
    c = teacher_class(class_id)
    return download(xlsx_bytes(export_sheets(c), local_time), XLSX, c, "班级统计", "xlsx")
