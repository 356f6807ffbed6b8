"""The « Répartition » page: the initiating organisation sets each lot's offer price and who performs each work
package for how much (in euros or per cent of the lot's price), and the parts sub-contracted; each save is a new
version the members accept again. A save edited from another version than the one in force is refused, never
merged. Plain HTML: works without JavaScript."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from app.accounts.mail import UNDELIVERED, deliver
from app.companies.models import Company
from app.consortium.models import Groupement
from app.consortium.split import forms, notifications, versions
from app.consortium.split.current import agreed_split, current_version
from app.consortium.split.display import euros_or_undefined, split_view
from app.consortium.split.models import SplitVersion
from app.consortium.split.plan import line_field, price_field
from app.consortium.workflow import transitions as workflow
from app.db import get_or_404, get_session
from app.errors import DomainError
from app.forms import commit_or_show, form_status
from app.permissions import authorize

bp = Blueprint("split", __name__, template_folder="templates")
bp.add_app_template_filter(euros_or_undefined, "cents")
CONCURRENT = "Le groupement a été modifié entre-temps : rechargez la page et recommencez."


@bp.route("/groupements/<int:groupement_id>/repartition", methods=["GET", "POST"])
@login_required
def edit(groupement_id: int) -> str | Response | tuple[str, int]:
    groupement = get_or_404(Groupement, groupement_id)
    authorize("edit_groupement", groupement)
    session = get_session()
    try:
        versions.editable(groupement)
    except DomainError as refusal:
        flash(refusal.message, "error")
        return redirect(url_for("consortium.detail", groupement_id=groupement_id))
    base = agreed_split(session, groupement)
    assert base is not None  # editable: a proposal is adopted
    members = versions.member_names(groupement)
    asked = request.form.get("mode") if request.method == "POST" else request.args.get("saisie", forms.EUROS)
    form = forms.split_form(base, members, asked if asked in (forms.EUROS, forms.PERCENT) else forms.EUROS)
    if not form.is_submitted():
        forms.fill(form, base, _sirets(base))
    elif form.validate_on_submit():
        form.form_errors.extend(forms.foreign_lots(request.form.keys(), base))
        split = forms.read(form, base, members, session) if not form.form_errors else None
        if split is not None and _save(form, groupement_id, split):
            return redirect(url_for("consortium.detail", groupement_id=groupement_id))
    version = current_version(session, groupement)
    return render_template(
        "split/edit.html",
        groupement=groupement,
        form=form,
        view=split_view(session, groupement, base, version, None),
        history=_history(groupement_id),
        price_field=price_field,
        line_field=line_field,
        percent=form.mode.data == forms.PERCENT,
    ), form_status(form)


def _save(form: forms.SplitForm, groupement_id: int, split) -> bool:
    """Save the version (the groupement locked, then committed); whether it went through, flashed."""
    try:
        saved = commit_or_show(
            form,
            lambda session: versions.save_version(
                session, workflow.locked(session, groupement_id), current_user, split, form.base.data or ""
            ),
        )
    except StaleDataError:
        get_session().rollback()
        form.form_errors.append(CONCURRENT)
        return False
    if form.errors or form.form_errors:
        return False
    if saved is None:
        flash("Rien n'a changé : la répartition en vigueur reste la même.", "success")
    else:
        flash(f"Répartition enregistrée (version {saved.number}) : les membres doivent la confirmer.", "success")
        groupement = get_session().get(Groupement, groupement_id)
        if not deliver(*notifications.to_confirm_messages(groupement, saved.number)):
            flash(UNDELIVERED, "error")
    return True


def _sirets(base) -> dict[int, str]:
    ids = {line.subcontractor_id for line in base.lines if line.subcontractor_id is not None}
    if not ids:
        return {}
    return dict(get_session().execute(select(Company.id, Company.siret).where(Company.id.in_(ids))).all())


def _history(groupement_id: int) -> list[SplitVersion]:
    stmt = select(SplitVersion).where(SplitVersion.groupement_id == groupement_id)
    return list(get_session().scalars(stmt.order_by(SplitVersion.number.desc())))
