"""The ledger: one row per issue and subscriber, its states surviving the process, and a stopped run settled."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from paperpress.mail.ledger import Ledger

LIST = [("ann@example.org", "Ann", "email"), ("Bob@Example.org", "Bob", "email"), ("kay@kindle.com", "Kay", "kindle")]


def test_a_list_is_enlisted_once_and_read_back_in_its_order(tmp_path: Path) -> None:
    with Ledger(tmp_path / "l.sqlite") as ledger:
        assert ledger.enlist("issue-7", LIST) == 3
        assert ledger.enlist("issue-7", LIST + [("new@example.org", "New", "email")]) == 1
        assert [d.email for d in ledger.pending("issue-7", batch=2)] == [
            "ann@example.org", "bob@example.org", "kay@kindle.com", "new@example.org"]
        assert ledger.enlist("issue-8", LIST) == 3  # each issue has its own rows
        assert ledger.tally("issue-7")["pending"] == 4


def test_states_are_on_disk_when_mark_returns(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    ledger = Ledger(path)
    ledger.enlist("issue-7", LIST)
    ledger.mark("issue-7", "ann@example.org", "sending")
    ledger.mark("issue-7", "ann@example.org", "sent")
    ledger.mark("issue-7", "bob@example.org", "refused", "550 no such user")
    other = sqlite3.connect(path)  # another process's view, while this one still holds the file open
    assert dict(other.execute("SELECT email, state FROM deliveries")) == {
        "ann@example.org": "sent", "bob@example.org": "refused", "kay@kindle.com": "pending"}
    assert other.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    ledger.close()


def test_a_stopped_run_is_settled_begun_deliveries_resent_and_committing_ones_uncertain(tmp_path: Path) -> None:
    with Ledger(tmp_path / "l.sqlite") as ledger:
        ledger.enlist("issue-7", LIST)
        ledger.mark("issue-7", "ann@example.org", "sending")
        ledger.mark("issue-7", "bob@example.org", "committing")
        assert ledger.recover("issue-7") == (1, 1)
        assert [d.email for d in ledger.pending("issue-7")] == ["ann@example.org", "kay@kindle.com"]
        assert [d.email for d in ledger.listed("issue-7", ("uncertain",))] == ["bob@example.org"]
        assert ledger.resend_uncertain("issue-7") == 1
        assert ledger.tally("issue-7")["pending"] == 3


def test_a_token_is_made_once_per_subscriber_and_never_shows_the_address(tmp_path: Path) -> None:
    with Ledger(tmp_path / "l.sqlite") as ledger:
        token = ledger.token("Ann@example.org")
        assert ledger.token("ann@example.org") == token and ledger.token("bob@example.org") != token
        assert "ann" not in token and len(token) >= 24
    with Ledger(tmp_path / "l.sqlite") as again:
        assert again.token("ann@example.org") == token


def test_only_one_run_sends_from_a_ledger_at_a_time(tmp_path: Path) -> None:
    import pytest

    from paperpress.errors import PaperpressError

    first, second = Ledger(tmp_path / "l.sqlite"), Ledger(tmp_path / "l.sqlite")
    first.exclusive()
    with pytest.raises(PaperpressError, match="another `paperpress send` is running"):
        second.exclusive()
    first.close()
    second.exclusive()  # free once the first run is over
    second.close()


def test_a_reader_who_left_the_list_before_their_message_went_is_withdrawn_and_back_if_they_return(tmp_path: Path) -> None:
    with Ledger(tmp_path / "l.sqlite") as ledger:
        ledger.enlist("issue-7", LIST)
        ledger.mark("issue-7", "ann@example.org", "sent")
        assert ledger.enlist("issue-7", LIST[2:]) == 0  # ann (sent) and bob (pending) have left the list
        assert [d.email for d in ledger.pending("issue-7")] == ["kay@kindle.com"]
        assert ledger.tally("issue-7").counts == {"sent": 1, "withdrawn": 1, "pending": 1}
        ledger.enlist("issue-7", LIST)
        assert [d.email for d in ledger.pending("issue-7")] == ["bob@example.org", "kay@kindle.com"]
        assert ledger.tally("issue-7")["sent"] == 1
