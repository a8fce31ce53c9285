"""`python -m paperpress` runs the command line."""

from __future__ import annotations

from .cli import app

app(prog_name="paperpress")
