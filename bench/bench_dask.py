"""Times `--executor dask` (a local cluster of two single-threaded worker processes) against `--jobs 2`.

Both runs are the real command in a child process, alternated ROUNDS times so load from other work falls
on both alike, on the same synthetic archive, all editions, forced. Prints each wall time, the ratio
(best of the rounds), whether the outputs are byte-identical, and the per-task overhead: the extra wall
time of the Dask run, times the workers, per issue.

    .venv/bin/python bench/bench_dask.py [--issues 40] [--articles 6] [--rounds 1] [--formats txt,epub,pdf]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from make_archive import make_archive

WORKERS = 2


def run(root: Path, out: Path, formats: str, *extra: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "paperpress", "build", "--all", "--force", "-f", formats, "-j", str(WORKERS), *extra,
         "--root", str(root), "--out", str(out)],
        check=True, capture_output=True, text=True, env={k: v for k, v in os.environ.items() if k != "PAPERPRESS_SCHEDULER"},
    )
    return time.perf_counter() - started


def digest(out: Path) -> dict[str, str]:
    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*")) if p.is_file() and p.name != ".paperpress-state.json"
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--issues", type=int, default=40)
    parser.add_argument("--articles", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--formats", default="txt,epub,pdf")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        root = make_archive(base / "archive", args.issues, args.articles)
        pool, dask = [], []
        for n in range(1, args.rounds + 1):
            pool.append(run(root, base / "pool", args.formats))
            dask.append(run(root, base / "dask", args.formats, "--executor", "dask"))
            print(f"round {n}: --jobs {WORKERS} {pool[-1]:.2f} s, --executor dask {dask[-1]:.2f} s "
                  f"(load {os.getloadavg()[0]:.1f})")
        same = digest(base / "pool") == digest(base / "dask")
        best_pool, best_dask = min(pool), min(dask)
        overhead_ms = (best_dask - best_pool) * WORKERS / args.issues * 1000
        print(f"{args.issues} issues × {args.articles} articles, {args.formats}: dask / process pool = "
              f"{best_dask / best_pool:.2f}× (outputs {'byte-identical' if same else 'DIFFERENT'}); "
              f"per issue {best_pool * WORKERS / args.issues:.2f} s of worker time; "
              f"per-task overhead {overhead_ms:.0f} ms (includes starting the local cluster)")


if __name__ == "__main__":
    main()
