"""A question as one learner saw it: the version's payload in the order it was shown. Pure."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ..content.payloads import LETTERS, Choice, QuestionPayload, presented_order, with_letters


@dataclass(frozen=True)
class ShownQuestion:
    q: QuestionPayload
    order: tuple[str, ...]  # keys of the options (or steps) in the order shown

    @classmethod
    def shuffled(cls, q: QuestionPayload, seed: str) -> "ShownQuestion":
        """A new presentation: options and steps in an order fixed by seed (stable across reloads)."""
        keys = [c.key for c in q.shuffled_parts]
        return cls(q, tuple(presented_order(keys, seed)))

    @classmethod
    def as_presented(cls, q: QuestionPayload, order: list[str] | None) -> "ShownQuestion":
        """The presentation that was stored with an answer (written order when none was)."""
        return cls(q, tuple(order or [c.key for c in q.shuffled_parts]))

    @cached_property
    def parts(self) -> list[Choice]:
        return self.q.in_order(list(self.order))

    @cached_property
    def letters(self) -> dict[str, str]:
        """Option key → the letter it had on the learner's screen (steps have no letters)."""
        return {c.key: LETTERS[i] for i, c in enumerate(self.parts)} if self.q.options else {}

    def letter(self, key: str) -> str:
        return self.letters.get(key, "?")

    def text(self, key: str) -> str:
        return self.q.text(key)

    @property
    def stem_html(self) -> str:
        return with_letters(self.q.stem_html, self.letters)

    @property
    def explanation_html(self) -> str:
        return with_letters(self.q.explanation_html, self.letters)

    @property
    def presented(self) -> list[str] | None:
        """What to store with the answer."""
        return list(self.order) or None
