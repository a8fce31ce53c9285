# The two commands a new user needs: `make sample` and `make test`.
.PHONY: sample test test-fast lint bench mutation

sample:
	scripts/setup.sh
	.venv/bin/paperpress build issue-1142

test:
	scripts/setup.sh --tools
	.venv/bin/python -m pytest

# Everything that needs no independent checker and builds no whole PDF: a few minutes, for every change.
test-fast:
	scripts/setup.sh
	PAPERPRESS_FAST=1 .venv/bin/python -m pytest -m "not slow and not tool" -q

# Which changes to the code the tests notice (mutmut; [tool.mutmut] in pyproject.toml says what and with which
# tests), then the share killed per module. Not part of `make test`: some 6,600 mutants, a few hours on two
# cores. Results are kept in mutants/, so a second run only tries what changed. ONLY=paperpress.load.markdown
# runs one module again, whole; CHILDREN=1 leaves a core to others.
CHILDREN ?= 2
mutation:
	scripts/setup.sh
	.venv/bin/mutmut run --max-children $(CHILDREN) $(if $(ONLY),'$(ONLY).*')
	.venv/bin/python scripts/mutation_report.py

lint:
	.venv/bin/ruff check src tests
	.venv/bin/mypy

bench:
	.venv/bin/python bench/bench_epub.py
	.venv/bin/python bench/bench_pdf.py   # against ../shared/bench-floor/
	.venv/bin/python bench/bench_archive.py
	.venv/bin/python bench/bench_audio.py
	.venv/bin/python bench/bench_web.py
