"""Write missing stable keys into content files (`flask content add-keys`). Pure: text in, text out.

The parser, run with keys optional, makes up a key for every option, step, item, category,
key point and 追问 that has none and records where it would go; this applies those edits.
Options get the letter they are written at (a, b, c…), so `{b}` in a 解析 means what "B" meant.
"""
from __future__ import annotations

from .items import Problem
from .parse import parse_with_report


def add_keys(path: str, text: str) -> tuple[str, int, list[Problem]]:
    """(new text, number of lines changed, problems other than missing keys)."""
    _, report = parse_with_report(path, text, keys_optional=True)
    if not report.edits:
        return text, 0, report.problems
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.replace("\r\n", "\n").split("\n")
    after: dict[int, list[str]] = {}
    for line, action, value in report.edits:
        i = line - 1
        if action == "append":
            lines[i] = lines[i].rstrip() + value
        elif action == "replace":
            lines[i] = value
        elif action == "insert-after":
            after.setdefault(i, []).append(value)
    out: list[str] = []
    for i, t in enumerate(lines):
        out.append(t)
        out.extend(after.get(i, []))
    changed = len({e[0] for e in report.edits})
    return newline.join(out), changed, report.problems
