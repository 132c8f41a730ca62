"""Study views: read-only pages over the loaded content, open to guests."""
from __future__ import annotations

from collections import defaultdict
from functools import cache

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import bindparam, case as case_, func, select

from ..access import public
from ..answers.reviews import due_parameters, due_statement
from ..answers.stamp import history_key
from ..classes.tasks import open_assignments
from ..extensions import db
from ..content.items import QUESTION_TYPES
from ..grading.display import ShownQuestion
from ..models import Area, Case, Classroom, Membership, PaperBlueprint, Question, Topic
from ..models.base import display_tz
from ..pagecache import cached_page, page_cache, personal_slot
from ..personal import memo
from ..search import MAX_QUERY, load_index, search
from . import bp


def live(model):
    return db.select(model).where(model.retired.is_(False))


def get_live_or_404(model, item_id: str):
    """An item by id; retired items 404 like unknown ones (they are off the syllabus)."""
    item = db.session.get(model, item_id)
    if item is None or item.retired:
        abort(404)
    return item


def area_counts() -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for model, key in ((Topic, "topic"), (Case, "case"), (Question, "question")):
        rows = db.session.execute(
            db.select(model.area_id, db.func.count()).where(model.retired.is_(False)).group_by(model.area_id))
        for area_id, n in rows:
            counts[area_id][key] = n
    return counts


@cache
def _home_counts_statement():
    """answers.reviews' due counts and, in the same round trip, in how many active classes the learner is."""
    in_a_class = (select(func.count()).select_from(Membership).join(Classroom, Classroom.id == Membership.class_id)
                  .where(Membership.user_id == bindparam("user_id"), Classroom.archived_at.is_(None)).scalar_subquery())
    return due_statement().add_columns(in_a_class)


def due_counts(user) -> dict[str, int]:
    """今日复习 on the home page in one indexed query (the rule is answers.reviews.due_statement), and in how
    many active classes the learner is (no class: no assignments to look up). The counts depend on the
    learner's cards and classes and on the local date only (due by the end of today / of tomorrow), so
    they are memoized under users.history_stamp (answers/stamp.py) and the date: no query on a repeat."""
    params = due_parameters(user.id, display_tz())

    def count() -> dict[str, int]:
        row = db.session.execute(_home_counts_statement(), params).one()
        return {"today": row[0] + row[1], "tomorrow": row[2] + row[3], "classes": row[4]}
    key = (*history_key(user), params["end_today"])
    return memo("due_counts").remember(key, count)


@personal_slot("today")
def today() -> str:
    """The home page's personal part: what is due for review, and open class assignments."""
    if not current_user.is_authenticated:
        return ""
    review = due_counts(current_user)
    assignments = open_assignments(current_user.id) if review["classes"] else []
    if assignments:
        return render_template("study/_today.html", review=review, assignments=assignments)
    key = ("today", request.script_root, review["today"], review["tomorrow"])  # everything the section shows
    return memo("today").remember(key, lambda: render_template("study/_today.html", review=review, assignments=[]))


@bp.route("/")
@public
@cached_page
def home():
    """The syllabus areas with what each holds (what is due for the learner is a slot: see today())."""
    areas = db.session.execute(live(Area).order_by(Area.position)).scalars().all()
    return render_template("study/home.html", areas=areas, counts=area_counts())


AREA_PAGE_SIZE = 100  # questions per area page: a 10 000-question bank stays a page a phone can open


