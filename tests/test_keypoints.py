"""The key-point matcher: real-looking answers, paraphrases through synonyms, negations."""
from __future__ import annotations

import pytest

from training.grading.keypoints import is_negated, normalise, suggest_point, suggest_points, weighted_score

APOLOGY = [["道歉", "致歉", "赔礼", "对不起"], ["倾听", "听完", "耐心听"]]
EVIDENCE = [["核实", "查明", "调查"], ["证据", "留样", "封存"], ["供应商", "厂家"], ["检验", "鉴定"]]


@pytest.mark.parametrize("answer,covered", [
    ("我会先向顾客道歉，然后耐心地倾听她的诉说。", True),
    ("首先真诚致歉。", True),               # one group of two is enough (share 0.4)
    ("先说声对不起，让顾客把话说完。", True),
    ("我不会马上道歉，先搞清楚情况。", False),
    ("没有必要道歉，也不用听她抱怨。", False),
    ("道歉就不必了，直接赔钱了事。", False),
    ("不能不道歉，这是基本态度。", True),    # double negation is positive
    ("顾客不满时，我先道歉再说。", True),    # 不满 is a word, not a negation
    ("我会给顾客退款。", False),
])
def test_apology_point(answer, covered):
    assert suggest_point(0, APOLOGY, answer).covered is covered


def test_negated_words_are_reported_so_the_page_can_explain():
    s = suggest_point(0, APOLOGY, "我不会马上道歉，但会耐心听顾客说完。")
    assert s.found == ["耐心听"] and s.negated == ["道歉"]


def test_negation_does_not_reach_across_clauses():
    assert suggest_point(0, APOLOGY, "顾客没有错，我马上道歉。").found == ["道歉"]


def test_near_match_allows_one_inserted_character():
    assert suggest_point(0, [["耐心倾听"]], "要耐心地倾听").covered
    assert not suggest_point(0, [["耐心倾听"]], "要耐心，然后倾听").covered  # not across a clause break


def test_more_groups_need_more_evidence():
    assert not suggest_point(0, EVIDENCE, "我会调查一下。").covered         # 1 of 4 groups
    assert suggest_point(0, EVIDENCE, "调查清楚，把剩下的酸奶封存。").covered  # 2 of 4


def test_a_long_specific_phrase_carries_a_point_alone():
    assert suggest_point(0, [["首问负责制"], ["时限"], ["专人"], ["系统"]], "要推行首问负责制。").covered


def test_one_wrong_character_in_a_long_phrase_still_matches():
    s = suggest_point(0, [["客户档案"]], "建立客户挡案")
    assert s.found == ["客户挡案"] and s.spans == [(2, 6)]  # the candidate's own words, where they are
    assert not suggest_point(0, [["有形性"]], "无形性的服务").covered  # short words must match exactly


def test_points_about_an_absence_are_made_by_saying_so():
    hints = [["处理时限", "时限"], ["拖延"]]
    assert suggest_point(0, hints, "酒店没有规定处理时限。", label="没有明确处理时限").covered
    assert not suggest_point(0, hints, "酒店没有规定处理时限。", label="规定处理时限").covered


def _evaluate(dataset: str, content, samples: list | None = None):
    import yaml
    from support import CONTENT
    from training.grading.evaluation import evaluate, key_points_by_case, material_by_case
    if samples is None:
        samples = yaml.safe_load((CONTENT.parent / "tests" / "data" / dataset).read_text(encoding="utf-8"))
    points = key_points_by_case(content.cases)  # with their explanations, as the app passes them
    return samples, *evaluate(samples, points, material_by_case(content.cases))


def _sealed(dataset: str, size: int) -> list:
    """A frozen labelled set's answers: its body still matches the checksum in its header and holds `size` answers."""
    import yaml
    from support import CONTENT
    from training.grading.evaluation import frozen_body_ok
    text = (CONTENT.parent / "tests" / "data" / dataset).read_text(encoding="utf-8")
    assert frozen_body_ok(text) is True
    samples = yaml.safe_load(text)
    assert len(samples) == size
    return samples


def _frozen(dataset: str, size: int, content):
    """A frozen labelled set (_sealed) and the matcher's figures on it (overall, per style)."""
    _, overall, by_style, _ = _evaluate(dataset, content, _sealed(dataset, size))
    return overall, by_style


def test_matcher_on_the_hand_labelled_answers(shipped_content):
    """The figures in the closing note come from bench/matcher_eval.py over the same file;
    this guards them from regressing. The hints of its cases were tuned against it."""
    samples, overall, by_style, _ = _evaluate("matcher_answers.yaml", shipped_content)
    assert len(samples) >= 40
    # round 4: 1.00 and 0.96 (rules); round 6's learned decision, fit on all development sets: 0.98 and 0.94
    # (cross-validated, leaving the case out: 0.98 and 0.91; bench/matcher_cv.py)
    # round 8 (whole-answer contrariness, fit with dev5 too): 0.98 and 0.93 (two typo answers lost); round 10: 0.98
    # and 0.92, one point withdrawn by a 误区 the answer does say (直接让她去找厂家) though its label credits it;
    # round 14 (dev7 in the fit, the threshold 0.40 -> 0.50 chosen by the worst set, 2 932 more spoken phrasings): 0.98
    # and 0.87 (typo and structured points lost: the price of the stricter threshold)
    assert overall.precision >= 0.97 and overall.recall >= 0.87


def test_matcher_on_the_independently_labelled_answers(shipped_content):
    """Written blind (no matcher, no hints); the hints of its six cases were later tuned against it."""
    samples, overall, by_style, _ = _evaluate("matcher_answers_independent.yaml", shipped_content)
    assert len(samples) >= 48
    # round 4: 0.98 and 0.95; round 6: 0.97 and 0.96; round 8: 0.98 and 0.93 (two paraphrases and a negation lost:
    # the price of the answer-level negation share, bench/matcher_cv.py)
    assert overall.precision >= 0.96 and overall.recall >= 0.93
    assert by_style["negation"].precision >= 0.85  # measured 0.94


def test_matcher_on_the_held_out_answers(shipped_content):
    """Written blind on six other cases, never used to tune hints. Its first reading was P 0.73, R 0.87;
    one matcher change (qualified names such as 管理者认知差距 in a recital) followed from its misses.
    round 13 (spoken phrasings in the hints): 0.91 and 0.97 (146 of 151)"""
    samples, overall, by_style, _ = _evaluate("matcher_answers_heldout.yaml", shipped_content)
    assert len(samples) >= 48
    # measured 0.79 and 0.86 (round 3; 0.79/0.84 round 2); 0.84/0.85 after round 5; round 6 (the learned
    # decision, fit on the development sets only): 0.89 and 0.91; round 7 (claims held against the explanation):
    # 0.89 and 0.92; round 8 (how contrarian the whole answer is): 0.90 and 0.90; round 9 (more keyword-dump
    # formats, the model refit): 0.89 and 0.90, one more false credit; round 10 (误区): 0.90 and 0.91 (137 of 151);
    # round 14 (dev7 in the fit, the threshold 0.40 -> 0.50 chosen by the worst set, 2 932 more spoken phrasings): 0.90
    # and 0.93 (141 right, 15 wrong, 10 missed)
    assert overall.precision >= 0.9 and overall.recall >= 0.93
    assert by_style["structured"].recall >= 0.95  # a complete textbook answer is recognised in full


def test_matcher_on_the_second_held_out_set(shipped_content):
    """Written blind on six further cases before a hint review of all untuned cases; the reviewer never
    saw it. Measured P 0.71, R 0.77 on the hints before that review, P 0.79, R 0.87 after.
    round 13 (spoken phrasings): 0.88 and 0.90 (132 right, 18 wrong, 14 missed)"""
    samples, overall, by_style, _ = _evaluate("matcher_answers_heldout2.yaml", shipped_content)
    assert len(samples) >= 48
    # measured 0.82 and 0.86 (round 3; 0.83/0.86 round 2); 0.84/0.84 after round 5; round 6: 0.87 and 0.88;
    # round 7: 0.87 and 0.88; round 8: 0.88 and 0.88; round 9: 0.87 and 0.87 (one paraphrase point less, one more
    # false credit: the refit model, no term line of this set changed); round 10 (误区): 0.88 and 0.88; round 12
    # (434 more 误区, refit): 0.87 and 0.88, one false credit more (128 right, 19 wrong, 18 missed);
    # round 14 (dev7 in the fit, the threshold 0.40 -> 0.50 chosen by the worst set, 2 932 more spoken phrasings): 0.90
    # and 0.88 (129 right, 15 wrong, 17 missed)
    assert overall.precision >= 0.89 and overall.recall >= 0.88
    assert by_style["structured"].recall >= 0.95


def _floors(dataset: str, size: int, content, precision: float, recall: float, most_false: dict[str, int]):
    """A frozen held-out set's floors: its overall precision and recall, the points of complete answers found
    (recall >= 0.95), and at most so many false credits in each style named (0 for keyword dumps: a list of bare
    terms earns nothing)."""
    overall, by_style = _frozen(dataset, size, content)
    assert overall.precision >= precision and overall.recall >= recall
    assert by_style["complete"].recall >= 0.95
    for style, n in most_false.items():
        assert by_style[style].fp <= n, style


def test_the_third_held_out_set_is_frozen_and_measured(shipped_content):
    """Written blind on 2026-12-01 for the matcher's second round (12 cases, 11 styles), frozen by the
    checksum in its header. First reading, before any change to the matcher: P 0.66, R 0.93
    (keyword_dump, wrong_definition and reversed answers credited with every point they name).
    After the keyword-dump rule (half the items of a 、-list are names): P 0.76, R 0.93.
    round 13 (spoken phrasings) 0.86/0.93 (17 and 7)"""
    # measured 0.79 and 0.92 after round 3 (0.80/0.91 round 2); round 4's rejection and definition rules
    # traded recall for precision: 0.82 and 0.897 (252 of 281 points; the same trade on every held-out set);
    # round 5 0.83/0.89; round 6 0.82/0.90 (more recital and partial points right, more wrong definitions and
    # reversed claims credited: 22 and 15 false credits, from 15 and 10); round 7 0.83/0.91 (20 and 15); round 8
    # 0.85/0.90 (15 and 11); round 9 0.85/0.90 (14 and 12); round 10 (误区) 0.86/0.91 (15 and 9); round 12 0.86/0.90
    # (15 and 7; one paraphrase point less: 254 of 281)
    # round 14 (dev7 in the fit, threshold 0.40 -> 0.50 chosen by the worst set, 2 932 more spoken phrasings): P 0.90, R
    # 0.92 (258 right, 30 wrong, 23 missed)
    _floors("matcher_answers_heldout3.yaml", 132, shipped_content, 0.89, 0.91,
            {"wrong_definition": 12, "reversed": 3, "keyword_dump": 0})


def test_the_fourth_held_out_set_is_frozen_and_measured(shipped_content):
    """Written blind on 2026-12-01 (16 cases across all 13 areas, 9 styles, 144 answers) from case extracts
    without hint lines, frozen by its checksum before the matcher was run on it; never used for tuning.
    First reading (round 3 matcher): P 0.69, R 0.95, with 25 points credited to keyword dumps.
    After round 4: P 0.72, R 0.93 (keyword dumps 23, wrong definitions 19, rejections 14 false credits).
    After round 5 (a hint counts only in a clause that says something): P 0.74, R 0.92, keyword dumps 12.
    After round 6 (the learned decision over the rules' evidence): P 0.86, R 0.955, keyword dumps still 12.
    After round 7: P 0.85, R 0.955. After round 8: P 0.88, R 0.95 (keyword dumps 10, wrong definitions 8).
    After round 9 (dumps in parentheses, after dashes, in a sentence of their own): P 0.90, R 0.95, dumps 3.
    After round 10 (误区): P 0.90, R 0.945 (276 of 292 points; a rejection and a wrong-definition answer's point
    lost in the refit; no misconception withdrew a point made).
    Round 13 (spoken phrasings in the hints): P 0.90, R 0.96, keyword dumps 4."""
    # round 14 (dev7 in the fit, threshold 0.40 -> 0.50 chosen by the worst set, 2 932 more spoken phrasings): P 0.94, R
    # 0.95 (276 right, 18 wrong, 16 missed)
    _floors("matcher_answers_heldout4.yaml", 144, shipped_content, 0.93, 0.94,
            {"keyword_dump": 2, "wrong_definition": 1})


