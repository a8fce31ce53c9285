"""`python -m paperpress` and the `paperpress` script: the command line (cli/), started as a build wants it."""

from __future__ import annotations

import atexit
import gc
import sys


def main() -> None:
    """Runs the command line, with two things a build waits for taken off its way.

    - A `build`'s PDF process starts first, before the command-line library is even imported
      (run/sidecar.py's `ahead_of_the_command_line`).
    - The command ends without Python's last passes over every object. At exit Python goes over all the
      objects a command made to free those in cycles: 50-90 ms after a build of the sample's editions.
      None of them has anything left to write or remove (the PDF's font files are removed where it is laid
      out, editions/pdf/layout.py), and the process's memory goes back whole; so they are frozen out of those
      passes. Registered first, the freeze is the last of the exit handlers: every other one runs as usual.
    """
    atexit.register(gc.freeze)
    from .run.sidecar import ahead_of_the_command_line, stop_spares

    ahead_of_the_command_line(sys.argv[1:])
    try:
        from .cli import app

        app(prog_name="paperpress")
    finally:
        stop_spares()


if __name__ == "__main__":
    main()
