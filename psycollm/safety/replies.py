"""Fixed, warm, localized texts the safety layer shows instead of a model reply.

    from psycollm.safety.replies import crisis_reply, refusal_reply, caution_addendum
    crisis_reply("zh", "CN", level="imminent", categories=["suicide"])

Written by people, never generated: in a crisis the words must be right every time. Each crisis reply
(1) acknowledges what was shared, (2) says what to do now (emergency number first when it is
happening now), (3) lists the locale's resources, (4) invites the person to keep talking.
"""

from __future__ import annotations

from collections.abc import Sequence

from psycollm.safety.resources import (
    ABUSE_KINDS,
    PLACE,
    Resource,
    abuse_lines,
    format_resources,
    resources_for,
)

_OPEN = {
    "suicide": {
        "zh": "谢谢你愿意告诉我这些。听起来你现在非常痛苦，你的安全对我来说最重要。",
        "en": "Thank you for telling me. It sounds like you are in a lot of pain right now, and your safety "
              "matters more than anything else here.",
    },
    "self_harm": {
        "zh": "谢谢你愿意说出来。伤害自己往往是因为心里太痛了，你值得被好好照顾。",
        "en": "Thank you for telling me. Hurting yourself often comes from pain that feels too big to hold, "
              "and you deserve care and support.",
    },
    "harm_to_others": {
        "zh": "谢谢你坦诚地说出来。你现在的愤怒和痛苦很强烈，最重要的是不要让任何人——包括你自己——受到伤害。",
        "en": "Thank you for being honest with me. What you're feeling is very intense, and the most important "
              "thing right now is that nobody, you included, gets hurt.",
    },
    "abuse": {
        "zh": "谢谢你告诉我，这需要很大的勇气。发生的事情不是你的错，你值得安全。",
        "en": "Thank you for telling me; that took courage. What is happening is not your fault, and you "
              "deserve to be safe.",
    },
    "medical_emergency": {
        "zh": "这听起来是需要立刻处理的医疗紧急情况。",
        "en": "This sounds like a medical emergency that needs help right away.",
    },
    "psychosis_mania": {
        "zh": "谢谢你告诉我你正在经历的事情。听起来这些体验让你很困扰，现在最好尽快得到医生的帮助。",
        "en": "Thank you for telling me what you're going through. These experiences sound overwhelming, and "
              "the best next step is to get help from a doctor as soon as possible.",
    },
}

_NOW = {
    "imminent": {  # {call}, {first}: the locale's emergency numbers (`_now`)
        "zh": "如果你或身边的人现在有生命危险，请立刻拨打 {call}，或请身边的人马上帮你拨打。"
              "如果已经服下了药物或有毒物质，请不要等症状出现，现在就打 {first}。",
        "en": "If you or someone near you is in danger right now, please call your emergency number now "
              "({call}), or ask someone nearby to call for you. If pills or poison have been taken, don't wait "
              "for symptoms: call now.",
    },
    "high": {
        "zh": "请现在就联系能帮助你的人：拨打下面的热线，或告诉一位你信任的人你现在的状况。"
              "如果可以，请把可能用来伤害自己或他人的东西放到够不着的地方。",
        "en": "Please reach out to someone who can help right now: one of the lines below, or a person you "
              "trust. If you can, put anything you might use to hurt yourself or someone else out of reach.",
    },
}

_INVITE = {
    "zh": "你不必一个人扛着。我会一直在这里，如果你愿意，可以继续告诉我你现在的感受。",
    "en": "You don't have to carry this alone. I'm here, and if you'd like, you can keep talking to me about "
          "how you're feeling right now.",
}

_RESOURCES_HEADER = {"zh": "可以联系：", "en": "You can reach:"}

_REPEAT = {
    "zh": "我还在这里，也很在意你的安全。你之前说的话让我很担心，所以我想再提醒一次可以马上联系的帮助：",
    "en": "I'm still here, and I still care about your safety. What you shared earlier worries me, so here "
          "again is help you can reach right now:",
}

