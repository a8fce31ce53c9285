# The two commands a new user needs: `make sample` and `make test`.
.PHONY: sample test test-fast lint bench

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

lint:
	.venv/bin/ruff check src tests
	.venv/bin/mypy

bench:
	.venv/bin/python bench/bench_epub.py
	.venv/bin/python bench/bench_pdf.py   # against ../shared/bench-floor/
	.venv/bin/python bench/bench_archive.py
	.venv/bin/python bench/bench_audio.py
	.venv/bin/python bench/bench_web.py
