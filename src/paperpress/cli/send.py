"""`paperpress send`: what it prints and the exit status it chooses; the work is in mail/."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from ..mail.deliver import deliver, write_outbox
from ..mail.ledger import Ledger
from ..mail.plan import ledger_path, plan_sending, sent_issue_name
from ..run.issue import open_publication


def send_issue(root: Path, typed: str, subscribers: Path | None, resend_uncertain: bool, rate: float | None,
               dry_run: bool, outbox: Path | None, retry_wait: float = 30.0) -> int:
    """Sends (or with `dry_run` writes) the issue's messages; returns the exit status."""
    pub = open_publication(root)
    for warning in pub.warnings:
        typer.echo(str(warning), err=True)
    plan = plan_sending(pub, typed, subscribers, os.environ)
    for warning in plan.warnings:
        typer.echo(str(warning), err=True)
    name = plan.mailing.issue
    listed = [(s.email, s.name, s.receives) for s in plan.subscribers]
    with Ledger(ledger_path(root)) as ledger:
        ledger.exclusive()
        if dry_run:
            folder = (outbox or root / "outbox" / name).absolute()
            written = write_outbox(folder, plan.mailing, listed, ledger.token, plan.signing)
            typer.echo(f"{name}: {len(written)} messages written to {folder}; nothing was sent")
            return 0
        added = ledger.enlist(name, listed)
        again = ledger.resend_uncertain(name) if resend_uncertain else 0
        if added:
            typer.echo(f"{name}: {added} new subscribers in the ledger")
        if again:
            typer.echo(f"{name}: sending {again} uncertain messages again, as asked")
        report = deliver(ledger, plan.mailing, plan.server, signing=plan.signing, rate=rate, backoff=retry_wait)
        tally = ledger.tally(name)
    if report.requeued:
        typer.echo(f"{name}: {report.requeued} messages a stopped run had not finished were sent again")
    for email, detail in report.refused:
        typer.echo(f"refused: {email}: {detail}", err=True)
    for email, detail in report.deferred:
        typer.echo(f"put off: {email}: {detail} (run again later to retry)", err=True)
    for email in report.uncertain:
        typer.echo(f"uncertain: {email}: the connection was lost before the server answered", err=True)
    if report.found_uncertain:
        typer.echo(f"{name}: {report.found_uncertain} messages a stopped run left uncertain; "
                   "see `paperpress send --status`", err=True)
    typer.echo(f"{name}: {report.sent} sent now; {_tally_line(tally.counts)}")
    return 1 if report.refused or report.deferred or report.uncertain else 0


def show_status(root: Path, typed: str) -> int:
    """Prints the issue's tally and every uncertain and refused delivery; 0 when every one was sent."""
    name = sent_issue_name(open_publication(root), typed)
    path = ledger_path(root)
    if not path.is_file():
        typer.echo(f"{name}: nothing sent yet")
        return 0
    with Ledger(path) as ledger:
        tally = ledger.tally(name)
        if not tally.total:
            typer.echo(f"{name}: nothing sent yet")
            return 0
        typer.echo(f"{name}: {_tally_line(tally.counts)}")
        for d in ledger.listed(name, ("uncertain", "refused", "pending")):
            if d.state != "pending" or d.detail:
                typer.echo(f"{d.state}: {d.email}: {d.detail or ''}".rstrip(": "))
    if tally["uncertain"]:
        typer.echo("uncertain messages may have arrived; `paperpress send --resend-uncertain` sends them again")
    return 0 if tally["sent"] + tally["refused"] + tally["withdrawn"] == tally.total else 1


def _tally_line(counts: dict[str, int]) -> str:
    """"12 sent, 1 refused, 2 pending, 1 uncertain": every state a delivery can be left in, in that order."""
    pending = counts.get("pending", 0) + counts.get("sending", 0)
    uncertain = counts.get("uncertain", 0) + counts.get("committing", 0)
    line = f"{counts.get('sent', 0)} sent, {counts.get('refused', 0)} refused, {pending} pending, {uncertain} uncertain"
    return line + (f", {counts['withdrawn']} withdrawn (left the list)" if counts.get("withdrawn") else "")