# Later fixed replies in a row. The first repeat is `_REPEAT`; from the second on, these take turns, so a person
# who took up the invitation to keep talking does not get the very same text back each turn (which reads as a
# broken machine, session 35), and they say plainly why the conversation is not going on as usual. None of them
# asks a question: after a fixed reply the next message is screened alone, and a question here (are you safe?
# are you thinking of ...?) would turn a bare "yes" or "嗯" into an answer the guard reads (tested).
_REPEAT_LATER = (
    {"zh": "谢谢你还愿意跟我说，你写的每一句我都在看。因为你之前说的话，我会先继续把现在就能陪你面对这件事的人告诉你，"
           "而不是像平常那样聊下去：",
     "en": "Thank you for still talking with me; I'm reading every word. Because of what you told me earlier, I'm "
           "going to keep pointing you to people who can be with you in this right now, rather than carry on as "
           "usual here:"},
    {"zh": "我还在。你之前说的话仍然是我最在意的，所以在说别的之前，再告诉你一次现在就可以联系的人：",
     "en": "I'm still with you. What you said earlier is still what matters most to me, so before anything "
           "else, here once more is who you can reach straight away:"},
)

_INVITE_LATER = {
    "zh": "如果从那之后有什么变化，或者现在有人陪着你，可以告诉我。我在听。",
    "en": "If something has changed since then, or someone is with you now, you can tell me. I'm listening.",
}

_FAILURE = {
    "zh": "抱歉，我这边出了点问题，暂时没法正常回复。你的安全对我来说最重要——如果你现在感到危险或有伤害自己的想法，请马上联系：",
    "en": "I'm sorry, something went wrong on my side and I can't reply properly right now. Your safety "
          "matters most: if you feel unsafe or are thinking about hurting yourself, please reach out now:",
}

_REFUSAL = {
    "lethal_means": {
        "zh": "这个问题我不能回答，因为相关信息可能会让人受到伤害。不过我很在意你为什么会问这个——"
              "如果你正在考虑伤害自己或结束生命，请告诉我，我愿意听；也可以马上联系下面的热线。",
        "en": "I can't help with that, because that information could be used to hurt someone. But I care "
              "about why you're asking. If you're thinking about hurting yourself or ending your life, I'd "
              "really like to hear what's going on, and the lines below can help right now.",
    },
    "hide_self_harm": {
        "zh": "我不能帮忙隐藏自伤，因为那会让你更难得到需要的照顾。我想了解是什么让你想伤害自己，"
              "也想陪你一起想想：有没有一位你信任的人，可以先告诉他一点点？",
        "en": "I can't help hide self-harm, because that would make it harder for you to get the care you "
              "deserve. I'd like to understand what's leading you to hurt yourself, and to think with you about "
              "one trusted person you could tell, even a little.",
    },
    "medication_dosing": {
        "zh": "用药的种类和剂量需要由了解你情况的医生或药师来决定，我不能给出剂量建议，自行加减药也可能有风险。"
              "建议尽快联系你的医生或药师。如果你愿意，我们可以聊聊最近的感受，或者整理一下想问医生的问题。",
        "en": "Which medication and how much is something only a doctor or pharmacist who knows you can decide, "
              "so I can't give doses, and changing a dose on your own can be risky. Please check with your "
              "prescriber or a pharmacist soon. If you like, we can talk about how you've been feeling, or list "
              "the questions you want to ask them.",
    },
    "diagnosis_request": {
        "zh": "我不能做出诊断——诊断需要专业人员面对面的全面评估。但你描述的困扰是真实的、值得重视的。"
              "我们可以一起梳理你的感受和经历，帮你为见精神科医生或心理咨询师做准备。",
        "en": "I can't give a diagnosis: that takes a full assessment by a qualified professional. What you're "
              "going through is real and worth taking seriously, though. We can sort through what you've been "
              "experiencing together, so you're ready to talk to a psychiatrist or psychologist.",
    },
    "jailbreak": {
        "zh": "我会一直按照保护你安全的原则来回应，这一点不会改变。如果你此刻有什么困扰，我很愿意听你说。",
        "en": "I'll keep following the guidelines that keep this conversation safe; that doesn't change. If "
              "something is weighing on you right now, I'm glad to listen.",
    },
}

