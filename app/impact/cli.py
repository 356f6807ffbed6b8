"""``flask impact refresh``, ``report`` and ``demo``; and the facts recomputed after every award import (the signal
``contracts_imported``, sent by the importer before its last commit)."""

from __future__ import annotations

import json
import sys
from datetime import date

import click
from flask import Flask, after_this_request, has_request_context
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.awards.importing import contracts_imported
from app.awards.models import AwardedContract
from app.awards.store import Store, batches
from app.companies.models import Company
from app.db import get_session
from app.formatting import number_fr
from app.impact import facts, jobs
from app.impact.demo import generate_contracts
from app.impact.figures import Filters
from app.impact.report import report

impact_cli = AppGroup("impact", help="Les « retombées » : ce qui reste dans la Métropole.")


@impact_cli.command("refresh")
@click.option("--full", is_flag=True, help="Tout recalculer, pas seulement ce qui a changé.")
def refresh_command(full: bool) -> None:
    """Recompute the facts of the contracts that changed since the last time (all of them with --full)."""
    session = get_session()
    done = facts.refresh(session, full=full)
    session.commit()
    click.echo(f"Retombées recalculées : {number_fr(done)} marché{'s' if done > 1 else ''}.")


@impact_cli.command("report")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="Attribués à partir du (AAAA-MM-JJ).")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Attribués jusqu'au (AAAA-MM-JJ).")
@click.option("--json", "as_json", is_flag=True, help="Un objet JSON, comme le tableau de bord le calcule.")
def report_command(date_from, date_to, as_json: bool) -> None:
    """The operator's headline figures for the period (the same function as the dashboard)."""
    start: date | None = date_from.date() if date_from else None
    end: date | None = date_to.date() if date_to else None
    if start and end and start > end:
        raise click.BadParameter("la date de début est après la date de fin", param_hint="--from")
    session = get_session()
    facts.refresh(session)
    session.commit()
    figures = report(session, Filters(date_from=start, date_to=end))
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False))
        return
    for line in _lines(figures):
        click.echo(line)


@impact_cli.command("demo")
@click.option("--contracts", "count", type=click.IntRange(1, 2_000_000), default=3000, show_default=True)
@click.option("--year", type=click.IntRange(2000, 2100), default=2025, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--if-empty", is_flag=True, help="Ne rien faire si des marchés sont déjà enregistrés.")
def demo_command(count: int, year: int, seed: int, if_empty: bool) -> None:
    """Store COUNT demonstration contracts awarded in YEAR (source « demo »), then recompute the figures."""
    session = get_session()
    if if_empty and session.scalar(select(AwardedContract.id).limit(1)) is not None:
        click.echo("Marchés déjà enregistrés : rien à faire.")
        return
    sirets = list(session.scalars(select(Company.siret).order_by(Company.id)))
    store = Store(session, "démonstration")
    contracts = generate_contracts(count, [year], sirets, seed)
    with click.progressbar(length=count, label="Marchés de démonstration", file=sys.stderr) as bar:
        for batch in batches(contracts):
            store.add(session, batch)
            session.commit()
            bar.update(len(batch))
    facts.refresh(session)
    session.commit()
    report = store.report
    click.echo(f"Marchés de démonstration : {report.stored} ajoutés, {report.updated} mis à jour ({year}).")


def _lines(figures: dict) -> list[str]:
    period = f"du {figures['from'] or 'début'} au {figures['to'] or 'dernier marché'}"
    return [
        f"Retombées {period}",
        f"  Marchés : {number_fr(figures['contracts'])}, {number_fr(round(figures['amount_eur']))} € HT",
        f"  Part locale : {_percent(figures['local_share_amount'])} du montant "
        f"({number_fr(round(figures['local_amount_eur']))} € HT), {_percent(figures['local_share_count'])} des marchés",
        f"  Part des PME : {_percent(figures['sme_share_amount'])} du montant, "
        f"{_percent(figures['sme_share_count'])} des marchés",
        f"  Marchés sans titulaire identifiable : {number_fr(figures['unidentified_contracts'])}",
    ]


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f} %".replace(".", ",")


def _refresh_after_import(session: Session) -> None:
    """At once, in the import's transaction; after a page's upload on a large platform, in the background once the
    response is sent (``app.impact.jobs``): the dashboard says « Recalculer » meanwhile."""
    if has_request_context() and jobs.is_large(session):

        @after_this_request
        def _later(response):
            jobs.refresh_later()
            return response

        return
    facts.refresh(session)


def init_app(app: Flask) -> None:
    app.cli.add_command(impact_cli)
    contracts_imported.connect(_refresh_after_import)
