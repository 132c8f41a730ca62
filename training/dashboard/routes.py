"""学习进度 views: the progress page (with the readiness estimate) and the CSV export. Always the signed-in
learner's own data: no route takes a user id."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import quote

from flask import Response as HTTPResponse, render_template, stream_with_context
from flask_login import current_user

from ..access import login_required
from ..answers.stamp import history_key
from ..extensions import db
from ..models.base import display_tz, utcnow
from ..pagecache import per_content_version, personal_page
from ..progress import readiness as rd
from ..progress import stats
from ..progress.stats import MASTERED, WEAK_DAYS, WEAK_MIN_ANSWERS, Day, Sitting
from . import bp, charts
from .export import export_lines

TREND_POINTS = 20  # sittings per paper in the score chart
SHOWN_SITTINGS = 6  # the newest; the rest fold away
WEEKDAYS = "一二三四五六日"
RECALL_MINUTES = 10  # a memoized page is rendered again at least this often: retrievability falls with time


@dataclass
class Page:
    today: date
    areas: list[stats.AreaStat]
    weakest: list[stats.TopicStat]
    last30: list[Day]
    calendar: list[list[Day | None]]
    streak: int
    longest: int
    total: int
    sittings: list[Sitting]
    readiness: list[rd.PartReadiness]


def gather(user_id: int, now: datetime) -> Page:
    """Everything the page shows, in a fixed number of aggregate queries whatever the number of answers."""
    session, tz = db.session, display_tz()
    today = stats.local_today(tz, now)
    recent_since = stats.day_start(today - timedelta(days=rd.RECENT_DAYS - 1), tz)
    # What the syllabus holds changes only with a content load: built once per content version.
    cmap = per_content_version("progress.content_map", lambda: stats.content_map(session))
    papers = per_content_version("progress.paper_types", lambda: rd.paper_types(session))
    tallies, cases = stats.question_tallies(
        session, user_id, stats.day_start(today - timedelta(days=WEAK_DAYS - 1), tz), recent_since)
    recall = stats.retrievabilities(session, user_id, now)
    activity = stats.daily_activity(session, user_id, tz, now, stats.day_start(today - timedelta(days=29), tz))
    streak, longest = stats.streaks(activity, today)
    sittings = stats.exam_sittings(session, user_id) + stats.defense_sittings(session, user_id)
    inputs = rd.part_inputs(papers, cmap, tallies, recall, cases,
                            stats.recent_mock_samples(session, user_id, recent_since))
    return Page(today=today, areas=stats.area_stats(cmap, tallies, recall), weakest=stats.weakest_topics(cmap, tallies),
                last30=stats.window(activity, today, 30), calendar=stats.calendar(activity, today),
                streak=streak, longest=longest, total=sum(d.answered for d in activity.values()),
                sittings=sorted(sittings, key=lambda s: s.at), readiness=[rd.assess(i) for i in inputs])


def trend(sittings: list[Sitting]) -> dict[int, float | None]:
    """Sitting position → its score minus the previous score on the same paper (None for the first)."""
    last: dict[str, float] = {}
    out: dict[int, float | None] = {}
    for n, s in enumerate(sittings):
        out[n] = None if s.score is None or s.paper not in last else s.score - last[s.paper]
        if s.score is not None:
            last[s.paper] = s.score
    return out


def page_charts(page: Page) -> dict:
    labels = [f"{d.day.month}/{d.day.day}" for d in page.last30]
    out = {"areas": charts.area_chart([a.title for a in page.areas], [a.accuracy for a in page.areas],
                                      [a.mastery for a in page.areas])}
    if any(d.objective for d in page.last30):
        out["accuracy"] = charts.daily_accuracy_chart(labels, [d.accuracy for d in page.last30])
    if any(d.answered for d in page.last30):
        out["counts"] = charts.daily_count_chart(labels, [d.answered for d in page.last30])
    series: dict[str, list[float | None]] = {}
    for s in page.sittings:
        series.setdefault("模拟答辩" if s.kind == "defense" else s.paper, []).append(s.score)
    series = {k: v[-TREND_POINTS:] for k, v in series.items()}
    if any(len(v) >= 2 for v in series.values()):
        out["scores"] = charts.score_chart(series, page.sittings[-1].pass_mark)
    return out


def memo_key() -> tuple:
    """Everything the page is computed from besides content: the learner and their history (its stamp
    moves on with every answer, review, sitting and class change), the local day, and the time to within
    RECALL_MINUTES for the FSRS retrievability behind mastery and readiness."""
    now = utcnow()
    return (*history_key(current_user), stats.local_today(display_tz(), now),
            int(now.timestamp() // (RECALL_MINUTES * 60)))


@bp.route("/")
@login_required
@personal_page(memo_key)
def index():
    """学习进度: accuracy and mastery per area, the last 30 days, the study calendar and streak, mock exams
    and 答辩 rehearsals, the weakest knowledge points, and the readiness estimate per part."""
    if not stats.has_answers(db.session, current_user.id):
        return render_template("progress/index.html", page=None, rd=rd, mastered=MASTERED)
    page = gather(current_user.id, utcnow())
    return render_template("progress/index.html", page=page, charts=page_charts(page), trend=trend(page.sittings),
                           rd=rd, mastered=MASTERED, weak_days=WEAK_DAYS, weak_min=WEAK_MIN_ANSWERS,
                           levels=stats.LEVELS, level=stats.level, weekdays=WEEKDAYS, shown_sittings=SHOWN_SITTINGS)


@bp.route("/export.csv")
@login_required
def export():
    """The learner's own answer history as CSV (UTF-8 with BOM so Excel reads the Chinese), streamed."""
    user_id, tz = current_user.id, display_tz()
    day = stats.local_today(tz, utcnow()).isoformat()
    body = stream_with_context(line.encode("utf-8") for line in export_lines(db.session, user_id, tz))
    return HTTPResponse(body, mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=\"answers-{day}.csv\"; filename*=UTF-8''{quote(f'作答记录-{day}.csv')}",
        "Cache-Control": "private, no-store"})
