"""Times the print edition, and every edition, against the shared floor, and compares pages and page fill.

The floor is `../shared/bench-floor/` beside the repository (read its README): WeasyPrint alone rendering
the same articles and photos (A3, three columns per section, a new page for each section). Its `gen.py`
makes the synthetic issues of 10, 40 and 160 articles, its `to_pub.py` turns each into a publication,
`wp_phases.py` is the floor itself and `page_fill.py` measures how full each page is. The sample issue 1142
has no floor of its own: its floor is WeasyPrint alone on a plain HTML of the same articles and photos in
the floor's style sheet (A4, as the sample is set).

Every run is a child process (each pays its own start-up, and its peak memory is its own); the tools
alternate inside each round, and each figure is the best of --repeat rounds (the machines are shared).
"peak MB" is the largest process's peak (what `ru_maxrss` says); "all MB" is the most that all of a run's
processes held at once, sampled every 20 ms: on two cores paperpress lays out the PDF in a sidecar process
beside the one that loads the issue and makes the other editions (run/sidecar.py), and their sum is what the
machine must have.
"all editions" is the default set, the web edition included: its fonts and photo variants are cut in the
first round and found in the publication's cache after it, as every build after a publication's first.

    .venv/bin/python bench/bench_pdf.py [--repeat 3] [--sizes 10,40,160] [--no-sample]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def _floor() -> Path:
    """The shared floor beside the repository, <parent>/shared/bench-floor/ (on CI and on the bench machine).

    From a git worktree, beside the main checkout; BENCH_FLOOR names another folder.
    """
    if os.environ.get("BENCH_FLOOR"):
        return Path(os.environ["BENCH_FLOOR"])
    roots = [REPO]
    common = subprocess.run(["git", "rev-parse", "--path-format=absolute", "--git-common-dir"], cwd=REPO,
                            capture_output=True, text=True, check=False).stdout.strip()
    if common:
        roots.append(Path(common).parent)
    found = [root.parent / "shared" / "bench-floor" for root in roots]
    return next((path for path in found if path.is_dir()), found[0])


FLOOR = _floor()
TOOLS = ("floor", "paperpress pdf", "all editions")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="10,40,160")
    parser.add_argument("--no-sample", action="store_true", help="leave out the sample issue 1142")
    args = parser.parse_args()
    missing = [name for name in ("gen.py", "to_pub.py", "wp_phases.py", "page_fill.py") if not (FLOOR / name).is_file()]
    if missing:
        sys.exit(f"the shared floor is missing: no {', '.join(missing)} in {FLOOR}\n"
                 "  the benchmark needs ../shared/bench-floor/ beside the repository (see its README); it is not copied here")
    sizes = [int(n) for n in args.sizes.split(",") if n]
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        cases = []
        if not args.no_sample:
            cases.append(("sample 1142", _sample_floor(base / "sample"), REPO, "issue-1142"))
        if sizes:
            _run([sys.executable, str(FLOOR / "gen.py"), str(base / "gen"), *map(str, sizes)])
        for count in sizes:
            pub = base / f"pub{count}"
            _run([sys.executable, str(FLOOR / "to_pub.py"), str(base / "gen" / f"N{count}"), str(pub), str(count)])
            cases.append((f"{count} articles", base / "gen" / f"N{count}", pub, f"issue-{count}"))
        print(f"{'case':<13} {'tool':<15} {'wall s':>7} {'x floor':>8} {'cpu s':>7} {'x floor':>8} {'peak MB':>8} {'x floor':>8} "
              f"{'all MB':>7} {'x floor':>8} {'pages':>6} {'mean fill':>10} {'lowest':>7}")
        for label, floor_dir, root, name in cases:
            best: dict[str, dict[str, float]] = {}
            fills: dict[str, tuple[int, float, float]] = {}
            for n in range(args.repeat):
                for tool in TOOLS:  # alternate the tools inside each round
                    out = base / "out" / f"{label.split()[0]}-{tool.replace(' ', '-')}-{n}"
                    run = _child(tool, floor_dir, root, name, out)
                    old = best.get(tool)
                    best[tool] = {key: min(run[key], old[key]) if old else run[key] for key in ("seconds", "cpu", "peak", "together")}
                    pdf = run["pdf"]
                    fills[tool] = _fill(pdf)
                    shutil.rmtree(out, ignore_errors=True)
            floor = best["floor"]
            for tool in TOOLS:
                row = best[tool]
                pages, mean, lowest = fills[tool]
                print(f"{label:<13} {tool:<15} {row['seconds']:>7.2f} {row['seconds'] / floor['seconds']:>7.2f}x "
                      f"{row['cpu']:>7.2f} {row['cpu'] / floor['cpu']:>7.2f}x {row['peak'] / 1024:>8.0f} {row['peak'] / floor['peak']:>7.2f}x "
                      f"{row['together'] / 1024:>7.0f} {row['together'] / floor['peak']:>7.2f}x {pages:>6} {mean:>10.2f} {lowest:>7.2f}")
            sys.stdout.flush()


def _child(tool: str, floor_dir: Path, root: Path, name: str, out: Path) -> dict[str, Any]:
    """One run in a fresh child: wall and CPU seconds (CPU is steadier on a busy machine; more CPU than
    wall means two cores worked), peak memory (KiB) and the PDF."""
    out.mkdir(parents=True, exist_ok=True)
    if tool == "floor":
        pdf = out / "floor.pdf"
        cmd = [sys.executable, str(FLOOR / "wp_phases.py"), str(floor_dir), str(pdf)]
    else:
        formats = ["pdf"] if tool == "paperpress pdf" else ["txt", "epub", "pdf", "web"]
        pdf = out / name / f"{name}.pdf"
        cmd = [sys.executable, "-m", "paperpress", "build", name, "--root", str(root), "--out", str(out),
               "--force", "--quiet", *(arg for fmt in formats for arg in ("-f", fmt))]
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    together = 0  # the most the command's processes held at once, sampled (paperpress's sidecar is a second one)
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        together = max(together, _tree_rss(child.pid))
        time.sleep(0.02)  # a sampling interval, not a synchronisation: wait4 above says when it ended
    seconds = time.perf_counter() - start
    stderr = child.stderr.read() if child.stderr else b""
    if status != 0 or not pdf.is_file():
        sys.exit(f"{tool} failed on {name}:\n{stderr.decode()[-2000:]}")
    # ru_maxrss of a waited-for child is the largest of it and its own children, never their sum.
    return {"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "peak": usage.ru_maxrss,
            "together": max(together, usage.ru_maxrss), "pdf": pdf}


def _tree_rss(pid: int) -> int:
    """Resident KiB of a process and all its descendants now (0 once it is gone)."""
    total = 0
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            total += next((int(line.split()[1]) for line in status if line.startswith("VmRSS:")), 0)
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as children:
                total += sum(_tree_rss(int(child)) for child in children.read().split())
    except (FileNotFoundError, ProcessLookupError):
        pass
    return total


def _fill(pdf: Path) -> tuple[int, float, float]:
    """Pages, mean fill and lowest fill of all pages but the last, as the floor's page_fill.py measures them."""
    done = _run([sys.executable, str(FLOOR / "page_fill.py"), str(pdf)])
    found = re.search(r"pages (\d+) .* mean_but_last ([\d.]+) min_but_last ([\d.]+)", done)
    if not found:
        sys.exit(f"page_fill.py said: {done}")
    return int(found[1]), float(found[2]), float(found[3])


