"""The web edition's own fonts: the PDF's faces, cut down to the characters the issue uses, as WOFF2.

Pages may ask no other host for anything, so the site serves its fonts itself, made with fontTools from the
same files the PDF edition uses (`fonts.packaged_faces` and the publication's `fonts/`). Each face keeps
only the glyphs of the issue's words and the masthead, and of `ALWAYS` (the templates' own words, European
Latin letters, punctuation), which turns 80–290 kB TrueType files into WOFF2 files of about 20 kB.

Source Serif and Source Sans carry the Reserved Font Name "Source" (SIL Open Font License): a subset is a
Modified Version, which may not use that name. So every face is renamed (`BODY_FAMILY`, `SANS_FAMILY`, and
`Paperpress Extra N` for the publication's own families, whose licences we cannot read), and the fields
the licence asks to keep travel with it: the copyright, trademark, vendor, designer, licence and its URL.

The bytes depend only on the font file, the characters it has of those asked for, and the fontTools
version: the `head` table keeps the original's dates, and brotli is deterministic. Subsetting is slow
(about half a second a face), so results are kept in the publication's cache, keyed by a digest of exactly
those inputs.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ...cache import Caches
from ...model import Article, Code, CodeBlock, Image, Issue, Link, Section, Text
from ...model.walk import walk
from ...typeset.fonts import FontFace, edition_faces
from ..frame import credit_line, masthead
from ..site import ASSETS, relative

#: The stylesheet that holds these rules: every `src: url(...)` is relative to it.
STYLESHEET = f"{ASSETS}/site.css"
#: The family of the body text and headlines (Source Serif Pro, renamed: see the module's docstring).
BODY_FAMILY = "Paperpress Serif"
#: The family of bylines, captions, labels and code (Source Sans Pro, renamed).
SANS_FAMILY = "Paperpress Sans"
#: The packaged families, and the web family and file-name stem each becomes.
_RENAMED = {"Source Serif Pro": (BODY_FAMILY, "serif"), "Source Sans Pro": (SANS_FAMILY, "sans")}
#: What the weights are called in file names and in the renamed fonts' style names.
_WEIGHT_NAMES = {100: "thin", 200: "extralight", 300: "light", 400: "regular", 500: "medium", 600: "semibold",
                 700: "bold", 800: "extrabold", 900: "black"}
#: Always kept, whatever the issue says: what the templates write themselves (labels, arrows, dates, links),
#: the letters of the European languages written in Latin script (Latin-1 and Latin Extended-A: the names a
#: local paper quotes), and common punctuation. Most issues use nothing beyond it, so their character sets,
#: and so their cache keys, are the same: the fonts are cut once for every such issue, not once per issue.
ALWAYS = frozenset(
    [*range(0x20, 0x7F), *range(0xA0, 0x180), *range(0x2010, 0x2028), *range(0x2030, 0x203B), 0x2044, 0x20AC,
     0x2122, 0x2190, 0x2191, 0x2192, 0x2193, 0x2212]
)
#: name-table records kept from the original: copyright, trademark, vendor, designer, description, vendor
#: and designer URLs, licence and licence URL (the OFL asks that the copyright and licence travel with it).
_KEPT_NAMES = (0, 5, 7, 8, 9, 10, 11, 12, 13, 14)
#: OpenType features kept beyond fontTools' defaults: numerals for tables and dates, and capital forms.
_FEATURES = ("lnum", "onum", "pnum", "tnum", "case")
#: Part of the cache key: change it whenever what is done to a font changes.
_RECIPE = f"woff2 1; names {_KEPT_NAMES}; features {_FEATURES}"
CACHE = "webfonts"


@dataclass(frozen=True, slots=True)
class WebFace:
    """One @font-face of the site: its CSS descriptors and its file in the issue's output folder."""

    family: str
    weight: int
    style: str  # "normal" or "italic"
    file: str  # "web/assets/serif-regular.woff2"


@dataclass(frozen=True, slots=True)
class WebFonts:
    """The site's font files and the @font-face rules that go at the top of `STYLESHEET`.

    `body_stack` and `sans_stack` are the `font-family` values to use: the renamed family first, then the
    publication's own families (for characters ours lack), then the generic family.
    """

    files: tuple[tuple[str, bytes], ...]  # (path relative to the issue's output folder, WOFF2 bytes)
    css: str
    faces: tuple[WebFace, ...]
    extra_families: tuple[str, ...] = ()

    @property
    def body_stack(self) -> str:
        return _stack(BODY_FAMILY, self.extra_families, "serif")

    @property
    def sans_stack(self) -> str:
        return _stack(SANS_FAMILY, self.extra_families, "sans-serif")


def web_fonts(issue: Issue, root: Path | None, caches: Caches | None = None, also: Iterable[str] = ()) -> WebFonts:
    """Every face the PDF may use, subset to `issue_characters(issue)`, with its @font-face rule.

    `also` is further text the pages show that the issue does not hold (the previous issue's section titles
    in "Related" links). A face from the publication's `fonts/` with the family, weight and style of a
    packaged one replaces it, as its later rule does in the PDF. `caches` (the build's) keeps each cut face.
    """
    chars = issue_characters(issue, also)
    caches = caches or Caches(None)
    chosen = _web_faces(edition_faces(root))
    files = tuple((face.file, _subset_cached(source, face, chars, caches)) for face, source in chosen)
    faces = tuple(face for face, _ in chosen)
    extras = tuple(dict.fromkeys(f.family for f in faces if f.family not in (BODY_FAMILY, SANS_FAMILY)))
    return WebFonts(files, "".join(_rule(face) for face in faces), faces, extras)


