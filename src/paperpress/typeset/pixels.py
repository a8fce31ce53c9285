"""The decoded-pixel budget: how many bytes of decoded photos one process may hold at a time.

A PNG of 60 megapixels can be a few kilobytes on disk and a quarter of a gigabyte decoded, and photos are
decoded in threads (to check them, and to normalise them for the editions). Every full decode first takes
its size from this budget and waits while others hold it, so a handful of such files cost one frame's
memory at a time instead of one per thread. Knows Pillow's modes, nothing of files or editions.

Pillow allocates frames in blocks; blocks larger than glibc's largest mmap threshold (32 MB) are mapped
and unmapped, so a freed frame goes back to the system instead of staying in one thread's malloc arena
(with the default 16 MB blocks, four 60-megapixel PNGs left an EPUB build holding 1.9 GB).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import Image

#: Decoded bytes one process may hold at once: two full 60-megapixel RGBA frames fit, so one photo can be
#: decoded and converted while nothing else is; a photo bigger than this alone still runs, by itself.
MAX_DECODED_BYTES = 512 * 1024 * 1024

_BLOCK_BYTES = 64 * 1024 * 1024
Image.core.set_block_size(_BLOCK_BYTES)

#: Bytes per pixel of Pillow's modes, as decoded in memory (Pillow pads 3-band modes to 4 bytes).
_BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2, "I;16N": 2, "LA": 4, "La": 4, "PA": 4}


def decoded_bytes(mode: str, size: tuple[int, int]) -> int:
    """The memory a frame of `size` pixels takes once decoded in `mode` (4 bytes a pixel when unsure)."""
    return size[0] * size[1] * _BYTES_PER_PIXEL.get(mode, 4)


class Budget:
    """A counting limit on decoded bytes held across threads; records its peak so tests can check it."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.held = 0
        self.peak = 0
        self._changed = threading.Condition()

    @contextmanager
    def hold(self, size: int) -> Iterator[None]:
        """Waits until `size` bytes fit under the limit (or nothing else is held), holds them for the block."""
        with self._changed:
            self._changed.wait_for(lambda: self.held == 0 or self.held + size <= self.limit)
            self.held += size
            self.peak = max(self.peak, self.held)
        try:
            yield
        finally:
            with self._changed:
                self.held -= size
                self._changed.notify_all()


#: The process's one budget, shared by the loader's checks and the editions' normalising.
BUDGET = Budget(MAX_DECODED_BYTES)
