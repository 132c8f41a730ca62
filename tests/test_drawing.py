"""Drawing papers from blueprints and totalling them."""
from __future__ import annotations

import random

import pytest

from training.grading.drawing import CannotDraw, PaperSection, breakdown, draw_paper


def sections(*raw):
    return [PaperSection.from_json(r) for r in raw]

POOL = [{"kind": "question", "id": f"{a}-{t}-{i}", "qtype": t, "area": a}
        for a in ("plan", "quality", "team") for t in ("单选", "判断") for i in range(5)]


def test_counts_points_and_spread_over_areas():
    paper = draw_paper(sections({"qtype": "单选", "count": 6, "points": 10}, {"qtype": "判断", "count": 4, "points": 10}),
                       POOL, random.Random(1))
    assert [p["qtype"] for p in paper].count("单选") == 6 and len(paper) == 10
    assert {p["area"] for p in paper if p["qtype"] == "单选"} == {"plan", "quality", "team"}
    assert sum(p["points"] for p in paper) == 100 and len({p["id"] for p in paper}) == 10


def test_per_area_counts_are_exact():
    paper = draw_paper(sections({"qtype": "单选", "count": 3, "points": None, "areas": {"plan": 2, "team": 1}}), POOL,
                       random.Random(2))
    assert sorted(p["area"] for p in paper) == ["plan", "plan", "team"]
    assert paper[0]["points"] == pytest.approx(100 / 3)


def test_two_candidates_get_different_orders():
    paper = sections({"qtype": "单选", "count": 10, "points": 10})
    a = [p["id"] for p in draw_paper(paper, POOL, random.Random(1))]
    b = [p["id"] for p in draw_paper(paper, POOL, random.Random(2))]
    assert a != b


@pytest.mark.parametrize("section", [{"qtype": "单选", "count": 16, "points": 1},
                                     {"qtype": "单选", "count": 6, "points": 1, "areas": {"plan": 6}}])
def test_too_few_items_is_an_error(section):
    with pytest.raises(CannotDraw):
        draw_paper(sections(section), POOL, random.Random(0))


def test_sections_read_and_write_through_their_class():
    raw = {"qtype": "多选", "count": 3, "points": 2.5, "areas": {"plan": 3}}
    assert PaperSection.from_json(raw).to_json() == raw
    assert PaperSection.from_json({"qtype": "判断", "count": 2}).to_json() == {
        "qtype": "判断", "count": 2, "points": None, "areas": {}}


def test_breakdown_by_area():
    items = [{"area": "plan", "points": 10}, {"area": "plan", "points": 10}, {"area": "team", "points": 5}]
    rows = breakdown(items, [10, None, 2.5], "area")
    assert rows == [{"key": "plan", "items": 2, "earned": 10.0, "possible": 20.0},
                    {"key": "team", "items": 1, "earned": 2.5, "possible": 5.0}]


def test_a_titled_part_comes_first_and_a_section_can_exclude_areas():
    import random
    from training.grading.drawing import draw_paper, paper_headings
    pool = ([{"kind": "question", "id": f"e{i}", "qtype": "单选", "area": "ethics"} for i in range(10)]
            + [{"kind": "question", "id": f"p{i}", "qtype": "单选", "area": "plan"} for i in range(10)]
            + [{"kind": "question", "id": f"m{i}", "qtype": "多选", "area": area} for i, area in
               enumerate(["plan", "ethics"] * 5)])
    sections = [PaperSection("单选", 3, 1, {"ethics": 3}, title="职业道德"), PaperSection("单选", 5, 1, exclude=["ethics"]),
                PaperSection("多选", 4, 2, exclude=["ethics"])]
    items = draw_paper(sections, pool, random.Random(7))
    assert [it["area"] for it in items[:3]] == ["ethics"] * 3 and [it["part"] for it in items[:3]] == ["职业道德"] * 3
    assert all(it["area"] == "plan" for it in items[3:]) and len({it["id"] for it in items}) == 12
    headings = paper_headings(items)
    assert headings[0] == {"number": "一", "name": "单项选择题", "part": "职业道德",
                           "note": "第1题～第8题。选择一个正确的答案。每题1分，共8分。"}
    assert headings[8]["number"] == "二" and headings[8]["note"].startswith("第9题～第12题") and "每题2分，共8分" in headings[8]["note"]
    assert set(headings) == {0, 8}
