"""Leave-one-case-out cross-validation of the key-point matcher's learned decision (training/grading/keypoint_model.py)
over every development answer set pooled, against the hand rules' decision on the same answers; --write refits the
shipped coefficients (keypoint_model.json) on all of them.

For each case: fit on the answers to all other cases, predict that case's answers; the predictions of all cases are
pooled and scored (precision / recall / F1 overall, per style and per set). The threshold is reported as a curve; the
shipped one makes the worst answer set's weaker figure (min over sets of min(P, R), out of fold) as high as it can
be, as issue 15's target asks P and R >= 0.90 of every set; a nested figure (each case judged with the threshold
chosen on the other cases' out-of-fold predictions) shows what choosing it costs. --by-set leaves a whole answer set
out instead (another writer, another style).
Pure Python (Newton's method on an L2-regularised logistic regression): no dependency beyond the app's.

    .venv/bin/python bench/matcher_cv.py               # CV figures of the shipped model's features
    .venv/bin/python bench/matcher_cv.py --hints-only  # …and of a model without the explanation features
    .venv/bin/python bench/matcher_cv.py --by-set      # …and leaving a whole answer set out at a time
    .venv/bin/python bench/matcher_cv.py --write       # …and refit and write the shipped coefficients
    .venv/bin/python bench/matcher_cv.py --veto-only   # a model that may only withdraw the rules' credits

The held-out sets (matcher_answers_heldout*.yaml) are never read here: they judge the result.
"""
from __future__ import annotations

import json
import math
import os
import sys
from collections import defaultdict

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, _ROOT)

import yaml  # noqa: E402

from training.content.validate import read_content  # noqa: E402
from training.grading import keypoint_model  # noqa: E402
from training.grading.evaluation import frozen_body_ok, key_points_by_case, material_by_case, truth_indexes  # noqa: E402
from training.grading.keypoints import suggest_points  # noqa: E402

DEV_SETS = ("matcher_answers.yaml", "matcher_answers_independent.yaml", "matcher_answers_dev2.yaml",
            "matcher_answers_dev3.yaml", "matcher_answers_dev4.yaml", "matcher_answers_dev5.yaml",
            "matcher_answers_dev7a.yaml", "matcher_answers_dev7b.yaml")
# dev7a / dev7b (round 14) were written blind on twelve cases whose hints were never tuned on any answer (the cases the
# held-out sets draw on, none of heldout14's). The other development sets are on cases whose hints were tuned on
# them, so leaving their case out still flatters the hints: there the shipped model of round 13 had P 0.925 in CV,
# on dev7 0.80, as on the held-out sets. Fit with dev7, the model learns what untuned hints' evidence is worth.
# Their cases' hints stay as the authors wrote them: tuned on dev7, they would stop being that sample.
# dev5's wrong_swap answers (each point's content written under another point's heading, labelled as making
# nothing) are left out of the fit and the figures: a candidate who writes the right content under the wrong
# heading is a labelling question, not a style the held-out sets or real answers show, and fit on them the model
# learns to refuse right content (reported apart by --swap).
LEFT_OUT_STYLES = () if "--swap" in sys.argv else ("wrong_swap",)
# matcher_answers_dev6.yaml (written blind for round 10, near misses and paraphrases beside wrong definitions) is not
# in the fit: with it, leaving the case out, the other sets' figures moved along the same curve (P 0.919 R 0.931 at
# threshold 0.35 against P 0.920 R 0.929 at 0.45 without it), and on heldout9, the judge, the refit model made the
# same 306 right and 68 wrong credits. A change that its judge cannot tell from none is not shipped.
LAMBDA = 10.0  # L2 penalty on the standardised coefficients
# Each set is weighted by 1/sqrt(its number of answers): the three long-answer sets written from case extracts
# (dev2-dev4, 488 answers) would otherwise teach the model that short answers in other words (matcher_answers,
# median 64 characters) make no point. Unweighted, CV recall there fell from 0.96 to 0.85.
THRESHOLDS = [round(0.30 + 0.05 * i, 2) for i in range(9)]
# The features each model weighs (see keypoint_model's docstring). Fewer than the extractors offer: those whose
# coefficient stayed near zero in CV (found, explained, strength, clauses, ex_cov) are left out, and
# the explanation's coverage by the whole answer (ex_ans, ex_own_cov) is taken relative to the answer's best covered
# point (ex_ans_rel): absolute coverage grows with an answer's length and made short answers lose their points.
HINT_FEATURES = ["rule", "share", "explained_share", "marker", "negated", "refused", "wrong_definition", "skipped",
                 "ev_share", "shared_clauses", "label_overlap_ev", "defined", "specific", "own_words", "recited_share",
                 "terms_share", "slogan_share", "list_share", "rule_credited", "groups", "zeal_share"]
