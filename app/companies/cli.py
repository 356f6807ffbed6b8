"""``flask companies import-sirene|search`` and ``flask demo seed``: thin wrappers that commit once."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from app.companies import importing
from app.companies.search import CompanyQuery, search_companies
from app.companies.sirene import Rejection, SireneFileError
from app.db import get_session
from app.errors import CliError
from app.search import SearchError

companies_cli = AppGroup("companies", help="Registre des entreprises.")
demo_cli = AppGroup("demo", help="Données de démonstration.")
SHOWN_REJECTIONS = 20
# A cell starting with one of these is read as a formula by spreadsheets (« =cmd|'/C calc'!A0 »): CSV injection.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """The cell as text, a single quote before it when a spreadsheet would run it as a formula."""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


@companies_cli.command("import-sirene")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--rejects",
    "rejects_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Écrire toutes les lignes rejetées (ligne, siret, motif) dans ce fichier CSV.",
)
def import_sirene_command(path: Path, rejects_path: Path | None) -> None:
    """Import a SIRENE StockEtablissement CSV file (active establishments of the territory)."""
    shown: list[Rejection] = []
    rejects_file = rejects_path.open("w", newline="", encoding="utf-8") if rejects_path else None
    writer = csv.writer(rejects_file) if rejects_file else None
    if writer:
        writer.writerow(["ligne", "siret", "motif"])

    def on_rejection(rejection: Rejection) -> None:
        if len(shown) < SHOWN_REJECTIONS:
            shown.append(rejection)
        if writer:
            writer.writerow([spreadsheet_safe(cell) for cell in (rejection.line, rejection.siret, rejection.reason)])

    session = get_session()
    try:
        with path.open("rb") as handle, _progress(path.stat().st_size, "Import SIRENE") as bar:
            report = importing.import_sirene(session, handle, on_rejection=on_rejection, on_progress=bar.update)
    except SireneFileError as exc:
        session.rollback()
        raise CliError(f"{path.name} : {exc} — rien n'a été importé.") from exc
    finally:
        if rejects_file:
            rejects_file.close()
    session.commit()
    _print_report(report, shown, rejects_path)


def _progress(length: int, label: str):
    return click.progressbar(length=length, label=label, file=sys.stderr, show_percent=True, show_eta=True)


def _print_report(report: importing.ImportReport, shown: list[Rejection], rejects_path: Path | None) -> None:
    ignored = ", ".join(f"{count} {reason}" for reason, count in sorted(report.ignored.items())) or "aucun"
    click.echo(
        f"Établissements : {report.inserted} ajoutés, {report.updated} mis à jour, "
        f"{report.kept} gérés par leur entreprise (inchangés), {report.rejected} rejetés ; ignorés : {ignored}."
    )
    for rejection in shown:
        click.echo(f"  ligne {rejection.line} ({rejection.siret or 'sans SIRET'}) : {rejection.reason}")
    if report.rejected > len(shown):
        where = f" ; liste complète dans {rejects_path}" if rejects_path else " (--rejects FICHIER pour tout voir)"
        click.echo(f"  … et {report.rejected - len(shown)} autres rejets{where}.")


@companies_cli.command("search")
@click.option("--cpv", help="Code CPV ou préfixe (4533 trouve 45331000 et 45330000).")
@click.option("--near", help="Code INSEE de la commune de référence.")
@click.option("--radius", "radius_km", type=click.FloatRange(min=0), help="Rayon en km autour de --near.")
@click.option("--size", "sizes", multiple=True, type=click.Choice(["micro", "small", "medium", "large"]))
@click.option("--certification", help="Organisme ou certification (Qualibat, RGE, ISO 9001…).")
@click.option("--limit", type=click.IntRange(1, 100), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Un tableau JSON au lieu d'un tableau lisible.")
def search_command(cpv, near, radius_km, sizes, certification, limit, as_json) -> None:
    """Search the register, as the directory page does."""
    if radius_km is not None and not near:
        raise CliError("--radius demande --near (le code INSEE de la commune de référence).")
    query = CompanyQuery(
        cpv=cpv, near=near, radius_km=radius_km, sizes=tuple(sizes), certification=certification, per_page=limit
    )
    try:
        result = search_companies(get_session(), query)
    except SearchError as exc:
        raise CliError(str(exc)) from exc
    rows = [_as_dict(hit) for hit in result.items]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    click.echo(f"{result.total} entreprises ; {len(rows)} affichées.")
    for row in rows:
        distance = f"{row['distance_km']:>6.1f} km  " if "distance_km" in row else ""
        click.echo(f"{distance}{row['siret']}  {row['name']}  ({row['commune_name']})  {' '.join(row['competences'])}")


def _as_dict(hit) -> dict:
    company = hit.company
    row = {
        "siret": company.siret,
        "name": company.display_name,
        "legal_name": company.legal_name,
        "commune": company.commune_insee,
        "commune_name": company.commune.name,
        "naf": company.naf_code,
        "size": company.size_category,
        "competences": sorted({c.cpv_code for c in company.competences}),
        "certifications": sorted({c.scheme for c in company.certifications}),
    }
    if hit.distance_km is not None:
        row["distance_km"] = round(hit.distance_km, 1)
    return row


@demo_cli.command("seed")
@click.option("--companies", "count", type=click.IntRange(1, 1_000_000), default=2000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--if-empty", is_flag=True, help="Ne rien faire si le registre contient déjà des entreprises.")
def seed_command(count: int, seed: int, if_empty: bool) -> None:
    """Write a deterministic, realistic demo register of COUNT companies."""
    session = get_session()
    if if_empty and importing.company_count(session):
        click.echo("Registre déjà rempli : rien à faire.")
        return
    with _progress(count, "Registre de démonstration") as bar:
        report = importing.seed_demo(session, count=count, seed=seed, on_progress=bar.update)
    session.commit()
    click.echo(f"Entreprises de démonstration : {report.inserted} ajoutées, {report.updated} mises à jour.")


def init_app(app: Flask) -> None:
    app.cli.add_command(companies_cli)
    app.cli.add_command(demo_cli)
