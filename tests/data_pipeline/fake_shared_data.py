"""A tiny fake copy of the shared data for the data-pipeline tests.

`make_shared_data(root)` writes small files in the layout of ../shared/data (counsel-chat CSV,
EmoLLM JSON, case texts with behaviour markers for `training.data.scripted_replies.CounselingScript`,
CPsyExam zips with items planted to overlap PCEB, a PCEB folder); `make_kb` two knowledge-base articles.
"""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

# ---------------------------------------------------------------------------------------------------
# A tiny shared-data folder

CASES = {
    "case_1.txt": "来访者：我最近总是失眠，工作压力很大。\n\n心理咨询师：能说说压力来自哪里吗？\n\n来访者：领导对我要求很高，我害怕出错。",
    "case_2.txt": "来访者：我和妈妈经常吵架，她总是管我。\n\n心理咨询师：吵架的时候你有什么感受？\n\n来访者：我觉得很委屈。",
    "case_3.txt": "[UNSUPPORTED] 来访者：我觉得自己很孤独，没有朋友。\n\n心理咨询师：这种孤独持续多久了？",
    "case_4.txt": "[BAD_JSON] 来访者：考试前我总是很紧张，手心出汗。",
    "case_5.txt": "[FLAKY] 来访者：我刚刚失恋，每天都在哭。\n\n心理咨询师：失恋真的很痛。",
    "case_6.txt": "[WRONG_ROLES] 来访者：我不知道要不要换工作。",
}

PCEB_THEORY = [
    {"id": 1, "question": "时间知觉可以借助的线索包括（　　）。", "answer": "ABCD",
     "options": {"A": "钟表", "B": "四季", "C": "生理周期", "D": "情绪"}, "analysis": "..."},
    {"id": 2, "question": "心理咨询的基本原则不包括（　　）。", "answer": "D",
     "options": {"A": "保密", "B": "理解支持", "C": "时间限定", "D": "替来访者做决定"}, "analysis": "..."},
]


def _mcq(i: int, question: str, answer: str = "A", explanation: str = "因为这是定义规定的内容，教材第一章有说明。",
         qtype: str = "single") -> dict:
    return {"subject_name": "普通心理学", "question_type": qtype, "kind": "knowledge", "question": question,
            "options": {"A": f"选项甲{i}", "B": f"选项乙{i}", "C": f"选项丙{i}", "D": f"选项丁{i}", "E": ""},
            "answer": answer, "explanation": explanation, "id": f"item{i:04d}"}


