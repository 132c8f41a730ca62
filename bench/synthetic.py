"""Generate a synthetic content directory: real areas + topics, plus big question banks.

The banks follow content/FORMAT.md exactly (all five question types), with
Chinese-looking stems of 40–120 characters and 解析 of about 100 characters,
and knowledge ids taken from the real topics so cross-checking passes.

    from bench.synthetic import make_synthetic_content
    root = make_synthetic_content(tmpdir, files=10, per_file=1000)

Run directly to write one and check it:  .venv/bin/python bench/synthetic.py [DIR]
"""
from __future__ import annotations

import os
import sys

# Run as a script: put the project root on sys.path so `bench.*` and `training` import.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]
if os.path.dirname(_HERE) not in sys.path:
    sys.path.insert(0, os.path.dirname(_HERE))

import random
import re
import shutil
from pathlib import Path

import yaml

from bench._common import CONTENT, ROOT  # noqa: F401

QTYPES = ("单选", "多选", "判断", "排序", "匹配")
DIFFS = ("易", "中", "难")

# Domain vocabulary: nouns, verbs and modifiers from the customer-service syllabus.
NOUNS = [
    "客户", "顾客", "服务", "投诉", "满意度", "服务质量", "服务计划", "呼叫中心", "客服人员", "服务流程",
    "首问负责制", "服务补救", "客户关系", "客户流失", "忠诚度", "服务水平", "平均处理时长", "首次解决率",
    "放弃率", "绩效考核", "培训", "激励", "团队", "班组长", "质检", "话术", "规范用语", "竞争者",
    "市场", "产品", "品牌", "渠道", "需求", "期望", "感知", "差距模型", "可靠性", "响应性", "保证性",
    "移情性", "有形性", "技术质量", "功能质量", "内部客户", "外部客户", "生命周期", "回访", "工单",
    "知识库", "排班", "预测", "话务量", "满意度调查", "问卷", "指标体系", "目标", "任务", "措施",
    "步骤", "时间安排", "检查方法", "奖惩办法", "环境分析", "大服务理念", "服务承诺", "服务标准",
    "服务台", "热线", "在线客服", "会员", "积分", "退换货", "赔偿", "证据", "记录", "数据", "报表",
]
VERBS = [
    "分析", "制订", "落实", "跟进", "评估", "改进", "优化", "识别", "区分", "说明", "处理", "安抚",
    "核实", "倾听", "确认", "协调", "监督", "检查", "提升", "降低", "预防", "记录", "反馈", "汇总",
    "培训", "考核", "激励", "回访", "分解", "比较", "设计", "衡量",
]
MODS = [
    "及时", "准确", "有效", "系统", "主动", "耐心", "规范", "持续", "全面", "合理", "重点", "初步",
    "定期", "统一", "明确", "具体", "适当", "全员", "一线", "关键",
]
LINKS = ["的", "与", "和", "对", "在", "中", "时", "应当", "需要", "可以", "通过", "以便", "从而", "并且", "其中"]
OPENERS = ["某公司", "某超市", "某银行", "某电信运营商", "某电商平台", "一位主管", "某呼叫中心", "某连锁门店",
           "新任班组长", "客服经理", "某物业公司", "某航空公司"]
QUESTION_ENDS = ["这体现了哪一项要求?", "下列说法正确的是哪一项?", "应当优先采取哪种做法?",
                 "以下哪些做法是恰当的?", "这属于哪一类情况?", "最合适的处理方式是什么?"]


from training.content.punctuation import fix_body  # noqa: E402

def _phrase(rng: random.Random) -> str:
    """A short clause such as 及时核实客户的投诉记录."""
    shape = rng.randrange(4)
    if shape == 0:
        return rng.choice(MODS) + rng.choice(VERBS) + rng.choice(NOUNS) + rng.choice(LINKS) + rng.choice(NOUNS)
    if shape == 1:
        return rng.choice(NOUNS) + rng.choice(LINKS) + rng.choice(MODS) + rng.choice(VERBS)
    if shape == 2:
        return rng.choice(VERBS) + rng.choice(NOUNS) + "并" + rng.choice(VERBS) + rng.choice(NOUNS)
    return rng.choice(NOUNS) + "是" + rng.choice(NOUNS) + rng.choice(LINKS) + rng.choice(NOUNS)


def _text(rng: random.Random, low: int, high: int, opener: str = "", end: str = "。") -> str:
    """Chinese-looking prose between low and high characters long."""
    target = rng.randint(low, high)
    out = opener
    while len(out) < target - len(end) - 4:
        out += _phrase(rng) + rng.choice(",,,;、")
    out = out.rstrip(",;、")
    if len(out) > high - len(end):
        out = out[: high - len(end)].rstrip(",;、")
    out += end
    while len(out) < low:  # very short draw: pad with one more clause
        out = out[: -len(end)] + "," + rng.choice(MODS) + rng.choice(VERBS) + rng.choice(NOUNS) + end
        out = out[:high]
    return out


def _distinct(rng: random.Random, n: int, make) -> list[str]:
    seen: list[str] = []
    while len(seen) < n:
        s = make()
        if s not in seen:
            seen.append(s)
    return seen


