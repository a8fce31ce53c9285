"""Links into the issue: `other.md`, `../issue-1142/other.md#subhead` or `#subhead`, written relative to the
article file, resolved to an article of the issue and a subhead in it.

The article is found while its linking article is parsed (every article's file and id are known by then);
the subhead only once every article is loaded, so `check` runs after the last one and reports each link
that leads nowhere at its own file and line.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from ..errors import Problem
from ..model import Article, Target
from ..model.walk import subheads
from ..paths import relative, resolve_inside
from .markdown import LinkResolver, anchor_slug, heading_id


@dataclass(frozen=True, slots=True)
class _Claim:
    """A link that names a subhead, to be checked once the article it leads to is loaded."""

    file: PurePosixPath
    line: int | None
    written: str
    slug: str
    target: Target


class IssueLinks:
    """The articles of one issue by file, and the subheads their links name."""

    def __init__(self, root: Path, articles: dict[Path, str]) -> None:
        self.root = root
        self.articles = articles  # resolved path of each article the manifest lists → its id
        self.claims: list[_Claim] = []
        # (folder, written path) → the article id, or what is wrong: each path is looked up on disk once,
        # however many links repeat it.
        self.found: dict[tuple[Path, str], str | tuple[str, str | None]] = {}

    def resolver(self, path: Path, article_id: str, body_offset: int, problems: list[Problem]) -> LinkResolver:
        """Resolves the links of the article at `path`; body lines are shifted by `body_offset` for messages."""
        file = relative(self.root, path)

        def resolve(href: str, line: int | None) -> Target | None:
            at = line + body_offset if line else None
            written, _, fragment = (unquote(part) for part in href.partition("#"))
            article = self._article(path, written, file, at, problems) if written else article_id
            if article is None:
                return None
            target = Target(article, None, article == article_id)
            if fragment:
                slug = anchor_slug(fragment)
                target = Target(article, heading_id(article, slug), article == article_id)
                self.claims.append(_Claim(file, at, unquote(href), slug, target))
            return target

        return resolve

    def _article(self, path: Path, written: str, file: PurePosixPath, at: int | None, problems: list[Problem]) -> str | None:
        key = (path.parent, written)
        if key not in self.found:
            self.found[key] = self._look_up(path, written)
        found = self.found[key]
        if isinstance(found, str):
            return found
        message, hint = found
        problems.append(Problem(file, at, "body", f"link to '{written}': {message}", hint))
        return None

    def _look_up(self, path: Path, written: str) -> str | tuple[str, str | None]:
        found, message, hint = resolve_inside(self.root, path.parent, written)
        if found is None:
            if message and message.startswith("no such file"):
                hint = self._suggest(path, written) or hint
            return message or "cannot use this path", hint
        article = self.articles.get(found)
        if article is None:
            return "that file is not an article of this issue", (
                self._suggest(path, written) or "link to an article this issue lists, or give a web address"
            )
        return article

    def _suggest(self, path: Path, written: str) -> str | None:
        names = [Path(os.path.relpath(other, path.parent)).as_posix() for other in self.articles]
        close = difflib.get_close_matches(written.removeprefix("./"), names, n=1, cutoff=0.6)
        return f"did you mean '{close[0]}'?" if close else None

    def check(self, articles: Iterable[Article]) -> list[Problem]:
        """Every link whose '#subhead' is not a subhead of the article it leads to."""
        loaded = {article.id: article for article in articles}
        slugs = {article.id: [h.slug for h in subheads(article)] for article in loaded.values()}
        hints: dict[tuple[str, str], str] = {}
        problems = []
        for claim in self.claims:
            article = loaded.get(claim.target.article)
            if article is None:
                continue  # that article failed to load, and said why
            named = slugs[article.id]
            if claim.slug and claim.slug in named:
                continue
            key = (article.id, claim.slug)
            if key not in hints:
                hints[key] = _subhead_hint(claim.slug, named)
            fragment = claim.written.partition("#")[2]
            where = "this article has" if claim.target.same_article else f"'{article.title}' has"
            problems.append(Problem(claim.file, claim.line, "body",
                                    f"link to '{claim.written}': {where} no subhead '{fragment}'", hints[key]))
        return problems


def _subhead_hint(slug: str, subheads: list[str]) -> str:
    close = difflib.get_close_matches(slug, subheads, n=1, cutoff=0.6)
    if close:
        return f"did you mean '#{close[0]}'?"
    if subheads:
        return "its subheads: " + ", ".join(f"#{s}" for s in subheads[:5]) + (", ..." if len(subheads) > 5 else "")
    return "it has no subheads; link to the article itself"

