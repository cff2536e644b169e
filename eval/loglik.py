"""Log-likelihood scoring of MCQ options for local (transformers) models.

    scorer = LoglikScorer.from_settings(settings, backend)        # reuses a TransformersBackend's model
    scores = scorer.candidate_logprobs(messages, ["A", "B", "C", "D"], prefix="答案：")

Each candidate answer ("B", or "ACD" for multiple choice) is scored by the model's full probability
of replying exactly that: log P(prefix-completed prompt -> candidate letters + end-of-turn). Ending
the candidate with the end-of-turn token matters: without it "A" would always beat "AB" (a prefix
is at least as likely as its extensions). The prompt is run once per item and its KV cache is
repeated across the candidates, so an item costs one prompt pass plus one short batched pass.

Candidates: single choice, each option letter; multiple choice, every subset of two or more options
(the exam states two or more are correct), 11 for four options.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from psycollm.config import Settings


def candidates_for(options: Sequence[str], kind: str) -> list[str]:
    letters = sorted(options)
    if kind == "single":
        return letters
    return ["".join(c) for n in range(2, len(letters) + 1) for c in itertools.combinations(letters, n)]


class LoglikScorer:
    def __init__(self, model: Any, tokenizer: Any) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.end_of_turn = self._end_of_turn()

    @classmethod
    def from_settings(cls, settings: Settings, backend: Any = None) -> LoglikScorer:
        """Reuse the model of a TransformersBackend, else load ``settings.backend.model`` via transformers."""
        if backend is not None and hasattr(backend, "model") and hasattr(backend, "tokenizer") \
                and backend.model is not None and hasattr(backend.model, "forward"):
            return cls(backend.model, backend.tokenizer)
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        from psycollm.models import hf_source

        source = hf_source(settings.backend.model, settings)
        if settings.backend.n_threads:
            torch.set_num_threads(settings.backend.n_threads)
        tokenizer = AutoTokenizer.from_pretrained(source)
        model = AutoModelForCausalLM.from_pretrained(source, dtype=torch.float32)
        model.eval()
        return cls(model, tokenizer)

    def _end_of_turn(self) -> str:
        """What the chat template writes after an assistant reply, up to its first special token."""
        sentinel = "\u2063\u2063"
        try:
            text = self.tokenizer.apply_chat_template(
                [{"role": "user", "content": "x"}, {"role": "assistant", "content": sentinel}], tokenize=False)
            tail = text.split(sentinel, 1)[1]
        except Exception:  # no chat template: fall back to the EOS token
            tail = ""
        specials = [t for t in (self.tokenizer.all_special_tokens or []) if t and t in tail]
        if specials:
            first = min(specials, key=tail.index)
            return tail[:tail.index(first) + len(first)]
        return self.tokenizer.eos_token or ""

    def prompt_text(self, messages: Sequence[dict[str, str]], prefix: str = "") -> str:
        return self.tokenizer.apply_chat_template(list(messages), tokenize=False, add_generation_prompt=True) + prefix

    def candidate_logprobs(self, messages: Sequence[dict[str, str]], candidates: Sequence[str],
                           prefix: str = "") -> list[float]:
        """log P(candidate + end-of-turn | prompt + prefix) for each candidate."""
        import torch

        tok = self.tokenizer
        prompt_ids = tok(self.prompt_text(messages, prefix), add_special_tokens=False)["input_ids"]
        conts = [tok(c + self.end_of_turn, add_special_tokens=False)["input_ids"] for c in candidates]
        n, width = len(conts), max(len(c) for c in conts)
        pad = tok.pad_token_id if tok.pad_token_id is not None else (tok.eos_token_id or 0)
        with torch.inference_mode():
            out = self.model(input_ids=torch.tensor([prompt_ids]), use_cache=True)
            first = torch.log_softmax(out.logits[0, -1].float(), dim=-1)
            scores = [float(first[c[0]]) for c in conts]
            if width > 1:
                cache = out.past_key_values
                cache.batch_repeat_interleave(n)
                ids = torch.full((n, width), pad, dtype=torch.long)
                mask = torch.zeros((n, len(prompt_ids) + width), dtype=torch.long)
                mask[:, :len(prompt_ids)] = 1
                for i, c in enumerate(conts):
                    ids[i, :len(c)] = torch.tensor(c)
                    mask[i, len(prompt_ids):len(prompt_ids) + len(c)] = 1
                out2 = self.model(input_ids=ids, past_key_values=cache, attention_mask=mask, use_cache=False)
                logp = torch.log_softmax(out2.logits.float(), dim=-1)
                for i, c in enumerate(conts):
                    scores[i] += float(sum(logp[i, j - 1, c[j]] for j in range(1, len(c))))
        return scores
