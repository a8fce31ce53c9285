"""Times `paperpress preview` on the floor's 40-article issue: a saved article's web page and text edition
served with the new text, against a full `build -f web --force` with warm caches, measured alternately in
one run; the PDF refreshed, against the floor (WeasyPrint alone); and the CPU the preview uses while idle.

The issue is the floor's (`../shared/bench-floor/gen.py`, `to_pub.py`). The preview runs as the editor runs
it, with its PDF. Each round saves one article with a new sentence, waits for the preview's event stream
to name that article's page, fetches it and the text edition until both hold the sentence (what a browser
does), and waits for the PDF; then it times the build. Times are wall-clock from the save.

    .venv/bin/python bench/bench_preview.py [--rounds 3] [--idle 30]
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FLOOR = Path(os.environ.get("BENCH_FLOOR", REPO.parent / "shared" / "bench-floor"))
OUT = REPO / "bench" / "out" / "preview"
PYTHON = sys.executable


def make_issue() -> Path:
    """The floor's 40-article issue as a publication (made once, then kept in bench/out/)."""
    pub = OUT / "pub"
    if not (pub / "paperpress.yaml").is_file():
        subprocess.run([PYTHON, str(FLOOR / "gen.py"), str(OUT / "floor"), "40"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([PYTHON, str(FLOOR / "to_pub.py"), str(OUT / "floor" / "N40"), str(pub), "40"], check=True,
                       stdout=subprocess.DEVNULL)
    return pub


def paperpress(*args: str) -> float:
    began = time.perf_counter()
    subprocess.run([PYTHON, "-m", "paperpress", *args], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - began


class Preview:
    """The preview command, its output lines and its event stream read in threads."""

    def __init__(self, pub: Path) -> None:
        self.process = subprocess.Popen([PYTHON, "-m", "paperpress", "preview", "40", "--root", str(pub), "--port", "0"],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.base = self.wait_for(r"previewing issue-40 at (http://\S+/) ")[1]
        self.events: queue.Queue[tuple[float, list[str]]] = queue.Queue()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put((time.perf_counter(), line.rstrip("\n")))

    def wait_for(self, pattern: str, timeout: float = 600) -> re.Match[str]:
        return self.wait_for_timed(pattern, timeout)[1]

    def wait_for_timed(self, pattern: str, timeout: float = 600) -> tuple[float, re.Match[str]]:
        while True:
            at, line = self.lines.get(timeout=timeout)
            found = re.search(pattern, line)
            if found:
                return at, found

    def listen(self) -> None:
        def read() -> None:
            with urllib.request.urlopen(self.base + "_preview/events?since=1000000000", timeout=600) as stream:
                for raw in stream:
                    if raw.startswith(b"data: "):
                        self.events.put((time.perf_counter(), json.loads(raw[6:])))

        threading.Thread(target=read, daemon=True).start()

    def fetch(self, path: str) -> bytes:
        with urllib.request.urlopen(self.base + path.lstrip("/"), timeout=60) as response:
            return bytes(response.read())

    def served_with(self, path: str, text: bytes) -> float:
        """When `path` was served holding `text`: asked again at each event that names it (or every page)."""
        while True:
            _, paths = self.events.get(timeout=120)
            if (path in paths or "*" in paths) and text in self.fetch(path):
                return time.perf_counter()

    def cpu_seconds(self) -> float:
        """User and system time of the preview and its child processes (the PDF's), so far."""
        pids = [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        if children.is_file():
            pids += [int(p) for p in children.read_text().split()]
        ticks = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()  # SIGTERM: a benchmark started in the background has SIGINT ignored
        self.process.wait(timeout=60)


def floor_pdf() -> float:
    began = time.perf_counter()
    subprocess.run([PYTHON, str(FLOOR / "wp_phases.py"), str(OUT / "floor" / "N40"), str(OUT / "floor.pdf")],
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--idle", type=float, default=30.0, help="seconds of idle CPU measured")
    args = parser.parse_args()
    pub = make_issue()
    paperpress("build", "40", "-f", "web", "--root", str(pub), "-q")  # the caches warm
    article = sorted((pub / "issues" / "issue-40").glob("*.md"))[2]
    original = article.read_text(encoding="utf-8")
    preview = Preview(pub)
    rows: dict[str, list[float]] = {"build -f web --force": [], "preview: web page": [], "preview: text": [],
                                    "preview: PDF": [], "floor: WeasyPrint alone": []}
    try:
        preview.wait_for(r"^refreshed pdf")
        preview.listen()
        page = next(p for p in (pub / ".paperpress-preview" / "issue-40" / "web").rglob(f"{article.stem}.html"))
        path = "/" + page.relative_to(pub / ".paperpress-preview").as_posix()
        text = "/issue-40/issue-40.txt"
        for n in range(args.rounds):
            rows["build -f web --force"].append(paperpress("build", "40", "-f", "web", "--force", "--root", str(pub), "-q"))
            sentence = f"Round {n} of the benchmark added this sentence.".encode()
            saved = time.perf_counter()
            article.write_text(original + f"\n{sentence.decode()}\n", encoding="utf-8")
            rows["preview: web page"].append(preview.served_with(path, sentence) - saved)
            if sentence not in preview.fetch(text):
                preview.served_with(text, sentence)
            rows["preview: text"].append(time.perf_counter() - saved)
            at, _ = preview.wait_for_timed(r"^refreshed pdf")
            rows["preview: PDF"].append(at - saved)
            rows["floor: WeasyPrint alone"].append(floor_pdf())
        time.sleep(2)  # the spare PDF process finishes importing
        before, began = preview.cpu_seconds(), time.perf_counter()
        time.sleep(args.idle)
        idle = (preview.cpu_seconds() - before) / (time.perf_counter() - began)
        report(rows, args, idle)
    finally:
        article.write_text(original, encoding="utf-8")
        preview.stop()


def report(rows: dict[str, list[float]], args: argparse.Namespace, idle: float) -> None:
    print(f"{'':28} {'median':>8} {'min':>8}  ({args.rounds} rounds, alternately)")
    for label, times in rows.items():
        print(f"{label:28} {statistics.median(times):8.3f} {min(times):8.3f}")
    build = statistics.median(rows["build -f web --force"])
    print(f"web page / build -f web --force: {statistics.median(rows['preview: web page']) / build:.2f}x")
    print(f"text / build -f web --force:     {statistics.median(rows['preview: text']) / build:.2f}x")
    floor = statistics.median(rows["floor: WeasyPrint alone"])
    print(f"PDF / floor:                     {statistics.median(rows['preview: PDF']) / floor:.2f}x")
    print(f"idle CPU over {args.idle:g} s: {idle * 100:.2f} % of a core", flush=True)

if __name__ == "__main__":
    main()
