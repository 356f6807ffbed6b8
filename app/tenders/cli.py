"""``flask tenders parse`` and ``flask tenders import``: files or folders, recursively."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date, time
from decimal import Decimal
from enum import Enum
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from app.db import get_session
from app.errors import DomainError
from app.tenders.parsing.dispatch import parse_notice
from app.tenders.parsing.model import NoticeParseError, Skipped
from app.tenders.services import import_notice

tenders_cli = AppGroup("tenders", help="Avis de marché.")
_PATHS = click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))


def notice_files(paths: tuple[Path, ...]) -> Iterator[Path]:
    """The XML files named, and those found under the folders named, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".xml")
        else:
            yield path


def _jsonable(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"not serialisable: {type(value).__name__}")


def parse_result(path: Path) -> dict:
    """One line of ``flask tenders parse``: status ok / skipped / error for a file."""
    try:
        parsed = parse_notice(path.read_bytes())
    except NoticeParseError as exc:
        return {"file": str(path), "status": "error", "error": str(exc)}
    except OSError as exc:
        return {"file": str(path), "status": "error", "error": f"fichier illisible ({exc.strerror})"}
    if isinstance(parsed, Skipped):
        return {"file": str(path), "status": "skipped", "reason": parsed.reason}
    return {"file": str(path), "status": "ok", "notice": dataclasses.asdict(parsed)}


@tenders_cli.command("parse")
@click.option("--format", "output", type=click.Choice(["json"]), default="json", show_default=True)
@_PATHS
def parse_command(output: str, paths: tuple[Path, ...]) -> None:
    """Parse notices and print one JSON object per line and file (nothing is stored)."""
    failed = 0
    for path in notice_files(paths):
        result = parse_result(path)
        failed += result["status"] == "error"
        click.echo(json.dumps(result, ensure_ascii=False, default=_jsonable))
    if failed:
        sys.exit(1)


def _operator(_tender) -> bool:
    """The command line is the operator's: it supersedes any tender, whoever imported it."""
    return True


@tenders_cli.command("import")
@_PATHS
def import_command(paths: tuple[Path, ...]) -> None:
    """Store notices: a re-import changes nothing, a newer version updates the stored tender in place."""
    files = list(notice_files(paths))
    counts: Counter[str] = Counter()
    problems: list[str] = []
    session = get_session()
    with click.progressbar(files, label="Import des avis", file=sys.stderr, show_pos=True) as bar:
        for path in bar:
            try:
                outcome = import_notice(session, path.read_bytes(), path.name, may_supersede=_operator)
            except (NoticeParseError, DomainError, OSError) as exc:
                session.rollback()
                counts["failed"] += 1
                problems.append(f"  {path} : {exc}")
                continue
            session.commit()  # one notice, one transaction: a bad file never undoes the others
            counts[outcome.status] += 1
            problems.extend(f"  {path} : {warning}" for warning in outcome.warnings)
            if outcome.status == "skipped":
                problems.append(f"  {path} : ignoré — {outcome.reason}")
    click.echo(
        f"Avis : {counts['imported']} importés, {counts['updated']} mis à jour, {counts['unchanged']} inchangés, "
        f"{counts['skipped']} ignorés, {counts['failed']} en erreur."
    )
    for line in problems:
        click.echo(line)
    if counts["failed"]:
        sys.exit(1)


def init_app(app: Flask) -> None:
    app.cli.add_command(tenders_cli)
