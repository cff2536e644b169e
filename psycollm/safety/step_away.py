"""After a crisis reply: does the person's next message show them stepping away from the danger?

    from psycollm.safety.step_away import steps_away
    steps_away("my sister's on her way, she's staying the night")   # True
    steps_away("does the 11:40 train still run on sundays")         # False: nothing shows a step away

`Guard._support_turn` lets the model answer a follow-up after a crisis reply (a support turn) only when the
follow-up, read alone, carries no risk signal *and* shows a step away: help reached or on its way, a line or a
clinician contacted, not going or back home, in hospital, the means put away, safe now, another topic asked
for, ordinary life with someone or ahead (telling family, work, food, a film). A follow-up that only lacks risk
words is often the plan going on quietly: on 80 such follow-ups a blind writer wrote for this
(tests/data/followups_quiet_danger.jsonl), the rule without this check gave 33 to the model ("今晚江边风大不大",
"its really windy up here lol", "🙂", "my wife gets back from her shift at 7am. should be long over by then").
A step away does not count when the message also sounds final or turns help away (`FINAL`).

Hand-written lists, like the lexicon's, for the same reasons (no offline bilingual resource for this; the
lists are reviewable); what they match is read on `lexicon.normalize`d text.
"""

from __future__ import annotations

import re

from psycollm.safety import lexicon

_PEOPLE_EN = (r"(mum|mom|mam|mother|dad|father|parents|sister|sis|brother|bro|husband|wife|partner|missus|bf|gf|boyfriend|"
              r"girlfriend|fiancee?|flatmate|roommate|roomate|housemate|friend|bestie|mate|mates|neighbou?r|son|daughter|"
              r"uncle|aunt|aunty|auntie|nan|gran|grandma|grandad|abuela|cousin|colleague|family|roomie|[\w]+-in-law|someone|somebody|"
              r"she|he|they)")
_MEANS_EN = (r"(pills|tablets|meds|medication|knife|knives|blades|razors|rope|belt|cord|gun|rifle|keys|car keys|bleach|"
             r"charcoal|stash|lighter|scissors)")

