"""Checking and loading content/ as one service, used by the CLI, `flask setup` and /manage/content.

check_content() parses the folder only when a file changed since the last check in this
process (a stat of every file is cheap; parsing and rendering them is not), so the
instructors' page can show the checker's verdict on every visit.
"""
from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy.orm import Session

from .items import ContentSet
from .sync import SyncReport, sync_content
from .validate import AREAS_FILE, content_files, read_content

_lock = threading.Lock()
_checked: dict[str, tuple[tuple, ContentSet]] = {}


def signature(root: Path) -> tuple:
    """What changes whenever a file under root is added, removed or written."""
    files = content_files(root) + [root / AREAS_FILE]
    out = []
    for path in files:
        try:
            st = path.stat()
        except FileNotFoundError:
            continue
        out.append((str(path), st.st_mtime_ns, st.st_size))
    return tuple(out)


def check_content(root: Path | str) -> ContentSet:
    """The parsed and cross-checked folder, re-read only when a file changed."""
    root = Path(root)
    sig = signature(root)
    with _lock:
        hit = _checked.get(str(root))
        if hit is not None and hit[0] == sig:
            return hit[1]
    content = read_content(root)
    with _lock:
        _checked[str(root)] = (sig, content)
    return content


def reload_content(session: Session, root: Path | str) -> tuple[ContentSet, SyncReport | None]:
    """Check the folder and, if nothing is wrong, bring the database in line with it (caller commits).

    Returns the checked content and the sync report, or None when problems kept it from loading.
    """
    content = check_content(root)
    if content.problems:
        return content, None
    return content, sync_content(session, content)
