"""Loading an issue: the caps on the whole issue are checked before any article costs anything."""

from __future__ import annotations

from pathlib import Path

import paperpress.load as load
from paperpress.build import check_issue, open_publication

from ..conftest import FIXTURES, copy_publication


def test_an_issue_over_the_article_cap_is_refused_before_any_article_is_read(tmp_path: Path, monkeypatch) -> None:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    listed = "".join(f"      - issue-7/n{i}.md\n" for i in range(load.MAX_ARTICLES + 1))
    (pub / "issues/issue-7.yaml").write_text(f"number: 7\ndate: 2026-03-06\nsections:\n  - title: All\n    articles:\n{listed}")
    loads = []
    monkeypatch.setattr(load, "load_article", lambda *args: loads.append(args))
    checked = check_issue(open_publication(pub), "7")
    issue, problems = checked.value, checked.problems
    assert issue is None and loads == []
    assert [(p.line, p.message) for p in problems] == [(3, f"{load.MAX_ARTICLES + 1} articles in one issue")]
