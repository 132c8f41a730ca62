"""班级统计 figures (training/progress/classstats.py) on small examples worked out by hand."""
from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

import pytest

from training.progress.classstats import (
    DONE, FEW, IN_PROGRESS, MIN_STUDENTS, NOT_STARTED, OVERDUE, UNDEFINED, ExamScore, Figure, SortSpec,
    StudentFigures, Tally, area_totals, chosen_wrong, histogram, item_analysis, later_is_better, most_chosen_wrong,
    point_biserial, point_figures, rest_score, sort_rows, task_status,
)

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)


def test_point_biserial_by_hand():
    # x = 1,1,1,0,0 and y = 1, .8, .6, .4, .2: mean .6, population sd √.08; M1 = .8, M0 = .3, p = .6
    # r = (.8 − .3) / √.08 · √(.6 · .4) = √3 / 2
    pairs = [(True, 1.0), (True, 0.8), (True, 0.6), (False, 0.4), (False, 0.2)]
    assert point_biserial(pairs) == pytest.approx(math.sqrt(3) / 2)


def test_point_biserial_is_pearsons_r():
    pairs = [(True, 0.9), (False, 0.7), (True, 0.4), (True, 0.8), (False, 0.1), (False, 0.5)]
    xs, ys = [float(x) for x, _ in pairs], [y for _, y in pairs]
    mx, my = sum(xs) / 6, sum(ys) / 6
    cov = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    r = cov / math.sqrt(sum((x - mx) ** 2 for x in xs) * sum((y - my) ** 2 for y in ys))
    assert point_biserial(pairs) == pytest.approx(r)


def test_reversed_item_discriminates_negatively():
    pairs = [(False, 1.0), (False, 0.8), (False, 0.6), (True, 0.4), (True, 0.2)]
    assert point_biserial(pairs) == pytest.approx(-math.sqrt(3) / 2)


@pytest.mark.parametrize("pairs", [
    [(True, 0.2), (True, 0.9), (True, 0.5)],  # everyone right: the item does not vary
    [(False, 0.2), (False, 0.9), (False, 0.5)],  # everyone wrong
    [(True, 0.5), (False, 0.5), (True, 0.5)],  # the rest scores do not vary
    [(True, 0.5)],  # one student
    [],
])
def test_point_biserial_undefined(pairs):
    assert point_biserial(pairs) is None


# Five students, three questions (q, p1, p2), first answers:
#        q  p1 p2   rest for q      rest for p1     rest for p2
#   A    1  1  1    (1+1)/2 = 1     (1+1)/2 = 1     (1+1)/2 = 1
#   B    1  1  0    (1+0)/2 = .5    (1+0)/2 = .5    (1+1)/2 = 1
#   C    1  0  0    0               (1+0)/2 = .5    (1+0)/2 = .5
#   D    0  1  0    .5              0               (0+1)/2 = .5
#   E    0  0  0    0               0               0
FIRST = {
    "A": {"q": True, "p1": True, "p2": True},
    "B": {"q": True, "p1": True, "p2": False},
    "C": {"q": True, "p1": False, "p2": False},
    "D": {"q": False, "p1": True, "p2": False},
    "E": {"q": False, "p1": False, "p2": False},
}


def test_rest_score_leaves_the_item_out():
    assert rest_score(FIRST["B"], "q") == 0.5
    assert rest_score(FIRST["B"], "p2") == 1.0
    assert rest_score({"q": True}, "q") is None


def test_item_analysis_by_hand():
    figures = item_analysis(FIRST)
    q, p1, p2 = figures["q"], figures["p1"], figures["p2"]
    assert (q.students, q.right, q.facility.value) == (5, 3, pytest.approx(0.6))
    # q: y = 1, .5, 0, .5, 0 → mean .4, sd √.14; M1 = .5, M0 = .25, p = .6 → r = .25 · √(.24 / .14) = √(12/7) / 4
    assert q.discrimination.value == pytest.approx(math.sqrt(12 / 7) / 4)
    assert p1.facility.value == pytest.approx(0.6) and p1.discrimination.value == pytest.approx(math.sqrt(12 / 7) / 4)
    # p2: only A right; y = 1, 1, .5, .5, 0 → M1 = 1, M0 = .5, p = .2 → r = .5 · .4 / √.14 = √(2/7)
    assert p2.facility.percent() == "20%" and p2.discrimination.value == pytest.approx(math.sqrt(2 / 7))
    assert p2.discrimination.decimal() == "0.53"


def test_item_everyone_got_right_has_no_discrimination():
    first = {s: {**a, "easy": True} for s, a in FIRST.items()}
    easy = item_analysis(first)["easy"]
    assert easy.facility.percent() == "100%"
    assert easy.discrimination.value is None and easy.discrimination.missing == UNDEFINED
    assert easy.discrimination.decimal() == "—"


def test_item_everyone_got_wrong_has_no_discrimination():
    first = {s: {**a, "hard": False} for s, a in FIRST.items()}
    hard = item_analysis(first)["hard"]
    assert hard.facility.percent() == "0%" and hard.discrimination.missing == UNDEFINED


def test_tiny_samples_are_not_shown():
    four = {s: FIRST[s] for s in "ABCD"}
    q = item_analysis(four)["q"]
    assert q.students == 4 < MIN_STUDENTS
    assert q.facility.missing == FEW and q.facility.percent() == "样本不足"
    assert q.discrimination.missing == FEW


