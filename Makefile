# The two commands a new user needs: `make sample` and `make test`.
.PHONY: sample test lint bench

sample:
	scripts/setup.sh
	.venv/bin/paperpress build issue-1142

test:
	scripts/setup.sh --tools
	.venv/bin/python -m pytest

lint:
	.venv/bin/ruff check src tests
	.venv/bin/mypy

bench:
	.venv/bin/python bench/bench_epub.py
	.venv/bin/python bench/bench_pdf.py   # against ../shared/bench-floor/
	.venv/bin/python bench/bench_archive.py
	.venv/bin/python bench/bench_audio.py
	.venv/bin/python bench/bench_web.py
