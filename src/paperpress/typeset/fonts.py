"""The fonts a PDF may use, and the characters they can draw: Source Serif and Source Sans from their Python
packages, plus the publication's `fonts/`.

Every face becomes an @font-face rule whose file URL the PDF edition's fetcher serves; nothing here asks the
system for fonts, and `foreign_fonts` names any face the layout engine took from elsewhere so the build fails.
It sits outside `render` because preflight, which knows no editions, refuses text these faces cannot draw
before any edition is made, from the same list of faces the PDF edition serves.
"""

from __future__ import annotations

import functools
import io
import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..cache import Learnt, cache_folder, key_of, read_entry
from ..errors import Problem, Severity
from ..paths import resolve_inside

#: (package, file key in its `font_files_ttf`, family, weight, italic): the faces the default layout uses.
_PACKAGED = (
    ("font_source_serif_pro", "SourceSerifPro", "Source Serif Pro", 400, False),
    ("font_source_serif_pro", "SourceSerifProIt", "Source Serif Pro", 400, True),
    ("font_source_serif_pro", "SourceSerifProSemibold", "Source Serif Pro", 600, False),
    ("font_source_serif_pro", "SourceSerifProBold", "Source Serif Pro", 700, False),
    ("font_source_serif_pro", "SourceSerifProBoldIt", "Source Serif Pro", 700, True),
    ("font_source_serif_pro", "SourceSerifProBlack", "Source Serif Pro", 900, False),
    ("font_source_sans_pro", "SourceSansPro", "Source Sans Pro", 400, False),
    ("font_source_sans_pro", "SourceSansProIt", "Source Sans Pro", 400, True),
    ("font_source_sans_pro", "SourceSansProSemibold", "Source Sans Pro", 600, False),
    ("font_source_sans_pro", "SourceSansProBold", "Source Sans Pro", 700, False),
    ("font_source_sans_pro", "SourceSansProBlack", "Source Sans Pro", 900, False),
)

_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2")
#: The cache folder (`cache.cache_folder`) that keeps what each font file says of itself between runs.
FONT_TABLES = "fonts"
_LAST = 0x10FFFF  # the last code point
#: Characters that take no glyph of their own: spaces, controls, and the invisible format characters (joiners,
#: direction marks, soft hyphens, variation selectors) that the layout engine applies rather than draws.
_NOT_DRAWN = {"Zs", "Zl", "Zp", "Cc", "Cf"}
#: The default-ignorable marks outside those categories: variation selectors, the grapheme joiner, fillers.
_IGNORABLE = ((0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x3164, 0x3164),
              (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0xE0100, 0xE01EF))


@dataclass(frozen=True, slots=True)
class FontFace:
    """One font file as CSS sees it, with the code points its cmap maps to glyphs."""

    family: str
    weight: int
    style: str  # "normal" or "italic"
    path: Path
    characters: frozenset[int] = frozenset()

    @property
    def url(self) -> str:
        return self.path.as_uri()


@dataclass(frozen=True, slots=True)
class _Read:
    """What one font file says of itself; cached on (path, size, mtime), so a worker reads each file once,
    and in a cache folder under the file's content hash, so a new process need not parse it (nor import fontTools)."""

    family: str | None
    weight: int | None
    italic: bool | None
    characters: frozenset[int]


def packaged_font(family: str, weight: int = 400, italic: bool = False) -> Path:
    """The installed file of one default face ("Source Serif Pro", 700): for the PDF and the drawn cover alike."""
    import importlib

    for package, key, name, face_weight, face_italic in _PACKAGED:
        if (name, face_weight, face_italic) == (family, weight, italic):
            return Path(importlib.import_module(package).font_files_ttf[key]).resolve()
    raise KeyError(f"no packaged face {family} {weight}{' italic' if italic else ''}")


