"""The input screen: the risk level of a whole conversation, from the lexicon and a learned layer.

    from psycollm.safety.crisis_screen import screen_conversation
    result = screen_conversation([{"role": "user", "content": "I have the pills saved up for tonight."}])
    result.level, result.categories, result.requests, result.reasons, result.layers

How a level is reached (C-SSRS shaped):
- each user message is scanned by the lexicon (`lexicon.scan`) into signals: a wish to be dead (low),
  active ideation, a plan, the means at hand, preparation, an attempt (high), an act in progress
  (imminent), abuse, harm to others, medical emergencies, psychosis red flags, dangerous requests;
- within a message: ideation + plan/means/time/preparation -> high; "but I won't act on it" caps
  ideation at low; "years ago" turns a past act into history (low); a third party at risk is low
  unless it is happening now;
- across the conversation: the highest level of any user turn counts (risk said three turns ago still
  counts; a harmless last message does not reset it), and ideation in one turn + means, plan or
  preparation in another is high; a "yes" answer to an assistant's question about suicide is ideation;
- the learned layer (classifier or LLM judge) can only raise the level, never lower it: the lexicon is
  the high-recall floor.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import islice
from typing import Any, Protocol

from psycollm.safety import lexicon, replies
from psycollm.safety.abuse_topics import abuse_topics
from psycollm.safety.lexicon import REQUEST_SIGNALS, Hit

log = logging.getLogger(__name__)

LEVELS = ("none", "low", "high", "imminent")
RANK = {name: i for i, name in enumerate(LEVELS)}

# Low findings that do not let a learned layer raise the level or a refusal on their own (see screen_conversation).
NOT_EVIDENCE = frozenset({"abuse_survived", "substance_coping", "hit_someone"})
RISK_CATEGORIES = ("suicide", "self_harm", "harm_to_others", "abuse", "medical_emergency", "psychosis_mania",
                   "substance_use")
REQUEST_CATEGORIES = REQUEST_SIGNALS

IDEATION = {"passive_ideation", "ideation_thoughts", "active_ideation"}
SUPPORTING = {"plan", "plan_element", "means_strong", "means_weak", "preparation", "finality", "intent_act"}
# In-progress acts that are also medical emergencies (poison or pills taken, bleeding).
_MEDICAL_IN_PROGRESS = ("took_pills", "took_all", "already_taken", "drank_poison", "now.poison", "bleeding",
                        "now_bleeding", "third.in_progress")


def max_level(*levels: str) -> str:
    return max(levels, key=lambda lv: RANK[lv]) if levels else "none"


class LearnedLayer(Protocol):
    """A layer that scores user messages: the in-project classifier or the LLM judge."""

    name: str
    #: The highest level this layer may raise a conversation to when the lexicon found nothing at all.
    #: The in-project classifier is trusted to add caution ("low") there, and to escalate where the
    #: lexicon saw some risk; a capable LLM judge may raise any level.
    max_from_none: str

    def assess(self, messages: Sequence[dict[str, str]], evidence: str = "none") -> LayerVerdict:
        """`evidence` is the lexicon's level for the same conversation."""
        ...


@dataclass
class LayerVerdict:
    """What a learned layer says about the conversation: it may only raise the lexicon's level."""

    level: str = "none"
    categories: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)
    # The level this layer stands behind without lexicon evidence (above its max_from_none), e.g. the
    # classifier's joint model at its strict thresholds.
    vouched: str = "none"
    # The same per user turn (index in the conversation), when the layer can tell which turn it was:
    # lets the screen discount a finding on a turn the lexicon reads as ordinary (ordinary_turns).
    vouched_turns: dict[int, str] = field(default_factory=dict)
    # The layer stands behind its `requests` without lexicon evidence (the classifier: both of its models
    # find a dangerous request in the latest turn, each at its own calibrated threshold).
    requests_vouched: bool = False


@dataclass
class MessageRisk:
    index: int  # position in the conversation
    level: str
    categories: set[str]
    requests: set[str]
    signals: set[str]
    reasons: list[str]


@dataclass
class ScreenResult:
    level: str
    categories: list[str]
    requests: list[str]
    reasons: list[str]
    layers: dict[str, Any]
    topics: list[str] = field(default_factory=list)  # abuse_topics, when the screen found abuse
    # What to ask the person directly, if anything: "suicide" or "self_harm" (see `direct_question_topic`)
    ask: str | None = None


# ---------------------------------------------------------------------------------------------------
# One message


@lru_cache(maxsize=4096)
def _scan_cached(text: str) -> tuple[Hit, ...]:
    # Earlier turns are re-screened on every new turn: caching makes a turn cost one new message.
    return tuple(lexicon.scan(text))


_REPORTABLE = IDEATION | {"attempt", "self_harm_act", "self_harm_urge", "in_progress", "self_harm_in_progress"}


