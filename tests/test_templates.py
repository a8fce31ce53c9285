"""A publication's layouts/ overrides the packaged defaults file by file; template mistakes name file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from jinja2.sandbox import SecurityError

from paperpress.errors import PaperpressError
from paperpress.templates import CACHE_FOLDER, DEFAULTS, Layouts
from tests.editions.test_text import render
from tests.support import FIXTURES, REPO, copy_publication


def test_packaged_defaults_work_without_a_layouts_folder() -> None:
    assert not (FIXTURES / "minimal" / "layouts").exists()
    assert Layouts.for_publication(FIXTURES / "minimal").folders == (DEFAULTS,)
    assert "The first article" in render(FIXTURES / "minimal", "7")


def test_an_override_replaces_one_file_and_can_reach_the_default(tmp_path: Path) -> None:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    own = pub / "layouts" / "text" / "article.txt"
    own.parent.mkdir(parents=True)
    own.write_text("## {{ article.title | upper }} ##\n{% include 'default/text/article.txt' %}")
    text = render(pub, "7")
    assert "## THE FIRST ARTICLE ##" in text and "A letter from a reader." in text
    assert "Contents" in text  # issue.txt still comes from the defaults


def test_template_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    own = pub / "layouts" / "text" / "article.txt"
    own.parent.mkdir(parents=True)
    own.write_text("line one\n{% if %}\n")
    with pytest.raises(PaperpressError) as caught:
        render(pub, "7")
    problem = caught.value.problems[0]
    assert (str(problem.file), problem.line) == ("layouts/text/article.txt", 2)


def test_undefined_variable_is_an_error_not_an_empty_string(tmp_path: Path) -> None:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    own = pub / "layouts" / "text" / "article.txt"
    own.parent.mkdir(parents=True)
    own.write_text("{{ article.subtitle }}\n")
    with pytest.raises(PaperpressError, match="template error"):
        render(pub, "7")


def test_article_text_is_data_never_template_source(tmp_path: Path) -> None:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    letter = pub / "issues" / "issue-7" / "second.md"
    letter.write_text("---\ntitle: Sums {{ 7*7 }}\n---\nIs {{ 7*7 }} really {% raw %}49?\n")
    text = render(pub, "7")
    assert "Sums {{ 7*7 }}" in text and "Is {{ 7*7 }} really {% raw %}49?" in text
    assert text.count("49") == 1  # only the one the reader wrote


ESCAPES = {
    "mro": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "globals": "{{ cycler.__init__.__globals__.os.popen('echo owned').read() }}",
    "format": "{{ '{0.__class__.__mro__}'.format('') }}",
    "mutation": "{% set x = [] %}{{ x.append(1) }}",
}


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_a_layout_cannot_reach_python_internals(name: str, tmp_path: Path) -> None:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    own = pub / "layouts" / "text" / "article.txt"
    own.parent.mkdir(parents=True)
    own.write_text("A first line.\n" + ESCAPES[name] + "\n")
    with pytest.raises(PaperpressError) as caught:
        render(pub, "7")
    problem = caught.value.problems[0]
    assert (str(problem.file), problem.line) == ("layouts/text/article.txt", 2)
    assert "unsafe" in problem.message or "not safely callable" in problem.message, problem.message
    assert "owned" not in str(problem)


def test_the_sandbox_decides_per_kind_of_object_not_per_name(tmp_path: Path) -> None:
    """A name allowed on one class (`pop` on an object of ours) stays refused where it changes a dict or list."""

    class Stack:
        def pop(self) -> str:
            return "popped"

    layouts = Layouts.for_publication(tmp_path)
    env = layouts.env("html")
    page = env.from_string("{{ thing.pop() }}")
    for _ in range(2):  # asked again, the answer comes from what was decided the first time
        assert page.render(thing=Stack()) == "popped"
        for mutable in ({"a": 1}, [1], {1}):
            with pytest.raises(SecurityError):
                page.render(thing=mutable)
    assert env.from_string("{{ thing.keys()|join }}").render(thing={"a": 1}) == "a"


def test_a_layout_linked_from_outside_the_publication_is_refused(tmp_path: Path) -> None:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    outside = tmp_path / "outside.txt"
    outside.write_text("{{ article.title }}\n")
    own = pub / "layouts" / "text" / "article.txt"
    own.parent.mkdir(parents=True)
    own.symlink_to(outside)
    with pytest.raises(PaperpressError) as caught:
        render(pub, "7")
    assert str(caught.value.problems[0]) == (
        "layouts/text/article.txt: 'text/article.txt' leads outside the publication (a symbolic link) "
        "(copy the file into the publication instead of linking to it)"
    )


def test_a_layouts_folder_linked_from_outside_is_refused_before_building(tmp_path: Path) -> None:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    (tmp_path / "elsewhere" / "text").mkdir(parents=True)
    (tmp_path / "elsewhere" / "text" / "article.txt").write_text("{{ article.title }}\n")
    (pub / "layouts").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(PaperpressError, match="leads outside the publication"):
        Layouts.for_publication(pub).files()


def test_compiled_layouts_are_cached_inside_the_publication(tmp_path: Path) -> None:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    render(pub, "7")
    cached = sorted(p.name for p in (pub / CACHE_FOLDER / "layouts").iterdir())
    assert cached and all(name.startswith("text-") for name in cached)


def test_the_sample_publication_overrides_the_packaged_masthead_and_still_shows_it() -> None:
    """layouts/ at the repository root is the sample's own: its masthead partial includes the packaged one
    (default/partials/masthead.html) and adds the cooperative's line, in every edition that shows a masthead."""
    from paperpress.editions.frame import Masthead

    head = Masthead("The Riverside Courier", None, "Issue 1142", "Friday 20 November 2026", None, None, None)
    packaged = Layouts.for_publication(None).env("html").get_template("partials/masthead.html").render(masthead=head)
    sample = Layouts.for_publication(REPO).env("html").get_template("partials/masthead.html").render(masthead=head)
    motto = '<p class="masthead-subtitle masthead-motto">Owned by its readers since 1987</p>'
    assert motto not in packaged and motto in sample
    assert packaged.strip() in sample  # the override keeps the packaged masthead whole


def test_a_publication_named_by_a_relative_path_has_absolute_layout_folders(monkeypatch: pytest.MonkeyPatch) -> None:
    """The PDF edition gives WeasyPrint its layouts folder as a file URI, which only an absolute path can be."""
    monkeypatch.chdir(REPO)
    layouts = Layouts.for_publication(Path("."))
    assert layouts.folders[0] == REPO / "layouts" and all(folder.is_absolute() for folder in layouts.folders)
    assert (layouts.folders[0] / "pdf").as_uri().startswith("file:///")


@pytest.mark.parametrize("kind", ["HTML", "xhtml", "", None])
def test_a_template_is_html_or_text_and_nothing_else(kind: Any, tmp_path: Path) -> None:
    """Any other kind would have rendered a page unescaped, as text."""
    (tmp_path / "layouts").mkdir()
    (tmp_path / "layouts" / "page.html").write_text("<p>{{ title }}</p>", encoding="utf-8")
    layouts = Layouts.for_publication(tmp_path)
    assert layouts.render("html", "page.html", {"title": "<b>"}) == "<p>&lt;b&gt;</p>"
    assert layouts.render("text", "page.html", {"title": "<b>"}) == "<p><b></p>"
    with pytest.raises(ValueError, match="html or text"):
        layouts.render(kind, "page.html", {"title": "<b>"})
