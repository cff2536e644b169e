"""Who was harmed, and how, when the screen finds abuse: so the reply names the abuse line that fits.

    from psycollm.safety.abuse_topics import abuse_topics
    abuse_topics(["I was raped by my ex-boyfriend last year"])  # ['sexual', 'partner']

The screen's category says only "abuse"; the lines behind it serve different people: a child-abuse line
(Childhelp, Childline, 12355), a domestic-violence line (the Hotline, Refuge, 12338) and a sexual-assault
line (RAINN, Rape Crisis). Before session 26 the caution line under a reply named the locale's first abuse
line, so an adult survivor of rape in the US was shown Childhelp. These cues read the messages that carried
the abuse finding and say which kinds of line apply; `resources.abuse_lines` picks the lines. A topic only
orders and picks lines: it never changes a risk level, and a message with no cue gets the locale's first
abuse line, as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from psycollm.safety import lexicon

#: Most specific first: a line for the harm itself before a line for the relationship it happened in.
TOPICS = ("sexual", "partner", "child")

_CUES = {
    "sexual": re.compile(
        r"\b(rap(e|ed|es|ing|ist)|sexual(ly)? (and \w+ )?(assault\w*|abus\w*|harass\w*|violen\w*|touch\w*)|molest\w*|incest\w*|"
        r"grop(e|ed|es|ing)|fondl\w*|touch(es|ed|ing) me|made me (do )?(sexual|touch|perform)|date[- ]rap\w*|sexual advances|"
        r"say no to (his|her|their|an? \w+'?s?|my \w+'?s) advances|"
        r"roofied|spiked my drink)\b|"
        r"强奸|强暴|轮奸|迷奸|性侵|猥亵|性骚扰|摸我|乱伦|逼我做(性|那种)"),
    # "ex" alone is "my ex"; "ex-boyfriend" splits at the hyphen; a mother's boyfriend is no partner of theirs.
    "partner": re.compile(
        r"\b(?<!(mom|mum)'s )(?<!mother's )(husband|wife|boyfriend|girlfriend|bf|gf|partner|spouse|fianc[eé]e?|ex|ex-\w+|"
        r"marriage|married|divorc\w*|(abusive|toxic) relationship|domestic (violence|abuse))\b|"
        r"老公|丈夫|男朋友|男友|女朋友|女友|前任|前夫|前妻|妻子|老婆|对象|伴侣|爱人|未婚夫|未婚妻|家暴|家庭暴力"),
    # A child harmed now, or the person as a child; a parent or carer who hurts them.
    "child": re.compile(
        r"\b(as (a )?(kid|child|little (girl|boy)|teen\w*)|when i was (a (kid|child|little \w+|teen\w*)|little|young|small|"
        r"\d{1,2})|since i was (a (kid|child)|little|\d{1,2})|childhood|growing up|i'?m (1[0-7]|[5-9])\b|"
        r"i am (1[0-7]|[5-9])\b|(my|our|a|the) (son|daughter|kids?|children|child|baby|toddler|step ?(son|daughter)|"
        r"grand(son|daughter|child\w*)|students?|nephew|niece|little (brother|sister))|"
        r"(my|our) (dad|father|mom|mum|mother|parents?|step ?(dad|father|mom|mum|mother)|uncle|grand(pa|father|ma|mother)|"
        r"babysitter|nanny|teacher|coach)|middle school|high school|elementary)\b|"
        r"小时候|童年|从小|上学|小学|初中|高中|我(今年)?(1[0-7]|[五六七八九十]|十[一二三四五六七])岁|"
        r"爸|妈|父亲|母亲|父母|继父|继母|后爸|后妈|叔叔|舅舅|爷爷|外公|老师|教练|孩子|儿子|女儿|宝宝|小孩|学生"),
}


def abuse_topics(texts: Iterable[str]) -> list[str]:
    """The kinds of abuse line these messages call for, most specific first (empty when no cue)."""
    found: set[str] = set()
    for text in texts:
        norm = lexicon.normalize(text)
        found.update(topic for topic, cue in _CUES.items() if cue.search(norm))
    return [t for t in TOPICS if t in found]