def _as_third_party(hit: Hit) -> Hit:
    """Ideation, an attempt or self-harm in someone else's words: a worried user reporting it (low), or
    their act in progress (imminent). Means, plans and farewells keep their own weight ("my roommate
    texted a photo of pills lined up with 'sorry for everything'")."""
    if hit.signal not in _REPORTABLE:
        return hit
    signal = ("third_party_in_progress" if hit.level == "imminent" else
              "third_party_self_harm" if hit.category == "self_harm" else "third_party_risk")
    category, level = lexicon.SIGNALS[signal]
    return replace(hit, signal=signal, category=category, level=level)


# "Years ago" makes an act history only if the act itself is not told as recent: "I tried to hang
# myself last night. I tried years ago too." is a recent attempt (C-SSRS: the past three months), and
# one history cue must not discount it. A time word in the act's own clause, or the clause just before
# it ("Last night, I cut again"), wins; one elsewhere in the sentence does not ("两年前我吃药自杀过，
# 现在在做心理治疗，只是这周特别难熬" stays history).
# An anniversary ("三年前的今天", "three years ago today") is not recent.
_RECENT = re.compile(
    r"\b(tonight|(?<!ago )today|this (morning|afternoon|evening|week)|last (night|week)|yesterday|earlier today|"
    r"right now|just (now|took|swallowed|cut|tried|did|drank|overdosed|od'?d)|"
    r"(an?|one|two|three|a few|a couple of|\d+) (hours?|hrs?|minutes?|mins?|days?) ago)\b|"
    r"今晚|(?<!年前的)今天|今早|今夜|昨晚|昨天|昨夜|前天|刚才|刚刚|刚(?=[吃割划喝吞试跳服把])|这(几天|周|星期|礼拜)|"
    r"上(周|星期|礼拜)|([几两三四五六七八九十\d]+|半)(天|个?小时|分钟)(之)?前")
_ACTS = ("attempt", "self_harm_act", "overdose_taken", "abuse")
# Abuse told as history ("小时候爸爸经常打我，现在搬出来了", "I was molested as a child") is low (session 25:
# the training data says so, the screen gave the Chinese a crisis reply), unless its clause, the one before
# or the one after says it goes on ("我爸从我小时候开始就一直打我", "小时候爸爸打我，现在还在打", "he still does").
_ABUSE_ONGOING = re.compile(
    r"\b(still|keeps?|kept on|every (day|night|week|weekend)|to this day|ever since|since|continues?|again|for years)\b|"
    r"还在|一直|仍然|依然|至今|现在还|又(打|骂|来|摸)|每天|每晚|天天|还是会|还会|开始|从小|以来|起就|这些年|多年")
# Abuse survived goes on only where it says so outright, naming the abuse; `_ABUSE_ONGOING` is broader ("keep",
# "since") because there it only keeps an abuse finding high.
_ABUSE_CONTINUES = re.compile(
    r"\b(still (does|do|is|are|hits|hurts|abuses|rapes|touches|beats)|and still|to this day|won'?t stop|"
    # what continues must be the abuse: "my daughter continues to call me crazy. He was abusive to me" is not
    r"continues to (abuse|hit|hurt|beat|rape|touch|threaten|stalk|harass|control|follow)\w*|"
    r"hasn'?t stopped|keeps? (hitting|hurting|abusing|touching|raping|beating|coming)|has (been )?\w+ me since)\b|"
    # the Chinese says what goes on: "现在还是睡不着", "一直走不出来", "至今还会做噩梦" are the harm that stays,
    # not the abuse (session 26: "我被前男友强奸了，现在还是睡不着" got the crisis reply)
    r"(还在|一直|至今|现在还|仍然|依然|还是|还)(在|会|经常|时不时|总是|老是)?(打|骂|摸|碰|强迫|强奸|强暴|侵犯|性侵|虐待|骚扰|"
    r"威胁|逼|跟踪|纠缠|缠着|找我|来找|这样对我|对我这样|联系我)")
_WORDS_ONLY = re.compile(r"\b(verbally|emotionally|mentally)\b")
_CLAUSE_BOUND = re.compile(r"[,，、.!?。！？；;\n]")


def _clauses(masked: str, span: str, before: int = 0, after: int = 0) -> str:
    """The clause of `masked` that holds the matched span, with `before` clauses ahead of it and `after`
    clauses behind it (every place the span occurs). A span over two sentences (a pair hit) is not found:
    then ""."""
    out, start = [], masked.find(span)
    while start >= 0 and span:
        end = start + len(span)
        lefts = [m.end() for m in _CLAUSE_BOUND.finditer(masked, 0, start)]
        left = lefts[-1 - before] if len(lefts) > before else 0
        # only the boundaries needed, not every one to the end of a long message (a hot path)
        right = next(islice((m.start() for m in _CLAUSE_BOUND.finditer(masked, end)), after, None), len(masked))
        out.append(masked[left:right])
        start = masked.find(span, end)
    return " / ".join(out)


def _abuse_goes_on(hits: Sequence[Hit], text: str, goes_on: re.Pattern[str] = _ABUSE_ONGOING,
                   skip: re.Pattern[str] | None = None) -> bool:
    """Does a clause next to this abuse say it goes on (`goes_on`)? A span that cannot be placed does (fail
    safe). `skip`: abuse whose own clause matches it never goes on here (insults every day stay caution)."""
    masked = lexicon.masked_text(text)
    for h in hits:
        if skip is not None and skip.search(_clauses(masked, h.text)):
            continue
        window = _clauses(masked, h.text, before=1, after=1)
        if not window or goes_on.search(window):
            return True
    return False


