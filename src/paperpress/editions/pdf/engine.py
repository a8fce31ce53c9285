"""Every touch of WeasyPrint's and pydyf's internals, in one place: the import, and the laid-out pages and
PDF objects that the steps after the layout read and change. Pinned to the releases tested with it
(`VERIFIED`, pyproject.toml); tests/editions/pdf/test_engine.py fails by name when an upgrade takes away what a
hook relies on. Nothing else in paperpress reaches past WeasyPrint's documented API.

WeasyPrint asks cffi for each library it uses (Pango, HarfBuzz, fontconfig…) under the names that library
has on every platform, and cffi looks each name that is not a file up with `ctypes.util.find_library`, which
on Linux runs gcc for every name it misses: 22 lookups, 0.18 s of every PDF process's start. Among those names
are the libraries' own file names (libpango-1.0.so.0), which load without any lookup; so while WeasyPrint
imports, a lookup finds nothing. Should that leave a library unloaded (one known only by a name that needs
the lookup), the import is made again the usual way.

And pydyf's list of page references is kept while no page is added: WeasyPrint's PDF/UA tagging asks for
it once per tagged element, and pydyf makes it anew each time (`_kept_page_references`).

Laid-out boxes (house panels, the contents' page numbers) are read and moved through the functions under
"Laid-out pages and boxes"; a box moved after the layout has its backgrounds laid out again where it is put.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import re
import shutil
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

#: The WeasyPrint releases these hooks were verified against, as pyproject.toml pins them.
VERIFIED = ">=70,<71"
#: The pydyf releases (the PDF objects WeasyPrint writes with) they were verified against.
VERIFIED_PYDYF = ">=0.13,<0.14"


def _imported() -> ModuleType:
    if "weasyprint" not in sys.modules:
        usual = ctypes.util.find_library
        ctypes.util.find_library = lambda name: None
        try:
            with contextlib.redirect_stdout(io.StringIO()):  # its advice on a failed import, for the usual way to give
                import weasyprint
            return weasyprint
        except (OSError, ImportError):
            for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
                del sys.modules[name]
        finally:
            ctypes.util.find_library = usual
    import weasyprint

    return weasyprint


def _kept_page_references() -> None:
    """pydyf's `PDF.page_references` builds a tuple of every page's reference at each call, and WeasyPrint asks
    for one page's from it: 23,800 times at 160 articles, 0.9 s of the PDF's writing, which grows with the
    square of the pages. Pages are only ever appended, so the tuple is kept for as long as their number holds."""
    import pydyf

    usual = getattr(pydyf.PDF, "page_references", None)
    if not isinstance(usual, property) or usual.fget is None:
        return  # another pydyf: left as it is
    made = usual.fget

    def page_references(pdf: Any) -> Any:
        pages = len(pdf.pages["Kids"])
        kept = pdf.__dict__.get(_KEPT)
        if kept is None or kept[0] != pages:
            kept = pdf.__dict__[_KEPT] = (pages, made(pdf))
        return kept[1]

    pydyf.PDF.page_references = property(page_references, doc=usual.__doc__)


# Laid-out pages and boxes. WeasyPrint's formatting structure is not its public API: a page's box tree is
# `Page._page_box`; a box's element, tag, children, position and size are its attributes.


def page_box(page: Any) -> Any:
    """The laid-out page box of one of `Document.pages`."""
    return page._page_box


def children(box: Any) -> Sequence[Any]:
    """A box's children; none for a text box."""
    return getattr(box, "children", ())


def attribute(box: Any, name: str) -> str | None:
    """An attribute of the element the box was made for; None for an anonymous box or a missing attribute."""
    element = box.element
    return None if element is None else element.get(name)


def is_pseudo(box: Any, name: str) -> bool:
    """Whether the box was made for the element's `::name` pseudo-element (`after`, `before`)."""
    return (box.element_tag or "").endswith(f"::{name}")


def text_of(box: Any) -> str:
    """The text a text box draws; empty for any other box."""
    return getattr(box, "text", "")