def test_the_fifth_held_out_set_is_frozen_and_measured(shipped_content):
    """Written blind on 2026-12-01 (15 cases no development set uses, 10 styles, 150 answers) from case extracts
    without hint lines, frozen by its checksum before the matcher was run on it; never used for tuning.
    First reading (round 5 matcher): P 0.78, R 0.90 (wrong definitions 27 false credits, recitals 12, rambling
    15). After round 6 (the learned decision): P 0.81, R 0.91 (recitals 0, partial answers 1; wrong definitions
    in the point's own words 37: the family the next round has to take on). Round 7 (claims held against the
    explanation): P 0.83, R 0.92, wrong definitions 31. Round 8 (how contrarian the whole answer is): P 0.85,
    R 0.91, wrong definitions 24. Round 9: P 0.85, R 0.91, wrong definitions 25. Round 10 (the authors' 误区
    lines): P 0.87, R 0.91, wrong definitions 17. Round 12 (more 误区): P 0.87, R 0.91 (one false credit more: 39),
    wrong definitions 17. Round 13 (spoken phrasings): P 0.87, R 0.93, wrong definitions 19."""
    # round 14 (dev7 in the fit, threshold 0.40 -> 0.50 chosen by the worst set, 2 932 more spoken phrasings): P 0.90, R
    # 0.91 (262 right, 28 wrong, 26 missed)
    _floors("matcher_answers_heldout5.yaml", 150, shipped_content, 0.9, 0.9,
            {"wrong_definition": 10, "keyword_dump": 0, "recital": 0})


def test_the_sixth_held_out_set_is_frozen_and_measured(shipped_content):
    """Written blind on 2026-12-01 by a new writer on 15 of held-out set 4's cases (10 styles, 150 answers, a third
    of them wrong definitions in the point's own words, alone or mixed with right points), frozen before the
    matcher was run on it; never used for tuning. First reading, after round 6: P 0.80, R 0.94 (the hand rules
    alone: P 0.71, R 0.92). Wrong definitions earn 41 points: the judge of round 7's work on them, which read it
    twice (veto-only P 0.81 R 0.92, 32; additive, shipped, P 0.81 R 0.95, 38). Round 8: P 0.84, R 0.94, 27.
    Round 9: P 0.84, R 0.94, 28 (keyword dumps 3 -> 1). Round 10 (误区): P 0.88, R 0.95, 15. Round 12 (more 误区):
    P 0.89, R 0.95, 13. Round 13 (spoken phrasings): P 0.88, R 0.96."""
    # round 14 (dev7 in the fit, threshold 0.40 -> 0.50 chosen by the worst set, 2 932 more spoken phrasings): P 0.92, R
    # 0.95
    _floors("matcher_answers_heldout6.yaml", 150, shipped_content, 0.91, 0.95,
            {"keyword_dump": 1, "wrong_definition": 10})


def test_the_seventh_held_out_set_is_frozen_and_measured(shipped_content):
    """Written blind on 2026-12-01 for round 8 by a new writer on the 15 cases of held-out sets 3 and 5 (10 styles,
    150 answers; its wrong definitions reuse the explanation's own words as much as they can), frozen before the
    matcher was run on it; never used for tuning. First reading, on round 7: P 0.74, R 0.94 (the hand rules: P
    0.70, R 0.92), 63 of the 107 false credits from the 15 wrong-definition answers. Round 8: P 0.80, R 0.93, 43.
    Round 9: P 0.79, R 0.93, 44 (list answers 4 -> 6: the refit model, no term line of theirs changed).
    Round 10 (误区): P 0.82, R 0.93; wrong definitions 33, wrong mixed 18. Round 12 (more 误区): P 0.84, R 0.93;
    27 and 15. Round 13 (spoken phrasings): P 0.83, R 0.95; 28 and 15."""
    # round 14 (dev7 in the fit, threshold 0.40 -> 0.50 chosen by the worst set, 2 932 more spoken phrasings): P 0.87, R
    # 0.94
    _floors("matcher_answers_heldout7.yaml", 150, shipped_content, 0.87, 0.93,
            {"keyword_dump": 1, "wrong_definition": 24, "wrong_mixed": 12})


def test_the_eighth_held_out_set_is_frozen_and_measured(shipped_content):
    """Written blind on 2026-12-01 for round 9 by a new writer on 15 cases of held-out sets 3 to 7 (10 styles, 150
    answers; keyword dumps in many formats: parentheses, dashes, numbered terms, a generic sentence after a list),
    frozen before the matcher was run on it; never used for tuning. First reading, on round 8: P 0.79, R 0.92
    (the hand rules: P 0.68, R 0.89), keyword dumps 9 false credits, wrong definitions 35, wrong mixed 16.
    Round 9: P 0.80, R 0.93, keyword dumps 1, wrong definitions 33. Round 10 (误区): P 0.84, R 0.93, wrong
    definitions 23, wrong mixed 8. Round 12 (more 误区): P 0.85, R 0.93, 21 and 8.
    Round 13 (spoken phrasings): P 0.84, R 0.95, 21 and 9."""
    # round 14 (dev7 in the fit, threshold 0.40 -> 0.50 chosen by the worst set, 2 932 more spoken phrasings): P 0.88, R
    # 0.92
    _floors("matcher_answers_heldout8.yaml", 150, shipped_content, 0.88, 0.92,
            {"keyword_dump": 1, "wrong_definition": 16, "wrong_mixed": 7})


def test_the_ninth_held_out_set_is_frozen_and_measured(shipped_content):
    """Written blind on 2026-12-01 after round 9 by a new writer on 15 held-out cases (10 styles, 150 answers),
    frozen before the matcher was run on it; never used for tuning: the judge of the next round. First reading, on
    round 9: P 0.82, R 0.94 (the hand rules: P 0.73, R 0.92); wrong definitions 40 false credits, wrong mixed 9,
    rambling 9, keyword dumps 2. Second reading, on round 10's candidate (dev6 added to the fit, threshold 0.35):
    the same 306 right and 68 wrong credits, so it was not shipped. Third reading, round 10 (the authors' 误区
    lines): P 0.87, R 0.94, 306 right and 45 wrong; wrong definitions 19, wrong mixed 6. Round 12 (more 误区):
    P 0.89, R 0.94, 305 right and 39 wrong; 14 and 4.
    Round 13 (spoken phrasings): P 0.87, R 0.96, 311 right and 47 wrong; 16 and 4."""
    # round 14 (dev7 in the fit, threshold 0.40 -> 0.50 chosen by the worst set, 2 932 more spoken phrasings): P 0.91, R
    # 0.96 (310 right, 30 wrong)
    _floors("matcher_answers_heldout9.yaml", 150, shipped_content, 0.91, 0.95,
            {"keyword_dump": 2, "wrong_definition": 10, "wrong_mixed": 3})


def test_the_tenth_held_out_set_is_frozen_and_measured(shipped_content):
    """Written blind on 2026-12-01 by a new writer on 15 held-out cases (10 styles with near misses, 150 answers),
    frozen before the matcher was run on it; never used for tuning: a judge for a round after heldout9's. First
    reading, on round 9's final code: P 0.73, R 0.92 (the hand rules: P 0.67, R 0.87); wrong definitions 46 false
    credits, near misses 34, wrong mixed 11, rambling 10, keyword dumps 2. Second reading, the judge of round 10
    (the authors' 误区 lines): P 0.76, R 0.92; wrong definitions 31, near misses 36, wrong mixed 10. Round 12 (more
    误区): P 0.76, R 0.92 (299 right, 92 wrong); wrong definitions 26, near misses 35.
    Round 13 (spoken phrasings): P 0.76, R 0.95 (307 right, 95 wrong); near misses 37."""
    # round 14 (dev7 in the fit, threshold 0.40 -> 0.50 chosen by the worst set, 2 932 more spoken phrasings): P 0.86, R
    # 0.94 (304 right, 49 wrong)
    _floors("matcher_answers_heldout10.yaml", 150, shipped_content, 0.86, 0.93,
            {"keyword_dump": 1, "wrong_definition": 16, "near_miss": 17})


def test_the_eleventh_held_out_set_is_frozen_and_measured(shipped_content):
    """Written blind on 2026-12-01 by a new writer on 15 held-out cases (10 styles, 150 answers, 298 points labelled)
    from extracts without hint or 误区 lines, frozen before the matcher was run on it; never used for tuning: the
    judge of rounds 10 and 11 (the authors' 误区 lines; wordings added so each finds its own sentence). Read once on
    each of three versions: round 9 (6f2bc4d) P 0.71, R 0.91 (wrong definitions 38 false credits, near misses 31,
    wrong mixed 16); round 10 P 0.73, R 0.91 (wrong definitions 27, wrong mixed 14); round 11 the same credits as
    round 10 (hand rules alone: P 0.67, R 0.88). Round 12 (434 more 误区): P 0.73, R 0.91, 272 right and 100
    wrong; wrong definitions 26, near misses 30.
    Round 13 (spoken phrasings): P 0.73, R 0.92, 273 right and 102 wrong."""
    # round 14 (dev7 in the fit, threshold 0.40 -> 0.50 chosen by the worst set, 2 932 more spoken phrasings): P 0.78, R
    # 0.90 (268 right, 76 wrong)
    _floors("matcher_answers_heldout11.yaml", 150, shipped_content, 0.77, 0.89,
            {"keyword_dump": 0, "wrong_definition": 20, "near_miss": 20})


def test_the_twelfth_held_out_set_is_frozen_and_measured(shipped_content):
    """Written blind on 2026-12-01 by a new writer on 15 held-out cases (10 styles, 150 answers, 309 points labelled)
    from extracts without hint or 误区 lines, frozen before the matcher was run on it; never used for tuning: the
    judge of round 12 (434 more 误区 of the kinds the points lacked). Read once on each of three versions: round 9
    (6f2bc4d) P 0.80, R 0.91, 280 right and 71 wrong (wrong definitions 32; hand rules P 0.69, R 0.87); round 11
    (55e8ffb) P 0.82, R 0.91, 281 and 62 (wrong definitions 19); round 12 P 0.82, R 0.91, 281 and 60 (wrong
    definitions 17, near misses 25). Round 13 (spoken phrasings): P 0.83, R 0.93, 286 right and 58 wrong."""
    # round 14 (dev7 in the fit, threshold 0.40 -> 0.50 chosen by the worst set, 2 932 more spoken phrasings): P 0.91, R
    # 0.90 (279 right, 28 wrong)
    _floors("matcher_answers_heldout12.yaml", 150, shipped_content, 0.9, 0.9,
            {"keyword_dump": 0, "wrong_definition": 7, "near_miss": 14})


def test_the_thirteenth_held_out_set_is_frozen_and_measured(shipped_content):
    """Written blind on 2026-12-01 by a new writer on 15 held-out cases (10 styles, 150 answers, 316 points labelled;
    colloquial answers in a real person's words, five near misses that make one point) from extracts without hint or
    误区 lines, frozen before the matcher was run on it; never used for tuning: the judge of the next round. First
    reading, on round 12's final code: P 0.76, R 0.87 (hand rules P 0.71, R 0.84); colloquial recall 0.63 (23
    points missed), rambling 18 false credits, wrong definitions 27, near misses 19, keyword dumps 2.
    Second reading, the judge of round 13 (4 638 spoken phrasings added to the hints, refit): P 0.76, R 0.91,
    286 right and 90 wrong (colloquial recall 0.63 -> 0.79; rambling 18 -> 22 false credits, keyword dumps 2 -> 3)."""
    # round 14 (dev7 in the fit, threshold 0.40 -> 0.50 chosen by the worst set, 2 932 more spoken phrasings): P 0.84, R
    # 0.90 (283 right, 54 wrong; colloquial recall 0.79 -> 0.73)
    _floors("matcher_answers_heldout13.yaml", 150, shipped_content, 0.83, 0.89,
            {"keyword_dump": 2, "wrong_definition": 17, "near_miss": 11})



