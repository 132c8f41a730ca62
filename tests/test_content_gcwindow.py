"""The collector window of a content load leaves the collector as it found it."""
import gc
import threading

from training.content.gcwindow import old_objects_frozen


def test_objects_are_frozen_inside_and_released_after_even_when_nested():
    assert gc.get_freeze_count() == 0
    with old_objects_frozen():
        assert gc.get_freeze_count() > 0
        with old_objects_frozen():
            assert gc.get_freeze_count() > 0
        assert gc.get_freeze_count() > 0  # the inner window does not end the outer one
    assert gc.get_freeze_count() == 0


def test_an_error_inside_still_unfreezes():
    try:
        with old_objects_frozen():
            raise ValueError
    except ValueError:
        pass
    assert gc.get_freeze_count() == 0


def test_concurrent_windows_share_one_freeze():
    entered, release = threading.Event(), threading.Event()

    def other():
        with old_objects_frozen():
            entered.set()
            release.wait(5)

    t = threading.Thread(target=other)
    t.start()
    entered.wait(5)
    with old_objects_frozen():
        pass
    assert gc.get_freeze_count() > 0  # the other thread's load is still running
    release.set()
    t.join()
    assert gc.get_freeze_count() == 0


def test_a_content_load_runs_in_the_window(monkeypatch):
    from pathlib import Path

    from training.content import validate

    seen = []
    real = validate.cross_check
    monkeypatch.setattr(validate, "cross_check", lambda c: seen.append(gc.get_freeze_count()) or real(c))
    validate.read_content(Path(__file__).resolve().parent.parent / "content")
    assert seen and seen[0] > 0 and gc.get_freeze_count() == 0


def test_a_process_that_runs_frozen_stays_frozen_after_a_load():
    """app.py freezes the start-up heap; a load in such a worker must not thaw it for good."""
    gc.freeze()
    try:
        with old_objects_frozen():
            made = {"content": [object() for _ in range(100)]}  # a long-lived object the load makes
        assert gc.is_tracked(made) and gc.get_freeze_count() > 0
        assert not any(o is made for o in gc.get_objects())  # frozen again: no collection rescans it
    finally:
        gc.unfreeze()
