"""Accounts: who may log in and what role they have."""
from __future__ import annotations

import enum
from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import Enum, String
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

    def set_password(self, password: str) -> None:
        # Tests lower the cost through config; production keeps Werkzeug's default (scrypt).
        method = current_app.config.get("PASSWORD_HASH_METHOD") if has_app_context() else None
        self.password_hash = generate_password_hash(password, method=method or "scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def has_role(self, role: Role) -> bool:
        return self.role.rank >= role.rank

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role.value}>"
