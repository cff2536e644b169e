"""Crisis resources by locale: each hotline with the source it was taken from.

    from psycollm.safety.resources import resources_for, resolve_locale
    for r in resources_for(resolve_locale("auto", "zh"), ["suicide"]):
        print(r.name, r.number, r.source)

`verified` says whether the number was checked against its source by this project (the date is in
`checked`); unverified entries are kept because they are widely published, but a deployment must
check them before going live (`psycollm safety resources` lists them all). Add a locale by adding a
list to `RESOURCES`; `settings.safety.locale` picks one ("auto" = the browser's region when a locale serves
it, `LOCALE_FOR_REGION`, else CN for Chinese, US for English).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Resource:
    name: str  # in the locale's language
    name_en: str
    number: str
    source: str  # where the number comes from (official page or announcement)
    kind: str = "crisis"  # crisis | emergency (statutory) | urgent (urgent care) | abuse | poison | youth | substance
    hours: str = ""  # in the locale's language
    hours_en: str = ""  # in English, when `hours` is not
    verified: bool = False
    checked: str = ""  # date the number was checked against the source
    note: str = ""
    categories: tuple[str, ...] = field(default_factory=tuple)  # shown only for these categories ('' = always)
    # abuse lines: whom they serve (abuse_topics.TOPICS), so an adult survivor of rape is not sent to a child line
    topics: tuple[str, ...] = field(default_factory=tuple)

    def label(self, lang: str) -> str:
        """Its name for a reply in `lang`: `name`, unless that is Chinese and the reply is not (a browser in
        China writing English gets the Chinese lines, named in English)."""
        if lang != "zh" and any("\u4e00" <= c <= "\u9fff" for c in self.name):
            return self.name_en
        return self.name

    def named(self, lang: str) -> str:
        """`label` with its number, unless the label already says it ("988 Suicide & Crisis Lifeline ...")."""
        label = self.label(lang)
        return label if self.number in label else f"{label} {self.number}"

    def hours_for(self, lang: str) -> str:
        """Its hours for a reply in `lang` (as `label`)."""
        return self.hours_en if self.hours_en and lang != "zh" else self.hours

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


_ALWAYS: tuple[str, ...] = ()

RESOURCES: dict[str, list[Resource]] = {
    "CN": [
        Resource("全国统一心理援助热线", "National psychological assistance hotline", "12356",
                 "National Health Commission of China, notice of 2024-12-25 (People's Daily, 2024-12-27: "
                 "gs.people.com.cn/BIG5/n2/2024/1227/c183356-41089989.html)", hours="每日不少于 18 小时",
                 hours_en="at least 18 hours a day", verified=True, checked="2026-11-21", note="各地热线于 2025-05-01 前接入 12356"),
        Resource("北京心理危机研究与干预中心", "Beijing Psychological Crisis Research and Intervention Center",
                 "010-82951332", "Beijing Huilongguan Hospital's site, which runs the Beijing psychological assistance "
                 "hotline (bhlgh.com: 800-810-1117 from landlines, 010-82951332 from mobiles)", hours="24 小时",
                 hours_en="24 hours", verified=True, checked="2026-12-06", note="座机也可拨打 800-810-1117"),
        Resource("报警电话", "Police", "110", "Ministry of Public Security (national emergency number)",
                 kind="emergency", verified=True, checked="2026-11-21"),
        Resource("急救电话", "Ambulance", "120", "National Health Commission (national emergency number)",
                 kind="emergency", verified=True, checked="2026-11-21"),
        Resource("妇女维权公益服务热线", "All-China Women's Federation rights hotline", "12338",
                 "All-China Women's Federation: the national number it set for women's rights (Guangdong Women's "
                 "Federation, gdwomen.org.cn/yw/content/post_295443.html; Yunnan Women's Federation rights "
                 "department, 2014)", kind="abuse", verified=True, checked="2026-12-06",
                 categories=("abuse",), topics=("partner", "sexual"),
                 note="women's rights: domestic violence, sexual violence; answered by each province's federation, "
                      "often in office hours only; no national sexual-assault line exists"),
        Resource("青少年服务台", "Youth service hotline (Communist Youth League)", "12355",
                 "Communist Youth League of China: psychological counselling and legal aid for young people "
                 "(China News Service, gx.chinanews.com, 2023-04-26; Guangdong reports of 2024)", kind="youth",
                 verified=True, checked="2026-12-06", categories=("abuse",), topics=("child",),
                 note="run by each province's League committee; hours differ (Guangdong: 24 hours)"),
    ],
    "US": [
        Resource("988 Suicide & Crisis Lifeline (call or text)", "988 Suicide & Crisis Lifeline", "988",
                 "988lifeline.org (SAMHSA); FCC designation, live since 2022-07-16", hours="24/7",
                 verified=True, checked="2026-11-21"),
        Resource("Emergency services", "Emergency services", "911", "FCC (national emergency number)",
                 kind="emergency", verified=True, checked="2026-11-21"),
        Resource("Crisis Text Line (text HOME)", "Crisis Text Line", "741741",
                 "crisistextline.org/faq ('You text 741741 when in crisis, available 24/7 in the United States')",
                 hours="24/7", verified=True, checked="2026-12-06"),
        Resource("Poison Control", "Poison Control", "1-800-222-1222",
                 "poisonhelp.hrsa.gov (HRSA, U.S. Department of Health & Human Services)", kind="poison",
                 hours="24/7", verified=True, checked="2026-12-06", categories=("medical_emergency",)),
        Resource("SAMHSA National Helpline", "SAMHSA National Helpline", "1-800-662-4357",
                 "samhsa.gov/find-help/national-helpline (1-800-662-HELP)", kind="substance", hours="24/7",
                 verified=True, checked="2026-12-06", categories=("substance_use",),
                 note="free, confidential treatment referral and information for mental health and substance use; "
                      "English and Spanish; not a counselling line"),
        Resource("Childhelp National Child Abuse Hotline", "Childhelp National Child Abuse Hotline",
                 "1-800-422-4453", "childhelp.org, the operator's press release on the FY2022 funding (1-800-4-A-CHILD; "
                 "text 1-800-422-4453)", kind="abuse", hours="24/7", verified=True, checked="2026-12-06",
                 categories=("abuse",), topics=("child",)),
        Resource("National Domestic Violence Hotline", "National Domestic Violence Hotline", "1-800-799-7233",
                 "thehotline.org (800-799-SAFE); U.S. Department of Justice, Office for Victims of Crime "
                 "(ovc.ojp.gov, 2022-01-20)", kind="abuse", hours="24/7", verified=True, checked="2026-12-06",
                 categories=("abuse",), topics=("partner",)),
        Resource("RAINN National Sexual Assault Hotline", "RAINN National Sexual Assault Hotline", "1-800-656-4673",
                 "rainn.org/get-help/national-sexual-assault-hotline (1.800.656.HOPE)", kind="abuse", hours="24/7",
                 verified=True, checked="2026-12-06", categories=("abuse",), topics=("sexual",),
                 note="routes to the nearest local rape crisis center; survivors of any age, however long ago"),
    ],
    "UK": [
        Resource("Samaritans", "Samaritans", "116 123", "samaritans.org (free from any phone)", hours="24/7",
                 verified=True, checked="2026-11-21"),
        Resource("Emergency services", "Emergency services", "999", "UK government (national emergency number)",
                 kind="emergency", verified=True, checked="2026-11-21"),
        Resource("NHS 111 (urgent mental health: choose the mental health option)", "NHS 111", "111",
                 "nhs.uk; NHS England's 2023 change from 'option 2' to 'the mental health option' (NHS GP practice "
                 "pages, e.g. oundlesurgery.nhs.uk, 2023-05-03)", kind="urgent", hours="24/7", verified=True,
                 checked="2026-12-06", note="England; urgent mental health triage, not an emergency line"),
        Resource("Childline", "Childline", "0800 1111", "childline.org.uk (NSPCC); quoted by Rape Crisis England & "
                 "Wales (247sexualabusesupport.org.uk) and by Childline's own column (Sunderland Echo, 2022)",
                 kind="abuse", hours="24/7", verified=True, checked="2026-12-06", categories=("abuse",),
                 topics=("child",), note="for under-19s"),
        Resource("National Domestic Abuse Helpline (Refuge)", "National Domestic Abuse Helpline", "0808 2000 247",
                 "nationaldahelpline.org.uk; refuge.org.uk (Refuge runs it)", kind="abuse", hours="24/7",
                 verified=True, checked="2026-12-06", categories=("abuse",), topics=("partner",)),
        Resource("Rape and Sexual Abuse Support Line (Rape Crisis)", "Rape and Sexual Abuse Support Line", "0808 500 2222",
                 "247sexualabusesupport.org.uk (run by Rape Crisis England & Wales)", kind="abuse", hours="24/7",
                 verified=False, categories=("abuse",), topics=("sexual",),
                 note="England and Wales, aged 16+, any sexual violence however long ago; Childline for under-16s; "
                      "the line's own page (2026-12-06) did not show the number"),
        Resource("FRANK (drugs advice)", "FRANK", "0300 123 6600", "talktofrank.com (UK government service)",
                 kind="substance", hours="24/7", verified=False, categories=("substance_use",),
                 note="number seen only on a copy of a FRANK leaflet for parents (2026-12-06), not on the service's "
                      "own page"),
    ],
    # Session 35: a crisis line and the emergency number for four more places whose users write English or
    # Chinese (picked by the browser's region), an abuse or youth line where one could be checked, and Australia's
    # poisons line; no substance lines yet.
    "AU": [
        Resource("Lifeline", "Lifeline", "13 11 14",
                 "lifelineh2h.org.au/get-help/telephone-crisis-support/faqs (a Lifeline centre: 'What happens when I "
                 "call 13 11 14?', the 24-hour crisis line); Lifeline Australia. Text line 0477 13 11 14: The Leader "
                 "(theleader.com.au, 2022)", hours="24/7", verified=True, checked="2026-12-06",
                 note="free from mobiles; text 0477 13 11 14"),
        Resource("Emergency services", "Emergency services", "000",
                 "the same Lifeline page ('If you are in immediate danger call 000')", kind="emergency",
                 verified=True, checked="2026-12-06"),
        Resource("Poisons Information Centre", "Poisons Information Centre", "13 11 26",
                 "Queensland Health, poisonsinfo.health.qld.gov.au ('Poisons helpline: 13 11 26 ... 24 hours, 7 days a "
                 "week, from anywhere in Australia')", kind="poison", hours="24/7", verified=True,
                 checked="2026-12-06", categories=("medical_emergency",)),
        Resource("1800RESPECT (1800 737 732)", "1800RESPECT", "1800 737 732",
                 "Department of Social Services, plan4womenssafety.dss.gov.au/initiatives/1800respect (the national "
                 "sexual assault, domestic and family violence counselling service, 24 hours a day); the number is the "
                 "phoneword's first six letters on a keypad (RESPEC = 737 732)", kind="abuse", hours="24/7",
                 verified=True, checked="2026-12-06", categories=("abuse",), topics=("partner", "sexual")),
    ],
    "CA": [
        Resource("988 Suicide Crisis Helpline (call or text)", "9-8-8 Suicide Crisis Helpline", "988",
                 "Mental Health Commission of Canada (mentalhealthcommission.ca: 'call or text 988 at any time. If it "
                 "is an emergency, call 9-1-1'); launched 2023-11-30 (CRTC decision; Public Health Agency of Canada)",
                 hours="24/7", verified=True, checked="2026-12-06", note="English and French"),
        Resource("Emergency services", "Emergency services", "911",
                 "the same page of the Mental Health Commission of Canada", kind="emergency", verified=True,
                 checked="2026-12-06"),
        Resource("Kids Help Phone", "Kids Help Phone", "1-800-668-6868",
                 "CBC News (cbc.ca, 2018: 'Kids Help Phone: Phone: 1-800-668-6868'); kidshelpphone.ca ('text CONNECT "
                 "to 686868', free across Canada 24/7)", kind="youth", hours="24/7", verified=True,
                 checked="2026-12-06", categories=("abuse",), topics=("child",),
                 note="young people; or text CONNECT to 686868; created in 1989 for youth to report abuse (kidshelpphone.ca)"),
    ],
    "HK": [
        Resource("香港撒瑪利亞防止自殺會 24 小時情緒支援熱線", "The Samaritan Befrienders Hong Kong", "2389 2222",
                 "HKU Centre for Suicide Research and Prevention, csrp.hku.hk/getting-help (24-hour emotional support "
                 "hotline, 2389 2222 / 2389 2223)", hours="24 小時", hours_en="24 hours", verified=True,
                 checked="2026-12-06", note="Cantonese and English"),
        Resource("撒瑪利亞會 24 小時熱線（多種語言）", "The Samaritans Hong Kong (multilingual)", "2896 0000",
                 "the same HKU page (English, Cantonese, Mandarin and other languages, 24 hours)", hours="24 小時",
                 hours_en="24 hours", verified=True, checked="2026-12-06", note="the Hong Kong line that speaks Mandarin"),
        Resource("緊急求助電話", "Emergency services", "999",
                 "the same HKU page ('call 999 to speak to the emergency services in Hong Kong')", kind="emergency",
                 verified=True, checked="2026-12-06"),
        Resource("東華三院芷若園（性暴力及家庭暴力危機支援）", "CEASE Crisis Centre (Tung Wah Group of Hospitals)", "18281",
                 "am730 (am730.com.hk), a list of help lines under a news report, 2024 ('東華三院芷若園:18281')",
                 kind="abuse", verified=True, checked="2026-12-06", categories=("abuse",),
                 topics=("partner", "sexual"), note="sexual and domestic violence; hours not checked"),
    ],
    "TW": [
        Resource("衛生福利部 1925 安心專線", "Ministry of Health and Welfare 1925 helpline", "1925",
                 "Ministry of Health and Welfare's 1925 line, 'all year, free' (United Daily News, udn.com/news/story/"
                 "7266/8943789, 2025-08-16, quoting the ministry's Department of Mental Health); 24 hours, also over "
                 "the new year (udn.com/news/story/7266/9329707, 2026-02-13, quoting the deputy minister)",
                 hours="24 小時", hours_en="24 hours", verified=True, checked="2026-12-06",
                 note="busy at times: a caller can leave a number and is called back within 24 hours; text chat on "
                      "the ministry's site"),
        Resource("救護車（消防局）", "Ambulance and fire", "119",
                 "National Fire Agency, nfa.gov.tw ('119 ... 24 小時服務'; from a phone with no signal of its own, 112)",
                 kind="emergency", verified=True, checked="2026-12-06"),
        Resource("報警電話", "Police", "110",
                 "Ministry of Health and Welfare, quoted by Yahoo News Taiwan, 2026-02-12 ('若有危及生命安全之緊急事件，建議立即"
                 "撥打110報案')", kind="emergency", verified=True, checked="2026-12-06"),
        Resource("113 保護專線", "113 protection hotline", "113",
                 "Ministry of Health and Welfare: 24 hours, free, for family violence, child and elder abuse and sexual "
                 "violence (United Daily News, 2026-02-13; Yahoo News Taiwan, 2026-02-12)", kind="abuse", hours="24 小時",
                 hours_en="24 hours", verified=True, checked="2026-12-06", categories=("abuse",),
                 topics=("child", "partner", "sexual"), note="also English, Vietnamese, Thai, Indonesian, Japanese"),
    ],
}

#: Where each locale's lines serve, for the line under the list that points elsewhere.
PLACE = {"CN": ("中国大陆", "mainland China"), "US": ("美国", "the US"), "UK": ("英国", "the UK"),
         "AU": ("澳大利亚", "Australia"), "CA": ("加拿大", "Canada"), "HK": ("香港", "Hong Kong"),
         "TW": ("台湾", "Taiwan")}

#: Shown with every locale: the user may not be where the locale says.
INTERNATIONAL = Resource("Find a helpline in your country", "Find a helpline", "findahelpline.com",
                         "findahelpline.com: operated by ThroughLine Limited (its privacy policy); its country "
                         "pages list free helplines (findahelpline.com/AU)", kind="directory",
                         verified=True, checked="2026-12-06")

DEFAULT_LOCALE_FOR_LANG = {"zh": "CN", "en": "US"}

#: A browser's region (ISO 3166, from its Accept-Language) -> the locale whose lines serve it.
LOCALE_FOR_REGION = {"CN": "CN", "US": "US", "GB": "UK", "UK": "UK", "AU": "AU", "CA": "CA", "HK": "HK", "TW": "TW"}


def resolve_locale(setting: str, lang: str, region: str | None = None) -> str:
    """The locale of the crisis lines: the configured one (upper case) if it is not 'auto'; with 'auto', the
    user's region when a locale serves it (`LOCALE_FOR_REGION`), else the one for the reply language."""
    if setting and setting.lower() != "auto":
        code = setting.upper()
        if code not in RESOURCES:
            from psycollm.errors import ConfigError

            raise ConfigError(f"safety.locale '{setting}' has no crisis resources; known: "
                              f"{', '.join(sorted(RESOURCES))} or auto.")
        return code
    by_region = LOCALE_FOR_REGION.get((region or "").upper())
    return by_region or DEFAULT_LOCALE_FOR_LANG.get(lang, "US")