def rewrite_text(box: Any, text: str) -> None:
    """Makes a laid-out text box draw `text`, in the place and width it was laid out for.

    The box's text is shaped again from its Pango layout when the page is drawn, so both are set."""
    box.text = text
    box.pango_layout.text = text


def border_box(box: Any) -> tuple[float, float, float, float]:
    """x, y, width and height of the box's border box, in CSS pixels."""
    return box.border_box_x(), box.border_box_y(), box.border_width(), box.border_height()


def content_foot(page_box: Any) -> float:
    """The y of the foot of a page's content area, in CSS pixels."""
    return float(page_box.content_box_y() + page_box.height)


def margin(box: Any, side: str) -> float:
    """A box's computed margin on one side in CSS pixels (WeasyPrint computes lengths to px; `auto` is none)."""
    length = box.style[f"margin_{side}"]
    return float(getattr(length, "value", 0) or 0) if getattr(length, "unit", "px") == "px" else 0.0


def move(box: Any, x: float, y: float) -> None:
    """Moves the box and everything in it so its border box starts at (x, y)."""
    box.translate(x - box.border_box_x(), y - box.border_box_y())


def grow(box: Any, by: float) -> None:
    """Makes the box `by` CSS pixels taller, its content area growing at its foot."""
    box.height += by


def place_after(page_box: Any, parent: Any, sibling: Any, box: Any) -> None:
    """Puts a moved box among `parent`'s children after `sibling`, and lays its backgrounds out where it is.

    WeasyPrint lays a box's background out once, with its page: the painting and positioning areas and the
    clip are kept on `box.background`, apart from the box's position, and `Box.translate` leaves them where
    they were. A house panel moved into a section's gap drew its tint where the store had laid it out,
    behind another article or under the panel (issue 1142, pages 5, 8 and 9).
    """
    at = list(parent.children).index(sibling) + 1
    parent.children = [*parent.children[:at], box, *parent.children[at:]]
    relay_backgrounds(page_box, box)


def relay_backgrounds(page_box: Any, box: Any) -> None:
    """Lays out the backgrounds of `box` and of every box under it again, from where they are now.

    The images the layout fetched are reused: nothing is fetched again."""
    from weasyprint.layout.background import layout_box_backgrounds

    fetched = _fetched_images(box)
    layout_box_backgrounds(page_box, box, lambda url, **_: fetched.get(url))


def _fetched_images(box: Any) -> dict[str, Any]:
    """URL → the image WeasyPrint fetched for a background, border image or mask border under `box`."""
    fetched: dict[str, Any] = {}
    for each in _descendants(box):
        style = each.style
        background = getattr(each, "background", None)
        if background is not None:
            for (kind, url), layer in zip(style["background_image"], background.layers, strict=False):
                if kind == "url" and layer.image is not None:
                    fetched[url] = layer.image
        for source, name in (("border_image_source", "border_image"), ("mask_border_source", "mask_border_image")):
            kind, url = style[source]
            if kind == "url" and getattr(each, name, None) is not None:
                fetched[url] = getattr(each, name)
    return fetched


def _descendants(box: Any) -> Any:
    yield box
    for child in box.all_children() if hasattr(box, "all_children") else ():
        yield from _descendants(child)


# pydyf's PDF objects, as WeasyPrint hands them to a `finisher` before they are written.

#: An RGB colour operator as pydyf writes it (`Stream.set_color_rgb`): one item of a stream, "r g b rg".
_RGB = re.compile(rb"(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (rg|RG)")


CMYK = tuple[float, float, float, float]
#: The graphics states `recolour` sets overprint with, by (fill overprints, stroke overprints). Each names both:
#: a state without `op` would take it from `OP` (PDF 32000, 8.4.5), and overprint the fill with the stroke.
OVERPRINT_STATES = {(fill, stroke): f"PPop{int(fill)}{int(stroke)}" for fill in (False, True) for stroke in (False, True)}