# The answer's length and the mean length of its items (length, unit_len) are left out too: they cost nothing in
# leave-one-case-out CV, but leaving a whole set out showed them teaching "short means nothing said" (a model fit
# without the short answers of matcher_answers.yaml found 0.66 of their points with them, 0.80 without).
# Round 7: the claims of the evidence clauses held against the explanation (keypoints.claims_against). The overlap
# features reward a wrong definition that reuses the explanation's words; these say where a claim departs from it.
# Leaving the case out they took wrong_definition + reversed false credits from 31 to 28 (veto-only 26), leaving the
# set out from 35 to 28 (27), F1 unchanged.
# Round 8: how contrarian the whole answer is. Per point, the claim features fire on too few wrong definitions to
# tell them from right answers in other words; summed over the answer's points they do better: the share of the
# case's hint groups the answer names only to negate (negated_share), the share of its clauses that wave something
# away (dismiss_share), and the clauses it turns against the explanations (contra_share, contra_points:
# keypoints.claims_turned / claims_split). With dev5 in the fit, leaving the case out, at the shipped threshold
# (0.45): F1 0.919 -> 0.921 at the same recall, wrong definitions and mixed answers credited 69 -> 48.
# Round 10: the authors' 误区 lines. A point whose misconception the answer says is withdrawn whatever the model says
# (keypoints.suggest_points); the share of the case's points whose misconception the answer says (misconception_share)
# tells the model how wrong the whole answer is, as contra_share does. Leaving the case out, at the chosen thresholds:
# F1 0.925 -> 0.929 with the veto alone (threshold 0.40), 0.932 with the share too (0.45; P 0.920 -> 0.931,
# R 0.929 -> 0.934); leaving the set out 0.924 -> 0.926. Round 12 (434 more 误区, refit): the same (F1 0.932; leaving
# the set out 0.927): the development sets' wrong definitions the new lines find were refused already.
# Round 13: 4 638 spoken phrasings added to the hints' existing groups (by helpers who saw only the cases), refit:
# F1 0.932 -> 0.939 (P 0.931 -> 0.925, R 0.933 -> 0.952, threshold 0.45 -> 0.40); leaving the set out 0.927 -> 0.936.
# Round 14: dev7a / dev7b in the fit (see DEV_SETS), the threshold by the worst set (choose_threshold), and two
# answer-level features: touched (share of the case's points with a found group) and depth (mean share of groups
# found over those). Leaving the case out, over all eight fitted sets, the 33 features at 0.50: F1 0.930 (dev7b
# P 0.81, matcher_answers R 0.82); with touched and depth 0.932 (0.83, 0.85). Then 2 932 spoken phrasings from
# helpers who saw only the cases, refit: F1 0.933 (P 0.936, R 0.930).
# Round 15: no refit. After the exhortation-dump rule (keypoints.is_dump) and slogan runs across line breaks, a refit
# was flat here (F1 0.934 against 0.933) and one credit worse on six older held-out sets: the round-14 coefficients
# stay. A nonlinear model (gradient-boosted trees, same features) and each of the 22 unused features were no better.
EXPLAINED_FEATURES = HINT_FEATURES + ["ex_ev", "ex_ans_rel", "ex_best", "ex_margin",
                                      "claim_novel", "claim_split", "claim_wrong",
                                      "contra_share", "contra_points", "dismiss_share", "negated_share",
                                      "misconception_share", "touched", "depth"]