def packaged_faces(cache: Path | None = None, learnt: Learnt | None = None) -> tuple[FontFace, ...]:
    """The default faces, from the installed font packages (an open font licence; no font file in our repo).

    `cache` is a folder that keeps what each font file says between runs (`cache.cache_folder`); what it
    did not know joins `learnt`.
    """
    faces = []
    for _, _, family, weight, italic in _PACKAGED:
        path = packaged_font(family, weight, italic)
        read = _read_cached(path, cache, learnt)
        faces.append(FontFace(family, weight, "italic" if italic else "normal", path, read.characters))
    return tuple(faces)


def edition_faces(root: Path | None) -> tuple[FontFace, ...]:
    """The faces an edition sets type with: the packaged ones, then those in the publication's `fonts/` that
    can be read, their tables from the cache that loading the issue has just filled (none parsed again)."""
    cache = cache_folder(root, FONT_TABLES) if root is not None else None
    return packaged_faces(cache) + publication_fonts(root, cache)[0]


def publication_fonts(
    root: Path | None, cache: Path | None = None, learnt: Learnt | None = None
) -> tuple[tuple[FontFace, ...], tuple[Problem, ...]]:
    """The faces in `fonts/`, and a warning for each font file that cannot be read (it is left out).

    Other files (a licence, a README) are not fonts and are passed over in silence. `cache` as for
    `packaged_faces`.
    """
    folder = root / "fonts" if root is not None else None
    if root is None or folder is None or not folder.is_dir():
        return (), ()
    faces, problems = [], []
    for found in sorted(p for p in folder.rglob("*") if p.suffix.lower() in _SUFFIXES and (p.is_file() or p.is_symlink())):
        file = PurePosixPath(found.relative_to(root).as_posix())
        path, message, hint = resolve_inside(root, root, str(file))  # a font linked from outside is refused
        if path is None:
            problems.append(Problem(file, None, None, message or "cannot use this path", hint))
            continue
        try:
            read = _read_cached(path, cache, learnt)
        except _Unreadable as err:
            problems.append(
                Problem(file, None, None, f"not a font that can be used: {err}",
                        "replace it with a complete .ttf, .otf, .woff or .woff2 file, or remove it; the PDF leaves it out",
                        Severity.WARNING)
            )
            continue
        style = "italic" if (read.italic if read.italic is not None else "italic" in path.stem.lower()) else "normal"
        faces.append(FontFace(read.family or path.stem, read.weight or 400, style, path, read.characters))
    return tuple(faces), tuple(problems)


def foreign_fonts(used: Iterable[str], faces: Iterable[FontFace]) -> list[str]:
    """Families the layout engine embedded that none of our faces provide (a system font fell in)."""
    ours = {face.family.casefold() for face in faces}
    return sorted({name for name in used if name.casefold() not in ours})


def undrawable(text: str, faces: Iterable[FontFace]) -> list[str]:
    """The characters of `text` that no face can draw, in order of first appearance.

    Each character is looked up as it is written, because that is how the layout engine picks a font for it:
    a letter and its accent typed as one character (U+022E) that no face has is set in a system font, even
    though every face has the letter and the accent (O, U+0307); typed as those two, it is set in ours.
    """
    covered: frozenset[int] = frozenset().union(*(face.characters for face in faces))
    missing = [char for char in set(text) if ord(char) not in covered and not _invisible(char)]
    return sorted(missing, key=text.index)  # each character once (a set is made three times faster than an ordered dict)


def as_parts(char: str, faces: Iterable[FontFace]) -> str | None:
    """`char` as its letter and combining accents, where it has them and the faces draw every one (the spelling
    the layout engine sets in our fonts), else None."""
    parts = unicodedata.normalize("NFD", char)
    return parts if len(parts) > 1 and not undrawable(parts, faces) else None


def describe(chars: Iterable[str], most: int = 8) -> str:
    """"U+1F389 🎉, U+1230 ሰ and 3 more": code points for the editor to search for, the character beside each."""
    chars = list(chars)
    shown = [f"U+{ord(c):04X} {c}" if c.isprintable() and not unicodedata.combining(c) else f"U+{ord(c):04X}"
             for c in chars[:most]]
    if len(chars) > most:
        return ", ".join(shown) + f" and {len(chars) - most} more"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _invisible(char: str) -> bool:
    code = ord(char)
    return unicodedata.category(char) in _NOT_DRAWN or any(low <= code <= high for low, high in _IGNORABLE)