def issue_characters(issue: Issue, also: Iterable[str] = ()) -> frozenset[int]:
    """Every code point the issue's pages may show: its words, the masthead, captions, credits, alt text
    (shown where a photo cannot load) and link addresses (printed after links), in upper and lower case (a
    stylesheet may change case), with `also` and ALWAYS."""
    head = masthead(issue)
    found: list[str] = [*also, head.title, head.subtitle or "", head.issue_label, head.date_text, head.website_text or "",
                        head.cover_line or "", issue.publication.publisher or ""]
    for node in walk(issue):
        if isinstance(node, (Text, Code, CodeBlock)):
            found.append(node.text)
        elif isinstance(node, Section):
            found.append(node.title)
        elif isinstance(node, Article):
            found += [node.title, node.byline or "", node.standfirst or ""]
        elif isinstance(node, Image):
            found += [node.alt, node.caption or "", credit_line(node)]
        elif isinstance(node, Link):
            found.append(node.href)
    text = "".join(found)
    return ALWAYS | {ord(c) for c in text + text.upper() + text.lower()}


def _web_faces(faces: tuple[FontFace, ...]) -> list[tuple[WebFace, FontFace]]:
    """Each face under its web family and file name; a later face with the same descriptors replaces one."""
    others = sorted({f.family for f in faces if f.family not in _RENAMED})
    chosen: dict[tuple[str, int, str], tuple[WebFace, FontFace]] = {}
    for face in faces:
        family, stem = _RENAMED.get(face.family) or (f"Paperpress Extra {others.index(face.family) + 1}",
                                                     f"extra-{others.index(face.family) + 1}")
        name = _style_name(face.weight, face.style)
        web = WebFace(family, face.weight, face.style, f"{ASSETS}/{stem}-{name.lower().replace(' ', '-')}.woff2")
        chosen.pop((family, face.weight, face.style), None)
        chosen[(family, face.weight, face.style)] = (web, face)
    return list(chosen.values())


def _style_name(weight: int, style: str) -> str:
    """"Regular", "Bold Italic", "Semibold": how a face is called in its file name and its name table."""
    name = _WEIGHT_NAMES.get(round(weight / 100) * 100, "regular").capitalize()
    if style == "italic":
        return "Italic" if name == "Regular" else f"{name} Italic"
    return name


def _rule(face: WebFace) -> str:
    url = relative(STYLESHEET, face.file)
    return (f'@font-face {{ font-family: "{face.family}"; font-weight: {face.weight}; font-style: {face.style}; '
            f'font-display: swap; src: url("{url}") format("woff2"); }}\n')


def _stack(first: str, extras: tuple[str, ...], generic: str) -> str:
    return ", ".join([f'"{first}"', *(f'"{name}"' for name in extras), generic])


def _subset_cached(source: FontFace, face: WebFace, chars: frozenset[int], caches: Caches) -> bytes:
    """The WOFF2 of one face: from the cache when the same file was cut to the same characters before."""
    data = source.path.read_bytes()
    drawn = chars & source.characters  # what the face cannot draw changes nothing, so it is not in the key
    return caches.cached(CACHE, f"{_key(data, face, drawn)}.woff2", lambda: subset(data, face, drawn))


def _key(data: bytes, face: WebFace, chars: frozenset[int]) -> str:
    from fontTools import version

    digest = hashlib.sha256(data)
    digest.update(f"\n{face.family}\n{face.weight}\n{face.style}\nfontTools {version}\n{_RECIPE}\n".encode())
    digest.update(",".join(map(str, sorted(chars))).encode())
    return digest.hexdigest()


def subset(data: bytes, face: WebFace, chars: frozenset[int]) -> bytes:
    """One font file cut to `chars`, renamed to `face.family`, as WOFF2; the same inputs give the same bytes."""
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    options = ft_subset.Options()
    options.flavor = "woff2"
    options.layout_features = [*options.layout_features, *_FEATURES]
    options.name_IDs = list(_KEPT_NAMES)
    options.name_languages = [0x0409]  # the English records every browser and tool reads
    options.notdef_outline = True  # a character the face lacks after all shows as a box, not nothing
    with TTFont(io.BytesIO(data), recalcTimestamp=False) as font:  # keep `head.modified`: no build time inside
        available = set(font.getBestCmap() or {})
        subsetter = ft_subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(chars & available))
        subsetter.subset(font)
        _rename(font, face)
        out = io.BytesIO()
        font.flavor = "woff2"
        font.save(out, reorderTables=False)
    return out.getvalue()


def _rename(font: object, face: WebFace) -> None:
    """Sets the family, style, full and PostScript names to the web family's (the licence's own fields stay)."""
    table = font["name"]  # type: ignore[index]
    style = _style_name(face.weight, face.style)
    ribbi = style in ("Regular", "Italic", "Bold", "Bold Italic")
    legacy_family = face.family if ribbi else f"{face.family} {style.removesuffix(' Italic')}"
    legacy_style = style if ribbi else ("Italic" if face.style == "italic" else "Regular")
    postscript = f"{face.family}-{style}".replace(" ", "")
    for record_id in (1, 2, 3, 4, 6, 16, 17):
        table.removeNames(nameID=record_id)
    records = {1: legacy_family, 2: legacy_style, 3: f"{postscript};paperpress web subset", 4: f"{face.family} {style}",
               6: postscript}
    if not ribbi:
        records |= {16: face.family, 17: style}
    for record_id, value in records.items():
        table.setName(value, record_id, 3, 1, 0x409)

