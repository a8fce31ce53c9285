"""The cover: drawn from the issue when the manifest names none, the same for the EPUB and the catalog."""

from __future__ import annotations

import dataclasses
import gc
import io
import weakref
from pathlib import Path

from PIL import Image as PILImage

from paperpress.cache import Caches
from paperpress.editions import cover
from paperpress.load import load_config, load_issue
from paperpress.model import Issue
from tests.support import FIXTURES


def _issue(root: Path = FIXTURES / "minimal") -> Issue:
    config = load_config(root).value
    assert config is not None
    found = load_issue(root, config, root / "issues" / "issue-7.yaml").value
    assert found is not None
    return found


def test_a_drawn_cover_is_a_kindle_sized_jpeg_and_the_same_every_time() -> None:
    issue = _issue()
    fit = cover.cover_image(issue)
    assert (fit.media_type, fit.width, fit.height) == ("image/jpeg", cover.WIDTH, cover.HEIGHT)
    with PILImage.open(io.BytesIO(fit.data)) as img:
        assert img.size == (1600, 2560)
    assert cover.cover_image(dataclasses.replace(issue)).data == fit.data  # an equal issue, drawn again


def test_a_manifest_cover_is_normalised_like_a_photo_not_drawn() -> None:
    issue = _issue()
    photo = issue.articles[0].images[0]
    fit = cover.cover_image(dataclasses.replace(issue, cover=photo))
    assert fit.media_type == "image/png" and (fit.width, fit.height) == (photo.width, photo.height)


def test_a_drawn_cover_is_kept_by_the_session_only_while_its_issue_is() -> None:
    issue = dataclasses.replace(_issue(), number=98765)  # no other test holds this issue
    caches = Caches(None)
    assert cover.cover_image(issue, caches) is cover.cover_image(issue, caches)  # drawn once in the session
    alive = weakref.ref(issue)
    del issue
    gc.collect()
    assert alive() is None  # the session held the cover by the issue, not the issue


def test_a_manifest_cover_is_normalised_once_though_the_epub_and_the_catalog_both_ask(monkeypatch) -> None:
    issue = _issue()
    issue = dataclasses.replace(issue, number=98766, cover=issue.articles[0].images[0])
    made = []
    normalise = cover.normalise
    monkeypatch.setattr(cover, "normalise", lambda data, edge: made.append(edge) or normalise(data, edge))
    caches = Caches(None)
    assert cover.cover_image(issue, caches) is cover.cover_image(issue, caches)
    assert made == [cover.HEIGHT]


def test_the_cover_photo_is_the_first_lead_photo() -> None:
    issue = _issue()
    assert cover.cover_photo(issue) is issue.articles[0].images[0]
