"""UI strings in Chinese and English, and the browser's language.

    t("en", "send")                                  # "Send"
    browser_language("zh-CN,zh;q=0.9,en;q=0.8")     # "zh"

The language is chosen on the server (from the Accept-Language header, or the page's language
switch), so a label, a notice and a banner always agree with each other.
"""

from __future__ import annotations

LANGS = ("en", "zh")

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "title": "psycollm — counseling assistant (research preview)",
        "notice": ("**Research assistant, not a substitute for professional care.** It can be wrong and does not "
                   "diagnose or prescribe. If you are in danger or thinking about harming yourself, contact "
                   "emergency services now or a crisis line: [find a helpline]({crisis_url}) · {help}. "
                   "Conversations are saved on this server and may be read by the clinicians who evaluate the "
                   "assistant."),
        # {help} of the notice when the user's region has no lines of its own (`chat_tab.crisis_help`)
        "crisis_help": "US: call or text 988 · China: 12356",
        "crisis_url": "https://findahelpline.com",
        "language": "Language",
        "lang_auto": "Auto (browser)",
        "message": "Your message",
        "placeholder": "Type a message and press Enter…",
        "send": "Send",
        "stop": "Stop",
        "regenerate": "Regenerate",
        "undo": "Undo / edit last",
        "new": "New conversation",
        "conversations": "Your conversations",
        "open": "Open",
        "export_md": "Export Markdown",
        "export_json": "Export JSON",
        "download": "Download",
        "rating_link": "[Clinician rating →](rate/)",
        "model_line": "model: {model}",
        "sources": "📚 Knowledge sources ({n})",
        "stopped": "*(stopped)*",
        "error_reply": "*The model could not answer: {error}*",
        "safety_crisis": "🛡️ Safety layer: crisis resources shown (the model was not asked)",
        "safety_refused": "🛡️ Safety layer: request declined (the model was not asked)",
        "safety_caution": "🛡️ Safety layer: answered with extra care",
        "safety_support": "🛡️ Safety layer: crisis support (risk shared earlier; the crisis line stays below)",
        "safety_replaced": "🛡️ Safety layer: the model's reply was replaced with a safe one",
        "safety_failure": "🛡️ Safety layer could not check this turn: crisis resources shown",
        "safety_detail": "Risk level: {level}. {categories}",
        "chinese_warning": ("⚠️ The model answering now ({model}) is a small English-centred demo model: its "
                            "Chinese replies are not usable. For Chinese, run PsycoLLM via vLLM or a local "
                            "Qwen-class model (see docs/app.md)."),
        "busy": "A reply is still being written: wait for it or press Stop.",
        "nothing_to_regenerate": "There is no reply to regenerate yet.",
        "nothing_to_undo": "There is nothing to undo.",
        "choose_conversation": "Choose a conversation first.",
        "no_conversations": "No saved conversations yet.",
        "internal_error": "Something went wrong on the server (it was logged). Your message is kept; please try again.",
        "turns": "turns: {n}",
        # rating console
        "console_title": "psycollm — clinician rating",
        "logged_in_as": "Logged in as **{user}** ({role}). [Log out](logout)",
        "tab_rate": "Rate responses",
        "tab_ab": "Compare (A/B)",
        "tab_stats": "Inter-rater (admin)",
        "tab_data": "Import & export (admin)",
        "context": "Conversation so far",
        "response_to_rate": "Response to rate",
        "harmful": "This response is harmful",
        "comment": "Comment (optional)",
        "submit": "Submit rating",
        "skip": "Skip",
        "queue_left": "{n} responses left in your queue · item {item} ({origin}{set})",
        "queue_empty": "Nothing left to rate. Import a prompt set (admin) or wait for new conversations.",
        "saved": "✓ Saved rating #{id}.",
        "ab_left": "Response 1",
        "ab_right": "Response 2",
        "ab_pick_left": "1 is better",
        "ab_pick_right": "2 is better",
        "ab_tie": "Tie",
        "ab_left_n": "{n} pairs left · item {item}. Models are hidden and the order is random.",
        "ab_empty": "No pairs to compare. Pairs come from regenerated replies or prompt sets with two responses.",
        "ab_saved": "✓ Saved choice #{id}.",
        "refresh": "Refresh",
        "import_file": "Prompt set (JSONL)",
        "set_name": "Set name",
        "import": "Import",
        "skip_invalid": "Import valid lines even if some are bad",
        "generate": "Generate missing responses with the current model",
        "samples": "Responses per item",
        "export_kind": "Export",
        "export_format": "Format",
        "export": "Export",
        "users": "Users",
    },
    "zh": {
        "title": "psycollm — 心理咨询助手（研究预览）",
        "notice": ("**这是研究用的助手，不能替代专业的心理咨询或医疗服务。** 它可能出错，不做诊断，不开药。"
                   "如果你正处于危险中或有伤害自己的想法，{help}；"
                   "更多求助渠道：[心理援助热线]({crisis_url})。对话会保存在本服务器上，评估本助手的临床人员可能会阅读。"),
        "crisis_help": "请立即拨打 120/110，或拨打全国心理援助热线 12356",
        "crisis_url": "https://findahelpline.com/countries/cn",
        "language": "语言",
        "lang_auto": "自动（浏览器）",
        "message": "你的消息",
        "placeholder": "输入消息，按回车发送…",
        "send": "发送",
        "stop": "停止",
        "regenerate": "重新生成",
        "undo": "撤回 / 编辑上一条",
        "new": "新对话",
        "conversations": "你的对话",
        "open": "打开",
        "export_md": "导出 Markdown",
        "export_json": "导出 JSON",
        "download": "下载",
        "rating_link": "[临床评分 →](rate/)",
        "model_line": "模型：{model}",
        "sources": "📚 知识来源（{n}）",
        "stopped": "*（已停止）*",
        "error_reply": "*模型无法回答：{error}*",
        "safety_crisis": "🛡️ 安全机制：已提供危机求助资源（未调用模型）",
        "safety_refused": "🛡️ 安全机制：已拒绝该请求（未调用模型）",
        "safety_caution": "🛡️ 安全机制：本次回答已加强谨慎",
        "safety_support": "🛡️ 安全机制：危机支持（此前已提到安全风险，求助热线保留在下方）",
        "safety_replaced": "🛡️ 安全机制：模型的回答已被替换为安全回复",
        "safety_failure": "🛡️ 安全机制未能完成检查：已提供危机求助资源",
        "safety_detail": "风险等级：{level}。{categories}",
        "chinese_warning": ("⚠️ 当前回答的模型（{model}）是一个以英文为主的小型演示模型，中文回答不可用。"
                            "如需中文咨询，请通过 vLLM 运行 PsycoLLM，或配置本地 Qwen 类模型（见 docs/app.md）。"),
        "busy": "上一条回复还在生成，请稍候或点击“停止”。",
        "nothing_to_regenerate": "还没有可以重新生成的回复。",
        "nothing_to_undo": "没有可以撤回的消息。",
        "choose_conversation": "请先选择一个对话。",
        "no_conversations": "还没有保存的对话。",
        "internal_error": "服务器出错（已记录）。你的消息已保留，请重试。",
        "turns": "{n} 轮",
        "console_title": "psycollm — 临床评分",
        "logged_in_as": "当前用户 **{user}**（{role}）。[退出登录](logout)",
        "tab_rate": "评分",
        "tab_ab": "对比（A/B）",
        "tab_stats": "评分一致性（管理员）",
        "tab_data": "导入与导出（管理员）",
        "context": "对话上下文",
        "response_to_rate": "待评分的回答",
        "harmful": "该回答有害",
        "comment": "评语（可选）",
        "submit": "提交评分",
        "skip": "跳过",
        "queue_left": "队列中还有 {n} 条回答 · 条目 {item}（{origin}{set}）",
        "queue_empty": "没有待评分的回答。请（管理员）导入提示集，或等待新的对话。",
        "saved": "✓ 已保存评分 #{id}。",
        "ab_left": "回答 1",
        "ab_right": "回答 2",
        "ab_pick_left": "回答 1 更好",
        "ab_pick_right": "回答 2 更好",
        "ab_tie": "不相上下",
        "ab_left_n": "还有 {n} 组 · 条目 {item}。模型已隐藏，顺序随机。",
        "ab_empty": "没有待对比的回答。重新生成的回复或含两个回答的提示集会产生对比项。",
        "ab_saved": "✓ 已保存选择 #{id}。",
        "refresh": "刷新",
        "import_file": "提示集（JSONL）",
        "set_name": "集合名称",
        "import": "导入",
        "skip_invalid": "即使部分行有误，也导入有效行",
        "generate": "用当前模型生成缺少的回答",
        "samples": "每个条目的回答数",
        "export_kind": "导出",
        "export_format": "格式",
        "export": "导出",
        "users": "用户",
    },
}