def test_a_student_without_other_answers_counts_for_facility_not_discrimination():
    first = {s: {"q": FIRST[s]["q"]} for s in "ABCDE"}  # nobody answered anything else
    q = item_analysis(first)["q"]
    assert q.facility.value == pytest.approx(0.6) and q.paired == 0 and q.discrimination.missing == FEW
    first = {**{s: FIRST[s] for s in "ABCDE"}, "F": {"q": True}}
    q = item_analysis(first)["q"]
    assert (q.students, q.paired) == (6, 5) and q.facility.value == pytest.approx(4 / 6)


def test_minimum_sample_is_a_parameter():
    assert item_analysis({s: FIRST[s] for s in "AB"}, min_students=2)["q"].facility.percent() == "100%"


@pytest.mark.parametrize("qtype,key,answer,chosen", [
    ("单选", "b", "c", ["c"]),
    ("单选", "b", "b", []),
    ("多选", ["a", "b"], ["a", "c", "d"], ["c", "d"]),
    ("多选", ["a", "b"], ["a"], []),  # missed a right option, chose no wrong one
    ("判断", True, False, ["false"]),
    ("排序", ["a", "b"], ["b", "a"], []),
    ("匹配", {"i1": "c1"}, {"i1": "c2"}, []),
    ("单选", "b", ["odd"], []),  # malformed old answers are ignored
])
def test_chosen_wrong(qtype, key, answer, chosen):
    assert chosen_wrong(qtype, key, answer) == chosen


def test_most_chosen_wrong_option_and_ties():
    best = most_chosen_wrong("单选", "a", ["b", "c", "c", "b", "d"], order=["a", "c", "b", "d"])
    assert (best.key, best.count, best.wrong_answers) == ("c", 2, 5)  # b and c tie: c is written first
    assert best.share == pytest.approx(0.4)
    best = most_chosen_wrong("多选", ["a", "b"], [["a", "c"], ["c", "d"], ["a"]], order=["a", "b", "c", "d"])
    assert (best.key, best.count, best.wrong_answers) == ("c", 2, 3)
    assert most_chosen_wrong("单选", "a", []) is None
    assert most_chosen_wrong("排序", ["a", "b"], [["b", "a"]]) is None


def test_point_figures():
    shown = point_figures("case", "p1", answers=8, students=5, credited=2)
    assert shown.credit.percent() == "25%"
    few = point_figures("case", "p1", answers=9, students=4, credited=9)
    assert few.credit.percent() == FEW


def test_student_accuracy_needs_min_answers():
    assert Tally(4, 4).accuracy().percent() == FEW
    assert Tally(5, 4).accuracy().percent() == "80%"
    assert (Tally(2, 1) + Tally(3, 3)) == Tally(5, 4)


def test_exam_scores_ignore_unconfirmed_sittings():
    s = StudentFigures(1, "甲", T0, exams=[ExamScore("理论知识", "卷", T0, 40.0), ExamScore("理论知识", "卷", T0, 70.0),
                                         ExamScore("专业能力", "卷", T0, None)])
    assert (s.latest_exam, s.best_exam) == (70.0, 70.0)
    assert StudentFigures(2, "乙", T0).latest_exam is None


def test_area_totals_need_enough_students():
    students = [StudentFigures(i, str(i), T0, by_area={"plan": Tally(2, 1), "etiq": Tally(1, 1)}) for i in range(5)]
    students[0].by_area["etiq"] = Tally(0, 0)
    totals = area_totals(students)
    assert totals["plan"][0] == Tally(10, 5) and totals["plan"][2].percent() == "50%"
    assert totals["etiq"][1] == 4 and totals["etiq"][2].missing == FEW


@pytest.mark.parametrize("done,started,due,status", [
    (True, True, T0 - timedelta(days=1), DONE),  # done late is still done
    (False, True, T0 - timedelta(minutes=1), OVERDUE),
    (False, False, T0 + timedelta(minutes=1), NOT_STARTED),
    (False, True, None, IN_PROGRESS),
    (False, False, None, NOT_STARTED),
    (False, False, T0, NOT_STARTED),  # due this very minute: not yet overdue
])
def test_task_status(done, started, due, status):
    assert task_status(done, started, due, T0) == status


def test_worst_first_sorting_with_ties_and_missing_figures():
    rows = [("d", Figure(None, FEW)), ("a", Figure(0.5)), ("c", Figure(None, UNDEFINED)), ("b", Figure(0.5)),
            ("e", Figure(0.1))]
    spec = SortSpec("通过率", lambda r: r[1].worst_first_key())
    assert [r[0] for r in sort_rows(rows, spec, tie=lambda r: r[0])] == ["e", "a", "b", "c", "d"]
    high = SortSpec("作答", lambda r: r[1].worst_first_key(low_is_bad=False))
    assert [r[0] for r in sort_rows(rows, high, tie=lambda r: r[0])] == ["a", "b", "e", "c", "d"]


def test_longest_idle_first():
    values = [T0, None, T0 - timedelta(days=3)]
    assert sorted(values, key=later_is_better) == [None, T0 - timedelta(days=3), T0]


def test_histogram_bands():
    assert histogram([0.0, 0.19, 0.2, 0.55, 1.0, 0.99], [0, 0.2, 0.4, 0.6, 0.8, 1.0]) == [2, 1, 1, 0, 2]


def test_figure_text():
    assert Figure(-0.001).decimal() == "0.00"
    assert Figure(0.456).percent() == "46%"
    assert Figure.of(None, 10, 5).missing == UNDEFINED
