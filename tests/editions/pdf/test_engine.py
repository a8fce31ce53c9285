"""WeasyPrint's import: its libraries loaded by their file names, and the usual way should that fail."""

from __future__ import annotations

import ctypes.util
import subprocess
import sys

from paperpress.editions.pdf import engine

_COUNTED = """
import ctypes.util, sys
asked = []
usual = ctypes.util.find_library
ctypes.util.find_library = lambda name: asked.append(name) or usual(name)
{before}
from paperpress.editions.pdf import engine
assert engine.weasyprint.HTML(string="<p>x</p>").write_pdf().startswith(b"%PDF")
print(len(asked))
"""


def _asked(before: str = "") -> tuple[int, str]:
    """How often the usual find_library was asked while a fresh interpreter imported WeasyPrint, and its output."""
    done = subprocess.run([sys.executable, "-c", _COUNTED.format(before=before)], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    *said, count = done.stdout.split("\n")[:-1]
    return int(count), "\n".join(said)


def test_the_engine_is_weasyprint_and_find_library_is_given_back() -> None:
    assert engine.weasyprint is sys.modules["weasyprint"]
    assert ctypes.util.find_library.__module__ == "ctypes.util"


def test_no_library_is_looked_up_the_slow_way() -> None:
    assert _asked() == (0, "")


_FAILS_ONCE = """
import importlib.abc
class FailsOnce(importlib.abc.MetaPathFinder):
    failed = False
    def find_spec(self, name, path, target=None):
        if name == "weasyprint.text.ffi" and not FailsOnce.failed:
            FailsOnce.failed = True
            print("WeasyPrint could not import some external libraries")  # as WeasyPrint says it
            raise OSError("cannot load library 'libpango-1.0-0'")
sys.meta_path.insert(0, FailsOnce())
"""


def test_an_import_that_fails_without_lookups_is_made_again_the_usual_way_in_silence() -> None:
    count, said = _asked(_FAILS_ONCE)
    assert count > 0  # the usual find_library, the second time
    assert said == ""


def test_pydyf_s_page_references_are_kept_until_a_page_is_added() -> None:
    import pydyf

    pdf = pydyf.PDF()
    for number in range(3):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page", "N": number}))
    first = pdf.page_references
    assert first == tuple(f"{n} 0 R".encode() for n in pdf.pages["Kids"][::3]) and len(first) == 3
    assert pdf.page_references is first  # not made again
    pdf.add_page(pydyf.Dictionary({"Type": "/Page", "N": 3}))
    assert len(pdf.page_references) == 4 and pdf.page_references[:3] == first  # made again for the new page
    assert engine.weasyprint  # imported through the engine, which keeps them
