"""The mail tests send from `pub`: the built minimal publication, set to send to the `smtp` server."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def pub(mail_pub: Path) -> Path:
    return mail_pub
