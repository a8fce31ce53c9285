"""The fonts a PDF may use: Source Serif and Source Sans from their Python packages, plus the publication's `fonts/`.

Every face becomes an @font-face rule whose file URL the PDF edition's fetcher serves; nothing here asks the
system for fonts, and `foreign_fonts` names any face the layout engine took from elsewhere so the build fails.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..layouts import publication_file

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


@dataclass(frozen=True, slots=True)
class FontFace:
    """One font file as CSS sees it."""

    family: str
    weight: int
    style: str  # "normal" or "italic"
    path: Path

    @property
    def url(self) -> str:
        return self.path.as_uri()


def packaged_faces() -> tuple[FontFace, ...]:
    """The default faces, from the installed font packages (an open font licence; no font file in our repo)."""
    import importlib

    faces = []
    for package, key, family, weight, italic in _PACKAGED:
        files = importlib.import_module(package).font_files_ttf
        faces.append(FontFace(family, weight, "italic" if italic else "normal", Path(files[key]).resolve()))
    return tuple(faces)


def publication_faces(root: Path | None) -> tuple[FontFace, ...]:
    """Every font file in the publication's `fonts/` folder, described by its own name and OS/2 tables."""
    folder = root / "fonts" if root is not None else None
    if folder is None or not folder.is_dir():
        return ()
    from fontTools.ttLib import TTFont

    faces = []
    for found in sorted(p for p in folder.rglob("*") if p.suffix.lower() in _SUFFIXES and (p.is_file() or p.is_symlink())):
        assert root is not None
        written = found.relative_to(root).as_posix()
        path = publication_file(root, written, PurePosixPath(written))
        with TTFont(str(path), lazy=True) as font:
            names = font["name"]
            family = names.getDebugName(16) or names.getDebugName(1) or path.stem
            os2 = font.get("OS/2")
            weight = int(os2.usWeightClass) if os2 is not None else 400
            italic = bool(os2.fsSelection & 1) if os2 is not None else "italic" in path.stem.lower()
        faces.append(FontFace(family, weight, "italic" if italic else "normal", path))
    return tuple(faces)


def foreign_fonts(used: Iterable[str], faces: Iterable[FontFace]) -> list[str]:
    """Families the layout engine embedded that none of our faces provide (a system font fell in)."""
    ours = {face.family.casefold() for face in faces}
    return sorted({name for name in used if name.casefold() not in ours})
