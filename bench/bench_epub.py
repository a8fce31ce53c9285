"""Times the EPUB edition against pandoc making an EPUB from the same Markdown, and prints the ratios.

Runs on the sample issue 1142 and on synthetic issues of 10, 40 and 160 articles (half of them with a
1600-pixel photo, as a photo desk exports them), plus 160 articles whose photos are 3000 pixels wide and
must be resized. Each figure is the best of --repeat runs, pandoc and paperpress taking turns so that a
busy machine slows both alike. Both tools run as commands (paperpress as `build -f epub --force`, into a fresh
output folder), so both pay their start-up; "load+render" is paperpress in process without start-up or writing, "render" the EPUB edition
alone from a loaded issue (what this edition owns; loading is shared with the other editions).

    .venv/bin/python bench/bench_epub.py [--repeat 3] [--cases sample,10,40,160,big]
"""

from __future__ import annotations

import argparse
import io
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

REPO = Path(__file__).resolve().parent.parent
_WORDS = [
    "council", "tram", "depot", "river", "bridge", "ballot", "shift", "workers", "library", "budget", "ferry",
    "harbour", "choir", "gallery", "weir", "flood", "timetable", "union", "pay", "roster", "market", "school",
    "roof", "bus", "night", "route", "vote", "week", "city",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cases", default="sample,10,40,160,big", help="which issues, comma-separated")
    args = parser.parse_args()
    wanted = args.cases.split(",")
    if not shutil.which("pandoc"):
        sys.exit("pandoc is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        cases = []
        if "sample" in wanted:
            cases.append(("sample 1142", _copy_sample(base / "sample"), "issue-1142"))
        for count in (10, 40, 160):
            if str(count) in wanted:
                cases.append((f"{count} articles", _synthetic(base / f"s{count}", count, 1600), "issue-1"))
        if "big" in wanted:
            cases.append(("160, big photos", _synthetic(base / "big", 160, 3000), "issue-1"))
        print(f"{'issue':<16} {'articles':>8} {'photos':>6} {'pandoc s':>9} {'paperpress s':>13} {'ratio':>6} "
              f"{'load+render s':>14} {'render s':>9} {'ratio':>6} {'size MB':>8}")
        for label, root, name in cases:
            sources = _pandoc_inputs(root, name)
            pandoc, cli = _alternating(
                args.repeat,
                lambda r=root, s=sources: _run_pandoc(r, s, base / "pandoc.epub"),
                lambda r=root, n=name: _run_paperpress(r, n),
            )
            both, alone, size, photos = _in_process(args.repeat, root, name)
            print(f"{label:<16} {len(sources):>8} {photos:>6} {pandoc:>9.2f} {cli:>13.2f} {pandoc / cli:>5.1f}x "
                  f"{both:>14.2f} {alone:>9.2f} {pandoc / alone:>5.1f}x {size / 2**20:>8.1f}")


def _best(repeat: int, run: object) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def _alternating(repeat: int, first: Callable[[], None], second: Callable[[], None]) -> tuple[float, float]:
    """The best time of each of two commands, run in turns (first, second, first, …)."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for run, found in zip((first, second), times, strict=True):
            start = time.perf_counter()
            run()
            found.append(time.perf_counter() - start)
    return min(times[0]), min(times[1])


def _run_paperpress(root: Path, name: str) -> None:
    """A full build every time: forced, into a fresh output folder, so nothing can be skipped as already built."""
    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, "-m", "paperpress", "build", name, "-f", "epub", "--force", "--root", str(root),
               "--out", out]
        subprocess.run(cmd, check=True, capture_output=True)


def _run_pandoc(root: Path, sources: list[Path], out: Path) -> None:
    cmd = ["pandoc", "--from", "markdown", "--to", "epub3", "--toc", "--toc-depth=2", "--metadata", "lang=en",
           "--metadata", "title=Benchmark issue", "-o", str(out), *map(str, sources)]
    subprocess.run(cmd, check=True, capture_output=True, cwd=root)


def _in_process(repeat: int, root: Path, name: str) -> tuple[float, float, int, int]:
    """(load + render, render alone, EPUB bytes, photos)."""
    from paperpress.editions.epub.edition import EpubEdition
    from paperpress.model.walk import images
    from paperpress.run.issue import build_info, check_issue, open_publication

    def load() -> tuple[object, object, object]:
        pub = open_publication(root)
        issue = check_issue(pub, name).value
        assert issue is not None
        return pub, issue, build_info(pub, issue)

    def render(pub: object, issue: object, info: object) -> bytes:
        return EpubEdition().render(issue, pub.layouts, info)[0].data  # type: ignore[arg-type, attr-defined]

    both = _best(repeat, lambda: render(*load()))
    loaded = load()
    alone = _best(repeat, lambda: render(*loaded))
    return both, alone, len(render(*loaded)), len(list(images(loaded[1])))  # type: ignore[arg-type]


def _pandoc_inputs(root: Path, name: str) -> list[Path]:
    """The same articles as pandoc reads them: headline, standfirst and photos as Markdown, in issue order."""
    from paperpress.run.issue import check_issue, open_publication

    pub = open_publication(root)
    issue = check_issue(pub, name).value
    assert issue is not None
    out = root / "pandoc-input"
    out.mkdir(exist_ok=True)
    files = []
    for n, article in enumerate(issue.articles):
        source = root / article.source
        text = source.read_text(encoding="utf-8")
        body = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.DOTALL)
        head = [f"# {article.title}", ""]
        if article.standfirst:
            head += [f"*{article.standfirst}*", ""]
        for image in article.images:
            head += [f"![{image.alt}]({(root / image.source).as_posix()} \"{image.caption or ''}\")", ""]
        body = re.sub(r"\]\((?!https?:)([^)\s]+)", lambda m, d=source.parent: "](" + (d / m.group(1)).as_posix(), body)
        path = out / f"{n:03d}.md"
        path.write_text("\n".join(head) + "\n" + body, encoding="utf-8")
        files.append(path)
    return files


def _copy_sample(dest: Path) -> Path:
    ignore = shutil.ignore_patterns("dist", ".venv", ".tools", ".git", "src", "tests", "bench", "*.egg-info")
    shutil.copytree(REPO, dest, ignore=ignore)
    return dest


def _synthetic(root: Path, count: int, photo_width: int) -> Path:
    """A publication with one issue of `count` articles in sections of eight; every other one has a photo."""
    rng = random.Random(count)
    photos = root / "issues" / "issue-1" / "photos"
    photos.mkdir(parents=True)
    (root / "paperpress.yaml").write_text("title: The Benchmark Times\nlanguage: en\n")
    variants = [_photo(rng, photo_width) for _ in range(8)]
    sections: list[list[str]] = []
    for n in range(count):
        if n % 8 == 0:
            sections.append([])
        slug = f"article-{n:03d}"
        sections[-1].append(f"issue-1/{slug}.md")
        front = [f"title: {_sentence(rng, 7).rstrip('.')}", f"byline: Reporter {n % 12}",
                 f"standfirst: {_sentence(rng, 25)}"]
        if n % 2 == 0:
            (photos / f"{slug}.jpg").write_bytes(variants[n % 8])
            front += ["images:", f"  - src: photos/{slug}.jpg", f"    alt: {_sentence(rng, 12)}",
                      f"    caption: {_sentence(rng, 14)}", "    credit: Benchmark photo desk"]
        (root / "issues" / "issue-1" / f"{slug}.md").write_text(
            "---\n" + "\n".join(front) + "\n---\n" + _body(rng), encoding="utf-8"
        )
    manifest = ["number: 1", "date: 2026-11-20", "title: A benchmark issue", "sections:"]
    for s, articles in enumerate(sections, start=1):
        manifest += [f"  - title: Section {s}", "    articles:", *(f"      - {a}" for a in articles)]
    (root / "issues" / "issue-1.yaml").write_text("\n".join(manifest) + "\n")
    return root


def _body(rng: random.Random) -> str:
    """About 800 words: paragraphs, two subheads, a list, a link and a footnote."""
    parts = []
    for k in range(3):
        parts.append(f"## {_sentence(rng, 4).rstrip('.')}")
        parts += [" ".join(_sentence(rng, rng.randint(12, 30)) for _ in range(5)) for _ in range(4)]
        if k == 1:
            parts.append("\n".join(f"- {_sentence(rng, 8)}" for _ in range(4)))
    parts.append(f"See [the council's page](https://example.org/{rng.randint(1, 999)}) for more.[^1]")
    parts.append("[^1]: " + _sentence(rng, 15))
    return "\n\n".join(parts) + "\n"


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _photo(rng: random.Random, width: int) -> bytes:
    """A camera-like JPEG: soft shapes under sensor noise, 3:2, baseline, about 200–600 KB."""
    height = width * 2 // 3
    img = Image.new("RGB", (width, height), tuple(rng.randint(60, 200) for _ in range(3)))
    draw = ImageDraw.Draw(img)
    for _ in range(30):
        x, y = rng.randint(0, width), rng.randint(0, height)
        r = rng.randint(width // 30, width // 6)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randint(0, 255) for _ in range(3)))
    img = img.filter(ImageFilter.GaussianBlur(width / 400))
    noise = Image.effect_noise((width, height), 24).convert("RGB")
    img = Image.blend(img, noise, 0.12)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=88)
    return buf.getvalue()


if __name__ == "__main__":
    main()
