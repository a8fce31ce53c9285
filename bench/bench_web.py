"""Times the web edition: what it adds to a build of the EPUB and text editions, cold and warm, and a no-op run.

A 40-article issue is built with `-f txt -f epub` and with `-f txt -f epub -f web`, each the best of
`--rounds` fresh commands: with the web edition's caches emptied first (fonts subset, photo variants
encoded), and with them kept (what every later build of the archive finds). Then `--noop-issues` issues
with the web edition are built once and run again with nothing changed. Every run is the real command in
a child process (bench_archive.run).

    .venv/bin/python bench/bench_web.py [--articles 40] [--rounds 3] [--noop-issues 200]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_archive import run
from make_archive import REPO, SAMPLE, SECTIONS, make_archive

CACHES = ("webfonts", "webphotos")


def make_issue(dest: Path, articles: int) -> Path:
    """One issue of `articles` articles, the sample's cycled, each copy with photos of its own (one pixel
    changed, so that no two files are the same and every photo is encoded)."""
    from PIL import Image

    pool = sorted(SAMPLE.glob("*.md"))
    folder = dest / "issues" / "issue-1"
    folder.mkdir(parents=True)
    shutil.copy(REPO / "paperpress.yaml", dest / "paperpress.yaml")
    lines = ["number: 1", "date: 2026-11-20", "title: A long issue", "sections:"]
    per_section = -(-articles // len(SECTIONS))
    for a in range(articles):
        if a % per_section == 0:
            lines += [f"  - title: {SECTIONS[a // per_section]}", "    articles:"]
        source, copy = pool[a % len(pool)], a // len(pool)
        photos = folder / "photos" / str(copy)
        photos.mkdir(parents=True, exist_ok=True)
        for photo in (SAMPLE / "photos").iterdir():
            if not (photos / photo.name).exists():
                with Image.open(photo) as img:
                    img = img.convert("RGB")
                    img.putpixel((0, 0), (copy * 40 % 256, 0, 0))
                    img.save(photos / photo.name, "PNG" if photo.suffix == ".png" else "JPEG", quality=90)
        text = source.read_text(encoding="utf-8").replace("photos/", f"photos/{copy}/")
        name = f"{source.stem}-{copy}.md"
        (folder / name).write_text(text, encoding="utf-8")
        lines.append(f"      - issue-1/{name}")
    (dest / "issues" / "issue-1.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--noop-issues", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        root = make_issue(base / "issue", args.articles)
        print(f"one issue of {args.articles} articles with photos; best of {args.rounds}")
        print(f"{'run':<38} {'seconds':>8} {'CPU s':>8} {'issues':>6} {'s/issue':>8} {'peak MB':>8} {'load':>6}")

        def best(label: str, *formats: str, cold: bool = False) -> float:
            times = []
            for n in range(args.rounds):
                if cold:
                    for cache in CACHES:
                        shutil.rmtree(root / ".paperpress-cache" / cache, ignore_errors=True)
                flags = [a for f in formats for a in ("-f", f)]
                times.append(run(f"{label} {n + 1}", root, base / "dist", "1", "--force", "-j", "1", *flags)["seconds"])
            return min(times)

        plain = best("txt + epub", "txt", "epub")
        cold = best("txt + epub + web, caches empty", "txt", "epub", "web", cold=True)
        warm = best("txt + epub + web, caches kept", "txt", "epub", "web")
        size = sum(p.stat().st_size for p in (base / "dist" / "issue-1" / "web").rglob("*") if p.is_file())

        wide = make_archive(base / "archive", args.noop_issues, 12)
        run(f"{args.noop_issues} issues, txt + web (first build)", wide, base / "wide", "--all", "-f", "txt", "-f", "web", "-j", "2")
        noop = run(f"{args.noop_issues} issues, no-op run", wide, base / "wide", "--all", "-f", "txt", "-f", "web", "-j", "2")
        print()
        print(f"txt + epub: {plain:.2f} s; with web, caches empty: {cold:.2f} s (+{(cold / plain - 1) * 100:.0f} %); "
              f"caches kept: {warm:.2f} s (+{(warm / plain - 1) * 100:.0f} %)")
        print(f"web/ of the {args.articles}-article issue: {size / 1e6:.1f} MB")
        print(f"no-op run over {args.noop_issues} issues with the web edition: {noop['seconds']:.2f} s")


if __name__ == "__main__":
    main()
