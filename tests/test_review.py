"""今日复习: FSRS cards kept in step with graded answers, the rating rule, and the review pages."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from fsrs import Rating

from training.extensions import db
from training.models import ReviewCard
from training.progress.review import rating_for, retrievability, review

from support import csrf_from
from test_wrongbook import answer_once

T = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("correct,qtype,ms,rating", [
    (False, "单选", 5000, Rating.Again), (True, "单选", 5000, Rating.Easy), (True, "单选", 20000, Rating.Good),
    (True, "单选", 60000, Rating.Hard), (True, "多选", 12000, Rating.Easy), (True, "多选", 30000, Rating.Good),
    (True, "单选", None, Rating.Good),  # a mock-exam answer has no time of its own
])
def test_the_rating_comes_from_correctness_and_time(correct, qtype, ms, rating):
    assert rating_for(correct, qtype, ms) == rating


def test_intervals_grow_with_good_answers_and_a_lapse_brings_it_back_soon():
    card, due = review(None, Rating.Good, T)
    first = due - T
    card, due2 = review(card, Rating.Good, due)
    assert due2 - due > first  # spaced further apart
    lapsed, due3 = review(card, Rating.Again, due2)
    assert due3 - due2 <= timedelta(minutes=10)
    assert 0 < retrievability(card, due2 + timedelta(days=30)) < retrievability(card, due2) <= 1


@pytest.fixture
def candidate(as_role, loaded):
    return as_role("candidate")


def test_a_practice_answer_schedules_its_question_once(candidate, users):
    qid, _ = answer_once(candidate, "单选", right=False)
    card = db.session.execute(db.select(ReviewCard).where(ReviewCard.question_id == qid)).scalar_one()
    assert card.user_id == users["candidate"].id and card.reviews == 1 and card.last_rating == int(Rating.Again)
    page = candidate.get("/practice/review").get_data(as_text=True)
    assert "<strong>1</strong><span>今天该复习</span>" in page and "FSRS" in page
    r = candidate.post("/practice/start", data={"order": "random", "review": "y", "csrf_token": csrf_from(page)})
    assert f'value="{qid}"' in candidate.get(r.headers["Location"]).get_data(as_text=True)
    assert "今日复习 1 题" in candidate.get("/").get_data(as_text=True)


def test_a_card_due_later_is_counted_for_tomorrow_not_today(candidate, users):
    qid, _ = answer_once(candidate, "判断", right=True)
    card = db.session.execute(db.select(ReviewCard).where(ReviewCard.question_id == qid)).scalar_one()
    from training.answers.reviews import day_ends
    from zoneinfo import ZoneInfo
    end_today, _ = day_ends(ZoneInfo("Asia/Shanghai"), 2)
    card.due_at = end_today + timedelta(hours=1)
    db.session.commit()
    page = candidate.get("/practice/review").get_data(as_text=True)
    assert "<strong>0</strong><span>今天该复习</span>" in page and "<strong>1</strong><span>明天</span>" in page


def test_handing_in_a_mock_exam_reviews_every_answered_question(candidate, users):
    import re
    token = csrf_from(candidate.get("/mock/").get_data(as_text=True))
    url = candidate.post("/mock/start/exam-theory", data={"csrf_token": token}).headers["Location"]
    page = candidate.get(url).get_data(as_text=True)
    first = re.search(r'name="(i0-choice)" value="([a-z0-9]+)"', page)
    candidate.post(url + "/submit", data={"csrf_token": csrf_from(page), first.group(1): first.group(2)})
    cards = db.session.execute(db.select(ReviewCard).where(ReviewCard.user_id == users["candidate"].id)).scalars().all()
    assert len(cards) == 1 and cards[0].reviews == 1  # unanswered items are not reviews
    assert cards[0].last_rating in (int(Rating.Again), int(Rating.Good))


def test_any_aware_time_is_accepted():
    from zoneinfo import ZoneInfo
    beijing = T.astimezone(ZoneInfo("Asia/Shanghai"))  # what a database may hand back
    assert review(None, Rating.Good, beijing)[1] == review(None, Rating.Good, T)[1]
