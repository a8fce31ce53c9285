"""Load: config + manifest + articles → one frozen, validated Issue, with every problem found at once.

Knows files, YAML and Markdown; knows nothing of editions or templates.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..config import Config
from ..errors import Loaded, Problem, UsageError, errors_in, sorted_problems
from ..markdown import smarten
from ..model import Article, Issue, Publication, Section
from .article import load_article
from .images import PhotoFiles, decode_problems, load_image
from .manifest import read_manifest
from .paths import relative, resolve_inside
from .preflight import preflight
from .schema import validate
from .yamlfile import parse_yaml

CONFIG_NAME = "paperpress.yaml"
#: More articles than this in one issue is a mistake (a glob gone wrong), not a newspaper.
MAX_ARTICLES = 500
_ISSUE_NAME = re.compile(r"^(?:issue-)?(\d+)(?:\.yaml)?$")

__all__ = ["CONFIG_NAME", "find_root", "issue_path", "list_issues", "load_config", "load_issue"]


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` that holds paperpress.yaml."""
    start = start.absolute()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return None


def load_config(root: Path) -> Loaded[Config]:
    path = root / CONFIG_NAME
    file = relative(root, path)
    problems: list[Problem] = []
    try:
        text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return Loaded(None, (Problem(file, None, None, "not UTF-8 text", "save the file as UTF-8"),))
    doc, yaml_problems = parse_yaml(text, file)
    problems.extend(yaml_problems)
    config = validate(Config, doc, file, problems, "configuration") if doc is not None else None
    return Loaded(config, sorted_problems(problems))


def list_issues(root: Path) -> list[int]:
    """Issue numbers that have a manifest, in ascending order."""
    folder = root / "issues"
    numbers = []
    for path in folder.glob("issue-*.yaml") if folder.is_dir() else ():
        match = _ISSUE_NAME.match(path.name)
        if match:
            numbers.append(int(match.group(1)))
    return sorted(numbers)


def issue_path(root: Path, name: str) -> Path:
    """`issue-1142`, `1142` or `issue-1142.yaml` → the manifest's path; a usage error when there is none."""
    match = _ISSUE_NAME.match(name.strip())
    if not match:
        raise UsageError(f"'{name}' is not an issue", "name an issue as issue-1142 or 1142")
    path = root / "issues" / f"issue-{int(match.group(1))}.yaml"
    if not path.is_file():
        known = list_issues(root)
        hint = f"issues here: {', '.join(map(str, known[-5:]))}" if known else "create issues/issue-NNNN.yaml"
        raise UsageError(f"no issue {int(match.group(1))}: {relative(root, path)} does not exist", hint)
    return path


def _publication(config: Config) -> Publication:
    identifier = config.identifier or f"urn:paperpress:{re.sub(r'[^a-z0-9]+', '-', config.title.lower()).strip('-')}"
    return Publication(
        title=smarten(config.title),
        subtitle=smarten(config.subtitle) if config.subtitle else None,
        publisher=config.publisher,
        language=config.language,
        identifier=identifier,
        website=config.website,
    )


def load_issue(root: Path, config: Config, manifest_path: Path) -> Loaded[Issue]:
    """Reads everything the issue names; returns the Issue only when no error was found anywhere."""
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
    pending = PhotoFiles()  # each photo file read once; their full decodes run together at the end

    cover = None
    if manifest is not None and manifest.cover:
        cover = load_image(
            root,
            base,
            manifest.cover,
            id="cover",
            alt=f"Cover of {config.title}, issue {manifest.number}",
            caption=None,
            credit=None,
            file=file,
            line=doc.line("cover"),
            field="cover",
            problems=problems,
            pending=pending,
        )

    seen: dict[Path, str] = {}
    sections: list[Section] = []
    count = 0
    for s, entry in enumerate(read.sections):
        articles: list[Article] = []
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
            article = load_article(root, path, f"a{count}", problems, pending)
            if article is not None:
                articles.append(article)
        sections.append(Section(id=f"s{s + 1}", slug=_slug(entry.title), title=smarten(entry.title), articles=tuple(articles)))

    problems.extend(decode_problems(pending))
    if manifest is None or errors_in(problems):
        return Loaded(None, sorted_problems(problems))
    issue = Issue(
        publication=_publication(config),
        number=manifest.number,
        date=manifest.date,
        title=smarten(manifest.title) if manifest.title else None,
        cover=cover,
        sections=tuple(sections),
        source=str(file),
    )
    problems.extend(preflight(root, config, issue, set(seen)))
    return Loaded(issue, sorted_problems(problems))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"
