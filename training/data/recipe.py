"""The data-pipeline recipe: every knob of `psycollm data`, as dataclasses (trl style).

A recipe is a YAML file whose keys are the field names below (``training/recipes/data.yaml``);
``--override section.field=value`` (repeatable) changes one field from the command line, and
``--limit`` / ``--seed`` / ``--output`` the most common ones:

    psycollm data build --config training/recipes/data.yaml --limit 20
    psycollm data multi --config training/recipes/data.yaml --override multi_turn.support_threshold=0.9

The recipe's ``settings`` mapping holds psycollm settings (``backend.kind: openai`` ...), applied
above the settings file and the environment and below the command line's settings flags.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from psycollm.config import Settings, _coerce
from psycollm.errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parent.parent.parent


def _f(default: Any, help: str) -> Any:
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: type(default)(default), metadata={"help": help})
    return field(default=default, metadata={"help": help})


# ---------------------------------------------------------------------------------------------------
# Sections


@dataclass
class StepSampling:
    """Sampling for one kind of LLM call (generation, judgment, refinement, ...)."""

    temperature: float = _f(0.7, "Sampling temperature (0 = greedy; retries then use llm.retry_temperature).")
    top_p: float = _f(0.9, "Nucleus sampling.")
    max_new_tokens: int = _f(1024, "Longest reply; capped by what the model's context window leaves.")
    repetition_penalty: float = _f(1.05, "Penalty for repeated tokens (in-process backends).")


@dataclass
class LLMConfig:
    batch_size: int = _f(0, "Requests handed to backend.generate_batch at once; the cache is committed and the "
                         "progress bar advances after each. 0 = auto: 4 x backend.max_concurrency for a server "
                         "(which runs them concurrently), 1 for in-process backends.")
    max_attempts: int = _f(3, "Tries per call when the output is malformed (bad JSON, wrong roles, empty turns, "
                           "language switch) before the item is dropped and counted.")
    retry_temperature: float = _f(0.7, "Temperature of retries when the step's temperature is 0 (greedy "
                                  "decoding would repeat the same malformed output).")
    min_reply_tokens: int = _f(256, "The prompt's long input (case, article) is shortened until at least this "
                               "many tokens are left for the reply in the context window.")
    cache: bool = _f(True, "Cache every LLM call on disk (<work_dir>/llm_cache.sqlite); a re-run pays nothing twice.")
    generate: StepSampling = field(default_factory=lambda: StepSampling(0.8, 0.95, 1536),
                                   metadata={"help": "Multi-turn step a (dialogue generation)."})
    judge: StepSampling = field(default_factory=lambda: StepSampling(0.0, 1.0, 1024, 1.0),
                                metadata={"help": "Multi-turn step b (evidence judgment)."})
    refine: StepSampling = field(default_factory=lambda: StepSampling(0.5, 0.9, 1536),
                                 metadata={"help": "Multi-turn step c (refinement)."})
    rewrite: StepSampling = field(default_factory=lambda: StepSampling(0.5, 0.9, 768),
                                  metadata={"help": "Single-turn empathy/safety rewrite."})
    kb_qa: StepSampling = field(default_factory=lambda: StepSampling(0.7, 0.9, 1024),
                                metadata={"help": "Question-answer pairs written from knowledge-base articles."})


@dataclass
class SingleTurnConfig:
    enabled: bool = _f(True, "Run the single-turn stage.")
    counsel_chat: str = _f("counsel_chat/20200325_counsel_chat.csv", "counsel-chat CSV (English), relative to "
                           "shared_data; '' to skip.")
    emollm: str = _f("emollm/data.json", "EmoLLM dialogues (Chinese, first turns used), relative to shared_data; "
                     "'' to skip.")
    extra_files: list[dict[str, Any]] = _f([], "User files: list of {path, name, license, question_field, "
                                           "answer_field, lang}; .jsonl or .csv, one QA pair per row.")
    answers_per_question: int = _f(1, "counsel-chat has several therapists' answers per question: keep the "
                                   "N most upvoted.")
    min_question_tokens: int = _f(6, "Drop questions shorter than this (estimated tokens, CJK char = 1).")
    min_answer_tokens: int = _f(30, "Drop answers shorter than this.")
    max_question_tokens: int = _f(600, "Drop questions longer than this.")
    max_answer_tokens: int = _f(900, "Drop answers longer than this.")
    max_repeated_sentences: float = _f(0.3, "Drop answers whose share of repeated sentences exceeds this.")
    max_symbol_ratio: float = _f(0.2, "Drop texts whose share of non-letter, non-space, non-punctuation "
                                 "characters exceeds this (markup, tables, encoding debris).")
    drop_contact_info: bool = _f(True, "Drop answers with URLs, e-mail addresses or phone numbers "
                                 "(self-promotion, privacy).")
    rewrite: bool = _f(False, "Rewrite answers with the LLM for empathy and safety, keeping the content.")
    rewrite_on_failure: str = _f("original", "When the rewrite stays malformed after llm.max_attempts: "
                                 "'original' keeps the cleaned human answer, 'drop' drops the pair.")


@dataclass
class MultiTurnConfig:
    enabled: bool = _f(True, "Run the multi-turn stage.")
    seeds: str = _f("cpsycoun/CPsyCounD/Data", "Folder of prior-knowledge case texts (*.txt), relative to "
                    "shared_data, or an absolute path.")
    seed_license: str = _f("CC-BY-4.0", "License of the seed texts (goes into the dataset card).")
    seed_source: str = _f("CPsyCounD (CAS-SIAT-XinHai/CPsyCoun)", "Citation of the seed texts.")
    dialogue_lang: str = _f("auto", "Language of the written dialogues: auto (the seed's), zh or en.")
    min_exchanges: int = _f(6, "Fewest seeker/counselor exchanges a dialogue must have.")
    max_exchanges: int = _f(16, "Most exchanges a dialogue may have (the prompt asks for min..max).")
    max_turn_chars: int = _f(1500, "Longest single turn, in characters.")
    support_threshold: float = _f(0.8, "Share of counselor turns the judgment must find supported by the "
                                  "case (or free of factual claims) for the dialogue to survive.")
    max_regenerations: int = _f(1, "Dialogues below the threshold are written again this many times, "
                                "then dropped.")
    rejudge_after_refine: bool = _f(True, "Judge the refined dialogue again; it must still meet the threshold "
                                    "(refinement must keep the facts).")
    on_refine_failure: str = _f("drop", "When refinement stays malformed or fails the re-judgment: 'drop' the "
                                "dialogue, or 'keep_generated' (the judged, unrefined dialogue).")
    max_seed_chars: int = _f(4000, "Seed texts are cut to this many characters before prompting.")


@dataclass
class KnowledgeConfig:
    enabled: bool = _f(True, "Run the knowledge-QA stage.")
    cpsyexam_zip: str = _f("cpsyexam/cpsyexam.zip", "CPsyExam MCQs (zip), relative to shared_data; '' to skip.")
    cpsyexam_qa_zip: str = _f("cpsyexam/cpsyexam_qa.zip", "CPsyExam open QA (zip); '' to skip.")
    cpsyexam_splits: list[str] = _f(["train", "dev"], "CPsyExam splits used for training data (its test split "
                                    "stays clean for evaluation).")
    min_explanation_chars: int = _f(8, "MCQs whose explanation is shorter than this are skipped.")
    pceb: str = _f("pceb/benchmark", "PCEB folder: every item whose normalized stem occurs in PCEB is removed "
                   "before anything else.")
    kb_dir: str = _f("knowledge_base/docs", "Knowledge-base articles ({zh,en}/*.md), relative to the repo; '' "
                     "to skip.")
    kb_pairs_per_article: int = _f(3, "Question-answer pairs the LLM writes per article.")
    kb_min_grounding: float = _f(0.5, "Share of an answer's character bigrams (zh) / words (en) that must occur "
                                 "in the article; below it the pair is dropped as ungrounded.")
    kb_license: str = _f("Apache-2.0", "License of the project's knowledge-base articles.")


@dataclass
class MixConfig:
    name: str = _f("psycollm-sft", "Dataset name (folder name under <data_dir>/datasets, and the card title).")
    system_prompt: bool = _f(True, "Prepend the app's counselor system prompt (psycollm.prompts) in the "
                             "record's language, so the fine-tuned model is trained as it is served.")
    near_dup_threshold: float = _f(0.85, "MinHash Jaccard above which two records count as near-duplicates.")
    num_perm: int = _f(128, "MinHash permutations.")
    shingle_chars: int = _f(5, "Character n-gram size of the MinHash shingles (works for zh and en).")
    validation_fraction: float = _f(0.05, "Share of records in the validation split (stable: by id hash).")
    stage_priority: list[str] = _f(["multi_turn", "knowledge", "single_turn"], "Which copy of a near-duplicate "
                                   "pair is kept: the one from the earlier stage.")


@dataclass
class DataRecipe:
    seed: int = _f(42, "Seed of every random choice and of the sampling (runs are deterministic).")
    limit: int | None = _f(None, "Quick runs: at most N input items per source and stage (null = all).")
    shared_data: str = _f("../shared/data", "Folder of the reference data sets (relative paths are tried from "
                          "the working directory, then from the repo root; env PSYCOLLM_SHARED_DATA replaces the default).")
    output: str = _f("", "Where the DatasetDict goes ('' = <data_dir>/datasets/<mix.name>).")
    work_dir: str = _f("", "Stage outputs and the LLM cache ('' = <output>.work).")
    shard_size: int = _f(64, "Items per shard; each shard is written atomically and skipped when a run resumes.")
    progress: bool = _f(True, "Progress bars with ETA on stderr.")
    settings: dict[str, Any] = _f({}, "psycollm settings for this recipe, dotted: {backend.kind: openai, ...}.")
    llm: LLMConfig = field(default_factory=LLMConfig, metadata={"help": "LLM calls: batching, retries, cache."})
    single_turn: SingleTurnConfig = field(default_factory=SingleTurnConfig, metadata={"help": "Stage 1."})
    multi_turn: MultiTurnConfig = field(default_factory=MultiTurnConfig, metadata={"help": "Stage 2."})
    knowledge: KnowledgeConfig = field(default_factory=KnowledgeConfig, metadata={"help": "Stage 3."})
    mix: MixConfig = field(default_factory=MixConfig, metadata={"help": "Stage 4."})

    # -- paths --------------------------------------------------------------------------------------
    def shared_path(self, rel: str) -> Path:
        """A path inside the shared data folder (absolute paths are kept as they are)."""
        p = Path(rel).expanduser()
        return p if p.is_absolute() else self.shared_root() / p

    def shared_root(self) -> Path:
        # The environment names the folder only when the recipe leaves the default (as the tests' conftest).
        default = DataRecipe.__dataclass_fields__["shared_data"].default
        env = os.environ.get("PSYCOLLM_SHARED_DATA") if self.shared_data == default else None
        root = Path(env or self.shared_data).expanduser()
        if root.is_absolute() or root.exists():
            return root.resolve() if root.exists() else root
        from_repo = REPO_ROOT / root
        return from_repo.resolve() if from_repo.exists() else root

    def repo_path(self, rel: str) -> Path:
        p = Path(rel).expanduser()
        if p.is_absolute() or p.exists():
            return p
        return REPO_ROOT / p

    def output_path(self, settings: Settings) -> Path:
        return Path(self.output).expanduser() if self.output else settings.data_path / "datasets" / self.mix.name

    def work_path(self, settings: Settings) -> Path:
        if self.work_dir:
            return Path(self.work_dir).expanduser()
        out = self.output_path(settings)
        return out.with_name(out.name + ".work")

    def fingerprint(self, *sections: str) -> str:
        """Hash of what decides a stage's output: the named sections plus seed and limit."""
        data = {"seed": self.seed, "limit": self.limit, "shard_size": self.shard_size}
        for name in sections:
            data[name] = dataclasses.asdict(getattr(self, name))
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


