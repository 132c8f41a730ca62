"""The content format: every type parses to the right data, every mistake to a precise file:line."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from training.content.parse import parse_document
from training.content.validate import read_content

AREAS = "- id: plan\n  title: 计划\n  summary: s\n"
TOPIC = """---
kind: topic
id: kp-a
area: plan
title: 知识点甲
---

正文。
"""


def bank(body: str, head: str = "kind: bank\nid: bank-a\narea: plan\ntitle: 题库") -> str:
    return f"---\n{head}\n---\n" + textwrap.dedent(body)


def parse_one(text: str, path: str = "q.md", keys_optional: bool = True):
    """Most tests here are about other rules, so keys may be left out (they are made up a, b, c…)."""
    items, problems = parse_document(path, text, keys_optional=keys_optional)
    return (items[0] if items else None), problems


def only_question(text: str):
    item, problems = parse_one(text)
    assert problems == [], [str(p) for p in problems]
    assert len(item.questions) == 1
    return item.questions[0]


def test_single_choice_parses_options_and_answer():
    q = only_question(bank("""
        ## plan-q1 · 单选 · 易
        知识点: kp-a

        题干 **加粗**

        - [ ] A. 甲
        - [x] B. 乙
        - [ ] C. 丙

        ### 解析

        因为乙。
        """))
    assert (q.id, q.qtype, q.difficulty, q.knowledge) == ("plan-q1", "单选", "易", ["kp-a"])
    assert q.data == {"options": [{"key": "a", "text": "甲"}, {"key": "b", "text": "乙"}, {"key": "c", "text": "丙"}]}
    assert q.answer == "b"
    assert "<strong>加粗</strong>" in q.stem_html
    assert "因为乙" in q.explanation_html


def test_multiple_choice_answer_is_all_ticked_options():
    q = only_question(bank("""
        ## plan-q1 | 多选 | 难
        知识点: kp-a, kp-b

        题干

        - [x] 甲
        - [ ] 乙
        - [X] 丙

        ### 解析
        解析文字
        """))
    assert q.answer == ["a", "c"] and q.knowledge == ["kp-a", "kp-b"] and q.difficulty == "难"


@pytest.mark.parametrize("word,expected", [("对", True), ("正确", True), ("√", True), ("错", False), ("×", False)])
def test_true_false_answer_words(word, expected):
    q = only_question(bank(f"""
        ## plan-q1 · 判断 · 易
        知识点: kp-a

        某个说法。

        答案: {word}

        ### 解析
        理由。
        """))
    assert q.answer is expected and q.data == {}
    assert "答案" not in q.stem_html


def test_order_keeps_written_order_and_stem_may_hold_its_own_list():
    q = only_question(bank("""
        ## plan-q1 · 排序 · 中
        知识点: kp-a

        注意两点:

        - 先看清题目
        - 再作答

        1. 第一步
        2. 第二步
        3. 第三步

        ### 解析
        理由。
        """))
    assert q.data == {"steps": [{"key": "s1", "text": "第一步"}, {"key": "s2", "text": "第二步"},
                                {"key": "s3", "text": "第三步"}]}
    assert q.answer == ["s1", "s2", "s3"]
    assert "先看清题目" in q.stem_html


def test_match_with_declared_categories_including_a_distractor():
    q = only_question(bank("""
        ## plan-q1 · 匹配 · 中
        知识点: kp-a
        类别: 甲类 | 乙类 | 丙类

        配对:

        - 项一 → 乙类
        - 项二 -> 甲类
        - 项三 => 乙类

        ### 解析
        理由。
        """))
    assert [c["text"] for c in q.data["items"]] == ["项一", "项二", "项三"]
    assert [c["text"] for c in q.data["categories"]] == ["甲类", "乙类", "丙类"]
    assert q.answer == {"i1": "c2", "i2": "c1", "i3": "c2"}


def test_match_categories_default_to_order_of_appearance():
    q = only_question(bank("""
        ## plan-q1 · 匹配 · 易
        知识点: kp-a

        配对:

        - 项一 → 乙类
        - 项二 → 甲类
        - 项三 → 乙类

        ### 解析
        理由。
        """))
    assert [c["text"] for c in q.data["categories"]] == ["乙类", "甲类"]
    assert q.answer == {"i1": "c1", "i2": "c2", "i3": "c1"}


CASE = """---
kind: case
id: case-a
area: plan
title: 案例
knowledge: [kp-a]
---