def _run(cmd: list[str]) -> str:
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd[:2])} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def _sample_floor(work: Path) -> Path:
    """The sample's articles and photos as one plain HTML in the floor's own print.css, set on A4."""
    from markdown_it import MarkdownIt

    from paperpress.run.issue import check_issue, open_publication

    pub = open_publication(REPO)
    checked = check_issue(pub, "issue-1142")
    issue, problems = checked.value, checked.problems
    assert issue is not None, problems
    work.mkdir(parents=True)
    shutil.copytree(REPO / "issues" / "issue-1142" / "photos", work / "photos")
    with tempfile.TemporaryDirectory() as tmp:  # the floor's style sheet, from a one-article issue it makes
        _run([sys.executable, str(FLOOR / "gen.py"), tmp, "1"])
        css = (Path(tmp) / "N1" / "print.css").read_text(encoding="utf-8")
    (work / "print.css").write_text(css.replace("size: 297mm 420mm;", "size: 210mm 297mm;"), encoding="utf-8")
    md = MarkdownIt("commonmark").enable("table")
    html = []
    for section in issue.sections:
        html.append(f'<section class="section"><h1>{section.title}</h1>')
        for article in section.articles:
            body = (REPO / article.source).read_text(encoding="utf-8").split("---", 2)[2]
            body = re.sub(r"\[\^\d+\]:?", "", body)
            photos = "".join(f"\n![{img.alt}](photos/{Path(img.source).name})\n" for img in article.images)
            html.append("<article>" + md.render(f"## {article.title}\n\n{article.standfirst or ''}\n\n{article.byline or ''}\n{photos}\n{body}\n") + "</article>")
        html.append("</section>")
    (work / "combined.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sample floor</title>'
        f'<link rel="stylesheet" href="print.css"></head><body>{"".join(html)}</body></html>', encoding="utf-8")
    return work


if __name__ == "__main__":
    main()
