"""training/progress/readiness.py: the readiness estimate per part, its thresholds and how it combines."""
from __future__ import annotations

import pytest

from training.progress import readiness as rd
from training.progress.stats import ContentMap, PaperSample, QuestionTally


def part(name: str, mock=(0, None), practice=(0, None), cards=0, recall=None, areas=(10, 10), topics=(20, 20)):
    return rd.PartInput(name, areas[0], areas[1], topics[0], topics[1], PaperSample(*mock), PaperSample(*practice),
                        cards, recall)


@pytest.mark.parametrize("name, mock, practice, enough", [
    ("理论知识", (0, None), (29, 0.8), False),
    ("理论知识", (0, None), (30, 0.8), True),
    ("理论知识", (10, 0.7), (20, 0.8), True),  # practice and mock answers add up for 理论知识
    ("专业能力", (0, None), (500, 0.9), False),  # practice cannot stand in for written answers
    ("专业能力", (1, 0.6), (500, 0.9), False),
    ("专业能力", (2, 0.6), (0, None), True),
    ("综合评审", (2, 0.7), (100, 0.9), False),
    ("综合评审", (3, 0.7), (0, None), True),
])
def test_sample_thresholds(name, mock, practice, enough):
    result = rd.assess(part(name, mock, practice, cards=20, recall=0.9))
    assert (result.score is not None) == enough
    assert (result.missing == []) == enough
    if not enough:
        assert rd.SAMPLE_TEXT[name] in result.missing[0]


@pytest.mark.parametrize("cards, used", [(rd.MIN_CARDS - 1, False), (rd.MIN_CARDS, True)])
def test_memory_needs_enough_cards(cards, used):
    result = rd.assess(part("理论知识", practice=(40, 0.6), cards=cards, recall=0.8))
    assert (result.memory is not None) == used
    assert set(result.weights) == ({"recent", "coverage", "memory"} if used else {"recent", "coverage"})
    assert sum(result.weights.values()) == pytest.approx(1.0)


def test_how_the_components_combine():
    full = rd.assess(part("理论知识", practice=(40, 0.6), cards=50, recall=0.8, areas=(10, 5), topics=(20, 10)))
    assert full.coverage == pytest.approx(0.5)
    assert full.score == round(100 * (0.5 * 0.6 + 0.25 * 0.5 + 0.25 * 0.8))
    no_memory = rd.assess(part("理论知识", practice=(40, 0.6), areas=(10, 5), topics=(20, 10)))
    assert no_memory.score == round(100 * (0.6 * 2 / 3 + 0.5 / 3))


@pytest.mark.parametrize("mock, practice, expected", [
    ((0, None), (0, None), None),
    ((5, 0.8), (0, None), 0.8),
    ((0, None), (5, 0.4), 0.4),
    ((5, 0.8), (500, 0.4), 0.6),  # each kind counts half, however many answers each has
])
def test_recent_score(mock, practice, expected):
    assert rd.recent_score(PaperSample(*mock), PaperSample(*practice)) == (pytest.approx(expected) if expected else None)


@pytest.mark.parametrize("args, expected", [
    ((0, 0, 0, 0), 0.0),
    ((4, 2, 0, 0), 0.5),  # no knowledge points: areas alone
    ((4, 4, 10, 5), 0.75),
    ((4, 9, 10, 50), 1.0),  # never above everything
])
def test_coverage(args, expected):
    assert rd.coverage(*args) == pytest.approx(expected)


@pytest.mark.parametrize("score, band", [(100, "把握较大"), (75, "把握较大"), (74, "接近及格线，还要巩固"),
                                         (60, "接近及格线，还要巩固"), (59, "还需加强"), (0, "还需加强")])
def test_bands(score, band):
    result = rd.PartReadiness("理论知识", 0.5, 0.5, None, {}, score, [], part("理论知识"))
    assert result.band == band


def test_no_score_without_a_recent_score_even_if_thresholds_are_zero(monkeypatch):
    monkeypatch.setitem(rd.MIN_SAMPLES, "理论知识", 0)
    assert rd.assess(part("理论知识")).score is None


def test_part_inputs_from_tallies():
    cmap = ContentMap(
        areas=[("a", "甲"), ("b", "乙")],
        question_area={"q1": "a", "q2": "a", "q3": "b", "q4": "b"},
        question_type={"q1": "单选", "q2": "判断", "q3": "多选", "q4": "单选"},
        case_area={"c1": "a", "d1": "b"}, case_kind={"c1": "案例分析", "d1": "答辩"},
        topics={"t1": ("一", "a"), "t2": ("二", "b"), "t3": ("三", "a")},
        question_topics={"q1": ["t1"], "q3": ["t2"], "q2": ["t3"]}, case_topics={"c1": ["t1"], "d1": ["t2"]})
    tallies = [QuestionTally("q1", 4, 3, 4, 3, 2, 1.0), QuestionTally("q2", 9, 9, 9, 9, 9, 9.0)]
    recall = {"q1": 0.9, "q2": 0.5}
    inputs = {p.part: p for p in rd.part_inputs(rd.DEFAULT_TYPES, cmap, tallies, recall, {"d1": 1},
                                                {"综合评审": PaperSample(1, 0.7)})}
    theory = inputs["理论知识"]  # 单选/多选 only: q1, q3, q4 in areas a, b; 判断 q2 is not on the paper
    assert (theory.areas, theory.areas_done, theory.topics, theory.topics_done) == (2, 2, 2, 2)
    assert theory.practice == PaperSample(2, 0.5) and (theory.cards, theory.recall) == (1, 0.9)
    skills = inputs["专业能力"]  # one 案例分析 in area a; practice: the area's questions, 判断 included
    assert (skills.areas, skills.areas_done, skills.topics, skills.topics_done) == (1, 1, 1, 1)
    assert skills.practice.answers == 11 and skills.practice.score == pytest.approx(10 / 11)
    assert skills.mock == PaperSample()
    oral = inputs["综合评审"]
    assert (oral.areas, oral.areas_done) == (1, 1) and oral.mock == PaperSample(1, 0.7)
    assert oral.practice == PaperSample() and oral.cards == 0


def test_paper_types_come_from_the_blueprints(app, loaded):
    from training.extensions import db
    types = rd.paper_types(db.session)
    assert types == {"理论知识": {"单选", "多选"}, "专业能力": {"案例分析", "方案设计"}, "综合评审": {"答辩"}}
