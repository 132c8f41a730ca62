"""Command-line entry points: thin wrappers over the content and account services.

    flask content check [PATH]   validate, print file:line: message, exit 1 on any problem
    flask content load [PATH]    validate, then upsert everything in one transaction
    flask content stats          counts per area and type
    flask users create / set-role
    flask setup [--demo]         migrate, load content, (demo accounts); safe to run again
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_migrate import upgrade
from sqlalchemy import func
from sqlalchemy import inspect as sa_inspect

from .content.items import ContentSet
from .content.punctuation import fix_body, half_width_lines
from .content.stats import area_counts, stats_table, text_table
from .content.syllabus import parse_syllabus, row_coverage, unknown_areas, uncovered_functions
from .content.service import reload_content
from .content.sync import SyncConflict
from .content.validate import content_files, read_content
from .extensions import db
from .models import Area, Role, User

content_cli = AppGroup("content", help="校验、导入和统计 content/ 中的学习内容。")
users_cli = AppGroup("users", help="管理账号。")

DEMO_ACCOUNTS = [
    ("admin@demo.local", "管理员", "demo-admin-2026", Role.admin),
    ("teacher@demo.local", "王老师", "demo-teacher-2026", Role.instructor),
    ("student@demo.local", "小李", "demo-student-2026", Role.candidate),
]


def _read(path: str | None) -> tuple[ContentSet, Path | None]:
    """Read the content dir; PATH may be the dir itself or one file checked against it."""
    root = Path(current_app.config["CONTENT_DIR"])
    shown = Path(path) if path and Path(path).is_dir() else root
    click.echo(f"正在读取并校验 {shown} 下的 {len(content_files(shown))} 个内容文件……", err=True)
    if path is None:
        return read_content(root), None
    target = Path(path)
    if not target.exists():
        raise click.BadParameter(f"找不到 {path}", param_hint="PATH")
    if target.is_dir():
        return read_content(target), None
    return read_content(root, overrides={str(target): target.read_text(encoding="utf-8")}), target


def _report(content: ContentSet, only: Path | None = None) -> int:
    problems = content.problems
    if only is not None:
        shown = {str(only), str(only.resolve())}
        problems = [p for p in problems if p.path in shown or str(Path(p.path).resolve()) in shown]
    for p in problems:
        click.echo(str(p), err=True)
    return len(problems)


@content_cli.command("check")
@click.argument("path", required=False)
def check_command(path: str | None) -> None:
    """Validate content (the whole folder, or one file against it)."""
    started = time.perf_counter()
    content, only = _read(path)
    n = _report(content, only)
    for w in content.warnings:
        if only is None or Path(w.path).resolve() == Path(only).resolve():
            click.echo(f"{w}（提示）", err=True)
    took = time.perf_counter() - started
    if n:
        click.echo(f"发现 {n} 个问题。", err=True)
        sys.exit(1)
    click.echo(f"内容检查通过：{len(content.topics)} 个知识点，{len(content.cases)} 个案例，"
               f"{len(content.questions)} 道题（{took:.2f} 秒）。")


@content_cli.command("load")
@click.argument("path", required=False)
def load_command(path: str | None) -> None:
    """Validate, then load everything in one transaction (nothing if anything is wrong)."""
    if path is not None and not Path(path).is_dir():
        raise click.BadParameter("load 需要一个内容目录", param_hint="PATH")
    root = Path(path) if path is not None else Path(current_app.config["CONTENT_DIR"])
    click.echo(f"正在读取并校验 {root} 下的 {len(content_files(root))} 个内容文件，然后写入数据库……", err=True)
    _load(root)


def _load(root: Path) -> None:
    """reload_content with the CLI's messages; exits 1 when nothing could be loaded."""
    try:
        content, report = reload_content(db.session, root)
    except SyncConflict as exc:
        db.session.rollback()
        raise click.ClickException(f"未导入任何内容：{exc}") from exc
    if report is None:
        _report(content)
        click.echo(f"内容有 {len(content.problems)} 个问题，未导入任何内容。", err=True)
        sys.exit(1)
    db.session.commit()
    for line in report.lines():
        click.echo(line)


def _rewrite_files(path: str | None, transform, noun: str) -> int:
    """Apply transform(path, text) -> (new text, lines changed) to each content file; returns files changed."""
    root = Path(path or current_app.config["CONTENT_DIR"])
    files = [root] if root.is_file() else content_files(root)
    changed = 0
    for file in files:
        text = file.read_text(encoding="utf-8")
        new, n = transform(file, text)
        if new != text:
            file.write_text(new, encoding="utf-8")
            changed += 1
            click.echo(f"{file}：{noun} {n} 行")
    return changed


@content_cli.command("add-keys")
@click.argument("path", required=False)
def add_keys_command(path: str | None) -> None:
    """Write a stable key on every option, step, item, category, key point and 追问 that has none."""
    from .content.keys import add_keys
    changed = _rewrite_files(path, lambda file, text: add_keys(str(file), text)[:2], "补上编号")
    click.echo(f"共修改 {changed} 个文件。再运行 flask content check 确认。")


