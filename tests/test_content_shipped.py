"""The shipped content/ passes the project's own checker and covers every area and type."""
from __future__ import annotations

import re
from collections import Counter

import pytest

from training.content.items import QUESTION_TYPES
from training.content.parse import parse_document

import source_copy
from support import CONTENT, ROOT


def test_content_checker_passes(shipped_content):
    assert shipped_content.problems == [], "\n".join(map(str, shipped_content.problems))


def test_every_area_has_topics_cases_and_questions(shipped_content):
    for area in shipped_content.areas:
        assert any(t.area == area.id for t in shipped_content.topics), f"{area.id}: no knowledge point"
        assert any(c.area == area.id for c in shipped_content.cases), f"{area.id}: no case"
        if area.objective:  # the 论文 workshop (questions: false) has study pages and panel questions only
            assert any(q.area == area.id for q in shipped_content.questions), f"{area.id}: no question"


def test_all_question_types_and_difficulties_are_present(shipped_content):
    types = Counter(q.qtype for q in shipped_content.questions)
    assert set(types) == set(QUESTION_TYPES), types
    assert {q.difficulty for q in shipped_content.questions} == {"易", "中", "难"}


def test_every_case_has_hints_on_every_point_and_a_followup(shipped_content):
    for case in shipped_content.cases:
        assert sum(p.weight for p in case.key_points) == 100, case.id
        assert all(p.hints for p in case.key_points), case.id
        assert case.followups, f"{case.id}: no 追问"


def test_every_point_of_every_case_names_its_common_misconceptions(shipped_content):
    """The study page warns against them and the matcher withdraws a point whose 误区 an answer says."""
    missing = [f"{case.id} {p.key}" for case in shipped_content.cases for p in case.key_points if not p.misconceptions]
    assert missing == []
    unsaid = [f"{case.id} {p.key} {m['wordings'][0]}" for case in shipped_content.cases for p in case.key_points
              for m in p.misconceptions if not m["says"]]
    assert unsaid == [], "every 误区 needs its sentence in brackets for learners"


def format_examples() -> list[tuple[int, str]]:
    text = (CONTENT / "FORMAT.md").read_text(encoding="utf-8")
    return [(text[:m.start()].count("\n") + 2, m.group(1)) for m in re.finditer(r"```markdown\n(.*?)```", text, re.S)]


def test_format_doc_has_a_complete_example_of_every_kind_and_type():
    kinds, types = set(), set()
    for line, block in format_examples():
        if block.startswith("---"):
            items, problems = parse_document(f"FORMAT.md:{line}", block)
            assert problems == [], [str(p) for p in problems]
            kinds.add(type(items[0]).__name__)
            body = block
        else:  # a single question block shown on its own: wrap it in a bank
            items, problems = parse_document(f"FORMAT.md:{line}", "---\nkind: bank\nid: bank-x\narea: plan\ntitle: t\n---\n" + block)
            assert problems == [], [str(p) for p in problems]
            body = block
        types.update(re.findall(r"^## [a-z0-9-]+ · (\S+) ·", body, re.M))
        assert "……" not in block, f"FORMAT.md:{line}: example is not complete"
    assert kinds == {"TopicItem", "CaseItem", "BlueprintItem"} and types == set(QUESTION_TYPES)


def test_format_doc_examples_refer_to_real_knowledge_points(shipped_content):
    topics = {t.id for t in shipped_content.topics}
    for line, block in format_examples():
        for ref in re.findall(r"kp-[a-z0-9-]+", block):
            if f"id: {ref}" not in block:
                assert ref in topics, f"FORMAT.md:{line}: {ref} is not a shipped knowledge point"


def test_no_sentence_is_copied_from_the_sources():
    """No run of 20 characters of content/ (whitespace and punctuation ignored) is in ../shared/sources;
    checked against the stored fingerprints, so it runs on a checkout without the sources too."""
    prints = source_copy.stored_fingerprints()
    assert len(prints) > 10_000  # the file holds the sources' runs, not an empty list
    copied = []
    for path in sorted(CONTENT.rglob("*.md")):
        for _, window in source_copy.windows(path.read_text(encoding="utf-8")):
            if source_copy.fingerprint(window) in prints:
                copied.append(f"{path.relative_to(ROOT)}: “{window}”")
                break
    assert copied == [], "\n".join(copied)


def test_the_copy_check_catches_a_copied_sentence():
    prints = source_copy.stored_fingerprints()
    if source_copy.SOURCES.is_dir():  # take a real run of the sources
        text = next(source_copy.SOURCES.glob("*.txt")).read_text(encoding="utf-8", errors="ignore")
        window = next(w for i, w in source_copy.windows(text) if i == 500)
        disguised = "，".join(window[i:i + 4] for i in range(0, len(window), 4))  # punctuation does not hide it
        hits = [w for _, w in source_copy.windows("前言" + disguised + "后记")]
        assert any(source_copy.fingerprint(w) in prints for w in hits)
    own = "服务质量差距模型把顾客预期与感知之间的落差拆成五个来源逐一分析"
    assert not any(source_copy.fingerprint(w) in prints for _, w in source_copy.windows(own))


