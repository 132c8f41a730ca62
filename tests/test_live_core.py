"""课堂互动, the pure part: points, ranking, the answer window, per-question statistics, nicknames, codes."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from training.grading.live import (
    ACCURACY, EARLY, LATE, OPEN, SPEED, BadNickname, Tally, clean_code, clean_nickname, elapsed_ms, free_nickname,
    new_code, points_for, question_stats, rank, window,
)

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("correct, elapsed, limit, mode, points", [
    (True, 0, 20000, SPEED, 1000),
    (True, 20000, 20000, SPEED, 500),
    (True, 10000, 20000, SPEED, 750),
    (True, 1, 20000, SPEED, 1000),  # 999.975 rounds half up
    (True, 30, 20000, SPEED, 999),  # 999.25
    (True, 50000, 20000, SPEED, 500),  # clamped to the limit
    (True, -5, 20000, SPEED, 1000),
    (False, 0, 20000, SPEED, 0),
    (True, 19999, 20000, ACCURACY, 1000),
    (False, 100, 20000, ACCURACY, 0),
])
def test_points(correct, elapsed, limit, mode, points):
    assert points_for(correct, elapsed, limit, mode) == points


def test_points_round_half_up_not_to_even():
    # 1000 × (1 − 5000/40000) = 875 exactly; 1000 × (1 − 10/40) ... and a true .5: elapsed 20 of 20000 → 999.5
    assert points_for(True, 20, 20000, SPEED) == 1000
    assert points_for(True, 60, 20000, SPEED) == 999  # 998.5 → 999, where round() would give 998


@pytest.mark.parametrize("offset, expected", [(-0.001, EARLY), (0, OPEN), (20, OPEN), (20.999, OPEN), (21.001, LATE)])
def test_window_uses_the_deadline_plus_grace(offset, expected):
    opens, deadline = T0, T0 + timedelta(seconds=20)
    assert window(T0 + timedelta(seconds=offset), opens, deadline, grace_s=1.0) == expected


def test_elapsed_is_clamped_to_the_limit():
    assert elapsed_ms(T0 + timedelta(seconds=3.25), T0, 20000) == 3250
    assert elapsed_ms(T0 + timedelta(seconds=20.5), T0, 20000) == 20000
    assert elapsed_ms(T0 - timedelta(seconds=1), T0, 20000) == 0


def test_rank_shares_places_and_breaks_ties_by_right_answers_then_time():
    standings = rank([
        Tally(1, "丙", 1500, 2, 2, 9000), Tally(2, "甲", 1500, 2, 2, 9000), Tally(3, "乙", 2000, 2, 2, 4000),
        Tally(4, "丁", 1500, 3, 3, 20000), Tally(5, "戊", 1500, 2, 2, 8000), Tally(6, "己", 0, 0, 0, 0),
    ])
    assert [(s.rank, s.tally.nickname) for s in standings] == [
        (1, "乙"), (2, "丁"), (3, "戊"), (4, "丙"), (4, "甲"), (6, "己")]


def test_rank_of_nobody():
    assert rank([]) == []


def test_question_stats_single_choice():
    stats = question_stats("单选", ["a", "b", "c", "d"], "b",
                           [("b", True), ("c", False), ("c", False), ("d", False), ("b", True)])
    assert stats.counts == {"a": 0, "b": 2, "c": 2, "d": 1}
    assert (stats.answered, stats.correct, stats.top_wrong) == (5, 2, "c")
    assert stats.correct_rate == pytest.approx(0.4)


def test_question_stats_multiple_choice_counts_each_option_ticked():
    stats = question_stats("多选", ["a", "b", "c"], ["a", "b"], [(["a", "b"], True), (["a", "c"], False), (["a"], False)])
    assert stats.counts == {"a": 3, "b": 1, "c": 1}
    assert stats.top_wrong == "c"


def test_question_stats_true_false_and_nobody():
    stats = question_stats("判断", [], True, [(True, True), (False, False)])
    assert stats.counts == {"true": 1, "false": 1} and stats.top_wrong == "false"
    empty = question_stats("单选", ["a", "b"], "a", [])
    assert empty.correct_rate is None and empty.top_wrong is None


def test_question_stats_no_wrong_answers_means_no_favourite_mistake():
    assert question_stats("单选", ["a", "b"], "a", [("a", True)]).top_wrong is None


@pytest.mark.parametrize("raw, shown", [("  小明  ", "小明"), ("Ａｌｉｃｅ", "Alice"), ("小  明", "小 明"),
                                        ("a\u200bb", "ab"), ("十二个字十二个字十二个字", "十二个字十二个字十二个字")])
def test_clean_nickname(raw, shown):
    assert clean_nickname(raw) == shown


@pytest.mark.parametrize("raw, message", [("", "请填写昵称"), ("   ", "请填写昵称"), ("\u200b", "请填写昵称"),
                                          ("x" * 200, "最多 12 个字"), ("<b>hi</b>", "不能包含"),
                                          ("<script>alert(1)</script>", "不能包含")])
def test_bad_nicknames_are_refused_in_chinese(raw, message):
    with pytest.raises(BadNickname, match=message):
        clean_nickname(raw)


def test_a_taken_nickname_gets_the_next_free_suffix():
    assert free_nickname("小明", []) == "小明"
    assert free_nickname("小明", ["小明"]) == "小明 2"
    assert free_nickname("小明", ["小明", "小明 2", "小明 3"]) == "小明 4"
    long = "十二个字十二个字十二个字"
    assert free_nickname(long, [long]) == "十二个字十二个字十二 2"


def test_codes():
    rng = random.Random(1)
    codes = {new_code(rng) for _ in range(200)}
    assert all(len(c) == 6 and c.isdigit() for c in codes) and len(codes) > 190
    assert clean_code(" 012 345 ") == "012345"
    assert clean_code("０１２３４５") == "012345"
    assert clean_code("12345") is None and clean_code("abcdef") is None and clean_code(None) is None