#: Kinds of line that serve people harmed by someone (the abuse category), picked by `abuse_lines`.
ABUSE_KINDS = ("abuse", "youth")


def resources_for(locale: str, categories: Sequence[str] = (), topics: Sequence[str] = ()) -> list[Resource]:
    """The locale's resources that apply to these categories (general ones always). With `topics`
    (abuse_topics), the abuse lines that serve them come first among the abuse lines, most specific
    topic first; the other lines keep their place."""
    cats = set(categories)
    found = [r for r in RESOURCES.get(locale, RESOURCES["US"]) if not r.categories or cats & set(r.categories)]
    fits = abuse_lines(found, topics)
    if not fits:
        return found
    # the abuse lines' slots are refilled in the new order, so crisis and emergency lines keep their place
    slots = iter(fits + [r for r in found if r.kind in ABUSE_KINDS and r not in fits])
    return [next(slots) if r.kind in ABUSE_KINDS else r for r in found]



def abuse_lines(resources: Sequence[Resource], topics: Sequence[str]) -> list[Resource]:
    """The abuse lines among `resources` that serve these topics, in the topics' order (empty if none)."""
    out: list[Resource] = []
    for topic in topics:
        out += [r for r in resources if r.kind in ABUSE_KINDS and topic in r.topics and r not in out]
    return out


def format_resources(resources: Sequence[Resource], lang: str, locale: str) -> str:
    """One line per resource, for the fixed replies; the last points to findahelpline.com for anywhere else."""
    lines = []
    for r in resources:
        hours = r.hours_for(lang)
        hours = f"（{hours}）" if hours and lang == "zh" else (f" ({hours})" if hours else "")
        lines.append(f"- {r.label(lang)}{'：' if lang == 'zh' else ': '}{r.number}{hours}")
    if lang == "zh":
        lines.append(f"- 不在{PLACE.get(locale, PLACE['CN'])[0]}？可在 {INTERNATIONAL.number} 查找你所在地的热线。")
    else:
        lines.append(f"- Not in {PLACE.get(locale, PLACE['US'])[1]}? Find your local line at {INTERNATIONAL.number}.")
    return "\n".join(lines)