@bp.route("/areas/<area_id>")
@public
@cached_page
def area(area_id: str):
    """One syllabus area: its knowledge points, cases and questions (the questions 100 to a page)."""
    area = get_live_or_404(Area, area_id)
    topics = db.session.execute(live(Topic).where(Topic.area_id == area.id).order_by(Topic.position)).scalars().all()
    cases = db.session.execute(live(Case).where(Case.area_id == area.id).order_by(Case.position)).scalars().all()
    per_type = dict(db.session.execute(db.select(Question.qtype, func.count()).where(
        Question.area_id == area.id, Question.retired.is_(False)).group_by(Question.qtype)).all())
    n_questions = sum(per_type.values())
    pages = max(1, -(-n_questions // AREA_PAGE_SIZE))
    page = request.args.get("page", 1, type=int)
    if page < 1 or page > pages:
        abort(404)
    type_order = case_({t: n for n, t in enumerate(QUESTION_TYPES)}, value=Question.qtype, else_=len(QUESTION_TYPES))
    questions = db.session.execute(
        live(Question).where(Question.area_id == area.id).order_by(type_order, Question.position)
        .offset((page - 1) * AREA_PAGE_SIZE).limit(AREA_PAGE_SIZE)).scalars().all()
    by_type: dict[str, list[Question]] = defaultdict(list)
    for q in questions:
        by_type[q.qtype].append(q)
    return render_template("study/area.html", area=area, topics=topics, cases=cases, by_type=by_type,
                           per_type=per_type, n_questions=n_questions, page=page, pages=pages, page_size=AREA_PAGE_SIZE)


def neighbours(model, item):
    """The previous and next live item in the same area, for reading straight through."""
    base = live(model).where(model.area_id == item.area_id)
    prev = db.session.execute(base.where(model.position < item.position).order_by(model.position.desc()).limit(1)).scalar()
    nxt = db.session.execute(base.where(model.position > item.position).order_by(model.position).limit(1)).scalar()
    return prev, nxt


@bp.route("/kp/<topic_id>")
@public
@cached_page
def topic(topic_id: str):
    """A knowledge point page, with the cases and questions that test it."""
    topic = get_live_or_404(Topic, topic_id)
    cases = db.session.execute(
        live(Case).where(Case.topics.any(Topic.id == topic.id)).order_by(Case.position)).scalars().all()
    questions = db.session.execute(
        live(Question).where(Question.topics.any(Topic.id == topic.id)).order_by(Question.position)).scalars().all()
    prev, nxt = neighbours(Topic, topic)
    return render_template("study/topic.html", topic=topic, cases=cases, questions=questions, prev=prev, nxt=nxt)


@bp.route("/cases/<case_id>")
@public
@cached_page
def case(case_id: str):
    """A case or defense question; its reference key points stay folded until asked for."""
    case = get_live_or_404(Case, case_id)
    prev, nxt = neighbours(Case, case)
    return render_template("study/case.html", case=case, payload=case.payload, prev=prev, nxt=nxt)


@bp.route("/questions/<question_id>")
@public
@cached_page
def question(question_id: str):
    """One objective question with its answer and 解析 folded away."""
    question = get_live_or_404(Question, question_id)
    prev, nxt = neighbours(Question, question)
    return render_template("study/question.html", q=question, sq=ShownQuestion.as_presented(question.payload, None),
                           prev=prev, nxt=nxt)


def site_search(query: str, kinds: tuple[str, ...] = ("topic", "case", "question")):
    """search() over the in-memory entries of the current content version (the database when the cache is off)."""
    cache = page_cache()
    index = cache.remember("search_index", lambda: load_index(db.session)) if cache is not None else None
    return search(db.session, query, kinds, index=index)


@bp.route("/search")
@public
@cached_page
def search_page():
    """Search every page in Chinese; title hits first, matches highlighted."""
    query = request.args.get("q", "")[:MAX_QUERY]
    kind = request.args.get("kind", "")
    kinds = (kind,) if kind in ("topic", "case", "question") else ("topic", "case", "question")
    terms, hits, total = site_search(query, kinds) if query.strip() else ([], [], 0)
    areas = {a.id: a for a in db.session.execute(db.select(Area)).scalars()}
    return render_template("study/search.html", query=query, kind=kind, terms=terms, hits=hits, total=total,
                           areas=areas)


@bp.route("/exam-guide")
@public
@cached_page
def exam_guide():
    """The three parts of the examination as the blueprints define them: counts, points, timing."""
    blueprints = db.session.execute(live(PaperBlueprint).order_by(PaperBlueprint.position)).scalars().all()
    areas = {a.id: a.title for a in db.session.execute(db.select(Area)).scalars()}
    return render_template("study/exam_guide.html", blueprints=blueprints, areas=areas)


@bp.route("/exams")
@public
def old_exam_guide():
    """The guide's old address (it read like the mock exams, which live at /mock): moved for good."""
    return redirect(url_for("study.exam_guide"), 301)