def recolour(pdf: Any, cmyk: Callable[[float, float, float], CMYK], overprints: Callable[[CMYK], bool] | None = None) -> int:
    """Sets every RGB fill and stroke colour of every content stream (pages, forms, patterns) in CMYK, as
    `cmyk` gives it for the RGB; returns how many operators it changed. With `overprints`, each colour comes
    with the graphics state (`OVERPRINT_STATES`, added to every resource dictionary) that overprints the
    colours it says so of, and knocks out the others.

    WeasyPrint draws each CSS colour with pydyf's `set_color_rgb`, one operator to an item of the stream's
    list, and saves and restores the graphics state with items `q` and `Q`, so the colours are found and the
    overprint followed without parsing the content, before it is compressed: at 9 pages, 0.01 s. A form
    starts as if nothing overprinted: at worst, black it inherits knocks out."""
    import pydyf

    if overprints is not None:
        for obj in pdf.objects:
            if isinstance(obj, pydyf.Dictionary) and isinstance(obj.get("ExtGState"), pydyf.Dictionary):
                for (fill, stroke), name in OVERPRINT_STATES.items():
                    obj["ExtGState"][name] = pydyf.Dictionary(
                        {"Type": "/ExtGState", "op": _flag(fill), "OP": _flag(stroke), "OPM": 1})
    changed = 0
    for obj in pdf.objects:
        if not isinstance(obj, pydyf.Stream):
            continue
        items = obj.stream
        saved = [(False, False)]  # (fill, stroke) overprint, through q and Q
        for n, item in enumerate(items):
            if item == b"q":
                saved.append(saved[-1])
            elif item == b"Q" and len(saved) > 1:
                saved.pop()
            elif isinstance(item, bytes) and item.endswith((b" rg", b" RG")) and (found := _RGB.fullmatch(item)):
                colour = cmyk(*(float(v) for v in found.groups()[:3]))
                fill = found[4] == b"rg"
                items[n] = b" ".join(_number(v) for v in colour) + (b" k" if fill else b" K")
                if overprints is not None:
                    now, (was_fill, was_stroke) = overprints(colour), saved[-1]
                    saved[-1] = (now, was_stroke) if fill else (was_fill, now)
                    items[n] = f"/{OVERPRINT_STATES[saved[-1]]} gs ".encode() + items[n]
                changed += 1
    return changed


def _flag(value: bool) -> str:
    return "true" if value else "false"  # pydyf writes a bool as a number


def _number(value: float) -> bytes:
    return (f"{value:.4f}".rstrip("0").rstrip(".") or "0").encode()



def rewrite_metadata(pdf: Any, rewrite: Callable[[bytes], bytes], compress: bool = True) -> bool:
    """Passes the bytes of the document's XMP metadata stream through `rewrite`, and leaves the stream
    uncompressed unless `compress`; False when the document has no metadata stream."""
    reference = pdf.catalog.get("Metadata")
    if reference is None:
        return False
    number = reference.split()[0] if isinstance(reference, (bytes, str)) else str(reference).split()[0]
    stream = pdf.objects[int(number)]
    if not compress:
        stream.compress = False
    stream.stream = [rewrite(part) if isinstance(part, bytes) else part for part in stream.stream]
    return True


# Font files

def font_configuration() -> Any:
    """WeasyPrint's font configuration for one render (its documented API), whose files `remove_font_files` removes."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def remove_font_files(fonts: Any) -> None:
    """Removes the folder where a render's `fonts` wrote our font files (2 MB), once its PDF is written.

    WeasyPrint removes it when the configuration is collected (`__del__`), and a layout leaves it in cycles
    that only a full collection frees: in a long-running process (a preview) that comes late, and a
    command's exit does not run one (__main__.py).
    """
    folder = fonts._folder
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
        fonts._folder = None  # its own removal, when it is collected, has nothing left to do


#: Where a pydyf PDF keeps its page references, with the number of pages they were made for.
_KEPT = "_paperpress_page_references"

weasyprint = _imported()
_kept_page_references()