_SENTENCE_BOUND = re.compile(r"[.!?。！？\n]")


def _sentences(masked: str, span: str) -> str:
    """The sentence holding the span, and the next one when it only points back at it ("I overdosed once.
    It was years ago."), at every place the span occurs."""
    out, start = [], masked.find(span)
    while start >= 0 and span:
        lefts = [m.end() for m in _SENTENCE_BOUND.finditer(masked, 0, start)]
        left = lefts[-1] if lefts else 0
        ends = [m.start() for m in islice(_SENTENCE_BOUND.finditer(masked, start + len(span)), 2)] + [len(masked)] * 2
        right = ends[1] if _POINTS_BACK.match(masked, ends[0] + 1) else ends[0]
        out.append(masked[left:right])
        start = masked.find(span, start + len(span))
    return " / ".join(out)


_POINTS_BACK = re.compile(r"\s*((it|that|this)('s| was| is| happened| has been)|(那|这)(是|都是|已经是|件事))")


def _history_holds(sig: str, hits: Sequence[Hit], text: str) -> bool:
    """Is this past act (attempt, self-harm, overdose taken, abuse) history, given a history cue somewhere in
    the message? Not if it is told as recent; an overdose taken ("吃了三十片") only if the cue is in its own
    clause ("五年前吃了差不多三十片"), because a swallowed dose is the one act that is still killing when
    it is told; an attempt or self-harm only if the cue is in its own sentence (session 26: "something bad that
    happened years ago. Then I cry ... hit myself" is a habit now); abuse only if the cue is in its clause or
    the one before and nothing next to it says it goes on. A span that cannot be placed is not history
    (fail safe)."""
    masked = lexicon.masked_text(text)
    history = [p.regex for lang in ("en", "zh") for p in lexicon.compiled_patterns()[lang] if p.signal == "history"]
    for h in hits:
        if _RECENT.search(_clauses(masked, h.text, before=1)):
            return False
        if sig == "overdose_taken" and not any(r.search(_clauses(masked, h.text)) for r in history):
            return False
        if sig in ("attempt", "self_harm_act") and not any(r.search(_sentences(masked, h.text)) for r in history):
            return False
        if sig == "abuse" and (_abuse_goes_on([h], text)
                               or not any(r.search(_clauses(masked, h.text, before=1)) for r in history)):
            return False
    return True


# The person's own suicidal thoughts: a professional-sounding word ("how do I", "research", "screening")
# does not make them a course's topic (session 26: "I've had anxiety attacks and suicidal thoughts ...
# How do I handle this?", a real question, got no note). Someone else's thoughts are not the person's.
_NOT_MINE = r"(?:(?!\b(client|patient|student|friend|son|daughter|child|kid|who|someone|people|person|he|she|they|his|her|their)\b)[^.?!])"
_OWN_THOUGHTS = re.compile(
    r"\bi('ve|'m|'d| have| had| am| get| keep| still| often| sometimes| was)?( been)? (had|have|having|get|getting|got|"
    r"experienc\w+|struggl\w+ with|dealing with|deal with|battl\w+|suffer\w*)\b" + _NOT_MINE + r"{0,40}"
    r"\bsuicidal (thoughts?|ideation|feelings?|urges?)\b|\bmy suicidal (thoughts?|ideation|feelings?|urges?)\b")


_EXCUSED_AS_SURVIVED = frozenset({"en.abuse.sexual"})
_FIRST_PERSON = re.compile(r"\b(i|i'm|i've|i'd|me|my|myself)\b")  # not "her thesis on the history of sexual abuse"


