"""Objective grading on keys: every type, partial credit rules, malformed responses, form parsing."""
from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from training.content.payloads import Choice, QuestionPayload
from training.grading.display import ShownQuestion
from training.grading.objective import InvalidResponse, check_response, grade
from training.grading.responses import parse_form


def question(qtype: str, answer, **parts) -> QuestionPayload:
    return QuestionPayload(qtype=qtype, title="t", difficulty="易", stem_html="", explanation_html="", answer=answer,
                           **{k: tuple(Choice(key, key.upper()) for key in v) for k, v in parts.items()})


SINGLE = question("单选", "b", options="abcd")
MULTI = question("多选", ["a", "c", "d"], options="abcd")
JUDGE = question("判断", False)
ORDER = question("排序", ["s1", "s2", "s3", "s4", "s5"], steps=["s1", "s2", "s3", "s4", "s5"])
MATCH = question("匹配", {"i1": "c1", "i2": "c2", "i3": "c1", "i4": "c2"}, items=["i1", "i2", "i3", "i4"],
                 categories=["c1", "c2"])


@pytest.mark.parametrize("response,score", [("b", 1.0), ("a", 0.0), ("d", 0.0)])
def test_single_choice(response, score):
    assert grade(SINGLE, response).score == score


@pytest.mark.parametrize("response,practice,exam", [
    (["a", "c", "d"], 1.0, 1.0),       # all right
    (["a", "c"], 2 / 3, 0.0),          # one right option missed: partial in practice, nothing in the exam
    (["a"], 1 / 3, 0.0),
    (["a", "b"], 0.0, 0.0),            # any wrong option scores nothing
    (["a", "b", "c", "d"], 0.0, 0.0),  # choosing everything is not a strategy
    (["d", "c", "a"], 1.0, 1.0),       # order of choosing does not matter
])
def test_multiple_choice_partial_credit(response, practice, exam):
    assert grade(MULTI, response).score == pytest.approx(practice)
    assert grade(MULTI, response, exam=True).score == exam


def test_multiple_choice_reports_wrong_and_missed_by_key():
    assert grade(MULTI, ["b", "a"]).detail == {"chosen": ["a", "b"], "wrong": ["b"], "missed": ["c", "d"]}


@pytest.mark.parametrize("response,score", [(False, 1.0), (True, 0.0)])
def test_true_false(response, score):
    assert grade(JUDGE, response).score == score


@pytest.mark.parametrize("response,score", [
    (["s1", "s2", "s3", "s4", "s5"], 1.0),
    (["s2", "s1", "s3", "s4", "s5"], 0.5),   # first two swapped: two adjacent pairs wrong, two right
    (["s5", "s4", "s3", "s2", "s1"], 0.0),
    (["s2", "s3", "s4", "s5", "s1"], 0.75),  # everything shifted by one: three adjacent pairs still right
])
def test_order_credit_counts_adjacent_pairs(response, score):
    assert grade(ORDER, response).score == pytest.approx(score)


@pytest.mark.parametrize("response,score", [
    ({"i1": "c1", "i2": "c2", "i3": "c1", "i4": "c2"}, 1.0),
    ({"i1": "c1", "i2": "c2", "i3": "c2", "i4": "c1"}, 0.5),
    ({"i1": "c2", "i2": "c1", "i3": "c2", "i4": "c1"}, 0.0),
])
def test_match_credit_per_item(response, score):
    assert grade(MATCH, response).score == score


