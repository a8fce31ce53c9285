"""Times the audio edition of the sample issue: cold (every part synthesised), warm (all from the synthesis
cache) and after one corrected article, and reports the real-time factor.

The real-time factor is seconds of audio per second of CPU (paperpress and its eSpeak NG children together),
so it does not depend on how loaded the machine is; wall times are reported too. Every run is the real
command in a child process, on a copy of the publication, so the repository's dist/ is untouched.

    .venv/bin/python bench/bench_audio.py [--issue 1142] [--jobs N]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run(pub: Path, issue: str, jobs: int | None, *extra: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the command and everything it started) for one build."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    command = [sys.executable, "-m", "paperpress", "build", issue, "-f", "audio", "-q", *extra]
    subprocess.run(command + (["--jobs", str(jobs)] if jobs else []), cwd=pub, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def audio_seconds(folder: Path) -> float:
    from mutagen.mp3 import MP3

    whole = next(p for p in folder.glob("*.mp3") if p.stem == folder.parent.name)
    return float(MP3(whole).info.length)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issue", default="1142")
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        pub = Path(temp) / "pub"
        pub.mkdir()
        shutil.copy(REPO / "paperpress.yaml", pub)
        shutil.copytree(REPO / "issues", pub / "issues")
        cold_wall, cold_cpu = run(pub, args.issue, args.jobs)
        folder = next((pub / "dist").glob(f"issue-*{args.issue}/audio"))
        seconds = audio_seconds(folder)
        warm_wall, warm_cpu = run(pub, args.issue, args.jobs, "--force")
        article = sorted((pub / "issues" / folder.parent.name).glob("*.md"))[0]
        article.write_text(article.read_text() + "\nA correction, added for the benchmark.\n")
        fix_wall, fix_cpu = run(pub, args.issue, args.jobs)
        print(f"{folder.parent.name}: {seconds / 60:.1f} minutes of audio in {len(list(folder.glob('*.mp3'))) - 1} articles")
        print(f"  cold build:            {cold_wall:6.1f} s wall, {cold_cpu:6.1f} s CPU; "
              f"real-time factor {seconds / cold_cpu:.0f}x (audio seconds per CPU second), "
              f"{seconds / cold_wall:.0f}x on the wall clock")
        print(f"  warm (cache, --force): {warm_wall:6.1f} s wall, {warm_cpu:6.1f} s CPU")
        print(f"  one article corrected: {fix_wall:6.1f} s wall, {fix_cpu:6.1f} s CPU")


if __name__ == "__main__":
    main()
