"""The output screen: the model's reply is checked before it is shown, and replaced when unsafe.

    from psycollm.safety.output_screen import check_reply, SentenceBuffer
    problems = check_reply("You have bipolar disorder. Take 50 mg of quetiapine.")
    # [('diagnosis_as_fact', ...), ('medication_dosing', ...)]

What is never shown: method or means information (lethal doses, how to hang/cut/jump...), medication
dosing instructions, a diagnosis stated as fact ("you have depression", "你患有抑郁症"; hedged
wording such as "it might be worth asking a doctor about depression" is fine), encouragement of harm.
A refusal that names the topic ("I can't share lethal doses") is not a leak: matches after a
negation are ignored, as in the input lexicon.

These patterns catch the literal forms; `reply_classifier.py` is the learned half for everything
else, and `Guard.check_reply` runs both (the classifier where the patterns find nothing).

`SentenceBuffer` supports screening while streaming: it releases text one complete sentence at a time
and holds back everything from the first unsafe sentence on, so an unsafe sentence is never shown,
not even for a moment.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from psycollm.safety.lexicon import _negated, normalize

_DRUGS_EN = (r"(sertraline|zoloft|fluoxetine|prozac|escitalopram|lexapro|citalopram|paroxetine|venlafaxine|"
             r"duloxetine|bupropion|mirtazapine|quetiapine|seroquel|olanzapine|risperidone|aripiprazole|lithium|"
             r"lamotrigine|valproate|diazepam|valium|lorazepam|ativan|alprazolam|xanax|clonazepam|zolpidem|"
             r"ambien|trazodone|amitriptyline|melatonin|paracetamol|acetaminophen|tylenol|ibuprofen|"
             r"aspirin|insulin|opioids?|oxycodone|morphine|benzodiazepines?|antidepressants?|ssris?|pills?|"
             r"tablets?|capsules?|medication|meds)")
_DRUGS_ZH = (r"(舍曲林|氟西汀|艾司西酞普兰|西酞普兰|帕罗西汀|文拉法辛|度洛西汀|安非他酮|米氮平|喹硫平|奥氮平|利培酮|"
             r"阿立哌唑|碳酸锂|锂盐|拉莫三嗪|丙戊酸|地西泮|安定|劳拉西泮|阿普唑仑|氯硝西泮|唑吡坦|曲唑酮|阿米替林|"
             r"褪黑素|对乙酰氨基酚|扑热息痛|布洛芬|阿司匹林|胰岛素|安眠药|抗抑郁药|药)")
# An amount in digits or in words: "take forty milligrams of diazepam" is as much a dose as "take 40 mg"
# (session 21: neither the patterns nor the classifier replaced the words).
_AMOUNT_EN = (r"(\d+(\.\d+)?|half an?|half|a quarter of an?|one|two|three|four|five|six|seven|eight|nine|ten|"
              r"eleven|twelve|fifteen|twenty|twenty-five|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
              r"(one|a|two|three|four|five) hundred)")
_AMOUNT_ZH = r"(\d+(\.\d+)?|[一二两三四五六七八九十百千半]+)"
_CONDITIONS_EN = (r"(major depressive disorder|clinical depression|depression|bipolar( disorder)?|schizophrenia|"
                  r"borderline personality disorder|bpd|ptsd|post-traumatic stress disorder|ocd|"
                  r"obsessive-compulsive disorder|adhd|generalized anxiety disorder|an anxiety disorder|"
                  r"a personality disorder|narcissistic personality disorder|psychosis|autism|an eating disorder|"
                  r"anorexia|bulimia|dysthymia|panic disorder|social anxiety disorder)")
_CONDITIONS_ZH = (r"(抑郁症|重度抑郁|双相(情感)?障碍|躁郁症|精神分裂症?|边缘型人格障碍|人格障碍|创伤后应激障碍|PTSD|"
                  r"强迫症|多动症|注意缺陷多动障碍|广泛性焦虑障碍|焦虑症|惊恐障碍|社交焦虑障碍|进食障碍|厌食症|"
                  r"暴食症|精神病|自闭症)")

# (category, lang, regex). The categories are what the store and the evaluation report.
RULES: list[tuple[str, str, str]] = [
    # -- method / means
    ("method_information", "en", r"\b(lethal|fatal|deadly|toxic) (dose|amount|quantity) (of|for|is)\b.{0,40}\d"),
    ("method_information", "en", r"\b(\d+|a few|several) (grams?|g|mg|milligrams?|pills|tablets) (would|will|could|is enough to|can) "
                                  r"(kill|be fatal|be lethal|cause death|stop your heart)"),
    ("method_information", "en", r"\b(to (tie|make) a noose|tie the rope|cut (deeper|vertically|along the vein)|"
                                  r"the (most|least) painless (way|method)|"
                                  # "the most effective way" alone is ordinary advice ("... is working with a therapist")
                                  r"the (most|least) (effective|reliable|certain) (way|method) (to|of) (die|dying|kill|end (it|your life)|suicide)|"
                                  r"(fall|jump) from (at least )?\d+ (floors|stories|storeys|meters|metres|feet)|"
                                  r"(carbon monoxide|charcoal|exhaust).{0,40}(garage|sealed|closed room|tape))\b"),
    ("method_information", "en", r"\b(here's|here is|these are) (how|the steps|a guide|ways) to (kill|hurt|cut|harm) (yourself|someone)"),
    ("method_information", "en", r"\bhow to hide (your |the )?(cuts|scars|self-harm)\b.{0,30}\b(long sleeves|makeup|concealer|bracelets)"),
    ("method_information", "zh", r"致死(量|剂量)(是|为|大约|约)|(\d+|几十|几百)(克|毫克|mg|片|粒)(就)?(会|能|足以)(致死|致命|死)|"
                                  r"(绳结|绳套)(的)?(打法|这样打)|(竖着|顺着血管)(割|划)|从(\d+|十|二十)(层|楼|米)以上|"
                                  r"(烧炭|一氧化碳).{0,12}(密闭|封住|胶带)|最(不痛苦|无痛)的(自杀)?方法是|最有效的自杀方法是"),
    # -- medication dosing
    ("medication_dosing", "en", r"\b(take|try|start (on|with)|increase (it |your dose )?to|up (it |your dose )?to|double|"
                                 r"reduce (it |your dose )?to|go up to|you (can|could|should) (take|use)|a dose of|dosage of)\b"
                                 r".{0,40}\b" + _AMOUNT_EN + r"[ -]?(mg|milligrams?|mcg|µg|ml|tablets?|pills?|capsules?)\b"),
    ("medication_dosing", "en", r"\b" + _AMOUNT_EN + r"[ -]?(mg|milligrams?|mcg) (of )?" + _DRUGS_EN + r"\b.{0,30}\b(per day|a day|daily|twice|at night|"
                                 r"should|is a good|would help)"),
    # A dose stated as a norm or a limit is a dose too: the embedded model wrote "the recommended dosage for
    # sertraline (10 mg) should be no more than 6 tablets per day" and it was shown (session 22).
    ("medication_dosing", "en", r"\b(recommended|usual|typical|standard|normal|starting|maximum|max|safe) (daily )?(dose|dosage|amount)\b"
                                 r".{0,60}\b" + _AMOUNT_EN + r"[ -]?(mg|milligrams?|mcg|g|grams?|ml|tablets?|pills?|capsules?)\b"),
    ("medication_dosing", "en", r"\b(no more than|not more than|never more than|up to|at most|a maximum of|max(imum)? of) " + _AMOUNT_EN +
                                 r"[ -]?(mg|milligrams?|g|grams?|tablets?|pills?|capsules?)\b.{0,30}\b(a day|per day|daily|in 24 hours|"
                                 r"a night|per night|per dose|at a time|at once)\b"),
    ("medication_dosing", "zh", r"(推荐|常用|一般|通常|标准|起始|最大|安全)(的)?(剂量|用量)(是|为|在)?.{0,12}" + _AMOUNT_ZH +
                                 r"\s?(毫克|mg|克|片|粒|毫升|ml)"),
    ("medication_dosing", "en", r"\b(double|triple|halve) (your|the) (dose|dosage|medication)\b|\bstop taking (your|the) \w+ (abruptly|right away|now)\b"),
    ("medication_dosing", "zh", r"(服用|吃|加到|加量到|减到|增加到|每次|每天|一次|一天|睡前)(吃|服)?.{0,10}" + _AMOUNT_ZH + r"\s?(毫克|mg|片|粒|毫升|ml)"),
    ("medication_dosing", "zh", _AMOUNT_ZH + r"\s?(毫克|mg|片|粒)" + _DRUGS_ZH + r".{0,8}(就可以|比较合适|每天|一天)"),
    ("medication_dosing", "zh", r"(把|将)?(剂量|药量)(加倍|翻倍|减半)|自行(停药|加药|减药)(就可以|没问题|也可以)"),
    # -- diagnosis stated as fact
    ("diagnosis_as_fact", "en", r"\byou (clearly |definitely |certainly |obviously )?(have|are suffering from|suffer from|'ve got|"
                                 r"have got) (a |an )?" + _CONDITIONS_EN + r"\b"),
    ("diagnosis_as_fact", "en", r"\byou are (clearly |definitely |obviously )?(bipolar|schizophrenic|psychotic|autistic|"
                                 r"a narcissist|a psychopath|a sociopath|anorexic|bulimic|clinically depressed)\b"),
    ("diagnosis_as_fact", "en", r"\b(this|that|it|what you describe) is (definitely|clearly|certainly|obviously) " + _CONDITIONS_EN + r"\b"),
    ("diagnosis_as_fact", "en", r"\bi diagnose you\b|\bmy diagnosis is\b|\byour diagnosis is\b"),
    ("diagnosis_as_fact", "zh", r"你(肯定|一定|明显|确实|就是|就)?(患有|得了|患了|有|是)" + _CONDITIONS_ZH),
    ("diagnosis_as_fact", "zh", r"(可以)?(确诊|诊断)(你)?(为|是)" + _CONDITIONS_ZH + r"|这(肯定|一定|明显|就)是" + _CONDITIONS_ZH),
    # -- encouragement of harm
    ("encouraging_harm", "en", r"\byou should (just )?(kill|hurt|cut|harm|end) (yourself|your life|him|her|them)\b|"
                                r"\bgo ahead and (do it|end it|kill|hurt|jump|cut)\b|\b(you'd|you would) be better off dead\b|"
                                r"\bno one would miss you\b|\bending your life (is|would be|might be) (the|a) (right|best|good|reasonable)\b|"
                                r"\bthey deserve to (die|be hurt|suffer)\b|(?<![\"“'])\bjust do it\b(?![\"”'])"),  # not Nike's motto, quoted
    ("encouraging_harm", "zh", r"你(应该|就|可以|不如)(去死|自杀|结束(自己的)?生命|伤害自己|割)|去死吧|"
                                r"(你)?死了(也好|更好|就解脱了|一了百了)|没(有)?人会想你|(他|她|他们)(就)?该死"),
]

# Hedged, conditional or denied phrasing is not a diagnosis stated as fact. The wordings below the first
# line come from therapists' real answers (counsel_chat, EmoLLM) that the screen used to replace:
# "Maybe you have depression.", "that doesn't mean you have an anxiety disorder", "It sounds to me like
# you are suffering from depression to some degree", "如果确诊为双相情感障碍，治疗通常包括…".
_HEDGE = re.compile(r"\b(may|might|could|possibly|perhaps|if|whether|sounds like|some signs|signs of|symptoms of|"
                    r"not a diagnosis|can't diagnose|cannot diagnose|"
                    r"maybe|probably|likely|possible|seems?|sounds to me like|to some (degree|extent)|not sure|unclear|"
                    r"(doesn't|does not|don't|do not) (necessarily )?mean|not necessarily|"
                    r"(i|we|they|people|others|some) (might )?(think|thought|assume|believe|wonder)|thought is|assum\w+)\b|"
                    r"可能|也许|或许|是否|有没有|是不是|倾向|迹象|不能诊断|无法诊断|"
                    r"如果|假如|要是|若是|一旦|即使|不一定|不代表|不等于|不见得")


@dataclass(frozen=True)
class Problem:
    category: str
    text: str
    # Found in a streamed reply judged as a whole so far: more sentences may lift it (a longer reply is
    # judged by its sentences), so the stream holds the text back instead of blocking it for good.
    provisional: bool = False

    def describe(self) -> str:
        return f"{self.category}: '{self.text}'"


@lru_cache(maxsize=1)
def _compiled() -> list[tuple[str, str, re.Pattern[str]]]:
    return [(cat, lang, re.compile(rx, re.IGNORECASE)) for cat, lang, rx in RULES]


# A reply's sentences, each with its closing punctuation. A full stop between two digits is a decimal
# point, not a sentence end: split there, "take 0.5 mg of clonazepam" became "take 0." and "5 mg of
# clonazepam", and neither the dose pattern nor the reply classifier saw the dose (session 21).
_SENT = re.compile(r"(?:\d\.(?=\d)|[^.!?。！？\n])+[.!?。！？\n]*")


# The person's own dose said back to them, or their prescriber's, is not dosing advice: "You mentioned you
# take 20mg of prozac each morning. How has your mood been?", "医生把你的舍曲林从50毫克加到100毫克以后，你觉得
#有点心慌" were replaced until session 22. Read in the match's own clause only, so "your doctor prescribed
# 50 mg, but you could take 100 mg" is still advice.
_REPORTED_DOSE = re.compile(
    r"\b(you (mentioned|said|say|told me|wrote|shared|noted|described)|you('ve| have) been (on|taking)|"
    r"you('re| are) (on|taking|currently taking)|(was|were|been|got) (prescribed|put on|increased|raised|lowered|changed|"
    r"bumped|moved)|your (doctor|psychiatrist|gp|prescriber|pharmacist|nurse)\b.{0,30}\b(has you on|had you on|put you on|"
    r"prescribed|raised|increased|lowered|reduced|changed|started you on|moved you|bumped))\b|"
    r"你(刚才|之前)?(提到|说|说过|讲|讲过)|(?<![把将])医生(已经)?(把你的|给你|让你|帮你|开了|开的)|你(现在|一直|目前|平时)(在)?(吃|服用)")
# Advice after the cue in the dose's clause: the dose is advised, whoever's it is (session 23).
_ADVICE = re.compile(r"\b(you (can|could|should|might want to|may want to)|try|((it|that)'?s|is|are) (usually |probably |totally |"
                     r"perfectly )?(ok|okay|fine|safe)|(safe|fine|ok|okay) to|go ahead|feel free|no harm|(won'?t|wouldn'?t|doesn'?t) "
                     r"hurt|instead|double up|yourself)\b|"
                     r"可以|(?<!医生)(?<!医师)(?<!大夫)建议|试试|不妨|应该|最好|就行|就好|没关(系|是)|没问题|放心|无妨|问题不大|不碍事|"
                     r"那就|就(吃|服|加|减|停)|再(吃|服|加)|多吃|给(她|他|孩子)吃")
# Not lexicon._CLAUSE_SPLIT: ";" and ":" must end a clause here (a reply's sentences keep them inside), and
# "、" must not (a cue names the drug and the dose in one list: "你提到医生开了舍曲林、每天50毫克").
_CLAUSE_END = re.compile(r"[,;:，；：]|\bbut\b|但是|可是|不过")


def _reported_dose(sentence: str, start: int) -> bool:
    """Is the dose at `start` the person's own or their prescriber's, said back: a cue before it in its own
    clause ("you mentioned you take 20mg"), and no advice from the cue to the end of that clause ("你现在可以
    吃0.5毫克", "you said you're on 50 mg and going up to 100 mg yourself is fine" are advice, session 23)?
    A cue in an earlier clause of the sentence was tried in session 23 ("你说你吃的是文拉法辛缓释胶囊，一天一粒75毫克"):
    it spared 10 of 100 safe replies on the development doses set but 1 on the held-out one, and let 2 of
    its 40 unsafe ones past the patterns (the reply classifier still caught them); not kept."""
    cut = max((m.end() for m in _CLAUSE_END.finditer(sentence, 0, start)), default=0)
    end = next((m.start() for m in _CLAUSE_END.finditer(sentence, start)), len(sentence))
    return _cue_without_advice(sentence, cut, start, end)


def _cue_without_advice(text: str, start: int, cue_end: int, end: int) -> bool:
    """A said-back cue in text[start:cue_end], and no advice from the nearest such cue to `end`."""
    cue = next(reversed(list(_REPORTED_DOSE.finditer(text, start, cue_end))), None)
    return cue is not None and _ADVICE.search(text, cue.end(), end) is None


# An amount of a medicine, and anything done to one, for `only_doses_said_back`.
_DOSE_AMOUNT = re.compile(r"(?<![\w.])" + _AMOUNT_EN + r"[ -]?(mg|milligrams?|mcg|µg|ml|g|grams?|tablets?|pills?|capsules?)\b|"
                          + _AMOUNT_ZH + r"\s?(毫克|mg|克|片|粒|毫升|ml)", re.IGNORECASE)
_MED_ACTION = re.compile(
    # "It may take time", "take a breath", "take care" do nothing to a medicine.
    r"\b((take|taking|took)(?! (time|some time|a while|a (moment|breath|break|walk|minute|second|step back)|care|it (slow|easy)|"
    r"(a few |several |two |three |\d+ )?(days|weeks|months)))|stop|stopping|skip|skipping|double|doubling|halve|cut|come off|coming off|quit|drop|increase|"
    r"decrease|lower|raise|split|crush|give|giving|share|another|extra|second|the whole lot|all of them|instead|"
    r"it'?s (ok|okay|fine|safe) to|you (can|could|should|might want to) (just )?(take|try|stop|skip|use|go))\b|"
    r"吃|服|停|加到|加量|减|不吃|别吃|别给|加倍|翻倍|减半|多吃|少吃|改成|换成|没关(系|是)|可以不", re.IGNORECASE)


def _clauses(sentence: str) -> list[str]:
    cuts = [0, *(x for m in _CLAUSE_END.finditer(sentence) for x in (m.start(), m.end())), len(sentence)]
    return [sentence[a:b] for a, b in zip(cuts[::2], cuts[1::2], strict=True)]


def _said_back(clause: str) -> bool:
    """A clause that says something back ("you mentioned you take it with breakfast") and advises nothing
    after its cue ("you said you're on it and it's fine to take more" advises)."""
    return _cue_without_advice(clause, 0, len(clause), len(clause))


def only_doses_said_back(reply: str) -> bool:
    """Does the reply name a dose only to say back the person's own or their prescriber's (each amount in a
    clause `_REPORTED_DOSE` excuses), and do its other clauses say nothing done to a medicine (take, stop,
    skip, double, give; 吃, 停, 加到, 减)? `Guard.check_reply` then sets aside the reply classifier's dosing
    finding: it reads a drug and a dose as dosing, and replaced 39 of 100 safe replies that only say a dose
    back (session 22; 300 training replies did not teach it otherwise without costing the other categories).
    Strict on purpose: "吃" anywhere outside the said-back clause keeps the finding."""
    text = normalize(reply)
    amounts = 0
    for sentence in (m.group(0) for m in _SENT.finditer(text)):
        for m in _DOSE_AMOUNT.finditer(sentence):
            amounts += 1
            if not _reported_dose(sentence, m.start()):
                return False
        if any(_MED_ACTION.search(c) for c in _clauses(sentence) if not _said_back(c)):
            return False
    return amounts > 0


def _excused(category: str, lang: str, sentence: str, m: re.Match[str]) -> bool:
    if _negated(sentence, m.start(), lang):
        return True  # "I can't tell you the lethal dose of..." is a refusal, not a leak
    if category == "medication_dosing" and _reported_dose(sentence, m.start()):
        return True
    # The hedge must come first ("maybe you have depression"): "You clearly have bipolar disorder, maybe
    # see someone" still states it. A question states nothing ("...because you have autism?").
    return category == "diagnosis_as_fact" and (_HEDGE.search(sentence, 0, m.start()) is not None
                                                or sentence.rstrip().endswith(("?", "？")))


def check_reply(reply: str) -> list[Problem]:
    """Every unsafe statement in the reply (empty list = safe)."""
    text = normalize(reply)
    problems: list[Problem] = []
    for sentence in (m.group(0) for m in _SENT.finditer(text)):
        for category, lang, rx in _compiled():
            # Every match, overlapping ones too: an excused one ("you mentioned you take 20mg") must not
            # hide a later one in the same sentence ("...; you could take 40 mg instead").
            m = rx.search(sentence)
            while m is not None and _excused(category, lang, sentence, m):
                m = rx.search(sentence, m.start() + 1)
            if m is not None:
                problems.append(Problem(category, m.group(0).strip()))
    return problems


_REPLACEMENT = {
    "zh": "抱歉，我刚才的回答不太合适，所以没有显示出来。我不能提供伤害方式、药物剂量或诊断，"
          "这些需要由医生或专业人员根据你的情况来判断。我很愿意继续陪你聊聊你现在的感受和想法——你愿意多说一些吗？",
    "en": "I'm sorry, my reply wasn't appropriate, so I haven't shown it. I can't give methods of harm, "
          "medication doses or diagnoses; those need a doctor or another professional who knows your situation. "
          "I'd still like to hear more about how you're feeling and what's on your mind. Would you tell me more?",
}


def replacement_text(lang: str) -> str:
    return _REPLACEMENT["zh" if lang == "zh" else "en"]


def _check_new(shown: str, new: str) -> list[Problem]:
    return check_reply(new)  # the patterns read one sentence at a time: what came before does not matter


def complete_up_to(text: str, start: int = 0) -> int:
    """The index just after the last complete sentence of streamed `text` (`start` when none ends after it).

    A full stop right after a digit is not an end while the next character is a digit or has not arrived
    yet: "take 0." may be the start of "take 0.5 mg", and releasing it would check "take 0." alone."""
    for i in range(len(text) - 1, start - 1, -1):
        ch = text[i]
        if ch in "!?。！？\n":
            return i + 1
        if ch == "." and not (i > 0 and text[i - 1].isdigit() and (i + 1 == len(text) or text[i + 1].isdigit())):
            return i + 1
    return start


class SentenceBuffer:
    """Release streamed text sentence by sentence, holding back everything from an unsafe sentence on.

        buf = SentenceBuffer()
        for piece in stream:
            shown = buf.feed(piece)     # text that is safe to show so far
        final_ok = buf.close()          # False when something was held back

    `check(shown, new)` judges `new`, the complete sentences that follow the text already shown; the
    guard passes `Guard.check_streamed` (patterns + reply classifier, judging the reply so far the way the
    end-of-reply check would judge it if it ended there). A provisional problem holds `new` back until the
    next sentence arrives; any other blocks the rest of the reply; at `close` every problem blocks.
    """

    def __init__(self, check: Callable[[str, str], list[Problem]] = _check_new) -> None:
        self.check = check
        self.text = ""
        self.released = ""
        self.blocked: list[Problem] = []

    def feed(self, piece: str) -> str:
        self.text += piece
        if self.blocked:
            return self.released
        cut = complete_up_to(self.text, len(self.released))
        if cut > len(self.released):
            problems = self.check(self.released, self.text[len(self.released):cut])
            if not problems:
                self.released = self.text[:cut]
            elif not all(p.provisional for p in problems):
                self.blocked = problems
            # else: hold the new sentences back and judge them again with the next one
        return self.released

    def close(self) -> bool:
        if not self.blocked and len(self.text) > len(self.released):
            problems = self.check(self.released, self.text[len(self.released):])
            if problems:
                self.blocked = problems
            else:
                self.released = self.text
        return not self.blocked
