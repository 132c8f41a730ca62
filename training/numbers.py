"""The one parser for numbers that arrive as text (URL segments, form fields, query strings).

Plain functions, no Flask: the grading core uses them too.
"""
from __future__ import annotations

import re

DB_INT_MAX = 2**31 - 1  # PostgreSQL `integer`; SQLite's is wider
_ASCII_INT = re.compile(r"[+-]?[0-9]{1,18}")


def parse_int(raw: object, lo: int = 0, hi: int = DB_INT_MAX) -> int | None:
    """`raw` as an int in [lo, hi], or None: ASCII digits only (not '²' or '١'), one optional sign."""
    if not isinstance(raw, str):
        return None
    raw = raw.strip()
    if not _ASCII_INT.fullmatch(raw):
        return None
    value = int(raw)
    return value if lo <= value <= hi else None


def is_row_id(value: int) -> bool:
    """Whether an int can be the id of a row (a positive INTEGER): ids beyond it name nothing."""
    return 0 < value <= DB_INT_MAX
