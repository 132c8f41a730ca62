"""Pure grading: objective answers (objective.py) and key-point suggestions (keypoints.py)."""