def assess_message(text: str, index: int = 0, asked_about_risk: bool = False, asked_now: str | None = None) -> MessageRisk:
    hits = _scan_cached(text)
    positive = [_as_third_party(h) if h.reported else h for h in hits if not (h.negated or h.excused)]
    # Sexual abuse the message tells as history ("I have a history of sexual abuse", "a survivor of sexual
    # abuse") is excused from the crisis rule, and is abuse survived: low (session 26; it got no note).
    survived = [replace(h, signal="abuse_survived", level="low", excused=False) for h in hits
                if h.excused and not h.negated and h.pattern in _EXCUSED_AS_SURVIVED
                and _FIRST_PERSON.search(_sentences(lexicon.masked_text(text), h.text))]
    positive += survived
    # "I tried to kill myself ten years ago": the ideation words belong to the attempt, not to now.
    # Likewise "the urge to hurt myself" is an urge, not an act.
    attempts = [h.text for h in positive if h.signal == "attempt"]
    urges = [h.text for h in positive if h.signal == "self_harm_urge"]
    positive = [h for h in positive if not (h.signal == "active_ideation" and any(h.text in a for a in attempts))
                and not (h.signal == "self_harm_act" and any(h.text in u or u in h.text for u in urges))]
    signals = {h.signal for h in positive}
    reasons = [h.describe() for h in hits if h.signal not in lexicon.MODIFIERS or h.signal == "no_intent"]
    reasons += [f"{h.pattern}: '{h.text}' told as history: abuse survived" for h in survived]
    by_signal: dict[str, list[Hit]] = {}
    for h in positive:
        by_signal.setdefault(h.signal, []).append(h)

    levels: dict[str, str] = {}  # category -> level

    def raise_to(category: str, level: str) -> None:
        levels[category] = max_level(levels.get(category, "none"), level)

    # A "yes" to an assistant's question about suicide is itself ideation. To our direct question, which
    # asks about now ("are you having thoughts of ending your life?"), it is what "I'm having thoughts of
    # ending my life" is: active ideation (high; low with "but I'd never do it"). To the self-harm one, an
    # urge (low, as an urge told is).
    if asked_about_risk and "affirmative" in signals and "denial" not in signals:
        signals.add({"suicide": "active_ideation", "self_harm": "self_harm_urge"}.get(asked_now or "", "ideation_thoughts"))
        reasons.append("answered yes to a question about suicide/self-harm" +
                       (" (the direct question, about now)" if asked_now else ""))

    if "professional" in signals and not _OWN_THOUGHTS.search(lexicon.normalize(text)):
        signals.discard("ideation_thoughts")  # "passive vs active suicidal ideation" in a training course

    # A professional asking about patients or students reports someone else's risk (unless a time,
    # an intent or means come with it: "I'm a nurse, my patients are fine, but tonight I'll...").
    third_party = bool(signals & {"third_party_risk", "third_party_self_harm", "third_party_in_progress"}) or (
        "professional" in signals and "about_patients" in signals
        and not signals & {"intent_time", "intent_act", "means_strong", "plan", "preparation"})
    # "I tried at 19 and I'm going to try again tonight": the past act is not only history.
    history = "history" in signals and not signals & {"intent_act", "plan", "means_strong", "preparation"}
    no_intent = "no_intent" in signals

    for sig in signals:
        category, level = lexicon.SIGNALS[sig]
        if not category or sig in REQUEST_SIGNALS:
            continue
        if sig in _ACTS and history and _history_holds(sig, by_signal[sig], text):
            level = "low"  # a past act, told as history (C-SSRS lifetime), not a recent one
        if sig in IDEATION and no_intent:
            level = "low"
        if sig == "abuse_survived" and _abuse_goes_on(by_signal[sig], text, _ABUSE_CONTINUES, skip=_WORDS_ONLY):
            level = "high"  # "he abused me for years and still does"; daily insults stay caution
        if third_party and category in ("suicide", "self_harm") and level == "high" and sig not in (
                "plan", "means_strong", "preparation"):
            level = "low"  # someone else's words about dying, reported by a worried user
        if level != "none":
            raise_to(category, level)

    # C-SSRS combination inside one message: ideation + method/plan/intent/preparation = high.
    has_ideation = bool(signals & IDEATION)
    if has_ideation and not third_party and (signals & SUPPORTING or (
            "intent_time" in signals and "active_ideation" in signals)) and not (
            no_intent and not signals & {"plan", "means_strong", "preparation"}):
        raise_to("suicide", "high")
        reasons.append("ideation with plan/means/time/preparation")
    if "means_weak" in signals and signals & {"intent_time", "finality", "intent_act"}:
        raise_to("suicide", "high")
        reasons.append("means at hand with a time or finality")
    if "finality" in signals and signals & {"intent_time", "preparation", "means_weak", "means_strong"}:
        raise_to("suicide", "high")
        reasons.append("finality with a time, preparation or means")
    if "finality" in signals and "goodbye" in signals:
        raise_to("suicide", "high")
        reasons.append("finality with a goodbye")
    if "finality" in signals and levels.get("suicide", "none") == "none":
        raise_to("suicide", "low")

    # Stopping alcohol or benzodiazepines is ordinary; with a seizure, hallucinated insects or shaking
    # that will not stop it is a medical emergency (withdrawal can kill).
    if "withdrawal" in signals and "withdrawal_sign" in signals:
        raise_to("medical_emergency", "high")
        reasons.append("withdrawal with a dangerous sign")
    # An urge is low risk (intrusive thoughts are common); an urge acted on is not.
    if "acted_on_urge" in signals:
        for urge, category in (("harm_others_urge", "harm_to_others"), ("self_harm_urge", "self_harm")):
            if urge in signals:
                raise_to(category, "high")
                reasons.append("an urge acted on")

    # A weapon or fuel made ready is ordinary on its own (a camping knife, petrol for the mower); with a
    # threat or an urge to hurt someone it is a plan.
    if "weapon_ready" in signals and signals & {"threat", "harm_others_urge", "harm_others_intent"}:
        raise_to("harm_to_others", "high")
        reasons.append("a weapon made ready, with a threat")

    # Pills or poison taken, heavy bleeding: also a medical emergency.
    for sig in ("in_progress", "self_harm_in_progress", "third_party_in_progress"):
        for h in by_signal.get(sig, []):
            if any(key in h.pattern for key in _MEDICAL_IN_PROGRESS):
                raise_to("medical_emergency", "imminent")
    if "overdose_taken" in signals and has_ideation:
        raise_to("suicide", "imminent")

    requests = {sig for sig in signals if sig in REQUEST_SIGNALS}
    if "lethal_means" in requests and signals & ({"means_weak", "means_strong", "own_means", "intent_time",
                                                  "intent_act"} | IDEATION):
        # "How many of MY sleeping pills would it take to not wake up?", "...I want to try tonight":
        # a personal plan, not a question.
        raise_to("suicide", "high")
        reasons.append("lethal-means question about the user's own means")

    level = max_level(*levels.values()) if levels else "none"
    categories = {c for c, lv in levels.items() if lv != "none"}
    return MessageRisk(index, level, categories, requests, signals, reasons)


