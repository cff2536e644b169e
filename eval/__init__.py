"""Evaluation: the PsycoLLM benchmark (PCEB), case QA, dialogue quality and safety.
Run as `psycollm eval pceb|caseqa|dialogue|safety|compare`."""
