"""``flask consortium build``: the best groupement for a tender from the command line, saved as a draft."""

from __future__ import annotations

import io
import json
import sys
import zipfile
from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.companies.models import Company
from app.consortium.documents import store
from app.consortium.formation.start import start_groupement
from app.consortium.jobs.solve import run_job
from app.consortium.models import Groupement
from app.consortium.request import DEFAULT_RADIUS_KM, Request
from app.db import get_session
from app.errors import CliError, DomainError
from app.tenders.models import Tender

consortium_cli = AppGroup("consortium", help="Groupements.")


@consortium_cli.command("build")
@click.argument("tender_ref")
@click.option("--for", "siret", help="SIRET de l'entreprise qui forme le groupement (incluse d'office).")
@click.option("--lots", help="Lots à couvrir, séparés par des virgules (identifiants de l'avis) ; défaut : tous.")
@click.option("--alternatives", type=click.IntRange(0, 9), default=3, show_default=True)
@click.option("--max-members", type=click.IntRange(1, 20), default=6, show_default=True)
@click.option("--radius", "radius_km", type=click.IntRange(1, 1000), default=None, help="Rayon en km ; défaut : 60.")
@click.option("--time-limit", type=click.FloatRange(1, 600), default=None, help="Secondes ; défaut : la config.")
@click.option("--json", "as_json", is_flag=True, help="Résultat en JSON sur la sortie standard.")
def build(tender_ref, siret, lots, alternatives, max_members, radius_km, time_limit, as_json) -> None:
    """Forme le meilleur groupement pour TENDER_REF (identifiant de l'avis ou numéro en base)."""
    session = get_session()
    tender = _tender(session, tender_ref)
    company = _company(session, siret) if siret else None
    request = Request(
        lot_ids=_lot_ids(tender, lots),
        max_members=max_members,
        radius_km=radius_km or DEFAULT_RADIUS_KM,
        company_id=company.id if company else None,
        alternatives=alternatives,
        time_limit_s=time_limit or float(current_app.config["SOLVER_TIME_LIMIT_S"]),
    )
    try:
        groupement = start_groupement(session, tender, company.organisation if company else None, None, request)
    except DomainError as error:
        raise CliError(error.message) from None
    session.commit()
    run_job(current_app._get_current_object(), groupement.runs[-1].id)
    session.expire_all()
    groupement = session.get(Groupement, groupement.id)
    summary = summarise(groupement)
    if as_json:
        json.dump(summary, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        _print(groupement, summary)


@consortium_cli.command("documents")
@click.argument("groupement_id", type=int)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Dossier.")
def documents(groupement_id: int, out_dir: Path) -> None:
    """Génère les documents du groupement (nouvelle version si quelque chose a changé) et les écrit dans OUT."""
    session = get_session()
    groupement = session.get(Groupement, groupement_id)
    if groupement is None:
        raise CliError(f"Groupement introuvable : n° {groupement_id}.")
    try:
        document_set, created = store.generate(session, groupement, None, date.today())
    except store.PackRefused as refusal:
        raise CliError("documents refusés :\n" + "\n".join(f"– {p}" for p in refusal.problems)) from None
    session.commit()
    out_dir.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(document_set.archive)) as bundle:
        bundle.extractall(out_dir)
    zip_path = out_dir / f"groupement-{groupement_id}-v{document_set.version}.zip"
    zip_path.write_bytes(document_set.archive)
    state = "nouvelle version" if created else "inchangée"
    click.echo(f"Version {document_set.version} ({state}), SHA-256 {document_set.sha256}")
    for entry in document_set.files:
        click.echo(f"  {out_dir / entry['name']}")
    click.echo(f"  {zip_path}")


def summarise(groupement: Groupement) -> dict:
    run = groupement.runs[-1]
    lot_ids = {lot.id: lot.lot_id for lot in groupement.tender.lots}
    return {
        "id": groupement.id,
        "status": run.solver_status or run.state.value,
        "objective": run.objective,
        "bound": run.bound,
        "groupements": [
            {
                "id": proposal.id,
                "members": [{"siret": m.company.siret, "role": m.role.value} for m in proposal.members],
                "assignments": [
                    {
                        "lot_id": lot_ids[a.lot_id],
                        "cpv": a.requirement,
                        "siret": a.company.siret,
                        "amount": a.amount_eur,
                    }
                    for a in proposal.assignments
                ],
            }
            for proposal in run.proposals
        ],
    }


def _print(groupement: Groupement, summary: dict) -> None:
    run = groupement.runs[-1]
    click.echo(f"Groupement n° {groupement.id} : {summary['status']}, coût {summary['objective']}, borne {run.bound}")
    for proposal in summary["groupements"]:
        members = ", ".join(f"{m['siret']} ({m['role']})" for m in proposal["members"])
        click.echo(f"  proposition {proposal['id']} : {members}")
    if run.message:
        click.echo(run.message, err=True)


def _tender(session, ref: str) -> Tender:
    tender = session.scalar(select(Tender).where(Tender.notice_id == ref))
    if tender is None and ref.isdigit():
        tender = session.get(Tender, int(ref))
    if tender is None:
        raise CliError(f"Appel d'offres introuvable : « {ref} ».")
    return tender


def _company(session, siret: str) -> Company:
    company = session.scalar(select(Company).where(Company.siret == siret.replace(" ", "")))
    if company is None:
        raise CliError(f"Entreprise introuvable : SIRET « {siret} ».")
    return company


def _lot_ids(tender: Tender, text: str | None) -> tuple[int, ...]:
    if not text:
        return ()
    by_ref = {lot.lot_id: lot.id for lot in tender.lots} | {str(lot.id): lot.id for lot in tender.lots}
    wanted = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [part for part in wanted if part not in by_ref]
    if unknown:
        raise CliError(f"Lot(s) inconnu(s) dans cet appel d'offres : {', '.join(unknown)}.")
    return tuple(by_ref[part] for part in wanted)


def init_app(app: Flask) -> None:
    app.cli.add_command(consortium_cli)
