"""Precision and recall of the key-point matcher on the hand-labelled answers in tests/data.
A set with a "# sha256 of everything below this line:" header line is frozen: the script refuses to
measure it if its body was edited since. Other sets: --set matcher_answers_independent.yaml (written blind, hints later tuned on it) and
--set matcher_answers_heldout.yaml / matcher_answers_heldout2.yaml / matcher_answers_heldout3.yaml /
matcher_answers_heldout4.yaml / matcher_answers_heldout5.yaml / matcher_answers_heldout6.yaml /
matcher_answers_heldout7.yaml / matcher_answers_heldout8.yaml / matcher_answers_heldout9.yaml /
matcher_answers_heldout10.yaml / matcher_answers_heldout11.yaml / matcher_answers_heldout12.yaml /
matcher_answers_heldout13.yaml / matcher_answers_heldout14a.yaml / matcher_answers_heldout14b.yaml (written blind,
never used to tune hints or the matcher: the honest figures; the third to fourteenth are frozen; heldout14 comes in
two halves by two writers, on seven cases each; matcher_answers_heldout15a.yaml / 15b.yaml, frozen after round 14,
judged round 15):
    .venv/bin/python bench/matcher_eval.py --set matcher_answers_heldout.yaml
Development sets (written blind, then used to tune the matcher and their cases' hints; dev3 to dev7b frozen, dev6
not in the model's fit; dev7a / dev7b in the fit, their cases' hints never tuned on them):
    .venv/bin/python bench/matcher_eval.py --set matcher_answers_dev2.yaml
    .venv/bin/python bench/matcher_eval.py --set matcher_answers_dev5.yaml

    .venv/bin/python bench/matcher_eval.py            # figures per style
    .venv/bin/python bench/matcher_eval.py --misses   # also every wrong suggestion
    .venv/bin/python bench/matcher_eval.py --no-synonyms   # without 同义词词林 expansion
    .venv/bin/python bench/matcher_eval.py --no-explain    # without the explanation-density rule
    .venv/bin/python bench/matcher_eval.py --rules         # the hand rules' decision, not the learned one
    .venv/bin/python bench/matcher_eval.py --hints-only    # points without their explanations (the other model)

The points are passed with their explanations (the paragraph under each point), as the app's case payloads carry
them: the learned decision (training/grading/keypoint_model.py) weighs how much of it the answer says. Its
cross-validated figures come from bench/matcher_cv.py; on the development sets it was fit on, these are in-sample.
"""
from __future__ import annotations

import os
import sys

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, _ROOT)

import yaml  # noqa: E402

from training.content.validate import read_content  # noqa: E402
from training.grading.evaluation import evaluate, frozen_body_ok, key_points_by_case, material_by_case  # noqa: E402


def main() -> int:
    name = sys.argv[sys.argv.index("--set") + 1] if "--set" in sys.argv else "matcher_answers.yaml"
    if "--no-synonyms" in sys.argv:  # the matcher without 同义词词林 expansion, for comparison
        from training.grading import keypoints
        keypoints.USE_SYNONYMS = False
    if "--rules" in sys.argv:  # the hand rules' yes/no (before the learned decision)
        from training.grading import keypoint_model
        keypoint_model.ENABLED = False
    if "--no-explain" in sys.argv:  # credit hints however bare their clause (the rule before round 5)
        from training.grading import keypoints
        keypoints.EXPLAIN = False
    text = open(os.path.join(_ROOT, "tests", "data", name), encoding="utf-8").read()
    frozen = frozen_body_ok(text)
    if frozen is False:
        print(f"{name}: the body no longer matches the checksum in its header; a frozen set was edited")
        return 2
    samples = yaml.safe_load(text)
    content = read_content(os.path.join(_ROOT, "content"))
    points = key_points_by_case(content.cases, explanations="--hints-only" not in sys.argv)
    overall, by_style, misses = evaluate(samples, points, material_by_case(content.cases))
    print(f"labelled answers: {len(samples)} over {len({s['case'] for s in samples})} cases; "
          f"suggestions judged: {overall.tp + overall.fp} made, {overall.tp + overall.fn} truly covered")
    print(f"{'style':<16}{'precision':>10}{'recall':>8}{'tp':>5}{'fp':>5}{'fn':>5}")
    for style, t in sorted(by_style.items()):
        print(f"{style:<16}{t.precision:>10.2f}{t.recall:>8.2f}{t.tp:>5}{t.fp:>5}{t.fn:>5}")
    print(f"{'ALL':<16}{overall.precision:>10.2f}{overall.recall:>8.2f}{overall.tp:>5}{overall.fp:>5}{overall.fn:>5}")
    target = overall.precision >= 0.85 and overall.recall >= 0.85
    print(f"target precision and recall >= 0.85: {'PASS' if target else 'FAIL'}")
    if "--misses" in sys.argv:
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