_ADDENDUM = {
    "zh": "【安全提示】对方可能处在痛苦之中（{cats}）。请温和地表达理解，不评判；可以直接而关切地询问对方的安全"
          "以及是否有伤害自己的想法；不提供任何伤害方式、药物剂量或诊断；鼓励对方联系信任的人或专业帮助，"
          "必要时提供热线：{lines}。",
    "en": "[Safety note] The person may be in distress ({cats}). Respond warmly and without judgment; you may ask "
          "directly and kindly about their safety and whether they have thoughts of harming themselves; never "
          "give methods, medication doses or diagnoses; encourage reaching out to someone they trust or to "
          "professional help, and mention crisis lines if it fits: {lines}.",
}

# After a crisis reply (`safety.after_crisis = support`): the person keeps talking, and the model answers,
# but as someone staying with a person at risk. What it asks for follows the usual crisis-line practice:
# stay, ask about safety now, one small next step; never means, doses or a promise of secrecy.
_SUPPORT_ADDENDUM = {
    "zh": "【危机支持】对方在这段对话中早些时候说出了危及安全的情况（{cats}），已经看到了危机求助热线。请温和、平静地"
          "陪着对方，回应对方此刻说的话；温和地问对方现在是否安全，是否已经联系、或能够联系热线或一位信任的人；"
          "和对方一起想一个很小的下一步（找人陪着、把危险物品放远、拨打热线）。不提供任何伤害方式、药物剂量或诊断，"
          "不承诺保密，不争辩、不说教。热线：{lines}。",
    "en": "[Crisis support] Earlier in this conversation the person said something that puts their safety at risk "
          "({cats}) and was shown crisis lines. Stay with them, warmly and calmly, and respond to what they say now; "
          "gently ask whether they are safe right now and whether they have reached, or can reach, a crisis line or "
          "someone they trust; help with one small next step (having someone with them, putting means out of reach, "
          "calling a line). Never give methods, medication doses or diagnoses, never promise secrecy, and do not "
          "argue or lecture. Lines: {lines}.",
}

# The direct question of a caution turn (`Guard`, `crisis_screen.direct_question_topic`): asked plainly, in
# the words crisis lines train volunteers to use ("Are you thinking about suicide?"), not "you're not
# thinking of doing anything silly, are you?", which invites a "no". It names the topic so that a bare
# "yes" or "有" in the next turn is read as an answer to it (`lexicon` risk_question + affirmative).
_DIRECT_QUESTION = {
    "suicide": {"en": "I want to ask you directly, because it matters: are you having thoughts of "
                      "ending your life?",
                "zh": "我想直接问你一句，因为这很重要：你现在有没有想过结束自己的生命？"},
    "self_harm": {"en": "I want to ask you directly, because it matters: are you having thoughts of "
                        "hurting yourself right now?",
                  "zh": "我想直接问你一句，因为这很重要：你现在有没有想伤害自己？"},
}


def direct_question(lang: str, topic: str) -> str:
    """The fixed direct question about `topic` ("suicide" or "self_harm") in the reply's language."""
    return _DIRECT_QUESTION.get(topic, _DIRECT_QUESTION["suicide"])[_lang(lang)]


def direct_question_asked(text: str) -> str | None:
    """The topic of our direct question if this assistant turn ends with it (so the next message answers
    it), else None."""
    text = text.rstrip()
    return next((topic for topic, by_lang in _DIRECT_QUESTION.items() for q in by_lang.values()
                 if text.endswith(q)), None)


_CATEGORY_ORDER = ("medical_emergency", "suicide", "self_harm", "harm_to_others", "abuse", "psychosis_mania")


def _lang(lang: str) -> str:
    return "zh" if lang == "zh" else "en"


def _resources_block(lang: str, locale: str, categories: Sequence[str], topics: Sequence[str] = ()) -> str:
    return f"{_RESOURCES_HEADER[lang]}\n{format_resources(resources_for(locale, categories, topics), lang, locale)}"


