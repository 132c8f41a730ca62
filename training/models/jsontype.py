"""A JSON column whose values are typed objects: every read and write goes through the class."""
from __future__ import annotations

from typing import Any

from sqlalchemy import JSON
from sqlalchemy.types import TypeDecorator


class TypedJSON(TypeDecorator):
    """JSON stored through cls.to_json / cls.from_json; many=True for a list of them.

    Values are replaced, never mutated in place (SQLAlchemy would not see the change).
    """

    impl = JSON
    cache_ok = True

    def __init__(self, cls: type, many: bool = False):
        super().__init__()
        self.cls, self.many = cls, many

    def process_bind_param(self, value: Any, dialect) -> Any:
        if value is None:
            return None
        return [v.to_json() for v in value] if self.many else value.to_json()

    def process_result_value(self, value: Any, dialect) -> Any:
        if value is None:
            return None
        return [self.cls.from_json(v) for v in value] if self.many else self.cls.from_json(value)

    def coerce_compared_value(self, op, value):  # comparisons against plain JSON literals
        return self.impl
