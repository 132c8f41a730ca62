"""Full-text search over study content, in Chinese, identical on SQLite and PostgreSQL.

Chinese has no spaces to split words on, so the search is substring based:
each whitespace-separated term must occur in the title or text. All text is
case-folded at load time, so a plain LIKE behaves the same on both databases.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from .models import SearchEntry

MAX_QUERY = 50
MAX_TERMS = 5
SNIPPET_WIDTH = 80


@dataclass
class Hit:
    kind: str
    ref_id: str
    area_id: str
    title: Markup
    snippet: Markup
    title_hit: bool
    count: int


def query_terms(query: str) -> list[str]:
    """Split a query into distinct case-folded terms, longest first; drop wildcard characters' power."""
    terms = [t for t in re.split(r"\s+", query.strip()[:MAX_QUERY].casefold()) if t]
    return list(dict.fromkeys(sorted(terms, key=len, reverse=True)))[:MAX_TERMS]


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def highlight(text: str, terms: list[str]) -> Markup:
    """Escape text and wrap every occurrence of any term in <mark>."""
    if not terms:
        return Markup(html.escape(text))
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(html.escape(text[last:m.start()]))
        out.append(f"<mark>{html.escape(m.group())}</mark>")
        last = m.end()
    out.append(html.escape(text[last:]))
    return Markup("".join(out))


def snippet(text: str, terms: list[str], width: int = SNIPPET_WIDTH) -> Markup:
    """A window of text around the first match, with matches highlighted."""
    lowered = text.casefold()
    positions = [p for p in (lowered.find(t) for t in terms) if p >= 0]
    start = max(0, min(positions) - width // 3) if positions else 0
    end = min(len(text), start + width)
    piece = text[start:end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return Markup(html.escape(prefix)) + highlight(piece, terms) + Markup(html.escape(suffix))


KIND_ORDER = {"topic": 0, "case": 1, "question": 2}


def _occurrences(column, term: str):
    """How many times term occurs in column, computed by the database (same SQL on SQLite and PostgreSQL)."""
    return (func.length(column) - func.length(func.replace(column, term, ""))) / len(term)


def search(session: Session, query: str, kinds: tuple[str, ...] = ("topic", "case", "question"),
           limit: int = 200) -> tuple[list[str], list[Hit], int]:
    """Run a search; returns the terms used, the best `limit` hits and how many matched in all.

    Ranking happens in SQL (title hits first, then more occurrences, then pages before
    questions, then syllabus order) so only the rows shown travel to Python.
    """
    terms = query_terms(query)
    if not terms:
        return terms, [], 0
    conditions = [or_(SearchEntry.title_lc.like(_like(t), escape="\\"), SearchEntry.text_lc.like(_like(t), escape="\\"))
                  for t in terms]
    title_hits = sum((_occurrences(SearchEntry.title_lc, t) for t in terms[1:]), _occurrences(SearchEntry.title_lc, terms[0]))
    body_hits = sum((_occurrences(SearchEntry.text_lc, t) for t in terms[1:]), _occurrences(SearchEntry.text_lc, terms[0]))
    kind_order = case(KIND_ORDER, value=SearchEntry.kind, else_=9)
    rows = session.execute(
        select(SearchEntry.kind, SearchEntry.ref_id, SearchEntry.area_id, SearchEntry.title, SearchEntry.text,
               title_hits.label("title_hits"), (title_hits + body_hits).label("count"),
               func.count().over().label("total"))
        .where(and_(*conditions), SearchEntry.kind.in_(kinds))
        .order_by(case((title_hits > 0, 0), else_=1), (title_hits + body_hits).desc(), kind_order,
                  SearchEntry.position, SearchEntry.ref_id)
        .limit(limit)
    ).all()
    hits = [Hit(r.kind, r.ref_id, r.area_id, highlight(r.title, terms), snippet(r.text, terms), r.title_hits > 0, r.count)
            for r in rows]
    return terms, hits, rows[0].total if rows else 0
