"""Choosing issues and planning their builds from the manifests' names, padded or not, without loading them."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from paperpress.build import build_archive
from paperpress.errors import UsageError
from paperpress.options import BuildOptions
from paperpress.output import state as fingerprint
from paperpress.output.plan import Job, plan_builds, select_issues, with_followers
from paperpress.run.issue import issue_work, open_publication
from tests.fakes import WITH_FAKES, WITH_FOLLOWER, make_archive


@pytest.fixture(scope="module")
def padded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Back issues 899…902 named issue-0899.yaml … issue-0902.yaml, as an archive of four-digit numbers is."""
    return make_archive(tmp_path_factory.mktemp("plan") / "pub", range(899, 903), width=4)


@pytest.mark.parametrize(
    ("typed", "chosen"),
    [
        (["issue-0901"], ["issue-0901"]),
        (["0901"], ["issue-0901"]),
        (["901"], ["issue-0901"]),
        (["issue-0901.yaml"], ["issue-0901"]),
        (["issue-901"], ["issue-0901"]),
        (["900..0902"], ["issue-0902", "issue-0901", "issue-0900"]),
        (["issue-0902..issue-0901"], ["issue-0902", "issue-0901"]),
        (["0901,902"], ["issue-0902", "issue-0901"]),
        (["899", "0901,902"], ["issue-0902", "issue-0901", "issue-0899"]),
    ],
)
def test_every_way_of_naming_padded_issues_selects_them(padded: Path, typed: list[str], chosen: list[str]) -> None:
    assert select_issues(padded, typed) == chosen


def test_all_and_since_select_padded_issues_by_their_own_names(padded: Path) -> None:
    assert select_issues(padded, [], every=True) == ["issue-0902", "issue-0901", "issue-0900", "issue-0899"]
    since = dt.date.fromisoformat((padded / "issues/issue-0901.yaml").read_text().split("date: ")[1][:10])
    assert select_issues(padded, [], since=since) == ["issue-0902", "issue-0901"]
    assert select_issues(padded, ["899..0901"], since=since) == ["issue-0901"]


def test_a_missing_padded_issue_is_named_as_its_file_would_be(padded: Path) -> None:
    with pytest.raises(UsageError) as err:
        select_issues(padded, ["903"])
    assert str(err.value) == "no issue 903: issues/issue-0903.yaml does not exist (issues here: 899, 900, 901, 902)"
    with pytest.raises(UsageError, match="'0901...0902' is not a range of issues"):
        select_issues(padded, ["0901...0902"])


def test_a_number_claimed_by_two_manifests_is_planned_so_that_its_build_reports_it(tmp_path: Path) -> None:
    pub = make_archive(tmp_path / "pub", range(1, 3))
    (pub / "dist" / "issue-1").mkdir(parents=True)
    shutil.copy(pub / "issues/issue-1.yaml", pub / "issues/issue-01.yaml")
    names = select_issues(pub, [], every=True)
    assert names == ["issue-2", "issue-01"]
    plan = plan_builds(pub, pub / "dist", names, ["txt"], {"txt": "x", "cover": "x", "thumbnail": "x"}, force=False,
                       strict=False)
    assert {job.name: job.reason for job in plan.jobs} == {"issue-2": "new", "issue-01": "two manifests"}


def test_planning_writes_nothing_and_returns_the_states_worth_refreshing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(fingerprint, "SETTLE_NS", 0)  # trust stat data at once (normally after a second)
    pub = make_archive(tmp_path / "pub", range(1, 3))
    options = BuildOptions(("fake",))
    names = select_issues(pub, [], every=True)
    done = build_archive(open_publication(pub), names, pub / "dist", options, editions=WITH_FAKES)
    assert not done.failed
    article = pub / "issues/issue-2/first.md"
    article.write_bytes(article.read_bytes())  # touched, not changed
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in (pub / "dist").rglob("*") if p.is_file()}
    fingerprints = issue_work(open_publication(pub), pub / "dist", options, WITH_FAKES).fingerprints
    plan = plan_builds(pub, pub / "dist", names, ["fake"], fingerprints, force=False, strict=False)
    assert plan.jobs == () and plan.skipped == ("issue-2", "issue-1")
    assert [name for name, _ in plan.refreshed] == ["issue-2"]
    (_, state), = plan.refreshed
    assert state.inputs["issues/issue-2/first.md"].mtime_ns == article.stat().st_mtime_ns
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in (pub / "dist").rglob("*") if p.is_file()} == before


def test_the_plan_hands_on_what_it_found_current_and_nothing_it_did_not_check(tmp_path: Path, monkeypatch) -> None:
    """Each skipped issue comes back with its state and the outputs found as recorded; only the editions asked for
    are checked (another edition's file is not vouched for), and an altered output makes a job, not a check."""
    monkeypatch.setattr(fingerprint, "SETTLE_NS", 0)
    pub = make_archive(tmp_path / "pub", range(1, 3))
    names = select_issues(pub, [], every=True)
    done = build_archive(open_publication(pub), names, pub / "dist", BuildOptions(("fake", "txt")), editions=WITH_FAKES)
    assert not done.failed
    (pub / "dist/issue-1/issue-1.fake").write_text("altered")
    fingerprints = issue_work(open_publication(pub), pub / "dist", BuildOptions(("fake",)), WITH_FAKES).fingerprints
    plan = plan_builds(pub, pub / "dist", names, ["fake"], fingerprints, force=False, strict=False)
    assert [job.name for job in plan.jobs] == ["issue-1"]
    (name, checked), = plan.checked
    assert name == "issue-2" and checked.state == fingerprint.read_state(pub / "dist/issue-2")
    assert checked.current == {"fake", "cover", "thumbnail"}  # not txt: this run did not ask for it


def test_an_edition_that_follows_one_a_job_makes_joins_it_when_asked_for_or_made_before(tmp_path: Path) -> None:
    timed = Job("issue-1", ("timed",), art=False, reason="new")
    assert with_followers(timed, ("timed",), tmp_path / "issue-1", WITH_FOLLOWER) == timed  # never made
    assert with_followers(timed, ("timed", "listing"), tmp_path / "issue-1", WITH_FOLLOWER).formats == ("timed", "listing")
    assert with_followers(timed, ("timed", "listing"), tmp_path, WITH_FAKES) == timed  # a registry where none follows
    fake = Job("issue-1", ("fake",), art=False, reason="new")
    assert with_followers(fake, ("fake", "listing"), tmp_path / "issue-1", WITH_FOLLOWER) == fake  # follows no fake
