"""Which n-gram features rank risk best for writers the classifier never saw (message level).

    .venv/bin/python benchmarks/safety_features_lowo.py                    # the default feature sets, writers c-k
    .venv/bin/python benchmarks/safety_features_lowo.py --variants char13+use,shipped --writers c,d

For each training writer (`train_varied_<w>.jsonl`) a logistic regression on every other training
file is scored on that writer's messages: the "high" head (high + imminent vs the rest), whole
messages only, no lexicon, no thresholds from training. Reported: AUC and recall at the score that
gives 2 % false positives on the left-out writer's own negatives (an oracle threshold: it compares
feature sets, it is not what the screen achieves; `benchmarks/safety_lowo.py` measures the screen).
This is how session 12 chose word n-grams for the risk classifier (docs/safety.md). Prints a table,
writes benchmarks/results/safety_features_lowo.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

# name -> (char n-gram range, char min_df, words: "" | "all" | "en", embedding weight or 0, C)
VARIANTS: dict[str, tuple[tuple[int, int], int, str, float, float]] = {
    "char13": ((1, 3), 1, "", 0.0, 10.0),
    "char13+use": ((1, 3), 1, "", 0.35, 10.0),  # the features before session 12
    "char14+use": ((1, 4), 2, "", 0.35, 10.0),
    "char14+words+use": ((1, 4), 2, "all", 0.35, 10.0),
    "char14+words+use0.2": ((1, 4), 2, "all", 0.2, 10.0),
    "char14+words_en+use0.2": ((1, 4), 2, "en", 0.2, 10.0),
    "shipped": ((1, 4), 2, "all", 0.2, 30.0),  # classifier.py since session 12
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", default="c,d,e,f,g,h,j,k")
    parser.add_argument("--variants", default=",".join(VARIANTS), help=f"Comma-separated, of: {', '.join(VARIANTS)}")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "safety_features_lowo.json"))
    args = parser.parse_args(argv)

    import numpy as np
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    from psycollm.atomic_io import atomic_write_text
    from psycollm.retrieval.embedders import get_embedder
    from psycollm.safety.classifier import load_training_rows, preprocess, training_data_paths, word_ngrams

    unknown = [v for v in args.variants.split(",") if v not in VARIANTS]
    if unknown:
        parser.error(f"unknown variants: {unknown}")
    rows, source = [], []
    for path in training_data_paths():
        file_rows = load_training_rows([path])
        rows += file_rows
        source += [path.stem] * len(file_rows)
    source_arr = np.array(source)
    texts = [preprocess(r["text"]) for r in rows]
    y = np.isin([r["label"] for r in rows], ("high", "imminent")).astype(int)
    lang = np.array([r.get("lang") for r in rows])
    t0 = time.perf_counter()
    dense = np.asarray(get_embedder("use-multilingual").encode_queries([r["text"] for r in rows]), dtype=np.float64)
    print(f"embedded {len(rows)} messages in {time.perf_counter() - t0:.0f} s", flush=True)

    def english_words(text: str) -> list[str]:
        return [g for g in word_ngrams(text) if not any("\u3400" <= ch <= "\ufaff" for ch in g)]

    results = []
    for name in args.variants.split(","):
        ngrams, min_df, words, weight, c = VARIANTS[name]
        per_writer = []
        for writer in [w.strip() for w in args.writers.split(",") if w.strip()]:
            test = source_arr == f"train_varied_{writer}"
            if not test.any():
                parser.error(f"no training file train_varied_{writer}.jsonl")
            blocks = [TfidfVectorizer(analyzer="char", ngram_range=ngrams, lowercase=False, sublinear_tf=True,
                                      min_df=min_df)]
            if words:
                blocks.append(TfidfVectorizer(analyzer=word_ngrams if words == "all" else english_words,
                                              sublinear_tf=True, min_df=2))
            scale = 1.0 / np.sqrt(len(blocks))
            train_texts = [t for t, held in zip(texts, test, strict=True) if not held]
            test_texts = [t for t, held in zip(texts, test, strict=True) if held]
            x_train = hstack([b.fit_transform(train_texts) * scale for b in blocks])
            x_test = hstack([b.transform(test_texts) * scale for b in blocks])
            if weight:
                x_train = hstack([x_train, csr_matrix(weight * dense[~test])])
                x_test = hstack([x_test, csr_matrix(weight * dense[test])])
            model = LogisticRegression(C=c, solver="liblinear", dual=True, class_weight="balanced", max_iter=2000)
            p = model.fit(x_train.tocsr(), y[~test]).predict_proba(x_test.tocsr())[:, 1]
            yt, lt = y[test], lang[test]
            threshold = np.quantile(p[yt == 0], 0.98)
            per_writer.append({
                "writer": writer, "auc": float(roc_auc_score(yt, p)),
                "recall_at_2pct": float((p[yt == 1] > threshold).mean()),
                "recall_en": float((p[(yt == 1) & (lt == "en")] > threshold).mean()),
                "recall_zh": float((p[(yt == 1) & (lt == "zh")] > threshold).mean())})
        mean = {k: round(float(np.mean([w[k] for w in per_writer])), 4)
                for k in ("auc", "recall_at_2pct", "recall_en", "recall_zh")}
        results.append({"variant": name, "char_ngrams": list(ngrams), "char_min_df": min_df, "words": words,
                        "embedding_weight": weight, "C": c, **mean, "writers": per_writer})
        print(f"  {name}: AUC {mean['auc']:.4f}, recall at 2 % FP {mean['recall_at_2pct']:.3f}", flush=True)

    print(f"\nMessage level, leave one writer out ({args.writers}); 'high' head; oracle threshold at 2 % FP")
    print(f"{'variant':<26}{'AUC':>8}{'recall':>9}{'en':>8}{'zh':>8}")
    for r in results:
        print(f"{r['variant']:<26}{r['auc']:>8.4f}{r['recall_at_2pct']:>9.3f}{r['recall_en']:>8.3f}{r['recall_zh']:>8.3f}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out, json.dumps({"benchmark": "safety_features_lowo", "writers": args.writers,
                                       "timestamp": time.strftime("%Y-%m-%d %H:%M:%S"), "results": results},
                                      ensure_ascii=False, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
