"""dist/feed.xml and dist/sitemap.xml: how feed readers and search engines find the issues' web editions.

Built with the catalog from the states in dist/, never by loading issues: each issue's state holds its
articles' headlines, standfirsts, bylines and the paths of their pages and shared photos (catalog_entry),
and only what is on disk is linked. An issue without a web edition has no entries and no pages here.

- feed.xml is Atom (RFC 4287): one entry per article of the newest issues, whole issues only, newest first,
  up to FEED_ENTRIES entries (the newest issue always whole). Its ids come from the publication's
  identifier, the issue and the article's file, so a rebuild or a correction never makes a reader show an
  article twice; `updated` is the issue's build time, reproducible like every edition.
- sitemap.xml (sitemaps.org 0.9) lists the catalog and every web page of every issue. A sitemap takes only
  full addresses, so it is written only when paperpress.yaml gives the `website` dist/ is published at.
"""

from __future__ import annotations

import uuid
from typing import Any

from ..config import Config
from ..editions.site import FRONT, published_url
from ..names import ATOM_NAME, ATOM_TYPE
from ..templates import Layouts

#: A weekly reader polls once or twice between issues: the newest issue whole, and older ones while they fit.
FEED_ENTRIES = 50


def web_of(files: dict[str, dict[str, Any]], articles: list[dict[str, Any]]) -> dict[str, Any] | None:
    """What the catalog and the feeds say of an issue's web edition, or None when it has none on disk.

    `files` are the edition's files on disk by path in the issue's folder; `articles` what catalog_entry
    stored. An article is linked only if its page is there, and its photo only if that is.
    """
    front = files.get(FRONT)
    if front is None:
        return None
    linked = []
    for article in articles:
        page = files.get(article["page"])
        if page is not None:
            photo = files.get(article["photo"]) if article.get("photo") else None
            linked.append(dict(article, href=page["href"], photo=photo))
    pages = [f for path, f in files.items() if path.endswith(".html")]
    return {"front": front, "pages": pages, "articles": linked}


def atom_bytes(
    entries: list[dict[str, Any]], publication: dict[str, Any], updated: str, layouts: Layouts, config: Config
) -> bytes:
    """The Atom feed of the newest issues' articles (`entries` newest first); a valid, empty feed when none has any."""
    items: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for entry in entries:
        articles = (entry.get("web") or {}).get("articles", [])
        if not articles:
            continue
        if items and len(items) + len(articles) > FEED_ENTRIES:
            break
        items += [(entry, article) for article in articles]
    context = {
        "publication": publication,
        "feed_id": "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{publication['identifier']}#articles")),
        "updated": max((entry["updated"] for entry, _ in items), default=updated),
        "items": items,
        "link": _linker(config),
        "atom_type": ATOM_TYPE,
        "feed_name": ATOM_NAME,
    }
    return layouts.render("html", "catalog/feed.xml", context).encode()


def sitemap_bytes(entries: list[dict[str, Any]], layouts: Layouts, config: Config) -> bytes | None:
    """The sitemap of the catalog and every issue's web pages; None without a `website` to give addresses from."""
    if not config.website:
        return None
    urls = [(page["href"], entry["updated"]) for entry in entries if entry.get("web") for page in entry["web"]["pages"]]
    newest = max((entry["updated"] for entry in entries), default=None)
    context = {"urls": [("index.html", newest), *urls], "link": _linker(config)}
    return layouts.render("html", "catalog/sitemap.xml", context).encode()


def _linker(config: Config) -> Any:
    """Links as the web edition's canonical addresses make them: under `website` when it is set, else relative."""

    def link(href: str) -> str:
        return published_url(config.website, href) or href

    return link
