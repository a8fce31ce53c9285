"""dist/feed.xml and dist/sitemap.xml: how feed readers and search engines find the issues' web editions.

Built with the catalog from the states in dist/, never by loading issues: each issue's state holds its
articles' headlines, standfirsts, bylines and the paths of their pages and shared photos (catalog_entry),
and only what is on disk is linked. An issue without a web edition has no entries and no pages here.

- feed.xml is Atom (RFC 4287): one entry per article of the newest issues, whole issues only, newest first,
  up to FEED_ENTRIES entries (the newest issue always whole); the older ones are in archived documents
  (RFC 5005) in feeds/, which it links. Its ids come from the publication's
  identifier, the issue and the article's file, so a rebuild or a correction never makes a reader show an
  article twice; `updated` is the issue's build time, reproducible like every edition.
- sitemap.xml (sitemaps.org 0.9) is an index of sitemaps in sitemaps/: the catalog's pages, and every web
  page of every issue by year. A sitemap takes only
  full addresses, so it is written only when paperpress.yaml gives the `website` dist/ is published at.
"""

from __future__ import annotations

import uuid
from typing import Any

from ..config import Config
from ..editions.site import FRONT, published_url
from ..names import ATOM_NAME, ATOM_TYPE, FEEDS_FOLDER, SITEMAP_NAME, SITEMAPS_FOLDER
from ..templates import Layouts

#: A weekly reader polls once or twice between issues: the newest issue whole, and older ones while they fit.
FEED_ENTRIES = 50
#: Addresses in one sitemap: a weekly's year of sample-sized issues, about 100 KB.
SITEMAP_URLS = 800


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
) -> dict[str, bytes]:
    """feed.xml, the newest issues' articles (`entries` newest first), and the archived documents before it.

    The archive (RFC 5005 §4) holds every issue with a web edition, oldest first, whole issues cut into
    documents of FEED_ENTRIES articles at most: `feeds/archive-1.xml` the oldest. Only the last, still
    filling, is left out, its issues being in feed.xml; so an archived document never changes once written,
    and a reader follows `prev-archive` from feed.xml back to the first issue. A valid, empty feed when no
    issue has articles online.
    """
    online = [e for e in entries if (e.get("web") or {}).get("articles")]
    items: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for entry in online:
        articles = entry["web"]["articles"]
        if items and len(items) + len(articles) > FEED_ENTRIES:
            break
        items += [(entry, article) for article in articles]
    archived = _archives(list(reversed(online)))[:-1]
    names = [f"{FEEDS_FOLDER}/archive-{n}.xml" for n in range(1, len(archived) + 1)]
    context = {
        "publication": publication,
        "feed_id": _feed_id(publication),
        "atom_type": ATOM_TYPE,
        "feed_name": ATOM_NAME,
    }
    files = {ATOM_NAME: layouts.render("html", "catalog/feed.xml", dict(
        context, items=items, link=_linker(config), archive=None,
        updated=max((entry["updated"] for entry, _ in items), default=updated),
        history={"prev-archive": names[-1]} if names else {},
    )).encode()}
    for n, issues in enumerate(archived):
        shown = [(entry, article) for entry in reversed(issues) for article in entry["web"]["articles"]]
        history = {"current": ATOM_NAME, **({"prev-archive": names[n - 1]} if n else {})}
        files[names[n]] = layouts.render("html", "catalog/feed.xml", dict(
            context, items=shown, link=_linker(config, "../"), archive=names[n], history=history,
            updated=max(entry["updated"] for entry in issues),
        )).encode()
    return files


def _archives(oldest_first: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Whole issues, oldest first, in groups of FEED_ENTRIES articles at most (an issue larger alone)."""
    groups: list[list[dict[str, Any]]] = []
    size = 0
    for entry in oldest_first:
        count = len(entry["web"]["articles"])
        if not groups or size + count > FEED_ENTRIES:
            groups.append([])
            size = 0
        groups[-1].append(entry)
        size += count
    return groups


def sitemap_bytes(
    entries: list[dict[str, Any]], pages: list[str], layouts: Layouts, config: Config
) -> dict[str, bytes] | None:
    """The sitemap index and its sitemaps: the catalog's `pages`, then every issue's web pages by year.

    None without a `website` to give addresses from. A year's sitemap past SITEMAP_URLS is cut in parts
    (`sitemaps/2026.xml`, `sitemaps/2026-2.xml`), far under the protocol's 50,000 addresses and 50 MB.
    """
    if not config.website:
        return None
    link = _linker(config)
    newest = max((entry["updated"] for entry in entries), default=None)
    groups: dict[str, list[tuple[str, str | None]]] = {"catalog": [(page, newest) for page in pages]}
    for entry in entries:
        if entry.get("web"):
            groups.setdefault(entry["date"][:4], []).extend((page["href"], entry["updated"]) for page in entry["web"]["pages"])
    files: dict[str, bytes] = {}
    listed: list[tuple[str, str | None]] = []
    for key, urls in groups.items():
        for n, start in enumerate(range(0, len(urls), SITEMAP_URLS), start=1):
            part = urls[start:start + SITEMAP_URLS]
            name = f"{SITEMAPS_FOLDER}/{key if n == 1 else f'{key}-{n}'}.xml"
            files[name] = layouts.render("html", "catalog/sitemap.xml", {"urls": part, "link": link}).encode()
            listed.append((name, max((u for _, u in part if u), default=None)))
    files[SITEMAP_NAME] = layouts.render("html", "catalog/sitemap-index.xml", {"sitemaps": listed, "link": link}).encode()
    return files


def _feed_id(publication: dict[str, Any]) -> str:
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{publication['identifier']}#articles"))


def _linker(config: Config, root: str = "") -> Any:
    """Links as the web edition's canonical addresses make them: under `website` when it is set, else
    relative, through `root` from the document's folder to dist/."""

    def link(href: str) -> str:
        return published_url(config.website, href) or root + href

    return link
