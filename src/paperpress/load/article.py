"""One article file (YAML front matter + Markdown body) to a model.Article, keeping file lines.

Front-matter lines are counted from the top of the file and body lines are shifted by the front matter's
length, so every problem points at the line the editor sees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from ..characters import clean_field, clean_file_text
from ..errors import Problem, errors_in
from ..model import Article, Image
from ..paths import relative
from .images import PhotoFiles, load_image
from .links import IssueLinks
from .markdown import parse_body, smarten
from .schema import validate
from .yamlfile import parse_yaml

#: The PDF lays out about 30 KB of text a second: an article this long (some 80,000 words) takes 20 seconds.
MAX_ARTICLE_BYTES = 512 * 1024
MAX_FRONT_MATTER_BYTES = 64 * 1024
#: Smart quotes cost grows with the square of the marks in a block; no real article comes near this.
MAX_QUOTE_MARKS = 20_000


@dataclass(frozen=True, slots=True)
class ImageEntry:
    src: str = field(metadata={"doc": "the photo's file, relative to the article", "min": 1})
    alt: str = field(metadata={"doc": "describe the photo for readers who cannot see it", "min": 1})
    caption: str | None = None
    credit: str | None = None


@dataclass(frozen=True, slots=True)
class FrontMatter:
    title: str = field(metadata={"doc": "the headline", "min": 1, "max": 300})
    byline: str | None = field(default=None, metadata={"max": 200})
    standfirst: str | None = field(default=None, metadata={"max": 1200})
    images: tuple[ImageEntry, ...] = ()


_FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$")


def load_article(
    root: Path,
    path: Path,
    article_id: str,
    problems: list[Problem],
    pending: PhotoFiles | None = None,
    *,
    links: IssueLinks,
) -> Article | None:
    """Reads and checks one article; adds every problem found and returns None when any is an error.

    Its photos' full decodes join `pending`, for the caller to run together with the rest of the issue's.
    Its links into the issue are resolved through `links`, which checks their subheads once all are loaded.
    """
    file = relative(root, path)
    before = len(problems)
    size = path.stat().st_size
    if size > MAX_ARTICLE_BYTES:
        problems.append(
            Problem(file, None, None, f"the article is {size // 1024} KB", "articles must be under 512 KB; split it")
        )
        return None
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        problems.append(
            Problem(file, line, None, "not UTF-8 text", "save the file as UTF-8; most editors offer it under 'Encoding'")
        )
        return None
    text = clean_file_text(text, file, problems)
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        problems.append(
            Problem(file, 1, None, "no front matter", "start the file with a line '---', then 'title: …', then '---'")
        )
        return None
    end = next((i for i in range(1, len(lines)) if _FENCE.match(lines[i])), None)
    if end is None:
        problems.append(Problem(file, 1, None, "the front matter is never closed", "add a line '---' after it"))
        return None
    front_text = "\n".join(lines[1:end])
    if len(front_text.encode()) > MAX_FRONT_MATTER_BYTES:
        problems.append(Problem(file, 1, None, "the front matter is over 64 KB", "keep the body below the '---' line"))
        return None
    doc, yaml_problems = parse_yaml(front_text, file, line_offset=1)
    problems.extend(yaml_problems)
    front = validate(FrontMatter, doc, file, problems, "front matter") if doc is not None else None

    def said(text: str | None, where: str) -> str | None:
        """A front-matter field as every edition gets it: smart punctuation, then cleaned (see text.py)."""
        assert doc is not None
        return clean_field(smarten(text), file, doc.line(where), where, problems) if text else None

    images: list[Image] = []
    if front is not None:
        for i, entry in enumerate(front.images):
            assert doc is not None
            alt = said(entry.alt, f"images[{i}].alt")
            if not alt:  # "&#12;": nothing left once cleaned
                problems.append(Problem(file, doc.line(f"images[{i}].alt"), f"images[{i}].alt", "the alt text has no "
                                        "visible words", "describe the photo for readers who cannot see it"))
            image = load_image(
                root,
                path.parent,
                entry.src,
                id=f"{article_id}-img{i + 1}",
                alt=alt or "",
                caption=said(entry.caption, f"images[{i}].caption"),
                credit=said(entry.credit, f"images[{i}].credit"),
                file=file,
                line=doc.line(f"images[{i}].src"),
                field=f"images[{i}].src",
                problems=problems,
                pending=pending,
            )
            if image:
                images.append(image)

    body_offset = end + 1  # lines before the body starts
    inline_count = 0

    def resolve(src: str, alt: str, caption: str | None, line: int | None) -> Image | None:
        nonlocal inline_count
        inline_count += 1
        at = line + body_offset if line else None
        if not alt:
            problems.append(
                Problem(file, at, "body", f"photo '{src}' has no alt text", "write it as ![what the photo shows](file)")
            )
            return None
        return load_image(
            root,
            path.parent,
            unquote(src),  # the body's photo is a URL: `café.jpg` arrives as `caf%C3%A9.jpg`
            id=f"{article_id}-fig{inline_count}",
            alt=alt,
            caption=caption,
            credit=None,
            file=file,
            line=at,
            field="body",
            problems=problems,
            pending=pending,
        )

    body_text = "\n".join(lines[end + 1 :])
    marks = body_text.count('"') + body_text.count("'")
    if marks > MAX_QUOTE_MARKS:
        problems.append(
            Problem(file, body_offset + 1, "body", f"{marks} quotation marks in one article",
                    f"at most {MAX_QUOTE_MARKS}; is this really an article?")
        )
        return None
    body = parse_body(body_text, article_id, resolve, links.resolver(path, article_id, body_offset, problems))
    for found in body.problems:
        at = found.line + body_offset if found.line else None
        problems.append(Problem(file, at, "body", found.message, found.hint, found.severity))
    if front is None:
        return None
    title, byline, standfirst = said(front.title, "title"), said(front.byline, "byline"), said(front.standfirst, "standfirst")
    if not title:
        assert doc is not None
        problems.append(Problem(file, doc.line("title"), "title", "the headline has no visible words", "write the headline"))
    if errors_in(problems[before:]):
        return None
    assert title is not None
    return Article(
        id=article_id,
        slug=path.stem,
        source=str(file),
        title=title,
        byline=byline,
        standfirst=standfirst,
        images=tuple(images),
        blocks=body.blocks,
        footnotes=body.footnotes,
        links=body.links,
        block_lines=tuple(line + body_offset if line else None for line in body.lines),
    )
