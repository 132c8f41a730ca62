"""Does the key-point matcher still say exactly what it said? A fingerprint of every output on the development
answer sets and on the speed bench's answers, for changes that must not move a single decision (speed work).

Every answer of the development sets (matcher_cv.DEV_SETS and dev6) is graded twice: with the
points' explanations and the case material, as the app grades (the learned decision), and with the hints only (the
hand rules). Then the 1 500-character answers bench/matcher_speed.py times, each turned round by a few characters,
against its 7 points. Per answer, the fingerprint holds the repr of every field of every suggestion (covered, found,
negated, groups, spans, reason, features, probability, evidence, misconception …), floats rounded to 12 digits.
The held-out sets (matcher_answers_heldout*.yaml) are never read.

    .venv/bin/python bench/matcher_identity.py --write /tmp/matcher-fingerprint.txt   # before the change
    .venv/bin/python bench/matcher_identity.py --check /tmp/matcher-fingerprint.txt   # after: exit 1 on a difference
"""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import hashlib  # noqa: E402
import time  # noqa: E402

import yaml  # noqa: E402

from bench import matcher_cv, matcher_speed  # noqa: E402
from bench._common import ROOT  # noqa: E402
from training.content.validate import read_content  # noqa: E402
from training.grading.evaluation import key_points_by_case, material_by_case  # noqa: E402
from training.grading.keypoints import suggest_points  # noqa: E402

DEV_SETS = matcher_cv.DEV_SETS + ("matcher_answers_dev6.yaml",)  # the fitted sets and the one left out of the fit
BENCH_ROTATIONS = 420  # bench/matcher_speed.py's default rounds x runs


def canonical(value) -> str:
    """A repr that does not depend on set order or on float noise below 12 digits."""
    if isinstance(value, float):
        return repr(round(value, 12))
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {canonical(v)}" for k, v in sorted(value.items())) + "}"
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(map(canonical, value))) + "}"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(map(canonical, value))
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    return repr(value)


def fingerprint(suggestions) -> str:
    return "; ".join(canonical({f.name: getattr(s, f.name) for f in dataclasses.fields(s)}) for s in suggestions)


def graded() -> list[tuple[str, str]]:
    """(label, fingerprint) per graded answer, in a fixed order."""
    content = read_content(ROOT / "content")
    with_explanations = key_points_by_case(content.cases)
    hints_only = key_points_by_case(content.cases, explanations=False)
    material = material_by_case(content.cases)
    out = []
    for name in DEV_SETS:
        assert "heldout" not in name
        samples = yaml.safe_load((ROOT / "tests" / "data" / name).read_text(encoding="utf-8"))
        for n, s in enumerate(samples):
            case = s["case"]
            out.append((f"{name}#{n}:explained",
                        fingerprint(suggest_points(s["answer"], with_explanations[case], material.get(case, "")))))
            out.append((f"{name}#{n}:hints", fingerprint(suggest_points(s["answer"], hints_only[case]))))
    # bench/matcher_speed.py's answers
    answer, points, case_material = matcher_speed.inputs(content)
    for k in range(BENCH_ROTATIONS):
        out.append((f"bench#{k}", fingerprint(suggest_points(answer[k:] + answer[:k], points, case_material))))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", metavar="FILE")
    mode.add_argument("--check", metavar="FILE")
    args = parser.parse_args()
    t = time.perf_counter()
    rows = graded()
    took = time.perf_counter() - t
    total = hashlib.sha256("\n".join(f"{k}\t{v}" for k, v in rows).encode("utf-8")).hexdigest()
    if args.write:
        with open(args.write, "w", encoding="utf-8") as fh:
            fh.write(f"# total {total}\n")
            fh.writelines(f"{k}\t{v}\n" for k, v in rows)
        print(f"{len(rows)} answers graded in {took:.1f} s, fingerprint {total[:16]} written to {args.write}")
        return 0
    with open(args.check, encoding="utf-8") as fh:
        expected = [line.rstrip("\n").split("\t", 1) for line in fh if not line.startswith("#")]
    differ = [k for (k, v), (k2, v2) in zip(rows, expected) if k != k2 or v != v2]
    if len(rows) != len(expected):
        differ.append(f"count {len(rows)} != {len(expected)}")
    print(f"{len(rows)} answers graded in {took:.1f} s, fingerprint {total[:16]}")
    if differ:
        print(f"DIFFERENT: {len(differ)} answers, first: {', '.join(differ[:5])}")
        return 1
    print("identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())
