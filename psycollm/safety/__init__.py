"""Safety layer: crisis screen (lexicon + classifier/LLM judge), output screen, crisis resources, fail-closed guard."""