if os.environ.get("MATCHER_CV_EXTRA"):  # experiments: more features, comma-separated
    EXPLAINED_FEATURES = EXPLAINED_FEATURES + os.environ["MATCHER_CV_EXTRA"].split(",")
# --veto-only: the model may only withdraw the rules' credits, never add one they refused (keypoint_model.decide).
# On every blind held-out set of round 6 the model credited more wrong definitions than the rules, and such a
# credit can only be an addition; but in CV the veto cost recall (0.932 against 0.946) for fewer of them (26 against
# 28), and on the held-out sets too, so the shipped model (round 7) is additive.
VETO_ONLY = "--veto-only" in sys.argv


def rows_of(sets=DEV_SETS) -> list[dict]:
    """One row per (answer, point): the evidence features, the label and where it comes from."""
    assert not any("heldout" in s for s in sets), "the held-out sets judge the result; they are never fit or tuned on"
    content = read_content(os.path.join(_ROOT, "content"))
    points_of, material_of = key_points_by_case(content.cases), material_by_case(content.cases)
    rows = []
    for name in sets:
        text = open(os.path.join(_ROOT, "tests", "data", name), encoding="utf-8").read()
        assert frozen_body_ok(text) is not False, f"{name} was edited since it was frozen"
        for n, s in enumerate(yaml.safe_load(text)):
            if s.get("style") in LEFT_OUT_STYLES:
                continue
            points = points_of[s["case"]]
            truth = truth_indexes(s["covers"], points)
            for p in suggest_points(s["answer"], points, material_of.get(s["case"], "")):
                # a point whose 误区 the answer says is withdrawn after any decision (keypoints.suggest_points), and so
                # are the points of an answer of exhortations (keypoints.is_dump, features["dump"])
                rows.append({"set": name, "n": n, "case": s["case"], "style": s.get("style", "?"), "point": p.index,
                             "y": int(p.index in truth), "f": p.features,
                             "rule": bool(p.features["rule"]) and not p.misconception and not p.features.get("dump"),
                             "vetoed": bool(p.misconception) or bool(p.features.get("dump"))})
    return rows


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    n = len(a)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(n):
            if r != c and m[r][c]:
                k = m[r][c] / m[c][c]
                mr, mc = m[r], m[c]
                for j in range(c, n + 1):
                    mr[j] -= k * mc[j]
    return [m[i][n] / m[i][i] for i in range(n)]


def fit(x: list[list[float]], y: list[int], weights: list[float], lam: float = LAMBDA,
        iters: int = 10) -> tuple[float, list[float], list[float]]:
    """Weighted L2-regularised logistic regression by Newton's method on standardised features; returns the bias
    and the coefficients on the raw scale, and the features' means."""
    n, d = len(x), len(x[0])
    mu = [sum(r[j] for r in x) / n for j in range(d)]
    sd = [max(1e-6, math.sqrt(sum((r[j] - mu[j]) ** 2 for r in x) / n)) for j in range(d)]
    z = [[1.0] + [(r[j] - mu[j]) / sd[j] for j in range(d)] for r in x]
    cols = list(zip(*z))
    w = [0.0] * (d + 1)
    for _ in range(iters):
        p = [1 / (1 + math.exp(-max(-30, min(30, sum(a * b for a, b in zip(w, zi)))))) for zi in z]
        g = [sum(c * (pi - yi) * wi for c, pi, yi, wi in zip(col, p, y, weights)) + (lam * w[j] if j else 0)
             for j, col in enumerate(cols)]
        s = [pi * (1 - pi) * wi for pi, wi in zip(p, weights)]
        h = [[0.0] * (d + 1) for _ in range(d + 1)]
        for j in range(d + 1):
            cj = [a * b for a, b in zip(cols[j], s)]
            for k in range(j, d + 1):
                h[j][k] = h[k][j] = sum(a * b for a, b in zip(cj, cols[k]))
            if j:
                h[j][j] += lam
        w = [a - b for a, b in zip(w, _solve(h, g))]
    coef = [w[j + 1] / sd[j] for j in range(d)]
    return w[0] - sum(c * m for c, m in zip(coef, mu)), coef, mu


