.DEFAULT_GOAL := help
.PHONY: help setup train run test lint eval bench

help:  ## List the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

setup:  ## Create/update both virtual environments
	./scripts/setup

train:  ## Train the Rasa model if its data changed
	./scripts/train

run:  ## Start the whole assistant (Ctrl-C stops it)
	./scripts/run

test:  ## Run the whole test suite (the README's test command)
	./scripts/test

lint:  ## ruff and mypy
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy

eval:  ## Quality figures: language detection and NLU cross-validation (slow)
	.venv/bin/python -m eval.language_detection
	.venv-rasa/bin/python -m eval.nlu_crossval

bench:  ## Latency and throughput benchmark (starts the assistant itself)
	.venv/bin/python -m bench.chat_latency
