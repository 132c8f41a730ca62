"""Keep the cyclic garbage collector off the objects that existed before a content load.

A load allocates hundreds of thousands of objects, so the collector runs hundreds of times during
it, and now and then a full collection walks every object of the process (the app, SQLAlchemy's
mappers, the modules: ~0.1 s on a busy machine, a third of a shipped load). gc.freeze() moves the
objects that exist now out of the collector's sight until gc.unfreeze(), so the collections during
the load only walk what the load made; everything is collected as before once it ends. Freezing
and unfreezing are O(1) list splices. Nested and concurrent loads share one window. In a process
that runs with its start-up heap frozen (app.py), the end of the window collects once and freezes
what survives again (the new content's long-lived objects with it).
"""
from __future__ import annotations

import gc
import threading
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_ran_frozen = False


@contextmanager
def old_objects_frozen():
    """Collections inside this block look only at objects made inside it (and by other threads)."""
    global _depth, _ran_frozen
    with _lock:
        _depth += 1
        if _depth == 1:
            _ran_frozen = gc.get_freeze_count() > 0
            gc.freeze()
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.unfreeze()
                if _ran_frozen:  # the process keeps its heap frozen (app.py): once, collect and freeze again
                    gc.collect()
                    gc.freeze()
