"""Full-text search over study content, in Chinese, identical on SQLite and PostgreSQL.

Chinese has no spaces to split words on, so the search is substring based:
each whitespace-separated term must occur in the title or text. All text is
case-folded at load time, so a plain LIKE behaves the same on both databases.

The site searches an in-memory copy of the entries (SearchIndex), built once
per content version by the page cache: a scan of 10 000 questions in Python is
a few milliseconds, where LIKE '%…%' reads every row from the database each
time. Without entries, search() asks the database, with the same results.
"""
from __future__ import annotations

import heapq
import html
import re
from dataclasses import dataclass
from typing import Iterable, NamedTuple, Sequence

from markupsafe import Markup
from sqlalchemy import and_, or_, select
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


def contains_pattern(term: str) -> str:
    """A LIKE pattern (escape character \\) that matches `term` literally anywhere: % and _ are not wildcards."""
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def mark_spans(text: str | None, spans: Iterable[Iterable[int]], wrong: Iterable[Iterable[int]] = ()) -> Markup:
    """The text, escaped, with <mark> around the given [start, end) ranges (merged where they overlap), and
    <mark class="wrong"> around the `wrong` ones, which win where both overlap. Search results mark the query terms
    with it, and the 答辩 review what the matcher credited and the misconceptions (误区) the answer repeats."""
    text = text or ""
    kind = [0] * len(text)
    for value, ranges in ((1, spans), (2, wrong)):
        for a, b in ranges:
            for i in range(max(0, int(a)), min(len(text), int(b))):
                kind[i] = value
    out, start = [], 0
    for i in range(1, len(text) + 1):
        if i == len(text) or kind[i] != kind[start]:
            piece = html.escape(text[start:i])
            out.append(piece if not kind[start] else
                       f"<mark>{piece}</mark>" if kind[start] == 1 else f'<mark class="wrong">{piece}</mark>')
            start = i
    return Markup("".join(out))


def highlight(text: str, terms: list[str]) -> Markup:
    """Escape text and wrap every occurrence of any term in <mark>."""
    if not terms:
        return Markup(html.escape(text))
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    return mark_spans(text, (m.span() for m in pattern.finditer(text)))


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


def rank_key(title_lc: str, text_lc: str, terms: list[str], kind_order: int, position: int) -> tuple:
    """Title hits first, then more occurrences, then pages before questions, then syllabus order."""
    title_hits = sum(title_lc.count(t) for t in terms)
    body_hits = sum(text_lc.count(t) for t in terms)
    return (0 if title_hits else 1, -(title_hits + body_hits), kind_order, position)


KIND_ORDER = {"topic": 0, "case": 1, "question": 2}
COLUMNS = (SearchEntry.kind, SearchEntry.ref_id, SearchEntry.area_id, SearchEntry.title, SearchEntry.title_lc,
           SearchEntry.text, SearchEntry.text_lc, SearchEntry.position)


class Entry(NamedTuple):
    kind: str
    ref_id: str
    area_id: str
    title: str
    title_lc: str
    text: str
    text_lc: str
    position: int


SEPARATOR = "\x00"  # between an entry's title and text in its blob: no term can contain it (edge.py strips it)


class SearchIndex:
    """The entries of one content version in memory, each as one lower-cased blob "title\0text", so a
    term is one substring test and its occurrences one count, both in C, per entry."""

    def __init__(self, entries: Sequence[Entry]):
        self.entries = tuple(entries)
        self.blobs = [e.title_lc + SEPARATOR + e.text_lc for e in self.entries]
        self.titles = [e.title_lc for e in self.entries]
        self.order = [(KIND_ORDER.get(e.kind, len(KIND_ORDER)), e.position, e.ref_id) for e in self.entries]

    def find(self, terms: list[str], kinds: tuple[str, ...], limit: int) -> tuple[list[Entry], int]:
        """The best `limit` entries holding every term, in rank_key order, and how many hold them."""
        if not terms or any(SEPARATOR in t for t in terms):
            return [], 0
        blobs, titles = self.blobs, self.titles
        first, *rest = terms  # longest first: the rarest, so the later passes are short
        found = [i for i, blob in enumerate(blobs) if first in blob]
        for term in rest:
            found = [i for i in found if term in blobs[i]]
        if len(kinds) < len(KIND_ORDER):
            found = [i for i in found if self.entries[i].kind in kinds]
        if len(terms) == 1:
            keys = [(0 if first in titles[i] else 1, -blobs[i].count(first), self.order[i], i) for i in found]
        else:
            keys = [(0 if any(t in titles[i] for t in terms) else 1, -sum(blobs[i].count(t) for t in terms),
                     self.order[i], i) for i in found]
        best = heapq.nsmallest(limit, keys) if len(keys) > limit else sorted(keys)
        return [self.entries[k[-1]] for k in best], len(found)


def load_index(session: Session) -> SearchIndex:
    """Every search entry, for searching in memory (the caller keeps it per content version)."""
    return SearchIndex([Entry(kind, ref_id, area_id, title or "", title_lc or "", text or "", text_lc or "", position or 0)
                        for kind, ref_id, area_id, title, title_lc, text, text_lc, position
                        in session.execute(select(*COLUMNS))])


def search(session: Session, query: str, kinds: tuple[str, ...] = ("topic", "case", "question"),
           limit: int = 200, index: SearchIndex | None = None) -> tuple[list[str], list[Hit], int]:
    """Run a search; returns the terms used, the best `limit` hits and how many matched in all.
    With an `index` (from load_index) the database is not asked; the results are the same."""
    terms = query_terms(query)
    if not terms:
        return terms, [], 0
    if index is not None:
        rows, total = index.find(terms, kinds, limit)
    else:
        conditions = [or_(SearchEntry.title_lc.like(contains_pattern(t), escape="\\"),
                          SearchEntry.text_lc.like(contains_pattern(t), escape="\\")) for t in terms]
        rows = session.execute(select(*COLUMNS).where(and_(*conditions), SearchEntry.kind.in_(kinds))).all()
        rows.sort(key=lambda r: (*rank_key(r.title_lc, r.text_lc, terms, KIND_ORDER[r.kind], r.position), r.ref_id))
        total = len(rows)
    hits = []
    for r in rows[:limit]:
        title_hit = any(t in r.title_lc for t in terms)
        count = sum(r.title_lc.count(t) + r.text_lc.count(t) for t in terms)
        hits.append(Hit(r.kind, r.ref_id, r.area_id, highlight(r.title, terms), snippet(r.text, terms), title_hit, count))
    return terms, hits, total
