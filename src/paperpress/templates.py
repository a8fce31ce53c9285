"""Jinja environments over the layered layouts: the publication's own `layouts/` over the packaged defaults.

A publication overrides any default file by giving one with the same path; `default/NAME` always reaches
the packaged original, so an override can extend it. HTML and XHTML templates autoescape; the text
edition has its own environment that does not. Undefined variables are errors. Article text only ever
reaches templates as data, never as template source.

Layouts are the editor's code, but they run sandboxed all the same (Jinja's immutable sandbox): a layout
can print what it is given and call the helpers in its context, and cannot reach Python's internals, run
commands or change the data. Every layout file is found through the publication's one path resolver, so a
symbolic link that leads out of the publication is refused.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import Any

import jinja2
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from .cache import CACHE_FOLDER
from .characters import refuse_forbidden
from .errors import PaperpressError, Problem
from .paths import relative, resolve_inside

DEFAULTS = Path(__file__).parent / "layouts"


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept in the publication's cache folder between runs, checked by source hash.

    Compiling the layouts costs about 0.2 s in every new process; a cold `paperpress build` need not pay it.
    A folder that cannot be written (a read-only checkout) only means compiling again.
    """

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass


def publication_file(root: Path, written: str, file: PurePosixPath, field: str | None = None) -> Path:
    """A file of the publication that an edition reads (a font, an ICC profile), through the one resolver.

    `written` is relative to the root; `file` and `field` say where it was named, for the message.
    """
    path, message, hint = resolve_inside(root, root, written)
    if path is None:
        raise PaperpressError([Problem(file, None, field, message or "cannot use this path", hint)])
    return path


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, deciding once per kind of object whether an attribute name is safe.

    Its rules look only at the object's class and the name (private names, Python's internals, methods that
    change a list, dict or set), never at the object itself, so the answer for one pair holds for every
    object of that class: the pages of a 160-article issue ask some 30,000 times about a few dozen pairs.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._safe: dict[tuple[type, type, str], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        key = (type(obj), obj.__class__, attr)  # both, as isinstance looks at both
        safe = self._safe.get(key)
        if safe is None:
            safe = self._safe[key] = super().is_safe_attribute(obj, attr, value)
        return safe


class _LayeredLoader(jinja2.BaseLoader):
    """Finds `NAME` in the first layout folder that has it, and `default/NAME` among the packaged defaults."""

    def __init__(self, find: Callable[[str, tuple[Path, ...]], tuple[Path, Path] | None], folders: tuple[Path, ...]) -> None:
        self.find = find
        self.folders = folders

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        name, folders = "/".join(split_template_path(template)), self.folders  # no `..` out of the layouts
        if template.startswith("default/"):
            name, folders = template.removeprefix("default/"), (DEFAULTS,)
        found = self.find(name, folders)
        if found is None:
            raise jinja2.TemplateNotFound(template)
        shown, real = found
        source = real.read_text(encoding="utf-8")
        mtime = real.stat().st_mtime_ns
        return source, str(shown), lambda: real.stat().st_mtime_ns == mtime


class Environments:
    """The Jinja environments of one Layouts, by kind, each built when first asked for and then reused.

    The one thing in a Layouts that changes: a cache, kept for the life of the process (a worker keeps
    its compiled templates across issues). Layouts are compared and hashed by their folders alone.
    """

    def __init__(self) -> None:
        self.by_kind: dict[str, jinja2.Environment] = {}

    def __reduce__(self) -> tuple[Any, ...]:
        """Empty: a compiled environment does not pickle, and the process that receives one makes its own."""
        return Environments, ()


#: The kinds of template: HTML (escaped) and text.
_KINDS = ("html", "text")


@dataclass(frozen=True)
class Layouts:
    """The template folders in lookup order (fixed), and their environments (a cache, see `Environments`)."""

    folders: tuple[Path, ...]  # the publication's layouts/ (if any), then the defaults
    root: Path | None = None  # the publication root, for messages
    environments: Environments = field(default_factory=Environments, compare=False, repr=False)

    @classmethod
    def for_publication(cls, root: Path | None) -> Layouts:
        root = root.absolute() if root is not None else None  # its folders become file URIs (the PDF's base)
        own = root / "layouts" if root is not None else None
        folders = ((own,) if own is not None and own.is_dir() else ()) + (DEFAULTS,)
        return cls(folders, root)

    def env(self, kind: str) -> jinja2.Environment:
        """`html` (autoescaping, for .html/.xhtml/.css templates) or `text` (no escaping); no other kind, so
        that a page asked for by a mistyped kind is not rendered without escaping."""
        if kind not in _KINDS:
            raise ValueError(f"templates are of kind {' or '.join(_KINDS)}, not {kind!r}")
        env = self.environments.by_kind.get(kind)
        if env is None:
            cache = None
            if self.root is not None:
                # One file pattern per kind: the same template compiles differently with and without escaping.
                cache = _BytecodeCache(str(self.root / CACHE_FOLDER / "layouts"), f"{kind}-%s.cache")
            env = _Sandbox(
                loader=_LayeredLoader(self._find, self.folders),
                autoescape=(kind == "html"),
                undefined=jinja2.StrictUndefined,
                trim_blocks=True,
                lstrip_blocks=True,
                keep_trailing_newline=True,
                auto_reload=False,
                bytecode_cache=cache,
            )
            self.environments.by_kind[kind] = env
        return env

    def render(self, kind: str, name: str, context: dict[str, Any]) -> str:
        """Renders one template; template mistakes become Problems that name the template file and line."""
        try:
            rendered = self.env(kind).get_template(name).render(context)
        except jinja2.TemplateSyntaxError as err:
            raise PaperpressError([Problem(self._where(err.name or name), err.lineno, None, err.message or "syntax error")]) from None
        except jinja2.TemplateNotFound as err:
            raise PaperpressError([Problem(None, None, None, f"no template '{err.name}' in layouts", "check its name")]) from None
        except jinja2.TemplateError as err:
            file, line = self._raised_at(err.__traceback__, name)
            hint: str | None = None
            if isinstance(err, SecurityError):
                hint = "a layout may use the variables and helpers it is given, not Python's internals"
            elif isinstance(err, jinja2.UndefinedError):
                hint = "check the variable's name"
            raise PaperpressError([Problem(file, line, None, f"template error: {err.message}", hint)]) from None
        return refuse_forbidden(rendered, f"the output of layout '{name}'")  # XML, HTML and plain text alike

    def read(self, name: str) -> bytes:
        """A static file (an image or font shipped with the layouts), first found in lookup order."""
        found = self._find(name, self.folders)
        if found is None:
            raise PaperpressError([Problem(None, None, None, f"no file '{name}' in layouts")])
        return found[1].read_bytes()

    def files(self) -> list[tuple[str, Path]]:
        """Every layout file in effect, as (name, path): what an edition's fingerprint must cover."""
        found: dict[str, Path] = {}
        for folder in reversed(self.folders):
            for path in sorted(folder.rglob("*")):
                if (path.is_file() or path.is_symlink()) and "__pycache__" not in path.parts:
                    name = path.relative_to(folder).as_posix()
                    found[name] = self._checked(folder, name)
        return sorted(found.items())

    def _find(self, name: str, folders: tuple[Path, ...]) -> tuple[Path, Path] | None:
        """(the path as found, the real file) for `name` in the first of `folders` that has it, or None.

        A symbolic link counts as there even when it is broken, so it is refused rather than skipped.
        """
        for folder in folders:
            path = folder / name
            if path.is_file() or path.is_symlink():
                return path, self._checked(folder, name)
        return None

    def _checked(self, folder: Path, name: str) -> Path:
        """`folder/name` through the one path resolver: inside the publication (or the packaged defaults)."""
        inside = DEFAULTS if folder == DEFAULTS or self.root is None else self.root
        path, message, hint = resolve_inside(inside, folder, name)
        if path is None:
            raise PaperpressError([Problem(self._shown(folder, name), None, None, message or "cannot use this file", hint)])
        return path

    def _raised_at(self, trace: TracebackType | None, name: str) -> tuple[PurePosixPath, int | None]:
        """The layout file and line a template error came from: the innermost template frame Jinja left."""
        found: tuple[PurePosixPath, int | None] = (self._where(name), None)
        while trace is not None:
            filename = trace.tb_frame.f_code.co_filename
            for folder in self.folders:
                if filename.startswith(str(folder) + os.sep):
                    found = (self._shown(folder, Path(filename).relative_to(folder).as_posix()), trace.tb_lineno)
            trace = trace.tb_next
        return found

    def _shown(self, folder: Path, name: str) -> PurePosixPath:
        if folder == DEFAULTS or self.root is None:
            return PurePosixPath("(paperpress defaults)") / name
        return relative(self.root, folder / name)

    def _where(self, name: str) -> PurePosixPath:
        for folder in self.folders:
            if (folder / name).is_file():
                return self._shown(folder, name)
        return PurePosixPath("layouts") / name