def test_the_fourteenth_held_out_set_is_frozen_and_measured(shipped_content):
    """heldout14, in two halves by two writers (70 answers each, 7 cases each, 10 styles): written blind on 2026-12-02
    from extracts without hint or 误区 lines, on 14 cases whose hints were never tuned on answers and none of which
    dev7 uses; frozen before the matcher was run on them; never used for tuning: the judge of round 14. First reading,
    on round 13's final code (885b5c2): a P 0.74, R 0.94 (137 right, 48 wrong); b P 0.78, R 0.98 (143, 40).
    Second, on round 14's model (dev7 in the fit, threshold 0.50): a P 0.80, R 0.92; b P 0.85, R 0.96. Third, with
    the 2 932 spoken phrasings too (shipped): a P 0.79, R 0.90 (131 right, 34 wrong, 14 missed); b P 0.84, R 0.97
    (141, 26, 5). Together 0.76/0.96 -> 0.82/0.93: wrong definitions 22 -> 14, near misses 19 -> 13, rambling
    18 -> 13 false credits, colloquial recall 0.85 -> 0.75."""
    _floors("matcher_answers_heldout14a.yaml", 70, shipped_content, 0.79, 0.9,
            {"keyword_dump": 2, "wrong_definition": 6, "near_miss": 5})
    _floors("matcher_answers_heldout14b.yaml", 70, shipped_content, 0.84, 0.96,
            {"keyword_dump": 0, "wrong_definition": 8, "near_miss": 8})


def test_the_fifteenth_held_out_set_is_frozen_and_measured(shipped_content):
    """heldout15, in two halves by two more writers (70 answers each on heldout14's 14 cases, 10 styles), written
    blind on 2026-12-02 from extracts without hint or 误区 lines after round 14 was done, frozen, never used for
    tuning: the judge of round 15. First reading, on round 14's final code (7a6ba94): a P 0.83, R 0.89 (133 right,
    27 wrong, 16 missed); b P 0.89, R 0.95 (140, 18, 8); keyword dumps earned nothing in either. Round 15 (a dump
    answer earns nothing; slogan runs across line breaks) changed nothing here; a refit on its features was flat in
    CV and cost one credit on six older held-out sets, and was not shipped. The false credits are wrong definitions
    (12), near misses (12) and mixed answers (8); the misses colloquial (15) and rejections (5)."""
    _floors("matcher_answers_heldout15a.yaml", 70, shipped_content, 0.83, 0.89,
            {"keyword_dump": 0, "wrong_definition": 8, "near_miss": 8})
    _floors("matcher_answers_heldout15b.yaml", 70, shipped_content, 0.88, 0.94,
            {"keyword_dump": 0, "wrong_definition": 4, "near_miss": 5})


def test_matcher_on_the_blind_development_set(shipped_content):
    """dev2: 208 answers in 13 styles on 16 cases no other set uses, written blind (extracts without hints,
    no matcher) for round 2 and then used to tune it. First reading P 0.65, R 0.95 (58 false credits from
    keyword dumps written as lines of terms); after round 2 P 0.76, R 0.95; after round 4 P 0.82, R 0.96."""
    samples, overall, by_style, _ = _evaluate("matcher_answers_dev2.yaml", shipped_content)
    assert len(samples) == 208
    # round 4: 0.822 and 0.955; round 5: 0.827, 0.953; round 6 (learned decision, fit on it among others): 0.928 and
    # 0.951, cross-validated leaving its case out 0.93 and 0.95; round 8: 0.945 and 0.930 (rejections and correct
    # negations lose points to the answer-level negation share: 0 -> 3 and 4 -> 6 missed)
    assert overall.precision >= 0.94 and overall.recall >= 0.93
    assert by_style["keyword_dump"].fp <= 1 and by_style["complete"].recall >= 0.97
    assert by_style["recital"].fp <= 4 and by_style["rejection"].fp <= 6  # round 4: 4 and 6
    # round 4: 10 and 2; round 6: 0, 3; round 14 (2 932 more spoken phrasings in the hints): 0 and 4
    assert by_style["rambling"].fp <= 10 and by_style["passing_mention"].fp <= 4
    # round 4: 11 and 16; round 6: 9 and 5; round 7 (claims held against the explanation): 8 and 5; round 8: 9 and 2
    assert by_style["reversed"].fp <= 9 and by_style["wrong_definition"].fp <= 2


def test_an_edited_frozen_set_is_noticed():
    from training.grading.evaluation import frozen_body_ok
    import hashlib
    body = "- case: x\n  covers: [p1]\n"
    frozen = f"# header\n# sha256 of everything below this line: {hashlib.sha256(body.encode()).hexdigest()}\n{body}"
    assert frozen_body_ok(frozen) is True
    assert frozen_body_ok(frozen.replace("p1", "p2")) is False
    assert frozen_body_ok(body) is None


@pytest.mark.parametrize("answer,covered", [
    ("至于检查方法和奖惩，我觉得没必要写进计划书。", False),   # the topic's comment is in the next clause
    ("检查方法和奖惩办法可以省掉，都是空话。", False),
    ("检查和奖惩这些大家都知道。", False),                  # named and waved through
    ("每月检查一次执行情况，按结果奖惩。", True),
])
def test_dismissals_after_the_topic(answer, covered):
    assert suggest_point(0, [["检查", "考核"], ["奖惩", "奖励"]], answer).covered is covered


def test_a_point_about_a_lack_is_still_negated_by_not_being_the_problem():
    hints = [["处理时限", "时限"]]
    assert not suggest_point(0, hints, "问题也不是处理时限的问题。", label="没有明确处理时限").covered
    assert suggest_point(0, hints, "酒店没有规定处理时限。", label="没有明确处理时限").covered


def test_an_answer_that_rejects_half_the_point_does_not_make_it():
    evidence = [["厂家"], ["检验", "鉴定"]]
    assert not suggest_point(0, evidence, "请厂家派人来，不用送去检验。").covered
    assert suggest_point(0, evidence, "请厂家派人来，把酸奶送去检验。").covered


def test_a_bare_list_of_names_recites_the_theory_without_making_its_points():
    points = [{"label": n, "weight": 20, "hints": [[n]]} for n in ("有形性", "可靠性", "响应性", "保证性", "移情性")]
    recital = suggest_points("SERVQUAL 包括有形性、可靠性、响应性、保证性、移情性五个维度。", points)
    assert not any(p.covered for p in recital)
    applied = suggest_points("有形性：休息区太挤；可靠性：异响修了三次；响应性：预约要等一周。", points)
    assert [p.covered for p in applied] == [True, True, True, False, False]
    metrics = [{"label": "考核", "weight": 50, "hints": [["质检"], ["满意度"]]},
               {"label": "解决", "weight": 50, "hints": [["首次解决率"]]}]
    assert all(p.covered for p in suggest_points("考核改为质检、满意度、首次解决率加权。", metrics))  # only 2 points


def test_a_recital_may_qualify_its_names_and_end_in_a_word_with_yu():
    points = [{"label": str(i), "weight": 25, "hints": [[h]]} for i, h in enumerate(("客户需求", "重心前移", "绩效", "客户参与"))]
    recital = suggest_points("原则包括：以客户需求为中心、服务重心前移、绩效衡量、客户参与。", points)
    assert not any(p.covered for p in recital)


def test_hints_that_are_negative_phrases_match_as_written():
    assert suggest_point(0, [["不推诿", "不推卸"]], "各部门不推诿，首问负责。").covered


def test_normalise_folds_width_case_and_spaces():
    assert normalise("ＳＥＲＶＱＵＡＬ 五 个 维度") == "servqual五个维度"


def test_is_negated_window():
    text = normalise("我从来没有想过要在这种情况下道歉")
    start = text.index("道歉")
    assert not is_negated(text, start, start + 2, "道歉")  # the 没有 is too far back to govern it


def test_suggest_points_and_weighted_score():
    points = [{"label": "a", "weight": 40, "hints": APOLOGY}, {"label": "b", "weight": 60, "hints": EVIDENCE}]
    s = suggest_points("先道歉，再核实事实、封存证据。", points)
    assert [p.covered for p in s] == [True, True]
    assert weighted_score(points, [True, False]) == 40


def test_a_negative_item_in_a_list_of_faults_does_not_negate_the_next_item():
    assert suggest_point(0, [["创新"]], "产品质量不稳定、缺少创新").covered
    assert suggest_point(0, [["服务"]], "价格不合理、服务态度差").covered
    assert not suggest_point(0, [["解释"]], "我没道歉、解释").covered  # a leading negator covers the list


CALLCENTER_POINTS = [
    {"key": "sl", "label": "服务水平", "hints": [["服务水平"], ["秒内接通", "规定时间内接起"]]},
    {"key": "aht", "label": "平均处理时长", "hints": [["平均处理时长", "AHT"], ["通话时间", "话后处理"]]},
    {"key": "fcr", "label": "首次解决率", "hints": [["首次解决率", "一次解决"], ["不用再打", "再次来电"]]},
]


@pytest.mark.parametrize("answer", [
    "服务水平、平均处理时长、首次解决率、放弃率、排班、话务预测。",
    "关键词：服务水平、AHT、通话时间、一次解决、满意度、知识库、质检。",
])
def test_a_keyword_dump_earns_no_point(answer):
    from training.grading.keypoints import suggest_points
    assert [p.covered for p in suggest_points(answer, CALLCENTER_POINTS)] == [False, False, False]


def test_a_list_followed_by_explanations_still_earns_the_explained_points():
    from training.grading.keypoints import suggest_points
    answer = ("看四个指标：服务水平、平均处理时长、首次解决率、放弃率。服务水平是指多少比例的来电在二十秒内接通；"
              "首次解决率就是客户的问题第一次来电就一次解决的比例。")
    assert [p.covered for p in suggest_points(answer, CALLCENTER_POINTS)] == [True, False, True]


def test_a_definition_containing_a_negation_keeps_its_point():
    from training.grading.keypoints import suggest_points
    answer = "首次解决率就是客户一次解决、不用再打第二次电话的比例。"
    assert suggest_points(answer, CALLCENTER_POINTS)[2].covered


@pytest.mark.parametrize("answer,covered", [
    ("道歉就不必了，直接说处理办法。", False),      # 不必 as the topic's comment
    ("先道歉，让客户不用再跑第二趟。", True),        # 不用 + what happens: a fact
    ("倾听这一步不需要，直接给方案。", False),
])
def test_weak_negators_after_a_topic_dismiss_it_only_as_its_comment(answer, covered):
    assert suggest_point(0, APOLOGY, answer).covered is covered


def test_the_stable_evaluation_entry_reads_json_and_prints_keys(tmp_path):
    """`python -m training.grading.keypoints FILE.json`: no app, no database; documented in content/FORMAT.md."""
    import json
    import subprocess
    import sys
    from support import ROOT
    data = {"points": [{"key": "sorry", "label": "道歉", "weight": 40, "hints": "道歉/致歉/对不起，倾听/听完"},
                       {"key": "check", "label": "查明事实", "weight": 30, "hints": "核实/查明，证据/留样/封存"},
                       {"key": "pay", "label": "赔偿", "weight": 30, "hints": "赔偿/补偿/退款，方案/选择"}],
            "answers": ["我会先向客户道歉，耐心听完她的诉说，再核实情况、封存样品。", "道歉、核实、证据、倾听、赔偿。",
                        "不需要道歉，也不用赔偿。"]}
    path = tmp_path / "points.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "training.grading.keypoints", str(path)], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    assert [json.loads(line) for line in out.splitlines()] == [["sorry", "check"], [], []]


def test_every_decision_is_explained_in_the_answers_own_words():
    answer = "首先要真诚地道 歉，然后核实情况。赔偿就没必要了。关键词：倾听、证据、留样、封存、跟进。"
    points = [{"key": "a", "label": "道歉", "hints": [["道歉", "致歉"], ["倾听"]]},
              {"key": "b", "label": "赔偿", "hints": [["赔偿", "补偿"]]},
              {"key": "c", "label": "证据", "hints": [["证据"], ["留样"], ["封存"], ["鉴定"]]},
              {"key": "d", "label": "回访", "hints": [["回访"], ["跟进"]]},
              {"key": "e", "label": "培训", "hints": [["培训"], ["演练"]]}]
    a, b, c, d, e = suggest_points(answer, points)
    assert a.covered and a.reason == "covered" and a.found == ["道 歉"]  # 倾听 is only in the keyword list
    assert [answer[x:y] for x, y in a.spans] == ["道 歉"]  # the span is in the original text, space included
    assert not b.covered and b.reason == "opposite" and b.why == "这里的说法与要点相反"
    assert [answer[x:y] for x, y in b.negated_spans] == ["赔偿"]
    assert not c.covered and c.reason == "terms_only" and c.why == "只提到了术语，没有解释"
    assert not d.covered and d.reason == "terms_only"
    assert not e.covered and e.reason == "none" and e.why == "没有找到相关表述"


