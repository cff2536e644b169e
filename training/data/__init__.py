"""The data-set construction pipeline: single-turn QA, three-step multi-turn dialogues, knowledge QA,
mix and publish. Run as `psycollm data build --config training/recipes/data.yaml`."""
