"""The operator's « retombées » dashboard (the CCI): figures, pictures and tables under filters kept in the URL,
each table downloadable as CSV and XLSX."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from app.db import get_session
from app.formatting import number_fr
from app.forms import FrenchForm, form_status
from app.impact import charts, facts, jobs
from app.impact.contracts import buyer_contracts, buyer_name
from app.impact.downloads import CSV_TYPE, XLSX_TYPE, as_csv, as_xlsx
from app.impact.figures import Filters, by_division, by_quarter, headline
from app.impact.forms import ImpactFilterForm
from app.impact.models import ImpactState
from app.impact.shares import SPLIT_LABELS
from app.impact.tables import TABLES, plain
from app.permissions import authorize
from app.reference.models import Commune

bp = Blueprint("impact", __name__, url_prefix="/operateur/retombees")
FILTER_FIELDS = ("annee", "trimestre", "division", "territoire", "acheteur")  # what the links carry on
BUYER_ID = re.compile(r"\d{9}(\d{5})?")

ON_PAGE = (
    "annees",
    "trimestres",
    "divisions",
    "territoires",
    "acheteurs",
    "titulaires",
    "entonnoir",
    "premiers-marches",
)
# National reference points (Observatoire économique de la commande publique, recensement 2023).
NATIONAL = {"contracts": 243_731, "amount_eur": 170.6e9, "sme_share_count": 0.599, "sme_share_amount": 0.272}


class RecomputeForm(FrenchForm):
    """A button: its CSRF token."""


def _filters(form: ImpactFilterForm) -> Filters:
    return form.filters() if form.validate() else Filters()


@bp.get("")
@login_required
def dashboard() -> tuple[str, int]:
    authorize("view_impact")
    form = ImpactFilterForm(request.args)
    filters = _filters(form)
    session = get_session()
    tables, pictures = _tables_and_pictures(session, filters)
    return render_template(
        "impact/dashboard.html",
        form=form,
        top=headline(session, filters),
        tables={slug: tables[slug] for slug in ON_PAGE},
        communes=tables["communes"],
        pictures=pictures,
        plain=plain,
        split_labels=SPLIT_LABELS,
        national=NATIONAL,
        state=session.get(ImpactState, 1),
        stale=facts.is_stale(session),
        recompute_form=RecomputeForm(),
        query={name: value for name, value in request.args.items() if name in FILTER_FIELDS and value},
    ), form_status(form)


def _tables_and_pictures(session, filters: Filters) -> tuple[dict, dict]:
    tables = {slug: build(session, filters) for slug, build in TABLES.items()}
    positions = {c.insee_code: (c.latitude, c.longitude) for c in session.query(Commune)}
    spots = [
        charts.Spot(row[0], *positions[row[1]], float(row[4])) for row in tables["communes"].rows if row[1] in positions
    ]
    quarters = [
        charts.Bar(r.label, float(r.local_amount_eur), float(r.amount_eur)) for r in by_quarter(session, filters)
    ]
    divisions = [
        charts.Bar(f"{r.key} {r.label}", float(r.local_amount_eur), float(r.amount_eur))
        for r in by_division(session, filters)[:12]
    ]
    pictures = {
        "trimestres": charts.stacked_bars(
            quarters, "Montant attribué par trimestre, dont la part locale", "graphique-trimestres"
        ),
        "divisions": charts.share_bars(divisions, "Part locale du montant par division CPV", "graphique-divisions"),
        "communes": charts.commune_map(spots, "Montant local par commune de la Métropole", "carte-communes"),
    }
    return tables, pictures


@bp.get("/rapport.pdf")
@login_required
def report_pdf() -> Response:
    """The printable report: the same figures, tables and pictures as the page, for the period chosen."""
    authorize("view_impact")
    form = ImpactFilterForm(request.args)
    if not form.validate():
        abort(400)
    from app.consortium.documents.rendering import render_pdf  # noqa: PLC0415 — WeasyPrint, loaded for a PDF only

    filters = form.filters()
    session = get_session()
    tables, pictures = _tables_and_pictures(session, filters)
    html = render_template(
        "impact/report.html",
        period=_described(filters),
        today=date.today(),
        top=headline(session, filters),
        tables=tables,
        pictures=pictures,
        plain=plain,
        split_labels=SPLIT_LABELS,
        national=NATIONAL,
    )
    headers = {"Content-Disposition": 'attachment; filename="retombees-rapport.pdf"'}
    return Response(render_pdf(html), mimetype="application/pdf", headers=headers)


@bp.post("/recalcul")
@login_required
def recompute() -> Response:
    """Recompute what changed since the last time (an import recomputes by itself; the register's changes wait)."""
    authorize("view_impact")
    form = RecomputeForm()
    if form.validate_on_submit():
        session = get_session()
        if jobs.is_large(session):
            jobs.refresh_later()
            flash("Recalcul lancé en arrière-plan : les chiffres seront à jour dans quelques minutes.", "success")
        else:
            done = facts.refresh(session)
            session.commit()
            flash(f"Retombées recalculées : {number_fr(done)} marché{'s' if done > 1 else ''}.", "success")
    return redirect(url_for("impact.dashboard"))


@bp.get("/<slug>.<extension>")
@login_required
def download(slug: str, extension: str) -> Response:
    authorize("view_impact")
    if slug not in TABLES or extension not in ("csv", "xlsx"):
        abort(404)
    form = ImpactFilterForm(request.args)
    if not form.validate():
        abort(400)
    table = TABLES[slug](get_session(), form.filters())
    caption = f"{table.title} — {_described(form.filters())}"
    body, mimetype = (as_csv(table, caption), CSV_TYPE) if extension == "csv" else (as_xlsx(table, caption), XLSX_TYPE)
    headers = {"Content-Disposition": f'attachment; filename="retombees-{slug}.{extension}"'}
    return Response(body, mimetype=mimetype, headers=headers)


def _described(filters: Filters) -> str:
    """The filters in words, written at the top of every file: a figure never leaves without its scope."""
    said = [
        f"du {filters.date_from.isoformat()}" if filters.date_from else "",
        f"au {filters.date_to.isoformat()}" if filters.date_to else "",
        f"division CPV {filters.division}" if filters.division else "",
        f"territoire {filters.territory}" if filters.territory else "",
        f"acheteur {filters.buyer}" if filters.buyer else "",
    ]
    return ", ".join(s for s in said if s) or "tous les marchés connus"


buyers = Blueprint("buyers", __name__, url_prefix="/acheteurs")


@buyers.get("/<buyer_id>")
@login_required
def buyer(buyer_id: str) -> tuple[str, int]:
    """A public buyer's contracts and shares beside the Métropole's, by CPV division: from public data (the DECP
    and award notices), for every signed-in user; sourcing information, never an award criterion."""
    authorize("view_buyer")
    if not BUYER_ID.fullmatch(buyer_id):
        abort(404)
    session = get_session()
    form = ImpactFilterForm(request.args)
    period = _filters(form)
    mine = replace(period, buyer=buyer_id, division=None, territory=None)
    everyone = replace(period, division=None, territory=None)
    top = headline(session, mine)
    metropole = {row.key: row for row in by_division(session, everyone)}
    return render_template(
        "impact/buyer.html",
        buyer_id=buyer_id,
        name=buyer_name(session, buyer_id),
        form=form,
        top=top,
        metropole=headline(session, everyone),
        divisions=[(row, metropole.get(row.key)) for row in by_division(session, mine)],
        contracts=buyer_contracts(session, buyer_id, mine),
        plain=plain,
        split_labels=SPLIT_LABELS,
    ), form_status(form)
