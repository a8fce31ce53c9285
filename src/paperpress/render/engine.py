"""WeasyPrint, imported without the slow lookups of its system libraries.

WeasyPrint asks cffi for each library it uses (Pango, HarfBuzz, fontconfig…) under the names that library
has on every platform, and cffi looks each name that is not a file up with `ctypes.util.find_library`, which
on Linux runs gcc for every name it misses: 22 lookups, 0.18 s of every PDF process's start. Among those names
are the libraries' own file names (libpango-1.0.so.0), which load without any lookup; so while WeasyPrint
imports, a lookup finds nothing. Should that leave a library unloaded (one known only by a name that needs
the lookup), the import is made again the usual way.

And pydyf's list of page references is kept while no page is added: WeasyPrint's PDF/UA tagging asks for
it once per tagged element, and pydyf makes it anew each time (`_kept_page_references`).

Boxes moved after the layout have their backgrounds laid out again where they now are (`relay_backgrounds`).
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import sys
from types import ModuleType
from typing import Any


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


def relay_backgrounds(page_box: Any, box: Any) -> None:
    """Lays out the backgrounds of `box` and of every box under it again, from where they are now.

    WeasyPrint lays a box's background out once, with its page: the painting and positioning areas and the
    clip are kept on `box.background`, apart from the box's position, and `Box.translate` leaves them where
    they were. A house panel moved into a section's gap drew its tint where the store had laid it out,
    behind another article or under the panel (issue 1142, pages 5, 8 and 9). The images the layout fetched
    are reused: nothing is fetched again.
    """
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
        for source, attribute in (("border_image_source", "border_image"), ("mask_border_source", "mask_border_image")):
            kind, url = style[source]
            if kind == "url" and getattr(each, attribute, None) is not None:
                fetched[url] = getattr(each, attribute)
    return fetched


def _descendants(box: Any) -> Any:
    yield box
    for child in box.all_children() if hasattr(box, "all_children") else ():
        yield from _descendants(child)


#: Where a pydyf PDF keeps its page references, with the number of pages they were made for.
_KEPT = "_paperpress_page_references"

weasyprint = _imported()
_kept_page_references()