@content_cli.command("regrade")
@click.argument("question_id")
@click.option("--reason", required=True, help="为什么重新评分（考生会在成绩页看到），如“原答案有误”")
@click.option("--dry-run", is_flag=True, help="只统计，不修改")
def regrade_command(question_id: str, reason: str, dry_run: bool) -> None:
    """Re-grade answers given on earlier versions of a question against its current version."""
    from .answers.regrade import regrade_question
    from .models import Question
    question = db.session.get(Question, question_id)
    if question is None:
        raise click.ClickException(f"没有题目 {question_id}")
    report = regrade_question(db.session, question, reason, dry_run=dry_run)
    from .models import CONTEXT_LABELS
    done = "、".join(f"{CONTEXT_LABELS.get(k, k)} {n} 条" for k, n in sorted(report.regraded.items())) or "0 条"
    click.echo(f"{'将' if dry_run else '已'}按 {question_id} 的当前版本重新评分：{done}，其中得分变化 {report.changed} 条；"
               f"已是当前版本 {report.current} 条；所选选项在当前版本里已不存在、无法重新评分 {report.unfit} 条。")
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()


@content_cli.command("fix-punctuation")
@click.argument("path", required=False)
def fix_punctuation_command(path: str | None) -> None:
    """Rewrite half-width punctuation beside Chinese text as full-width, in place."""
    changed = _rewrite_files(path, lambda file, text: (fix_body(text), len(half_width_lines(text))), "修正")
    click.echo(f"共修正 {changed} 个文件。")


@content_cli.command("stats")
@click.option("--check-level", default=None, metavar="级别",
              help="exit 1 if a 职业功能 of this level in SYLLABUS.md has no content (e.g. 二级)")
def stats_command(check_level: str | None) -> None:
    """Counts of live items per syllabus area and question type, and per row of content/SYLLABUS.md."""
    if not sa_inspect(db.engine).has_table(Area.__tablename__):
        click.echo("数据库还没有建表：请先运行 flask setup（或 flask db upgrade 后再 flask content load）。", err=True)
        sys.exit(2)
    if db.session.execute(db.select(func.count()).select_from(Area)).scalar_one() == 0:
        click.echo("数据库里还没有导入内容：请先运行 flask content load。", err=True)
        sys.exit(2)
    click.echo(stats_table(db.session))
    path = Path(current_app.config["CONTENT_DIR"]) / "SYLLABUS.md"
    if not path.is_file():
        return
    rows = parse_syllabus(path.read_text(encoding="utf-8"))
    counts = area_counts(db.session)
    click.echo(f"\n考纲对照（{path.name}）：每一行的知识点、题目、案例数")
    click.echo(text_table([(f"{r.function}｜{r.content[:18]}", row_coverage(r, counts)) for r in rows],
                          ["知识点", "题目", "案例"], head="职业功能｜工作内容"))
    problems = [f"{path.name}:{line}: 领域 {area} 不存在" for line, area in unknown_areas(rows, set(counts))]
    if check_level:
        problems += [f"{path.name}: {check_level}的职业功能“{f}”没有任何内容覆盖"
                     for f in uncovered_functions(rows, counts, check_level)]
        if not any(check_level in r.levels for r in rows):
            problems.append(f"{path.name}: 对照表里没有{check_level}的职业功能")
    for p in problems:
        click.echo(p, err=True)
    if problems:
        sys.exit(1)
    if check_level:
        click.echo(f"{check_level}的每个职业功能都有内容覆盖。")


@users_cli.command("create")
@click.argument("username")
@click.option("--nickname", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.candidate.value)
@click.password_option()
def create_user(username: str, nickname: str, role: str, password: str) -> None:
    """Create an account."""
    from .auth.forms import normalize_username
    username = normalize_username(username)
    if db.session.execute(db.select(User).where(User.username == username)).scalar():
        raise click.ClickException(f"{username} 已存在")
    user = User(username=username, nickname=nickname, role=Role(role))
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"已创建 {username}({Role(role).label})")


@users_cli.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice([r.value for r in Role]))
def set_role(username: str, role: str) -> None:
    """Change an account's role."""
    user = db.session.execute(db.select(User).where(User.username == username)).scalar()
    if user is None:
        raise click.ClickException(f"没有账号 {username}")
    user.role = Role(role)
    db.session.commit()
    click.echo(f"{username} 现在是{Role(role).label}")


def ensure_demo_accounts() -> list[tuple[str, str, str, Role]]:
    """Create the demo accounts if missing; never reset a password someone changed."""
    for username, nickname, password, role in DEMO_ACCOUNTS:
        if db.session.execute(db.select(User.id).where(User.username == username)).first() is None:
            user = User(username=username, nickname=nickname, role=role)
            user.set_password(password)
            db.session.add(user)
    db.session.commit()
    return DEMO_ACCOUNTS


@click.command("setup")
@click.option("--demo", is_flag=True, help="同时创建演示账号（仅用于本地试用）")
def setup_command(demo: bool) -> None:
    """Migrate the schema, load content/, optionally create demo accounts. Safe to repeat."""
    upgrade(directory=current_app.extensions["migrate"].directory)
    _load(Path(current_app.config["CONTENT_DIR"]))
    if demo:
        click.echo("\n演示账号（仅供本地试用）：")
        for username, _nickname, password, role in ensure_demo_accounts():
            click.echo(f"  {role.label:<4} 登录名 {username:<22} 密码 {password}")
    click.echo("\n准备就绪：flask --app app run 后打开 http://127.0.0.1:5000")


def init_cli(app: Flask) -> None:
    app.cli.add_command(content_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(setup_command)
