"""Helper for the width test: the minimal fixture with text.width set in paperpress.yaml."""

from __future__ import annotations

from pathlib import Path

from ..conftest import FIXTURES, copy_publication


def render_with_width(tmp: Path, width: int) -> str:
    from .test_text import render

    pub = copy_publication(FIXTURES / "minimal", tmp / "pub")
    config = pub / "paperpress.yaml"
    config.write_text(config.read_text() + f"text:\n  width: {width}\n")
    return render(pub, "7")
