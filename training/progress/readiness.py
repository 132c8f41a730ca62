"""准备度: how ready a learner looks for each part of the 二级 examination. Pure (no Flask).

Three components, each 0–100, for each part (理论知识, 专业能力, 综合评审):
- 覆盖面 coverage: the share of the part's syllabus areas and of its knowledge points on which the
  learner has answered anything (mean of the two shares);
- 近期得分率 recent: the mean score of graded answers in the last RECENT_DAYS days, the part's mock
  exams (答辩 rehearsals for 综合评审) and practice of objective questions in the part's areas each
  counting half (the one there is, when only one is);
- 记忆 memory: the mean FSRS retrievability now of the questions in the part's areas the learner has cards for.
They combine as a weighted mean (WEIGHTS). Below the sample thresholds (MIN_SAMPLES, MIN_CARDS) the page
says there is too little data instead of showing a number.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import PaperBlueprint
from .stats import ContentMap, PaperSample, QuestionTally

PARTS = ("理论知识", "专业能力", "综合评审")
RECENT_DAYS = 30
WEIGHTS = {"recent": 0.5, "coverage": 0.25, "memory": 0.25}
# Graded answers in the last RECENT_DAYS days needed before a number is shown: (how many, what counts).
MIN_SAMPLES = {"理论知识": 30, "专业能力": 2, "综合评审": 3}
SAMPLE_TEXT = {
    "理论知识": "近 30 天至少 30 道已判分的单选、多选题（练习或理论知识模拟考试）",
    "专业能力": "近 30 天至少 2 道已确认得分的专业能力模拟考试主观题",
    "综合评审": "近 30 天至少 3 道已确认得分的模拟答辩题",
}
MIN_CARDS = 10  # questions with a review card in the part's areas before memory counts
# Item types of each paper when no blueprint says (the blueprints in content/blueprints/ say the same).
DEFAULT_TYPES = {"理论知识": {"单选", "多选"}, "专业能力": {"案例分析", "方案设计"}, "综合评审": {"答辩"}}
BANDS = ((75, "把握较大"), (60, "接近及格线，还要巩固"), (0, "还需加强"))


@dataclass(frozen=True)
class PartInput:
    """What the learner has done towards one part, counted; the input of assess()."""
    part: str
    areas: int = 0
    areas_done: int = 0
    topics: int = 0
    topics_done: int = 0
    mock: PaperSample = field(default_factory=PaperSample)
    practice: PaperSample = field(default_factory=PaperSample)
    cards: int = 0
    recall: float | None = None  # mean retrievability over those cards


@dataclass(frozen=True)
class PartReadiness:
    part: str
    coverage: float  # 0–1
    recent: float | None  # 0–1
    memory: float | None  # 0–1, None below MIN_CARDS
    weights: dict[str, float]  # the weights actually used (memory left out → the others re-scaled)
    score: int | None  # 0–100; None when there is too little data
    missing: list[str]  # why there is no number, in Chinese
    data: PartInput

    @property
    def band(self) -> str | None:
        return None if self.score is None else next(text for low, text in BANDS if self.score >= low)


def coverage(areas: int, areas_done: int, topics: int, topics_done: int) -> float:
    """Mean of the area share and the knowledge-point share (the area share alone if the part has no points)."""
    if not areas:
        return 0.0
    shares = [min(areas_done, areas) / areas]
    if topics:
        shares.append(min(topics_done, topics) / topics)
    return sum(shares) / len(shares)


def recent_score(mock: PaperSample, practice: PaperSample) -> float | None:
    """Mock exams and practice each count half; the one there is when only one is; None with neither."""
    parts = [s.score for s in (mock, practice) if s.answers and s.score is not None]
    return sum(parts) / len(parts) if parts else None


def enough_sample(part: str, mock: PaperSample, practice: PaperSample) -> bool:
    """理论知识: practice and mock answers both count; the written papers need mock answers themselves."""
    have = mock.answers + (practice.answers if part == "理论知识" else 0)
    return have >= MIN_SAMPLES[part]


def weights(memory: bool) -> dict[str, float]:
    if memory:
        return dict(WEIGHTS)
    rest = WEIGHTS["recent"] + WEIGHTS["coverage"]
    return {"recent": WEIGHTS["recent"] / rest, "coverage": WEIGHTS["coverage"] / rest}


def assess(data: PartInput) -> PartReadiness:
    cov = coverage(data.areas, data.areas_done, data.topics, data.topics_done)
    recent = recent_score(data.mock, data.practice)
    memory = data.recall if data.cards >= MIN_CARDS and data.recall is not None else None
    used = weights(memory is not None)
    missing = []
    if not enough_sample(data.part, data.mock, data.practice):
        missing.append(f"需要{SAMPLE_TEXT[data.part]}。")
    score = None
    if not missing and recent is not None:
        values = {"recent": recent, "coverage": cov, "memory": memory}
        score = round(100 * sum(w * values[k] for k, w in used.items()))  # type: ignore[operator]
    return PartReadiness(data.part, cov, recent, memory, used, score, missing, data)


# --- gathering the input from the database ---------------------------------------------------------------------

def paper_types(session: Session) -> dict[str, set[str]]:
    """Item types each paper draws, from the live blueprints (defaults where a paper has none)."""
    types: dict[str, set[str]] = {}
    for paper, sections in session.execute(select(PaperBlueprint.paper, PaperBlueprint.sections)
                                           .where(PaperBlueprint.retired.is_(False))):
        types.setdefault(paper, set()).update(s.qtype for s in sections)
    return {part: types.get(part) or DEFAULT_TYPES[part] for part in PARTS}


def part_inputs(types: dict[str, set[str]], cmap: ContentMap, tallies: Iterable[QuestionTally],
                recall: dict[str, float], cases_done: dict[str, int],
                mock: dict[str, PaperSample]) -> list[PartInput]:
    """Counts per part from the learner's per-question tallies, answered cases and recent mock samples."""
    tallies = list(tallies)
    done_questions = {t.question_id for t in tallies}
    done_areas = {cmap.question_area[q] for q in done_questions if q in cmap.question_area}
    done_areas |= {cmap.case_area[c] for c in cases_done if c in cmap.case_area}
    done_topics = {t for q in done_questions for t in cmap.question_topics.get(q, ())}
    done_topics |= {t for c in cases_done for t in cmap.case_topics.get(c, ())}
    out = []
    for part in PARTS:
        kinds = types[part]
        questions = [q for q, t in cmap.question_type.items() if t in kinds]
        cases = [c for c, k in cmap.case_kind.items() if k in kinds]
        areas = {cmap.question_area[q] for q in questions} | {cmap.case_area[c] for c in cases}
        topics = {t for q in questions for t in cmap.question_topics.get(q, ())}
        topics |= {t for c in cases for t in cmap.case_topics.get(c, ())}
        topics &= set(cmap.topics)
        # Practice and memory: the paper's own objective types where it has them, else its areas' questions.
        pool = set(questions) or {q for q, a in cmap.question_area.items() if a in areas}
        practised = [t for t in tallies if t.question_id in pool and t.practice_answered]
        n = sum(t.practice_answered for t in practised)
        practice = PaperSample(n, sum(t.practice_score for t in practised) / n) if n else PaperSample()
        known = [r for q, r in recall.items() if q in pool]
        out.append(PartInput(part, len(areas), len(areas & done_areas), len(topics), len(topics & done_topics),
                             mock.get(part, PaperSample()), practice, len(known),
                             sum(known) / len(known) if known else None))
    return out
