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
    from paperpress.editions import images as images_module

    made = []
    normalise = images_module.normalise
    monkeypatch.setattr(images_module, "normalise", lambda data, edge: made.append(edge) or normalise(data, edge))
    caches = Caches(None)
    assert cover.cover_image(issue, caches) is cover.cover_image(issue, caches)
    assert made == [cover.HEIGHT]


def test_the_cover_photo_is_the_first_lead_photo() -> None:
    issue = _issue()
    assert cover.cover_photo(issue) is issue.articles[0].images[0]


def test_a_drawn_cover_and_its_thumbnail_are_kept_for_the_next_build(tmp_path: Path, monkeypatch) -> None:
    issue = _issue()
    first_session = Caches(tmp_path)
    first = cover.render_art(issue, first_session)
    first_session.commit()  # as a build does once the issue is written
    made = []
    monkeypatch.setattr(cover, "_draw", lambda issue: made.append("cover") or b"")
    monkeypatch.setattr(cover, "_thumbnail", lambda data: made.append("thumbnail") or b"")
    again = cover.render_art(dataclasses.replace(issue), Caches(tmp_path))  # a new build: a new session, an equal issue
    assert again == first and made == []
    changed = dataclasses.replace(issue, number=issue.number + 1)  # its label says another number
    cover.render_art(changed, Caches(tmp_path))
    assert made == ["cover", "thumbnail"]


def _with_article(issue: Issue, n: int, **changes: object) -> Issue:
    """The issue with its `n`th article (in reading order) changed."""
    target = issue.articles[n]
    sections = tuple(dataclasses.replace(section, articles=tuple(dataclasses.replace(a, **changes) if a is target else a
                                                                  for a in section.articles))
                     for section in issue.sections)
    return dataclasses.replace(issue, sections=sections)


def test_a_cover_is_kept_under_everything_it_is_drawn_from() -> None:
    issue = _issue()
    photo = issue.articles[0].images[0]
    changes = [
        dataclasses.replace(issue, cover_line="Another cover line"),
        dataclasses.replace(issue, number=issue.number + 1),
        dataclasses.replace(issue, date=issue.date.replace(day=issue.date.day % 28 + 1)),
        dataclasses.replace(issue, publication=dataclasses.replace(issue.publication, title="Another Title")),
        dataclasses.replace(issue, sections=(dataclasses.replace(issue.sections[0], title="Another section"), *issue.sections[1:])),
        _with_article(issue, -1, title="Another headline"),
        _with_article(issue, 0, images=(dataclasses.replace(photo, data=photo.data + b"\0"), *issue.articles[0].images[1:])),
    ]
    keys = [cover.drawn_from(issue), *(cover.drawn_from(changed) for changed in changes)]
    assert all(keys.count(key) == 1 for key in keys)
    assert cover.drawn_from(dataclasses.replace(issue)) == keys[0]
