"""The schema and defaults of `paperpress.yaml`, declared as frozen dataclasses.

Each field is an option: its type, its default and a `doc` line that the loader quotes when the option is
missing or wrong. Knows nothing of YAML or files; `load.schema` checks data against these declarations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .registry import EDITIONS, default_editions

_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def _language(value: str) -> str | None:
    if _LANG.match(value):
        return None
    return f"'{value}' is not a language tag | use a BCP 47 tag such as en, en-GB, fr, pt-BR"


def positive(value: int) -> str | None:
    """Shared check for issue numbers and other counts."""
    return None if value > 0 else "must be a positive whole number"


#: The default time one issue may take to load and render, so one pathological issue cannot hang an archive run.
TIME_LIMIT = 900.0


@dataclass(frozen=True, slots=True)
class TextOptions:
    """The plain-text edition."""

    width: int = field(default=72, metadata={"doc": "columns to wrap at", "min": 40, "max": 200})


@dataclass(frozen=True, slots=True)
class EpubOptions:
    """The EPUB edition."""

    image_max_edge: int = field(
        default=1600, metadata={"doc": "longest edge of a photo, in pixels", "min": 320, "max": 4096}
    )


#: Named page sizes in millimetres (width, height), portrait.
PAGE_SIZES: dict[str, tuple[float, float]] = {
    "A3": (297.0, 420.0),
    "A4": (210.0, 297.0),
    "A5": (148.0, 210.0),
    "letter": (215.9, 279.4),
    "tabloid": (279.4, 431.8),
}


def page_size_mm(value: str) -> tuple[float, float] | None:
    """(width, height) in mm for a named size (any letter case) or 'W H' in mm; None when unreadable."""
    for name, size in PAGE_SIZES.items():
        if value.strip().lower() == name.lower():
            return size
    parts = value.replace("x", " ").replace("mm", " ").split()
    try:
        width, height = (float(p) for p in parts)
    except ValueError:
        return None
    return (width, height) if 50 <= width <= 1000 and 50 <= height <= 1000 else None


def _page_size(value: str) -> str | None:
    if page_size_mm(value) is not None:
        return None
    return f"'{value}' is not a page size | use A4, A3, A5, letter, tabloid, or width and height in mm: '250 350'"


@dataclass(frozen=True, slots=True)
class PdfOptions:
    """The PDF print edition."""

    page_size: str = field(
        default="A4", metadata={"doc": "A4, A3, A5, letter, tabloid, or 'W H' in mm", "check": _page_size}
    )
    columns: int = field(default=3, metadata={"doc": "text columns on a page", "min": 1, "max": 6})
    font_size: float = field(default=9.5, metadata={"doc": "body text size in points", "min": 6, "max": 16})
    margin: float = field(default=14.0, metadata={"doc": "page margin in mm", "min": 5, "max": 50})
    profile: str = field(
        default="screen",
        metadata={
            "doc": "screen (tagged PDF/UA-1, smaller photos), print (bleed, crop marks, PDF/X-4) or archive (PDF/A-2u)",
            "choices": ("screen", "print", "archive"),
        },
    )
    article_break: str = field(
        default="section",
        metadata={
            "doc": "start each section on a new page (or under the one before, where a third of a page is left) "
            "with its articles following each other, "
            "start every article on a new page, or let everything flow",
            "choices": ("section", "page", "flow"),
        },
    )
    bleed: float = field(default=3.0, metadata={"doc": "bleed in mm (print profile)", "min": 0, "max": 10})
    output_profile: str | None = field(
        default=None,
        metadata={
            "doc": "the press's CMYK ICC profile (a file in the publication, e.g. 'profiles/newsprint.icc'): the "
            "print profile's colours and its PDF/X output intent; without it, a CMYK profile an installed package ships"
        },
    )
    ink_limit: int = field(
        default=240,
        metadata={"doc": "total ink (C+M+Y+K) the press takes on one spot, in percent (print profile)", "min": 150, "max": 400},
    )


#: The editions a plain `paperpress build` makes: audio is left out because synthesis is slow.
DEFAULT_EDITIONS = default_editions()


def _editions(value: tuple[str, ...]) -> str | None:
    unknown = [name for name in value if name not in EDITIONS]
    if unknown:
        return f"unknown edition '{unknown[0]}' | choose from " + ", ".join(EDITIONS)
    return None


@dataclass(frozen=True, slots=True)
class AudioOptions:
    """The audio edition: which voice reads, how fast and how high."""

    engine: str = field(
        default="auto",
        metadata={
            "doc": "who reads: auto (the neural voice of the `voice` extra for an English publication where it is "
            "installed, else eSpeak NG), piper (that neural voice, or an error naming what to install) or espeak-ng",
            "choices": ("auto", "piper", "espeak-ng"),
        },
    )
    voice: str | None = field(
        default=None,
        metadata={"doc": "an eSpeak NG voice such as en-gb or fr (default: the publication's language); "
                         "naming one chooses eSpeak NG"},
    )
    model: str | None = field(
        default=None,
        metadata={
            "doc": "a neural voice model file in the publication (a Piper '.onnx' voice, e.g. 'voices/en_GB-alan.onnx'); "
            "used instead of eSpeak NG when its engine is installed",
        },
    )
    speed: int = field(default=165, metadata={"doc": "words per minute", "min": 80, "max": 450})
    pitch: int = field(default=50, metadata={"doc": "voice pitch from 0 to 99 (eSpeak NG)", "min": 0, "max": 99})
    max_minutes: int = field(
        default=60,
        metadata={"doc": "the longest an article may be read aloud, in minutes; a longer one is refused, "
                         "since its speech would take that long to make", "min": 1, "max": 1440},
    )
    base_url: str | None = field(
        default=None,
        metadata={"doc": "the web address dist/ is published at (https://example.org/courier/); "
                         "podcast.xml gives its links in full under it"},
    )


_ADDRESS = re.compile(r"^[^@\s<>\"(),;:]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def mail_address(value: str) -> str | None:
    """A bare address such as courier@example.org, as the mail settings and subscribers.csv give them."""
    return None if _ADDRESS.match(value) else f"'{value}' is not an e-mail address | write it as name@example.org"


def _https(value: str) -> str | None:
    if value.startswith("https://") and " " not in value:
        return None
    return f"'{value}' is not an https:// address | mail clients offer one-click unsubscribe only over HTTPS"


@dataclass(frozen=True, slots=True)
class DkimOptions:
    """The DKIM signature every message carries: the publication's key, published in DNS under the selector."""

    domain: str = field(metadata={"doc": "the signing domain, the one in the From address: example.org", "min": 1})
    selector: str = field(metadata={"doc": "the DNS selector: its public key is at SELECTOR._domainkey.DOMAIN", "min": 1})
    key_file: str = field(metadata={"doc": "the private key (PEM), relative to the publication or absolute", "min": 1})


