"""The PDF print edition: the shared HTML templates laid out in newspaper columns by WeasyPrint.

Holds what is PDF-specific in the issue's composition: page setup from `paperpress.yaml`, the
screen/print/archive profiles, where photos go and at what size, what the press is told. The layout itself
is layout.py's step; WeasyPrint is imported only through `editions/pdf/engine.py`, when a PDF is made, so
other editions never pay for it.
"""

from __future__ import annotations

import functools
import math
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ...cache import Caches
from ...errors import PaperpressError, Problem, Severity, nothing_written
from ...model import Article, Block, Image, Issue, Link, Paragraph, Table
from ...model.walk import images, walk
from ...registry import PDF, spec_of
from ...templates import Layouts, publication_file
from ...typeset.breaks import Breaks
from ...typeset.fonts import edition_faces
from ...typeset.geometry import PageSetup, placements
from ..base import BuildInfo, Edition, Output
from ..frame import issue_context
from ..images import Normalised, normalise_kept
from .contents_pages import PLACEHOLDER
from .inks import Inks, is_cmyk_profile, packaged_profile, profile_name
from .layout import IMAGE_SCHEME, Profile, laid_out, write_pdf

#: The resolution a press asks of photos at their printed size. The sample's reached 705 ppi as given: a
#: press gains nothing from more, and every pixel over it was converted to CMYK, embedded and sent.
PRINT_PPI = 300

PROFILES: dict[str, Profile] = {
    "screen": Profile("screen", "pdf/ua-1", 150, False, False, False),
    "print": Profile("print", "pdf/x-4", PRINT_PPI, True, False, False),
    "archive": Profile("archive", "pdf/a-2u", None, False, True, True),
}


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of an article's body: text and photos set in columns, or tables across the page."""

    wide: bool
    blocks: tuple[Block, ...]


def column_runs(blocks: Iterable[Block]) -> list[Run]:
    """Splits the body so tables sit outside the column flow, across the page where their columns fit.

    Photos stay in the flow, drawn at the width of a column, as newspapers set them: a page-wide photo
    leaves the foot of the page to the few lines that follow it. A quotation or a list that holds a table
    goes across the page whole, table and words together.
    """
    runs: list[Run] = []
    for block in blocks:
        wide = any(isinstance(node, Table) for node in walk(block))
        if runs and runs[-1].wide == wide:
            runs[-1] = Run(wide, runs[-1].blocks + (block,))
        else:
            runs.append(Run(wide, (block,)))
    return runs


@dataclass(frozen=True, slots=True)
class Flow:
    """Articles set one after another in a section's one column set, or one article set on its own."""

    shared: bool
    articles: tuple[Article, ...]


def section_flows(articles: Iterable[Article], lead: Article, apart: bool = False) -> list[Flow]:
    """Groups a section's articles into the column sets they share, so short items fill under long ones.

    One column set for a run of articles is laid out and balanced once, not once per article (which both
    left a gap under each article and cost most of the layout time). The lead story keeps its page-wide
    headline and photo, an article with a table keeps its own column runs around it, and when every
    article starts a page (`apart`) none shares.
    """
    flows: list[Flow] = []
    for article in articles:
        shared = not apart and article is not lead and not any(isinstance(node, Table) for node in walk(article))
        if shared and flows and flows[-1].shared:
            flows[-1] = Flow(True, flows[-1].articles + (article,))
        else:
            flows.append(Flow(shared, (article,)))
    return flows


def photos_in_columns(article: Article, issue: Issue) -> bool:
    """Whether an article set on its own draws its front-matter photos at the head of its first column rather
    than across the page: the front page's lead story does, when its body starts with words.

    Across the page, a photo of a usual shape leaves white beside it in a band as tall as itself, and on the
    front page, with the masthead and the contents above it, that band pushed the section's last lines onto
    a page of their own (10 articles on A3: seven pages where six hold them).
    """
    runs = column_runs(article.blocks)
    return article.id == issue.lead_article.id and bool(runs) and not runs[0].wide


def photos_after_intro(article: Article) -> bool:
    """Whether an article draws its photos under its first paragraph rather than under its headline: it does
    when its body opens with a paragraph (the front page's lead excepted, `photos_in_columns`).

    Held to the headline (which keeps with what follows it), the photos made one block of 100-120 mm on A4
    that had to fit a column whole: where less was left under the section before, the article and its
    section moved to the next page and left the rest of this one white (the sample's page 5 carried 44 %
    news), and in a section's last column set such blocks kept WeasyPrint from balancing the columns (two
    full, the third empty). Under the first paragraph, the headline, standfirst and first lines need a few
    centimetres, and the photos take the next room a column has, as a sub-editor runs them. Decided here
    once, for every issue: no article is placed by hand.

    An article set on its own (one with a table) follows the same rule, its photos in its first column set:
    across the page under its headline, a chart made one block of about 150 mm with the headline, which
    left half a page white under the article before (40 articles of the sample's copy: 0.39 news on page 2).
    """
    return bool(article.images) and bool(article.blocks) and isinstance(article.blocks[0], Paragraph)


