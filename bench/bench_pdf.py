"""Times the PDF edition against two baselines on the same articles, and prints seconds, ratios, pages, memory.

Baselines: the floor, WeasyPrint alone on a plain 3-column HTML + CSS of the same content (same page size,
same fonts, same photos), and pandoc with WeasyPrint as its PDF engine. Cases: the sample issue 1142 and
synthetic issues of 10, 40 and 160 articles cycled from the sample's articles (with their photos), on A3
in 3 columns as the floor was first measured. Every run is a child process (so each pays its own start-up
and its peak memory is its own); runs of the different tools alternate, and each figure is the best of
--repeat (the lowest time and the lowest peak). "pdf edition" is load + PdfEdition.render alone; "paperpress pdf" is `build_issue(..., ["pdf"])`
(writes, fingerprints, catalog); "all editions" is the same with txt, epub and pdf.

    .venv/bin/python bench/bench_pdf.py [--repeat 2] [--sizes 10,40,160]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_SAMPLE = REPO / "issues" / "issue-1142"
_FLOOR_CSS = """
@page { size: %(size)s; margin: 14mm; }
html { font: 9.5pt/1.32 "Source Serif Pro"; hyphens: auto; text-align: justify; }
h1, h2, h3 { font-family: "Source Sans Pro"; column-span: all; }
section.level2 { columns: 3; column-gap: 4.5mm; }
img { max-width: 100%%; height: auto; }
table { width: 100%%; font-size: 8pt; }
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--sizes", default="10,40,160")
    args = parser.parse_args()
    if not shutil.which("pandoc"):
        sys.exit("pandoc is not installed")
    tools = ["floor", "pdf edition", "paperpress pdf", "all editions", "pandoc"]
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        cases = [("sample 1142", REPO, "issue-1142", "A4")]
        for count in (int(n) for n in args.sizes.split(",")):
            cases.append((f"{count} articles", _synthetic(base / f"s{count}", count), "issue-1", "A3"))
        print(f"{'case':<14} {'tool':<15} {'wall s':>7} {'× floor':>8} {'cpu s':>7} {'× floor':>8} {'pages':>6} "
              f"{'peak MB':>8} {'× floor':>8}")
        for label, root, name, size in cases:
            work = base / f"work-{label.split()[0]}"
            work.mkdir()
            _plain_inputs(root, name, work, size)
            best: dict[str, dict[str, float]] = {}
            for _ in range(args.repeat):
                for tool in tools:  # alternate the tools inside each round
                    result = _child(tool, root, name, work)
                    old = best.get(tool)
                    best[tool] = {
                        key: min(result[key], old[key]) if old else result[key] for key in ("seconds", "cpu", "peak")
                    } | {"pages": result["pages"]}
            floor = best["floor"]
            for tool in tools:
                row = best[tool]
                print(f"{label:<14} {tool:<15} {row['seconds']:>7.2f} {row['seconds'] / floor['seconds']:>7.2f}x "
                      f"{row['cpu']:>7.2f} {row['cpu'] / floor['cpu']:>7.2f}x {int(row['pages']):>6} "
                      f"{row['peak'] / 1024:>8.0f} {row['peak'] / floor['peak']:>7.2f}x")
            sys.stdout.flush()


