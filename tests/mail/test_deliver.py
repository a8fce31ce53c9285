"""The SMTP loop against a real server on 127.0.0.1 (tests/smtp_server.py): each subscriber once, refusals
recorded, temporary ones retried, lost connections either resent (before the end of the message) or left
uncertain (after it), and a run stopped anywhere resumed without a duplicate."""

from __future__ import annotations

import os
import re
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from paperpress.errors import PaperpressError
from paperpress.mail.deliver import deliver
from paperpress.mail.ledger import Ledger
from paperpress.mail.plan import ledger_path, plan_sending
from paperpress.run.issue import open_publication
from tests.smtp_server import Running, subscribe


def _run(pub: Path, **options: object):
    plan = plan_sending(open_publication(pub), "7", None, os.environ)
    with Ledger(ledger_path(pub)) as ledger:
        ledger.enlist(plan.mailing.issue, [(s.email, s.name, s.receives) for s in plan.subscribers])
        report = deliver(ledger, plan.mailing, plan.server, backoff=0, **options)  # type: ignore[arg-type]
        return report, ledger.tally("issue-7")


def test_every_subscriber_gets_one_message_and_a_second_run_sends_nothing(pub: Path, smtp: Running) -> None:
    subscribe(pub, "ann@example.org,Ann,email", "bob@example.org,Bob,email", "kay@kindle.com,Kay,kindle")
    report, tally = _run(pub)
    assert report.sent == 3 and tally["sent"] == 3
    assert smtp.recipients() == ["ann@example.org", "bob@example.org", "kay@kindle.com"]
    again, _ = _run(pub)
    assert again.sent == 0 and len(smtp.messages()) == 3
    kindle = message_from_bytes(smtp.messages()[2], policy=policy.default)
    (attachment,) = kindle.iter_attachments()
    assert attachment.get_content_type() == "application/epub+zip"
    assert attachment.get_content() == (pub / "dist/issue-7/issue-7.epub").read_bytes()


def test_a_permanent_refusal_is_recorded_with_its_address_and_the_others_go_on(pub: Path, smtp: Running) -> None:
    subscribe(pub, "ann+550@example.org,Ann,email", "bob@example.org,Bob,email")
    report, tally = _run(pub)
    assert report.refused == [("ann+550@example.org", "550 5.1.1 No such user here")]
    assert smtp.recipients() == ["bob@example.org"]
    assert (tally["refused"], tally["sent"]) == (1, 1)
    again, _ = _run(pub)
    assert again.refused == [] and len(smtp.messages()) == 1  # refused is final: not tried again


def test_a_temporary_refusal_is_retried_and_one_that_never_passes_stays_pending(pub: Path, smtp: Running) -> None:
    subscribe(pub, "ann+451once@example.org,Ann,email", "bob+451@example.org,Bob,email", "cy@example.org,Cy,email")
    waits: list[float] = []
    report, tally = _run(pub, sleep=waits.append, retries=2)
    assert smtp.recipients() == ["cy@example.org", "ann+451once@example.org"]
    assert report.deferred == [("bob+451@example.org", "451 4.3.0 Mailbox busy, try again later")]
    assert (tally["sent"], tally["pending"]) == (2, 1)


def test_a_connection_lost_before_the_message_ended_is_sent_again_on_a_new_one(pub: Path, smtp: Running) -> None:
    subscribe(pub, "ann+cut@example.org,Ann,email", "bob@example.org,Bob,email")
    report, tally = _run(pub)
    assert sorted(smtp.recipients()) == ["ann+cut@example.org", "bob@example.org"]
    assert report.uncertain == [] and tally["sent"] == 2


def test_a_connection_lost_after_the_message_ended_is_uncertain_and_resent_only_when_asked(pub: Path, smtp: Running) -> None:
    subscribe(pub, "ann+drop@example.org,Ann,email", "bob@example.org,Bob,email")
    report, tally = _run(pub)
    assert report.uncertain == ["ann+drop@example.org"]
    assert smtp.recipients() == ["bob@example.org"]
    assert (tally["uncertain"], tally["sent"]) == (1, 1)
    _run(pub)
    assert smtp.recipients() == ["bob@example.org"]  # not sent again by default
    with Ledger(ledger_path(pub)) as ledger:
        assert ledger.resend_uncertain("issue-7") == 1
    _run(pub)
    assert smtp.recipients() == ["bob@example.org", "ann+drop@example.org"]


def test_a_run_stopped_mid_transaction_is_resumed_exactly(pub: Path, smtp: Running) -> None:
    """What a killed run leaves: one delivery begun (`sending`), one at its last bytes (`committing`)."""
    subscribe(pub, "ann@example.org,Ann,email", "bob@example.org,Bob,email", "cy@example.org,Cy,email")
    with Ledger(ledger_path(pub)) as ledger:
        ledger.enlist("issue-7", [("ann@example.org", "Ann", "email"), ("bob@example.org", "Bob", "email"),
                                  ("cy@example.org", "Cy", "email")])
        ledger.mark("issue-7", "ann@example.org", "sending")
        ledger.mark("issue-7", "bob@example.org", "committing")
    report, tally = _run(pub)
    assert (report.requeued, report.found_uncertain) == (1, 1)
    assert smtp.recipients() == ["ann@example.org", "cy@example.org"]
    assert (tally["sent"], tally["uncertain"]) == (2, 1)


def test_the_server_gone_stops_the_run_and_the_same_command_sends_the_rest(pub: Path, smtp: Running) -> None:
    subscribe(pub, "ann@example.org,Ann,email", "bob@example.org,Bob,email")
    smtp.stop()
    with pytest.raises(PaperpressError) as raised:
        _run(pub, retries=1)
    assert "cannot be reached" in str(raised.value)
    server = Running(smtp.store)
    try:
        config = pub / "paperpress.yaml"
        config.write_text(config.read_text().replace(f"port: {smtp.port}", f"port: {server.port}"))
        report, tally = _run(pub)
        assert report.sent == 2 and server.recipients() == ["ann@example.org", "bob@example.org"]
    finally:
        server.stop()


def test_a_rate_spaces_the_messages(pub: Path, smtp: Running) -> None:
    subscribe(pub, "ann@example.org,Ann,email", "bob@example.org,Bob,email", "cy@example.org,Cy,email")
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    _run(pub, rate=30, sleep=sleep, clock=lambda: now[0])
    assert waits == [2.0, 2.0]  # 30 a minute: one every two seconds, the first at once


def test_starttls_and_a_login_with_the_password_from_the_environment(pub: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A server that takes mail only over STARTTLS after a login; its certificate is trusted as a CA's would be."""
    import subprocess

    from tests.support import require_tool

    openssl = require_tool("openssl")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # what ssl.create_default_context() trusts
    server = Running(tmp_path / "tls-received", tls=(cert, key))
    try:
        config = pub / "paperpress.yaml"
        text = config.read_text().replace("security: none", "security: starttls")
        config.write_text(re.sub(r"port: \d+", f"port: {server.port}", text) + "  user: courier\n")
        subscribe(pub, "ann@example.org,Ann,email")
        monkeypatch.setenv("PAPERPRESS_SMTP_PASSWORD", "wrong")
        with pytest.raises(PaperpressError, match=r"refused the login of 'courier': 535 5.7.8 Authentication credentials invalid"):
            _run(pub)
        monkeypatch.setenv("PAPERPRESS_SMTP_PASSWORD", "s3cret")
        report, _ = _run(pub)
        assert report.sent == 1 and server.recipients() == ["ann@example.org"]
    finally:
        server.stop()