@dataclass(frozen=True, slots=True)
class MailOptions:
    """How `paperpress send` reaches the SMTP server and what its messages say about the sender.

    The password is never a setting: it comes from the environment (PAPERPRESS_SMTP_PASSWORD) alone.
    """

    host: str = field(metadata={"doc": "the SMTP server: smtp.example.org", "min": 1})
    sender: str = field(metadata={"doc": "the From address: courier@example.org", "key": "from", "check": mail_address})
    unsubscribe: str = field(
        metadata={"doc": "the HTTPS address that unsubscribes a reader; each message adds ?token=…", "check": _https}
    )
    port: int = field(default=587, metadata={"doc": "the server's port (587 with starttls, 465 with tls)",
                                              "min": 1, "max": 65535})
    security: str = field(
        default="starttls",
        metadata={"doc": "starttls (port 587), tls (port 465) or none (a relay on this machine only)",
                  "choices": ("starttls", "tls", "none")},
    )
    user: str | None = field(default=None, metadata={"doc": "the login name, if the server asks for one"})
    reply_to: str | None = field(default=None, metadata={"doc": "where replies go", "check": mail_address})
    unsubscribe_mailto: str | None = field(
        default=None, metadata={"doc": "the address that takes unsubscribe requests by mail (default: from)",
                                "check": mail_address},
    )
    dkim: DkimOptions | None = None


@dataclass(frozen=True, slots=True)
class Config:
    """`paperpress.yaml`: who publishes, and how each edition is set."""

    title: str = field(metadata={"doc": "the publication's name", "min": 1})
    subtitle: str | None = None
    publisher: str | None = None
    language: str = field(default="en", metadata={"check": _language})
    identifier: str | None = field(
        default=None, metadata={"doc": "a stable id such as urn:uuid:…; every issue's id derives from it"}
    )
    website: str | None = None
    text: TextOptions = TextOptions()
    epub: EpubOptions = EpubOptions()
    pdf: PdfOptions = PdfOptions()
    audio: AudioOptions = AudioOptions()
    mail: MailOptions | None = None
    editions: tuple[str, ...] = field(
        default=DEFAULT_EDITIONS,
        metadata={"doc": "the editions a build makes when no -f is given: txt, epub, pdf, web, audio", "min": 1,
                  "check": _editions},
    )

