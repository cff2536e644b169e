"""ROUGE/BLEU on Chinese with hand-computed values; rubric points parsed from marking schemes."""

from __future__ import annotations

import pytest

from eval.scoring import (
    RubricPoint,
    bleu4,
    parse_rubric,
    rouge_per_item,
    rubric_coverage,
    text_metrics,
    tokenizer,
)


def test_character_metrics_by_hand() -> None:
    # ref 今天天气很好 / pred 今天天气不好: 5 of 6 characters shared, LCS 今天天气好 = 5.
    # BLEU-4: p1 5/6, p2 3/5 (今天 天天 天气), p3 2/4, p4 1/3, BP 1 -> (5/6*3/5*1/2*1/3)^(1/4) = 0.5373
    m = text_metrics(["今天天气不好"], ["今天天气很好"], "char")
    assert m["rouge1"] == pytest.approx(83.33, abs=0.01)
    assert m["rougeL"] == pytest.approx(83.33, abs=0.01)
    assert m["bleu4"] == pytest.approx(53.73, abs=0.01)


def test_word_metrics_by_hand() -> None:
    pred, ref = "我 今天 很 高兴 在 这里 见到 你", "我 今天 非常 高兴 在 这里 见到 你"
    assert tokenizer("word").tokenize(pred) == ["我", "今天", "很", "高兴", "在", "这里", "见到", "你"]
    # 8 words each, one substituted: R-1 = R-L = 7/8. BLEU-4: p1 7/8, p2 5/7, p3 3/6, p4 2/5
    # -> (7/8 * 5/7 * 1/2 * 2/5)^(1/4) = 0.125^(1/4) = 0.5946
    m = text_metrics([pred], [ref], "word")
    assert m["rouge1"] == pytest.approx(87.5)
    assert m["rougeL"] == pytest.approx(87.5)
    assert m["bleu4"] == pytest.approx(59.46, abs=0.01)


def test_rouge_l_uses_order() -> None:
    # Same words, different order: R-1 100, LCS 我 喜欢 + one more = 3 of 5 -> R-L 60.
    per = rouge_per_item(["我 喜欢 猫 和 狗"], ["我 喜欢 狗 和 猫"], "word")[0]
    assert per["rouge1"] == pytest.approx(100.0)
    assert per["rougeL"] == pytest.approx(60.0)


@pytest.mark.slow
def test_rouge_matches_rouge_score_and_chinese_is_not_scored_zero() -> None:
    """Our ROUGE equals rouge-score's given the same tokens; and the trap this module exists for:
    rouge-score's default tokenizer drops every Chinese character. (Slow: rouge-score imports nltk.)"""
    import random

    from rouge_score import rouge_scorer

    default = rouge_scorer.RougeScorer(["rouge1"]).score("焦虑性神经症", "焦虑性神经症")["rouge1"].fmeasure
    assert default == 0.0
    assert rouge_per_item(["焦虑性神经症"], ["焦虑性神经症"], "char")[0]["rouge1"] == pytest.approx(100.0)
    rng = random.Random(0)
    chars = "焦虑抑郁求助者心理咨询问题情绪认知行为"
    for kind in ("char", "word"):
        ref_scorer = rouge_scorer.RougeScorer(["rouge1", "rougeL"], tokenizer=tokenizer(kind))
        for _ in range(50):
            pred = "".join(rng.choice(chars) for _ in range(rng.randint(0, 30)))
            ref = "".join(rng.choice(chars) for _ in range(rng.randint(1, 30)))
            want = ref_scorer.score(ref, pred)
            got = rouge_per_item([pred], [ref], kind)[0]
            assert got["rouge1"] == pytest.approx(100 * want["rouge1"].fmeasure)
            assert got["rougeL"] == pytest.approx(100 * want["rougeL"].fmeasure)


def test_empty_texts_score_zero() -> None:
    assert rouge_per_item([""], ["焦虑"], "char")[0] == {"rouge1": 0.0, "rougeL": 0.0}


