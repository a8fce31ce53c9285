"""paperpress: publish a weekly issue as EPUB, print PDF and plain text from Markdown and YAML."""

from __future__ import annotations

from .errors import Loaded, PaperpressError, Problem, Severity, UsageError

__version__ = "0.1.0"

__all__ = ["Loaded", "PaperpressError", "Problem", "Severity", "UsageError", "__version__"]
