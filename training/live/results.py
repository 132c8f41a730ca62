"""A live session's results per player and per question, and their CSV and Excel downloads."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..dashboard.export import BOM, safe_cell
from ..grading.live import MODES, Standing, question_stats, rank
from ..models import ItemVersion, LivePlayer, LiveSession, Response, User
from .state import shown, tallies


@dataclass
class PlayerRow:
    standing: Standing
    account: str  # the signed-in account's nickname, "" for a phone without one


@dataclass
class QuestionRow:
    number: int
    question_id: str
    title: str
    qtype: str
    right: str  # the right option(s), as letters with their text
    answered: int
    correct: int
    top_wrong: str  # the most-chosen wrong option, "" if none
    top_wrong_count: int

    @property
    def rate(self) -> float | None:
        return self.correct / self.answered if self.answered else None


@dataclass
class Results:
    players: list[PlayerRow]
    questions: list[QuestionRow]
    total_questions: int


def _label(sq, key: str) -> str:
    if sq.q.qtype == "判断":
        return "对（√）" if key == "true" else "错（×）"
    return f"{sq.letter(key)}. {sq.text(key)}"


def session_results(session: Session, live: LiveSession) -> Results:
    """Everything counted from the answers stored; removed players are left out."""
    standings = rank(tallies(session, live.id))
    accounts = dict(session.execute(select(LivePlayer.id, User.nickname).join(User, User.id == LivePlayer.user_id)
                                    .where(LivePlayer.session_id == live.id)).all())
    players = [PlayerRow(s, accounts.get(s.tally.player_id, "")) for s in standings]
    versions = {v.id: v for v in session.execute(select(ItemVersion).where(
        ItemVersion.id.in_(live.version_ids))).scalars()}
    removed = select(LivePlayer.id).where(LivePlayer.session_id == live.id, LivePlayer.removed_at.is_not(None))
    rows = session.execute(select(Response.slot, Response.answer, Response.score).where(
        Response.live_session_id == live.id, Response.live_player_id.not_in(removed))).all()
    by_slot: dict[int, list] = {}
    for slot, answer, score in rows:
        by_slot.setdefault(slot, []).append((answer, score >= 1.0 - 1e-9))
    questions = []
    played = live.position + 1 if live.position >= 0 else 0
    for slot in range(min(played, len(live.question_ids))):
        sq = shown(versions[live.version_ids[slot]].question, live.id, slot)
        q = sq.q
        stats = question_stats(q.qtype, q.keys("options"), q.answer, by_slot.get(slot, []))
        right = ("true" if q.answer else "false") if q.qtype == "判断" else q.answer
        right_keys = right if isinstance(right, list) else [right]
        questions.append(QuestionRow(
            slot + 1, live.question_ids[slot], q.title, q.qtype, "；".join(_label(sq, k) for k in right_keys),
            stats.answered, stats.correct, _label(sq, stats.top_wrong) if stats.top_wrong else "",
            stats.counts.get(stats.top_wrong, 0) if stats.top_wrong else 0))
    return Results(players, questions, len(live.question_ids))


PLAYER_HEADER = ["名次", "昵称", "账号", "总分", "答对题数", "作答题数", "答对用时（秒）"]
QUESTION_HEADER = ["题号", "题目编号", "题目", "题型", "正确答案", "作答人数", "答对人数", "正确率", "选得最多的错误选项", "选它的人数"]


def _player_cells(p: PlayerRow) -> list:
    t = p.standing.tally
    return [p.standing.rank, t.nickname, p.account, t.points, t.correct, t.answered, round(t.time_ms / 1000, 1)]


def _question_cells(q: QuestionRow) -> list:
    rate = "" if q.rate is None else f"{q.rate:.0%}"
    return [q.number, q.question_id, q.title, q.qtype, q.right, q.answered, q.correct, rate, q.top_wrong,
            q.top_wrong_count]


def export_csv(results: Results, part: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if part == "questions":
        writer.writerow(QUESTION_HEADER)
        writer.writerows([safe_cell(c) for c in _question_cells(q)] for q in results.questions)
    else:
        writer.writerow(PLAYER_HEADER)
        writer.writerows([safe_cell(c) for c in _player_cells(p)] for p in results.players)
    return (BOM + buffer.getvalue()).encode("utf-8")


def _xlsx_cell(value):
    return value if isinstance(value, (int, float)) else safe_cell(value)


def export_xlsx(results: Results, live: LiveSession) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "玩家"
    sheet.append(PLAYER_HEADER)
    for p in results.players:
        sheet.append([_xlsx_cell(c) for c in _player_cells(p)])
    questions = book.create_sheet("题目")
    questions.append(QUESTION_HEADER)
    for q in results.questions:
        questions.append([_xlsx_cell(c) for c in _question_cells(q)])
    about = book.create_sheet("说明")
    for row in (["课堂", live.title], ["课堂码", live.code], ["计分方式", MODES.get(live.mode, live.mode)],
                ["每题限时（秒）", live.seconds], ["题数", len(live.question_ids)]):
        about.append([_xlsx_cell(c) for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