def link_href(link: Link) -> str:
    """A link's URL in the PDF: its web address, or the anchor of the article or subhead it leads to."""
    if link.target is None:
        return link.href
    return f"#{link.target.anchor or link.target.article}"


class PdfEdition(Edition):
    spec = PDF  # heavy: its layout takes longer than every other edition together

    def render(self, issue: Issue, layouts: Layouts, info: BuildInfo) -> list[Output]:
        return self.compose(issue, layouts, info)()

    def warnings(self, issue: Issue, layouts: Layouts, info: BuildInfo) -> list[Problem]:
        """For the print profile, what the press needs to hear of: `press_warnings`."""
        if _profile(info.options.get("pdf_profile") or info.config.pdf.profile).name != "print":
            return []
        return press_warnings(issue, layouts.root, info.config.pdf)

    def compose(self, issue: Issue, layouts: Layouts, info: BuildInfo) -> Callable[[], list[Output]]:
        """The layout and writing still to do, holding what they need from the issue but not the issue.

        That is the HTML, the section ids and each photo as it is drawn: where the profile downsamples, the
        editor's originals are not among them. The step pickles: the process that lays out the PDF
        (run/sidecar.py) is sent the step, not the issue, and so never holds the 22 MB of originals at 160
        articles that the layout never reads.
        """
        options = info.config.pdf
        apart = options.article_break == "page"  # every article starts a page: none share a column set
        profile = _profile(info.options.get("pdf_profile") or options.profile)
        faces = edition_faces(layouts.root)
        output_profile = press_profile(layouts.root, options.output_profile) if profile.bleed else None
        inks = Inks(output_profile.read_bytes(), options.ink_limit) if output_profile else None
        page = PageSetup.from_options(options, bleed=profile.bleed)
        context = issue_context(issue, info) | {
            "src_of": lambda image: IMAGE_SCHEME + image.id,
            "link_href": link_href,
            "links_hold_text_only": True,
            "breakable": Breaks(issue.publication.language, page.longest_run),
            "headline_level": 2,
            "blank_header_tag": "th",
            "runs": column_runs,
            "house_editions": house_editions(info.config.editions),
            "flows": lambda section: section_flows(section.articles, issue.lead_article, apart),
            "has_photos": lambda nodes: bool(images(nodes)),
            "photos_in_columns": lambda article: photos_in_columns(article, issue),
            "photos_after_intro": photos_after_intro,
            "page": page,
            "contents_placeholder": PLACEHOLDER,
            "profile": profile,
            "article_break": options.article_break,
            "font_faces": faces,
            "output_profile_url": output_profile.as_uri() if output_profile else None,
            "keywords": ", ".join([issue.publication.title, f"issue {issue.number}"] + [s.title for s in issue.sections]),
            "created": info.timestamp.isoformat(timespec="seconds"),
            "generator": f"paperpress {info.versions.get('paperpress', '')}".strip(),
        }
        served = {face.path for face in faces} | ({output_profile} if output_profile else set())
        pdf_options = {
            "pdf_variant": profile.variant,
            "pdf_tags": True,
        }
        across = {image.id for image in _photos_across(issue, apart)}
        sizes = _downsampled(page, issue, profile.dpi, across) if profile.dpi else {}
        drawn = _drawn(images(issue), sizes, info.caches, inks)
        closing = options.article_break == "section"  # sections start pages, so their last pages may have a gap
        html = layouts.render("html", "pdf/issue.html", context | {"house_panels": closing})
        sections = [section.id for section in issue.sections] if closing else []
        # PDF/X-4 metadata gets a random xmpMM:DocumentID; derive it from the issue so two builds are identical.
        document_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{issue.publication.identifier}/{issue.name}/{profile.name}"))
        write = functools.partial(
            write_pdf, html, sections, layouts.folders, drawn, profile, document_id, served, faces, pdf_options, inks
        )
        return functools.partial(laid_out, self.spec.main_file(issue.name), self.spec.media_type, write)


def _photos_across(issue: Issue, apart: bool) -> tuple[Image, ...]:
    """The photos drawn across the page: those over an article set on its own (but the front page's lead,
    `photos_in_columns`, and one that opens with a paragraph, `photos_after_intro`), and in its notes when
    they go across. Every other photo is drawn in a column, and
    needs a third of the pixels."""
    found: list[Image] = []
    for section in issue.sections:
        for flow in section_flows(section.articles, issue.lead_article, apart):
            article = flow.articles[0]
            if not flow.shared:
                in_columns = photos_in_columns(article, issue) or photos_after_intro(article)
                found += [*(() if in_columns else article.images), *images(article.footnotes)]
    return tuple(found)


