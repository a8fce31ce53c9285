"""`paperpress new`: the next issue keeps the publication's padding, and copies any section title into valid YAML."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from paperpress.cli.scaffold import scaffold_issue
from paperpress.errors import UsageError
from paperpress.run.issue import check_issue, open_publication
from tests.fakes import make_archive

TITLES = ['Q&A: what\'s next?', 'Nature \\ Wildlife', 'C:\\Users\\"quoted"', '#1 in the "league"', "- a dash", "yes"]


def test_after_a_padded_issue_comes_the_next_padded_name(tmp_path: Path) -> None:
    pub = make_archive(tmp_path / "pub", range(900, 902), width=4)
    created = scaffold_issue(pub, None)
    assert [str(p) for p in created] == [
        "issues/issue-0902.yaml", "issues/issue-0902/news-draft.md", "issues/issue-0902/letters-draft.md"
    ]
    checked = check_issue(open_publication(pub), "902")
    issue, problems = checked.value, checked.problems
    assert issue is not None and issue.name == "issue-0902" and issue.number == 902, problems


def test_after_an_unpadded_issue_comes_the_next_number(tmp_path: Path) -> None:
    pub = make_archive(tmp_path / "pub", range(1141, 1143))
    assert str(scaffold_issue(pub, None)[0]) == "issues/issue-1143.yaml"
    with pytest.raises(UsageError, match=r"^issue 1143 already exists \(edit issues/issue-1143.yaml instead\)$"):
        scaffold_issue(pub, "issue-1143.yaml")


def test_section_titles_with_backslashes_quotes_colons_and_hashes_read_back_exactly(tmp_path: Path) -> None:
    pub = make_archive(tmp_path / "pub", range(1, 2))
    manifest = pub / "issues/issue-1.yaml"
    text = manifest.read_text()
    head, _, _ = text.partition("sections:")
    sections = [{"title": t, "articles": ["issue-1/first.md" if i == 0 else "issue-1/second.md"]}
                for i, t in enumerate(TITLES[:2])]
    extra = [{"title": t, "articles": [f"issue-1/extra-{i}.md"]} for i, t in enumerate(TITLES[2:])]
    for i in range(len(extra)):
        (pub / f"issues/issue-1/extra-{i}.md").write_text(f"---\ntitle: Extra {i}\n---\nText.\n")
    manifest.write_text(head + yaml.safe_dump({"sections": sections + extra}, allow_unicode=True))
    assert [s["title"] for s in yaml.safe_load(manifest.read_text())["sections"]] == TITLES

    scaffold_issue(pub, "2")

    made = yaml.safe_load((pub / "issues/issue-2.yaml").read_text())
    assert [s["title"] for s in made["sections"]] == TITLES
    drafts = [pub / "issues" / s["articles"][0] for s in made["sections"]]
    assert len(set(drafts)) == len(TITLES)
    for title, draft in zip(TITLES, drafts, strict=True):
        front = draft.read_text().split("---\n")[1]
        assert yaml.safe_load(front)["title"] == f"Headline for {title}"
    checked = check_issue(open_publication(pub), "2")
    issue, problems = checked.value, checked.problems
    assert issue is not None, [str(p) for p in problems]
    assert [s.title for s in issue.sections][1] == "Nature \\ Wildlife"


def test_two_sections_with_the_same_slug_get_two_drafts(tmp_path: Path) -> None:
    pub = make_archive(tmp_path / "pub", range(1, 2))
    manifest = pub / "issues/issue-1.yaml"
    text = manifest.read_text().replace("title: Letters", "title: NEWS!")
    more = "".join(f"  - title: {t}\n    articles: [issue-1/{i}.md]\n" for i, t in enumerate(["News 2", "news"]))
    for i in range(2):
        (pub / f"issues/issue-1/{i}.md").write_text(f"---\ntitle: Article {i}\n---\nText.\n")
    manifest.write_text(text + more)
    scaffold_issue(pub, None)
    checked = check_issue(open_publication(pub), "2")
    issue, problems = checked.value, checked.problems
    assert issue is not None, [str(p) for p in problems]
    assert [a.source.removeprefix("issues/issue-2/") for a in issue.articles] == [
        "news-draft.md", "news-2-draft.md", "news-2-2-draft.md", "news-3-draft.md"
    ]
