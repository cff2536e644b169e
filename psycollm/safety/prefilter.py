"""Which of many regexes can match a text at all, found in one pass over the text.

The lexicon runs ~430 risk patterns and ~40 idiom patterns over every sentence of a conversation.
Run one after another they took 4-6 ms for 20 turns, half the screen's latency budget, and almost
all of them fail. Every pattern needs at least one of a few literal strings to be present ("自杀" or
"轻生" or "寻死"; "pills" or "tablets"). Those are read off Python's own parse of the regex, and one
Aho-Corasick pass (pyahocorasick) finds which of them occur in a text. Only the patterns they belong
to are run.

    pf = LiteralPrefilter([r"\\bkill (myself|me)\\b", r"(想|要)自杀"])
    pf.candidates("i want to kill myself")  # -> [0]

Python's `re` stays the judge of every hit. The prefilter may let through a pattern that then fails,
but never holds back one that would match. A pattern whose literals cannot be read (a bare `.*`, a
case-insensitive flag) is always a candidate. Without pyahocorasick installed, every pattern is a
candidate: the same hits, only slower. The lexicon's tests compare prefiltered scans with full scans.

RE2's `Set` was tried first. Its DFA over these patterns kept growing with new text and took
~0.4 ms a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

try:  # Python >= 3.11 moved the parser; its node constants are what the walk below compares
    import re._parser as _sre_parse  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover
    import sre_parse as _sre_parse  # type: ignore[no-redef]

_C = _sre_parse
#: Literal alternatives kept for one pattern before giving up on a longer, more selective literal.
MAX_ALTERNATIVES = 64
_ZERO_WIDTH = (_C.AT, _C.ASSERT, _C.ASSERT_NOT)
_REPEATS = tuple(op for op in (_C.MAX_REPEAT, _C.MIN_REPEAT, getattr(_C, "POSSESSIVE_REPEAT", None)) if op)


class LiteralPrefilter:
    """Candidate patterns for a text: those whose required literals occur in it."""

    def __init__(self, patterns: list[str]) -> None:
        self.size = len(patterns)
        self.literals = [required_literals(p) for p in patterns]
        always = [k for k, lits in enumerate(self.literals) if not lits]
        self._automaton: Any = None
        try:
            import ahocorasick
        except ImportError:
            always = list(range(self.size))
        else:
            owners: dict[str, list[int]] = {}
            for k, lits in enumerate(self.literals):
                for lit in lits or ():
                    owners.setdefault(lit, []).append(k)
            if owners:
                self._automaton = ahocorasick.Automaton()
                for lit, ks in owners.items():
                    self._automaton.add_word(lit, tuple(ks))
                self._automaton.make_automaton()
        self.always = tuple(always)

    @property
    def active(self) -> bool:
        """False when every pattern runs anyway (pyahocorasick missing)."""
        return self._automaton is not None or not self.size

    def candidates(self, text: str) -> list[int]:
        """Indexes, in pattern order, of the patterns that can match `text`."""
        if self._automaton is None:
            return list(self.always)
        ks = set(self.always)
        for _, owners in self._automaton.iter(text):
            ks.update(owners)
        return sorted(ks)


def required_literals(regex: str) -> frozenset[str] | None:
    """Literal strings of which every match of `regex` contains at least one; None if unknown."""
    try:
        parsed = _sre_parse.parse(regex)
        if parsed.state.flags & (re.IGNORECASE | re.VERBOSE):
            return None  # the literals would not be literal
        return _seq_required(list(parsed))
    except Exception:  # an unusual construct: the pattern just always runs
        return None


def _exact(item: tuple[Any, Any]) -> frozenset[str] | None:
    """The finite set of strings one element matches, or None."""
    op, av = item
    if op is _C.LITERAL:
        return frozenset({chr(av)})
    if op is _C.SUBPATTERN:
        return None if av[1] & re.IGNORECASE else _seq_exact(list(av[-1]))
    if op is _C.BRANCH:
        out = _union(_seq_exact(list(branch)) for branch in av[1])
        return out if out is not None and len(out) <= MAX_ALTERNATIVES else None
    if op is _C.IN:  # a small class of plain characters: [吃吞]
        if len(av) <= 8 and all(o is _C.LITERAL for o, _ in av):
            return frozenset(chr(v) for _, v in av)
        return None
    if op in _REPEATS and av[0] == 0 and av[1] == 1:  # optional: x?
        e = _seq_exact(list(av[2]))
        return None if e is None else e | {""}
    return None


def _union(sets: Iterable[frozenset[str] | None]) -> frozenset[str] | None:
    """The union of the alternatives' sets, or None when one of them is unknown."""
    out: set[str] = set()
    for one in sets:
        if one is None:
            return None
        out |= one
    return frozenset(out)


def _seq_exact(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    out = frozenset({""})
    for item in items:
        e = _exact(item)
        if e is None:
            return None
        out = frozenset(a + b for a in out for b in e)
        if len(out) > MAX_ALTERNATIVES:
            return None
    return out


def _required(item: tuple[Any, Any]) -> frozenset[str] | None:
    """Strings of which every match of one element contains at least one, or None."""
    op, av = item
    e = _exact(item)
    if e is not None:
        return None if "" in e else e
    if op is _C.SUBPATTERN:
        return None if av[1] & re.IGNORECASE else _seq_required(list(av[-1]))
    if op is _C.BRANCH:
        return _union(_seq_required(list(branch)) for branch in av[1])
    if op in _REPEATS and av[0] >= 1:
        return _seq_required(list(av[2]))
    return None


def _seq_required(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    """For a concatenation, the most selective requirement: a run of consecutive exact elements
    (every match contains one string of their product) or one element's own requirement, whichever
    has the longest shortest string."""
    candidates: list[frozenset[str]] = []
    run: frozenset[str] | None = None  # product of the current run of exact elements
    for item in items:
        if item[0] in _ZERO_WIDTH:
            continue  # needs no text and does not break a run
        e = _exact(item)
        if e is not None:
            product = frozenset(a + b for a in (run or {""}) for b in e)
            if len(product) <= MAX_ALTERNATIVES:
                run = product
                continue
        if run is not None and "" not in run:
            candidates.append(run)
        run = e  # a new run starts here (e is None: no run)
        r = _required(item)
        if r is not None:
            candidates.append(r)
    if run is not None and "" not in run:
        candidates.append(run)
    if not candidates:
        return None
    return max(candidates, key=lambda r: (min(map(len, r)), -len(r)))