def test_tokenizers_drop_punctuation_and_keep_ascii_words() -> None:
    assert tokenizer("char").tokenize("你好，CBT 疗法!") == ["你", "好", "cbt", "疗", "法"]
    assert "，" not in tokenizer("word").tokenize("你好，世界")


def test_corpus_bleu_is_not_the_mean_of_sentences() -> None:
    # Two pairs: a perfect one and a disjoint one. Corpus BLEU pools n-gram counts.
    assert 0 < bleu4(["今天天气很好", "完全不同的回答"], ["今天天气很好", "焦虑性神经症"], "char") < 100


# ---------------------------------------------------------------------------------------------------
# Rubric points


def test_marked_points() -> None:
    pts = parse_rubric("焦虑性神经症（10 分）、严重心理问题（5 分） 和抑郁发作（5 分）。")
    assert [(p.text, p.weight, p.marked) for p in pts] == [
        ("焦虑性神经症", 10.0, True), ("严重心理问题", 5.0, True), ("抑郁发作", 5.0, True)]


def test_marked_points_across_lines_and_wrapped_marks() -> None:
    ref = ("1） 生物原因（2 分）： 未见明显的生物学原因。（0.5 分）\n2） 社会原因（2 分）\n"
           "①诱发事件： 被确定转\n业。（0.5 分）\n②收入情况（2\n分）")
    pts = parse_rubric(ref)
    assert [(p.text, p.weight) for p in pts] == [
        ("生物原因", 2.0), ("未见明显的生物学原因。", 0.5), ("社会原因", 2.0), ("诱发事件：被确定转业。", 0.5),
        ("收入情况", 2.0)]


def test_unmarked_enumerated_points_drop_bare_labels() -> None:
    ref = "（1）初步诊断．严重心理问题。\n（2）诊断依据．\n①体检无异常。\n②主客观世界统一。"
    assert [p.text for p in parse_rubric(ref)] == ["初步诊断．严重心理问题。", "体检无异常。", "主客观世界统一。"]
    assert all(p.weight == 1.0 and not p.marked for p in parse_rubric(ref))


def test_unmarked_short_list() -> None:
    assert [p.text for p in parse_rubric("尊重，热情，真诚，共情，积极关注。")] == ["尊重", "热情", "真诚", "共情", "积极关注"]


def test_preamble_keeps_content_but_not_its_lead_in() -> None:
    ref = "真诚可以为求助者提供安全的氛围。表达真诚应注意：\n（1）真诚不等于说实话。\n（2）真诚应适度。"
    assert [p.text for p in parse_rubric(ref)] == ["真诚可以为求助者提供安全的氛围。", "真诚不等于说实话。", "真诚应适度。"]


def test_rubric_coverage_by_hand() -> None:
    pts = [RubricPoint("焦虑性神经症", 10, True), RubricPoint("严重心理问题", 5, True), RubricPoint("抑郁发作", 5, True)]
    out = rubric_coverage(pts, "考虑焦虑性神经症，也可能是抑郁。")
    # 焦虑性神经症: all 5 bigrams present; 严重心理问题: none; 抑郁发作: 1 of 3 bigrams (< 0.5).
    assert out["covered"] == [0]
    assert out["coverage"] == 50.0
    assert out["soft"] == pytest.approx(100 * (10 + 5 / 3) / 20, abs=0.01)
    assert rubric_coverage([], "x")["coverage"] is None


@pytest.mark.realdata
def test_real_reference_answers_all_parse(shared_data) -> None:
    from eval.pceb import load_pceb

    bench = load_pceb(shared_data / "pceb" / "benchmark")
    counts = [len(parse_rubric(it.reference)) for it in bench.caseqa]
    assert len(counts) == 100 and min(counts) >= 2
    assert sum(1 for it in bench.caseqa if parse_rubric(it.reference)[0].marked) == 44
