"""WeasyPrint, imported without the slow lookups of its system libraries.

WeasyPrint asks cffi for each library it uses (Pango, HarfBuzz, fontconfig…) under the names that library
has on every platform, and cffi looks each name that is not a file up with `ctypes.util.find_library`, which
on Linux runs gcc for every name it misses: 22 lookups, 0.18 s of every PDF process's start. Among those names
are the libraries' own file names (libpango-1.0.so.0), which load without any lookup; so while WeasyPrint
imports, a lookup finds nothing. Should that leave a library unloaded (one known only by a name that needs
the lookup), the import is made again the usual way.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import sys
from types import ModuleType


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


weasyprint = _imported()
