"""The pipeline's boundaries (STYLE.md §2): each layer imports only what it may know about."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import paperpress

PACKAGE = Path(paperpress.__file__).parent
FORBIDDEN = {
    "model.py": {"yaml", "jinja2", "ebooklib", "weasyprint", "markdown_it", "PIL", "paperpress"},
    "load": {"jinja2", "ebooklib", "weasyprint", "paperpress.editions.base", "paperpress.templates", "paperpress.output.write"},
    "render": {"yaml", "paperpress.load", "paperpress.output.write", "paperpress.build", "paperpress.cli"},
    "geometry.py": {"yaml", "jinja2", "weasyprint", "paperpress.load", "paperpress.editions.base"},
    "write.py": {"paperpress.model", "paperpress.editions.base", "paperpress.load"},
    "walk.py": {"yaml", "jinja2", "weasyprint", "markdown_it", "PIL", "paperpress.load", "paperpress.editions.base",
                "paperpress.templates", "paperpress.output.write", "paperpress.build", "os", "pathlib"},
    "markdown.py": {"yaml", "jinja2", "paperpress.load", "paperpress.editions.base", "os", "pathlib"},
}


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
                        if target == "model.py" and module == "paperpress.model":
                            continue
                        broken.append(f"{file.relative_to(PACKAGE)} imports {module}")
    assert broken == []


def test_only_the_cli_prints_or_exits() -> None:
    for file in sorted(PACKAGE.rglob("*.py")):
        if file.name in ("cli.py", "__main__.py", "progress.py", "serve.py"):
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


def test_the_pdf_process_imports_no_loader() -> None:
    """The sidecar renders from the model it is sent; the loader, YAML and the Markdown parser would only
    add their memory to the PDF's peak."""
    shown = "import sys, paperpress.run.sidecar, paperpress.editions.pdf.edition; print(' '.join(sorted(sys.modules)))"
    modules = subprocess.run([sys.executable, "-c", shown], check=True, capture_output=True, text=True).stdout.split()
    assert "paperpress.templates" in modules
    assert [m for m in modules if m.split(".")[0] in ("yaml", "markdown_it") or m.startswith("paperpress.load")] == []
