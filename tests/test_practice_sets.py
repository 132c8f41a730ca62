"""Where a 顺序练习 resumes when the questions matching its filters change."""
from __future__ import annotations

import pytest

from training.practice.sets import resume_position, select_ids


@pytest.mark.parametrize("old,position,new,expected", [
    (["a", "b", "c"], 1, ["a", "b", "c"], 1),        # nothing changed
    (["a", "b", "c"], 1, ["x", "a", "b", "c"], 2),   # a question added before: still on b
    (["a", "b", "c"], 1, ["a", "c"], 1),             # b retired: the same place, now c
    (["a", "b", "c"], 3, ["a", "b", "c", "d"], 3),   # finished: the new question is next
    (["a", "b", "c"], 2, ["a"], 1),                  # fewer questions than the place: the end
])
def test_resume_position(old, position, new, expected):
    assert resume_position(old, position, new) == expected


def test_random_sets_are_shuffled_by_their_seed_and_sequential_ones_keep_order():
    rows = [(f"q{i}",) for i in range(30)]
    assert select_ids(rows, False, "x") == [r[0] for r in rows]
    assert select_ids(rows, True, "x") == select_ids(rows, True, "x") != select_ids(rows, True, "y")


def test_choosing_a_finished_sequential_set_again_starts_a_new_round(as_role, loaded):
    import re
    from support import csrf_from
    from training.extensions import db
    from training.models import PracticeSession, Question
    client = as_role("candidate")
    token = csrf_from(client.get("/practice/").get_data(as_text=True))
    q = db.session.execute(db.select(Question).where(Question.qtype == "判断").limit(1)).scalar_one()
    topic = q.topics[0].id
    n = len(db.session.execute(db.select(Question.id).where(Question.topics.any(id=topic))).all())
    url = client.post("/practice/start", data={"topic": topic, "order": "seq", "csrf_token": token}).headers["Location"]
    ps = db.session.get(PracticeSession, int(re.search(r"/s/(\d+)", url).group(1)))
    ps.position = n  # finished
    db.session.commit()
    again = client.post("/practice/start", data={"topic": topic, "order": "seq", "csrf_token": token})
    assert again.headers["Location"] == url
    db.session.expire_all()
    ps = db.session.get(PracticeSession, ps.id)
    assert (ps.position, ps.round) == (0, 1)
