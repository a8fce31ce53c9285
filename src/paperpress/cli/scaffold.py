"""`paperpress new`: the next issue's manifest and draft articles, laid out like the previous issue."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import yaml

from ..errors import PaperpressError, Problem, UsageError
from ..load.manifest import read_manifest
from ..names import articles_folder, list_manifests, manifest_file, manifest_path, padded, slug, typed_number
from ..paths import relative


def scaffold_issue(root: Path, name: str | None) -> list[Path]:
    """Writes the issue's manifest and one draft per section, named with the publication's padding.

    Refuses to overwrite anything: after issue-0901 comes issue-0902, after issue-1142 issue-1143.
    """
    manifests = list_manifests(root)
    numbers = manifests.numbers
    if not numbers:
        raise UsageError("there is no previous issue to start from", "write issues/issue-NNNN.yaml by hand first")
    previous = numbers[-1]
    if name is None:
        number = previous + 1
    else:
        number = typed_number(name)
        earlier = [n for n in numbers if n < number]
        if number in numbers:
            raise UsageError(f"issue {number} already exists", f"edit {manifest_file(manifests.name(number))} instead")
        if not earlier:
            raise UsageError(f"there is no issue before {number} to start from")
        previous = earlier[-1]
    problems: list[Problem] = []
    read = read_manifest(root, manifests.find(root, str(previous)), problems)
    manifest = read.manifest if read else None
    if manifest is None:
        raise PaperpressError(problems, f"issue {previous} has problems; fix them before starting issue {number}.")
    date = manifest.date + dt.timedelta(days=7 * (number - previous))
    stem = padded(number, manifests.width)
    folder, path = articles_folder(root, stem), manifest_path(root, stem)
    for there in (path, folder):
        if there.exists():
            raise UsageError(f"{relative(root, there)} already exists", "move it away or choose another number")
    folder.mkdir(parents=True)
    lines = [f"number: {number}", f"date: {date.isoformat()}", "title: Cover line for this issue", "sections:"]
    created: list[Path] = []
    for section in manifest.sections:
        base, n = slug(section.title, "section"), 1
        draft = folder / f"{base}-draft.md"
        while draft in created:  # two sections whose titles differ only in case or punctuation
            n += 1
            draft = folder / f"{base}-{n}-draft.md"
        draft.write_text(
            "---\n"
            f"{_yaml_line('title', f'Headline for {section.title}')}\n"
            "byline: Staff reporter\n"
            "standfirst: One sentence that tells the reader why this matters.\n"
            "---\n"
            "Write the article here. Use `## Subhead` for subheads.\n",
            encoding="utf-8",
        )
        created.append(draft)
        lines += [f"  - {_yaml_line('title', section.title)}", "    articles:", f"      - {stem}/{draft.name}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [relative(root, p) for p in (path, *created)]  # type: ignore[misc]


def _yaml_line(key: str, text: str) -> str:
    """`key: text` as one line of YAML that reads back as exactly `text`, quoted and escaped only when needed."""
    line = yaml.safe_dump({key: text}, allow_unicode=True, width=math.inf).rstrip("\n")
    if "\n" in line:  # a line break or a character YAML folds: write it as an escape instead
        line = yaml.safe_dump({key: text}, allow_unicode=True, width=math.inf, default_style='"').rstrip("\n")
    return line
