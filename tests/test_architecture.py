"""The pipeline's boundaries (STYLE.md §2): each layer imports only what it may know about."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import paperpress
from paperpress.registry import PDF

PACKAGE = Path(paperpress.__file__).parent
#: Folder (or file) → the modules it must not import.
FORBIDDEN = {
    "model": {"yaml", "jinja2", "ebooklib", "weasyprint", "markdown_it", "PIL", "os", "pathlib", "paperpress"},
    "load": {"jinja2", "ebooklib", "weasyprint", "paperpress.editions", "paperpress.templates", "paperpress.output",
             "paperpress.catalog.index", "paperpress.run", "paperpress.build", "paperpress.cli"},
    "editions": {"yaml", "paperpress.load", "paperpress.output", "paperpress.catalog.index", "paperpress.run",
                 "paperpress.build", "paperpress.cli"},
    "typeset": {"yaml", "jinja2", "weasyprint", "paperpress.load", "paperpress.editions", "paperpress.output",
                "paperpress.build"},
    "output": {"paperpress.model", "paperpress.editions", "paperpress.catalog.index", "paperpress.run", "paperpress.build"},
    "catalog": {"paperpress.editions.text", "paperpress.editions.epub", "paperpress.editions.pdf",
                "paperpress.editions.web", "paperpress.editions.audio", "paperpress.editions.base",
                "paperpress.run", "paperpress.build", "paperpress.cli"},
    "run": {"paperpress.build", "paperpress.cli"},
    "mail": {"paperpress.build", "paperpress.cli", "paperpress.output", "paperpress.catalog", "paperpress.load"},
    "load/markdown.py": {"yaml", "jinja2", "paperpress.load", "os", "pathlib"},
}
#: The editions that are packages of their own, and the one that is a module.
EDITION_PLACES = ("text.py", "epub", "pdf", "web", "audio")


def imports_of(path: Path) -> set[str]:
    """Absolute module names imported by a file, relative imports resolved against the package."""
    tree = ast.parse(path.read_text())
    package = ".".join(("paperpress", *path.relative_to(PACKAGE).parent.parts))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
    return found


def test_layers_import_only_what_they_may_know() -> None:
    broken = []
    for target, banned in FORBIDDEN.items():
        files = [PACKAGE / target] if target.endswith(".py") else sorted((PACKAGE / target).rglob("*.py"))
        for file in files:
            for module in imports_of(file):
                for ban in banned:
                    if module == ban or module.startswith(ban + "."):
                        if module.startswith(f"paperpress.{target.removesuffix('.py').replace('/', '.')}"):
                            continue  # a layer imports itself
                        broken.append(f"{file.relative_to(PACKAGE)} imports {module}")
    assert broken == []


def test_no_edition_imports_another() -> None:
    """Links to another edition come from the registry's descriptions, never from its code."""
    editions = PACKAGE / "editions"
    broken = []
    for place in EDITION_PLACES:
        own = "paperpress.editions." + place.removesuffix(".py")
        files = [editions / place] if place.endswith(".py") else sorted((editions / place).rglob("*.py"))
        others = {"paperpress.editions." + p.removesuffix(".py") for p in EDITION_PLACES} - {own}
        for file in files:
            broken += [f"{file.relative_to(PACKAGE)} imports {m}" for m in imports_of(file)
                       if any(m == o or m.startswith(o + ".") for o in others)]
    assert broken == []


def test_the_top_of_the_tree_is_short_and_each_edition_keeps_its_helpers() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 12, top
    for place in EDITION_PLACES[1:]:
        assert (PACKAGE / "editions" / place / "__init__.py").is_file()
        assert (PACKAGE / "editions" / place / "edition.py").is_file()


def test_every_module_has_a_test_module_at_its_mirrored_path() -> None:
    tests = Path(__file__).resolve().parent
    missing = []
    for module in sorted(PACKAGE.rglob("*.py")):
        rel = module.relative_to(PACKAGE)
        if rel.name == "__main__.py" or (rel.name == "__init__.py" and _only_a_docstring(module)):
            continue
        name = "test_init.py" if rel.name == "__init__.py" else f"test_{rel.name}"
        if not (tests / rel.parent / name).is_file():
            missing.append(str(rel))
    assert missing == []


def _only_a_docstring(path: Path) -> bool:
    """A package's face, which defines nothing to test."""
    body = ast.parse(path.read_text()).body
    return all(isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) for node in body)


def test_only_the_cli_prints_or_exits() -> None:
    for file in sorted(PACKAGE.rglob("*.py")):
        if file.name == "__main__.py" or file.is_relative_to(PACKAGE / "cli"):
            continue
        tree = ast.parse(file.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("print", "exit"), f"{file.name}:{node.lineno} calls {node.func.id}"
            if isinstance(node, ast.Attribute) and node.attr == "exit" and getattr(node.value, "id", "") == "sys":
                raise AssertionError(f"{file.name}:{node.lineno} calls sys.exit")


def test_public_names_are_explicit() -> None:
    assert sorted(paperpress.__all__) == ["Loaded", "PaperpressError", "Problem", "Severity", "UsageError", "__version__"]
    for name in paperpress.__all__:
        assert hasattr(paperpress, name)


def test_the_pdf_process_imports_no_loader_no_model_and_no_templates() -> None:
    """The sidecar lays out the HTML and photos it is sent: the loader, YAML and the Markdown parser would only
    add their memory to the PDF's peak, and the model, the templates and Jinja2 their import time to the
    build's critical path (it imports before it lays out)."""
    preloads = " ".join(PDF.preload)
    shown = f"import sys, paperpress.run.sidecar, {', '.join(PDF.preload)}; print(' '.join(sorted(sys.modules)))"
    modules = subprocess.run([sys.executable, "-c", shown], check=True, capture_output=True, text=True).stdout.split()
    assert "weasyprint" in modules and "paperpress.editions.pdf.layout" in preloads
    assert [m for m in modules if m.split(".")[0] in ("yaml", "markdown_it", "jinja2")
            or m.startswith(("paperpress.load", "paperpress.model", "paperpress.templates"))] == []
