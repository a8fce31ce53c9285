"""`paperpress new`: the next issue's manifest and draft articles, laid out like the previous issue."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from .errors import PaperpressError, Problem, UsageError
from .load import list_issues
from .load.manifest import read_manifest
from .load.paths import relative


def scaffold_issue(root: Path, name: str | None) -> list[Path]:
    """Writes issues/issue-N.yaml and one draft per section; refuses to overwrite anything."""
    numbers = list_issues(root)
    if not numbers:
        raise UsageError("there is no previous issue to start from", "write issues/issue-NNNN.yaml by hand first")
    previous = numbers[-1]
    if name is None:
        number = previous + 1
    else:
        match = re.fullmatch(r"(?:issue-)?(\d+)", name.strip())
        if not match:
            raise UsageError(f"'{name}' is not an issue", "name an issue as issue-1143 or 1143")
        number = int(match.group(1))
        earlier = [n for n in numbers if n < number]
        if number in numbers:
            raise UsageError(f"issue {number} already exists", f"edit issues/issue-{number}.yaml instead")
        if not earlier:
            raise UsageError(f"there is no issue before {number} to start from")
        previous = earlier[-1]
    problems: list[Problem] = []
    read = read_manifest(root, root / "issues" / f"issue-{previous}.yaml", problems)
    manifest = read.manifest if read else None
    if manifest is None:
        raise PaperpressError(problems, f"issue {previous} has problems; fix them before starting issue {number}.")
    date = manifest.date + dt.timedelta(days=7 * (number - previous))
    folder = root / "issues" / f"issue-{number}"
    manifest_path = root / "issues" / f"issue-{number}.yaml"
    if folder.exists():
        raise UsageError(f"{relative(root, folder)} already exists", "move it away or choose another number")
    folder.mkdir(parents=True)
    lines = [f"number: {number}", f"date: {date.isoformat()}", "title: Cover line for this issue", "sections:"]
    created: list[Path] = []
    for section in manifest.sections:
        slug = re.sub(r"[^a-z0-9]+", "-", section.title.lower()).strip("-") or "section"
        draft = folder / f"{slug}-draft.md"
        draft.write_text(
            "---\n"
            f"title: Headline for {section.title}\n"
            "byline: Staff reporter\n"
            "standfirst: One sentence that tells the reader why this matters.\n"
            "---\n"
            "Write the article here. Use `## Subhead` for subheads.\n",
            encoding="utf-8",
        )
        created.append(draft)
        title = section.title.replace('"', '\\"')
        lines += [f'  - title: "{title}"', "    articles:", f"      - issue-{number}/{draft.name}"]
    manifest_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [relative(root, p) for p in (manifest_path, *created)]  # type: ignore[misc]
