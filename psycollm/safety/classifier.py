"""The learned layer: a small risk classifier trained in this project (char n-gram TF-IDF + logistic regression).

    from psycollm.safety.classifier import RiskClassifier
    clf = RiskClassifier.load_or_train(settings.cache_path / "safety")
    clf.predict(["I've given my cat away, I won't need anything after Friday"])[0].level_probs

Trained on `psycollm/safety/data/train.jsonl` (written for this project, zh + en, labels none / low /
high / imminent / request, separate from the test set in tests/data/). Training takes about a second;
the fitted weights are cached as JSON + NumPy arrays (never pickle: a cache directory must not be a
way to run code) under the cache dir, keyed by a hash of the data, the code version and scikit-learn's
version, so they are retrained when any of these change.

Its thresholds are set on the training data by 5-fold cross-validation (out-of-fold probabilities):
the lowest probability at which raising a message to "high" keeps the false-positive rate on the
none/low training messages at or below `TARGET_FPR`. As a layer of `crisis_screen` it can only raise
the lexicon's level; characters (1-3 grams) make it work for Chinese without a tokenizer.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from psycollm.safety import lexicon
from psycollm.safety.crisis_screen import RANK, LayerVerdict

log = logging.getLogger(__name__)

CODE_VERSION = "risk-clf-v2"  # bump when features or training change
# Binary heads (one-vs-rest, liblinear: ~0.2 s to fit here, where a multinomial lbfgs fit took 30 s).
HEADS: dict[str, tuple[str, ...]] = {
    "high": ("high", "imminent"),  # high or imminent vs everything else
    "imminent": ("imminent",),
    "any": ("low", "high", "imminent"),  # any risk vs none/request
    "request": ("request",),
}
TARGET_FPR = {"high": 0.02, "imminent": 0.02, "any": 0.05, "request": 0.02}
NGRAMS = (1, 3)
C = 10.0


def training_data_path() -> Path:
    return Path(str(resources.files("psycollm.safety") / "data" / "train.jsonl"))


def load_training_rows(path: Path | None = None) -> list[dict[str, Any]]:
    path = path or training_data_path()
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def preprocess(text: str) -> str:
    """The same normalisation and idiom masking as the lexicon, so both layers see the same text."""
    idioms_en, idioms_zh = lexicon._idioms()
    return lexicon._mask(lexicon._mask(lexicon.normalize(text), idioms_en), idioms_zh)


@dataclass
class Prediction:
    heads: dict[str, float]  # probability per head (high, imminent, any, request)
    category_probs: dict[str, float]


class RiskClassifier:
    """Inference from stored arrays: n-gram vocabulary, idf, one weight row per head and per category.

    Features are computed by hand (character 1-3 grams, log tf, idf, l2 norm: exactly what the
    TfidfVectorizer used in training computes) because scikit-learn's per-call overhead alone was
    ~0.4 ms per message, too much for a screen that must take < 10 ms for 20 turns.
    """

    name = "classifier"
    max_from_none = "low"  # alone it may add caution, not a crisis reply or a refusal (see crisis_screen)

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray, head_coef: np.ndarray,
                 head_intercept: np.ndarray, head_names: list[str], cat_coef: np.ndarray,
                 cat_intercept: np.ndarray, cat_classes: list[str], thresholds: dict[str, float],
                 meta: dict[str, Any]) -> None:
        self.vocabulary = vocabulary
        self.idf = idf
        self.head_coef, self.head_intercept, self.head_names = head_coef, head_intercept, head_names
        self.cat_coef, self.cat_intercept, self.cat_classes = cat_coef, cat_intercept, cat_classes
        self.thresholds = thresholds
        self.meta = meta
        self._cache: dict[str, Prediction] = {}

    # -- inference --------------------------------------------------------------------------------
    def _vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        t = preprocess(text)
        counts: dict[int, int] = {}
        vocab = self.vocabulary
        for n in range(NGRAMS[0], NGRAMS[1] + 1):
            for i in range(len(t) - n + 1):
                j = vocab.get(t[i:i + n])
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        cols = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        vals = (np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts))) + 1.0) * self.idf[cols]
        return cols, vals / np.linalg.norm(vals)

    def predict_one(self, text: str) -> Prediction:
        hit = self._cache.get(text)
        if hit is not None:
            return hit
        cols, vals = self._vector(text)
        heads = self.head_coef[:, cols] @ vals + self.head_intercept
        cats = self.cat_coef[:, cols] @ vals + self.cat_intercept
        pred = Prediction({h: float(p) for h, p in zip(self.head_names, _sigmoid(heads), strict=True)},
                          {c: float(p) for c, p in zip(self.cat_classes, _sigmoid(cats), strict=True)})
        if len(self._cache) > 4096:
            self._cache.clear()
        self._cache[text] = pred
        return pred

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        return [self.predict_one(t) for t in texts]

    def assess(self, messages: Sequence[dict[str, str]], evidence: str = "none") -> LayerVerdict:
        """The layer verdict for a conversation: the worst user message decides.

        `evidence` (the lexicon's level) is not used: a looser escalation threshold when the lexicon
        already saw risk was tried and over-escalated low-risk messages without catching more crises.
        """
        users = [str(m.get("content", "")) for m in messages if m.get("role") == "user" and m.get("content")]
        preds = self.predict(users)
        level, reasons, categories, requests = "none", [], [], []
        worst = {h: 0.0 for h in self.head_names}
        th = self.thresholds
        for i, pred in enumerate(preds):
            p = pred.heads
            for h in worst:
                worst[h] = max(worst[h], p[h])
            msg_level = ("imminent" if p["imminent"] >= th["imminent"] and p["high"] >= th["high"] else
                         "high" if p["high"] >= th["high"] else "low" if p["any"] >= th["any"] else "none")
            if RANK[msg_level] > RANK[level]:
                level = msg_level
                reasons = [f"user message {i + 1}: p(high)={p['high']:.2f}, p(any risk)={p['any']:.2f}"]
                categories = [c for c, v in sorted(pred.category_probs.items(), key=lambda kv: -kv[1])
                              if v >= 0.5 and c not in lexicon.REQUEST_SIGNALS][:2]
        if preds and preds[-1].heads["request"] >= th["request"]:
            cats = preds[-1].category_probs
            requests = [max(lexicon.REQUEST_SIGNALS, key=lambda c: cats.get(c, 0.0))]
        return LayerVerdict(level=level, categories=categories, requests=requests, reasons=reasons,
                            detail={f"max_p_{k}": round(v, 3) for k, v in worst.items()})

    # -- training and the cache -----------------------------------------------------------------------
    @classmethod
    def train(cls, rows: Sequence[dict[str, Any]], data_hash: str = "") -> RiskClassifier:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold, cross_val_predict

        texts = [preprocess(r["text"]) for r in rows]
        labels = np.array([r["label"] for r in rows])
        vec = TfidfVectorizer(analyzer="char", ngram_range=NGRAMS, lowercase=False, sublinear_tf=True)
        x = vec.fit_transform(texts)

        def fit(y: np.ndarray) -> tuple[np.ndarray, float]:
            m = LogisticRegression(C=C, solver="liblinear", class_weight="balanced").fit(x, y)
            return m.coef_[0], float(m.intercept_[0])

        head_names = list(HEADS)
        head_coef = np.zeros((len(HEADS), x.shape[1]))
        head_intercept = np.zeros(len(HEADS))
        thresholds: dict[str, float] = {}
        cv_stats: dict[str, float] = {}
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
        for k, (head, positives) in enumerate(HEADS.items()):
            y = np.isin(labels, positives).astype(int)
            head_coef[k], head_intercept[k] = fit(y)
            # Threshold from out-of-fold probabilities on the training data (never the test set).
            oof = cross_val_predict(LogisticRegression(C=C, solver="liblinear", class_weight="balanced"), x, y,
                                    cv=folds, method="predict_proba")[:, 1]
            negatives = oof[y == 0] if head != "any" else oof[labels == "none"]
            thresholds[head] = round(_threshold_for_fpr(negatives, TARGET_FPR[head]), 4)
            cv_stats[f"cv_recall_{head}"] = round(float((oof[y == 1] >= thresholds[head]).mean()), 3)
            cv_stats[f"cv_fpr_{head}"] = round(float((negatives >= thresholds[head]).mean()), 3)

        cat_classes = sorted({c for r in rows for c in r.get("categories", [])})
        cat_coef = np.zeros((len(cat_classes), x.shape[1]))
        cat_intercept = np.zeros(len(cat_classes))
        for k, cat in enumerate(cat_classes):
            cat_coef[k], cat_intercept[k] = fit(np.array([cat in r.get("categories", []) for r in rows], dtype=int))

        meta = {"code_version": CODE_VERSION, "data_hash": data_hash, "n_train": len(rows),
                "sklearn": _sklearn_version(), "target_fpr": TARGET_FPR, **cv_stats}
        return cls(vocabulary={k: int(v) for k, v in vec.vocabulary_.items()}, idf=vec.idf_.astype(np.float64),
                   head_coef=head_coef, head_intercept=head_intercept, head_names=head_names,
                   cat_coef=cat_coef, cat_intercept=cat_intercept, cat_classes=cat_classes,
                   thresholds=thresholds, meta=meta)

    def save(self, directory: Path) -> Path:
        """Write <key>.json + <key>.npz atomically (temp file + os.replace)."""
        directory.mkdir(parents=True, exist_ok=True)
        key = self.meta.get("cache_key") or cache_key(self.meta.get("data_hash", ""))
        arrays = {"idf": self.idf, "head_coef": self.head_coef, "head_intercept": self.head_intercept,
                  "cat_coef": self.cat_coef, "cat_intercept": self.cat_intercept}
        with tempfile.NamedTemporaryFile(dir=directory, suffix=".npz", delete=False) as fh:
            np.savez_compressed(fh, **arrays)
        os.replace(fh.name, directory / f"{key}.npz")
        doc = {"vocabulary": self.vocabulary, "head_names": self.head_names, "cat_classes": self.cat_classes,
               "thresholds": self.thresholds, "meta": self.meta}
        with tempfile.NamedTemporaryFile("w", dir=directory, suffix=".json", delete=False, encoding="utf-8") as fh:
            json.dump(doc, fh, ensure_ascii=False)
        os.replace(fh.name, directory / f"{key}.json")
        return directory / f"{key}.json"

    @classmethod
    def load(cls, directory: Path, key: str) -> RiskClassifier:
        doc = json.loads((directory / f"{key}.json").read_text(encoding="utf-8"))
        with np.load(directory / f"{key}.npz", allow_pickle=False) as arrays:
            return cls(vocabulary=doc["vocabulary"], idf=arrays["idf"], head_coef=arrays["head_coef"],
                       head_intercept=arrays["head_intercept"], head_names=doc["head_names"],
                       cat_coef=arrays["cat_coef"], cat_intercept=arrays["cat_intercept"],
                       cat_classes=doc["cat_classes"], thresholds=doc["thresholds"], meta=doc["meta"])

    @classmethod
    def load_or_train(cls, cache_dir: Path | None, data_path: Path | None = None) -> RiskClassifier:
        """The cached model for this data/code/sklearn, trained (~1 s) and cached on first use."""
        path = data_path or training_data_path()
        data_hash = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        key = cache_key(data_hash)
        if cache_dir is not None and (cache_dir / f"{key}.json").exists():
            try:
                return cls.load(cache_dir, key)
            except Exception as exc:  # a corrupt cache is rebuilt, not fatal
                log.warning("safety classifier cache %s unreadable (%s); retraining", cache_dir, exc)
        model = cls.train(load_training_rows(path), data_hash=data_hash)
        model.meta["cache_key"] = key
        if cache_dir is not None:
            try:
                model.save(cache_dir)
            except OSError as exc:  # a read-only cache dir costs a second per start, nothing more
                log.warning("could not cache the safety classifier in %s: %s", cache_dir, exc)
        return model


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _threshold_for_fpr(negative_scores: np.ndarray, target: float) -> float:
    """The lowest threshold whose false-positive rate on these negatives is <= target (at least 0.5)."""
    if negative_scores.size == 0:
        return 0.5
    q = float(np.quantile(negative_scores, 1.0 - target, method="higher"))
    return max(0.5, min(0.99, q + 1e-6))


def _sklearn_version() -> str:
    # From the package metadata, not `import sklearn`: that import alone took 2.7 s of the app's
    # start-up, and inference never needs it.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("scikit-learn")
    except PackageNotFoundError:
        return "none"


def cache_key(data_hash: str) -> str:
    return hashlib.sha256(f"{CODE_VERSION}|{data_hash}|{_sklearn_version()}".encode()).hexdigest()[:20]