def test_labels_of_points_removed_since_labelling_are_ignored():
    from training.grading.evaluation import truth_indexes
    points = [{"key": "p1"}, {"key": "p3"}, {"key": "p4"}]  # p2 was removed from the case after labelling
    assert truth_indexes(["p1", "p2", "p4"], points) == {0, 2}
    assert truth_indexes([1, 3], points) == {0, 2}  # older sets label by position


@pytest.mark.parametrize("answer,covered", [
    ("我觉得不需要道歉，道歉反而显得心虚，听完客户的话也没用。", False),   # rejected, then the term recurs
    ("不是简单地道歉，而是真诚地道歉，耐心听完客户的话。", True),           # turned round by 而是
    ("店里没有专人倾听，要安排专人耐心听完客户的话，再真诚道歉。", True),   # a lack described, then the remedy
])
def test_a_rejection_covers_the_later_mentions_in_its_sentence(answer, covered):
    assert suggest_point(0, APOLOGY, answer).covered is covered


# --- round 2 families, with real sentences ---------------------------------------------------------

def test_a_hint_written_with_a_minus_is_made_by_rejecting_it():
    hints = [["一题一问"], ["不诱导", "-诱导", "-暗示", "-引导", "-偏向"]]
    made = suggest_point(0, hints, "问卷要注意不能诱导被访者，问话避免暗示答案")
    assert made.covered and made.reason == "covered"
    backwards = suggest_point(0, hints, "可以加一些引导，让业主往满意的方向答")
    assert not backwards.covered and backwards.reason == "opposite" and backwards.negated == ["引导"]
    assert suggest_point(0, hints, "问话不能带着偏向").covered


def test_a_minus_hint_needs_a_word_after_it():
    from training.content.source import Report, parse_hints
    report = Report("<t>")
    parse_hints("-不诱导, -, 道歉", 3, report, "要点 1")
    assert len(report.problems) == 2 and "-诱导" in report.problems[0].message
    report = Report("<t>")
    parse_hints("负值/负1/-1, -0.5, -诱导", 3, report, "追问 f3")  # a negative number is not a prohibition
    assert [p.message.count("负一") for p in report.problems] == [1, 1]


@pytest.mark.parametrize("answer,hint,matched", [
    ("先建立客户挡案", "客户档案", True),  # 挡/档: one sound, a voice keyboard's slip
    ("服务水瓶要达到标准", "服务水平", True),
    ("要先向顾客道谦", "道歉", False),  # two characters: only as written
    ("重要客户要专人跟进", "主要客户", False),  # 重/主 sound different: another word
    ("我们提供一对一服务", "统一服务", False),
    ("接通率要做到百分之九十几", "百分之八十", False),  # numbers are never typos
])
def test_a_wrong_character_counts_only_when_it_sounds_the_same(answer, hint, matched):
    assert bool(suggest_point(0, [[hint]], answer).found) is matched


SERVICE_LEVEL = [["服务水平"], ["秒内", "规定时间内", "规定秒数"], ["接起", "接通"], ["来电比例", "电话的比例", "比例"]]
ABANDON = [["放弃率"], ["挂断", "挂机", "没等到"], ["排队", "等待"], ["来电"]]


@pytest.mark.parametrize("answer,hints,covered", [
    ("服务水平就是服务态度的水平，要让客户觉得热情。", SERVICE_LEVEL, False),
    ("放弃率是客服放弃处理的工单比例。", ABANDON, False),
    ("服务水平就是在规定秒数内接起的来电占全部来电的比例，比如20秒内接起80%。", SERVICE_LEVEL, True),
    ("放弃率是指客户排队时没等到接通就挂断的来电比例。", ABANDON, True),
    ("服务水平是必须要抓的，20秒内接起的比例要到80%。", SERVICE_LEVEL, True),  # an opinion, not a definition
])
def test_a_term_earns_its_point_through_what_the_answer_says_it_is(answer, hints, covered):
    s = suggest_point(0, hints, answer)
    assert s.covered is covered
    if not covered:
        assert s.reason == "wrong_definition" and "解释与要点不符" in s.why


@pytest.mark.parametrize("answer,hint,credited", [
    ("千万别忘了先道歉", "道歉", True),  # a reminder affirms
    ("先问一下有没有道歉过", "道歉", True),  # a yes/no question asks, it does not reject
    ("问问顾客家里卫生间干不干净", "干净", True),
    ("奖惩只是一句口号，写不写都一样", "奖惩", False),  # waved away as empty
    ("检查方法就是走个形式", "检查方法", False),
    ("这种情况不宜道歉", "道歉", False),
    ("不需要道歉，道歉反而显得心虚", "道歉", False),  # the later mention is the same rejection
])
def test_negation_is_read_at_the_level_of_the_claim(answer, hint, credited):
    assert suggest_point(0, [[hint]], answer).covered is credited


def test_hint_words_are_expanded_with_their_cilin_synonyms_but_not_common_words():
    from training.grading.synonyms import synonyms
    assert "聆听" in synonyms("倾听") and "赔礼" in synonyms("道歉")
    assert synonyms("问题") == () and synonyms("服务") == ()  # several senses / everyday words
    assert not any(w.startswith(("无", "不")) for w in synonyms("礼貌"))
    s = suggest_point(0, [["倾听", "听完"], ["道歉"]], "先洗耳恭听，让顾客把话说完")
    assert s.found == ["洗耳恭听"]
    from training.grading import keypoints
    keypoints.USE_SYNONYMS = False
    try:
        assert suggest_point(0, [["倾听", "听完"], ["道歉"]], "先洗耳恭听，让顾客把话说完").found == []
    finally:
        keypoints.USE_SYNONYMS = True


def test_lines_of_bare_terms_earn_nothing_whatever_their_separator():
    from training.grading.keypoints import term_list_spans
    dump = "SWOT：优势 劣势 机会 威胁\n内部因素 外部环境\n会员分级、首问负责、差异化"
    assert [dump[a:b] for a, b in term_list_spans(dump)] == [dump]
    one_per_line = "投诉管理政策\n受理部门与专人\n首问负责制\n处理时限"
    assert term_list_spans(one_per_line) == [(0, len(one_per_line))]
    # sentences, plans of action and lines that say something are not dumps
    for text in ("我会先道歉、再安抚、然后核实情况", "1. 倾听：让客户把话说完，不打断\n2. 道歉：对给客户带来的不便表示歉意",
                 "作用是指导工作、推动进度、便于检查监督", "收尾讲怎么查落实、干得好坏怎么奖罚、对大家有什么期望"):
        assert term_list_spans(text) == [], text
    points = [{"key": "s", "label": "优势和劣势", "hints": [["优势"], ["劣势"]]}]
    assert not suggest_points("SWOT：优势 劣势 机会 威胁", points)[0].covered
    assert suggest_points("我们的优势是上门服务，劣势是价格偏高。", points)[0].covered


@pytest.mark.parametrize("answer,credited", [
    ("还有人说要先试点，我看试点太慢，没必要。", False),  # a bare dismissal clause closes the sentence
    ("至于试点那套，我觉得是书上的说法，不用硬套。", False),  # a topic's comment runs to the end of the sentence
    ("先找一两个班组试点，不需要排队等总部批准。", True),  # 不需要 + what follows states a fact
    ("先试点，没必要一下子全面铺开。", True),  # the dismissal is of something else
])
def test_a_dismissal_reaches_what_its_sentence_named_before_it(answer, credited):
    assert suggest_point(0, [["试点"]], answer).covered is credited


def test_reciting_the_case_material_earns_nothing_but_quoting_it_to_judge_it_does():
    material = "三个月后，平均处理时长从400秒降到310秒，首次解决率从78%降到60%，座席月离职人数从2人增加到7人。"
    points = [{"key": "p", "label": "离职", "hints": [["离职", "辞职"], ["士气", "压力"]]}]
    recital = "平均处理时长从400秒降到310秒，座席月离职人数从2人增加到7人。"
    assert not suggest_points(recital, points, material)[0].covered
    assert suggest_points(recital, points)[0].covered  # without the material there is nothing to compare
    own = "压得太狠，座席压力大，离职从2人涨到7人。"
    assert suggest_points(own, points, material)[0].covered
    from training.grading.keypoints import evaluate_file
    data = {"points": [{"key": "p", "label": "离职", "hints": "离职/辞职，士气/压力"}], "answers": [recital],
            "material": material}
    assert evaluate_file(data) == [[]]


# Round 3, from the dev3 answers (tests/data/matcher_answers_dev3.yaml): one test per family of misses.

def test_a_term_line_may_hold_a_few_action_like_items_and_still_be_a_dump():
    from training.grading.keypoints import term_list_spans
    dump = ("常见失误：销售现场处理、边工作边应付、态度生硬、推给其他部门、只争对错\n"
            "正确步骤：换个地方 先处理情绪 倾听 记录 复述 致歉 按规定处理 两个以上方案 谨慎措辞 致谢 追查原因 回访")
    first = dump.index("\n")
    assert term_list_spans(dump) == [(0, first), (first + 1, len(dump))]
    plan = "处理步骤：先道歉、再安抚、后核实"  # a sequence of actions is a plan, not a dump
    assert term_list_spans(plan) == []
    glossed = "五个维度：有形性——看得见的设施和仪表；移情性——设身处地为顾客着想；可靠性——说到做到"
    assert term_list_spans(glossed) == []  # a dash glosses a term
    prose = "问题：首次解决率下降。离职增加。转接变多。"
    assert term_list_spans(prose) == []  # short sentences are still sentences
    points = [{"hints": [["现场", "当众"], ["推给", "推诿"], ["态度"], ["致歉"]]}]
    assert not suggest_points(dump, points)[0].covered


@pytest.mark.parametrize("answer,covered", [
    ("我用的是服务质量差距模型，它的意思是比较我们公司和竞争对手的服务差距，谁差得多谁就要改进。", False),
    ("“差距模型”是指比较我们公司和竞争对手，谁差得多谁就改进。", False),
    ("差距模型，它的意思是客户期望和实际感知之间的落差，是一段一段累积出来的。", True),
])
def test_a_definition_may_follow_a_quote_or_a_pronoun(answer, covered):
    hints = [["差距模型"], ["期望"], ["感知", "感受"]]
    assert suggest_point(0, hints, answer).covered is covered


def test_a_hint_of_the_point_that_marks_the_definition_is_its_evidence():
    hints = [["意思是", "就是说"], ["核心", "关键"], ["比如", "例如"]]
    answer = "我借用的那个想法，核心意思是：客户心里想要的和实际感受到的之间，落差是一层层漏出来的。"
    s = suggest_point(0, hints, answer)
    assert s.covered and s.reason == "covered"


@pytest.mark.parametrize("answer,hints,covered", [
    # a negation that describes or rules out (不是全量; 不是季节的缘故) does not outweigh what the answer makes
    ("原因分析用的录音不是全量，我从上半年的重复来电里随机抽了600通。", [["随机", "抽样"], ["全量", "覆盖"]], True),
    ("拿去年同一时段比，处理时间并没有变短，说明不是季节的缘故。", [["同一时段", "同期"], ["季节", "节假日"]], True),
    # a rejection still does
    ("我会请厂家派人来，但没必要鉴定。", EVIDENCE, False),
    ("甄别题我觉得没必要，租户也住在小区里，谁拿到问卷谁填就行。", [["甄别", "筛选"], ["租户", "房主"]], False),
])
def test_only_a_rejection_outweighs_what_the_answer_makes(answer, hints, covered):
    assert suggest_point(0, hints, answer).covered is covered


@pytest.mark.parametrize("answer,hint,credited", [
    ("最后再为他遇到的不愉快真诚致歉。", "致歉", True),  # 的不愉快 is a noun
    ("这种事真的不需要道歉。", "道歉", False),          # a modal after the negator: still a rejection
    ("结论无非是走差异化。", "差异化", True),            # 无非 is "nothing but"
])
def test_what_a_negator_reaches(answer, hint, credited):
    assert bool(suggest_point(0, [[hint]], answer).found) is credited


