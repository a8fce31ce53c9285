"""The file an edition makes (editions/output.py)."""

from __future__ import annotations

import pickle
import subprocess
import sys

from paperpress.editions.output import Output


def test_an_output_is_its_path_media_type_and_bytes_and_travels_between_processes() -> None:
    made = Output("issue-1.pdf", "application/pdf", b"%PDF-")
    assert pickle.loads(pickle.dumps(made)) == made
    assert (made.file, made.media_type, made.data) == made == ("issue-1.pdf", "application/pdf", b"%PDF-")


def test_it_imports_nothing_of_the_model_or_the_templates() -> None:
    """The sidecar makes one after a layout; what it imports comes before that layout."""
    shown = "import sys, paperpress.editions.output; print(' '.join(sorted(sys.modules)))"
    modules = subprocess.run([sys.executable, "-c", shown], check=True, capture_output=True, text=True).stdout.split()
    assert not [m for m in modules if m.startswith(("paperpress.model", "paperpress.templates", "jinja2"))]