# ---------------------------------------------------------------------------------------------------
# The conversation


@lru_cache(maxsize=4096)
def _is_risk_question(text: str) -> bool:
    """Did this assistant turn ask about suicide or self-harm? (Only that pattern runs on assistant turns.)"""
    norm = lexicon.normalize(text)
    return any(p.regex.search(norm) for lang in ("en", "zh") for p in lexicon.compiled_patterns()[lang]
               if p.signal == "risk_question")


def is_risk_question(text: str) -> bool:
    """Did this assistant turn ask about suicide or self-harm?"""
    return _is_risk_question(text)


def lexicon_layer(messages: Sequence[dict[str, str]]) -> tuple[str, dict[str, str], set[str], list[str],
                                                              list[MessageRisk]]:
    """Level, category->level, requests, reasons and per-message results, from the lexicon alone."""
    per_message: list[MessageRisk] = []
    answers_to_risk_questions: set[int] = set()
    prev_assistant = ""
    for i, msg in enumerate(messages):
        role, content = msg.get("role"), str(msg.get("content", ""))
        if role == "assistant":
            prev_assistant = content
            continue
        if role != "user" or not content.strip():
            continue
        asked = bool(prev_assistant) and _is_risk_question(prev_assistant)
        if asked:
            answers_to_risk_questions.add(i)
        per_message.append(assess_message(content, i, asked_about_risk=asked,
                                          asked_now=replies.direct_question_asked(prev_assistant) if asked else None))
        prev_assistant = ""

    levels: dict[str, str] = {}
    reasons: list[str] = []
    requests: set[str] = set()
    for mr in per_message:
        for cat in mr.categories:
            # A category's level is the level of the message where it was raised.
            levels[cat] = max_level(levels.get(cat, "none"), mr.level)
        for r in mr.reasons:
            reasons.append(f"turn {mr.index}: {r}")
    # Requests only count in the newest user message: an old question already got its refusal.
    if per_message and per_message[-1].index == max(
            (i for i, m in enumerate(messages) if m.get("role") == "user"), default=-1):
        requests = set(per_message[-1].requests)

    # Across turns: ideation in one turn + plan/means/preparation in another is high.
    ideation_turns = [mr.index for mr in per_message if mr.signals & IDEATION and
                      not mr.signals & {"third_party_risk", "third_party_self_harm"}]
    support_turns = [mr.index for mr in per_message if mr.signals & (SUPPORTING - {"finality", "intent_act"})]
    if any(i != j for i in ideation_turns for j in support_turns) and levels.get("suicide", "none") not in (
            "high", "imminent"):
        levels["suicide"] = "high"
        reasons.append(f"ideation (turn {ideation_turns[0]}) with plan/means/preparation "
                       f"(turn {support_turns[0]}) across turns")

    # "I already took them", "我刚吃了安眠药": an overdose in progress when pills came up in a conversation
    # that carries risk (a lethal-means question, ideation, earlier or in the same message) or when it
    # answers a question about safety; not "should I take my tablets with food?" ... "I already took
    # them this morning", nor "刚吃了感冒药，准备躺一会儿".
    took = [mr.index for mr in per_message if "took_referent" in mr.signals]
    risky_before = took and (took[-1] in answers_to_risk_questions or any(
        mr.level != "none" or mr.requests for mr in per_message if mr.index <= took[-1]))
    if risky_before and any(_mentions_pills(str(messages[i].get("content", ""))) for i in range(took[-1] + 1)
                            if messages[i].get("role") == "user"):
        for cat in ("suicide", "medical_emergency"):
            levels[cat] = "imminent"
        reasons.append(f"turn {took[-1]}: took the pills mentioned earlier")

    level = max_level(*levels.values()) if levels else "none"
    if level == "none" and requests & {"lethal_means", "hide_self_harm"}:
        level = "low"  # asking for means or for hiding self-harm is itself a risk indicator
    return level, levels, requests, reasons, per_message


