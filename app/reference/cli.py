"""``flask cpv load FILE`` and ``flask reference load``: thin wrappers that commit once."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from app.db import get_session
from app.errors import CliError
from app.reference import loading
from app.reference.cpv_files import CpvFileError, read_cpv_file

cpv_cli = AppGroup("cpv", help="Nomenclature CPV.")
reference_cli = AppGroup("reference", help="Données de référence (communes, NUTS, CPV).")


def _load_cpv_file(path: Path) -> loading.LoadReport:
    try:
        return loading.load_cpv(get_session(), read_cpv_file(path))
    except CpvFileError as exc:
        get_session().rollback()
        raise CliError(f"{exc} — aucun code n'a été chargé.") from exc


@cpv_cli.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load_cpv_command(path: Path) -> None:
    """Load the CPV list from a genericode XML or a code,label_fr,label_en CSV file."""
    report = _load_cpv_file(path)
    get_session().commit()
    click.echo(f"Codes CPV : {report}.")


@reference_cli.command("load")
@click.option(
    "--cpv",
    "cpv_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Liste CPV complète ; à défaut (ou si le fichier n'existe pas), la liste intégrée.",
)
def load_reference_command(cpv_path: Path | None) -> None:
    """Load communes, NUTS regions and CPV codes (idempotent)."""
    session = get_session()
    communes = loading.load_communes(session)
    nuts = loading.load_nuts(session)
    source = cpv_path if cpv_path is not None and cpv_path.is_file() else loading.BUILTIN_CPV
    cpv = _load_cpv_file(source)
    session.commit()
    click.echo(f"Communes : {communes}.\nRégions NUTS : {nuts}.\nCodes CPV ({source.name}) : {cpv}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(cpv_cli)
    app.cli.add_command(reference_cli)
