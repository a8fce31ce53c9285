"""Times archive regeneration: --jobs 1 against --jobs 2, no-op runs, one changed article, a changed stylesheet.

Every run is the real command in a child process. Figures: wall seconds, seconds per issue built, peak
memory of the largest process (a worker, when there are workers), and for the serial run the seconds
spent inside WeasyPrint (HTML layout + PDF writing) so paperpress's own overhead is visible. A cold
`paperpress build ISSUE` (a fresh process for one issue) shows what a long-lived worker saves.

    .venv/bin/python bench/bench_archive.py [--issues 60] [--articles 12] [--noop-issues 200]
    .venv/bin/python bench/bench_archive.py --catalog 1000 [--catalog-small 13]   (the catalog's figures)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from catalog_figures import report
from make_archive import make_archive

REPO = Path(__file__).resolve().parent.parent
LAYOUTS = REPO / "src" / "paperpress" / "layouts"
#: Runs the CLI, then reports its peak memory (and, when asked, the seconds spent in WeasyPrint) as JSON.
_RUNNER = """
import atexit, json, os, resource, sys, time
spent = [0.0]
if os.environ.get("BENCH_WEASYPRINT"):
    import weasyprint
    from weasyprint.document import Document
    def timed(function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - started
        return wrapper
    weasyprint.HTML.render = timed(weasyprint.HTML.render)
    Document.write_pdf = timed(Document.write_pdf)
def report():
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with open(os.environ["BENCH_REPORT"], "w") as handle:
        json.dump({"main_kb": own, "worker_kb": workers, "weasyprint": spent[0]}, handle)
atexit.register(report)
from paperpress.cli import app
sys.argv[0] = "paperpress"
app()
"""


def run(label: str, root: Path, out: Path, *args: str, weasyprint: bool = False) -> dict[str, float]:
    report = out.parent / f"report-{os.getpid()}.json"
    env = {**os.environ, "BENCH_REPORT": str(report), **({"BENCH_WEASYPRINT": "1"} if weasyprint else {})}
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER, "build", *args, "--root", str(root), "--out", str(out)],
        env=env, capture_output=True, text=True, check=False,
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if done.returncode != 0:
        sys.exit(f"{label} failed:\n{done.stdout}\n{done.stderr}")
    summary = done.stdout.strip().splitlines()[-1]
    built = int(summary.split(" issue")[0])
    figures = json.loads(report.read_text())
    peak = max(figures["main_kb"], figures["worker_kb"]) / 1024
    per_issue = seconds / built if built else 0.0
    row = {"seconds": seconds, "built": built, "per_issue": per_issue, "peak_mb": peak, "weasyprint": figures["weasyprint"],
           "cpu": cpu}
    shown = f"{per_issue:8.2f}" if built else f"{'-':>8}"
    print(f"{label:<38} {seconds:8.2f} {cpu:8.2f} {built:6d} {shown} {peak:8.0f} {load:6.1f}", flush=True)
    return row


def digest(out: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(out.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            h.update(path.relative_to(out).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=60)
    parser.add_argument("--articles", type=int, default=12)
    parser.add_argument("--noop-issues", type=int, default=200)
    parser.add_argument("--cold", type=int, default=3, help="cold single-issue builds to average")
    parser.add_argument("--speedup", type=int, default=0, metavar="ROUNDS",
                        help="only alternate --jobs 1 and --jobs 2 full runs ROUNDS times (for a busy machine)")
    parser.add_argument("--catalog", type=int, default=0, metavar="ISSUES",
                        help="only the catalog's figures, for an archive of ISSUES small issues (and --catalog-small)")
    parser.add_argument("--catalog-small", type=int, default=13, metavar="ISSUES")
    parser.add_argument("--keep", type=Path, help="build the catalog's archive in this folder and leave it there")
    args = parser.parse_args()
    if args.catalog:
        catalog(args.catalog_small, search=False)
        catalog(args.catalog, keep=args.keep)
        return
    if args.speedup:
        speedup(args.issues, args.articles, args.speedup)
        return
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        root = make_archive(base / "archive", args.issues, args.articles)
        print(f"archive: {args.issues} issues × {args.articles} articles with photos; editions: all; "
              f"{os.cpu_count()} cores")
        print(f"{'run':<38} {'seconds':>8} {'CPU s':>8} {'issues':>6} {'s/issue':>8} {'peak MB':>8} {'load':>6}")
        cold = [run(f"cold build of issue {n} (fresh process)", root, base / "cold", str(n), "--force", "-j", "1")
                for n in range(1, args.cold + 1)]
        serial = run("full regeneration --jobs 1", root, base / "j1", "--all", "--force", "-j", "1", weasyprint=True)
        parallel = run("full regeneration --jobs 2", root, base / "j2", "--all", "--force", "-j", "2")
        identical = digest(base / "j1") == digest(base / "j2")
        noop = run("no-op run --jobs 2", root, base / "j2", "--all", "-j", "2")
        article = root / "issues" / f"issue-{args.issues // 2}"
        first = min(article.glob("*.md"))
        first.write_text(first.read_text() + "\nA late correction to this article.\n")
        time.sleep(0.05)
        one = run("after one article changed", root, base / "j2", "--all", "-j", "2")
        restyled = {}
        for name in ("epub/style.css", "pdf/print.css"):
            (root / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
            (root / "layouts" / name).write_text((LAYOUTS / name).read_text() + "\n/* house style: a changed rule */\n")
            time.sleep(0.05)
            restyled[name] = run(f"after {name} changed", root, base / "j2", "--all", "-j", "2")

        big = make_archive(base / "big", args.noop_issues, args.articles)
        run(f"{args.noop_issues} issues, txt only (first build)", big, base / "big-dist", "--all", "-f", "txt", "-j", "2")
        wide = run(f"{args.noop_issues} issues, no-op run", big, base / "big-dist", "--all", "-f", "txt", "-j", "2")

        cold_each = sum(r["seconds"] for r in cold) / len(cold)
        print()
        print(f"speedup --jobs 2 over --jobs 1: {serial['seconds'] / parallel['seconds']:.2f}× "
              f"(outputs {'byte-identical' if identical else 'DIFFERENT'}); CPU seconds {serial['cpu']:.1f} vs "
              f"{parallel['cpu']:.1f}; 'load' is the 1-minute load average before the run (other work on the machine)")
        print(f"serial, per issue: {serial['per_issue']:.2f} s, of which WeasyPrint {serial['weasyprint'] / serial['built']:.2f} s "
              f"(paperpress + EPUB + text + covers: {(serial['seconds'] - serial['weasyprint']) / serial['built']:.2f} s); "
              f"CPU per issue {serial['cpu'] / serial['built']:.2f} s serial, {parallel['cpu'] / parallel['built']:.2f} s "
              f"with 2 jobs (wall times follow the load, CPU times much less)")
        print(f"cold single-issue build: {cold_each:.2f} s "
              f"({cold_each / serial['per_issue']:.2f}× an issue in a serial archive run, "
              f"{cold_each / parallel['per_issue']:.2f}× with 2 jobs)")
        print(f"no-op: {noop['seconds']:.2f} s for {args.issues} issues, {wide['seconds']:.2f} s for {args.noop_issues}")
        print(f"one article changed: {one['seconds']:.2f} s ({one['built']} issue rebuilt)")
        for name, row in restyled.items():
            print(f"{name} changed: {row['seconds']:.2f} s, {row['cpu']:.1f} s of CPU ({row['built']} issues rebuilt, "
                  f"that edition only; a full regeneration took {parallel['seconds']:.2f} s, {parallel['cpu']:.1f} s of CPU)")


def catalog(issues: int, search: bool = True, keep: Path | None = None) -> None:
    """Builds `issues` issues of one article (text and web), then measures the catalog (catalog_figures.py)."""
    with tempfile.TemporaryDirectory() as tmp:
        base = keep or Path(tmp)
        root = make_archive(base / "archive", issues, 1, photos=False)
        out = base / "dist"
        print(f"{'run':<38} {'seconds':>8} {'CPU s':>8} {'issues':>6} {'s/issue':>8} {'peak MB':>8} {'load':>6}")
        built = run(f"{issues} issues, txt + web, first build", root, out, "--all", "-f", "txt", "-f", "web", "-j", "2")
        noop = [run(f"no-op run {n + 1}", root, out, "--all", "-f", "txt", "-f", "web", "-j", "2")["seconds"]
                for n in range(5)]
        report(out, issues, noop, built["seconds"], REPO / ".tools" / "opds" / "opds.rnc", search=search)


def speedup(issues: int, articles: int, rounds: int) -> None:
    """Alternates serial and parallel full runs, so load from other work falls on both alike."""
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        root = make_archive(base / "archive", issues, articles)
        print(f"{'run':<38} {'seconds':>8} {'CPU s':>8} {'issues':>6} {'s/issue':>8} {'peak MB':>8} {'load':>6}")
        ratios = []
        for n in range(rounds):
            serial = run(f"round {n + 1}: --jobs 1", root, base / "j1", "--all", "--force", "-j", "1")
            parallel = run(f"round {n + 1}: --jobs 2", root, base / "j2", "--all", "--force", "-j", "2")
            ratios.append(serial["seconds"] / parallel["seconds"])
        print("speedups: " + ", ".join(f"{r:.2f}×" for r in ratios) + f"; best {max(ratios):.2f}×")


if __name__ == "__main__":
    main()