# A message whose only lexicon finding is an ordinary dose, and which names no bulk quantity, hoard,
# overdose or child who took the pills, nor any word of farewell the lexicon may have missed in context
# ("took my pills, going to bed now, I wrote everyone a letter").
# Ten or more, but not milligrams ("took 50 mg of sertraline") nor days ("on it for 14 days", "吃了30多天").
_BULK_NUMBER = (lexicon._NOT_A_DOSE + lexicon._ZH_NOT_A_DOSE + lexicon._ZH_NOT_A_SPAN +
                r"(?<!\d)\d{2,}(?!\d)(?! ?(days?|weeks?|months?|years?|nights?)\b)")
_ROUTINE_ONLY = {"routine_dose", "own_means", "means_weak", "took_referent"}
# A farewell, a plea not to call anyone, a hoped-for success or alcohol: a turn with any of these is never
# ordinary ("药已经吃了，哈哈，这次应该成功了吧，你别报警啊" was discounted as a dose until session 9).
_FAREWELL = (r"\b(letters?|notes?|goodbye|bye|sorry|forgive|love you|wake|forever|for good|last|the end|over now|enough|"
             r"ambulance|police|911|999|don'?t (call|tell)|do not (call|tell)|this time|worked|whiske?y|vodka|wine|beer|"
             r"alcohol|drunk|with me)\b|"
             r"遗书|信|再见|永别|对不起|原谅|爱你们|醒|永远|最后|结束|解脱|够了|成功|这次|报警|救护车|别告诉|不要告诉|别管我|酒|一起走")
# A body in danger after a dose: a medical emergency, not a routine dose, however ordinary the dose sounds
# ("把一次一片看成一次三片 一天下来卡马西平吃了1800毫克 现在站都站不稳"). Toxic doses show as these signs.
_DANGER_SIGN = (r"\b(dizzy|can'?t (stand|walk|breathe|see straight|stay awake|keep my eyes open)|vomit\w*|throwing up|threw up|"
                r"seizure|fitting|confus\w*|blurr\w*|faint\w*|pass(ing)? out|passed out|slurr\w*|chest (pain|hurts|is tight)|"
                r"heart is (racing|pounding)|ringing in my ears|spinning|numb)\b|"
                r"头晕|晕|站不稳|站不住|走不稳|吐了|呕吐|想吐|胸(口)?(闷|痛|疼)|喘不(上|过)气|呼吸(困难|不上)|抽搐|意识|看不清|耳鸣|昏|"
                r"睁不开|发麻|冷汗|心跳(好|很|特别|超)?快|心慌")
# ...but a sign that has lasted, or a question about side effects, is a side effect to ask a doctor about
# ("已经吃了两周药了，最近总是头晕想吐").
_CHRONIC = (r"\b(lately|recently|always|every (day|morning|night|evening)|all the time|for (the (past|last) )?(\d+|a|one|two|three|"
            r"four|a few|several) (days|weeks|months)|since (starting|i started|i began|going up)|side ?effects?|"
            r"is (that|this|it) normal|normal\?)|最近|总是|老是|每天|一直|这几天|这段时间|几周|两周|两个星期|副作用|正常吗|是正常的吗|"
            r"自从")
_DANGER_NOW = re.compile(_DANGER_SIGN)
_CHRONIC_RE = re.compile(_CHRONIC)
_NOT_ROUTINE = re.compile(
    r"\b(all|whole|entire|every (pill|tablet|one)|bottles?|box|packs?|packets?|strips?|blisters?|supply|stash|saved|saving|"
    r"stockpiled?|hoard\w*|handful|bunch|a lot of|lots of|loads|(too|so) many|extra|double|triple|more than|overdos\w*|od'?d|"
    r"everything|" + _BULK_NUMBER + r"|ten|twenty|thirty|forty|fifty|hundred|baby|toddler|kid|child|son|daughter)\b|"
    r"(全|都)(部)?(吃|吞|服|喝)|所有|整(瓶|盒|板)|一(大)?把|一瓶|一盒|一板|几板|攒|囤|存(着|下|了)|过量|多吃|加倍|几十|"
    r"十[几多]?(片|粒|颗)|" + _BULK_NUMBER + r"|好多|很多|一大堆|好几|孩子|宝宝|小孩|儿子|女儿|吃了几|" + _FAREWELL)
# A turn that counts food, drinks or an outing may also name a day ("I took 3 exams this week").
_ORDINARY_ONLY = _ROUTINE_ONLY | {"ordinary_count", "intent_time"}
_FAREWELL_RE = re.compile(_FAREWELL)


