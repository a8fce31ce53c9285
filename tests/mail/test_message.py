"""The messages: standards-clean MIME from the `email` package, the bulk sender's headers, no header a reader's
name or a headline can add, a newsletter mail clients show whole, a DKIM signature that verifies."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import re
import subprocess
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from paperpress.errors import PaperpressError
from paperpress.mail import message as message_module
from paperpress.mail.message import HTML_LIMIT, Mailing, build_message, message_id, signed
from paperpress.mail.plan import plan_sending
from paperpress.run.issue import open_publication
from tests.checkers import overflow
from tests.smtp_server import subscribe
from tests.support import require_tool

NOW = dt.datetime(2026, 3, 6, 7, 0, tzinfo=dt.UTC)


@pytest.fixture
def mailing(pub: Path) -> Mailing:
    subscribe(pub, "ann@example.org,Ann,email", "kay@kindle.com,Kay,kindle")
    return plan_sending(open_publication(pub), "7", None, {}).mailing


def _parsed(data: bytes):
    return message_from_bytes(data, policy=policy.default)


def test_the_email_edition_is_text_and_html_alternatives_with_the_bulk_senders_headers(mailing: Mailing, pub: Path) -> None:
    data = signed(build_message(mailing, "ann@example.org", "Ann Reader", "email", "TOKEN", NOW), None, None, None)
    msg = _parsed(data)
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert msg["From"] == "The Minimal Bulletin <bulletin@example.org>"
    assert msg["To"] == "Ann Reader <ann@example.org>"
    assert msg["Reply-To"] == "editor@example.org"
    assert msg["Subject"] == "The Minimal Bulletin, Issue 7, Friday 6 March 2026"
    assert msg["List-Unsubscribe"] == ("<https://example.org/bulletin/unsubscribe?token=TOKEN>, "
                                       "<mailto:bulletin@example.org?subject=unsubscribe%20TOKEN>")
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert msg["Message-ID"] == message_id(mailing, "ann@example.org") == message_id(mailing, "ANN@example.org")
    assert message_id(mailing, "bob@example.org") != msg["Message-ID"]
    assert all(len(line) <= 998 for line in data.split(b"\r\n")) and b"\n" not in data.replace(b"\r\n", b"")
    text = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text.startswith((pub / "dist/issue-7/issue-7.txt").read_text().replace("\r\n", "\n").rstrip())
    html = msg.get_body(("html",)).get_content()
    assert "https://example.org/bulletin/unsubscribe?token=TOKEN" in html
    assert '<a href="https://example.org/bulletin/issue-7/web/news/first.html"' in html
    assert 'style="' in html  # the CSS inlined into the elements
    assert len(html.encode()) < HTML_LIMIT
    assert [(part.get_content_type(), part.defects) for part in msg.walk() if part.defects] == []
    assert msg.defects == []


def test_a_newsletter_mail_clients_would_clip_is_refused(pub: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    subscribe(pub, "ann@example.org,Ann,email")
    monkeypatch.setattr(message_module, "HTML_LIMIT", 2000)
    with pytest.raises(PaperpressError) as raised:
        plan_sending(open_publication(pub), "7", None, {})
    assert str(raised.value).startswith("layouts/mail/newsletter.html: the newsletter's HTML is ")
    assert "mail clients clip it above 1 KB" in str(raised.value)


def test_the_kindle_edition_carries_the_epub(mailing: Mailing, pub: Path) -> None:
    msg = _parsed(signed(build_message(mailing, "kay@kindle.com", "Kay", "kindle", "T", NOW), None, None, None))
    (epub,) = msg.iter_attachments()
    assert (epub.get_content_type(), epub.get_filename()) == ("application/epub+zip", "issue-7.epub")
    assert epub.get_content() == (pub / "dist/issue-7/issue-7.epub").read_bytes()


def test_an_epub_over_send_to_kindles_limit_is_refused(pub: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    subscribe(pub, "kay@kindle.com,Kay,kindle")
    monkeypatch.setattr(message_module, "KINDLE_LIMIT", 1000)
    with pytest.raises(PaperpressError) as raised:
        plan_sending(open_publication(pub), "7", None, {})
    assert str(raised.value).startswith("dist/issue-7/issue-7.epub: the EPUB is ")
    assert "Send to Kindle takes at most 50 MB" in str(raised.value)


def test_no_header_can_be_injected_through_a_name_or_a_headline(mailing: Mailing) -> None:
    hostile = dataclasses.replace(mailing, subject="Issue 7\r\nBcc: everyone@example.net")
    data = signed(build_message(hostile, "ann@example.org", "Ann\r\nBcc: all@example.net\nX-Evil: 1", "email", "T", NOW),
                  None, None, None)
    headers = data.split(b"\r\n\r\n", 1)[0]
    assert not re.search(rb"^(Bcc|X-Evil):", headers, re.MULTILINE | re.IGNORECASE)
    msg = _parsed(data)
    assert msg["Bcc"] is None and msg["X-Evil"] is None
    assert msg["To"].addresses[0].addr_spec == "ann@example.org"
    assert msg["Subject"] == "Issue 7 Bcc: everyone@example.net"


def test_a_headline_is_text_in_the_newsletter_never_markup(pub: Path) -> None:
    article = pub / "issues/issue-7/first.md"
    article.write_text(article.read_text().replace("title: The first article", 'title: "<script>alert(1)</script> & more"'))
    subscribe(pub, "ann@example.org,Ann,email")
    mailing = plan_sending(open_publication(pub), "7", None, {}).mailing
    assert "<script>" not in mailing.html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in mailing.html


def test_a_dkim_signature_covers_the_unsubscribe_headers_and_verifies(mailing: Mailing, tmp_path: Path) -> None:
    import dkim

    openssl = require_tool("openssl")
    key = tmp_path / "dkim.pem"
    subprocess.run([openssl, "genrsa", "-out", str(key), "2048"], check=True, capture_output=True)
    public = subprocess.run([openssl, "rsa", "-in", str(key), "-pubout", "-outform", "DER"], check=True,
                            capture_output=True).stdout
    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)
    data = signed(build_message(mailing, "ann@example.org", "Ann", "email", "T", NOW), key.read_bytes(),
                  "example.org", "news")
    signature = data.split(b"\r\n\r\n", 1)[0].split(b"DKIM-Signature:", 1)[1]
    assert b"list-unsubscribe-post" in signature.lower() and b"list-unsubscribe:" in signature.lower()
    lookups: list[bytes] = []
    assert dkim.verify(data, dnsfunc=lambda name, timeout=5: lookups.append(name) or record)
    assert lookups == [b"news._domainkey.example.org."]
    assert not dkim.verify(data.replace(b"Subject: The", b"Subject: A"), dnsfunc=lambda name, timeout=5: record)


def test_the_newsletter_fits_a_phone_and_a_desktop(mailing: Mailing, tmp_path: Path, browser) -> None:
    page = tmp_path / "newsletter.html"
    page.write_text(mailing.html, encoding="utf-8")
    assert overflow(page, 375, browser) == []
    assert overflow(page, 1280, browser) == []
    width = browser.execute_script("return document.querySelector('.wrap').getBoundingClientRect().width")
    assert width == 600  # one column, as wide as mail clients show
