"""Answer extraction: the option letters a free-text model reply chose.

    extract_choice("答案：B和D", "ABCD")          # Extraction(letters="BD", method="marker")
    extract_choice("The answer is (A)", "ABCD")   # letters="A"
    extract_choice("我不确定", "ABCD")             # letters="", method="none" (counted as missing)

Written by hand: lm-evaluation-harness-style regex filters assume one English phrasing, and exam
replies in Chinese come as "答案：B", "选BD", "B和D", "(A)(C)", "正确选项为A、C", or with reasoning
before the answer. The rules, in order (the first that finds letters wins):

1. ``marker``       the letters right after the LAST answer marker (答案, 正确答案/选项, 应选, 选择,
                    "answer is", "Answer:", "options are"...): reasoning models put the final answer last.
2. ``leading``      the reply starts with the letters ("BD", "B. 焦虑", "(A)(C)", "A、C").
3. ``bracketed``    letters written as options anywhere: "(A)", "（B）", "[C]", "选项A".
4. ``standalone``   capital letters standing alone in the reply, not part of a word, skipping the
                    English article "A" (followed by a lower-case word).
5. ``option_text``  no letter at all: the options whose full text appears in the reply.
6. ``none``         nothing found: the item is scored wrong and counted as missing.

Full-width letters and punctuation are folded first (NFKC), ``<think>...</think>`` blocks dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

METHODS = ("marker", "leading", "bracketed", "standalone", "option_text", "none")


@dataclass(frozen=True)
class Extraction:
    letters: str  # sorted, unique; "" when nothing was found
    method: str

    @property
    def missing(self) -> bool:
        return not self.letters


_THINK = re.compile(r"<think>.*?(?:</think>|$)", re.S | re.I)
# Separators allowed inside a run of letters: "A、C", "A,C", "A 和 C", "A and C", "A/C", "(A)(C)".
# Never a newline: "Answer: B\nC is wrong" is the answer B.
_SEP = r"(?:[ \t]*(?:[,，、;；/&+]|和|与|以及|及|或|and|or)[ \t]*|[ \t]+|\)[ \t]*\(|\)[ \t]*|[ \t]*\()"
_MARKERS = [
    r"正确答案(?:应该|应当)?(?:是|为|选)?",
    r"参考答案(?:是|为)?",
    r"最终答案(?:是|为)?",
    r"答案(?:应该|应当|可能)?(?:是|为|选)?",
    r"正确(?:的)?选项(?:应该|应当)?(?:是|为|有|包括)?",
    r"选项",
    r"(?:应|应该|应当|可以|我)?选择?(?:的是|是)?",
    r"(?:final|correct)?\s*answers?\s*(?:is|are|would be|should be|:)?",
    r"(?:correct|right)\s+(?:options?|choices?)\s*(?:is|are|:)?",
    r"(?:the\s+)?options?(?:\s+(?:is|are))?",
    r"(?:i\s+)?(?:choose|pick|select)",
]
_MARKER = re.compile(r"(?:" + "|".join(_MARKERS) + r")\s*[:：]?\s*(?:选项)?", re.I)


def _normalize(text: str) -> str:
    text = _THINK.sub(" ", text or "")
    # NFKC folds full-width letters/brackets/colons ("Ａ", "（", "：") to ASCII.
    text = unicodedata.normalize("NFKC", text)
    return text.replace("**", "").replace("`", "")


def _is_article(text: str, letters: str, end: int) -> bool:
    # "A good question", "A lot": a capital A followed by a space and a lower-case word.
    return letters == "A" and re.match(r"[ \t]+(?!(?:and|or)\b)[a-z]", text[end:end + 6]) is not None


def _run_at(text: str, pos: int, valid: str) -> str:
    """Letters of the run of option letters starting at ``pos`` (after optional spaces/brackets)."""
    letter = f"[{valid}]"
    m = re.compile(rf"[ \t]*[\(\[]?[ \t]*{letter}(?:(?:{_SEP})?{letter})*(?:[ \t]*[\)\]])?").match(text, pos)
    if not m:
        return ""
    end = m.end()
    # The run must not be the start of a word ("Because", "Anxiety", "CBT").
    if end < len(text) and text[end].isascii() and text[end].isalpha():
        return ""
    letters = "".join(sorted(set(re.findall(letter, m.group(0)))))
    return "" if _is_article(text, letters, end) else letters


def _marker_letters(text: str, valid: str) -> str:
    best = ""
    for m in _MARKER.finditer(text):
        if m.end() == m.start():
            continue
        letters = _run_at(text, m.end(), valid)
        if letters:
            best = letters  # keep the last marker that is followed by letters
    return best


def _leading_letters(text: str, valid: str) -> str:
    stripped = text.lstrip(" \t\n\r\"'“”「」*#>-:：")
    return _run_at(stripped, 0, valid)


def _bracketed_letters(text: str, valid: str) -> str:
    found = {m.group(1).upper() for m in re.finditer(rf"[\(\[]\s*([{valid}])\s*[\)\]]", text)}
    found |= {m.group(1).upper() for m in re.finditer(rf"选项\s*([{valid}])(?![A-Za-z])", text)}
    return "".join(sorted(found))


def _standalone_letters(text: str, valid: str) -> str:
    found = set()
    for m in re.finditer(rf"(?<![A-Za-z])([{valid}])(?![A-Za-z])", text):
        letter = m.group(1)
        # English article: "A lot", "A good ..." (a capital A followed by a space and a lower-case word).
        if _is_article(text, letter, m.end()):
            continue
        found.add(letter)
    return "".join(sorted(found))


def _option_text_letters(text: str, options: dict[str, str] | None) -> str:
    if not options:
        return ""
    hits = []
    for letter, body in options.items():
        body = _normalize(body).strip().rstrip("。.")
        if len(body) >= 2 and body in text:
            hits.append(letter)
    # An option whose text is inside another hit option's text is not evidence of its own.
    keep = [h for h in hits if not any(h != o and _normalize(options[h]).strip() in _normalize(options[o])
                                       for o in hits)]
    return "".join(sorted(keep))


def extract_choice(reply: str, valid: str = "ABCD", options: dict[str, str] | None = None) -> Extraction:
    """The option letters ``reply`` chose among ``valid`` (see the module docstring for the rules)."""
    valid = "".join(sorted(set(valid.upper()))) or "ABCD"
    text = _normalize(reply)
    for method, letters in (
        ("marker", lambda: _marker_letters(text, valid)),
        ("leading", lambda: _leading_letters(text, valid)),
        ("bracketed", lambda: _bracketed_letters(text, valid)),
        ("standalone", lambda: _standalone_letters(text, valid)),
        ("option_text", lambda: _option_text_letters(text, options)),
    ):
        found = letters()
        if found:
            return Extraction(found, method)
    return Extraction("", "none")
