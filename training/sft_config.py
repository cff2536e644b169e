"""Fields of a supervised fine-tuning run beyond TRL's ``SFTConfig`` and ``ModelConfig``.

    psycollm train sft --help        # every field of the three dataclasses, with its help
"""

from __future__ import annotations

from dataclasses import dataclass, field

from training.script_config import ScriptArguments


@dataclass
class SFTScriptArguments(ScriptArguments):
    training_chat_template: str = field(default="auto", metadata={
        "help": "Chat template used for training when assistant_only_loss is on: 'auto' (the model's own if it has "
                "generation markers, TRL's patched one for known families, or psycollm's ChatML template verified "
                "to render like the original) or a .jinja path. The saved model keeps its own template."})