@pytest.mark.parametrize("answer,hint", [
    ("五力模型、“夹在中间”，这些都是战略管理的经典内容，大家都很熟悉。", "夹在中间"),
    ("客服部放在销售部下面其实没问题，让客服顺便推销还能增加收入。", "放在销售部下面"),
    ("背景资料那些年龄、楼栋就不用问了，业主嫌麻烦。", "年龄"),
    ("至于什么鱼骨图、五个为什么，那些方法我觉得都是形式，我凭经验一看就知道。", "鱼骨图"),
    ("泳道图、试点、考核指标也都是常规动作。", "泳道图"),
    ("再组合出SO、WO、ST、WT，这套方法大家都很熟了。", "SO"),
])
def test_more_ways_of_waving_a_topic_through(answer, hint):
    s = suggest_point(0, [[hint]], answer)
    assert not s.covered and s.negated


def test_a_long_hint_is_found_in_pieces_but_does_not_carry_a_point_alone():
    from training.grading.keypoints import _occurrences
    assert _occurrences("听录音打分", "专门抽听录音和聊天记录打分、反馈问题的人")
    assert _occurrences("升级投诉", "专门接手升级和反复投诉的人")
    assert not _occurrences("升级投诉", "升级，投诉")  # pieces stay in one clause
    assert not _occurrences("服务态度", "服务做得很好很好很好的员工态度")  # no more than the hint's length in between
    hints = [["升级投诉", "投诉专员"], ["质检员"], ["培训师", "讲师"], ["班组长", "组长"]]
    assert suggest_point(0, hints, "设一名投诉专员。").covered  # written as the author wrote it: specific
    assert not suggest_point(0, hints, "专门接手升级和反复投诉的人。").covered  # in pieces: one group only
    assert suggest_point(0, hints, "专门接手升级和反复投诉的人；专职讲师管上岗前的课。").covered
    # five characters and more stay specific in pieces
    five = [["需求没满足", "期望落空"], ["根本原因"], ["内部问题"], ["管理体系"]]
    assert suggest_point(0, five, "说到底是会员的需求没有被真正满足。").covered


def test_matcher_on_the_third_development_set(shipped_content):
    """dev3: 140 answers in 10 styles on 14 thesis-defence and other cases no other set uses, written blind and
    frozen. First reading P 0.83, R 0.83 (paraphrase R 0.54, colloquial R 0.68); after round 3 (matcher changes
    and everyday phrasings in the hints of its 14 cases) P 0.90, R 0.97; round 4 P 0.90, R 0.97 (36 false credits
    instead of 40)."""
    overall, by_style = _frozen("matcher_answers_dev3.yaml", 140, shipped_content)
    # round 4: 0.903 and 0.966; round 6: 0.95 and 0.97; round 7: 0.955 and 0.971
    # round 13 (spoken phrasings in the hints): 0.94 and 0.97; round 14 (the stricter threshold): 0.97 and 0.95
    assert overall.precision >= 0.96 and overall.recall >= 0.94
    assert by_style["wrong_definition"].fp <= 2  # round 6: 3
    assert by_style["paraphrase"].recall >= 0.9 and by_style["colloquial"].recall >= 0.85
    assert by_style["keyword_dump"].fp <= 3 and by_style["rejection"].precision >= 0.85  # round 4: 3


# Round 4, from the dev2 and dev3 answers: one test per mechanism.

def test_a_long_hint_the_case_itself_uses_does_not_carry_a_point_alone():
    material = "这家银行面临的宏观环境变化很多，明年的客户服务计划要充分考虑。"
    points = [{"hints": [["宏观环境", "大环境"], ["人口", "经济"], ["PEST"], ["控制不了", "不可控"]]}]
    answer = "宏观环境分析是制定服务计划的重要基础，我们要与时俱进。"
    assert not suggest_points(answer, points, material)[0].covered
    assert suggest_points(answer, points)[0].covered  # without the material it is the author's specific phrase
    own = "宏观环境是企业控制不了的外部力量。"
    assert suggest_points(own, points, material)[0].covered  # with another group it counts as any group does


@pytest.mark.parametrize("answer,hint", [
    ("各自优化本部门的效率，不必搞什么跨部门协同。", "协同"),
    ("老年客户也应该学会用手机，不必再专门保留人工窗口。", "人工窗口"),
    ("客服人员不需要在每个电话里都核实身份。", "核实身份"),
])
def test_a_ruled_out_course_of_action_reaches_its_whole_verb_phrase(answer, hint):
    s = suggest_point(0, [[hint]], answer)
    assert not s.covered and s.negated


@pytest.mark.parametrize("answer,hint", [
    ("不必搞形式，关键是要协同起来。", "协同"),          # turned round before the word
    ("不用顾客自己跑，服务台帮她联系厂家。", "联系厂家"),  # another clause's object
])
def test_a_ruled_out_course_of_action_stops_where_the_sentence_turns(answer, hint):
    assert suggest_point(0, [[hint]], answer).covered


@pytest.mark.parametrize("answer,hint,words", [
    ("至于道歉，我觉得不需要。给顾客补偿更不宜，开了口子以后谁都来要。", "补偿", 1),
    ("给客户分三六九等就是歧视，分级这一块我主张不搞。", "分级", 1),
    ("接待时同时看看手机上的工作消息很正常。", "看手机", 1),
    ("小马发一发截图问题不大，群里都是熟人。", "截图", 1),
    ("“慎独”这种说法更是空的，说了也没人听。", "慎独", 1),
    ("什么“打破部门壁垒”，说起来好听，实际就是开会扯皮。", "壁垒", 1),
    ("改写台词也没太大必要，态度好就行。", "台词", 1),
])
def test_more_ways_of_ruling_out_or_waving_through(answer, hint, words):
    s = suggest_point(0, [[hint]], answer)
    assert not s.covered and len(s.negated) == words


@pytest.mark.parametrize("answer,hint", [
    ("我用算账的方式说值不值：第一年总投入不到八万元。", "算账"),     # 值不值 asks, 不值 does not dismiss
    ("先说对不起，问问小孩身体怎么样，要不要去医院看看。", "小孩"),   # 要不要 asks, 不要 does not reject
    ("补偿不宜过多，送一张优惠券表示心意。", "补偿"),               # a measure, not a rejection
])
def test_questions_and_measures_are_not_rejections(answer, hint):
    s = suggest_point(0, [[hint], ["优惠券", "对不起", "投入"]], answer)
    assert s.found[0] == hint or hint in s.found and not s.negated


def test_a_question_followed_by_its_answer_is_not_a_definition():
    hints = [["目标", "任务"], ["方法措施", "怎么做", "具体做法"], ["步骤", "进度"], ["主体"]]
    answer = "正文里面就是写目标，然后怎么做，就是培训啊优化流程啊，然后分几个阶段完成。"
    s = suggest_point(0, hints, answer)
    assert "怎么做" in s.found and s.reason == "covered"


def test_is_done_by_is_not_a_definition():
    hints = [["投入", "成本"], ["人力", "人天"], ["开发", "短信费"], ["编制"]]
    answer = "投入：开发约15人天。如实说：节省的人力成本是按来电量乘时长折算的估算。"
    s = suggest_point(0, hints, answer)
    assert s.covered and not s.negated


def test_what_an_answer_rejects_is_taken_off_what_it_makes():
    hints = [["老龄化", "老人"], ["适老", "人工窗口"], ["大学城", "年轻人"], ["线上", "在线咨询"], ["返乡"], ["高峰"]]
    answer = "老人也应该学会用手机，不必专门保留人工窗口。全市统一一套线上服务方案，管理起来最简单。"
    s = suggest_point(0, hints, answer)  # two groups made, one rejected: one is left, two are needed
    assert not s.covered and s.negated == ["人工窗口"]
    assert suggest_point(0, hints, "老人多，要保留人工窗口，年轻人多用线上。").covered
    # what the customer is spared (不用再…) is not a rejection: it is not taken off
    spared = [["重复来电", "打第二次电话"], ["知识库"], ["授权"], ["话后记录"], ["根因"]]
    assert suggest_point(0, spared, "座席有了知识库和授权，客户就不用再打第二次电话。").covered


def test_a_chain_of_steps_and_a_plan_named_by_its_kind_are_bare_terms():
    from training.grading.keypoints import term_list_spans
    dump = ("计划与总结的区别：时间 目的 内容 写法。\n联系：依据 基础 计划—执行—检查—总结循环。\n"
            "举例：年度工作计划、培训实施方案、季度培训总结。")
    assert term_list_spans(dump) == [(0, len(dump))]
    glossed = "有形性——看得见的设施和仪表；可靠性——说到做到；响应性——及时帮忙"
    assert term_list_spans(glossed) == []
    assert term_list_spans("考核：改为质检、满意度、首次解决率加权") == []  # an action


def test_is_made_by_putting_is_still_a_definition():
    hints = [["鱼骨图", "因果图"], ["五个为什么"], ["排列图", "帕累托"], ["流程图"]]
    answer = "鱼骨图是把所有问题按时间先后排成一条线的图，排列图是把员工按绩效排名的图。"
    s = suggest_point(0, hints, answer)
    assert not s.covered and s.reason == "wrong_definition"


def test_words_ending_in_a_negator_character_negate_nothing():
    hints = [["原因", "找原因"], ["座谈", "谈话", "了解"], ["管理问题"], ["没干劲", "倦怠"], ["离职多"]]
    s = suggest_point(0, hints, "1. 先找原因：通过座谈和个别谈话了解员工为什么没干劲。")
    assert s.covered and not s.negated
    assert suggest_point(0, [["回访"]], "对投诉客户要特别回访一次。").found == ["回访"]


@pytest.mark.parametrize("answer,covered", [
    ("至于道歉，我认为不要轻易道歉，一道歉就等于承认是商场的责任。", False),  # the topic named before its rejection
    ("道歉要真诚，但不要反复道歉，显得没底气。", True),                      # turned round: the first stands
])
def test_a_rejection_covers_what_its_sentence_named_before_it(answer, covered):
    assert suggest_point(0, [["道歉", "致歉"]], answer).covered is covered


def test_a_run_of_exhortations_earns_nothing():
    from training.grading.keypoints import slogan_spans
    points = [{"hints": [["流程图", "画流程"], ["培训", "宣导"], ["试点"], ["持续改进", "跟踪数据"]]}]
    rambling = "总之，流程优化要坚持问题导向，加强管理，强化考核，持续改进，真正让顾客满意。"
    assert not suggest_points(rambling, points)[0].covered
    assert slogan_spans(normalise("领导要重视，员工要参与，制度要完善，考核要到位。"))
    plan = "先在一个区域试点，跟踪数据，持续改进，再全国推广。"  # concrete steps, not stock phrases
    assert suggest_points(plan, points)[0].covered
    assert slogan_spans(normalise("加强培训，持续改进。")) == []  # two are not a run


def test_copying_the_questions_own_quotations_is_recital():
    material = "请分别说明投诉管理政策中“受理部门与专人”“首问负责制”“处理时限”各指什么、为什么需要。"
    points = [{"hints": [["处理时限", "时限"], ["分别", "分级"], ["定期", "督办"]]}]
    copied = "题目问：请分别说明投诉管理政策中“受理部门与专人”“首问负责制”“处理时限”各指什么。"
    assert not suggest_points(copied, points, material)[0].covered
    judged = "她说“那也没办法”，这是否定式的语言，应该先说能做什么，再定处理时限。"
    assert suggest_points(judged, points, "小周：那也没办法，最近装机的单子多。")[0].found


def test_a_long_hint_two_points_share_does_not_carry_either_alone():
    points = [{"label": "草率结束接待", "hints": [["下一位", "打发"], ["没给结果"], ["还有什么需要", "谁负责"], ["印象"]]},
              {"label": "改写关键台词", "hints": [["您好", "您请说"], ["真抱歉"], ["还有什么需要", "慢走"], ["着急"]]},
              {"label": "没有明确处理时限", "hints": [["处理时限"], ["拖延"], ["多久"], ["答复"]]},
              {"label": "整改措施", "hints": [["制度"], ["处理时限"], ["系统"], ["奖惩"]]}]
    s = suggest_points("结束时再问一句“还有什么需要我帮忙的吗”。", points)
    assert not s[0].covered and not s[1].covered
    s = suggest_points("酒店没有规定处理时限。", points)
    assert s[2].covered and not s[3].covered  # the label of the first names it