## 背景

背景材料。

## 题目

请回答。

## 参考要点

### 要点一(40分)
提示词: 道歉/致歉/赔礼, 倾听

说明一。

### 要点二(60分)
提示词: 回访

说明二。

## 追问

### 追问一?
针对: 2
提示词: 跟进/回访

参考回答。
"""


def test_case_parses_key_points_hints_and_followups():
    case, problems = parse_one(CASE)
    assert problems == []
    assert case.kind == "答辩" and case.difficulty == "中" and case.knowledge == ["kp-a"]
    assert [(p.label, p.weight) for p in case.key_points] == [("要点一", 40), ("要点二", 60)]
    assert case.key_points[0].hints == [["道歉", "致歉", "赔礼"], ["倾听"]]
    assert case.key_points[0].line == 19
    assert [p.key for p in case.key_points] == ["p1", "p2"] and case.followups[0].key == "f1"
    assert case.followups[0].target == "p2" and case.followups[0].hints == [["跟进", "回访"]]
    assert "背景材料" in case.background_html and "请回答" in case.prompt_html


# Each bad input: (file text, expected line, a fragment of the message).
BAD_DOCUMENTS = {
    "no front matter": ("正文", 1, "YAML 头"),
    "bad yaml": ("---\nkind: topic\nid: [unclosed\n---\n正文\n", 3, "YAML 头格式错误"),
    "unknown kind": ("---\nkind: lesson\nid: x\n---\n正文\n", 2, "kind"),
    "bad id": (TOPIC.replace("id: kp-a", "id: KP_A"), 3, "编号 'KP_A' 不合法"),
    "missing title": (TOPIC.replace("title: 知识点甲\n", ""), 1, "缺少 title"),
    "empty topic": (TOPIC.replace("正文。", ""), 1, "正文为空"),
    "unknown question type": (bank("## plan-q1 · 填空 · 易\n知识点: kp-a\n\n题\n\n### 解析\n理由\n"), 7, "未知题型 '填空'"),
    "bad heading": (bank("## plan-q1 单选\n知识点: kp-a\n\n题\n"), 7, "应写成 “## 编号 · 题型 · 难度”"),
    "bad difficulty": (bank("## plan-q1 · 判断 · 很难\n知识点: kp-a\n\n题\n\n答案: 对\n\n### 解析\n理由\n"), 7, "难度 '很难'"),
    "single choice with two answers": (
        bank("## plan-q1 · 单选 · 易\n知识点: kp-a\n\n题干\n\n- [x] 甲\n- [x] 乙\n- [ ] 丙\n\n### 解析\n理由\n"),
        12, "恰好有 1 个正确选项(- [x])，现在有 2 个"),
    "multiple choice with one answer": (
        bank("## plan-q1 · 多选 · 易\n知识点: kp-a\n\n题干\n\n- [x] 甲\n- [ ] 乙\n- [ ] 丙\n\n### 解析\n理由\n"),
        12, "至少要有 2 个正确选项"),
    "missing explanation": (bank("## plan-q1 · 单选 · 易\n知识点: kp-a\n\n题干\n\n- [x] 甲\n- [ ] 乙\n"), 7, "缺少解析"),
    "empty explanation": (bank("## plan-q1 · 单选 · 易\n知识点: kp-a\n\n题干\n\n- [x] 甲\n- [ ] 乙\n\n### 解析\n\n"), 15, "缺少解析"),
    "missing knowledge": (bank("## plan-q1 · 单选 · 易\n\n题干\n\n- [x] 甲\n- [ ] 乙\n\n### 解析\n理由\n"), 7, "缺少 “知识点：”"),
    "duplicate option": (bank("## plan-q1 · 单选 · 易\n知识点: kp-a\n\n题\n\n- [x] 甲\n- [ ] 甲\n\n### 解析\n理由\n"), 13, "选项 “甲” 重复"),
    "text after options": (bank("## plan-q1 · 单选 · 易\n知识点: kp-a\n\n题\n\n- [x] 甲\n- [ ] 乙\n多余\n\n### 解析\n理由\n"), 14, "选项之后不能再有其他文字"),
    "judge without answer": (bank("## plan-q1 · 判断 · 易\n知识点: kp-a\n\n说法\n\n### 解析\n理由\n"), 7, "缺少 “答案：对”"),
    "judge bad answer": (bank("## plan-q1 · 判断 · 易\n知识点: kp-a\n\n说法\n答案: 也许\n\n### 解析\n理由\n"), 11, "答案 '也许' 应为 对 或 错"),
    "order misnumbered": (bank("## plan-q1 · 排序 · 易\n知识点: kp-a\n\n排:\n\n1. 甲\n2. 乙\n2. 丙\n\n### 解析\n理由\n"), 14, "第 3 个步骤写成了 2"),
    "order too short": (bank("## plan-q1 · 排序 · 易\n知识点: kp-a\n\n排:\n\n1. 甲\n2. 乙\n\n### 解析\n理由\n"), 12, "至少要有 3 个步骤"),
    "match unknown category": (
        bank("## plan-q1 · 匹配 · 易\n知识点: kp-a\n类别: 甲 | 乙\n\n配:\n\n- 一 → 甲\n- 二 → 乙\n- 三 → 丁\n\n### 解析\n理由\n"),
        15, "类别 “丁” 不在 “类别：” 列表中"),
    "unknown question subsection": (bank("## plan-q1 · 判断 · 易\n知识点: kp-a\n\n说法\n答案: 对\n\n### 答案\n对\n### 解析\n理由\n"), 13, "未知小节 “### 答案”"),
    "weights not 100": (CASE.replace("(60分)", "(50分)"), 17, "分值合计应为 100，现在是 40 + 50 = 90"),
    "key point without weight": (CASE.replace("### 要点一(40分)", "### 要点一"), 19, "缺少分值"),
    "key point without hints": (CASE.replace("提示词: 回访\n", ""), 24, "要点 “要点二” 缺少 “提示词：”"),
    "empty hint group": (CASE.replace("提示词: 回访", "提示词: 回访,,跟进"), 25, "提示词有空项"),
    "misconception with punctuation": (CASE.replace("提示词: 回访\n", "提示词: 回访\n误区: 回访，没必要\n"), 26,
                                       "误区 “回访，没必要” 里有标点或空格"),
    "misconception too short": (CASE.replace("提示词: 回访\n", "提示词: 回访\n误区: 不回访\n"), 26, "误区 “不回访” 太短"),
    "misconception written twice": (CASE.replace("提示词: 回访\n", "提示词: 回访\n误区: 回访…没必要\n误区: 回访…可有可无\n"),
                                    27, "重复写了 误区"),
    "misconception in five fragments": (CASE.replace("提示词: 回访\n", "提示词: 回访\n误区: 甲…乙…丙…丁…戊己\n"), 26,
                                        "分成了 5 段，最多 4 段"),
    "misconception left empty": (CASE.replace("提示词: 回访\n", "提示词: 回访\n误区: ；/\n"), 26, "误区有空项"),
    "misconception with empty brackets": (CASE.replace("提示词: 回访\n", "提示词: 回访\n误区: 回访…没必要（）\n"), 26,
                                          "后面的括号是空的"),
    "misconception sentence with an ellipsis": (CASE.replace("提示词: 回访\n", "提示词: 回访\n误区: 回访…没必要（回访…没必要）\n"),
                                                26, "应是一句不超过 60 字的完整的话"),
    "unknown case section": (CASE.replace("## 背景", "## 材料"), 9, "未知小节 “## 材料”"),
    "case without prompt": (CASE.replace("## 题目\n\n请回答。\n", ""), 9, "缺少 “## 题目”"),
    "followup target out of range": (CASE.replace("针对: 2", "针对: 7"), 32, "“针对” 应是参考要点的编号（p1、p2），现在是 '7'"),
    "key gives itself away by length": (
        bank("## plan-q1 · 单选 · 易\n知识点: kp-a\n\n题\n\n- [ ] 甲\n- [x] 乙是一个很长很具体的正确说法\n- [ ] 丙\n\n### 解析\n理由\n"),
        12, "正确选项明显比所有干扰项长（14 字对 1 字）"),
    "every option right": (
        bank("## plan-q1 · 多选 · 易\n知识点: kp-a\n\n题\n\n- [x] 甲\n- [x] 乙\n- [x] 丙\n\n### 解析\n理由\n"),
        12, "所有选项都是正确答案"),
    "option named by its letter": (
        bank("## plan-q1 · 单选 · 易\n知识点: kp-a\n\n题\n\n- [ ] 甲\n- [x] 乙\n- [ ] 丙\n\n### 解析\nB 项对，A、C 两项错。\n"),
        7, "“B 项”用字母指代选项"),
    "option by position": (
        bank("## plan-q1 · 单选 · 易\n知识点: kp-a\n\n题\n\n- [ ] 甲\n- [ ] 乙\n- [x] 以上都对\n\n### 解析\n理由\n"),
        12, "选项 “以上都对” 依赖选项的位置"),
    "bad case type": (CASE.replace("knowledge: [kp-a]", "knowledge: [kp-a]\ntype: 口试"), 7, "type 为 '口试'"),
    "only the key is hedged": (
        bank("## plan-q1 · 单选 · 易\n知识点: kp-a\n\n题\n\n- [ ] 必须先赔偿\n- [x] 通常先道歉\n- [ ] 立刻报警\n\n### 解析\n理由\n"),
        12, "只有正确选项带“一般、通常、可能”这类留有余地的说法"),
}


def test_a_hedged_distractor_or_a_hedge_inside_a_name_is_fine(tmp_path):
    both = bank("## plan-q1 · 单选 · 易\n知识点: kp-a\n\n题\n\n- [ ] 一般先赔偿 {#a}\n- [x] 通常先道歉 {#b}\n"
                "- [ ] 立刻报警 {#c}\n\n### 解析\n理由\n")
    name = bank("## plan-q1 · 单选 · 易\n知识点: kp-a\n\n题\n\n- [ ] 品牌竞争者 {#a}\n- [x] 普通（一般）竞争者 {#b}\n"
                "- [ ] 愿望竞争者 {#c}\n\n### 解析\n理由\n")
    for body in (both, name):
        root = write_tree(tmp_path, {"areas.yaml": AREAS, "topics/a.md": TOPIC, "questions/q.md": body})
        assert read_content(root).ok, read_content(root).problems


def test_an_area_where_the_key_is_mostly_the_longest_option_is_flagged(tmp_path):
    def item(n: int, key_longest: bool) -> str:
        opts = ["- [ ] 甲乙 {#a}", "- [x] " + ("这是更长的说法" if key_longest else "丙丁") + " {#b}", "- [ ] 戊己 {#c}",
                "- [ ] 庚辛 {#d}"]
        return f"## plan-q{n} · 单选 · 易\n知识点: kp-a\n\n题{n}\n\n" + "\n".join(opts) + "\n\n### 解析\n理由\n\n"
    mostly = bank("".join(item(n, n <= 4) for n in range(1, 9)))
    root = write_tree(tmp_path, {"areas.yaml": AREAS, "topics/a.md": TOPIC, "questions/q.md": mostly})
    [problem] = read_content(root).problems
    assert "8 道单选题中有 4 道的正确选项是最长的一项" in problem.message
    some = bank("".join(item(n, n <= 3) for n in range(1, 9)))
    write_tree(tmp_path, {"questions/q.md": some})
    assert read_content(root).ok


@pytest.mark.parametrize("name", BAD_DOCUMENTS)
def test_bad_document_reports_file_line_and_reason(name):
    text, line, fragment = BAD_DOCUMENTS[name]
    _, problems = parse_one(text, path="content/x.md")
    rendered = [str(p) for p in problems]
    assert any(p.line == line and fragment in p.message for p in problems), rendered
    assert all(r.startswith("content/x.md:") for r in rendered)


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


GOOD_BANK = bank("## plan-q1 · 判断 · 易\n知识点: kp-a\n\n说法\n\n答案: 对\n\n### 解析\n理由\n")


def test_id_reused_across_files_is_reported_at_the_second_use(tmp_path):
    root = write_tree(tmp_path, {"areas.yaml": AREAS, "topics/a.md": TOPIC, "topics/b.md": TOPIC.replace("知识点甲", "乙"),
                                 "questions/q.md": GOOD_BANK})
    problems = read_content(root).problems
    assert len(problems) == 1
    assert problems[0].path.endswith("topics/b.md") and problems[0].line == 1
    assert "编号 kp-a 重复" in problems[0].message and "topics/a.md:1" in problems[0].message


def test_question_id_clashing_with_a_topic_id_is_reported(tmp_path):
    root = write_tree(tmp_path, {"areas.yaml": AREAS, "topics/a.md": TOPIC,
                                 "questions/q.md": GOOD_BANK.replace("plan-q1", "kp-a")})
    [problem] = read_content(root).problems
    assert problem.line == 7 and "编号 kp-a 重复" in problem.message


def test_unknown_area_and_unknown_knowledge_point(tmp_path):
    root = write_tree(tmp_path, {"areas.yaml": AREAS, "topics/a.md": TOPIC.replace("area: plan", "area: nowhere"),
                                 "questions/q.md": GOOD_BANK.replace("知识点: kp-a", "知识点: kp-missing")})
    messages = [str(p) for p in read_content(root).problems]
    assert any("topics/a.md:1:" in m and "area 'nowhere' 不在 areas.yaml" in m for m in messages), messages
    assert any("questions/q.md:8:" in m and "知识点 kp-missing 不存在" in m for m in messages), messages


def test_a_clean_tree_has_no_problems_and_positions_follow_file_order(tmp_path):
    root = write_tree(tmp_path, {"areas.yaml": AREAS, "topics/b.md": TOPIC.replace("kp-a", "kp-b"), "topics/a.md": TOPIC,
                                 "questions/q.md": GOOD_BANK})
    content = read_content(root)
    assert content.ok, content.problems
    assert [t.id for t in content.topics] == ["kp-a", "kp-b"]
    assert [t.position for t in content.topics] == [0, 1]


def test_non_utf8_file_is_reported(tmp_path):
    root = write_tree(tmp_path, {"areas.yaml": AREAS})
    (root / "bad.md").write_bytes("---\nkind: topic\n标题".encode("gbk"))
    [problem] = read_content(root).problems
    assert problem.path.endswith("bad.md") and "UTF-8" in problem.message


def test_order_sorts_items_within_their_kind_and_rejects_non_numbers(tmp_path):
    root = write_tree(tmp_path, {"areas.yaml": AREAS,
                                 "topics/a.md": TOPIC.replace("title:", "order: 20\ntitle:"),
                                 "topics/b.md": TOPIC.replace("kp-a", "kp-b").replace("title:", "order: 10\ntitle:"),
                                 "topics/c.md": TOPIC.replace("kp-a", "kp-c"),
                                 "questions/q.md": GOOD_BANK})
    content = read_content(root)
    assert content.ok and [t.id for t in content.topics] == ["kp-b", "kp-a", "kp-c"]
    _, problems = parse_one(TOPIC.replace("title:", "order: 第一\ntitle:"))
    assert [(p.line, "order 应是 0–100000 的整数" in p.message) for p in problems] == [(5, True)]


BLUEPRINT = """---
kind: blueprint
id: exam-a
title: 理论模拟
paper: 理论知识
time_limit: 60
sections:
  - type: 判断
    count: 2
    points: 30
  - type: 单选
    count: 1
    points: 40
    areas: {plan: 1}
