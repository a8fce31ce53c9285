"""`paperpress send` as an editor runs it: what it prints, its exit status, --status, --dry-run, a second run."""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

from typer.testing import CliRunner, Result

from paperpress.cli import app
from tests.smtp_server import Running, subscribe

runner = CliRunner()


def cli(*args: str) -> Result:
    return runner.invoke(app, list(args))


def test_send_then_again_then_status(mail_pub: Path, smtp: Running) -> None:
    subscribe(mail_pub, "ann@example.org,Ann,email", "bob+550@example.org,Bob,email", "kay@kindle.com,Kay,kindle")
    first = cli("send", "7", "--root", str(mail_pub))
    assert first.exit_code == 1, first.output
    assert first.stdout.splitlines() == [
        "issue-7: 3 new subscribers in the ledger",
        "issue-7: 2 sent now; 2 sent, 1 refused, 0 pending, 0 uncertain",
    ]
    assert first.stderr.splitlines() == ["refused: bob+550@example.org: 550 5.1.1 No such user here"]
    second = cli("send", "issue-7", "--root", str(mail_pub))
    assert (second.exit_code, second.stdout) == (0, "issue-7: 0 sent now; 2 sent, 1 refused, 0 pending, 0 uncertain\n")
    assert len(smtp.messages()) == 2
    status = cli("send", "7", "--status", "--root", str(mail_pub))
    assert (status.exit_code, status.stdout.splitlines()) == (0, [
        "issue-7: 2 sent, 1 refused, 0 pending, 0 uncertain",
        "refused: bob+550@example.org: 550 5.1.1 No such user here",
    ])


def test_status_lists_the_uncertain_and_resend_uncertain_sends_them(mail_pub: Path, smtp: Running) -> None:
    subscribe(mail_pub, "ann+drop@example.org,Ann,email")
    assert cli("send", "7", "--root", str(mail_pub)).exit_code == 1
    status = cli("send", "7", "--status", "--root", str(mail_pub))
    assert status.exit_code == 1
    assert status.stdout.splitlines()[0] == "issue-7: 0 sent, 0 refused, 0 pending, 1 uncertain"
    assert status.stdout.splitlines()[1].startswith("uncertain: ann+drop@example.org: the connection was lost")
    assert cli("send", "7", "--root", str(mail_pub)).exit_code == 0 and smtp.messages() == []
    again = cli("send", "7", "--resend-uncertain", "--root", str(mail_pub))
    assert again.exit_code == 0, again.output
    assert "sending 1 uncertain messages again, as asked" in again.stdout
    assert smtp.recipients() == ["ann+drop@example.org"]


def test_a_dry_run_writes_the_messages_and_sends_nothing(mail_pub: Path, smtp: Running, tmp_path: Path) -> None:
    subscribe(mail_pub, "ann@example.org,Ann,email", "kay@kindle.com,Kay,kindle")
    done = cli("send", "7", "--dry-run", "--outbox", str(tmp_path / "out"), "--root", str(mail_pub))
    assert done.exit_code == 0, done.output
    files = sorted((tmp_path / "out").glob("*.eml"))
    assert [f.name.split("-")[1] for f in files] == ["email", "kindle"]
    assert message_from_bytes(files[0].read_bytes(), policy=policy.default)["To"] == "Ann <ann@example.org>"
    assert smtp.messages() == []
    assert cli("send", "7", "--status", "--root", str(mail_pub)).stdout == "issue-7: nothing sent yet\n"


def test_a_bad_list_is_refused_with_every_line_and_nothing_is_sent(mail_pub: Path, smtp: Running) -> None:
    subscribe(mail_pub, "ann@example.org,Ann,email", "nobody,No One,email", "cy@example.org,Cy,pigeon")
    done = cli("send", "7", "--root", str(mail_pub))
    assert done.exit_code == 1
    assert done.stderr.splitlines() == [
        "subscribers.csv:3: email: 'nobody' is not an e-mail address (write it as name@example.org)",
        "subscribers.csv:4: receives: 'pigeon' is not a way to receive the issue (write email or kindle)",
        "2 problems; nothing was sent.",
    ]
    assert smtp.messages() == []


def test_a_send_killed_after_a_messages_last_byte_resumes_without_sending_it_twice(mail_pub: Path, smtp: Running) -> None:
    """The real command, killed (SIGKILL) while the server holds its answer to the second message."""
    import signal
    import subprocess
    import sys

    from tests.support import REPO

    subscribe(mail_pub, "ann@example.org,Ann,email", "bob+hold@example.org,Bob,email", "cy@example.org,Cy,email")
    child = subprocess.Popen([sys.executable, "-m", "paperpress", "send", "7", "--root", str(mail_pub)], cwd=REPO,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    smtp.wait_for("holding")  # bob's message is whole at the server; the command waits for its answer
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert smtp.recipients() == ["ann@example.org", "bob+hold@example.org"]
    again = cli("send", "7", "--root", str(mail_pub))
    assert again.exit_code == 0, again.output
    assert "1 messages a stopped run left uncertain" in again.stderr
    assert smtp.recipients() == ["ann@example.org", "bob+hold@example.org", "cy@example.org"]
    status = cli("send", "7", "--status", "--root", str(mail_pub))
    assert status.stdout.splitlines()[:2] == [
        "issue-7: 2 sent, 0 refused, 0 pending, 1 uncertain",
        "uncertain: bob+hold@example.org: the run stopped before the server answered",
    ]


def test_a_reader_who_left_the_list_between_two_runs_is_not_sent_the_issue(mail_pub: Path, smtp: Running) -> None:
    subscribe(mail_pub, "ann+451@example.org,Ann,email", "bob@example.org,Bob,email")
    first = cli("send", "7", "--retry-wait", "0", "--root", str(mail_pub))  # ann is put off (451), stays pending
    assert first.exit_code == 1 and smtp.recipients() == ["bob@example.org"]
    (mail_pub / "subscribers.csv").write_text("email,name,receives\nbob@example.org,Bob,email\n")
    again = cli("send", "7", "--root", str(mail_pub))
    assert again.stdout.splitlines()[-1] == "issue-7: 0 sent now; 1 sent, 0 refused, 0 pending, 0 uncertain, 1 withdrawn (left the list)"
    assert smtp.recipients() == ["bob@example.org"]