EXAMPLE = [["例如", "比如", "举例", "我们公司"], ["报修", "维修", "一次修复率"], ["重复来电", "二次上门"], ["数据", "下降", "节省"]]


def test_an_example_is_told_in_one_place():
    scattered = ("质量差的代价很大，比如返工。\n质量成本分预防、鉴定和失败。\n失败成本里二次上门最多。\n"
                 "把钱挪到预防上，总成本就下降。")
    assert not suggest_point(0, EXAMPLE, scattered, label="结合实例").covered
    assert suggest_point(0, EXAMPLE, scattered, label="质量成本").covered  # other points are not held to it
    told = "比如我们小区的电梯，以前坏了才修，后来按月保养，维修费和处理投诉的精力都省了。"
    assert suggest_point(0, EXAMPLE, told, label="结合实例").covered  # 都省了 is a saving, not a dismissal


@pytest.mark.parametrize("answer,hint,credited", [
    ("外部客户是指有业务往来的外部单位，普通消费者不算客户，只是顾客。", "消费者", False),
    ("同级部门之间的内部客户关系谈不上，各干各的。", "内部客户", False),
    ("把同一客户一分钟内断线又重拨的记录去掉，不算成两次。", "去掉", True),  # says how it is counted
])
def test_what_a_clause_excludes_is_not_claimed(answer, hint, credited):
    assert bool(suggest_point(0, [[hint]], answer).found) is credited


LAW = [["泄露客户信息", "侵犯隐私"], ["外泄", "泄露"], ["保守秘密", "保密"], ["诚实守信"], ["个人信息保护法", "违法"]]


def test_a_definition_that_restates_its_term_or_names_a_law_wrongly_is_wrong():
    answer = ("保守秘密这条职业守则，说的是员工要对自己的工资、绩效保密，不要互相打听；《个人信息保护法》保护的是"
              "员工的个人信息不被公司泄露，所以小马发的是客户信息，不属于这部法律管。")
    s = suggest_point(0, LAW, answer)
    assert not s.covered and s.reason == "wrong_definition"
    right = "《个人信息保护法》保护的是客户的个人信息，小马把截图发进群里就是泄露客户信息，违反保守秘密的守则。"
    assert suggest_point(0, LAW, right).covered


def test_the_character_a_near_match_allows_is_never_a_negator():
    from training.grading.keypoints import _occurrences
    assert _occurrences("耐心倾听", "要耐心地倾听") and not _occurrences("耐心倾听", "要耐心不倾听")
    assert _occurrences("统一口径", "统一了计算口径") and not _occurrences("统一口径", "统一不了计算口径")
    assert _occurrences("需求没满足", "需求没有被真正满足")  # the negator in the hint itself is fine


@pytest.mark.parametrize("answer,hint", [
    ("极速退款风险太大，坚决不做。", "极速退款"),
    ("C类客户贡献小，基本服务能省就省。", "基本服务"),
    ("培训、制定规范这些预防性的投入见效慢，能少则少。", "预防"),
    ("课表三年没变说明课程成熟稳定，不需要折腾。", "三年没变"),
])
def test_ways_of_cutting_a_measure_down(answer, hint):
    s = suggest_point(0, [[hint]], answer)
    assert not s.covered and s.negated


# Round 5, from the dev4 answers: one test per mechanism, with real sentences.

@pytest.mark.parametrize("answer,covered", [
    ("4. 厂家、第三方检验。", False),                 # a list item: names side by side, nothing said
    ("5. 培训和关怀：加强培训，关心员工。", False),     # heading plus empty verbs
    ("难的业务多培训，让老员工带新人，常见故障整理成知识库。", True),  # what, who and how
    ("复杂业务要有老员工带新人，一对一跟班两周。", True),
])
def test_a_hint_counts_only_in_a_clause_that_says_something_about_it(answer, covered):
    hints = [["业务培训", "培训", "带新人"], ["知识库"], ["厂家", "第三方", "检验"]]
    assert suggest_point(0, hints, answer).covered is covered


def test_a_clause_that_relates_two_parts_of_the_point_explains_it():
    hints = [["主动", "回访"], ["疑点", "事实"], ["包装"]]
    made = suggest_point(0, hints, "第二天主动回访说明疑点。")  # the parts joined by what is done
    assert made.covered
    bare = suggest_point(0, hints, "回访、疑点。")
    assert not bare.covered and bare.reason == "terms_only"


def test_a_sentence_of_exhortations_earns_nothing_however_long_its_clauses():
    points = [{"label": "部门协作", "weight": 50, "hints": [["部门之间", "协作", "沟通配合"], ["制度"]]},
              {"label": "推诿", "weight": 50, "hints": [["推诿", "扯皮"], ["首问", "负责到底"]]}]
    slogan = ("这家酒店必须高度重视投诉管理工作，进一步增强全员责任意识，加强部门之间的沟通协作，"
              "坚决杜绝推诿扯皮，健全制度建设，强化监督考核。")
    assert not any(s.covered for s in suggest_points(slogan, points))
    concrete = "前台把投诉转给工程部后就不管了，工程部说没接到通知，谁第一个接到投诉谁就负责到底，首问负责。"
    assert suggest_points(concrete, points)[1].covered


@pytest.mark.parametrize("answer,covered", [
    ("有形性——休息区、设施", False),                              # a term glossed with more terms
    ("新流程（自动审核、上门取件、扫码验收）", False),                # a heading and its bracketed items
    ("有形性：休息区座位太少，手机没地方充电，要多摆座位、装插座。", True),  # the term and what is wrong and done
])
def test_items_of_a_list_and_of_a_bracket_are_clauses_of_their_own(answer, covered):
    hints = [["有形性", "有形"], ["休息区", "座位", "自动审核"], ["设施", "插座", "上门取件"]]
    assert suggest_point(0, hints, answer).covered is covered


def test_matcher_on_the_fourth_development_set(shipped_content):
    """dev4: 140 answers in 10 styles (incl. keyword_dump and slogan_dump) on 14 cases, written blind and frozen.
    First reading P 0.67, R 0.91 (133 false credits: wrong definitions 25, list answers 20, slogans 19); after
    round 5's explanation-density and exhortation rules P 0.72, R 0.91 (105)."""
    overall, by_style = _frozen("matcher_answers_dev4.yaml", 140, shipped_content)
    # round 5: 0.718 and 0.912; round 6 (learned decision, fit on it among others): 0.846 and 0.932, cross-validated
    # leaving its case out 0.85 and 0.93
    # round 7 (claims held against the explanation): 0.852 and 0.939; round 8: 0.884 and 0.932; round 9: 0.908, 0.935;
    # round 10 (误区): 0.907 and 0.932
    assert overall.precision >= 0.90 and overall.recall >= 0.93
    assert by_style["complete"].recall >= 0.97
    # round 5: 4 and 7 (19, 14 before); round 9 (dumps in parentheses and after dashes): 2 and 0
    assert by_style["slogan_dump"].fp <= 2 and by_style["keyword_dump"].fp == 0
    # round 5: 25 and 13; round 6: 13; round 8: 9 and 1
    assert by_style["wrong_definition"].fp <= 9 and by_style["partial"].fp <= 1
    assert by_style["list_answer"].fp <= 6  # round 7: 9; round 8: 3; round 10 (the refit): 5; round 13: 6


def test_matcher_on_the_fifth_development_set(shipped_content):
    """dev5: 150 answers in 10 styles on 15 development cases, written blind and frozen for round 8, leaning on the
    hardest families: wrong definitions in the explanation's own words, points swapped between headings, wrong
    points mixed with right ones, near misses. First reading (round 7): P 0.62, R 0.92 (wrong definitions 51, wrong
    mixed 17, swapped headings 68). Round 8 is fit on it, its wrong_swap answers left out (bench/matcher_cv.py)."""
    overall, by_style = _frozen("matcher_answers_dev5.yaml", 150, shipped_content)
    # round 8: 0.70 and 0.92 (in-sample; leaving its case out 0.82 and 0.91 without the wrong_swap answers); round 9
    # (refit): 0.69 and 0.92, wrong definitions 26, wrong mixed 7, keyword dumps 3 -> 2; round 10 (误区): 0.72 and
    # 0.91, wrong definitions 13, wrong mixed 5; round 12 (more 误区): 0.72 and 0.91, 12 and 5
    assert overall.precision >= 0.71 and overall.recall >= 0.91
    assert by_style["wrong_definition"].fp <= 13 and by_style["wrong_mixed"].fp <= 5
    assert by_style["keyword_dump"].fp <= 2
    assert by_style["complete"].recall >= 0.95


def test_the_sixth_development_set_is_frozen_and_measured(shipped_content):
    """dev6: 150 answers in 10 styles on 15 development cases dev5 does not use, written blind for round 10 (near
    misses and paraphrases beside wrong definitions), frozen. First reading, on round 9: P 0.72, R 0.93 (the hand
    rules: P 0.66, R 0.91); near misses 28 false credits, wrong definitions 40, rambling 16. Not in the model's fit
    (bench/matcher_cv.py says why). Round 10 (误区, still not in the fit): P 0.75, R 0.93; wrong definitions 23.
    Round 12 (more 误区): P 0.76, R 0.93; wrong definitions 18. Round 14 (dev7 in the fit, threshold 0.50, still not
    in the fit itself): P 0.82, R 0.92; near misses 28 -> 20, wrong definitions 10."""
    overall, by_style = _frozen("matcher_answers_dev6.yaml", 150, shipped_content)
    assert overall.precision >= 0.81 and overall.recall >= 0.91
    assert by_style["complete"].recall >= 0.95
    assert by_style["near_miss"].fp <= 20 and by_style["wrong_definition"].fp <= 10


def test_the_seventh_development_set_is_frozen_and_measured(shipped_content):
    """dev7, in two halves by two writers (60 answers each, 6 cases each, 10 styles), written blind on 2026-12-02 on 12
    cases whose hints were never tuned on answers (none of heldout14's), frozen. In the model's fit (round 14):
    leaving the case out, the other development sets flatter the hints their answers tuned; dev7 shows what
    evidence is worth where nobody has (bench/matcher_cv.py). First reading, on round 13: a P 0.82, R 0.93; b
    P 0.78, R 0.91. Round 14 (in-sample): a P 0.88, R 0.93; b P 0.84, R 0.88 (colloquial recall 0.57)."""
    for name, precision, recall in (("matcher_answers_dev7a.yaml", 0.87, 0.93),
                                    ("matcher_answers_dev7b.yaml", 0.83, 0.87)):
        overall, by_style = _frozen(name, 60, shipped_content)
        assert overall.precision >= precision and overall.recall >= recall, name
        assert by_style["complete"].recall >= 0.95 and by_style["keyword_dump"].fp <= 2, name


# Round 8, from the dev5 answers: claims held against the explanation clause by clause, and the whole answer.
PLAN_EXPLANATION = normalise("可从四方面说明：时间上，计划在行动前写，总结在行动后写；目的上，计划指导今后怎么做，总结回顾已做得"
                             "怎样。方案也是计划类文书，同样写在事前，二者是包含关系而不是对立关系。")


@pytest.mark.parametrize("answer,counts", [
    # the two documents' times swapped: each clause uses 后 where its closest explanation clause has 前, and back
    ("时间上，计划在行动后写，总结在行动前写。", {"claim_swapped": 2}),
    ("时间上，计划在行动前写，总结在行动后写。", {}),
    # 事前 / 事后, and the negation moved from one relation to the other
    ("方案同样写在事后，与计划是对立关系而不是包含关系。", {"claim_opposite": 1, "claim_swapped": 1, "claim_turned": 1}),
    ("方案同样写在事前，二者是包含关系而不是对立关系。", {}),
    # a clause's polarity is held against its closest clause as a whole, which a right claim split in two can differ
    # from: one reason these counts weigh little per point and are summed over the answer (contra_share)
    ("方案同样写在事前，和计划是包含关系，不是对立关系。", {"claim_negated": 1}),
    # a right claim in other words is too far from the explanation's wording to be held against it
    ("计划是事先拟好的，总结是做完以后回头看。", {}),
])
def test_claims_are_held_against_the_explanation_clause_by_clause(answer, counts):
    from training.grading.keypoints import claims_turned
    found = {k: v for k, v in claims_turned(normalise(answer), PLAN_EXPLANATION).items() if v}
    assert found == counts


