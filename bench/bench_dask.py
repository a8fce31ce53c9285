"""Times `--executor dask` (a local cluster of two single-threaded worker processes) against `--jobs 2`.

Every run is the real command in a child process, on the same synthetic archives, forced. The runs are
alternated ROUNDS times (pool, Dask, pool, Dask…) so load from other work on the machine falls on both
alike. Two archive sizes separate what a run pays once (starting and stopping the workers) from what it
pays per issue: the slope of wall time against issues, times the workers, is an issue's worker time, and
the difference of the two slopes is the per-task overhead of Dask (shipping the model, scheduling,
returning the bytes). Prints each wall time, the ratio at the larger size (median of the rounds), whether
the outputs are byte-identical, the per-task overhead in ms and the fixed cost in seconds, and the same
for the CPU seconds of every process of the run, which depend less on other work on the machine.

`--baseline-src DIR` also times `--executor dask` from another source tree (an earlier commit exported
with `git archive`), in the same alternation, to measure a change.

    .venv/bin/python bench/bench_dask.py [--issues 10,40] [--articles 6] [--rounds 3] [--formats txt]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_archive import make_archive

WORKERS = 2
SRC = Path(__file__).resolve().parent.parent / "src"


def run(root: Path, out: Path, formats: str, src: Path, *extra: str) -> tuple[float, float]:
    """Wall seconds and CPU seconds (the command and every process it started) of one build."""
    env = {k: v for k, v in os.environ.items() if k != "PAPERPRESS_SCHEDULER"}
    env["PYTHONPATH"] = os.pathsep.join([str(src), *filter(None, [os.environ.get("PYTHONPATH")])])
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "paperpress", "build", "--all", "--force", "-f", formats, "-j", str(WORKERS), *extra,
         "--root", str(root), "--out", str(out)],
        check=True, capture_output=True, text=True, env=env,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def digest(out: Path) -> dict[str, str]:
    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*")) if p.is_file() and p.name != ".paperpress-state.json"
    }


def fit(sizes: list[int], times: dict[int, float]) -> tuple[float, float]:
    """Seconds per issue and fixed seconds of the line through the two sizes' median times."""
    small, large = sizes
    slope = (times[large] - times[small]) / (large - small)
    return slope, times[small] - slope * small


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", default="10,40", help="two archive sizes, SMALL,LARGE")
    parser.add_argument("--articles", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--formats", default="txt")
    parser.add_argument("--baseline-src", type=Path, help="also time --executor dask from this source tree")
    args = parser.parse_args()
    sizes = sorted(int(n) for n in args.issues.split(","))
    if len(sizes) != 2 or sizes[0] == sizes[1]:
        parser.error("--issues takes two different sizes, as 10,40")
    kinds = {"pool": (SRC, ()), "dask": (SRC, ("--executor", "dask"))}
    if args.baseline_src:
        kinds["dask before"] = (args.baseline_src.resolve(), ("--executor", "dask"))
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        roots = {n: make_archive(base / f"archive-{n}", n, args.articles) for n in sizes}
        times: dict[str, dict[int, list[float]]] = {kind: {n: [] for n in sizes} for kind in kinds}
        cpus: dict[str, dict[int, list[float]]] = {kind: {n: [] for n in sizes} for kind in kinds}
        print(f"{args.formats}, {args.articles} articles an issue, {WORKERS} workers, {os.cpu_count()} cores")
        for r in range(1, args.rounds + 1):
            for n in sizes:
                shown = []
                for kind, (src, extra) in kinds.items():
                    wall, cpu = run(roots[n], base / f"{kind}-{n}", args.formats, src, *extra)
                    times[kind][n].append(wall)
                    cpus[kind][n].append(cpu)
                    shown.append(f"{kind} {wall:6.2f} s ({cpu:5.1f} s CPU)")
                print(f"round {r}, {n:3d} issues: " + ", ".join(shown) + f"  (load {os.getloadavg()[0]:.1f})", flush=True)
        same = all(digest(base / f"pool-{n}") == digest(base / f"{kind}-{n}") for kind in kinds for n in sizes)
        median = {kind: {n: statistics.median(t) for n, t in by_size.items()} for kind, by_size in times.items()}
        cpu = {kind: {n: statistics.median(t) for n, t in by_size.items()} for kind, by_size in cpus.items()}
        fits = {kind: fit(sizes, median[kind]) for kind in kinds}
        cpu_fits = {kind: fit(sizes, cpu[kind]) for kind in kinds}
        large = sizes[1]
        print(f"outputs {'byte-identical' if same else 'DIFFERENT'}; medians of {args.rounds} rounds")
        for kind in kinds:
            slope, fixed = fits[kind]
            ratio = median[kind][large] / median["pool"][large]
            line = (f"{kind:<12} {large} issues {median[kind][large]:6.2f} s ({ratio:.2f}× the pool); "
                    f"per issue {slope * WORKERS * 1000:5.0f} ms of worker time; fixed {fixed:5.2f} s")
            if kind != "pool":
                line += f"; per-task overhead {(slope - fits['pool'][0]) * WORKERS * 1000:+.0f} ms"
            print(line)
            cpu_slope, cpu_fixed = cpu_fits[kind]
            line = (f"{'':<12} CPU {cpu[kind][large]:6.2f} s ({cpu[kind][large] / cpu['pool'][large]:.2f}× the pool); "
                    f"per issue {cpu_slope * 1000:5.0f} ms; fixed {cpu_fixed:5.2f} s")
            if kind != "pool":
                line += f"; per-task overhead {(cpu_slope - cpu_fits['pool'][0]) * 1000:+.0f} ms of CPU"
            print(line)


if __name__ == "__main__":
    main()
