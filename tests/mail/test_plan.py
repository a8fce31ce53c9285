"""What `send` checks before the first message: the settings, the list, the built files, the password, the key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from paperpress.errors import PaperpressError
from paperpress.mail.plan import plan_sending
from paperpress.run.issue import open_publication
from tests.smtp_server import subscribe


def _problems(pub: Path, environ: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(PaperpressError) as raised:
        plan_sending(open_publication(pub), "7", None, environ or {})
    return [str(p) for p in raised.value.problems] + [raised.value.summary or ""]


def test_without_mail_settings_nothing_is_sent_and_the_key_is_named(built_minimal: Path, tmp_path: Path) -> None:
    pub = shutil.copytree(built_minimal, tmp_path / "pub")
    assert _problems(pub) == [
        "paperpress.yaml: mail: no 'mail:' settings: send needs an SMTP server "
        "(add mail: with host, from and unsubscribe (see the README's Subscribe))",
        "nothing was sent.",
    ]


def test_every_problem_is_told_before_anything_is_sent(pub: Path) -> None:
    subscribe(pub, "ann@example.org,Ann,email", "ann@example.org,Ann,email", "kay@kindle.com,Kay,kindle")
    config = pub / "paperpress.yaml"
    config.write_text(config.read_text() + "  user: courier\n")
    (pub / "dist/issue-7/issue-7.epub").unlink()
    assert _problems(pub) == [
        "issue-7 is not built: no dist/issue-7/issue-7.epub (run `paperpress build issue-7 -f txt -f epub` first)",
        "paperpress.yaml: mail.user: a user is set but PAPERPRESS_SMTP_PASSWORD is not "
        "(export PAPERPRESS_SMTP_PASSWORD with the SMTP password (never write it in a file here))",
        "subscribers.csv:3: email: 'ann@example.org' is listed twice (it is already on line 2; keep one)",
        "3 problems; nothing was sent.",
    ]


def test_the_password_comes_from_the_environment(pub: Path) -> None:
    subscribe(pub, "ann@example.org,Ann,email")
    config = pub / "paperpress.yaml"
    config.write_text(config.read_text() + "  user: courier\n")
    plan = plan_sending(open_publication(pub), "7", None, {"PAPERPRESS_SMTP_PASSWORD": "s3cret"})
    assert (plan.server.user, plan.server.password) == ("courier", "s3cret")


def test_a_publication_without_a_website_is_warned_that_headlines_link_nowhere(pub: Path) -> None:
    subscribe(pub, "ann@example.org,Ann,email")
    config = pub / "paperpress.yaml"
    config.write_text(config.read_text().replace("website: https://example.org/bulletin\n", ""))
    plan = plan_sending(open_publication(pub), "7", None, {})
    assert [str(w) for w in plan.warnings] == [
        "paperpress.yaml: warning: website: no website: the newsletter's headlines link nowhere "
        "(set website to where dist/ is published)"]
    assert "<a href" not in plan.mailing.html.split('class="footer"')[0]
