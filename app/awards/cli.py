"""``flask awards parse`` and ``flask awards import``: award notices and DECP files, or folders of them."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from app.awards.importing import AwardFileError, FileImport, records
from app.awards.model import Rejected
from app.awards.parsing.json_out import contract_json
from app.awards.store import Report
from app.db import get_session
from app.tenders.parsing.model import Skipped

awards_cli = AppGroup("awards", help="Attributions : avis d'attribution et données essentielles (DECP).")
SUFFIXES = {".xml", ".json"}
_PATHS = click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))


def award_files(paths: tuple[Path, ...]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        else:
            yield path


@awards_cli.command("parse")
@click.option(
    "--format", "output", type=click.Choice(["json"]), default="json", help="Sortie : une ligne JSON par fichier."
)
@_PATHS
def parse_command(output: str, paths: tuple[Path, ...]) -> None:
    """Print, per file, the contracts it awards: one JSON object per line."""
    for path in award_files(paths):
        click.echo(json.dumps(_parsed(path), ensure_ascii=False))


def _parsed(path: Path) -> dict:
    line: dict = {"file": str(path), "status": "ok", "reason": None, "contracts": []}
    try:
        with path.open("rb") as stream:
            found = records(stream)
            if isinstance(found, Skipped):
                return line | {"status": "skipped", "reason": found.reason}
            rejected = []
            for record in found:
                if isinstance(record, Rejected):
                    rejected.append(f"enregistrement {record.position} : {record.reason}")
                else:
                    line["contracts"].append(contract_json(record))
            if rejected:
                line["reason"] = "; ".join(rejected[:20])
    except (AwardFileError, OSError) as error:
        return line | {"status": "error", "reason": str(error), "contracts": line["contracts"]}
    return line


@awards_cli.command("import")
@_PATHS
def import_command(paths: tuple[Path, ...]) -> None:
    """Store the contracts of award notices and DECP files (idempotent), matched to the register and the tenders;
    our groupements' outcomes recorded."""
    session = get_session()
    total = Report()
    failed = []
    for path in award_files(paths):
        report = Report()
        try:
            with path.open("rb") as stream, _progress(path) as bar:
                importing = FileImport(session, stream, path.name)
                report = importing.report
                for _batch in importing.run():
                    session.commit()  # batch by batch: a failure later keeps these
                    bar.update(stream.tell() - bar.pos)
        except (AwardFileError, OSError) as error:
            session.rollback()
            failed.append(f"  {path} : {error}")
        _add(total, report)
        click.echo(f"{path.name} : {_summary(report)}", err=True)
    click.echo(f"Contrats : {_summary(total)}.")
    for line in (*failed, *(f"  {reason}" for reason in total.reasons), *(f"  {o}" for o in total.outcomes)):
        click.echo(line)
    if failed:
        sys.exit(1)


def _progress(path: Path):
    """The share of the file read, on the terminal (a national DECP file takes minutes); nothing when piped."""
    return click.progressbar(length=path.stat().st_size, label=path.name, file=sys.stderr, show_eta=True)


def _summary(report: Report) -> str:
    return (
        f"{report.stored} enregistrés, {report.updated} mis à jour, {report.unchanged} inchangés, "
        f"{report.rejected} rejetés, {report.linked} rattachés à un appel d'offres, "
        f"{report.unmatched_holders} titulaires hors répertoire"
    )


def _add(total: Report, report: Report) -> None:
    for name in ("stored", "updated", "unchanged", "rejected", "unmatched_holders", "linked"):
        setattr(total, name, getattr(total, name) + getattr(report, name))
    total.reasons.extend(report.reasons)
    total.outcomes.extend(report.outcomes)


def init_app(app: Flask) -> None:
    app.cli.add_command(awards_cli)
