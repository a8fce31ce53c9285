"""Preflight's check that the PDF's fonts can draw every character the issue prints, said where it is written.

Without it, an emoji in a headline or a script no font covers reached the layout engine, which drew empty
boxes and said so without a file or line. Alt text is left out: it is never drawn, only read aloud. The
check applies whichever editions are built, so that every edition of an issue can be published together.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path, PurePosixPath

from ..cache import Learnt, cache_folder
from ..errors import Problem
from ..model import Article, Code, CodeBlock, Image, Issue, Text
from ..model.walk import walk
from ..typeset.fonts import FONT_TABLES, FontFace, as_parts, describe, packaged_faces, publication_fonts, undrawable
from .article import _FENCE  # the fence the loader splits front matter on
from .yamlfile import YamlDoc, parse_yaml

#: Body lines reported one by one before the rest are summed up in one problem.
MAX_LINES = 5


def undrawn_characters(
    root: Path, config_file: PurePosixPath, issue: Issue, learnt: Learnt | None = None
) -> list[Problem]:
    """An error for each field whose printed text holds characters no face of the PDF has (unreadable font
    files in fonts/ are warnings, and are left out of the faces)."""
    cache = cache_folder(root, FONT_TABLES)  # the fonts' cmaps as read by an earlier build
    own, problems = publication_fonts(root, cache, learnt)
    faces = packaged_faces(cache, learnt) + own
    places = list(_places(config_file, issue))
    if not undrawable("".join(text for _, _, text in places), faces):
        return list(problems)  # the common case: one pass over the issue's text, no file read again
    found = list(problems)
    docs: dict[PurePosixPath, tuple[YamlDoc | None, list[str], int]] = {}
    for file, field, text in places:
        missing = undrawable(text, faces)
        if not missing:
            continue
        if file not in docs:
            docs[file] = _read(root, file)
        doc, lines, body_start = docs[file]
        if field == "body":
            found.extend(_body_problems(file, missing, lines, body_start, faces))
        else:
            line = doc.line(field) if doc is not None else None
            found.append(_problem(file, line, field, missing, faces))
    return found


def _places(config_file: PurePosixPath, issue: Issue) -> Iterator[tuple[PurePosixPath, str, str]]:
    """(file, field, printed text) for everything the PDF draws from the editor's words.

    Fields set in capitals by the layout (bylines, section titles) are checked in capitals too.
    """
    pub = issue.publication
    yield config_file, "title", pub.title
    yield config_file, "subtitle", pub.subtitle or ""
    yield config_file, "website", pub.website or ""
    manifest = PurePosixPath(issue.source)
    yield manifest, "title", issue.cover_line or ""
    for n, section in enumerate(issue.sections):
        yield manifest, f"sections[{n}].title", section.title + section.title.upper()
    for article in issue.articles:
        file = PurePosixPath(article.source)
        yield file, "title", article.title
        yield file, "byline", (article.byline or "") + (article.byline or "").upper()
        yield file, "standfirst", article.standfirst or ""
        for n, image in enumerate(article.images):
            yield file, f"images[{n}].caption", image.caption or ""
            yield file, f"images[{n}].credit", image.credit or ""
        yield file, "body", "".join(_body_texts(article))


def _body_texts(article: Article) -> Iterator[str]:
    """Every printed string of the body and notes: text, code, table cells, captions and credits of its photos."""
    for node in walk(article.blocks + article.footnotes):
        if isinstance(node, (Text, Code, CodeBlock)):
            yield node.text
        elif isinstance(node, Image):
            yield node.caption or ""
            yield node.credit or ""


def _read(root: Path, file: PurePosixPath) -> tuple[YamlDoc | None, list[str], int]:
    """The file's YAML (its front matter, for an article) with its lines, and the line the body starts after."""
    try:
        text = (root / file).read_text(encoding="utf-8").removeprefix("\ufeff")
    except (OSError, UnicodeDecodeError):  # read once already; gone or changed since: report without lines
        return None, [], 0
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if file.suffix.lower() != ".md":
        return parse_yaml("\n".join(lines), file)[0], lines, len(lines)
    end = next((i for i in range(1, len(lines)) if _FENCE.match(lines[i])), 0) if lines[0].rstrip() == "---" else 0
    return parse_yaml("\n".join(lines[1:end]), file, line_offset=1)[0], lines, end + 1


def _body_problems(
    file: PurePosixPath, missing: list[str], lines: list[str], body_start: int, faces: Sequence[FontFace]
) -> list[Problem]:
    """One problem per body line that holds such characters, the first few of them, then a count of the rest."""
    wanted = set(missing)
    hits = [(n, [c for c in dict.fromkeys(line) if c in wanted])
            for n, line in enumerate(lines[body_start:], start=body_start + 1)]
    hits = [(n, chars) for n, chars in hits if chars]
    out = [_problem(file, n, "body", chars, faces) for n, chars in hits[:MAX_LINES]]
    unseen = [c for c in missing if not any(c in chars for _, chars in hits)]
    if unseen:  # written as entities (&#x1F389;), so no line shows them
        out.insert(0, _problem(file, None, "body", unseen, faces))
    if len(hits) > MAX_LINES:
        rest = len(hits) - MAX_LINES
        out.append(Problem(file, hits[MAX_LINES][0], "body", f"and on {rest} more line{'s' * (rest != 1)}",
                           "the PDF's fonts cannot draw those characters either"))
    return out


def _problem(file: PurePosixPath, line: int | None, field: str, chars: list[str], faces: Sequence[FontFace]) -> Problem:
    them = "it" if len(chars) == 1 else "them"
    return Problem(file, line, field, f"the PDF's fonts cannot draw {describe(chars)}", _hint(chars, faces, them))


def _hint(chars: list[str], faces: Sequence[FontFace], them: str) -> str:
    """How to fix it: type an accented letter as its parts where the fonts have those; a code point Unicode
    assigns no character to was not meant (a bad paste); else a font that has them."""
    if all(unicodedata.category(c) == "Cn" for c in chars):
        return f"Unicode assigns no character to {them}: check the text was pasted correctly, and leave {them} out"
    parts = [as_parts(c, faces) for c in chars]
    if all(parts):
        spelt = " ".join(f"U+{ord(p):04X}" for p in parts[0] or "")
        if len(chars) == 1:
            return f"type it as {spelt}, the letter then its accent, which the fonts draw; or put a font that has it in fonts/"
        return (f"type each as its letter then its accent, which the fonts draw (U+{ord(chars[0]):04X} as {spelt}); "
                "or put a font that has them in fonts/")
    return f"put a font file that has {them} in fonts/, or leave {them} out"