def _candidate(r: dict) -> bool:
    """Rows the model decides: the point has a found group in a clause that explains (keypoint_model.decide), and
    with --veto-only the rules credit it."""
    return r["f"]["found"] > 0 and r["f"]["explained"] > 0 and (r["rule"] or not VETO_ONLY)


def set_weights(rows: list[dict]) -> dict[str, float]:
    """{set: weight of each of its rows}: 1/sqrt(answers in the set), scaled so that the mean row weighs about 1."""
    answers = defaultdict(set)
    for r in rows:
        answers[r["set"]].add(r["n"])
    raw = {s: 1 / math.sqrt(len(a)) for s, a in answers.items()}
    scale = len(rows) / sum(raw[r["set"]] for r in rows)
    return {s: w * scale for s, w in raw.items()}


def fit_model(rows: list[dict], features: list[str], threshold: float = 0.5, lam: float = LAMBDA) -> dict:
    # rows withdrawn by a 误区 stay in the fit: their evidence still teaches what a wrong definition looks like
    train = [r for r in rows if _candidate(r)]
    weight = set_weights(rows)
    bias, coef, mean = fit([[r["f"][f] for f in features] for r in train], [r["y"] for r in train],
                           [weight[r["set"]] for r in train], lam)
    return {"features": features, "bias": bias, "coef": coef, "mean": mean, "threshold": threshold, "lambda": lam,
            "veto_only": VETO_ONLY}


def cross_validate(rows: list[dict], features: list[str], lam: float = LAMBDA) -> dict[int, float]:
    """Out-of-fold probability per row (by id), leaving one case out at a time."""
    scores = {}
    for case in sorted({r["case"] for r in rows}):
        model = fit_model([r for r in rows if r["case"] != case], features, lam=lam)
        for r in rows:
            if r["case"] == case:
                scores[id(r)] = keypoint_model.probability(r["f"], model) if _candidate(r) and not r["vetoed"] else 0.0
    return scores


def tally(pairs) -> tuple[float, float, float, int, int, int]:
    tp = fp = fn = 0
    for r, said in pairs:
        tp += said and r["y"]
        fp += said and not r["y"]
        fn += r["y"] and not said
    p = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    return p, rec, 2 * p * rec / (p + rec) if p + rec else 0.0, tp, fp, fn


def choose_threshold(rows: list[dict], scores: dict[int, float]) -> float:
    """The threshold whose worst answer set does best: max over thresholds of min over sets of min(P, R), ties to the
    higher pooled F1. Until round 13 it was the pooled F1 maximum among thresholds keeping every set's recall >= 0.90;
    with dev7 in the fit that rule fell to 0.30, where dev7b's precision is 0.76: it guarded recall, which every
    held-out set had to spare, and gave up the precision they lacked."""
    sets = defaultdict(list)
    for r in rows:
        sets[r["set"]].append(r)

    def worst(t: float) -> float:
        return min(min(tally((r, scores[id(r)] >= t) for r in group)[:2]) for group in sets.values())
    figures = {t: tally((r, scores[id(r)] >= t) for r in rows) for t in THRESHOLDS}
    return max(THRESHOLDS, key=lambda t: (round(worst(t), 3), figures[t][2], t))


def fmt(t) -> str:
    return f"P {t[0]:.3f}  R {t[1]:.3f}  F1 {t[2]:.3f}  (tp {t[3]}, fp {t[4]}, fn {t[5]})"


