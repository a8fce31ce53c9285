"""The file an edition makes (`Edition.render`'s result), apart from the contract in base.py so that the
PDF's layout step, which makes one in the sidecar, imports nothing of the model or the templates."""

from __future__ import annotations

from typing import NamedTuple


class Output(NamedTuple):
    """One file an edition makes: its path inside the issue's output folder, media type and bytes."""

    file: str
    media_type: str
    data: bytes