def ordinary_turns(messages: Sequence[dict[str, str]], per_message: Sequence[MessageRisk]) -> set[int]:
    """User turns the lexicon reads as ordinary, where a learned layer's crisis finding is discounted to
    caution when nothing else in the conversation carries risk:
    - medicine taken in an ordinary way ("took my pills, going to bed now", "药已经吃了，准备睡觉了"), with no
      bulk, hoard, child or farewell word, nor a sign of a body in danger now: the learned layers read these
      as overdoses (pills + taken + night);
    - a count of food, drink or children on an outing ("我刚吃了一大把瓜子", "I just took 10 of the kids to
      the park"), with no pill word and no farewell (session 23).
    A turn whose only risk-looking phrase the lexicon excused (BENIGN_CONTEXT) is not discounted: tried in
    session 23, it lost two crises the classifier had caught (a sealed room excused by its paint, affairs in
    order excused by a funeral) and spared one false alarm ("我打算明天把所有东西都收拾好搬家").
    """
    out = set()
    for mr in per_message:
        raw = str(messages[mr.index].get("content", ""))
        text = lexicon.normalize(raw)
        if "routine_dose" in mr.signals and mr.signals <= _ROUTINE_ONLY:
            if not _NOT_ROUTINE.search(text) and not (_DANGER_NOW.search(text) and not _CHRONIC_RE.search(text)):
                out.add(mr.index)
        elif (mr.level == "none" and mr.signals <= _ORDINARY_ONLY
              and "ordinary_count" in mr.signals
              and not _FAREWELL_RE.search(text) and not _mentions_pills(raw)):
            out.add(mr.index)
    return out


_PILLS_ANY = re.compile(r"\b" + lexicon._PILLS + r"\b|" + lexicon._ZH_PILLS)


@lru_cache(maxsize=4096)
def _mentions_pills(text: str) -> bool:
    return bool(_PILLS_ANY.search(lexicon.normalize(text)))


def _not_evidence(signals: set[str]) -> bool:
    # Not empty: a message can be at risk through signals that carry no level alone (a means with a time).
    return bool(signals) and signals <= NOT_EVIDENCE


def order_categories(levels: dict[str, str]) -> list[str]:
    """Categories with a level, most severe first, then in RISK_CATEGORIES order."""
    cats = [c for c, lv in levels.items() if lv != "none"]
    order = {c: i for i, c in enumerate(RISK_CATEGORIES)}
    return sorted(cats, key=lambda c: (-RANK[levels[c]], order.get(c, 99)))


def screen_conversation(messages: Sequence[dict[str, str]], learned: LearnedLayer | None = None,
                        clock: Callable[[], float] = time.perf_counter) -> ScreenResult:
    """Screen every user turn of the conversation; the learned layer may only raise the level."""
    t0 = clock()
    prefetch = getattr(learned, "prefetch", None)
    if prefetch is not None:  # the learned layer's embedding starts now and runs while the lexicon reads
        try:
            prefetch(messages)
        except Exception:  # the layer then embeds in-process, as without a worker
            log.exception("safety: the learned layer's prefetch failed")
    level, levels, requests, reasons, per_message = lexicon_layer(messages)
    t1 = clock()
    layers: dict[str, Any] = {"lexicon": {"level": level, "categories": order_categories(levels),
                                          "requests": sorted(requests), "ms": round((t1 - t0) * 1000, 3)}}
    latest = next((str(m.get("content", "")) for m in reversed(messages) if m.get("role") == "user"), "")
    if learned is not None:
        verdict = learned.assess(messages, evidence=level)
        t2 = clock()
        layers[learned.name] = {"level": verdict.level, "categories": list(verdict.categories),
                                "requests": list(verdict.requests), "ms": round((t2 - t1) * 1000, 3),
                                **verdict.detail}
        proposed = verdict.level
        vouched = verdict.vouched
        # Abuse survived ("I was raped", "he's verbally abusive"), drinking to cope and having hit someone are
        # caution, but not evidence that lets the learned layer raise a crisis or a refusal unvouched: session
        # 25, a real question about men who "emotionally abuse me" became a crisis reply that way; session 28,
        # "How can I stop abusing alcohol? ... I'm addicted to alcohol" was refused as a dosing request;
        # session 29, a real question about a partner with "I slapped him" in it became a crisis reply.
        evidence = "none" if level == "low" and all(
            _not_evidence({s for s in mr.signals if lexicon.SIGNALS[s][1] != "none"})
            for mr in per_message if mr.level != "none") else level
        if evidence == "none" and verdict.vouched_turns:
            routine = ordinary_turns(messages, per_message)
            vouched = max_level(*(lv for i, lv in verdict.vouched_turns.items() if i not in routine))
            if vouched != verdict.vouched:
                layers[learned.name]["discounted"] = (f"{verdict.vouched} on an ordinary turn "
                                                      f"(turn {', '.join(map(str, sorted(routine)))})")
        cap = max_level(learned.max_from_none, vouched)
        if evidence == "none" and RANK[proposed] > RANK[cap]:
            layers[learned.name]["capped"] = f"{proposed} -> {cap} (no lexicon evidence)"
            proposed = cap
        if RANK[proposed] > RANK[level]:
            verdict.level = proposed
            layers[learned.name]["raised"] = True
            reasons.append(f"{learned.name}: raised {level} -> {verdict.level}" +
                           (f" ({'; '.join(verdict.reasons)})" if verdict.reasons else ""))
            # With no category of its own, the learned layer raises what the lexicon found ("I ended up hitting my
            # brother": harm to others, not suicide, session 30); suicide only when the lexicon found nothing.
            cats = ([c for c in verdict.categories if c in RISK_CATEGORIES] or order_categories(levels)
                    or ["suicide"])
            for cat in cats:
                levels[cat] = max_level(levels.get(cat, "none"), verdict.level)
            level = verdict.level
        # the same evidence rule for requests: "his emotional and verbal abuse ... how do I get away from this
        # relationship?" was refused as hiding self-harm once abuse survived was a lexicon finding (session 26)
        if verdict.requests and not requests and (evidence != "none" or learned.max_from_none != "low"
                                                  or verdict.requests_vouched) and lexicon.asks_something(latest):
            requests = set(verdict.requests)
            layers[learned.name]["raised"] = True
            reasons.append(f"{learned.name}: dangerous request ({', '.join(verdict.requests)})")
    # An earlier fixed crisis reply in the conversation means the screen found high risk then. Layers
    # that read only the latest turns (the joint model) remember older findings in this process only;
    # after a restart, in another worker, or when a saved conversation is reopened, the reply itself
    # keeps the risk from fading (risk said three turns ago still counts).
    earlier = [(i, cat) for i, m in enumerate(messages) if m.get("role") == "assistant"
               for cat in [replies.crisis_reply_category(str(m.get("content", "")))] if cat is not None]
    if earlier:
        layers["history"] = {"crisis_replies": [i for i, _ in earlier]}
        if RANK[level] < RANK["high"]:
            layers["history"]["raised"] = f"{level} -> high"
            reasons.append(f"turn {earlier[-1][0]}: an earlier crisis reply in this conversation")
            level = "high"
            for cat in [c for _, c in earlier if c in RISK_CATEGORIES] or ["suicide"]:
                levels[cat] = max_level(levels.get(cat, "none"), "high")
    categories = order_categories(levels)
    topics = abuse_topics(_abuse_turns(messages, per_message)) if "abuse" in categories else []
    # The learned layer reads meaning, not whose story it is: its suspicion alone does not ask a person
    # about their own life when their latest message tells someone else's.
    learned_ask = (learned is not None and bool(layers.get(learned.name, {}).get("ask"))
                   and not lexicon.about_someone_else(latest))
    return ScreenResult(level=level, categories=categories, requests=sorted(requests), reasons=reasons,
                        layers=layers, topics=topics,
                        ask=direct_question_topic(messages, per_message, categories, learned_ask) if level == "low" else None)