@pytest.mark.parametrize("q,response", [
    (SINGLE, "z"), (SINGLE, 0), (SINGLE, True), (SINGLE, None), (SINGLE, ["b"]),
    (MULTI, []), (MULTI, ["a", "a"]), (MULTI, ["z"]), (MULTI, "a"), (MULTI, [1]),
    (JUDGE, "对"), (JUDGE, 1), (JUDGE, None),
    (ORDER, ["s1", "s2"]), (ORDER, ["s1", "s2", "s2", "s4", "s5"]), (ORDER, ["s1", "s2", "s3", "s4", "s9"]),
    (ORDER, "s1"),
    (MATCH, {"i1": "c1"}), (MATCH, {"i1": "c1", "i2": "c9", "i3": "c1", "i4": "c2"}),
    (MATCH, {"i1": "c1", "i2": "c2", "i3": "c1", "x": "c2"}), (MATCH, ["c1", "c2", "c1", "c2"]),
    (question("填空", None), "x"),
])
def test_malformed_responses_are_rejected_not_guessed(q, response):
    with pytest.raises(InvalidResponse):
        check_response(q, response)
    with pytest.raises(InvalidResponse):
        grade(q, response)


def test_form_fields_become_responses_in_keys():
    assert parse_form(SINGLE, MultiDict({"choice": "b"}), MultiDict().getlist) == "b"
    form = MultiDict([("choice", "d"), ("choice", "a")])
    assert parse_form(MULTI, form, form.getlist) == ["a", "d"]
    form = MultiDict({"rank-s1": "2", "rank-s2": "1", "rank-s3": "3", "rank-s4": "5", "rank-s5": "4"})
    assert parse_form(ORDER, form, form.getlist) == ["s2", "s1", "s3", "s5", "s4"]
    form = MultiDict({"cat-i1": "c1", "cat-i2": "c1", "cat-i3": "c2", "cat-i4": "c2"})
    assert parse_form(MATCH, form, form.getlist) == {"i1": "c1", "i2": "c1", "i3": "c2", "i4": "c2"}


@pytest.mark.parametrize("q,fields", [
    (ORDER, {"rank-s1": "1", "rank-s2": "2", "rank-s3": "3", "rank-s4": "4", "rank-s5": "5", "rank-s9": "6"}),
    (ORDER, {"rank-s1": "１", "rank-s2": "2", "rank-s3": "3", "rank-s4": "4", "rank-s5": "5"}),
    (ORDER, {"rank-s1": "--1", "rank-s2": "2", "rank-s3": "3", "rank-s4": "4", "rank-s5": "5"}),
    (MATCH, {"cat-i1": "c1", "cat-i2": "c1", "cat-i3": "c2", "cat-i4": "c2", "cat-i9": "c1"}),
    (JUDGE, {"choice": "True"}),
])
def test_odd_form_fields_are_refused(q, fields):
    form = MultiDict(fields)
    with pytest.raises(InvalidResponse):
        parse_form(q, form, form.getlist)


def test_a_presentation_keeps_its_order_and_letters():
    shown = ShownQuestion.shuffled(SINGLE, "seed-1")
    assert ShownQuestion.shuffled(SINGLE, "seed-1").order == shown.order  # stable across reloads
    assert sorted(shown.order) == ["a", "b", "c", "d"]
    again = ShownQuestion.as_presented(SINGLE, shown.presented)
    assert [again.letter(k) for k in shown.order] == ["A", "B", "C", "D"]
    orders = {ShownQuestion.shuffled(SINGLE, f"seed-{i}").order for i in range(40)}
    assert len(orders) > 10  # really shuffled
    assert {ShownQuestion.shuffled(ORDER, f"s-{i}").order[0] for i in range(40)} != {"s1"}
    assert all(ShownQuestion.shuffled(ORDER, f"s-{i}").order != tuple(ORDER.answer) for i in range(40))


def test_option_references_in_texts_become_the_letters_shown():
    q = QuestionPayload(qtype="单选", title="t", difficulty="易", stem_html="<p>{c}</p>",
                        explanation_html="<p>{b} 项最容易误选；{a}、{c} 两项不对；{x} 不是选项。</p>", answer="b",
                        options=(Choice("a", "甲"), Choice("b", "乙"), Choice("c", "丙")))
    shown = ShownQuestion.as_presented(q, ["c", "a", "b"])
    assert shown.explanation_html == "<p>C 项最容易误选；B、A 两项不对；{x} 不是选项。</p>"
    assert shown.stem_html == "<p>A</p>"