def test_a_negation_reaches_what_follows_it_and_the_verb_before_a_potential_complement():
    from training.grading.keypoints import _polar_grams
    g = _polar_grams("包含关系而不是对立关系")
    assert g["包含"] is False and g["对立"] is True and g["关系"] is None  # 关系 is said both ways
    g = _polar_grams("企业控制不了机会和威胁")
    assert g["控制"] is True and g["企业"] is False
    assert _polar_grams("客服不断改进服务")["改进"] is False  # 不断 negates nothing


def test_a_subject_given_another_subjects_definition_is_misplaced():
    from training.grading.keypoints import claims_split
    explanation = normalise("五个维度：有形性（设施、环境、人员仪表等看得见的部分）；可靠性（准确可靠地兑现承诺，顾客最看重）；"
                            "响应性（愿意帮助顾客、迅速提供服务）。")
    assert claims_split(normalise("有形性是准确可靠地兑现承诺，可靠性是设施、环境等看得见的部分。"), explanation) == 2
    assert claims_split(normalise("有形性是设施、环境、人员仪表这些看得见的部分。"), explanation) == 0


def test_the_whole_answer_says_how_much_it_negates_and_waves_away():
    points = [{"key": "p1", "label": "先道歉再倾听", "hints": [["道歉", "致歉"], ["倾听", "听完"]],
               "explanation": "先真诚道歉，再耐心倾听顾客说完，不要急着辩解。"},
              {"key": "p2", "label": "封存证据", "hints": [["封存"], ["证据", "留样"]],
               "explanation": "把剩下的酸奶封存留样，作为证据送检。"}]
    straight = suggest_points("我会先向顾客真诚道歉，耐心倾听她说完，再把酸奶封存留样作为证据。", points)
    contrary = suggest_points("不必道歉，也没必要倾听；酸奶不用封存，留样是浪费。", points)
    assert straight[0].features["negated_share"] == 0 and straight[0].features["dismiss_share"] == 0
    assert contrary[0].features["negated_share"] == 1.0 and contrary[0].features["dismiss_share"] == 1.0
    assert all(s.covered for s in straight) and not any(s.covered for s in contrary)


@pytest.mark.parametrize("feature", ["negated_share", "dismiss_share", "contra_points"])
def test_a_point_refused_for_a_contrary_answer_says_the_answer_says_the_opposite(feature):
    from training.grading import keypoint_model
    model = keypoint_model.load()
    typical = dict(zip(model["features"], model["mean"], strict=True))
    assert keypoint_model.refusal_reason(typical | {feature: 1.0}) == "opposite"


# Round 6: the learned decision (training/grading/keypoint_model.py) over the rules' evidence features.
def _case_points(content, case_id: str, explained: bool = True) -> tuple[list[dict], str]:
    from training.grading.evaluation import key_points_by_case, material_by_case
    case = next(c for c in content.cases if c.id == case_id)
    return key_points_by_case([case], explanations=explained)[case_id], material_by_case([case])[case_id]


FCR_ANSWER = ("平均处理时长是每通电话占用座席的时间，包括通话、保持和话后处理；首次解决率是客户第一次来电就把问题解决的"
              "比例；服务水平是规定秒数内接起电话的比例。AHT压得太狠，问题没解决，客户就会再打进来，来电量上升，又拖累服务水平。")


def test_the_learned_decision_is_deterministic(shipped_content):
    from training.grading import keypoint_model
    points, material = _case_points(shipped_content, "case-callcenter-fcr-drop")
    first = suggest_points(FCR_ANSWER, points, material)
    again = suggest_points(FCR_ANSWER, points, material)
    assert [s.covered for s in first] == [True, False, False, False, False, False]
    assert [s.probability for s in first] == [s.probability for s in again]
    assert first[0].probability > 0.95 and all(s.probability < 0.5 for s in first[1:])
    assert first[0].probability == keypoint_model.probability(first[0].features, keypoint_model.load())
    # a credited point still shows where: its spans are the answer's own words that matched
    assert [FCR_ANSWER[a:b] for a, b in first[0].spans] == first[0].found and first[0].reason == "covered"


def test_the_model_weighs_features_as_documented():
    import math
    from training.grading import keypoint_model
    model = keypoint_model.load()
    assert len(model["features"]) == len(model["coef"]) == len(model["mean"]) and 0 < model["threshold"] < 1
    for name in model["features"]:
        assert f"\n    {name} " in keypoint_model.__doc__ or f" {name}," in keypoint_model.__doc__ \
            or f", {name}" in keypoint_model.__doc__, name
    points = [{"key": "p1", "label": "先道歉再倾听", "hints": [["道歉", "致歉"], ["倾听", "听完"], ["赔偿"]],
               "explanation": "先真诚道歉，再耐心倾听顾客说完，不要急着辩解。"},
              {"key": "p2", "label": "封存证据", "hints": [["封存"], ["证据", "留样"]],
               "explanation": "把剩下的酸奶封存留样，作为证据送检。"}]
    answer = "我会先向顾客真诚道歉，然后耐心倾听她说完。"
    s, t = suggest_points(answer, points)
    f = s.features
    assert (f["groups"], f["found"], f["share"], f["rule"]) == (3, 2, 2 / 3, 1.0)
    assert f["explained"] == 2 and f["clauses"] == 2 and f["shared_clauses"] == 0.0
    assert f["length"] == math.log1p(len(normalise(answer))) and f["rule_credited"] == 0.5
    assert f["ex_best"] == 1.0 and f["ex_ans_rel"] == 1.0 and 0 < f["ex_ev"] <= 1
    assert f["label_overlap_ev"] == 2 / 5  # of the label's 先道 道歉 歉再 再倾 倾听, the evidence says 道歉 and 倾听
    assert s.covered and s.probability is not None and not t.covered and t.features["found"] == 0


def test_without_explanations_the_rules_decide(shipped_content):
    points, material = _case_points(shipped_content, "case-callcenter-fcr-drop", explained=False)
    for s in suggest_points(FCR_ANSWER, points, material):
        assert s.probability is None and s.covered == bool(s.features["rule"])


def test_a_placeholder_explanation_leaves_the_decision_to_the_rules():
    points = [{"key": k, "label": k, "hints": [["说法一", "说法二"], ["另一组"], ["第三组"], ["第四组"]],
               "explanation": "这个要点的完整说明。"} for k in ("p1", "p2")]
    s = suggest_points("说法一很重要，另一组也要做，第三组和第四组都有。", points)
    assert [p.covered for p in s] == [True, True] and all(p.probability is None for p in s)


def test_a_bare_keyword_dump_earns_nothing_under_the_model(shipped_content):
    points, material = _case_points(shipped_content, "case-quality-servqual-4s-shop")
    dump = "有形性、可靠性、响应性、保证性、移情性、休息区、一次修好、等待时间、专业能力、个性化服务"
    assert not any(s.covered for s in suggest_points(dump, points, material))
    lines = "SWOT\n优势 劣势 机会 威胁\nSO WO ST WT\n服务定位 服务承诺 客户档案"
    points, material = _case_points(shipped_content, "case-strategy-swot-defense")
    assert not any(s.covered for s in suggest_points(lines, points, material))


def test_a_wrong_definition_in_the_points_own_words_earns_nothing(shipped_content):
    from training.grading.keypoints import REASONS
    points, material = _case_points(shipped_content, "case-quality-servqual-4s-shop")
    s = suggest_points("可靠性是指休息区舒适、设施齐全，跟修车修得好不好没关系。", points, material)[1]
    assert not s.covered and s.reason == "wrong_definition"
    # 外部 and 内部 swapped: the rules credit the analysis of O and T from its terms, the model does not
    reversed_ = "SWOT 里 S 和 W 是外部环境带来的，O 和 T 是企业内部的，企业能完全控制机会和威胁。"
    points, material = _case_points(shipped_content, "case-strategy-swot-defense")
    rules, _ = _case_points(shipped_content, "case-strategy-swot-defense", explained=False)
    assert suggest_points(reversed_, rules, material)[2].covered
    s = suggest_points(reversed_, points, material)[2]
    assert not s.covered and s.probability < 0.5 and s.reason in REASONS and s.reason != "covered"


def test_the_cli_takes_explanations(shipped_content):
    from training.grading.keypoints import evaluate_file
    points, material = _case_points(shipped_content, "case-strategy-swot-defense")
    reversed_ = "SWOT 里 S 和 W 是外部环境带来的，O 和 T 是企业内部的，企业能完全控制机会和威胁。"
    data = {"points": [{"key": p["key"], "label": p["label"], "weight": p["weight"], "hints": p["hints"]}
                       for p in points], "answers": [reversed_], "material": material}
    assert "p3" in evaluate_file(data)[0]  # without explanations: the rules
    for p, q in zip(data["points"], points):
        p["explanation"] = q["explanation_html"]
    assert "p3" not in evaluate_file(data)[0]


# Round 7: a claim in the point's own words held against its explanation (keypoints.claims_against), and a model
# that may only withdraw the rules' credits.
def _explanation_of(content, case_id: str, index: int) -> str:
    from training.grading.keypoints import _explanation
    case = next(c for c in content.cases if c.id == case_id)
    return _explanation({"explanation_html": case.key_points[index].explanation_html})


@pytest.mark.parametrize("case_id, index, answer, novel, split, wrong", [
    # a wrong definition with the point's terms, and the right one with the same terms
    ("case-relationship-internal-customers", 1, "内部客户是指企业员工及其家属购买本公司产品的情况", 0.5, 0, 1),
    ("case-relationship-internal-customers", 1, "内部客户是指企业内部接收我们工作成果的部门和员工", 0.0, 0, 0),
    ("case-callcenter-fcr-drop", 0, "首次解决率就是客户第一次打进来就被接通的比例", 0.5, 0, 1),
    ("case-callcenter-fcr-drop", 0, "首次解决率就是客户第一次联系就把问题解决的比例", 0.0, 0, 0),
    # an example put in another's category, and in its own
    ("case-relationship-gym-churn", 0, "排队、热水不稳属于竞争对手的新诱惑", 0.0, 1, 0),
    ("case-relationship-gym-churn", 0, "排队、热水不稳属于服务质量不稳定", 0.0, 0, 0),
    ("case-relationship-gym-churn", 0, "自助健身房属于内部服务意识淡薄", 0.0, 1, 0),
    ("case-relationship-gym-churn", 0, "自助健身房属于竞争对手的新诱惑", 0.0, 0, 0),
])
def test_a_claim_is_held_against_the_points_explanation(shipped_content, case_id, index, answer, novel, split,
                                                        wrong):
    from training.grading.keypoints import claims_against
    got = claims_against([normalise(answer)], _explanation_of(shipped_content, case_id, index))
    assert (got[0] >= 0.5) == (novel >= 0.5) and got[1:] == (split, wrong)


def test_a_wrong_definition_in_the_explanations_words_is_refused_and_the_right_one_credited(shipped_content):
    """dev2 #56 (wrong_definition): 系统化改造法 defined as pulling the old process down, the explanation's
    全新设计法. The rules credit it from its terms (改造法, 原来的流程); without the claim features the model did
    too (0.48). The same answer with the right definition in the same words is credited."""
    points, material = _case_points(shipped_content, "case-process-repair-optimization")
    head = ("从顾客角度看，增值环节就是能让企业多收钱的环节，比如上门费、配件费，所以这些环节要多设；非增值环节就是免费的"
            "环节，比如回访，应该取消。方法上我选系统化改造法，")
    tail = ("\n落地方面，要先画出新的流程图，对坐席、网点师傅和回访人员分别培训，同时修改考核办法；先在一两个地区试点，"
            "上线后跟踪投诉量和修复时长，有问题再调整，持续改进。")
    wrong = suggest_points(head + "系统化改造法就是把原来的流程全部推倒，买一套新的信息系统从头再来。" + tail,
                           points, material)[2]
    assert wrong.features["rule"] and wrong.features["claim_wrong"] == 1 and not wrong.covered
    right = suggest_points(head + "系统化改造法就是在现有流程的基础上消除浪费、简化和整合环节，风险小、见效快。" + tail,
                           points, material)[2]
    assert right.covered and right.features["claim_wrong"] == 0 and right.features["claim_split"] == 0


