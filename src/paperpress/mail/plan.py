"""What `send` checks and gathers before the first message: the settings, the list, the built issue, the key.

Every problem is found here, with its file and line, before anything is sent: a run that starts has all it
needs. Knows the publication, the built files in dist/ and the environment the command passes in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..config import MailOptions
from ..errors import PaperpressError, Problem, Severity, count_problems, errors_in
from ..names import find_manifest, issue_name
from ..paths import relative
from ..run.issue import OpenPublication, build_info, check_issue
from .deliver import Server, Signing
from .ledger import LEDGER_NAME
from .message import Mailing, prepare
from .subscribers import SUBSCRIBERS_NAME, Subscriber, read_subscribers

#: The one place the SMTP password comes from.
PASSWORD_VARIABLE = "PAPERPRESS_SMTP_PASSWORD"
_CONFIG = PurePosixPath("paperpress.yaml")


@dataclass(frozen=True, slots=True)
class SendPlan:
    """Everything a run of `send` needs, checked."""

    mailing: Mailing
    subscribers: tuple[Subscriber, ...]
    server: Server
    signing: Signing | None
    warnings: tuple[Problem, ...]


def ledger_path(root: Path) -> Path:
    return root / LEDGER_NAME


def mail_settings(pub: OpenPublication) -> MailOptions:
    if pub.config.mail is None:
        raise PaperpressError([Problem(_CONFIG, None, "mail", "no 'mail:' settings: send needs an SMTP server",
                                       "add mail: with host, from and unsubscribe (see the README's Subscribe)")],
                              "nothing was sent.")
    return pub.config.mail


def sent_issue_name(pub: OpenPublication, typed: str) -> str:
    return issue_name(find_manifest(pub.root, typed))


def plan_sending(pub: OpenPublication, typed: str, subscribers_file: Path | None,
                 environ: Mapping[str, str]) -> SendPlan:
    """Reads and checks everything; raises PaperpressError with every problem found, nothing sent."""
    mail = mail_settings(pub)
    problems: list[Problem] = []
    listed = subscribers_file or pub.root / SUBSCRIBERS_NAME
    loaded = read_subscribers(listed, _shown(pub.root, listed))
    problems += loaded.problems
    checked = check_issue(pub, typed)
    problems += checked.problems
    issue = checked.value
    password = environ.get(PASSWORD_VARIABLE)
    if mail.user and not password:
        problems.append(Problem(_CONFIG, None, "mail.user", f"a user is set but {PASSWORD_VARIABLE} is not",
                                f"export {PASSWORD_VARIABLE} with the SMTP password (never write it in a file here)"))
    signing = _signing(pub.root, mail, problems)
    text = epub = None
    if issue is not None:
        folder = pub.root / "dist" / issue.name
        text = folder / f"{issue.name}.txt"
        epub = folder / f"{issue.name}.epub"
        kindle = loaded.value is not None and any(s.receives == "kindle" for s in loaded.value)
        for needed, wanted in ((text, True), (epub, kindle)):
            if wanted and not needed.is_file():
                problems.append(Problem(None, None, None, f"{issue.name} is not built: no dist/{issue.name}/{needed.name}",
                                        f"run `paperpress build {issue.name} -f txt -f epub` first"))
        epub = epub if kindle else None
        if not issue.publication.website:
            problems.append(Problem(_CONFIG, None, "website", "no website: the newsletter's headlines link nowhere",
                                    "set website to where dist/ is published", Severity.WARNING))
    if errors_in(problems) or issue is None or not loaded.ok or loaded.value is None or text is None:
        raise PaperpressError(problems, f"{count_problems(problems)}; nothing was sent.")
    mailing = prepare(issue, pub.layouts, build_info(pub, issue), mail, text.read_text(encoding="utf-8"), epub)
    server = Server(mail.host, mail.port, mail.security, mail.user, password)
    return SendPlan(mailing, loaded.value, server, signing, tuple(problems))


def _signing(root: Path, mail: MailOptions, problems: list[Problem]) -> Signing | None:
    if mail.dkim is None:
        return None
    path = Path(mail.dkim.key_file).expanduser()
    path = path if path.is_absolute() else root / path
    try:
        key = path.read_bytes()
    except OSError as err:
        problems.append(Problem(_CONFIG, None, "mail.dkim.key_file", f"cannot read the DKIM key: {err.strerror}",
                                "give the private key's PEM file"))
        return None
    if b"PRIVATE KEY" not in key:
        problems.append(Problem(_CONFIG, None, "mail.dkim.key_file", "not a PEM private key",
                                "openssl genrsa -out dkim.pem 2048 makes one"))
        return None
    return Signing(key, mail.dkim.domain, mail.dkim.selector)


def _shown(root: Path, path: Path) -> PurePosixPath:
    try:
        return relative(root, path.absolute()) if path.absolute().is_relative_to(root) else PurePosixPath(str(path))
    except ValueError:
        return PurePosixPath(str(path))
