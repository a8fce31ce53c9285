"""The messages `send` delivers: the e-mail edition (text and HTML newsletter) and the Kindle edition (the EPUB).

Every message is built with the `email` package under its SMTP policy, never by joining strings: header values
are folded and encoded by it, and the text we put in a header (a subscriber's name, a headline) is made one line
first, so nothing a reader or a writer typed can start a header of its own. The newsletter is rendered once per
issue from the issue frame and `layouts/mail/`, with its CSS inlined; only the unsubscribe link differs from one
reader to the next. Knows the model, the frame and the layouts; not SMTP, the ledger's file or the command line.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from ..config import MailOptions
from ..editions.base import BuildInfo
from ..editions.frame import issue_context, issue_title
from ..editions.site import published_url, share_photo, site_map
from ..errors import PaperpressError, Problem
from ..model import Issue
from ..templates import Layouts
from .ledger import fingerprint

#: Gmail clips a message whose HTML passes 102 KB, hiding the rest (and the unsubscribe link) behind a link.
HTML_LIMIT = 100 * 1024
#: Send to Kindle takes documents up to 50 MB by e-mail.
KINDLE_LIMIT = 50 * 1024 * 1024
#: Stands in the rendered newsletter for each reader's unsubscribe address (made only of URL-safe characters).
_UNSUBSCRIBE_MARK = "https://unsubscribe.invalid/paperpress-token"
#: How the policy writes messages for SMTP: CRLF line ends, headers folded at 78 characters.
POLICY = policy.SMTP.clone(max_line_length=78)


@dataclass(frozen=True, slots=True)
class Mailing:
    """What one issue's messages are made of, prepared once before the first is sent."""

    issue: str  # "issue-1142"
    subject: str  # one line
    text: str  # the text edition
    html: str  # the newsletter, CSS inlined, with _UNSUBSCRIBE_MARK where each reader's link goes
    epub: bytes | None  # for Kindle subscribers; None when nobody on the list reads on a Kindle
    epub_name: str
    sender: Address
    reply_to: str | None
    domain: str  # for Message-IDs: the From address's domain
    unsubscribe: str  # the HTTPS address the token is added to
    unsubscribe_mailto: str


def one_line(text: str) -> str:
    """`text` with every run of white space (line breaks included) made one space: what may go in a header."""
    return " ".join(text.split())


def newsletter(issue: Issue, layouts: Layouts, info: BuildInfo) -> str:
    """The HTML newsletter of `issue` from `layouts/mail/newsletter.html`, with its CSS inlined for mail clients.

    Headlines link to the web edition's pages under the publication's `website`; without one the newsletter
    still shows every headline and standfirst, unlinked (the plain part and the web edition carry the rest).
    """
    import css_inline

    pages = site_map(issue)
    website = issue.publication.website

    def link(article: Any) -> str | None:
        return published_url(website, f"{issue.name}/{pages.article_page(article)}")

    lead = issue.lead_article
    photo = next((a.lead_image for a in issue.articles if a.lead_image), None)
    context = issue_context(issue, info) | {
        "link_of": link,
        "front": published_url(website, f"{issue.name}/{pages.pages[0]}"),
        "lead": lead,
        "lead_photo": photo,
        "lead_photo_src": published_url(website, f"{issue.name}/{share_photo(photo)}") if photo else None,
        "unsubscribe": _UNSUBSCRIBE_MARK,
    }
    rendered = layouts.render("html", "mail/newsletter.html", context)
    inlined: str = css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False).inline(rendered)
    size = len(inlined.encode())
    if size > HTML_LIMIT:
        raise PaperpressError([Problem(
            PurePosixPath("layouts/mail/newsletter.html"), None, None,
            f"the newsletter's HTML is {size // 1024} KB; mail clients clip it above {HTML_LIMIT // 1024} KB",
            "leave out standfirsts or sections in layouts/mail/newsletter.html")])
    return inlined