_STEP_AWAY_EN = [
    # help reached, or on its way
    r"(called|rang|phoned|texted|messaged|rung|spoke (to|with)|talked (to|with)|told|reached|got through( to)?|contacted|"
    r"did call|got hold of) (my|the|a|her|him|them|someone|somebody|988|999|911|111|112|000|samaritans|lifeline|\w+'s)",
    r"hotline|crisis (line|team)|helpline|text line|lifeline|samaritans|988|(the|that) number|(the )?line (was|is) (engaged|busy)|"
    r"(call|ring|text) (them|the line|the number|the hotline|back|again|988|111|samaritans)|after calling|try (calling )?again|volunteer|check on me|knock on|who i can call|(write|send) (a|my) text to|to be with me|"
    r"(taking|took) (the day|tomorrow|time|the night) off|tell work|"
    r"(handed|took|returned|gave) .{0,30}(back |in )?(to|at) the (pharmacy|chemist)",
    _PEOPLE_EN + r"('s| is| are|'re| was| were| has| have)?( just)? (here|with me|home|back|next door|on (her|his|their) way|"
    r"on the way|coming|came|driving|picking me up|staying|sleeping|sitting with me|round|over|in the next room|"
    r"on facetime|facetiming|on the phone|holding my hand|making|taking me|here now|on the couch|on the settee|in the kitchen|"
    r"stayed up|sat with me|drove|reached|come already|took the day off|all here)",
    r"(coming|came|come) (over|round|to get me|to pick me up|to stay)|pick(ed|ing)? me up|on the phone with|holding my hand|"
    r"(going|go|went|heading) (to|over to|round to) (see )?(my )?" + _PEOPLE_EN,
    r"(police|officer|paramedics?|psych team|mental health team) (came|are here|is here|were|was|took|brought|arrived)|"
    r"in the (back of the )?ambulance",
    # somewhere safe, or on the way there
    r"(staying|sleeping|stay|sleep|slept|crash|crashing|i'?m|am|got) (at|with|in) (my|a|her|his|their|[\w-]+'s)",
    r"at (mums|moms|dads|my [\w-]+'?s|[\w-]+'s)|i'?m home|we'?re home|"
    r"(came|come|got|went|going|heading|on my way) (back )?(home|down|inside)|taxi home|bus home",
    r"hospital|a&e|a and e|the er|in er|emergency room|ward|gp|doctor|urgent care|walk-in|clinic|polyclinic|therapist|"
    r"counsell?or|counselling|nurse|psychiatrist|psycholog\w*|appointment|home safe|downstairs with|made it through",
    # safe now, not acting
    r"(i'?m|i am|im|we'?re|feel|feeling|felt|woke up) (now |a bit |a little |kind of |kinda |so |totally |pretty |much )?"
    r"(safe|safer|better|calmer|calm|ok|okay|alright|ok-ish|embarr?assed|ashamed)",
    r"^\W*safe\b|still here and",
    r"not going (to do (it|anything)|anywhere|through with it|out)|didn'?t (do it|go)|"
    r"(won'?t|will not|not (gonna|going to)|never) do anything|no plan|not in a dangerous way|i promise",
    r"(gave|handed|threw|binned|flushed|put|took|locked) (away |out )?(the|my|all( of)?( the| my)?) " + _MEANS_EN +
    r"|" + _MEANS_EN + r" (are|is|'re|'s) (gone|away|with|at)|(threw|thrown|binned|chucked|flushed) (it|them)",
    # another topic, a way to cope, ordinary life with someone or ahead
    r"something else|talk about|distract me|keep talking|can we (just )?talk|fun fact|grounding|breathing|"
    r"cup of tea|tea|watching|watch (a|tv|something)|film|movie|dinner|lunch|breakfast|food|soup|snacks?|pizza|chai|"
    r"shower|podcasts?|music|songs?|playlist|cartoons?|anime|games?|cooking|baking|about my day|show|binge|puzzle|documentary|eggs|"
    r"supper|ordering|eating|ate|my (dog|cat|pet|puppy|kitten|hamster|rabbit|bunny)|the (dog|cat)",
    r"should i tell|what (do|should) i (say|tell)|how do i (tell|explain|word)|(tell|explain (it|this) to) my",
    r"boss|(at|to|for|from|miss(ing)?|off) work|days off|rent",
    r"thanks|thank you|thank u|ty|cheers|appreciate (u|you|it)|means a lot|sorry for (rambling|making you|worrying you|"
    r"scaring you|being)|sorry i keep",
]

_PEOPLE_ZH = (r"(妈|爸|姐|哥|弟|妹|老公|老婆|男朋友|女朋友|对象|室友|舍友|朋友|闺蜜|兄弟|哥们|同学|邻居|家人|奶奶|外婆|姑姑|舅舅|"
              r"阿姨|老表|老友|老汉儿|大姐|职员|工友|老乡|社工|阿嫲|表姐|嫂子|家姐|细佬|张太|警察|护士|工作人员|家里人|他|她|他们)")
_MEANS_ZH = r"(药|刀|绳|钥匙|车匙|剪刀|刀片|炭|农药|枪|皮带|美工刀|百草枯|漂白水|煤气)"

