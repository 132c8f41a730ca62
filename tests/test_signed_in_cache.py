"""Study pages are cached once for everybody; what is personal is filled per request, for the requester.

Two users, interleaved requests: nobody sees another user's name, counts or CSRF token; a flash
shows on a cached page; a content load gives a new page; a cached page's form posts with the
requester's own token."""
from __future__ import annotations

import re

import pytest

from support import csrf_from, load_edited_copy, make_user
from training.extensions import db
from training.pagecache import page_cache

def text_of(response) -> str:
    return response.get_data(as_text=True)


STUDY_PAGES = ["/", "/kp/kp-plan-concept", "/areas/plan", "/search?q=投诉", "/exam-guide"]


def sign_in(app, username: str, nickname: str):
    user = make_user(username=username, nickname=nickname)
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True
    return client, user


@pytest.fixture
def two(app, loaded):
    return sign_in(app, "wang@example.com", "王小明"), sign_in(app, "zhao@example.com", "赵大伟")


def logout_token(html: str) -> str:
    form = re.search(r'<form action="/auth/logout".*?</form>', html, re.S).group(0)
    return csrf_from(form)


@pytest.mark.parametrize("path", STUDY_PAGES)
def test_two_users_interleaved_each_see_only_their_own_name_and_token(app, two, client, path):
    (wang, _), (zhao, _) = two
    seen = {}
    for who, c in [("王小明", wang), ("赵大伟", zhao), ("guest", client), ("王小明", wang), ("赵大伟", zhao)]:
        html = c.get(path).get_data(as_text=True)
        assert c.get(path).status_code == 200
        seen.setdefault(who, []).append(html)
    assert path.split("?")[0] in "".join(page_cache().pages)  # really served from the shared cache
    for who, other in [("王小明", "赵大伟"), ("赵大伟", "王小明")]:
        for html in seen[who]:
            assert who in html and other not in html and "退出" in html
    for html in seen["guest"]:
        assert "王小明" not in html and "赵大伟" not in html and "登录" in html and "/auth/logout" not in html
    tokens = {who: {logout_token(h) for h in seen[who]} for who in ("王小明", "赵大伟")}
    assert tokens["王小明"].isdisjoint(tokens["赵大伟"])
    with wang.session_transaction() as sess:
        wang_raw = sess["csrf_token"]
    with zhao.session_transaction() as sess:
        assert sess["csrf_token"] != wang_raw


def test_a_cached_pages_logout_form_carries_the_requesters_token_and_posts(app, two):
    (wang, _), (zhao, _) = two
    wang.get("/kp/kp-plan-concept")  # cached with Wang's request
    html = zhao.get("/kp/kp-plan-concept").get_data(as_text=True)
    response = zhao.post("/auth/logout", data={"csrf_token": logout_token(html)})
    assert response.status_code == 302
    assert "登录" in text_of(zhao.get("/kp/kp-plan-concept"))  # Zhao is out
    assert "王小明" in wang.get("/kp/kp-plan-concept").get_data(as_text=True)  # Wang is not


def test_someone_elses_token_from_a_cached_page_is_refused(app, two):
    (wang, _), (zhao, _) = two
    wang_token = logout_token(wang.get("/kp/kp-plan-concept").get_data(as_text=True))
    response = zhao.post("/auth/logout", data={"csrf_token": wang_token})
    assert response.status_code == 400
    assert "赵大伟" in zhao.get("/kp/kp-plan-concept").get_data(as_text=True)


def test_due_counts_on_the_cached_home_page_are_each_users_own(app, two):
    from datetime import timedelta

    from training.models import Question, ReviewCard
    from training.models.base import utcnow
    (wang, wang_user), (zhao, _) = two
    ids = db.session.execute(db.select(Question.id).limit(3)).scalars().all()
    for qid in ids:
        db.session.add(ReviewCard(user_id=wang_user.id, question_id=qid, card={}, due_at=utcnow() - timedelta(hours=1),
                                  reviews=1))
    db.session.commit()
    zhao.get("/")
    assert "今日复习 3 题" in text_of(wang.get("/"))
    assert "今日复习 0 题" in text_of(zhao.get("/"))
    assert "今日复习" not in text_of(wang.application.test_client().get("/"))  # a guest


def test_a_flash_shows_on_a_cached_page_once(app, two):
    (wang, _), _ = two
    wang.get("/kp/kp-plan-concept")
    with wang.session_transaction() as sess:
        sess["_flashes"] = [("success", "已收藏这道题。")]
    assert "已收藏这道题。" in wang.get("/kp/kp-plan-concept").get_data(as_text=True)
    assert "已收藏这道题。" not in wang.get("/kp/kp-plan-concept").get_data(as_text=True)


def test_a_content_load_gives_signed_in_users_the_new_page(app, two, tmp_path):
    (wang, _), _ = two
    assert "计划的三项作用" in wang.get("/kp/kp-plan-concept").get_data(as_text=True)
    load_edited_copy(tmp_path, "topics/plan/concept-functions.md", "计划的三项作用", "计划的三大作用")
    html = wang.get("/kp/kp-plan-concept").get_data(as_text=True)
    assert "计划的三大作用" in html and "王小明" in html


def test_content_text_cannot_forge_a_slot(app, loaded):
    cache = page_cache()
    forged = b"<p><!--slot:0000000000000000:usernav--></p>"
    page = cache.cut(forged, "text/html")
    assert page.slots == () and page.pieces == (forged,)