def _option(rng: random.Random) -> str:
    return rng.choice(MODS) + rng.choice(VERBS) + rng.choice(NOUNS)


def _stem(rng: random.Random, qtype: str) -> str:
    ending = {"判断": "。", "排序": "请排出正确顺序:", "匹配": "请把下列情形与类别配对:"}.get(qtype, rng.choice(QUESTION_ENDS))
    return _text(rng, 40, 120, opener=rng.choice(OPENERS) + "在" + rng.choice(NOUNS) + "工作中,", end=ending)


def question_block(rng: random.Random, qid: str, qtype: str, knowledge: list[str]) -> str:
    """One question in the bank format of content/FORMAT.md."""
    lines = [f"## {qid} · {qtype} · {rng.choice(DIFFS)}", f"知识点: {', '.join(knowledge)}"]
    if qtype == "匹配":
        cats = _distinct(rng, rng.randint(2, 4), lambda: rng.choice(NOUNS) + "类")
        lines.append(f"类别: {' | '.join(f'{c} {{#c{i + 1}}}' for i, c in enumerate(cats))}")
    lines += ["", _stem(rng, qtype), ""]
    if qtype in ("单选", "多选"):
        opts = _distinct(rng, rng.randint(4, 5), lambda: _option(rng))
        n_right = 1 if qtype == "单选" else rng.randint(2, len(opts) - 1)
        right = set(rng.sample(range(len(opts)), n_right))
        lines += [f"- [{'x' if i in right else ' '}] {o} {{#{'abcdefgh'[i]}}}" for i, o in enumerate(opts)]
    elif qtype == "判断":
        lines.append(f"答案: {rng.choice(['对', '错'])}")
    elif qtype == "排序":
        steps = _distinct(rng, rng.randint(3, 6), lambda: _option(rng))
        lines += [f"{i + 1}. {s} {{#s{i + 1}}}" for i, s in enumerate(steps)]
    else:
        items = _distinct(rng, rng.randint(3, 5), lambda: rng.choice(OPENERS) + _option(rng))
        lines += [f"- {it} → {rng.choice(cats)} {{#i{i + 1}}}" for i, it in enumerate(items)]
    lines += ["", "### 解析", "", _text(rng, 90, 110), ""]
    return "\n".join(lines)


def topic_ids(root: Path) -> list[tuple[str, str]]:
    """(id, area) of every topic file under root/topics, from its YAML front matter."""
    out = []
    for path in sorted((root / "topics").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        m = re.match(r"^---\n(.*?)\n---\n", text, re.DOTALL)
        meta = yaml.safe_load(m.group(1)) if m else None
        if isinstance(meta, dict) and meta.get("kind") == "topic":
            out.append((str(meta["id"]), str(meta["area"])))
    return out


def make_synthetic_content(dest: Path | str, files: int = 10, per_file: int = 1000, seed: int = 20240601,
                           source: Path = CONTENT, copy_all: bool = False) -> Path:
    """Write a content directory under dest and return its path.

    The real areas.yaml and topics/ are copied so knowledge ids resolve; with
    copy_all the real cases/ and questions/ come too (so loading it on top of
    the real content retires nothing). Then `files` bank files of `per_file`
    questions each, the five types in rotation.
    """
    root = Path(dest) / "content"
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(source / "areas.yaml", root / "areas.yaml")
    for sub in (("topics", "cases", "questions") if copy_all else ("topics",)):
        if (source / sub).is_dir():
            shutil.copytree(source / sub, root / sub, dirs_exist_ok=True)
    topics = topic_ids(root)
    if not topics:
        raise RuntimeError(f"no topics found under {source / 'topics'}")
    rng = random.Random(seed)
    out_dir = root / "questions" / "synthetic"
    out_dir.mkdir(parents=True, exist_ok=True)
    for f in range(files):
        area = topics[f % len(topics)][1]
        bank_id = f"bank-syn-{f + 1:02d}"
        parts = ["---", "kind: bank", f"id: {bank_id}", f"area: {area}", f"title: 合成题库 {f + 1:02d}", "---", ""]
        for i in range(per_file):
            qtype = QTYPES[i % len(QTYPES)]
            knowledge = [t for t, _ in rng.sample(topics, rng.choice((1, 1, 1, 2)))]
            parts.append(question_block(rng, f"syn{f + 1:02d}-q{i + 1:04d}", qtype, knowledge))
        # Written the way the checker requires: full-width punctuation beside Chinese.
        (out_dir / f"bank-{f + 1:02d}.md").write_text(fix_body("\n".join(parts)), encoding="utf-8")
    return root


def bank_files(root: Path) -> list[Path]:
    return sorted((root / "questions" / "synthetic").glob("*.md"))


if __name__ == "__main__":
    import tempfile

    from training.content.validate import read_content

    dest = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="bench-synth-"))
    root = make_synthetic_content(dest)
    content = read_content(root)
    print(f"wrote {root}: {len(content.questions)} questions, {len(content.problems)} problems")
    for p in content.problems[:20]:
        print("  ", p)