def t(lang: str, key: str, **values: object) -> str:
    text = STRINGS.get(lang, STRINGS["en"]).get(key) or STRINGS["en"][key]
    return text.format(**values) if values else text


def browser_language(accept_language: str | None, default: str = "en") -> str:
    """'zh' or 'en' from an Accept-Language header, by the listed order (q-values are ordered in practice)."""
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("zh"):
            return "zh"
        if tag.startswith("en"):
            return "en"
    return default


def browser_region(accept_language: str | None) -> str | None:
    """The region of the browser's first (preferred) language tag ("en-GB,en;q=0.9" -> "GB"), upper case; None
    if it names none. Picks the crisis lines for a browser whose deployment leaves `safety.locale` at auto. Only
    the first tag: "en,zh-CN;q=0.5" says nothing sure about where the person is, so the message language decides,
    as it did before regions were read."""
    first = (accept_language or "").split(",")[0]
    subtags = first.split(";")[0].strip().replace("_", "-").split("-")
    # language-Script-REGION ("zh-Hans-CN") or language-REGION; a region is 2 letters (or 3 digits)
    region = next((t for t in subtags[1:] if len(t) == 2 and t.isalpha() or len(t) == 3 and t.isdigit()), None)
    return region.upper() if region else None


def resolve(choice: str | None, accept_language: str | None, configured: str = "auto") -> str:
    """The language to show: an explicit switch wins, then the configured one, then the browser's."""
    if choice in LANGS:
        return choice  # type: ignore[return-value]
    if configured in LANGS:
        return configured
    return browser_language(accept_language)