#: Low on their own, but said of ordinary hardship as often as of dying ("我觉得自己被困住了" about a job,
#: "life feels pointless", "活得好累", "人间不值得"): they ask the direct question only with the classifier's
#: suspicion. Session 29: without this, 21 of the 1,060 labelled real Chinese messages labelled none were
#: asked, 11 with it; most of the 10 were "被困住了" about work or a dream.
WEAK_HINTS = {"zh.passive.hopeless_trapped", "zh.passive.tired", "zh.passive.not_worth", "en.passive.meaningless",
              "en.passive.giving_up"}
#: Someone else's risk, or a professional's question: the person is not asked about their own life.
NOT_THEIR_OWN = {"third_party_risk", "third_party_self_harm", "third_party_in_progress", "third_party_plan",
                 "professional", "about_patients"}


def direct_question_topic(messages: Sequence[dict[str, str]], per_message: Sequence[MessageRisk],
                          categories: Sequence[str], learned_ask: bool) -> str | None:
    """What a low-risk conversation should be asked directly: "suicide", "self_harm" or None.

    Crisis lines and the C-SSRS screener ask anyone who hints at it whether they are thinking of ending
    their life; asking does not raise risk, and the answer decides the level ("yes" is high risk). Asked
    when the lexicon finds suicide or self-harm at low in the person's own words (a wish to be dead, "if I
    were gone", an urge, an attempt told as history; not only `WEAK_HINTS`), or when the learned layer
    suspects high risk it cannot vouch for (`classifier.ASK_TARGET_FPR`: most implicit crises the screen
    misses) and nothing points elsewhere: not someone else's risk, not a professional's question, not a
    conversation about violence, abuse or psychosis.
    """
    if any(mr.signals & NOT_THEIR_OWN for mr in per_message):
        return None
    own: set[str] = set()
    for mr in per_message:
        topics = mr.categories & {"suicide", "self_harm"} if mr.level != "none" else set()
        hits = [h for h in _scan_cached(str(messages[mr.index].get("content", "")))
                if h.category in topics and h.level != "none" and not h.negated] if topics else []
        if topics and (not hits or any(h.pattern not in WEAK_HINTS for h in hits)):
            own |= topics
    if own:
        return "suicide" if "suicide" in own else "self_harm"
    if learned_ask and set(categories) <= {"suicide", "self_harm", "substance_use"}:
        return "self_harm" if "self_harm" in categories and "suicide" not in categories else "suicide"
    return None


def _abuse_turns(messages: Sequence[dict[str, str]], per_message: Sequence[MessageRisk]) -> list[str]:
    """The user turns the lexicon found abuse in; every user turn when only a learned layer found it."""
    turns = [str(messages[mr.index].get("content", "")) for mr in per_message if "abuse" in mr.categories]
    return turns or [str(m.get("content", "")) for m in messages if m.get("role") == "user"]
