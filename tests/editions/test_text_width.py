"""`text.width` in paperpress.yaml: the text edition wraps at the width the publication sets."""

from __future__ import annotations

from pathlib import Path

from tests.editions.test_text import render
from tests.support import FIXTURES, copy_publication


def render_with_width(tmp: Path, width: int) -> str:
    """The minimal fixture's text edition with text.width set in paperpress.yaml."""
    pub = copy_publication(FIXTURES / "minimal", tmp / "pub")
    config = pub / "paperpress.yaml"
    config.write_text(config.read_text() + f"text:\n  width: {width}\n")
    return render(pub, "7")


def test_no_line_runs_past_a_narrow_width(tmp_path: Path) -> None:
    text = render_with_width(tmp_path, 50)
    assert max(len(line) for line in text.splitlines() if "https://" not in line) <= 50


def test_rules_span_the_width_set(tmp_path: Path) -> None:
    text = render_with_width(tmp_path, 120)
    assert "=" * 120 in text.splitlines() and "=" * 121 not in text
