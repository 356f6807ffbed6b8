"""The buyer's « capacité locale » page: what local SMEs can perform, lot by lot, to help define the lots of a draft
or published tender. Public buyers and the operator only; a tender the user may not see answers 404."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from wtforms import IntegerField
from wtforms.validators import NumberRange, StopValidation

from app.consortium.request import DEFAULT_MAX_MEMBERS, DEFAULT_RADIUS_KM, Request
from app.db import get_or_404, get_session
from app.errors import DomainError
from app.forms import FrenchForm, form_status
from app.permissions import authorize, may
from app.reference.cpv_labels import cpv_labels
from app.tenders.models import Tender

bp = Blueprint("capacity", __name__, template_folder="templates")

MIN_RADIUS_KM, MAX_RADIUS_KM = 10, 200
RADIUS_ERROR = f"Le rayon doit être un nombre entier de kilomètres entre {MIN_RADIUS_KM} et {MAX_RADIUS_KM}."


class KilometresField(IntegerField):
    """A whole number of kilometres: one French message, whether the text is no number or out of range."""

    def process_formdata(self, valuelist: list) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(RADIUS_ERROR) from None

    def pre_validate(self, form: FrenchForm) -> None:
        if self.process_errors:
            raise StopValidation()  # already said: no second message from the range check


class RadiusForm(FrenchForm):
    """The radius around each lot's place of performance, read from the query string."""

    class Meta:
        csrf = False

    rayon = KilometresField(
        "Rayon autour du lieu d'exécution (km)",
        default=DEFAULT_RADIUS_KM,
        validators=[NumberRange(MIN_RADIUS_KM, MAX_RADIUS_KM, message=RADIUS_ERROR)],
        description=f"Entre {MIN_RADIUS_KM} et {MAX_RADIUS_KM} km ; {DEFAULT_RADIUS_KM} km par défaut.",
    )


@bp.get("/appels-d-offres/<int:tender_id>/capacite-locale")
def report(tender_id: int) -> tuple[str, int]:
    authorize("browse_directory")
    tender = get_or_404(Tender, tender_id)
    if not may(current_user, "view_tender", tender):
        abort(404)  # its existence is not revealed
    authorize("view_capacity", tender)
    form = RadiusForm(request.args)
    result, problem, labels = None, None, {}
    if form.validate():
        # OR-Tools loads with the solver (a second at start): imported on the first report, not when the app starts
        from app.consortium.capacity.report import capacity_report
        from app.consortium.selection.instance import prepare

        session = get_session()
        try:
            prepared = prepare(session, tender, Request(radius_km=form.rayon.data), date.today())
        except DomainError as error:
            problem = error.message
        else:
            result = capacity_report(prepared, DEFAULT_MAX_MEMBERS)
            codes = {code for lot in result.lots for code in lot.requirements}
            labels = cpv_labels(session, codes)
    page = render_template(
        "capacity/report.html", tender=tender, form=form, report=result, problem=problem, labels=labels
    )
    return page, form_status(form)
