"""What the platform remembers of a learner: pure functions over their answers (no Flask)."""
