"""Wall time and peak memory of `paperpress build` (every edition) on hostile inputs inside the caps.

Each case is a fresh copy of the minimal fixture with one hostile input (see hostile_inputs.py), built in a
child process of its own, so the peak resident memory reported is that build's alone (from wait4's rusage;
the inputs are made in another child, because Linux counts the parent's size at fork in the child's peak).
The target is under 30 s and under 1 GB for every case, failing with a located message where it must fail.

    .venv/bin/python bench/bench_hostile.py [--cases "wide table,4 PNG bombs"] [--time-limit 300]
    .venv/bin/python bench/bench_hostile.py --cases "numbers at the cap,prose at the cap" -f audio

`-f` builds those editions instead of every one (`-f audio` for the audio edition's cases, which a plain
build leaves out); `--memory-limit` caps the build's address space, so a case that would exhaust the
machine fails instead; `--src` measures another source tree (an older commit's, for a before-and-after).
HOSTILE_ARTICLE_KB=2048 makes the text cases at the former 2 MB article cap instead of today's 512 KB.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hostile_inputs import CASES, REPO


def measure(
    pub: Path, time_limit: float, formats: list[str], src: Path, memory_mb: int | None
) -> tuple[float, float, int, str]:
    """(seconds, peak MB, exit status, last line of the report) of one build in a child process.

    The peak is the largest of the build and the programs it ran (eSpeak NG), as wait4 reports it.
    """
    env = dict(os.environ, PYTHONPATH=str(src))
    command = [sys.executable, "-m", "paperpress", "build", "--all", "--root", str(pub), "--force", "-q",
               "--time-limit", f"{time_limit:g}", *(f"-f{f}" for f in formats)]

    def limited() -> None:
        if memory_mb:
            resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))

    started = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, env=env, preexec_fn=limited)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        err.seek(0)
        lines = err.read().decode(errors="replace").strip().splitlines()
    said = lines[0] if lines else ""
    return seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), said[:110]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(CASES), help="comma-separated case names")
    parser.add_argument("--time-limit", type=float, default=300)
    parser.add_argument("-f", "--format", action="append", default=[], help="an edition to build (repeatable)")
    parser.add_argument("--memory-limit", type=int, default=None, metavar="MB", help="the build's address space")
    parser.add_argument("--src", type=Path, default=REPO / "src", help="the paperpress source tree to measure")
    args = parser.parse_args()
    print(f"{'case':26} {'seconds':>8} {'peak MB':>8} {'exit':>4}  first line of the report")
    for name in (n.strip() for n in args.cases.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            pub = Path(tmp) / "pub"
            subprocess.run([sys.executable, str(Path(__file__).with_name("hostile_inputs.py")), name, str(pub)], check=True)
            seconds, peak, status, said = measure(pub, args.time_limit, args.format, args.src, args.memory_limit)
        print(f"{name:26} {seconds:8.1f} {peak:8.0f} {status:4}  {said}", flush=True)


if __name__ == "__main__":
    main()