def report(rows: list[dict], features: list[str], title: str) -> float:
    scores = cross_validate(rows, features)
    print(f"\n== {title}: leave-one-case-out CV, {len({r['case'] for r in rows})} cases, "
          f"{len({(r['set'], r['n']) for r in rows})} answers, {sum(map(_candidate, rows))} candidate pairs")
    print(f"{'rules (today)':<16}{fmt(tally((r, r['rule']) for r in rows))}")
    for t in THRESHOLDS:
        print(f"{'threshold ' + str(t):<16}{fmt(tally((r, scores[id(r)] >= t) for r in rows))}")
    chosen = choose_threshold(rows, scores)
    nested = []
    for case in sorted({r["case"] for r in rows}):
        t = choose_threshold([r for r in rows if r["case"] != case], scores)
        nested += [(r, scores[id(r)] >= t) for r in rows if r["case"] == case]
    print(f"chosen threshold {chosen}: {fmt(tally((r, scores[id(r)] >= chosen) for r in rows))}")
    print(f"{'nested choice':<16}{fmt(tally(nested))}")
    for key in ("style", "set"):
        groups = defaultdict(list)
        for r in rows:
            groups[r[key]].append(r)
        print(f"\n{key:<28}{'rules P / R / F1':>20}{'model P / R / F1':>22}{'fp':>8}{'fn':>8}")
        for name, group in sorted(groups.items()):
            a = tally((r, r["rule"]) for r in group)
            b = tally((r, scores[id(r)] >= chosen) for r in group)
            print(f"{name:<28}{a[0]:>8.2f}{a[1]:>6.2f}{a[2]:>6.2f}{b[0]:>10.2f}{b[1]:>6.2f}{b[2]:>6.2f}"
                  f"{a[4]:>5}>{b[4]:<3}{a[5]:>4}>{b[5]:<3}")
    return chosen


def by_set(rows: list[dict], features: list[str], threshold: float) -> None:
    """A harsher check: leave a whole answer set out (another writer, another style), fit on the others."""
    print(f"\n== leave-one-SET-out, threshold {threshold}")
    pooled = []
    for name in sorted({r["set"] for r in rows}):
        model = fit_model([r for r in rows if r["set"] != name], features, threshold)
        said = [(r, _candidate(r) and not r["vetoed"] and keypoint_model.probability(r["f"], model) >= threshold)
                for r in rows if r["set"] == name]
        pooled += said
        print(f"{name:<34}rules {fmt(tally((r, r['rule']) for r, _ in said))}")
        print(f"{'':<34}model {fmt(tally(said))}")
    print(f"{'pooled':<34}rules {fmt(tally((r, r['rule']) for r in rows))}")
    print(f"{'':<34}model {fmt(tally(pooled))}")
    groups = defaultdict(list)
    for r, said in pooled:
        groups[r["style"]].append((r, said))
    print(f"\n{'style (set left out)':<28}{'rules P / R / F1':>20}{'model P / R / F1':>22}{'fp':>8}{'fn':>8}")
    for name, group in sorted(groups.items()):
        a = tally((r, r["rule"]) for r, _ in group)
        b = tally(group)
        print(f"{name:<28}{a[0]:>8.2f}{a[1]:>6.2f}{a[2]:>6.2f}{b[0]:>10.2f}{b[1]:>6.2f}{b[2]:>6.2f}"
              f"{a[4]:>5}>{b[4]:<3}{a[5]:>4}>{b[5]:<3}")


def main() -> int:
    keypoint_model.ENABLED = False  # the features and the rules' decision, not the shipped model's
    rows = rows_of()
    threshold = report(rows, EXPLAINED_FEATURES, f"shipped model ({len(EXPLAINED_FEATURES)} features)")
    shipped = fit_model(rows, EXPLAINED_FEATURES, threshold)
    if "--by-set" in sys.argv:
        by_set(rows, EXPLAINED_FEATURES, threshold)
    if "--hints-only" in sys.argv:  # not shipped: without explanations it did not beat the rules (F1 0.895 / 0.894)
        report(rows, HINT_FEATURES, f"hint features only ({len(HINT_FEATURES)} features, not shipped)")
    if "--write" in sys.argv:
        with open(keypoint_model.MODEL_FILE, "w", encoding="utf-8") as fh:
            json.dump(shipped, fh, indent=1)
            fh.write("\n")
        print(f"\nwrote {os.path.relpath(keypoint_model.MODEL_FILE, _ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
