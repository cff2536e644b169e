"""Scripted replies in the pipeline's output formats: a stand-in for the LLM, NOT a model.

For tests (known-good and known-bad output, so they can assert what the pipeline keeps, retries and
drops) and for the scaling benchmark (`benchmarks/data_pipeline.py` serves these replies from a fake
OpenAI-compatible server with fixed latency). `CounselingScript` is a function of the prompt for
`psycollm.backends.scripted.ScriptedBackend` or `FakeOpenAIServer(reply=...)`: it recognizes which
pipeline template sent the prompt (by the template's system prompt) and answers in its format.
Markers in a case text choose the behaviour:

- ``[BAD_JSON]``: the generation is never valid JSON (retried, then dropped);
- ``[FLAKY]``: the first generation attempt for a case is cut off mid-JSON, later attempts are good;
- ``[UNSUPPORTED]``: the judge marks every counselor turn unsupported (regenerated, then dropped);
- ``[WRONG_ROLES]``: the generation has two seeker turns in a row;
- anything else: a good dialogue quoting the case, all turns supported, refinement adds warmth.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Sequence

from training.data.templates import load_template


def _template_of(messages: Sequence[dict]) -> tuple[str, str]:
    system = messages[0]["content"] if messages and messages[0]["role"] == "system" else ""
    for name in ("multi_generate", "multi_judge", "multi_refine", "single_rewrite", "kb_qa"):
        for lang in ("zh", "en"):
            if system == load_template(name, lang).system.strip():
                return name, lang
    raise AssertionError(f"unknown prompt: {system[:80]!r}")


def _case(prompt: str) -> str:
    m = re.search(r"<(?:个案|case)>\n(.*?)\n</(?:个案|case)>", prompt, re.DOTALL)
    return m.group(1) if m else ""


def good_dialogue(case: str, lang: str, exchanges: int = 6) -> list[dict[str, str]]:
    sentences = [s for s in re.split(r"(?<=[。！？.!?])\s*", case.replace("[FLAKY]", "")) if s.strip()] or [case]
    turns = []
    for i in range(exchanges):
        said = sentences[i % len(sentences)].strip()
        if lang == "zh":
            turns += [{"role": "seeker", "content": f"{said}（第{i + 1}次说）"},
                      {"role": "counselor", "content": f"听起来这让你很不容易，能多说一些第{i + 1}件事吗？"}]
        else:
            turns += [{"role": "seeker", "content": f"{said} (point {i + 1})"},
                      {"role": "counselor", "content": f"That sounds hard. Can you tell me more about point {i + 1}?"}]
    return turns


class CounselingScript:
    """Callable script; ``calls[name]`` counts the prompts per template (attempts included)."""

    def __init__(self) -> None:
        self.calls: dict[str, int] = {}
        self.flaky_seen: set[str] = set()
        self._lock = threading.Lock()  # the fake server calls it from several requests at once

    def __call__(self, messages: Sequence[dict]) -> str:
        name, lang = _template_of(messages)
        with self._lock:
            self.calls[name] = self.calls.get(name, 0) + 1
        prompt = messages[-1]["content"]
        return getattr(self, name)(prompt, lang)

    def multi_generate(self, prompt: str, lang: str) -> str:
        case = _case(prompt)
        if "[BAD_JSON]" in case:
            return "Sure! Here is a dialogue: seeker says hello, counselor answers."
        with self._lock:
            first_time = "[FLAKY]" in case and case not in self.flaky_seen
            self.flaky_seen.add(case)
        if first_time:
            return '{"dialogue": [{"role": "seeker", "content": "I feel'
        turns = good_dialogue(case, lang)
        if "[WRONG_ROLES]" in case:
            turns[1]["role"] = "seeker"
        return "```json\n" + json.dumps({"dialogue": turns}, ensure_ascii=False) + "\n```"

    def multi_judge(self, prompt: str, lang: str) -> str:
        n = int(re.findall(r"(?:咨询师|Counselor) #(\d+)", prompt)[-1])
        bad = "[UNSUPPORTED]" in _case(prompt)
        turns = [{"turn": i, "verdict": "unsupported" if bad else ("no_claim" if i % 2 else "supported"),
                  "unsupported_claims": ["invented a sister"] if bad else [],
                  "reason": "not in the case" if bad else "asks about what the seeker said"} for i in range(1, n + 1)]
        return json.dumps({"turns": turns}, ensure_ascii=False)

    def multi_refine(self, prompt: str, lang: str) -> str:
        start = prompt.index('{\n "dialogue"')
        data, _ = json.JSONDecoder().raw_decode(prompt, start)
        warm = "我能感受到你的辛苦。" if lang == "zh" else "I can hear how hard this is. "
        for turn in data["dialogue"]:
            if turn["role"] == "counselor":
                turn["content"] = warm + turn["content"]
        return json.dumps(data, ensure_ascii=False)

    def single_rewrite(self, prompt: str, lang: str) -> str:
        m = re.search(r"(?:咨询师原来的回答：|The counselor's original answer:)\n(.*?)\n\n", prompt, re.DOTALL)
        answer = m.group(1) if m else "..."
        extra = "我理解你的感受。" if lang == "zh" else "I understand how you feel. "
        return json.dumps({"answer": extra + answer}, ensure_ascii=False)

    def kb_qa(self, prompt: str, lang: str) -> str:
        m = re.search(r"<(?:文章 标题|article title)=\"(.*?)\">\n(.*?)\n</(?:文章|article)>", prompt, re.DOTALL)
        title, body = m.group(1), m.group(2)
        first = re.split(r"(?<=[。.])\s*", body.strip())[0]
        question = f"什么是{title}？" if lang == "zh" else f"What is {title}?"
        return json.dumps({"pairs": [{"question": question, "answer": first},
                                     {"question": question + "?", "answer": "Completely unrelated words here."
                                      if lang == "en" else "完全无关的内容。"}]}, ensure_ascii=False)