@pytest.mark.skipif(not source_copy.SOURCES.is_dir(), reason="../shared/sources is not beside this checkout")
def test_stored_source_fingerprints_are_current():
    assert source_copy.stored_fingerprints() == set(source_copy.source_fingerprints()), \
        "sources changed: run .venv/bin/python tests/source_copy.py"


# The minimum the 二级 syllabus content must hold (issue: the whole syllabus as content).
MIN_TOPICS, MIN_TOPICS_PER_AREA = 40, 4
MIN_DEFENSE, MIN_WRITTEN = 24, 15
MIN_QUESTIONS, MIN_QUESTIONS_PER_AREA, MIN_ORDER_AND_MATCH = 300, 20, 20


def test_syllabus_counts_from_the_stats_table(loaded):
    """The same table `flask content stats` prints, checked against the minimum counts."""
    from training.content.stats import stats_rows
    from training.extensions import db
    rows = stats_rows(db.session)
    *areas, (_, total) = rows
    no_questions = tuple(f"({a.id})" for a in loaded.areas if not a.objective)
    for name, c in areas:
        if name.endswith(no_questions):
            assert c["知识点"] >= MIN_TOPICS_PER_AREA and c["答辩"] >= 1, name
            continue
        assert c["知识点"] >= MIN_TOPICS_PER_AREA, f"{name}: {c['知识点']} 个知识点"
        assert c["题目合计"] >= MIN_QUESTIONS_PER_AREA, f"{name}: {c['题目合计']} 道题"
    assert total["知识点"] >= MIN_TOPICS
    assert total["答辩"] >= MIN_DEFENSE
    assert total["案例分析"] + total["方案设计"] >= MIN_WRITTEN
    assert total["题目合计"] >= MIN_QUESTIONS
    assert total["排序"] >= MIN_ORDER_AND_MATCH and total["匹配"] >= MIN_ORDER_AND_MATCH
    assert all(total[t] > 0 for t in QUESTION_TYPES)


# The defense topics the syllabus issue names, each an oral 答辩 item (not only a written one).
REQUIRED_DEFENSE = {
    "撰写服务计划书及其结构": "case-plan-write-service-plan",
    "服务策划的微观环境分析": "case-plan-micro-environment",
    "四类竞争者（同一产品举例）": "case-competition-four-types-phone",
    "熟食投诉（资料案例）": "case-complaint-deli-food",
    "酸奶苍蝇（资料案例）": "case-complaint-yoghurt-fly",
    "酒店部门推诿（资料案例）": "case-complaint-hotel-buck-passing",
    "话费账单争议（新案例）": "case-complaint-telecom-billing",
    "网购延迟发货（新案例）": "case-complaint-ecommerce-delay",
    "银行排队（新案例）": "case-complaint-bank-queue",
    "投诉管理政策与首问负责制": "case-complaint-policy-first-contact",
    "当面处理投诉的步骤": "case-complaint-face-to-face-steps",
    "SERVQUAL 五个维度用于真实服务": "case-quality-servqual-bank-defense",
    "更好的质量不一定更贵": "case-quality-quality-cost",
    "从顾客和全公司角度设计流程": "case-process-customer-company-view",
    "流程优化的两种方法与六项原则": "case-process-optimization-defense",
    "满意度调查及问卷设计": "case-satisfaction-survey-defense",
    "服务广告的四种作用": "case-communication-service-ads-roles",
    "预防客户流失": "case-relationship-churn-prevention",
    "内部客户": "case-relationship-internal-customers",
}


def test_every_defense_topic_the_syllabus_names_is_an_oral_item(shipped_content):
    kinds = {c.id: c.kind for c in shipped_content.cases}
    wrong = {topic: kinds.get(case_id, "缺失") for topic, case_id in REQUIRED_DEFENSE.items()
             if kinds.get(case_id) != "答辩"}
    assert wrong == {}


def test_options_are_shuffled_so_keys_spread_over_positions_by_themselves(shipped_content):
    """Position cannot give the answer away: every learner sees the options in an order of their own.
    Over many presentations each key lands on each letter about equally often."""
    from training.content.payloads import question_payload
    from training.grading.display import ShownQuestion
    singles = [question_payload(q) for q in shipped_content.questions if q.qtype == "单选"]
    at = Counter(ShownQuestion.shuffled(q, f"learner-{n}").letter(q.answer) for q in singles for n in range(20))
    total = sum(at.values())
    for letter in "ABCD":
        assert 0.2 <= at[letter] / total <= 0.3, f"单选 keys shown at {letter}: {at[letter]}/{total}"


def test_every_difficulty_is_used_in_every_area(shipped_content):
    for area in (a for a in shipped_content.areas if a.objective):
        used = {q.difficulty for q in shipped_content.questions if q.area == area.id}
        assert used == {"易", "中", "难"}, f"{area.id}: {sorted(used)}"


def test_blueprints_for_the_three_papers(shipped_content):
    assert {b.paper for b in shipped_content.blueprints} == {"理论知识", "专业能力", "综合评审"}