#: The other editions a house panel names, as a reader knows them; an edition not listed goes by its name.
def house_editions(published: Iterable[str]) -> list[str]:
    """The issue's other editions that the publication makes (paperpress.yaml's `editions`), for the house panel."""
    return [spec_of(name).blurb for name in published if name != PDF.name]


def _downsampled(page: PageSetup, issue: Issue, dpi: int, across: set[str]) -> dict[str, int]:
    """Image id → the longest edge it needs at `dpi` where its role draws it, across the page or in a column
    (the largest, if drawn twice)."""
    sizes: dict[str, int] = {}
    for _, _, image, role in placements(issue):
        sizes[image.id] = max(sizes.get(image.id, 0), page.photo_pixels(image, role, dpi, image.id in across))
    return sizes


def _drawn(photos: Iterable[Image], sizes: dict[str, int], caches: Caches, inks: Inks | None = None) -> dict[str, Normalised]:
    """Image id → the photo as the PDF draws it: shrunk to its size in `sizes`, else the original; for a
    press (`inks`), in its CMYK under its ink limit as well.

    One photo at a time, so no more than one is ever decoded, and not in threads: a thread's freed frames
    stay in its own malloc arena, out of reach of the layout that follows, and a pool raised the peak by a
    tenth. A photo placed twice at one size is shrunk once.
    """
    drawn: dict[str, Normalised] = {}
    shrunk: dict[tuple[str, int], Normalised] = {}
    for image in photos:
        if image.id not in sizes and inks is None:
            drawn[image.id] = Normalised(image.data, image.media_type, image.width, image.height)
            continue
        key = (image.source, sizes.get(image.id, 0))
        try:
            made = shrunk.get(key) or (inks.photo(image.data, key[1], caches) if inks else normalise_kept(image.data, key[1], caches))
            drawn[image.id] = shrunk.setdefault(key, made)
        except (OSError, ValueError) as err:  # Pillow's errors for bytes it cannot decode
            problem = Problem(PurePosixPath(image.source), None, None, f"the photo cannot be read: {err}")
            raise PaperpressError([problem], nothing_written("the PDF edition failed")) from err
    return drawn


def _profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        choices = ", ".join(PROFILES)
        raise PaperpressError([Problem(None, None, "pdf.profile", f"unknown PDF profile '{name}'", f"choose from {choices}")]) from None


def press_profile(root: Path | None, name: str | None) -> Path:
    """The press's CMYK profile: the publication's `pdf.output_profile`, else one an installed package ships."""
    field = "pdf.output_profile"
    if name is None:
        found = packaged_profile()
        if found is None:
            raise PaperpressError([Problem(None, None, field, "the print profile needs the press's CMYK ICC profile",
                                           "give it as pdf.output_profile, or install Ghostscript, which ships one")])
        return found
    if root is None:
        raise PaperpressError([Problem(None, None, field, f"no ICC profile '{name}' in the publication", "give a path inside it")])
    path = publication_file(root, name, PurePosixPath("paperpress.yaml"), field)
    if not is_cmyk_profile(path.read_bytes()):
        raise PaperpressError([Problem(PurePosixPath("paperpress.yaml"), None, field, f"'{name}' is not a CMYK ICC profile",
                                       "ask the press for the profile of its output condition (newsprint, coated…)")])
    return path


#: Below this, a photo at its printed size looks soft on a press.
PRESS_PPI = 200
#: Preflight's own threshold (load/preflight.py's MIN_PRINT_DPI), under which it has named the photo already.
PREFLIGHT_PPI = 150


def press_warnings(issue: Issue, root: Path | None, options: Any) -> list[Problem]:
    """What the print profile tells the editor: which CMYK profile the colours are for when the publication
    names none, and each photo under `PRESS_PPI` at its printed size that preflight has not named already."""
    warnings = []
    if options.output_profile is None:
        path = packaged_profile()
        if path is not None:
            warnings.append(Problem(PurePosixPath("paperpress.yaml"), None, "pdf.output_profile",
                                    f"no press profile given: the print PDF's colours are for '{profile_name(path.read_bytes())}' "
                                    f"({path.name}, installed with Ghostscript), {options.ink_limit} % ink at most",
                                    "give your press's CMYK profile as pdf.output_profile", Severity.WARNING))
    page = PageSetup.from_options(options, bleed=True)
    across = {image.id for image in _photos_across(issue, options.article_break == "page")}
    seen = set()
    for article, where, image, role in placements(issue):
        width = page.drawn_width(image, role, image.id in across)
        ppi = image.width / (width / 25.4)
        if PREFLIGHT_PPI <= ppi < PRESS_PPI and (image.id, where) not in seen:
            seen.add((image.id, where))
            warnings.append(Problem(PurePosixPath(article.source), None, where,
                                    f"'{image.source}' is {image.width} px wide: {ppi:.0f} ppi when printed {width:.0f} mm wide",
                                    f"use a photo at least {math.ceil(width / 25.4 * PRESS_PPI)} px wide for the press",
                                    Severity.WARNING))
    return warnings