def make_shared_data(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    # counsel-chat
    (root / "counsel_chat").mkdir(exist_ok=True)
    rows = [
        ("0", "Can I change my feeling of being worthless?", "I barely sleep and I think I am worthless.",
         "It sounds like you are carrying a heavy feeling of worthlessness.It may help to notice who around you "
         "makes you feel this way, and to spend time with people who value you. A counselor can help you explore "
         "these beliefs.", "5"),
        ("0", "Can I change my feeling of being worthless?", "I barely sleep and I think I am worthless.",
         "Call me at 555-123-4567 for a session.", "1"),
        ("1", "Why am I always anxious?", "Every morning I feel anxious before work and my heart races.",
         "Call my office at (555) 987-6543 or visit www.example-therapy.com to book an appointment with me.", "3"),
        ("2", "Is it normal?", "Is it?", "Yes.", "0"),
        ("3", "How do I talk to my partner about money?", "We fight about money every week and I dread it.",
         "Money conflicts are very common in couples. Try choosing a calm moment, speak about your own feelings "
         "rather than blaming, and agree on one small shared goal. If the fights keep escalating, a couples "
         "counselor can help you both feel heard.", "2"),
    ]
    with open(root / "counsel_chat" / "20200325_counsel_chat.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["", "questionID", "questionTitle", "questionText", "questionLink", "topic", "therapistInfo",
                    "therapistURL", "answerText", "upvotes", "views", "split"])
        for i, (qid, title, text, answer, up) in enumerate(rows):
            w.writerow([i, qid, title, text, "https://counselchat.com/q", "anxiety", "T", "u", answer, up, "1", "train"])
    # EmoLLM
    (root / "emollm").mkdir(exist_ok=True)
    emollm = [
        {"conversation": [{"system": "s", "input": "医生，我最近总是感到很焦虑，晚上睡不着，白天也没有精神。",
                           "output": "你好，感谢你愿意说出来。焦虑和失眠常常互相影响，我们可以先看看最近生活中有哪些压力，"
                                     "再一起找一些能让你放松下来的方法，比如睡前的放松练习。"}]},
        {"conversation": [{"system": "s", "input": "我和室友关系很紧张，每天回宿舍都很压抑。",
                           "output": "Sure, as an AI I think you should just move out and stop worrying about it "
                                     "because roommates are never worth the stress at all."}]},
    ]
    (root / "emollm" / "data.json").write_text(json.dumps(emollm, ensure_ascii=False), encoding="utf-8")
    # CPsyCounD case texts
    cases = root / "cpsycoun" / "CPsyCounD" / "Data"
    cases.mkdir(parents=True, exist_ok=True)
    for name, text in CASES.items():
        (cases / name).write_text(text, encoding="utf-8")
    # PCEB
    theory = root / "pceb" / "benchmark" / "theory" / "multiple" / "second"
    theory.mkdir(parents=True, exist_ok=True)
    (theory / "16 理论多选.json").write_text(json.dumps(PCEB_THEORY, ensure_ascii=False), encoding="utf-8")
    # CPsyExam: two items planted to overlap PCEB (punctuation and a question number differ: the
    # normalized stem must still match), the rest clean.
    train = [_mcq(i, f"关于记忆的第{i}个问题，下列说法正确的是（　　）") for i in range(1, 9)]
    train.append(_mcq(100, "1. 时间知觉可以借助的线索包括( )", "ABCD", qtype="multi"))
    train.append(_mcq(101, "心理咨询的基本原则不包括（）", "D"))
    train.append(_mcq(102, "没有解析的题目（　　）", "B", explanation=""))
    test_split = [_mcq(200, "测试集里的题目（　　）")]
    (root / "cpsyexam").mkdir(exist_ok=True)
    with zipfile.ZipFile(root / "cpsyexam" / "cpsyexam.zip", "w") as zf:
        zf.writestr("train/KG-GEE-普通心理学-单项选择题.json", json.dumps(train, ensure_ascii=False))
        zf.writestr("test/KG-GEE-普通心理学-单项选择题.json", json.dumps(test_split, ensure_ascii=False))
    qa = [{"subject_name": "心理学", "question_type": "QA_Knowledge", "question": "什么是心理防御机制？",
           "answer": "心理防御机制是个体在面对挫折和焦虑时，为减轻痛苦而采用的无意识的心理适应方式。"}]
    with zipfile.ZipFile(root / "cpsyexam" / "cpsyexam_qa.zip", "w") as zf:
        zf.writestr("cpsyexam_qa/train/cpsyexam_qa.json", json.dumps(qa, ensure_ascii=False))
    return root


def make_kb(root: Path) -> Path:
    (root / "en").mkdir(parents=True, exist_ok=True)
    (root / "zh").mkdir(parents=True, exist_ok=True)
    (root / "en" / "en-sleep.md").write_text(
        "---\nid: en-sleep\ntitle: Sleep hygiene\ntopic: self-help\nlang: en\nreferences:\n  - \"Textbook\"\n---\n"
        "Sleep hygiene means keeping regular sleep and wake times every day. Avoid caffeine late in the day.\n",
        encoding="utf-8")
    (root / "zh" / "zh-defense.md").write_text(
        "---\nid: zh-defense\ntitle: 防御机制\ntopic: theory\nlang: zh\nreferences:\n  - \"教材\"\n---\n"
        "防御机制是个体在面对焦虑时无意识采用的心理保护方式。常见的有压抑、投射和合理化。\n", encoding="utf-8")
    return root
