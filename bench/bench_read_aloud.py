"""What the read-aloud EPUB costs on top of the audio edition: `-f audio` against `-f audio -f read-aloud`.

Each run is the real command in a child process, on a fresh copy of the sample publication with an empty
cache (so every run synthesises), alternating the two builds so that a busy machine weighs on both alike;
with the neural voice and with eSpeak NG (`audio.engine`). Figures: wall seconds of each, their ratio (the
issue asks at most 1.3: the speech is made once for both), and the peak memory of the build.

    .venv/bin/python bench/bench_read_aloud.py [--issue 1142] [--rounds 2] [--engines piper,espeak-ng]
    .venv/bin/python bench/bench_read_aloud.py --clips dist/issue-1142/issue-1142-read-aloud.epub

With --clips, the first sentence of a body paragraph in each of three articles is cut from its MP3 with
ffmpeg at the times its SMIL gives, and each cut is measured (ffprobe: its length against its words as said
at 165 a minute) and transcribed by PocketSphinx, whose words are compared with the sentence's and with the
next sentence's: a clip that spoke another sentence, or half of one, would match its own no better.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
_RUNNER = """
import json, resource, sys
from paperpress.cli import app
try:
    app(sys.argv[1:], standalone_mode=False)
finally:
    peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    print(json.dumps({"peak_mb": peak / 1024}), file=sys.stderr)
"""


def _publication(folder: Path, engine: str) -> Path:
    root = folder / "pub"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    for name in ("issues", "layouts", "fonts"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, root / name)
    config = (REPO / "paperpress.yaml").read_text()
    (root / "paperpress.yaml").write_text(config + f"\naudio:\n  engine: {engine}\n" if "audio:" not in config
                                          else config.replace("audio:", f"audio:\n  engine: {engine}", 1))
    return root


def _build(root: Path, issue: str, formats: tuple[str, ...]) -> tuple[float, float]:
    args = [a for f in formats for a in ("-f", f)]
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _RUNNER, "build", issue, *args, "--root", str(root), "--force",
                           "--time-limit", "0"],  # a benchmark measures how long it takes: never stopped
                          capture_output=True, text=True, env={"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin"},
                          check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"build failed: {done.stdout}{done.stderr}")
    peak = json.loads(done.stderr.strip().splitlines()[-1])["peak_mb"]
    return seconds, peak


def check_clips(epub: Path, count: int = 3) -> None:
    import re
    import zipfile

    import jiwer
    from bench_voice import transcribe
    from lxml import etree

    ns = {"s": "http://www.w3.org/ns/SMIL"}
    book = zipfile.ZipFile(epub)
    names = sorted((n for n in book.namelist() if re.search(r"/a\d+\.smil$", n)), key=lambda n: int(re.sub(r"\D", "", n)))
    print(f"{'clip':22} {'from s':>8} {'to s':>8} {'cut s':>6} {'words':>5} {'wpm':>5} {'WER':>5} {'next':>5}  words heard")
    with tempfile.TemporaryDirectory() as tmp:
        for name in names[:count]:
            smil = etree.fromstring(book.read(name))
            page = etree.fromstring(book.read(name.replace(".smil", ".xhtml")))
            pars = smil.findall(".//s:par", ns)
            at = next(i for i, p in enumerate(pars) if page.xpath("//*[local-name()='p' and not(@class)]/*[@id=$a]",
                                                                   a=p.find("s:text", ns).get("src").partition("#")[2]))
            par, following = pars[at], pars[at + 1]
            anchor = par.find("s:text", ns).get("src").partition("#")[2]
            audio = par.find("s:audio", ns)
            start, end = (float(audio.get(k).removesuffix("s")) for k in ("clipBegin", "clipEnd"))
            mp3 = Path(tmp) / "part.mp3"
            mp3.write_bytes(book.read("EPUB/" + audio.get("src")))
            cut = Path(tmp) / "cut.wav"
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(mp3), "-ss", f"{start:.3f}", "-to", f"{end:.3f}",
                            "-ac", "1", "-ar", "16000", str(cut)], check=True)
            length = float(subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
                                           "csv=p=0", str(cut)], check=True, capture_output=True, text=True).stdout)
            words = _said(page, anchor)
            after = _said(page, following.find("s:text", ns).get("src").partition("#")[2])
            said = transcribe(cut.read_bytes()[44:])  # the samples after the WAV header
            count_words = len(words.split())
            print(f"{name.removeprefix('EPUB/') + '#' + anchor:22} {start:8.3f} {end:8.3f} {length:6.2f} {count_words:5d} "
                  f"{count_words / length * 60:5.0f} {jiwer.wer(words, said or '-'):5.2f} {jiwer.wer(after, said or '-'):5.2f}"
                  f"  {said[:60]}")
            print(f"{'':22} said: {words[:90]}")


def _said(page: Any, anchor: str) -> str:
    """The words of the element `anchor` as the voice says them (the normaliser's), lower case."""
    import re

    from paperpress.editions.speech.speakable import speakable

    text = " ".join(" ".join(page.xpath("//*[@id=$a]//text()", a=anchor)).split())
    return " ".join(re.findall(r"[a-z']+", speakable(text).lower().replace("-", " ")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issue", default="1142")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--engines", default="piper,espeak-ng")
    parser.add_argument("--clips", type=Path, help="check three clips of this read-aloud EPUB instead")
    args = parser.parse_args()
    if args.clips:
        check_clips(args.clips)
        return
    print(f"{'voice':10} {'audio s':>8} {'audio+read-aloud s':>19} {'ratio':>6} {'peak MB':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for engine in args.engines.split(","):
            alone, both, peaks = [], [], []
            for _ in range(args.rounds):
                for formats, into in ((("audio",), alone), (("audio", "read-aloud"), both)):
                    root = _publication(Path(tmp), engine)  # a fresh copy: an empty cache, so every run speaks
                    seconds, peak = _build(root, args.issue, formats)
                    into.append(seconds)
                    peaks.append(peak)
            a, b = statistics.median(alone), statistics.median(both)
            print(f"{engine:10} {a:8.1f} {b:19.1f} {b / a:6.2f} {max(peaks):8.0f}")


if __name__ == "__main__":
    main()
