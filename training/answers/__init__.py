"""Storing answers: the one answer record, written at most once, in every context."""