def _child(tool: str, root: Path, name: str, work: Path) -> dict[str, float]:
    """Runs one build in a fresh child: wall and CPU seconds (CPU is steadier on a busy machine), pages, peak memory."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--child", tool, str(root), name, str(work)],
        capture_output=True, text=True, check=False,
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if done.returncode != 0:
        sys.exit(f"{tool} failed on {root}:\n{done.stderr[-2000:]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return {"seconds": seconds, "cpu": cpu, "pages": report["pages"], "peak": report["peak"]}


def _run_child(tool: str, root: Path, name: str, work: Path) -> None:
    """Inside the child: do the work, then print pages and peak memory (KiB, this process and its children)."""
    out = work / f"{tool.replace(' ', '-')}.pdf"
    if tool == "floor":
        import weasyprint

        weasyprint.HTML(filename=str(work / "plain.html")).write_pdf(str(out))
    elif tool == "pandoc":
        env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
        subprocess.run(
            ["pandoc", str(work / "plain.md"), "-o", str(out), "--pdf-engine=weasyprint", "--section-divs", "--css", str(work / "plain.css"),
             "--resource-path", str(work), "--metadata", "title=Benchmark issue", "--metadata", "lang=en"],
            check=True, capture_output=True, env=env, cwd=work,
        )
    elif tool == "pdf edition":
        from paperpress.build import build_info, check_issue, open_publication
        from paperpress.options import BuildOptions, source_date
        from paperpress.render.pdf import PdfEdition

        pub = open_publication(root)
        checked = check_issue(pub, name)
        issue, problems = checked.value, checked.problems
        assert issue is not None, problems
        options = BuildOptions(source_date=source_date(os.environ.get("SOURCE_DATE_EPOCH")))
        out.write_bytes(PdfEdition().render(issue, pub.layouts, build_info(pub, issue, options)))
    else:
        from paperpress.build import build_issue, open_publication
        from paperpress.options import BuildOptions, source_date

        formats = ("txt", "epub", "pdf") if tool == "all editions" else ("pdf",)
        options = BuildOptions(formats, source_date=source_date(os.environ.get("SOURCE_DATE_EPOCH")))
        result = build_issue(open_publication(root), name, work / "dist", options)
        if result.failed:
            sys.exit("\n".join(map(str, result.problems)))
        out = next(p for p in result.written if p.suffix == ".pdf")
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    print(json.dumps({"pages": _pages(out), "peak": peak}))


def _pages(path: Path) -> int:
    done = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=False)
    found = re.search(r"Pages:\s+(\d+)", done.stdout)
    return int(found[1]) if found else 0


def _synthetic(root: Path, count: int) -> Path:
    """A publication whose one issue holds `count` articles cycled from the sample's, in sections of five."""
    articles = sorted(_SAMPLE.glob("*.md"))
    folder = root / "issues" / "issue-1"
    shutil.copytree(_SAMPLE / "photos", folder / "photos")
    (root / "paperpress.yaml").write_text(
        (REPO / "paperpress.yaml").read_text() + "pdf:\n  page_size: A3\n  columns: 3\n", encoding="utf-8"
    )
    lines = ["number: 1", "date: 2026-11-20", "title: Benchmark issue", "sections:"]
    for n in range(count):
        if n % 5 == 0:
            lines += [f"  - title: Section {n // 5 + 1}", "    articles:"]
        source = articles[n % len(articles)]
        target = folder / f"{n:03d}-{source.name}"
        target.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
        lines.append(f"      - issue-1/{target.name}")
    (root / "issues" / "issue-1.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def _plain_inputs(root: Path, name: str, work: Path, size: str) -> None:
    """The same articles as one Markdown file (for pandoc) and one plain HTML file (for the floor)."""
    from markdown_it import MarkdownIt

    from paperpress.build import check_issue, open_publication
    from paperpress.render.pdf_fonts import packaged_faces

    pub = open_publication(root)
    checked = check_issue(pub, name)
    issue, problems = checked.value, checked.problems
    assert issue is not None, problems
    shutil.copytree(root / "issues" / name / "photos", work / "photos", dirs_exist_ok=True)
    faces = "".join(
        f'@font-face {{ font-family: "{f.family}"; font-weight: {f.weight}; font-style: {f.style}; src: url("{f.url}"); }}\n'
        for f in packaged_faces()
    )
    css = faces + _FLOOR_CSS % {"size": size}
    (work / "plain.css").write_text(css, encoding="utf-8")
    markdown, html = [], []
    md = MarkdownIt("commonmark").enable("table")
    for section in issue.sections:
        markdown.append(f"# {section.title}\n")
        html.append(f"<h1>{section.title}</h1>")
        for article in section.articles:
            body = (root / article.source).read_text(encoding="utf-8").split("---", 2)[2]
            body = re.sub(r"\[\^\d+\]:?", "", body)
            photos = "".join(f"\n![{img.alt}](photos/{Path(img.source).name})\n" for img in article.images)
            text = f"## {article.title}\n\n{article.standfirst or ''}\n\n{article.byline or ''}\n{photos}\n{body}\n"
            markdown.append(text)
            html.append(f'<section class="level2">{md.render(text)}</section>')
    (work / "plain.md").write_text("\n".join(markdown), encoding="utf-8")
    (work / "plain.html").write_text(
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Benchmark</title>'
        f"<style>{css}</style></head><body>{''.join(html)}</body></html>",
        encoding="utf-8",
    )


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        _run_child(sys.argv[2], Path(sys.argv[3]), sys.argv[4], Path(sys.argv[5]))
    else:
        main()