_ELSEWHERE = "911 in the US, 999 in the UK, 112 in the EU"


def _now(level: str, lang: str, locale: str) -> str:
    """What to do now. Danger in progress names the locale's emergency numbers first (a person in Hong Kong must
    not be told to call 120, one in Australia to call 911); in English the US, UK and EU numbers follow, since
    the locale may come from the language alone."""
    text = _NOW[level][lang]
    if level != "imminent":
        return text
    numbers = [r.number for r in resources_for(locale) if r.kind == "emergency"]
    zh_place, en_place = PLACE.get(locale, ("", ""))
    if lang == "zh":
        if locale == "CN" or not numbers:
            return text.format(call="120（急救）或 110（报警）", first="120")
        return text.format(call=" 或 ".join(numbers) + f"（{zh_place}的紧急电话）", first=numbers[0])
    if locale in ("US", "UK") or not numbers:
        return text.format(call=_ELSEWHERE)
    return text.format(call=f"{' or '.join(numbers)} in {en_place}; elsewhere {_ELSEWHERE}")


def crisis_reply(lang: str, locale: str, level: str = "high", categories: Sequence[str] = ("suicide",),
                 repeat: bool | int = False, topics: Sequence[str] = ()) -> str:
    """The fixed crisis reply; `repeat` gives a shorter one when it was just shown in this conversation: the
    number of fixed crisis replies in a row before this one (`crisis_replies_in_a_row`; True counts as 1), so
    that a third and later one is worded differently from the one before it. `topics` (abuse_topics) puts the
    abuse lines that fit first among the abuse lines."""
    lang = _lang(lang)
    cats = [c for c in _CATEGORY_ORDER if c in categories] or ["suicide"]
    if repeat:
        later = int(repeat) - 2  # bool is an int: True -> the first repeat
        opening = _REPEAT[lang] if later < 0 else _REPEAT_LATER[later % len(_REPEAT_LATER)][lang]
        body = [opening, _resources_block(lang, locale, cats, topics), (_INVITE if later < 0 else _INVITE_LATER)[lang]]
    else:
        now = _now("imminent" if level == "imminent" or cats[0] == "medical_emergency" else "high", lang, locale)
        body = [_OPEN[cats[0]][lang], now, _resources_block(lang, locale, cats, topics), _INVITE[lang]]
    return "\n\n".join(body)


def failure_reply(lang: str, locale: str) -> str:
    lang = _lang(lang)
    return "\n\n".join([_FAILURE[lang], _resources_block(lang, locale, ["suicide"]), _INVITE[lang]])


def refusal_reply(lang: str, locale: str, requests: Sequence[str]) -> str:
    """A refusal with a helpful redirect; lethal-means and hiding self-harm also get crisis resources."""
    lang = _lang(lang)
    order = ("lethal_means", "hide_self_harm", "medication_dosing", "diagnosis_request", "jailbreak")
    kind = next((r for r in order if r in requests), "jailbreak")
    parts = [_REFUSAL[kind][lang]]
    if kind in ("lethal_means", "hide_self_harm") or ("lethal_means" in requests):
        parts.append(_resources_block(lang, locale, ["suicide"]))
    return "\n\n".join(parts)


def _named(resources: Sequence[Resource], lang: str) -> str:
    return ", ".join(f"{r.label(lang)} {r.number}" for r in resources)


def caution_addendum(lang: str, locale: str, categories: Sequence[str], topics: Sequence[str] = ()) -> str:
    """The system-prompt addition for low risk: the model answers, safety-aware. It names the lines of the
    caution line under the reply, and the locale's second crisis line (a text line, a local center)."""
    lang = _lang(lang)
    return _ADDENDUM[lang].format(cats=", ".join(categories) or "distress",
                                  lines=_named(key_lines(locale, categories, topics, crisis=2), lang))


def support_addendum(lang: str, locale: str, categories: Sequence[str], topics: Sequence[str] = ()) -> str:
    """The system-prompt addition for a turn after a crisis reply (`Action.SUPPORT`)."""
    lang = _lang(lang)
    cats = [c for c in _CATEGORY_ORDER if c in categories] or ["suicide"]
    return _SUPPORT_ADDENDUM[lang].format(cats=", ".join(cats), lines=_named(key_lines(locale, cats, topics, crisis=2), lang))