def prepare(issue: Issue, layouts: Layouts, info: BuildInfo, mail: MailOptions, text: str,
            epub: Path | None) -> Mailing:
    """The issue's messages' parts; raises PaperpressError when the EPUB is too big for Send to Kindle."""
    data = None
    if epub is not None:
        size = epub.stat().st_size
        if size > KINDLE_LIMIT:
            raise PaperpressError([Problem(PurePosixPath(f"dist/{issue.name}/{epub.name}"), None, None,
                                           f"the EPUB is {size / 2**20:.1f} MB; Send to Kindle takes at most 50 MB",
                                           "use smaller photos (epub.image_max_edge in paperpress.yaml)")])
        data = epub.read_bytes()
    local, _, domain = mail.sender.partition("@")
    return Mailing(
        issue=issue.name,
        subject=one_line(issue_title(issue)),
        text=text,
        html=newsletter(issue, layouts, info),
        epub=data,
        epub_name=f"{issue.name}.epub",
        sender=Address(one_line(issue.publication.title), local, domain),
        reply_to=mail.reply_to,
        domain=domain,
        unsubscribe=mail.unsubscribe,
        unsubscribe_mailto=mail.unsubscribe_mailto or mail.sender,
    )


def message_id(mailing: Mailing, email: str) -> str:
    """The same for an issue and a subscriber every time it is built: a resent message is known as the same one."""
    return f"<{mailing.issue}.{fingerprint(email)}@{mailing.domain}>"


def unsubscribe_link(mailing: Mailing, token: str) -> str:
    joiner = "&" if "?" in mailing.unsubscribe else "?"
    return f"{mailing.unsubscribe}{joiner}token={quote(token, safe='')}"


def build_message(mailing: Mailing, email: str, name: str, receives: str, token: str,
                  now: dt.datetime) -> EmailMessage:
    """One subscriber's message: the newsletter (`receives` = email) or the EPUB for a Kindle (`kindle`)."""
    msg = EmailMessage(policy=POLICY)
    local, _, domain = email.partition("@")
    msg["From"] = mailing.sender
    msg["To"] = Address(one_line(name), local, domain)
    if mailing.reply_to:
        msg["Reply-To"] = mailing.reply_to
    msg["Subject"] = one_line(mailing.subject)
    msg["Date"] = format_datetime(now.astimezone(dt.UTC))
    msg["Message-ID"] = message_id(mailing, email)
    link = unsubscribe_link(mailing, token)
    mailto = f"mailto:{mailing.unsubscribe_mailto}?subject={quote('unsubscribe ' + token)}"
    msg["List-Unsubscribe"] = f"<{link}>, <{mailto}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058: a POST to the link unsubscribes
    if receives == "kindle":
        if mailing.epub is None:
            raise ValueError("the mailing was prepared without its EPUB")
        msg.set_content(f"{mailing.subject}\n\nThe issue is attached as an EPUB for your Kindle library.\n\n"
                        f"To stop receiving it: {link}\n")
        msg.add_attachment(mailing.epub, maintype="application", subtype="epub+zip", filename=mailing.epub_name)
        return msg
    text = mailing.text.replace("\r\n", "\n").rstrip()
    msg.set_content(f"{text}\n\n-- \nTo stop receiving the issue: {link}\n", cte="quoted-printable")
    msg.add_alternative(mailing.html.replace(_UNSUBSCRIBE_MARK, html.escape(link)), subtype="html",
                        cte="quoted-printable")
    return msg


def signed(msg: EmailMessage, dkim_key: bytes | None, domain: str | None, selector: str | None) -> bytes:
    """The message as SMTP carries it, with a DKIM signature over the headers receivers check (the
    unsubscribe headers among them, as RFC 8058 asks) when a key is given."""
    data = msg.as_bytes(policy=POLICY)
    if dkim_key is None or domain is None or selector is None:
        return data
    import dkim

    headers = [h.encode() for h in ("From", "To", "Subject", "Date", "Message-ID", "Reply-To", "List-Unsubscribe",
                                     "List-Unsubscribe-Post", "MIME-Version", "Content-Type") if h in msg]
    signature: bytes = dkim.sign(data, selector.encode(), domain.encode(), dkim_key, include_headers=headers)
    return signature + data
