"""paperpress: publish a weekly issue from Markdown and YAML as EPUB, PDF, plain text, a web edition and audio."""

from __future__ import annotations

from .errors import Loaded, PaperpressError, Problem, Severity, UsageError

__version__ = "0.1.0"

__all__ = ["Loaded", "PaperpressError", "Problem", "Severity", "UsageError", "__version__"]
