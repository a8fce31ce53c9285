"""Preflight: warnings a print shop or an e-book store would raise about an issue that is otherwise valid.

Warnings never stop a build unless `--strict`. They look at the loaded Issue plus the files around it
(articles left out of the manifest), so they live beside the loaders, not in the editions.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from ..config import Config
from ..errors import Problem, Severity
from ..model import Article, Image, Issue
from ..model.walk import texts
from ..names import articles_folder
from ..typeset.geometry import PageSetup, article_placements

#: Below this, a photo printed at its placed width looks soft.
MIN_PRINT_DPI = 150
#: Longer alt text is tiring to hear; a caption is the place for detail.
MAX_ALT = 140
#: Past this, a headline will not sit in two lines across a page.
MAX_HEADLINE = 110


def preflight(root: Path, config: Config, issue: Issue, listed: set[Path]) -> list[Problem]:
    """Every warning for `issue`; `listed` holds the resolved paths of the articles the manifest names."""
    warnings: list[Problem] = []
    page = PageSetup.from_options(config.pdf)
    for article in issue.articles:
        file = PurePosixPath(article.source)
        if len(article.title) > MAX_HEADLINE:
            warnings.append(
                _warn(file, "title", f"the headline has {len(article.title)} characters and may not fit",
                      f"keep it under {MAX_HEADLINE}")
            )
        # Each photo at the width its role is printed at: the print edition's own geometry.
        for where, image, role in article_placements(article, article.id == issue.lead_article.id):
            warnings.extend(_photo_warnings(file, where, image, page.drawn_width(image, role)))
        warnings.extend(_dangling_notes(file, article))
    warnings.extend(_unlisted_articles(root, issue, listed))
    return warnings


def _photo_warnings(file: PurePosixPath, field: str, image: Image, placed_mm: float) -> list[Problem]:
    out = []
    dpi = image.width / (placed_mm / 25.4)
    if dpi < MIN_PRINT_DPI:
        needed = round(placed_mm / 25.4 * MIN_PRINT_DPI)
        out.append(
            _warn(file, field, f"'{image.source}' is {image.width} px wide: {dpi:.0f} dpi when printed "
                  f"{placed_mm:.0f} mm wide", f"use a photo at least {needed} px wide for print")
        )
    if len(image.alt) > MAX_ALT:
        out.append(
            _warn(file, field, f"alt text of '{image.source}' has {len(image.alt)} characters",
                  f"keep it under {MAX_ALT}; put detail in the caption")
        )
    if not image.credit and field != "body":
        out.append(_warn(file, field, f"'{image.source}' has no credit", "add 'credit:' with who took it"))
    return out


def _dangling_notes(file: PurePosixPath, article: Article) -> list[Problem]:
    """A `[^label]` with no matching note stays in the text as written: say so."""
    if any("[^" in text for text in texts(article)):
        return [_warn(file, "body", "a footnote mark has no note", "add '[^label]: text' at the end of the article")]
    return []


def _unlisted_articles(root: Path, issue: Issue, listed: set[Path]) -> list[Problem]:
    folder = articles_folder(root, issue.name)
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.glob("*.md")):
        if path.resolve() not in listed:
            out.append(
                _warn(PurePosixPath(issue.source), None, f"'{path.relative_to(root).as_posix()}' is in no section",
                      "list it under a section, or move it out of the issue's folder")
            )
    return out


def _warn(file: PurePosixPath, field: str | None, message: str, hint: str | None = None) -> Problem:
    return Problem(file, None, field, message, hint, Severity.WARNING)
