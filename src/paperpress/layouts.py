"""Jinja environments over the layered layouts: the publication's own `layouts/` over the packaged defaults.

A publication overrides any default file by giving one with the same path; `default/NAME` always reaches
the packaged original, so an override can extend it. HTML and XHTML templates autoescape; the text
edition has its own environment that does not. Undefined variables are errors. Article text only ever
reaches templates as data, never as template source.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2

from .errors import PaperpressError, Problem

DEFAULTS = Path(__file__).parent / "layouts"


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates shared between runs (Jinja's own per-user temporary folder, checked by source hash).

    Compiling the layouts costs about 0.2 s in every new process; a cold `paperpress build` need not pay it.
    """
    try:
        return jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):
        return None


@dataclass(frozen=True)
class Layouts:
    """The template folders in lookup order; environments are built once and reused for every issue."""

    folders: tuple[Path, ...]  # the publication's layouts/ (if any), then the defaults
    root: Path | None = None  # the publication root, for messages
    _envs: dict[str, jinja2.Environment] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def for_publication(cls, root: Path | None) -> Layouts:
        own = root / "layouts" if root is not None else None
        folders = ((own,) if own is not None and own.is_dir() else ()) + (DEFAULTS,)
        return cls(folders, root)

    def env(self, kind: str) -> jinja2.Environment:
        """`html` (autoescaping, for .html/.xhtml/.css templates) or `text` (no escaping)."""
        env = self._envs.get(kind)
        if env is None:
            loader = jinja2.ChoiceLoader(
                [
                    jinja2.FileSystemLoader([str(f) for f in self.folders]),
                    jinja2.PrefixLoader({"default": jinja2.FileSystemLoader(str(DEFAULTS))}),
                ]
            )
            env = jinja2.Environment(
                loader=loader,
                autoescape=(kind == "html"),
                undefined=jinja2.StrictUndefined,
                trim_blocks=True,
                lstrip_blocks=True,
                keep_trailing_newline=True,
                auto_reload=False,
                bytecode_cache=_bytecode_cache(),
            )
            self._envs[kind] = env
        return env

    def render(self, kind: str, name: str, context: dict[str, Any]) -> str:
        """Renders one template; template mistakes become Problems that name the template file and line."""
        try:
            return self.env(kind).get_template(name).render(context)
        except jinja2.TemplateSyntaxError as err:
            raise PaperpressError([Problem(self._where(err.name or name), err.lineno, None, err.message or "syntax error")]) from None
        except jinja2.TemplateNotFound as err:
            raise PaperpressError([Problem(None, None, None, f"no template '{err.name}' in layouts", "check its name")]) from None
        except jinja2.UndefinedError as err:
            raise PaperpressError(
                [Problem(self._where(name), None, None, f"template error: {err.message}", "check the variable's name")]
            ) from None

    def read(self, name: str) -> bytes:
        """A static file (an image or font shipped with the layouts), first found in lookup order."""
        for folder in self.folders:
            path = folder / name
            if path.is_file():
                return path.read_bytes()
        raise PaperpressError([Problem(None, None, None, f"no file '{name}' in layouts")])

    def files(self) -> list[tuple[str, Path]]:
        """Every layout file in effect, as (name, path): what an edition's fingerprint must cover."""
        found: dict[str, Path] = {}
        for folder in reversed(self.folders):
            for path in sorted(folder.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    found[path.relative_to(folder).as_posix()] = path
        return sorted(found.items())

    def digest(self) -> str:
        h = hashlib.sha256()
        for name, path in self.files():
            h.update(name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
        return h.hexdigest()

    def _where(self, name: str) -> PurePosixPath:
        for folder in self.folders:
            if (folder / name).is_file():
                if folder == DEFAULTS or self.root is None:
                    return PurePosixPath("(paperpress defaults)") / name
                return PurePosixPath("layouts") / name
        return PurePosixPath("layouts") / name
