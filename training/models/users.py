"""Accounts: who may log in and what role they have."""
from __future__ import annotations

import enum
import hmac
import secrets
from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .base import UTCDateTime, utcnow


class Role(str, enum.Enum):
    candidate = "candidate"
    instructor = "instructor"
    admin = "admin"

    @property
    def label(self) -> str:
        return {"candidate": "考生", "instructor": "讲师", "admin": "管理员"}[self.value]

    @property
    def rank(self) -> int:
        return {"candidate": 1, "instructor": 2, "admin": 3}[self.value]


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    nickname: Mapped[str] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(
        Enum(Role, name="user_role", native_enum=False, length=16), default=Role.candidate
    )
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of every session and remember-me cookie: a new value signs out every device
    # (logout, password change, reset, disabling the account).
    session_token: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_urlsafe(24))
    # Per-account login throttle, kept in the database so every worker and host shares it.
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # 今日复习: the chance of still remembering an item when it comes back (FSRS desired retention).
    desired_retention: Mapped[float] = mapped_column(default=0.9, server_default="0.9")
    # Moves on whenever the learner's answers, review cards, sittings or classes change (answers/stamp.py):
    # memos of their personal pages are keyed by it.
    history_stamp: Mapped[int] = mapped_column(default=0, server_default="0")

    @classmethod
    def snapshot(cls, values) -> "User":
        """A read-only User built from a users row (access.signed_in_user): it belongs to no session, and
        setting any attribute on it raises, so a change can never be silently lost on it."""
        user = cls(**dict(values))
        user.__dict__["_read_only_snapshot"] = True
        return user

    def __setattr__(self, name, value):
        if self.__dict__.get("_read_only_snapshot"):
            raise AttributeError(f"the signed-in user is a read-only snapshot; change the account through "
                                 f"access.own_user_row() (tried to set {name})")
        super().__setattr__(name, value)

    def set_password(self, password: str) -> None:
        # Tests lower the cost through config; production keeps Werkzeug's default (scrypt).
        method = current_app.config.get("PASSWORD_HASH_METHOD") if has_app_context() else None
        self.password_hash = generate_password_hash(password, method=method or "scrypt")
        if self.id is not None:  # a new password ends every session of the old one
            self.password_changed_at = utcnow()
            self.rotate_session_token()

    def clear_failed_logins(self) -> None:
        """The right password was given (or set): the account throttle starts again from zero."""
        self.failed_logins, self.locked_until = 0, None

    def rotate_session_token(self) -> None:
        self.session_token = secrets.token_urlsafe(24)

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember-me cookie: id and session token."""
        return f"{self.id}:{self.session_token}"

    def token_matches(self, token: str) -> bool:
        return hmac.compare_digest(self.session_token.encode(), token.encode())

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def has_role(self, role: Role) -> bool:
        return self.role.rank >= role.rank

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role.value}>"


class PasswordReset(db.Model):
    """A one-time link an admin issues when a user forgot the password (no e-mail needed).

    Only a hash of the token is stored; the link is shown once to the admin who made it.
    """
    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