# ---------------------------------------------------------------------------------------------------
# Loading


def load_recipe(path: str | os.PathLike[str] | None = None, overrides: list[str] | None = None) -> DataRecipe:
    """Defaults < YAML file < ``section.field=value`` overrides; unknown keys are errors."""
    recipe = DataRecipe()
    if path:
        p = Path(path).expanduser()
        try:
            data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        except FileNotFoundError:
            raise ConfigError(f"Data recipe not found: {p}") from None
        except yaml.YAMLError as exc:
            raise ConfigError(f"Data recipe {p} is not valid YAML: {exc}") from None
        if not isinstance(data, dict):
            raise ConfigError(f"Data recipe {p} must be a mapping of settings.")
        _apply(recipe, data, str(p))
    for item in overrides or []:
        if "=" not in item:
            raise ConfigError(f"--override expects SECTION.FIELD=VALUE, got {item!r}")
        key, value = item.split("=", 1)
        parsed = yaml.safe_load(value) if value.strip() else ""
        _set_dotted(recipe, key.strip(), parsed, "--override")
    check_recipe(recipe)
    return recipe


def _apply(obj: Any, data: dict[str, Any], where: str, prefix: str = "") -> None:
    for key, value in data.items():
        _set_dotted(obj, key, value, where, prefix)


