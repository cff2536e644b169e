"""Fields of a preference-tuning run (DPO, ORPO) beyond TRL's ``DPOConfig`` and ``ModelConfig``.

The data are the pairs written by ``psycollm export preferences`` from clinician ratings (one JSON
object a line: prompt, chosen, rejected, source, item_id, margin).

    psycollm train dpo --help
"""

from __future__ import annotations

from dataclasses import dataclass, field

from training.script_config import ScriptArguments


@dataclass
class DPOScriptArguments(ScriptArguments):
    pair_sources: list[str] = field(default_factory=lambda: ["ab", "rubric"], metadata={
        "help": "Which pairs to train on, by their `source`: ab (A/B choices of clinicians), rubric (two answers "
                "to the same item ranked by rubric score)."})
    min_margin: float = field(default=0.0, metadata={
        "help": "Drop pairs whose rating margin is below this (weak preferences are noisy)."})
    algorithm: str = field(default="dpo", metadata={
        "help": "dpo (TRL DPOTrainer) or orpo (TRL's experimental ORPOTrainer: no reference model, SFT and "
                "preference in one loss)."})