---

考试说明。
"""


def test_blueprint_parses_sections_and_timing():
    bp, problems = parse_one(BLUEPRINT)
    assert problems == []
    assert (bp.paper, bp.time_limit, bp.pass_mark) == ("理论知识", 60, 60)
    assert [(s.qtype, s.count, s.points, s.areas, s.line) for s in bp.sections] == [
        ("判断", 2, 30, {}, 8), ("单选", 1, 40, {"plan": 1}, 11)]
    assert "考试说明" in bp.intro_html


def test_defense_blueprint_needs_prep_and_answer_minutes_and_may_omit_points():
    text = ("---\nkind: blueprint\nid: exam-d\ntitle: 答辩\npaper: 综合评审\nprep_minutes: 5\nanswer_minutes: 4\n"
            "sections:\n  - type: 答辩\n    count: 3\n---\n说明\n")
    bp, problems = parse_one(text)
    assert problems == [] and (bp.prep_minutes, bp.answer_minutes, bp.sections[0].points) == (5, 4, None)
    _, problems = parse_one(text.replace("answer_minutes: 4\n", ""))
    assert [p.message for p in problems] == ["考试蓝图 exam-d 的 answer_minutes（每题作答时间，分钟） 应是 1–600 的整数，现在是 None"]


BAD_BLUEPRINTS = {
    "points not 100": (BLUEPRINT.replace("points: 40", "points: 50"), 7, "满分应为 100，现在是 2×30 + 1×50 = 110"),
    "type not in paper": (BLUEPRINT.replace("type: 判断", "type: 答辩"), 8, "理论知识试卷的题型只能是"),
    "areas do not add up": (BLUEPRINT.replace("areas: {plan: 1}", "areas: {plan: 2}"), 11, "areas 各领域题量之和为 2，与 count 1 不一致"),
    "zero count": (BLUEPRINT.replace("count: 2", "count: 0"), 8, "count（题量） 应是 1–500 的整数"),
    "no time limit": (BLUEPRINT.replace("time_limit: 60\n", ""), 1, "time_limit（考试时长，分钟） 应是 1–600 的整数"),
    "unknown paper": (BLUEPRINT.replace("paper: 理论知识", "paper: 口试"), 5, "paper 为 '口试'"),
    "mixed points": (BLUEPRINT.replace("    points: 40\n", ""), 7, "要么每个部分都写 points"),
    "no sections": (BLUEPRINT[:BLUEPRINT.index("sections:")] + "---\n说明\n", 1, "缺少 sections"),
}


@pytest.mark.parametrize("name", BAD_BLUEPRINTS)
def test_bad_blueprints_report_file_line_and_reason(name):
    text, line, fragment = BAD_BLUEPRINTS[name]
    _, problems = parse_one(text, path="content/b.md")
    assert any(p.line == line and fragment in p.message for p in problems), [str(p) for p in problems]


def test_blueprint_asking_for_more_than_the_content_holds(tmp_path):
    root = write_tree(tmp_path, {"areas.yaml": AREAS, "topics/a.md": TOPIC, "questions/q.md": GOOD_BANK,
                                 "blueprints/b.md": BLUEPRINT})
    messages = [str(p) for p in read_content(root).problems]
    assert any("blueprints/b.md:8:" in m and "判断 部分要抽 2 题，内容里只有 1 题" in m for m in messages), messages
    assert any("blueprints/b.md:11:" in m and "要从 plan 抽 1 题，内容里只有 0 题" in m for m in messages), messages


def test_half_width_punctuation_beside_chinese_is_reported_per_line(tmp_path):
    root = write_tree(tmp_path, {"areas.yaml": AREAS, "topics/a.md": TOPIC.replace("正文。", "正文,第一句。\n\n知识点: 这是语法行"),
                                 "questions/q.md": GOOD_BANK})
    [problem] = read_content(root).problems
    assert problem.path.endswith("topics/a.md") and problem.line == 8
    assert "半角标点" in problem.message and "fix-punctuation" in problem.message


KEYED = bank("""
    ## plan-q1 · 单选 · 易
    知识点: kp-a

    题干，参见 {b}。

    - [ ] 甲 {#a}
    - [x] 乙 {#b}
    - [ ] 丙 {#c}

    ### 解析
    {b} 对，{c} 最容易误选。

    ## plan-q2 · 匹配 · 易
    知识点: kp-a
    类别: 甲类 {#x} | 乙类 {#y}

    配:

    - 一 → 甲类 {#one}
    - 二 → 乙类 {#two}
    - 三 → 甲类 {#three}

    ### 解析
    理由。
    """)


def test_keys_written_in_the_file_are_used_and_answers_name_them():
    item, problems = parse_one(KEYED, keys_optional=False)
    assert problems == []
    single, match = item.questions
    assert [o["key"] for o in single.data["options"]] == ["a", "b", "c"] and single.answer == "b"
    assert match.answer == {"one": "x", "two": "y", "three": "x"}
    assert [c["key"] for c in match.data["categories"]] == ["x", "y"]


@pytest.mark.parametrize("change,line,fragment", [
    (("乙 {#b}", "乙"), 14, "这一行缺少编号，在行末写 {#编号}，例如 {#b}"),
    (("丙 {#c}", "丙 {#a}"), 15, "编号 {#a} 重复（第 13 行已用）"),
    (("丙 {#c}", "丙 {#C!}"), 15, "编号 {#C!} 不合法"),
    (("参见 {b}", "参见 {z}"), 8, "{z} 不是本题选项的编号；可用 {a}、{b}、{c}"),
    (("类别: 甲类 {#x} | 乙类 {#y}", "类别: 甲类 {#x} | 乙类"), 22, "这一行缺少编号"),
    (("- 二 → 乙类 {#two}", "- 二 → 乙类 {#one}"), 27, "编号 {#one} 重复"),
    (("类别: 甲类 {#x} | 乙类 {#y}\n", ""), 20, "匹配题缺少 “类别：” 行"),
])
def test_key_mistakes_are_reported_with_file_and_line(change, line, fragment):
    _, problems = parse_one(KEYED.replace(*change), keys_optional=False)
    assert any(p.line == line and fragment in p.message for p in problems), [str(p) for p in problems]


def test_case_misconceptions_are_parsed_in_their_wordings_and_fragments():
    text = CASE.replace("提示词: 回访\n", "提示词: 回访\n误区: 回访...没必要 / 不用…回访（回访没有必要做）；回访…越多越好\n")
    case, problems = parse_one(text)
    assert problems == []
    assert case.key_points[1].misconceptions == [{"says": "回访没有必要做", "wordings": ["回访…没必要", "不用…回访"]},
                                                 {"says": "", "wordings": ["回访…越多越好"]}]
    assert case.key_points[0].misconceptions == []


def test_misconceptions_travel_in_the_payload_and_leave_other_cases_fingerprints_alone():
    from training.content.payloads import CasePayload, case_payload
    plain, _ = parse_one(CASE)
    assert all("misconceptions" not in p for p in case_payload(plain).to_json()["key_points"])
    case, _ = parse_one(CASE.replace("提示词: 回访\n", "提示词: 回访\n误区: 回访…没必要\n"))
    payload = case_payload(case)
    assert payload.to_json()["key_points"][1]["misconceptions"] == [{"says": "", "wordings": ["回访…没必要"]}]
    assert CasePayload.from_json(payload.to_json()) == payload
    assert payload.points_as_dicts()[1]["misconceptions"] == [{"says": "", "wordings": ["回访…没必要"]}]


def test_a_misconception_the_explanations_say_is_refused(tmp_path):
    """A 误区 is a wrong claim: one the case's own explanations make would cost every right answer its point."""
    from training.content.items import ContentSet
    from training.content.validate import check_misconceptions
    text = CASE.replace("说明二。", "说明二：结束后三天内回访，回访时确认问题已解决。").replace(
        "提示词: 回访\n", "提示词: 回访\n误区: 三天内…回访；回访…可有可无\n")
    case, problems = parse_one(text)
    assert problems == []
    found: list = []
    check_misconceptions(ContentSet(cases=[case]), found)
    assert [p.message for p in found] == [
        "案例 case-a 要点 “要点二” 的误区 “三天内…回访” 在要点 “要点二” 的说明里就能找到：误区要写错误的说法"]


def test_case_keys_and_targets_by_key():
    keyed = (CASE.replace("### 要点一(40分)", "### 要点一(40分) {#apology}")
             .replace("### 要点二(60分)", "### 要点二(60分) {#visit}")
             .replace("### 追问一?", "### 追问一? {#why}").replace("针对: 2", "针对: visit"))
    case, problems = parse_one(keyed, keys_optional=False)
    assert problems == []
    assert [p.key for p in case.key_points] == ["apology", "visit"]
    assert (case.followups[0].key, case.followups[0].target) == ("why", "visit")
    _, problems = parse_one(keyed.replace("针对: visit", "针对: 2"), keys_optional=False)
    assert any("“针对” 应是参考要点的编号（apology、visit），现在是 '2'" in p.message for p in problems)
    _, problems = parse_one(CASE, keys_optional=False)
    assert {p.line for p in problems if "缺少编号" in p.message} == {19, 24, 31}


def test_add_keys_writes_missing_keys_once_and_the_result_passes():
    from training.content.keys import add_keys
    text = bank("""
        ## plan-q1 · 单选 · 易
        知识点: kp-a

        题干

        - [ ] 甲
        - [x] 乙 {#b}
        - [ ] 丙

        ### 解析
        理由。

        ## plan-q2 · 匹配 · 易
        知识点: kp-a

        配:

        - 一 → 甲类
        - 二 → 乙类

        - 三 → 甲类

        ### 解析
        理由。
        """)
    new, changed, problems = add_keys("q.md", text)
    assert problems == [] and changed == 6
    assert "- [ ] 甲 {#a}\n- [x] 乙 {#b}\n- [ ] 丙 {#c}" in new
    assert "知识点: kp-a\n类别：甲类 {#c1} | 乙类 {#c2}\n" in new and "- 三 → 甲类 {#i3}" in new
    item, problems = parse_one(new, keys_optional=False)
    assert problems == [] and item.questions[1].answer == {"i1": "c1", "i2": "c2", "i3": "c1"}
    assert add_keys("q.md", new)[0] == new  # nothing left to add
    case, changed, _ = add_keys("c.md", CASE)
    assert "### 要点二(60分) {#p2}" in case and "针对：p2" in case and "### 追问一? {#f1}" in case
    assert parse_one(case, keys_optional=False)[1] == []


def test_the_shipped_content_has_every_key_written():
    from training.content.keys import add_keys
    from support import CONTENT
    for path in sorted(CONTENT.rglob("*.md")):
        if path.name not in ("FORMAT.md", "README.md", "SYLLABUS.md"):
            text = path.read_text(encoding="utf-8")
            assert add_keys(str(path), text)[1] == 0, path


def test_raw_html_in_a_body_is_refused_with_its_line(tmp_path):
    body = TOPIC + "\n正文里写了 <details> 想折叠\n\n`<b>` 在代码里可以，<https://example.com> 是链接\n"
    root = write_tree(tmp_path, {"areas.yaml": AREAS, "topics/a.md": body, "questions/q.md": GOOD_BANK})
    [problem] = read_content(root).problems
    assert problem.line == body.split("\n").index("正文里写了 <details> 想折叠") + 1
    assert "不能直接写 HTML（<details>）" in problem.message


def test_weak_hints_are_warned_about_without_failing_the_check(tmp_path):
    case = CASE.replace("### 要点二(60分)\n提示词: 回访", "### 回访(60分)\n提示词: 回访/打电话, 系统, 跟进, 满意度")
    root = write_tree(tmp_path, {"areas.yaml": AREAS, "topics/a.md": TOPIC, "cases/c.md": case})
    content = read_content(root)
    messages = [w.message for w in content.warnings]
    assert any("“要点一”只有 2 组提示词" in m for m in messages), messages
    assert any("提示词 “回访” 就是要点标题" in m for m in messages), messages
    assert any("提示词 系统 太泛" in m for m in messages), messages
    lines = case.split("\n")
    assert {w.line for w in content.warnings} == {lines.index("### 要点一(40分)") + 1, lines.index("### 回访(60分)") + 1}


def test_a_misconception_its_own_wordings_do_not_find_is_warned_about(tmp_path):
    case = CASE.replace("提示词: 回访\n", "提示词: 回访/打电话, 跟进, 满意度调查, 电话回访\n"
                                          "误区: 回访…没必要（回访没有必要）；回访…越多越好（回访做得越多越好）\n")
    root = write_tree(tmp_path, {"areas.yaml": AREAS, "topics/a.md": TOPIC, "cases/c.md": case})
    messages = [w.message for w in read_content(root).warnings if "误区" in w.message]
    assert messages == ["案例 case-a 要点 “要点二”的误区 “回访没有必要” 没有被它自己的任何一种说法认出来："
                        "考生这样写时不会被发现，补一种说法"]



def test_the_shipped_cases_have_no_hint_warnings(shipped_content):
    """Hints good enough for the matcher to lean on (content/FORMAT.md); the warnings are the checklist."""
    assert [str(w) for w in shipped_content.warnings] == []


def test_half_width_punctuation_in_an_area_summary_is_reported(tmp_path):
    areas = AREAS.replace("summary: s", "summary: 计划的概念,作用")
    root = write_tree(tmp_path, {"areas.yaml": areas, "topics/a.md": TOPIC, "questions/q.md": GOOD_BANK})
    [problem] = read_content(root).problems
    assert problem.path.endswith("areas.yaml") and "半角标点" in problem.message


def test_a_file_parsed_again_gives_equal_items_of_its_own():
    """Parsed files are kept by text (for an import's preview and confirmation), but every caller gets
    its own items to number and re-path."""
    from support import CONTENT
    from training.content.parse import parse_document_kept as parse_document
    text = (CONTENT / "questions/plan/basics.md").read_text(encoding="utf-8")
    first, problems = parse_document("questions/plan/basics.md", text)
    first[0].questions[0].path = "web/bank-1.md"
    first[0].questions[0].position = 99
    again, problems_again = parse_document("questions/plan/basics.md", text)
    assert again[0].questions[0].path == "questions/plan/basics.md" and again[0].questions[0].position == 0
    assert again[0].questions[1:] == first[0].questions[1:] and problems_again == problems
    other, _ = parse_document("questions/plan/other.md", text)  # the path is part of the key: problems name it
    assert other[0].questions[0].path == "questions/plan/other.md"
