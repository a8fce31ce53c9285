"""Load: config + manifest + articles → one frozen, validated Issue, with every problem found at once.

Knows files, YAML and Markdown; knows nothing of editions or templates.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from ..cache import Learnt, cache_folder
from ..characters import clean_field, clean_file_text, clean_string
from ..config import Config
from ..errors import Loaded, Problem, errors_in, sorted_problems
from ..model import Article, Issue, Publication, Section
from ..names import issue_name, slug
from ..paths import relative, resolve_inside
from .article import load_article
from .glyphs import undrawn_characters
from .images import PhotoFiles, decode_problems, load_image
from .links import IssueLinks
from .manifest import read_manifest
from .markdown import smarten
from .memo import ArticleMemo
from .preflight import preflight
from .runs import unbreakable_text
from .schema import validate
from .yamlfile import parse_yaml

CONFIG_NAME = "paperpress.yaml"
#: More articles than this in one issue is a mistake (a glob gone wrong), not a newspaper.
MAX_ARTICLES = 500

__all__ = ["CONFIG_NAME", "find_root", "load_config", "load_issue"]


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` that holds paperpress.yaml."""
    start = start.absolute()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return None


def load_config(root: Path) -> Loaded[Config]:
    file = PurePosixPath(CONFIG_NAME)
    problems: list[Problem] = []
    path, message, hint = resolve_inside(root, root, CONFIG_NAME)
    if path is None:
        return Loaded(None, (Problem(file, None, None, message or "cannot read this file", hint),))
    try:
        text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return Loaded(None, (Problem(file, None, None, "not UTF-8 text", "save the file as UTF-8"),))
    doc, yaml_problems = parse_yaml(clean_file_text(text, file, problems), file)
    problems.extend(yaml_problems)
    config = validate(Config, doc, file, problems, "configuration") if doc is not None else None
    if config is not None and doc is not None:  # the warnings for what publication() takes out of the names
        for name in ("title", "subtitle"):
            written = getattr(config, name)
            if written:
                clean_field(smarten(written), file, doc.line(name), name, problems)
    return Loaded(config, sorted_problems(problems))


def _line(text: str) -> str:
    """A single-line field of the configuration, cleaned as load_config warned it would be."""
    return clean_string(smarten(text), single_line=True)[0]


def publication(config: Config) -> Publication:
    """The publication as every issue and the catalog show it: smart punctuation, an identifier always."""
    identifier = config.identifier or f"urn:paperpress:{slug(config.title, 'publication')}"
    return Publication(
        title=_line(config.title),
        subtitle=_line(config.subtitle) if config.subtitle else None,
        publisher=config.publisher,
        language=config.language,
        identifier=identifier,
        website=config.website,
    )


def load_issue(
    root: Path, config: Config, manifest_path: Path, learnt: Learnt | None = None, memo: ArticleMemo | None = None
) -> Loaded[Issue]:
    """Reads everything the issue names; returns the Issue only when no error was found anywhere.

    What the cache folder did not know yet (photos that decode, fonts' tables) joins `learnt`, if given.
    With a `memo` (a preview's), articles unchanged since its last clean load are taken from it unparsed.
    """
    if memo is not None:
        memo.start()
    loaded = _load_issue(root, config, manifest_path, learnt, memo)
    if memo is not None:
        memo.settle(loaded.ok)
    return loaded


def _load_issue(
    root: Path, config: Config, manifest_path: Path, learnt: Learnt | None, memo: ArticleMemo | None
) -> Loaded[Issue]:
    problems: list[Problem] = []
    read = read_manifest(root, manifest_path, problems)
    if read is None:
        return Loaded(None, sorted_problems(problems))
    manifest, doc = read.manifest, read.doc
    file = relative(root, manifest_path)
    base = manifest_path.parent
    listed = sum(len(entry.articles) for entry in read.sections)
    if listed > MAX_ARTICLES:  # counted before any article is read, so a glob gone wrong costs nothing
        problems.append(
            Problem(file, doc.line("sections"), "sections", f"{listed} articles in one issue",
                    f"an issue may hold at most {MAX_ARTICLES}; split it")
        )
        return Loaded(None, sorted_problems(problems))
    pending = PhotoFiles(cache_folder(root, "photos"), learnt)  # each file read once; decoded together at the end

    cover = None
    if manifest is not None and manifest.cover:
        cover = load_image(
            root,
            base,
            manifest.cover,
            id="cover",
            alt=f"Cover of {_line(config.title)}, issue {manifest.number}",
            caption=None,
            credit=None,
            file=file,
            line=doc.line("cover"),
            field="cover",
            problems=problems,
            pending=pending,
        )

    seen: dict[Path, str] = {}
    planned: list[list[tuple[Path, str]]] = []  # each section's article files and ids, before any is read
    count = 0
    for s, entry in enumerate(read.sections):
        planned.append([])
        for a, written in enumerate(entry.articles):
            where = f"sections[{s}].articles[{a}]"
            path, message, hint = resolve_inside(root, base, written)
            if path is None:
                problems.append(Problem(file, doc.line(where), where, message or "cannot use this path", hint))
                continue
            if path.suffix.lower() != ".md":
                problems.append(Problem(file, doc.line(where), where, f"'{written}' is not a Markdown (.md) file"))
                continue
            if path in seen:
                problems.append(
                    Problem(
                        file,
                        doc.line(where),
                        where,
                        f"'{written}' is already listed as {seen[path]}",
                        "list each article once per issue",
                    )
                )
                continue
            seen[path] = where
            count += 1
            planned[-1].append((path, f"a{count}"))

    # Every article's file and id is known before the first is read, so a link can lead to a later one.
    links = IssueLinks(root, {path: article_id for section in planned for path, article_id in section})
    sections: list[Section] = []
    for entry, files in zip(read.sections, planned, strict=True):
        articles: list[Article] = []
        for path, article_id in files:
            kept = memo.find(root, path, article_id, links.articles) if memo is not None else None
            if kept is not None:
                articles.append(kept.article)
                problems.extend(kept.problems)
                links.claims.extend(kept.claims)
                continue
            told, claimed = len(problems), len(links.claims)
            raw = memo.read(path) if memo is not None else None
            article = load_article(root, path, article_id, problems, pending, links=links)
            if article is not None:
                articles.append(article)
                if memo is not None and raw is not None:
                    memo.offer(root, path, raw, article_id, links.articles, article, problems[told:], links.claims[claimed:])
        where = f"sections[{len(sections)}].title"
        title = clean_field(smarten(entry.title), file, doc.line(where), where, problems)
        sections.append(Section(id=f"s{len(sections) + 1}", slug=slug(entry.title, "section"), title=title, articles=tuple(articles)))

    problems.extend(decode_problems(pending))
    problems.extend(links.check(a for section in sections for a in section.articles))
    if manifest is None or errors_in(problems):
        return Loaded(None, sorted_problems(problems))
    issue = Issue(
        publication=publication(config),
        number=manifest.number,
        date=manifest.date,
        cover_line=clean_field(smarten(manifest.title), file, doc.line("title"), "title", problems) if manifest.title else None,
        cover=cover,
        sections=tuple(sections),
        source=str(file),
        name=issue_name(manifest_path),
    )
    problems.extend(preflight(root, config, issue, set(seen)))
    problems.extend(undrawn_characters(root, relative(root, root / CONFIG_NAME), issue, learnt))
    problems.extend(unbreakable_text(root, issue))
    return Loaded(issue, sorted_problems(problems))