def _set_dotted(obj: Any, dotted: str, value: Any, where: str, prefix: str = "") -> None:
    head, _, rest = dotted.partition(".")
    fields = {f.name: f for f in dataclasses.fields(obj)}
    if head not in fields:
        raise ConfigError(f"{where}: unknown recipe key '{prefix}{head}'. Known: {', '.join(fields)}.")
    current = getattr(obj, head)
    if dataclasses.is_dataclass(current):
        if rest:
            _set_dotted(current, rest, value, where, f"{prefix}{head}.")
        elif isinstance(value, dict):
            _apply(current, value, where, f"{prefix}{head}.")
        else:
            raise ConfigError(f"{where}: '{prefix}{head}' is a section; give it a mapping.")
        return
    if rest:
        if head == "settings":  # free-form dotted psycollm settings
            current[rest] = value
            return
        raise ConfigError(f"{where}: '{prefix}{head}' has no field '{rest}'.")
    setattr(obj, head, _coerce_recipe(value, obj, head, f"{where} '{prefix}{head}'"))


def _coerce_recipe(value: Any, owner: Any, name: str, where: str) -> Any:
    import typing

    hints = typing.get_type_hints(type(owner))
    real = hints[name]
    if typing.get_origin(real) is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: expected a mapping, got {value!r}")
        return dict(value)
    if typing.get_origin(real) is list and typing.get_args(real) and typing.get_args(real)[0] is not str:
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list, got {value!r}")
        return list(value)
    return _coerce(value, real, where)


