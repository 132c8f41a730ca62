"""Test data builders and helpers shared by the test modules (imported as `support`)."""
from __future__ import annotations

import itertools
import re
from pathlib import Path

from training.extensions import db as _db
from training.models import Role, User

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
PASSWORD = "correct-horse-42"
_serial = itertools.count(1)
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def make_user(role: Role = Role.candidate, username: str | None = None, nickname: str = "测试用户",
              password: str = PASSWORD) -> User:
    """Test data builder: a saved user."""
    username = username or f"{role.value}-{next(_serial)}@test.local"
    user = User(username=username, nickname=nickname, role=role)
    user.set_password(password)
    _db.session.add(user)
    _db.session.commit()
    return user


def csrf_from(html: str) -> str:
    m = CSRF_RE.search(html)
    assert m, "page has no CSRF token"
    return m.group(1) or m.group(2)


class Auth:
    """Log a test client in and out through the real forms."""

    def __init__(self, client):
        self.client = client

    def token(self, url: str = "/auth/login") -> str:
        return csrf_from(self.client.get(url).get_data(as_text=True))

    def login(self, username: str, password: str = PASSWORD):
        return self.client.post("/auth/login", data={"username": username, "password": password,
                                                     "csrf_token": self.token()})

    def logout(self):
        return self.client.post("/auth/logout", data={"csrf_token": self.token("/")})


def right_fields(q, prefix: str = "") -> dict:
    """Form fields that answer a question (a QuestionPayload) correctly, named as the pages name them."""
    if q.qtype == "单选":
        fields = {"choice": q.answer}
    elif q.qtype == "多选":
        fields = {"choice": list(q.answer)}
    elif q.qtype == "判断":
        fields = {"choice": "true" if q.answer else "false"}
    elif q.qtype == "排序":
        fields = {f"rank-{k}": str(i + 1) for i, k in enumerate(q.answer)}
    else:
        fields = {f"cat-{item}": cat for item, cat in q.answer.items()}
    return {prefix + k: v for k, v in fields.items()}


def wrong_key(q) -> str:
    """An option key of a choice question that is not (one of) the right answer(s)."""
    right = q.answer if isinstance(q.answer, list) else [q.answer]
    return next(o.key for o in q.options if o.key not in right)


def make_practice_set(user: User, question_ids: list[str], **kw):
    """Test data builder: a saved practice set over the given questions."""
    from training.models import PracticeFilters, PracticeSession
    ps = PracticeSession(user_id=user.id, filter_key="test", filters=PracticeFilters(), question_ids=question_ids, **kw)
    _db.session.add(ps)
    _db.session.commit()
    return ps


def make_response(user: User, question, answer, **kw):
    """Test data builder: an answer to a question's current version (practice unless a context is given)."""
    from training.grading.objective import grade
    from training.models.base import utcnow
    from training.models import Response
    if not any(k in kw for k in ("practice_session_id", "exam_attempt_id", "defense_session_id")):
        kw["practice_session_id"] = make_practice_set(user, [question.id]).id
    context = "exam" if "exam_attempt_id" in kw else "defense" if "defense_session_id" in kw else "practice"
    row = Response(user_id=user.id, context=context, question_id=question.id, version_id=question.version_id,
                   answer=answer, score=grade(question.payload, answer).score, answered_at=utcnow(),
                   **{"slot": 0, **kw})
    _db.session.add(row)
    _db.session.commit()
    return row


def make_attempt(user: User, blueprint_id: str, questions: list, **kw):
    """Test data builder: an exam attempt (open unless submitted_at is given) over the given questions."""
    from datetime import timedelta

    from training.grading.drawing import ExamItem
    from training.models import ExamAttempt
    from training.models.base import utcnow
    items = [ExamItem("question", q.id, q.qtype, q.area_id, 100 / len(questions), q.version_id) for q in questions]
    attempt = ExamAttempt(user_id=user.id, blueprint_id=blueprint_id, paper="理论知识", title="测试卷", items=items,
                          deadline_at=utcnow() + timedelta(minutes=30), **kw)
    _db.session.add(attempt)
    _db.session.commit()
    return attempt


def load_edited_copy(tmp_path: Path, rel: str, old: str, new: str) -> None:
    """Copy content/, replace `old` by `new` in one file and load the copy (a content edit as a reload makes it)."""
    import shutil
    from training.content.sync import sync_content
    from training.content.validate import read_content
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    path = copy / rel
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    sync_content(_db.session, read_content(copy))
    _db.session.commit()


def refuse_connection(*args, **kwargs):
    """Stands in for a database call while the database is unreachable (monkeypatch it in)."""
    from sqlalchemy.exc import OperationalError
    raise OperationalError("SELECT 1", {}, Exception("connection refused"))


def database_down(app, monkeypatch) -> None:
    """The shared test app's database becomes unreachable: the session's statements and connections, and
    the threads' own connections (dbconn.OwnConnections, on the test's connection here)."""
    monkeypatch.setattr(_db.session, "execute", refuse_connection)
    monkeypatch.setattr(_db.session, "connection", refuse_connection)
    monkeypatch.setitem(app.extensions, "own_connection", refuse_connection)
