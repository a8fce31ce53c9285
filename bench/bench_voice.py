"""How well each voice is understood, and how fast the neural one speaks: the sample issue read by both.

For each voice (the neural voice of the `voice` extra, and eSpeak NG), every article of the sample issue is
synthesised utterance by utterance as the audio edition says it (its script, normaliser and voice), in a
child process of its own so its peak memory is its own. Figures per voice: seconds of speech, seconds to
synthesise them, the speed as a multiple of real time, peak memory, and the word error rate of an offline
recogniser (PocketSphinx, its wheel's US English model) against the spoken script, over the whole issue:
a weak recogniser, so compare the voices with each other, not with people.

    .venv/bin/python bench/bench_voice.py [--issue 1142] [--articles N]
"""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

#: Synthesises every article's script with one voice; prints the figures and where the sound went, as JSON.
_SPEAKER = r"""
import json, resource, sys, time
from pathlib import Path
from paperpress.config import AudioOptions
from paperpress.editions.speech.sound import parts
from paperpress.editions.speech.voices import describe_voice, make_voice
from paperpress.run.issue import check_issue, open_publication

root, name, engine, out, limit = Path(sys.argv[1]), sys.argv[2], sys.argv[3], Path(sys.argv[4]), int(sys.argv[5])
pub = open_publication(root)
issue = check_issue(pub, name).value
options = AudioOptions(engine=engine)
language = issue.publication.language
started = time.perf_counter()
voice = make_voice(options, language, root)
loaded = time.perf_counter() - started
articles = [part for part in parts(issue) if part.article is not None][:limit or None]
spoken = seconds = 0.0
for part in articles:
    pcm = bytearray()
    began = time.perf_counter()
    for utterance in part.script:
        if utterance.text:
            pcm += voice.synthesise(utterance.text)
        pcm += bytes(2 * (voice.sample_rate * utterance.pause_ms // 1000))
    seconds += time.perf_counter() - began
    spoken += len(pcm) / 2 / voice.sample_rate
    (out / f"{part.article:02d}.pcm").write_bytes(pcm)
    (out / f"{part.article:02d}.txt").write_text(" ".join(u.text for u in part.script if u.text))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"voice": describe_voice(options, language), "rate": voice.sample_rate, "load": loaded,
                  "spoken": spoken, "seconds": seconds, "peak_mb": peak, "articles": len(articles)}))
"""


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", text.lower().replace("-", " ")))


def _transcribe(pcm: Path, rate: int) -> str:
    """PocketSphinx's words for a 16-bit mono recording at `rate`, resampled to 16 kHz by ffmpeg."""
    audio = subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", str(pcm),
         "-ac", "1", "-ar", "16000", "-f", "s16le", "-"], check=True, capture_output=True,
    ).stdout
    return transcribe(audio)


def transcribe(audio: bytes) -> str:
    """PocketSphinx's words for 16-bit mono samples at 16 kHz, utterance by utterance."""
    from pocketsphinx import Decoder, Segmenter

    decoder, said = Decoder(samprate=16000), []
    for segment in Segmenter(sample_rate=16000).segment(io.BytesIO(audio)):
        decoder.start_utt()
        decoder.process_raw(segment.pcm, full_utt=True)
        decoder.end_utt()
        if decoder.hyp() is not None:
            said.append(decoder.hyp().hypstr)
    return " ".join(said)


def _speak(engine: str, root: Path, issue: str, limit: int, folder: Path) -> dict[str, object]:
    out = folder / engine
    out.mkdir(parents=True)
    done = subprocess.run([sys.executable, "-c", _SPEAKER, str(root), issue, engine, str(out), str(limit)],
                          check=True, capture_output=True, text=True, env={"PYTHONPATH": str(REPO / "src"),
                                                                           "PATH": "/usr/bin:/bin"})
    figures: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    figures["folder"] = str(out)
    return figures


def _heard(job: tuple[str, int]) -> tuple[str, str]:
    """(what was said, what PocketSphinx heard) for one article's recording."""
    text, rate = Path(job[0]), job[1]
    return _words(text.read_text()), _words(_transcribe(text.with_suffix(".pcm"), rate))


def _wer(figures: dict[str, object]) -> tuple[float, int]:
    """The word error rate over every article, transcribed two at a time (PocketSphinx uses one core)."""
    import jiwer

    jobs = [(str(t), int(str(figures["rate"]))) for t in sorted(Path(str(figures["folder"])).glob("*.txt"))]
    with ProcessPoolExecutor(max_workers=2) as pool:
        pairs = list(pool.map(_heard, jobs))
    references, transcripts = [r for r, _ in pairs], [h for _, h in pairs]
    return jiwer.wer(references, transcripts), sum(len(r.split()) for r in references)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issue", default="1142")
    parser.add_argument("--articles", type=int, default=0, help="only the first N articles (0: all)")
    args = parser.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        rows = {engine: _speak(engine, REPO, args.issue, args.articles, Path(folder)) for engine in ("piper", "espeak-ng")}
        print(f"{'voice':62} {'speech s':>9} {'synth s':>8} {'x real':>7} {'peak MB':>8}")
        for figures in rows.values():
            spoken, seconds = float(str(figures["spoken"])), float(str(figures["seconds"]))
            print(f"{figures['voice']!s:62} {spoken:9.1f} {seconds:8.1f} {spoken / seconds:7.1f} "
                  f"{float(str(figures['peak_mb'])):8.0f}", flush=True)
        print(f"{rows['piper']['articles']} articles; the neural voice loads in {float(str(rows['piper']['load'])):.2f} s",
              flush=True)
        for engine, figures in rows.items():
            wer, words = _wer(figures)
            print(f"word error rate, {engine}: {wer:.3f} over {words} spoken words", flush=True)

if __name__ == "__main__":
    main()