def check_recipe(r: DataRecipe) -> None:
    """Raise ConfigError for values no stage can work with."""
    if r.limit is not None and r.limit < 1:
        raise ConfigError("limit must be a positive number of items (or null for all).")
    if not 0.0 <= r.multi_turn.support_threshold <= 1.0:
        raise ConfigError("multi_turn.support_threshold must be between 0 and 1.")
    if r.multi_turn.dialogue_lang not in ("auto", "zh", "en"):
        raise ConfigError("multi_turn.dialogue_lang must be auto, zh or en.")
    if r.multi_turn.on_refine_failure not in ("drop", "keep_generated"):
        raise ConfigError("multi_turn.on_refine_failure must be 'drop' or 'keep_generated'.")
    if r.single_turn.rewrite_on_failure not in ("original", "drop"):
        raise ConfigError("single_turn.rewrite_on_failure must be 'original' or 'drop'.")
    if r.llm.max_attempts < 1 or r.llm.batch_size < 0 or r.shard_size < 1:
        raise ConfigError("llm.max_attempts and shard_size must be at least 1, llm.batch_size at least 0 (auto).")
    if not 0.0 <= r.mix.validation_fraction < 1.0:
        raise ConfigError("mix.validation_fraction must be in [0, 1).")
    unknown = set(r.mix.stage_priority) - {"multi_turn", "knowledge", "single_turn"}
    if unknown:
        raise ConfigError(f"mix.stage_priority: unknown stages {sorted(unknown)}.")


def describe(obj: Any = None, prefix: str = "") -> list[tuple[str, Any, str]]:
    """(dotted key, default, help) for every recipe field: for `psycollm data fields` and the docs."""
    obj = obj if obj is not None else DataRecipe()
    out: list[tuple[str, Any, str]] = []
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if dataclasses.is_dataclass(value):
            out.extend(describe(value, f"{prefix}{f.name}."))
        else:
            out.append((prefix + f.name, value, f.metadata.get("help", "")))
    return out
