"""Training: the data-set pipeline (`training.data`), supervised fine-tuning (`training.sft`) and
preference tuning (`training.dpo`). Run through `psycollm data ...` and `psycollm train ...`."""