def test_a_veto_only_model_only_withdraws_the_rules_credits(shipped_content, monkeypatch):
    """bench/matcher_cv.py fits either kind; a model file with "veto_only" never credits a point the rules refuse.
    The shipped model is additive: in cross-validation the claim features kept more of the points made (R 0.946
    against 0.932 veto-only) and still cut wrong-definition and reversed credits."""
    from training.grading import keypoint_model
    shipped = keypoint_model.load()
    assert shipped.get("veto_only") is False
    monkeypatch.setattr(keypoint_model, "load", lambda *a: {**shipped, "veto_only": True})
    points, material = _case_points(shipped_content, "case-callcenter-fcr-drop")
    for s in suggest_points(FCR_ANSWER, points, material):
        f = dict(s.features, rule=0.0)
        assert keypoint_model.decide(f)[0] is False
        assert not s.covered or s.features["rule"]

# Round 9: keyword dumps in the formats the term-line reader missed (dev3, dev4, dev5).

@pytest.mark.parametrize("dump", [
    # a heading with the items in parentheses, one per line
    "现状诊断（顾客角度、不增值环节、交接断点）\n新流程（自动审核、上门取件、扫码验收、自动退款）\n配套措施（流程小组、电子工单、授权、时限）",
    # "heading——items", two items at least; a line with one item joins the run but does not make one
    "有形性——休息区、设施\n可靠性——一次修好、结算准确\n响应性——等待时间、及时接待\n移情性——个性化服务",
    # a long list whose first item is longer than a short list's would be
    "服务质量不稳定、缺乏创新、员工跳槽带走客户、竞争对手诱惑、市场波动",
    # adverbs do not make an action list say something
    "安抚情绪、主动回访、真诚致歉",
])
def test_term_lines_in_more_formats_are_dumps(dump):
    from training.grading.keypoints import term_list_spans
    assert term_list_spans(dump) == [(0, len(dump))]


def test_a_sentence_that_lists_terms_is_a_dump_within_its_line():
    from training.grading.keypoints import term_list_spans
    line = "理论依据：差距模型、SERVQUAL、首问负责制、流程优化（消除 简化 整合 自动化）、平均处理时长（AHT）。这些理论都起到了指导作用。"
    assert [line[a:b] for a, b in term_list_spans(line)] == [line[:line.index("。")]]
    points = [{"key": "t", "label": "理论", "hints": [["SERVQUAL"], ["首问负责制"], ["流程优化"], ["差距模型"]]}]
    assert not suggest_points(line, points)[0].covered


@pytest.mark.parametrize("text", [
    "按来源分三类：价值问题（设施、课程、对手更划算）、人的问题（服务意识差、教练把学员带走）、管理问题（资源偏向一头）",
    "3. 看对手四方面：经营状况（规模、盈利）、促销策略（活动力度）、竞争策略（走价格还是服务路线）、服务手段（上门、延保）。",
    "有形性——看得见的设施和仪表\n可靠性——说到做到\n响应性——愿意帮忙、很快",  # one item after a dash is a gloss
    "目标：全员年内培训考核合格；投诉处理满意度78→85分以上；6月底前全员通过新系统操作考核。",
    "一、SWOT 含义：把内部的优势（S）、劣势（W）和外部的机会（O）、威胁（T）放在一起分析。这样看得全。",
])
def test_glosses_in_parentheses_and_after_dashes_are_not_dumps(text):
    from training.grading.keypoints import term_list_spans
    assert term_list_spans(text) == []


# Round 10: the author's common misconceptions (误区 lines, training/grading/misconceptions.py).
MISCONCEPTIONS = [{"says": "先把事情处理完，再去处理顾客的情绪", "wordings": ["先处理事情…再处理情绪", "先解决问题…再安抚"]},
                  {"says": "", "wordings": ["道歉…等于承认责任"]}, {"says": "商场不必道歉", "wordings": ["商场…不必道歉"]}]


@pytest.mark.parametrize("answer, said", [
    ("我会先处理事情，再处理情绪，把问题解决了顾客自然就不气了。", [0]),
    ("应该先解决问题、后面再安抚她。", [0]),  # another wording, commas do not end the sentence
    ("一道歉就等于承认责任，所以不能随便道歉。", [1]),
    ("这是厂家的问题，商场完全不必道歉。", [2]),  # the negator inside a fragment is the misconception's own
    ("不过道歉就等于承认责任。", [1]),  # 不过 (but) negates nothing
    ("先处理事情，问清有没有损失，再处理情绪。", [0]),  # a yes/no form between the fragments negates nothing
    ("先处理情绪，再处理事情。", []),  # the right order
    ("不能先处理事情再处理情绪。", []),  # negated before the first fragment
    ("道歉并不等于承认责任。", []),  # negated between the fragments
    ("要避免先处理事情再处理情绪的做法。", []),  # a prohibition before it
    ("投诉很少是先处理事情再处理情绪就能解决的。", []),  # 很少 (rarely) hedges it away
    ("我不同意“先处理事情，再处理情绪”这种说法。", []),  # quoted to be weighed (不同意 is no 不同)
    ("我不同意先处理事情再处理情绪。", []),  # 不同意 just before it negates
    ("有人以为道歉就等于承认责任，其实不然。", []),  # discussed as a mistake
    ("道歉是不是就等于承认责任？", []),  # a question
    ("先处理事情。顾客稍后再处理情绪也行。", []),  # fragments in two sentences
    ("先处理事情，然后核实订单、联系厂家、安排师傅上门、确认时间，最后再处理情绪。", []),  # more than GAP apart
])
def test_misconceptions_are_found_in_order_within_a_sentence_unless_negated(answer, said):
    from training.grading.keypoints import normalise
    from training.grading.misconceptions import misconceptions_said
    assert [s.index for s in misconceptions_said(normalise(answer), MISCONCEPTIONS)] == said


def test_a_misconception_withdraws_the_point_and_says_which_one():
    points = [{"key": "calm", "label": "先安抚情绪", "weight": 50, "misconceptions": MISCONCEPTIONS,
               "hints": [["道歉", "致歉"], ["情绪", "安抚"], ["倾听", "听完"], ["理解", "体谅"]]},
              {"key": "check", "label": "查明事实", "weight": 50, "hints": [["核实", "查明"], ["证据", "封存"]]}]
    right = "我会先向客户道歉，耐心听完她的诉说，理解她的心情，安抚情绪，再核实情况、封存证据。"
    assert [s.covered for s in suggest_points(right, points)] == [True, True]
    wrong = "我会先处理事情，再处理情绪：耐心听完客户的诉说，理解她，向她道歉，然后核实情况、封存证据。"
    calm, check = suggest_points(wrong, points)
    assert not calm.covered and calm.reason == "misconception" and calm.why == "这里的说法是常见误区"
    assert calm.misconception == "先把事情处理完，再去处理顾客的情绪" and check.covered
    a, b = calm.misconception_span
    assert wrong[a:b] == "先处理事情，再处理情绪"


def test_the_cli_takes_misconceptions_in_the_content_syntax():
    from training.grading.keypoints import evaluate_file
    data = {"points": [{"key": "calm", "label": "先安抚情绪", "hints": "道歉/致歉，情绪/安抚，倾听/听完，理解/体谅",
                        "misconceptions": "先处理事情…再处理情绪（先处理事情，再处理情绪）；道歉…等于承认责任"}],
            "answers": ["我会先处理事情，再处理情绪，耐心听完她的诉说并道歉。",
                        "不能先处理事情再处理情绪，要先倾听、道歉、安抚情绪。"]}
    assert evaluate_file(data) == [[], ["calm"]]
    data["points"][0]["misconceptions"] = [["先处理事情…再处理情绪"]]  # bare lists of wordings are taken too
    assert evaluate_file(data) == [[], ["calm"]]
    data["points"][0]["misconceptions"] = "先…再"
    with pytest.raises(ValueError, match="太短"):
        evaluate_file(data)


# Round 14: how deep the whole answer goes (touched, depth), for telling a near miss from a complete answer.
NEAR_MISS_BANK = ("大堂经理要去安抚一下客户。贵宾窗口的事也要说一说。客户的业务要办。其他排队的人也要照顾到。"
                  "以后排队要改进。事后要总结。")
COMPLETE_BANK = ("大堂经理应马上走过去，把客户请到接待室坐下，倒杯水，让他把话说完，不跟他争辩，并为让他久等真诚道歉。"
                 "等他平静后解释贵宾窗口是按规定给预约客户设的，不是插队，同时承认只开两个窗口是我们安排不当。"
                 "问清他要办什么业务，能在自助机办的陪着他马上办完。同时安排同事向其他排队客户致歉，调后台人员临时加开"
                 "窗口，引导大家先填好单。事后分析周一等高峰客流，弹性排班、推广线上预约，在叫号屏显示还要等多久，公示"
                 "贵宾规则。最后把投诉登记在案，过几天回访客户，网点内部复盘培训。")


def test_touched_and_depth_tell_a_shallow_answer_from_a_complete_one(shipped_content):
    from training.grading.evaluation import key_points_by_case, material_by_case
    case = "case-complaint-bank-queue"
    points, material = key_points_by_case(shipped_content.cases)[case], material_by_case(shipped_content.cases)[case]
    near = suggest_points(NEAR_MISS_BANK, points, material)
    full = suggest_points(COMPLETE_BANK, points, material)
    # the same for every point of an answer: they describe the answer, not the point
    assert len({(s.features["touched"], s.features["depth"]) for s in near}) == 1
    touched = sum(bool(s.features["found"]) for s in near) / len(near)
    assert near[0].features["touched"] == touched >= 0.5  # most points named with a word or two…
    assert near[0].features["depth"] < 0.3  # …few of their groups
    assert full[0].features["touched"] == 1.0 and full[0].features["depth"] > 0.7
    assert all(s.covered for s in full) and sum(s.covered for s in near) <= 2


SERVQUAL_MEASURES = ("改进措施：推行预约维修，按车主方便的时间安排，主动提供上门取送车服务；维修完成后由质检员复检，"
                     "确保问题一次修好。")


def test_a_glossed_item_among_bare_lines_still_makes_its_point(shipped_content):
    """Lines of bare terms earn nothing, but a glossed item among them makes its point: an answer is not a dump for
    being mostly a list (the labelling rule: glossed items earn, bare ones do not)."""
    points, material = _case_points(shipped_content, "case-quality-servqual-4s-shop")
    bare = "有形性、可靠性、响应性、保证性、移情性\n休息区 一次修好 等待时间 专业能力 个性化服务\n"
    assert not any(s.covered for s in suggest_points(bare, points, material))
    assert [s.covered for s in suggest_points(SERVQUAL_MEASURES, points, material)] == [False, True, False, False, True]
    said = suggest_points(bare + SERVQUAL_MEASURES, points, material)
    assert said[4].covered and not any(s.features.get("dump") for s in said)


def test_slogan_couplets_on_lines_of_their_own_are_a_run(shipped_content):
    from training.grading.keypoints import slogan_spans
    couplets = "目标要量化，任务要到人！\n措施要对症，步骤要有序！\n检查要跟上，奖惩要分明！"
    assert slogan_spans(normalise(couplets)) == [(0, len(normalise(couplets)) - 1)]  # up to the last ！
    points, material = _case_points(shipped_content, "case-plan-annual-plan")
    assert not any(s.covered for s in suggest_points(couplets, points, material))


def test_an_answer_of_exhortations_earns_nothing_even_where_a_sentence_has_a_figure(shipped_content):
    from training.grading.keypoints import _case_hints, is_dump, recital_spans
    answer = ("我们要高度重视可靠性，切实做到一次修好。不断提升响应速度，积极缩短车主的等待时间。"
              "全面加强技师的专业能力，努力为车主提供个性化服务，争取满意度达到90%。")
    text = normalise(answer)
    assert is_dump(text) and not is_dump(normalise(SERVQUAL_MEASURES))  # 3 of its 6 clauses: not a dump
    rules, material = _case_points(shipped_content, "case-quality-servqual-4s-shop", explained=False)
    assert recital_spans(answer, rules, text, _case_hints(rules)) == []
    assert not any(s.covered for s in suggest_points(answer, rules, material))
    assert any(s.covered for s in suggest_points(SERVQUAL_MEASURES, rules, material))
