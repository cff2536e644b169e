"""The learned half of the output screen: a classifier of the assistant's replies, trained in this project.

    from psycollm.safety.reply_classifier import ReplyClassifier
    clf = ReplyClassifier.load_or_train(settings.cache_path / "safety" / "replies")
    clf.check("You can take two of your lorazepam tonight; that's what it's there for.")
    # [Problem(category='medication_dosing', text='You can take two of your lorazepam tonight...')]

Why: the output screen's patterns (`output_screen.RULES`) catch the literal forms ("take 25 mg of
quetiapine", "you have bipolar disorder") but not the ways real models say the same things: "sleeping
pills are usually described as a gentler way to go", "累了就放手吧，离开也是一种解脱", "this is textbook
social anxiety disorder". On a written development set the patterns replaced 15 % of the unsafe replies.

Trained on every `psycollm/safety/data/replies/*.jsonl`: assistant replies written for this project by
helpers who never saw the screen or its evaluation sets (unsafe in four categories: method or means
information, medication dosing, a diagnosis stated as fact, encouragement of harm; and hard safe near
misses: refusals naming the topic, means restriction, hedged diagnosis talk, dose questions deferred to
a prescriber). The recipe is the risk classifier's joint model (`classifier.py`): logistic regression
on character 1-3-grams + USE-multilingual sentence embeddings, one head for "unsafe" and one per
category; a char-only twin is used when the embedder cannot load or fails. A reply is scored whole and
sentence by sentence (one unsafe sentence buried in a long caring reply), with thresholds set by 5-fold
out-of-fold probabilities on the safe training replies: `TARGET_FPR` false replacements for the whole
reply and for its highest sentence. Training takes ~85-95 s on 2 cores; the weights are cached as JSON +
NumPy (no pickle) under the cache dir, keyed by data, code, scikit-learn and embedder versions.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from psycollm.errors import DatasetInvalid
from psycollm.safety import lexicon
from psycollm.safety.classifier import (
    EMBEDDER,
    _embedder_version,
    _sigmoid,
    _sklearn_version,
    _threshold_for_fpr,
    cached_model,
    char_vector,
    preprocess,
    training_data_hash,
)
from psycollm.safety.classifier import load_training_rows as load_jsonl_rows
from psycollm.safety.output_screen import Problem

log = logging.getLogger(__name__)

# Character 1-3 grams, C = 10 and the sentence embedding at weight 0.35, as the risk classifier had
# them when this classifier was built (session 10) and swept (session 11: weights 0.15, 1.0, 2.0, ~0
# and C = 3 were worse, C = 30 no better, leaving one reply writer out). Word n-grams, which helped the risk
# classifier (session 12), have not been tried here.
NGRAMS = (1, 3)
C = 10.0
DENSE_SCALE = 0.35

CODE_VERSION = "reply-clf-v6"  # bump when features, training or lexicon.normalize change
CATEGORIES = ("method_information", "medication_dosing", "diagnosis_as_fact", "encouraging_harm")
HEADS = ("unsafe", *CATEGORIES)
# False replacements allowed on the safe training replies (out of fold), for the whole reply and for its
# highest-scoring sentence. A wrongly replaced reply costs the user a good answer, not their safety.
# 2 % / 1 % until session 19: its twin data (an unsafe reply and a safe one that differ only in the harm)
# made the safe training replies harder, so the same rates meant stricter thresholds; 3 % / 1.5 % keeps
# the false replacements of writers left out below the old ones (47 vs 61 of 1,929) for +3.2 points of
# recall, at 37 instead of 10 of 7,376 real counsellors' replies (docs/safety.md, "The output screen").
TARGET_FPR = {"whole": 0.03, "sentence": 0.015}
# A reply of more sentences than this is judged by its sentences alone, not as a whole: real
# therapists' long answers (counsel_chat) scored high as wholes (17 % replaced), a style the written
# training replies lack, while their sentences did not.
WHOLE_MAX_SENTENCES = 3


def training_data_paths() -> list[Path]:
    """Every *.jsonl in psycollm/safety/data/replies, sorted."""
    return sorted(Path(str(resources.files("psycollm.safety") / "data" / "replies")).glob("*.jsonl"))


def load_training_rows(paths: Sequence[Path] | None = None) -> list[dict[str, Any]]:
    paths = list(paths if paths is not None else training_data_paths())
    if not paths:  # the risk classifier's loader would fall back to its own data
        raise DatasetInvalid("no reply training data (psycollm/safety/data/replies/*.jsonl); reinstall psycollm")
    return load_jsonl_rows(paths)


def scored_sentences(reply: str) -> list[str]:
    """The sentences of a reply that are scored on their own (fragments under 6 characters are noise).

    Every sentence, however long the reply: until session 21 only the first 24 were, so an unsafe
    sentence later in a long reply was never read."""
    return [s for s in lexicon.sentences(reply) if len(s) >= 6]


def reply_parts(reply: str) -> list[str]:
    """The reply, then its sentences when it has several."""
    sentences = scored_sentences(reply)
    return [reply, *sentences] if len(sentences) >= 2 else [reply]


_SENTENCE = re.compile(r"(?:\d\.(?=\d)|[^.!?。！？；;\n])+[.!?。！？；;\n]*")


def _without_repeats(reply: str) -> str:
    """The reply with each repeated sentence kept once. Repetition adds nothing to judge but inflates the
    whole-reply score: a small model looping "I hear how hard this is." three times scored 0.90 (unsafe)
    as a whole, the sentence alone 0.52."""
    units = [m.group(0) for m in _SENTENCE.finditer(reply)]
    seen: set[str] = set()
    kept = [u for u in units if not (u.strip() in seen or seen.add(u.strip()))]
    return "".join(kept).strip() if len(kept) < len(units) else reply


@dataclass(frozen=True)
class Heads:
    """Weights of one model: per head, over the char vocabulary and (joint model) the embedding."""

    char_coef: np.ndarray  # (heads, vocabulary)
    intercept: np.ndarray  # (heads,)
    thresholds: dict[str, float]  # "whole", "sentence"
    dense_coef: np.ndarray | None = None  # (heads, embedding dim), the scale folded in


@dataclass(frozen=True)
class ReplyScore:
    unsafe: bool
    category: str  # the likeliest category ("none" when safe)
    p_whole: float
    p_sentence: float  # highest sentence (0.0 for a reply of one sentence)
    part: str  # the text that decided (the whole reply or its worst sentence)
    model: str  # "joint" | "char"
    margin: float = 0.0  # how far the deciding score is above (>= 0: unsafe) or below its threshold


class ReplyClassifier:
    name = "reply_classifier"

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray, char: Heads, joint: Heads | None,
                 meta: dict[str, Any], embedder: Any = None) -> None:
        self.vocabulary, self.idf = vocabulary, idf
        self.char, self.joint = char, joint
        self.meta = meta
        self.embedder = embedder if joint is not None else None
        self._rows = {"char": np.ascontiguousarray(char.char_coef.T)}
        if joint is not None:
            self._rows["joint"] = np.ascontiguousarray(joint.char_coef.T)

    # -- inference --------------------------------------------------------------------------------
    def _probabilities(self, parts: Sequence[str]) -> tuple[list[np.ndarray], Heads, str]:
        """Per part, the probability of every head; the heads and the model ("joint" or "char") used."""
        heads, model, dense = self.char, "char", None
        if self.embedder is not None and self.joint is not None:
            try:
                dense = np.asarray(self.embedder.encode_queries(list(parts)), dtype=np.float64)
                heads, model = self.joint, "joint"
            except Exception:  # the char model still screens: a broken embedder must not block every reply
                log.exception("safety: the sentence embedder failed; the reply classifier uses the char model")
        rows = self._rows[model]
        probs = []
        for k, part in enumerate(parts):
            cols, vals = char_vector(part, self.vocabulary, self.idf, NGRAMS)
            z = vals @ rows[cols] + heads.intercept
            if dense is not None and heads.dense_coef is not None:
                z = z + heads.dense_coef @ dense[k]
            probs.append(_sigmoid(z))
        return probs, heads, model

    def score(self, reply: str) -> ReplyScore:
        parts = reply_parts(_without_repeats(reply))
        probs, heads, model = self._probabilities(parts)
        whole = probs[0]
        k_best = 1 + int(np.argmax([p[0] for p in probs[1:]])) if len(probs) > 1 else 0
        p_sentence = float(probs[k_best][0]) if k_best else 0.0
        # A reply of one sentence is held to the sentence threshold: that is what it is (a streamed
        # sentence too), and the max-over-sentences calibration is the stricter one.
        whole_bar = (heads.thresholds["whole"] if 1 < len(parts) <= 1 + WHOLE_MAX_SENTENCES else
                     heads.thresholds["sentence"] if len(parts) == 1 else float("inf"))
        by_whole, by_sentence = whole[0] >= whole_bar, bool(k_best) and p_sentence >= heads.thresholds["sentence"]
        margin = max(float(whole[0]) - whole_bar, p_sentence - heads.thresholds["sentence"] if k_best else -1.0)
        decider = probs[k_best] if by_sentence and not by_whole else whole
        unsafe = bool(by_whole or by_sentence)
        category = CATEGORIES[int(np.argmax(decider[1:]))] if unsafe else "none"
        return ReplyScore(unsafe, category, float(whole[0]), p_sentence,
                          parts[k_best] if by_sentence and not by_whole else reply, model, margin)

    def score_sentences(self, text: str) -> ReplyScore:
        """`text` judged as sentences of a longer reply: each at the sentence threshold, never as a whole."""
        parts = list(dict.fromkeys(scored_sentences(text)))
        if not parts:
            return ReplyScore(False, "none", 0.0, 0.0, text, "none", -1.0)
        probs, heads, model = self._probabilities(parts)
        k_best = int(np.argmax([p[0] for p in probs]))
        p_sentence = float(probs[k_best][0])
        margin = p_sentence - heads.thresholds["sentence"]
        unsafe = margin >= 0
        category = CATEGORIES[int(np.argmax(probs[k_best][1:]))] if unsafe else "none"
        return ReplyScore(unsafe, category, 0.0, p_sentence, parts[k_best], model, margin)

    @staticmethod
    def _problems(s: ReplyScore) -> list[Problem]:
        if not s.unsafe:
            return []
        return [Problem(s.category, f"{s.part.strip()[:80]} (reply classifier, {s.model}: "
                                    f"p={max(s.p_whole, s.p_sentence):.2f})")]

    def check(self, reply: str) -> list[Problem]:
        """The output screen's contract: a list of `output_screen.Problem` (empty = safe)."""
        if not reply.strip():
            return []
        return self._problems(self.score(reply))

    def check_continuation(self, shown: str, new: str) -> list[Problem]:
        """The stream screen's check of `new`, the sentences that follow `shown` in a reply being streamed:
        what `check` would say of `shown + new` if the reply ended there, scoring only what it must.

        A sentence of `new` that fails at the sentence threshold fails in any longer reply too: the stream
        stops there. While the reply is short enough to be judged as a whole (`WHOLE_MAX_SENTENCES`), a
        whole that fails is a provisional problem (`Problem.provisional`): the stream holds the text back,
        since a longer reply is judged by its sentences alone, and lets it go if the reply grows past that
        with every sentence passing; if the reply ends there, it is replaced. Until session 21 the stream
        judged each new sentence as a whole reply of its own, which held back a third of real therapists'
        answers halfway through (a lone sentence is held to the stricter one-sentence rule) until the
        end-of-reply check let them through.
        """
        if not new.strip():
            return []
        problems = self._problems(self.score_sentences(new))
        if problems:
            return problems
        prefix = shown + new
        if len(scored_sentences(prefix)) > WHOLE_MAX_SENTENCES:
            return []
        return [replace(p, provisional=True) for p in self._problems(self.score(prefix))]

    # -- training and the cache -----------------------------------------------------------------------
    @classmethod
    def train(cls, rows: Sequence[dict[str, Any]], data_hash: str = "", embedder: Any = None) -> ReplyClassifier:
        from scipy.sparse import csr_matrix, hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold

        texts = [r["text"] for r in rows]
        unsafe = np.array([bool(r["unsafe"]) for r in rows])
        targets = np.array([[unsafe[i]] + [r.get("category") == c for c in CATEGORIES]
                            for i, r in enumerate(rows)], dtype=int)
        vec = TfidfVectorizer(analyzer="char", ngram_range=NGRAMS, lowercase=False, sublinear_tf=True)
        x = vec.fit_transform([preprocess(t) for t in texts])
        part_rows, part_texts = [], []
        for i, t in enumerate(texts):
            parts = reply_parts(t)
            part_rows += [i] * (len(parts) - 1)
            part_texts += parts[1:]
        part_rows_a = np.array(part_rows, dtype=int)
        n_parts = np.bincount(part_rows_a, minlength=len(rows)) + 1
        part_x = vec.transform([preprocess(t) for t in part_texts]) if part_texts else None
        folds = list(StratifiedKFold(n_splits=5, shuffle=True, random_state=0).split(x, targets[:, 0]))

        def model() -> Any:
            return LogisticRegression(C=C, solver="liblinear", dual=True, class_weight="balanced", max_iter=2000)

        # The sentences of the safe replies are safe too, and they are added as negatives: trained on
        # whole replies alone, the model read any short sentence as unsafe (the unsafe training replies
        # are shorter on average), and real therapists' answers were replaced for "This is so hard."
        safe_part = ~unsafe[part_rows_a] if part_texts else np.zeros(0, dtype=bool)

        def with_safe_sentences(features: Any, parts: Any, idx: np.ndarray) -> tuple[Any, np.ndarray]:
            from scipy.sparse import vstack

            if parts is None:
                return features[idx], targets[idx]
            extra = np.flatnonzero(safe_part & np.isin(part_rows_a, idx))
            return (vstack([features[idx], parts[extra]]).tocsr(),
                    np.vstack([targets[idx], np.zeros((len(extra), len(HEADS)), dtype=int)]))

        def fit(features: Any, parts: Any, prefix: str) -> tuple[np.ndarray, np.ndarray, dict[str, float], dict]:
            coef, intercept = np.zeros((len(HEADS), features.shape[1])), np.zeros(len(HEADS))
            all_x, all_y = with_safe_sentences(features, parts, np.arange(len(rows)))
            for k in range(len(HEADS)):
                m = model().fit(all_x, all_y[:, k])
                coef[k], intercept[k] = m.coef_[0], m.intercept_[0]
            # Out-of-fold "unsafe" scores: the whole reply, and the max over its sentences.
            oof, oof_sent = np.zeros(len(rows)), np.full(len(rows), np.nan)
            for train_idx, test_idx in folds:
                fold_x, fold_y = with_safe_sentences(features, parts, train_idx)
                m = model().fit(fold_x, fold_y[:, 0])
                oof[test_idx] = m.predict_proba(features[test_idx])[:, 1]
                if parts is not None:
                    held = np.isin(part_rows_a, test_idx)
                    if held.any():
                        for row, p in zip(part_rows_a[held], m.predict_proba(parts[held])[:, 1], strict=True):
                            oof_sent[row] = p if np.isnan(oof_sent[row]) else max(p, oof_sent[row])
            multi = ~np.isnan(oof_sent)
            short = multi & (n_parts <= 1 + WHOLE_MAX_SENTENCES)  # judged as a whole too
            # A one-sentence reply is scored at the sentence threshold: calibrate it on those too.
            sent_scores = np.where(multi, oof_sent, oof)
            thresholds = {"whole": round(_threshold_for_fpr(oof[~unsafe & short] if (~unsafe & short).any()
                                                            else oof[~unsafe], TARGET_FPR["whole"]), 4),
                          "sentence": round(_threshold_for_fpr(sent_scores[~unsafe], TARGET_FPR["sentence"]), 4)}
            flagged = (oof >= thresholds["whole"]) & short | (sent_scores >= thresholds["sentence"])
            stats = {f"{prefix}cv_recall": round(float(flagged[unsafe].mean()), 3),
                     f"{prefix}cv_false_replacements": round(float(flagged[~unsafe].mean()), 3)}
            return coef, intercept, thresholds, stats

        c_coef, c_int, c_th, stats = fit(x, part_x, "char_")
        char = Heads(char_coef=c_coef, intercept=c_int, thresholds=c_th)
        joint = None
        if embedder is not None:
            dense = np.asarray(embedder.encode_queries(texts), dtype=np.float64)
            jx = hstack([x, csr_matrix(DENSE_SCALE * dense)]).tocsr()
            jparts = None
            if part_texts:
                pdense = np.asarray(embedder.encode_queries(part_texts), dtype=np.float64)
                jparts = hstack([part_x, csr_matrix(DENSE_SCALE * pdense)]).tocsr()
            j_coef, j_int, j_th, j_stats = fit(jx, jparts, "joint_")
            v = x.shape[1]
            joint = Heads(char_coef=j_coef[:, :v], intercept=j_int, thresholds=j_th,
                          dense_coef=DENSE_SCALE * j_coef[:, v:])
            stats.update(j_stats)
        meta = {"code_version": CODE_VERSION, "data_hash": data_hash, "n_train": len(rows),
                "n_unsafe": int(unsafe.sum()), "sklearn": _sklearn_version(),
                "embedder": _embedder_version() if joint is not None else None, "target_fpr": TARGET_FPR, **stats}
        return cls(vocabulary={k: int(v) for k, v in vec.vocabulary_.items()}, idf=vec.idf_.astype(np.float64),
                   char=char, joint=joint, meta=meta, embedder=embedder)

    def save(self, directory: Path, key: str) -> None:
        """<key>.json + <key>.npz, each written to a temp file and moved into place."""
        directory.mkdir(parents=True, exist_ok=True)
        arrays = {"idf": self.idf, "char_coef": self.char.char_coef, "char_intercept": self.char.intercept}
        if self.joint is not None:
            arrays.update(joint_char_coef=self.joint.char_coef, joint_intercept=self.joint.intercept,
                          joint_dense_coef=self.joint.dense_coef)
        with tempfile.NamedTemporaryFile(dir=directory, suffix=".npz", delete=False) as fh:
            np.savez_compressed(fh, **arrays)
        os.replace(fh.name, directory / f"{key}.npz")
        doc = {"vocabulary": self.vocabulary, "char_thresholds": self.char.thresholds,
               "joint_thresholds": self.joint.thresholds if self.joint is not None else None, "meta": self.meta}
        with tempfile.NamedTemporaryFile("w", dir=directory, suffix=".json", delete=False, encoding="utf-8") as fh:
            json.dump(doc, fh, ensure_ascii=False)
        os.replace(fh.name, directory / f"{key}.json")

    @classmethod
    def load(cls, directory: Path, key: str, embedder: Any = None) -> ReplyClassifier:
        doc = json.loads((directory / f"{key}.json").read_text(encoding="utf-8"))
        with np.load(directory / f"{key}.npz", allow_pickle=False) as a:
            char = Heads(char_coef=a["char_coef"], intercept=a["char_intercept"], thresholds=doc["char_thresholds"])
            joint = (Heads(char_coef=a["joint_char_coef"], intercept=a["joint_intercept"],
                           thresholds=doc["joint_thresholds"], dense_coef=a["joint_dense_coef"])
                     if doc.get("joint_thresholds") and "joint_char_coef" in a else None)
            return cls(vocabulary=doc["vocabulary"], idf=a["idf"], char=char, joint=joint, meta=doc["meta"],
                       embedder=embedder)

    @classmethod
    def load_or_train(cls, cache_dir: Path | None, data_paths: Sequence[Path] | None = None,
                      semantic: bool = True) -> ReplyClassifier:
        """The cached model for this data/code/library versions, trained on first use."""
        embedder = None
        if semantic:
            try:
                from psycollm.retrieval.embedders import get_embedder

                embedder = get_embedder(EMBEDDER)
            except Exception:
                log.exception("safety: the sentence embedder could not be loaded; the reply classifier uses char n-grams")
        paths = list(data_paths if data_paths is not None else training_data_paths())
        if not paths:
            raise DatasetInvalid("no reply training data (psycollm/safety/data/replies/*.jsonl); reinstall psycollm")
        data_hash = training_data_hash(paths)
        key = hashlib.sha256("|".join([CODE_VERSION, data_hash, _sklearn_version(),
                                       _embedder_version() if embedder is not None else "char-only"]).encode()
                             ).hexdigest()[:20]
        return cached_model(cache_dir, key, "reply classifier",
                            load=lambda: cls.load(cache_dir, key, embedder=embedder),  # type: ignore[arg-type]
                            train=lambda: cls.train(load_training_rows(paths), data_hash=data_hash, embedder=embedder),
                            save=lambda model: model.save(cache_dir, key))  # type: ignore[arg-type]