_STEP_AWAY_ZH = [
    r"打了|打给|打过|打通|给.{0,6}打了|联系了|告诉了|跟.{0,6}说了|说了实话|讲了实话|热线|接线|危机干预|12356|120|110|"
    r"心理援助|号码|电话|跟.{0,6}(说|讲)|陪(我)?" + _PEOPLE_ZH + r"|明天(要)?(来|跟|去医院|看医生)",
    _PEOPLE_ZH + r".{0,8}(来了|到了|来|路上|过来|过了来|赶过来|马上(到|过来|来)|陪|在旁边|在身边|在家|回来|在这|在度|接我|"
    r"视频|请假|在隔壁|隔篱|睡沙发|一起睡|同我瞓|睡我家|屋企|不走|拉着我|守着|在客厅|怀里|给我(铺|煮|泡|倒|画|发)|帮我|敲门|"
    r"抱|都在|摊牌)",
    r"(在|到|去|住|瞓)(了)?(我)?.{0,4}" + _PEOPLE_ZH + r"(家|屋企|宿舍|那|那里)|派出所|值班室|病房",
    r"安全了|安全的|我(现在)?(很)?安全|没事了|好多了|好一点|好些了|好了些|好了啲|平静(一点|些|了|多了)|冷静(一点|些|了|下来)|"
    r"没那么|轻松|放松",
    r"不去了|没去|回家|回到家|到家了|下来了|回来了|在回去|打车回|(去|在).{0,4}家(睡|住|过夜)|在宿舍",
    r"医院|住院|急诊|医生|门诊|挂号|咨询|心理老师|心理中心|辅导员|约了|预约|精神科|诊所|社工",
    _MEANS_ZH + r".{0,10}(交给|给了|扔|剪|拿走|收走|锁|保管|收了|拎走|放到|倒掉|冲掉|关了)|被.{0,6}(收走|拿走|没收|锁)|"
    r"(冲|倒)(进)?(马桶|下水道)|拿走|收走|保管",
    r"不会做傻事|不会乱来|不得乱来|不会真的做|不会做什么|没有计划|不会(动|做)|没有要做|会好好的|撑过去|撑落去|继续试",
    r"(去|来)找(我)?" + _PEOPLE_ZH + r"|聊聊|工作|聊点别的|聊别的|换个话题|陪我聊|说说别的|冷知识|转移(下|一下)?注意力|想跟你说说|深呼吸|呼吸(方法|练习)|"
    r"喝(了)?(杯|口)?(热)?(水|茶|牛奶)|吃(了)?(饭|东西|面条|宵夜|外卖)|外卖|看(电视|剧|电影|综艺)|听歌|洗(个)?澡|打机|"
    r"动画|动漫|演唱会|饺子|糖水|热水|麦当劳|kfc|综艺|搞笑|蛋挞|粥|薯片|煲汤|泡茶|吃了碗|猫|狗|明早醒来|明天再跟你",
    r"怎么跟|该说啥|该怎么说|怎么开口|要不要告诉|先告诉|请假|上班|领导|公司|房租",
    r"谢谢|多谢|不该晒|感谢",
    r"(爸|妈|家人|父母).{0,8}(知道|哭|伤心|担心|丢.{0,2}脸)",
]

STEP_AWAY = re.compile(r"\b(" + "|".join(f"(?:{p})" for p in _STEP_AWAY_EN) + r")\b|" +
                       "|".join(f"(?:{p})" for p in _STEP_AWAY_ZH))

# ...unless the message also sounds final ("thanks for being nice to me. you're the last one i'll talk to",
# "你替我跟他说声生日快乐吧"), leaves things behind, or turns help away ("not doing that again, sorting it myself").
FINAL = re.compile(
    r"\b((the )?last (one|time|message|thing|words?|text|goodbye)|my last|goodbye|bye|farewell|(gone|goodbye|sleep|rest|"
    r"leave|leaving) forever|remember me|for real this time|already decided?|made up my mind|"
    r"it'?s time|won'?t be here|by then|long over|be over|all over|over by|sort(ing)? it (out )?myself|my own way|"
    r"not doing that again|(not|never) (calling|ringing) (them |again)|(i'?m|i am|im) not (going to|gonna) (call|ring|text)|i (won'?t|will not|will never|'?ll never) (call|ring|text)|doesn'?t matter|no point|for everything|"
    r"worry for me|yet|sorry for everything|funeral|when i'?m gone|after i'?m gone|after this|"
    r"write that down|(tell|let) (my|her|him|them|everyone) .{0,30}(sorry|love|goodbye|miss)|happy birthday|"
    r"(dog|cat|pets?) .{0,20}(to (my|a|the) \w+|rehom\w*|new home|look after)|(gave|given|giving) (my|the) (dog|cat|pets?))\b|"
    r"(狗|猫).{0,10}(送|交|托|给了|领养)|"
    r"最后|再见|永别|告别|准备好了|结束|下辈子|决定了|记住我|到时候|没用|不打了|我自己(来|解决|处理)|担心我|别管我|"
    r"顶不顺|撑不住|撑不下去|受不了了|一了百了|不用担心我|生日快乐|替我|帮我(跟|告诉|转告)|转告|长大(了|以后)|走了以后|我走后|"
    r"我不在了|后事|遗书")


def steps_away(text: str) -> bool:
    """Does this follow-up to a crisis reply show a step away from the danger, and nothing final?"""
    norm = lexicon.normalize(text)
    return bool(STEP_AWAY.search(norm)) and not FINAL.search(norm)