def key_lines(locale: str, categories: Sequence[str], topics: Sequence[str] = (), crisis: int = 1) -> list[Resource]:
    """The few lines a caution turn names: the locale's first `crisis` crisis lines; the line for the category (poisoning)
    and the abuse lines that fit `topics` (at most two; the first abuse line when no topic fits); then the
    statutory emergency numbers (kind `emergency`; not the UK's NHS 111, kind `urgent`: urgent care, not an
    emergency line)."""
    found = resources_for(locale, categories, topics)
    general = [r for r in found if r.kind == "crisis"][:crisis]
    other = [r for r in found if r.categories and r.kind not in ("emergency", "urgent", *ABUSE_KINDS)][:1]
    abuse = [r for r in found if r.kind in ABUSE_KINDS]
    abuse = abuse_lines(abuse, topics)[:2] or abuse[:1]
    emergency = [r for r in found if r.kind == "emergency"]
    return general + other + abuse + emergency


_CAUTION_LINE = {
    "zh": "如果你此刻感到不安全，或有伤害自己的念头，可以随时联系：{lines}；紧急情况请拨打 {emergency}。",
    "en": "If you ever feel unsafe or think about harming yourself, you can reach {lines}, any time; "
          "in an emergency call {emergency}.",
}


def caution_resources(lang: str, locale: str, categories: Sequence[str], topics: Sequence[str] = ()) -> str:
    """The one line shown under the model's reply on a caution turn: `key_lines`, the emergency numbers last.

    Fixed text, not the model's: a small model may ignore the addendum's request to mention the lines.
    """
    lang = _lang(lang)
    keys = key_lines(locale, categories, topics)
    lines = ("；" if lang == "zh" else "; ").join(r.named(lang) for r in keys if r.kind != "emergency")
    emergency = (" 或 " if lang == "zh" else " or ").join(r.number for r in keys if r.kind == "emergency")
    return _CAUTION_LINE[lang].format(lines=lines, emergency=emergency)


def _openings() -> tuple[str, ...]:
    texts = [v[lang] for table in (_OPEN, _REFUSAL) for v in table.values() for lang in ("zh", "en")]
    texts += [t[lang] for t in (_REPEAT, *_REPEAT_LATER, _FAILURE) for lang in ("zh", "en")]
    return tuple(texts)


def is_crisis_reply(text: str) -> bool:
    """Was this assistant turn one of our fixed crisis replies (so the next one can be the short repeat)?"""
    return crisis_reply_category(text) is not None


def crisis_reply_shown(messages: Sequence[dict[str, str]]) -> bool:
    """Did an assistant turn of this conversation give one of our fixed crisis replies?"""
    return any(m.get("role") == "assistant" and is_crisis_reply(str(m.get("content", ""))) for m in messages)


def crisis_reply_category(text: str) -> str | None:
    """The category of one of our fixed crisis replies ("" for the short repeat); None for any other text."""
    text = text.strip()
    for category, opening in _OPEN.items():
        if text.startswith((opening["zh"], opening["en"])):
            return category
    repeats = tuple(t[lang] for t in (_REPEAT, *_REPEAT_LATER) for lang in ("zh", "en"))
    return "" if text.startswith(repeats) else None


def crisis_replies_in_a_row(messages: Sequence[dict[str, str]]) -> int:
    """How many of the last assistant turns, counted back from the end, were fixed crisis replies (user turns
    between them do not break the run; any other assistant turn does): what `crisis_reply(repeat=...)` takes."""
    count = 0
    for m in reversed(messages):
        if m.get("role") != "assistant":
            continue
        if not is_crisis_reply(str(m.get("content", ""))):
            break
        count += 1
    return count


def is_safety_reply(text: str) -> bool:
    """Any fixed reply of the safety layer (crisis, repeat, failure, refusal)."""
    return text.strip().startswith(_openings())
