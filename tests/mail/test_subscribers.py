"""subscribers.csv: every mistake found before anything is sent, each with its file and line."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from paperpress.mail.subscribers import Subscriber, read_subscribers

SHOWN = PurePosixPath("subscribers.csv")


def _read(tmp_path: Path, text: str):
    path = tmp_path / "subscribers.csv"
    path.write_text(text, encoding="utf-8")
    return read_subscribers(path, SHOWN)


def test_a_good_list_is_read_in_order_with_email_as_the_default_kind(tmp_path: Path) -> None:
    loaded = _read(tmp_path, "email,name,receives\nann@example.org,Ann Reader,email\n\nkay@kindle.com,Kay,KINDLE\n"
                             "bob@example.org,Bob,\n")
    assert loaded.ok
    assert loaded.value == (Subscriber("ann@example.org", "Ann Reader", "email"), Subscriber("kay@kindle.com", "Kay", "kindle"),
                            Subscriber("bob@example.org", "Bob", "email"))


def test_every_bad_row_is_a_problem_with_its_line(tmp_path: Path) -> None:
    loaded = _read(tmp_path, "email,name,receives\n"
                             "ann@example.org,Ann,email\n"
                             "not-an-address,Nobody,email\n"
                             "ANN@example.org,Ann again,email\n"
                             "cy@example.org,Cy,fax\n"
                             "dee@example.org,Dee,kindle\n")
    assert not loaded.ok and loaded.value == (Subscriber("ann@example.org", "Ann", "email"),)
    assert [str(p) for p in loaded.problems] == [
        "subscribers.csv:3: email: 'not-an-address' is not an e-mail address (write it as name@example.org)",
        "subscribers.csv:4: email: 'ANN@example.org' is listed twice (it is already on line 2; keep one)",
        "subscribers.csv:5: receives: 'fax' is not a way to receive the issue (write email or kindle)",
        "subscribers.csv:6: email: 'dee@example.org' is not a Send to Kindle address (Kindle addresses end in @kindle.com)",
    ]


def test_a_name_that_would_start_a_header_of_its_own_is_refused(tmp_path: Path) -> None:
    loaded = _read(tmp_path, 'email,name,receives\nann@example.org,"Ann\r\nBcc: everyone@example.org",email\n')
    assert [str(p) for p in loaded.problems] == [
        "subscribers.csv:3: name: the name holds a control character or a line break "
        "(write the name on one line, in plain characters)"]


def test_a_missing_column_or_file_says_what_is_expected(tmp_path: Path) -> None:
    assert [str(p) for p in _read(tmp_path, "email,name\nann@example.org,Ann\n").problems] == [
        "subscribers.csv:1: no column 'receives' (the first line is: email,name,receives)"]
    missing = read_subscribers(tmp_path / "none.csv", SHOWN)
    assert missing.value is None
    assert str(missing.problems[0]).startswith("subscribers.csv: cannot read the subscribers: ")
