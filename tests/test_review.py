"""今日复习: FSRS cards kept in step with graded answers, the rating rule, and the review pages."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from fsrs import Rating

from training.extensions import db
from training.models import ReviewCard
from training.models.base import as_utc
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


@pytest.fixture(autouse=True)
def midday_in_shanghai():
    """A card answered Again is due in minutes: in the last minutes before local midnight that is tomorrow.
    The page tests count on today, so they run at a fixed local noon (the clock still ticks)."""
    with time_machine.travel(datetime(2026, 12, 1, 4, 0, tzinfo=timezone.utc), tick=True):
        yield


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


# --- 答辩 and written cases: one card per key point -------------------------------------------------

def rehearse_and_confirm(client, covered: list[str]):
    from test_defense import begin, send, GOOD
    url, page, aid = begin(client)
    review_url = send(client, url, page, aid, GOOD).headers["Location"]
    review_page = client.get(review_url).get_data(as_text=True)
    r = client.post(review_url + "/confirm", data={"csrf_token": csrf_from(review_page), "covered": covered})
    assert r.status_code == 302
    return review_url, int(aid)


def point_cards(user_id):
    from training.models import PointCard
    db.session.expire_all()
    return {c.point_key: c for c in db.session.execute(db.select(PointCard).where(PointCard.user_id == user_id)).scalars()}


def test_each_key_point_of_a_confirmed_answer_is_scheduled_on_its_own(candidate, users):
    from test_defense import CASE
    from training.models import Case
    keys = [p.key for p in db.session.get(Case, CASE).payload.key_points]
    review_url, _ = rehearse_and_confirm(candidate, keys[1:])  # the first point missed
    cards = point_cards(users["candidate"].id)
    assert set(cards) == set(keys) and all(c.case_id == CASE and c.reviews == 1 for c in cards.values())
    assert cards[keys[0]].last_rating == int(Rating.Again) and cards[keys[1]].last_rating == int(Rating.Good)
    assert cards[keys[0]].due_at < cards[keys[1]].due_at  # the missed point comes back first
    page = candidate.get("/practice/review").get_data(as_text=True)
    label = db.session.get(Case, CASE).payload.key_points[0].label
    assert "<strong>1</strong><span>今天该复习</span>" in page  # the case, due through its missed point
    focus = page[page.index("重点练这些要点"):page.index("再答一次")]
    assert label in focus and "上次没答到" in focus
    assert db.session.get(Case, CASE).payload.key_points[1].label not in focus  # not due: not a focus


def test_correcting_a_verdict_rerates_the_same_answer_instead_of_a_second_review(candidate, users):
    from test_defense import CASE
    from training.models import Case
    keys = [p.key for p in db.session.get(Case, CASE).payload.key_points]
    review_url, _ = rehearse_and_confirm(candidate, keys[1:])
    page = candidate.get(review_url).get_data(as_text=True)
    candidate.post(review_url + "/confirm", data={"csrf_token": csrf_from(page), "covered": keys})
    cards = point_cards(users["candidate"].id)
    assert cards[keys[0]].reviews == 1 and cards[keys[0]].last_rating == int(Rating.Good)
    fresh, due = review(None, Rating.Good, cards[keys[0]].card["last_review"] and
                        datetime.fromisoformat(cards[keys[0]].card["last_review"]))
    assert cards[keys[0]].card["stability"] == fresh["stability"]  # as if it had been Good the first time


def test_a_due_case_can_be_rehearsed_again_from_the_review_page(candidate, users):
    from test_defense import CASE
    rehearse_and_confirm(candidate, [])
    page = candidate.get("/practice/review").get_data(as_text=True)
    r = candidate.post("/defense/review-case", data={"csrf_token": csrf_from(page), "case": CASE})
    assert r.status_code == 302
    ds = db.session.get(__import__("training.models", fromlist=["DefenseSession"]).DefenseSession,
                        int(r.headers["Location"].rstrip("/").split("/")[-1]))
    assert ds.case_ids == [CASE] and ds.user_id == users["candidate"].id
    for bad in ("", "case-nope", "case-thesis-summary"):
        assert candidate.post("/defense/review-case", data={"csrf_token": csrf_from(page), "case": bad}).status_code == 404
    assert candidate.post("/defense/review-case", data={"case": CASE}).status_code == 400  # no CSRF token


def test_desired_retention_reschedules_cards_in_review(candidate, users):
    from training.models import User
    qid, _ = answer_once(candidate, "判断", right=True)
    card = db.session.execute(db.select(ReviewCard).where(ReviewCard.question_id == qid)).scalar_one()
    # bring the card into review: a second Good answer a day later, made directly
    data, due = review(card.card, Rating.Good, T + timedelta(days=1))
    card.card, card.due_at = data, due
    db.session.commit()
    page = candidate.get("/practice/review").get_data(as_text=True)
    assert 'value="0.9" checked' in page
    r = candidate.post("/practice/review/retention", data={"csrf_token": csrf_from(page), "retention": "0.95"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, users["candidate"].id).desired_retention == 0.95
    sooner = db.session.execute(db.select(ReviewCard).where(ReviewCard.question_id == qid)).scalar_one()
    assert as_utc(sooner.due_at) < due  # remembering more surely means coming back sooner
    assert "重新安排了 1 张复习卡" in candidate.get("/practice/review").get_data(as_text=True)
    for bad in ("0.5", "abc", "", "0.9x"):
        assert candidate.post("/practice/review/retention",
                              data={"csrf_token": csrf_from(page), "retention": bad}).status_code == 400


def test_retarget_keeps_learning_cards_and_moves_review_cards():
    from training.progress.review import retarget
    learning, due = review(None, Rating.Again, T)
    assert retarget(learning, 0.8) == (learning, due)
    card, _ = review(None, Rating.Good, T)
    card, due = review(card, Rating.Good, T + timedelta(days=1))
    later, due80 = retarget(card, 0.8)
    sooner, due95 = retarget(card, 0.95)
    assert due95 < due <= due80 and later["stability"] == card["stability"]
