"""Instructor views over content/: counts, validation problems, reload."""
from __future__ import annotations

from pathlib import Path

from flask import current_app, flash, redirect, render_template, url_for

from ..access import instructor_required
from ..content.stats import COLUMNS, stats_rows
from ..content.service import check_content, reload_content
from ..content.sync import SyncConflict
from ..extensions import db
from ..forms import EmptyForm
from ..models import Case, Question, Topic
from ..pagecache import page_cache
from . import bp


def retired_counts() -> dict[str, int]:
    return {label: db.session.execute(db.select(db.func.count()).select_from(model).where(model.retired.is_(True))).scalar_one()
            for label, model in (("知识点", Topic), ("案例", Case), ("题目", Question))}


@bp.route("/content")
@instructor_required
def content():
    """Counts per area and type, and whether content/ on disk currently validates."""
    checked = check_content(Path(current_app.config["CONTENT_DIR"]))
    return render_template("manage/content.html", rows=stats_rows(db.session), columns=COLUMNS,
                           problems=checked.problems[:200], n_problems=len(checked.problems),
                           retired=retired_counts(), form=EmptyForm())


@bp.route("/content/reload", methods=["POST"])
@instructor_required
def reload():
    """Validate content/ and load it in one transaction; nothing changes if anything is wrong."""
    form = EmptyForm()
    if not form.validate_on_submit():
        flash("表单已失效，请重试。", "error")
        return redirect(url_for("manage.content"))
    try:
        checked, report = reload_content(db.session, Path(current_app.config["CONTENT_DIR"]))
    except SyncConflict as exc:
        db.session.rollback()
        flash(f"未导入任何内容：{exc}", "error")
        return redirect(url_for("manage.content"))
    if report is None:
        flash(f"内容有 {len(checked.problems)} 个问题，未导入任何内容。请先修正下面列出的问题。", "error")
        return redirect(url_for("manage.content"))
    db.session.commit()
    cache = page_cache()
    if cache is not None:
        cache.clear()  # this worker at once; the others within PAGE_CACHE_CHECK_SECONDS
    flash("已重新导入内容。" + ";".join(report.lines()), "success")
    return redirect(url_for("manage.content"))
