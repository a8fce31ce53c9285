"""Generates a synthetic back-issue archive from the sample's articles and photos, for the archive benchmarks.

Each issue gets its own copies of `--articles` articles (cycled from issue 1142, their titles numbered so
every issue differs) and hard links to the sample photos (the same pictures on disk, distinct paths),
in four sections, a week apart.

    .venv/bin/python bench/make_archive.py DEST [--issues 60] [--articles 12] [--no-photos]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "issues" / "issue-1142"
SECTIONS = ("News", "Workplace", "International", "Culture")


def make_archive(dest: Path, issues: int = 60, articles: int = 12, photos: bool = True) -> Path:
    """A publication at `dest` with issues 1…`issues`; returns `dest`. Without `photos`, only the sample's
    articles that show none are used (small issues, cheap to build by the thousand)."""
    pool = sorted(p for p in SAMPLE.glob("*.md") if photos or "photos/" not in p.read_text(encoding="utf-8"))
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "paperpress.yaml", dest / "paperpress.yaml")
    first = dt.date(2024, 1, 5)
    for n in range(1, issues + 1):
        folder = dest / "issues" / f"issue-{n}"
        (folder / "photos").mkdir(parents=True)
        for photo in (SAMPLE / "photos").iterdir():
            _link(photo, folder / "photos" / photo.name)
        lines = [f"number: {n}", f"date: {first + dt.timedelta(weeks=n - 1)}", f"title: Archive issue {n}", "sections:"]
        per_section = -(-articles // len(SECTIONS))
        for a in range(articles):
            if a % per_section == 0:
                lines += [f"  - title: {SECTIONS[a // per_section]}", "    articles:"]
            source = pool[(n + a) % len(pool)]
            text = source.read_text(encoding="utf-8")
            text = re.sub(r"^title: (.*)$", lambda m, n=n: f"title: {_numbered(m[1], n)}", text, count=1,
                          flags=re.MULTILINE)
            (folder / source.name).write_text(text, encoding="utf-8")
            lines.append(f"      - issue-{n}/{source.name}")
        (dest / "issues" / f"issue-{n}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dest


def _numbered(title: str, n: int) -> str:
    quote = title[0] if title[:1] in "'\"" else ""
    bare = title.strip("'\"") if quote else title
    return f'"{bare.replace(chr(34), chr(39))} ({n})"'


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy(source, target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--issues", type=int, default=60)
    parser.add_argument("--articles", type=int, default=12)
    parser.add_argument("--no-photos", action="store_true", help="only articles without photos")
    args = parser.parse_args()
    make_archive(args.dest, args.issues, args.articles, photos=not args.no_photos)


if __name__ == "__main__":
    main()