class _Unreadable(Exception):
    """A font file fontTools cannot read, or one cut short."""


def _read_cached(path: Path, cache: Path | None = None, learnt: Learnt | None = None) -> _Read:
    stat = path.stat()
    read, new_key = _read(path, stat.st_size, stat.st_mtime_ns, cache)
    if new_key is not None and cache is not None and learnt is not None:
        learnt.add(cache, new_key, _entry(read))
    return read


@functools.lru_cache(maxsize=512)
def _read(path: Path, size: int, mtime_ns: int, cache: Path | None = None) -> tuple[_Read, str | None]:
    """Family, weight, slant and cmap of one font file (size and mtime are in the key so a change is seen),
    from `cache` when a build read these bytes before with this fontTools, else parsed, with the key to keep
    it under. A file that cannot be read is never kept, so it is reported every time."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise _Unreadable(err.strerror or str(err)) from None
    key = key_of("font", _fonttools_version(), data)
    kept = _from_entry(read_entry(cache, key)) if cache is not None else None
    if kept is not None:
        return kept, None
    return _parse(data, len(data)), key


@functools.cache
def _fonttools_version() -> str:
    import fontTools  # the package alone, without the table readers

    return str(fontTools.version)


def _entry(read: _Read) -> bytes:
    """A cache entry: the names, and the characters as runs of consecutive code points."""
    runs: list[list[int]] = []
    for code in sorted(read.characters):
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return json.dumps({"family": read.family, "weight": read.weight, "italic": read.italic, "runs": runs}).encode()


def _from_entry(data: bytes | None) -> _Read | None:
    """The `_Read` an entry holds, or None when it holds none that makes sense (then the font is read again)."""
    if data is None:
        return None
    try:
        raw = json.loads(data)
        family, weight, italic, runs = raw["family"], raw["weight"], raw["italic"], raw["runs"]
        if not all(isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= _LAST for start, end in runs):
            return None
    except (ValueError, KeyError, TypeError):
        return None
    characters = frozenset(code for start, end in runs for code in range(start, end + 1))
    if not characters or not isinstance(family, str | None) or not isinstance(weight, int | None):
        return None
    if not isinstance(italic, bool | None):
        return None
    return _Read(family, weight, italic, characters)


def _parse(data: bytes, size: int) -> _Read:
    """What fontTools reads in the file's tables."""
    from fontTools.ttLib import TTFont

    try:
        with TTFont(io.BytesIO(data), lazy=True) as font:
            reader = font.reader
            short = [tag for tag in reader.tables if _ends_past(reader, tag, size)]
            if short:
                raise _Unreadable(f"the file is cut short ({len(short)} of its tables run past its end)")
            names = font.get("name")
            family = (names.getDebugName(16) or names.getDebugName(1)) if names is not None else None
            os2 = font.get("OS/2")
            cmap = font.getBestCmap() if "cmap" in font else None
            if not cmap:
                raise _Unreadable("it maps no characters to glyphs (no Unicode cmap table)")
            return _Read(
                family,
                int(os2.usWeightClass) if os2 is not None else None,
                bool(os2.fsSelection & 1) if os2 is not None else None,
                frozenset(cmap),
            )
    except _Unreadable:
        raise
    except Exception as err:  # fontTools raises many kinds (TTLibError, struct.error, KeyError…) on damaged bytes
        raise _Unreadable(str(err) or type(err).__name__) from None


def _ends_past(reader: object, tag: str, size: int) -> bool:
    """Whether a table of a plain TrueType/OpenType file claims bytes beyond the end of the file."""
    entry = getattr(reader, "tables", {}).get(tag)
    offset, length = getattr(entry, "offset", None), getattr(entry, "length", None)
    flavor = getattr(reader, "flavor", None)
    return flavor is None and offset is not None and length is not None and offset + length > size
