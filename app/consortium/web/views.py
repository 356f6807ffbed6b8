"""Forming a groupement in the browser: the request form, the groupement page (progress while the solver runs,
proposals, members and their answers, audit trail), and every action on it. Only the initiating organisation
acts on its groupement; invited companies see it and answer."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from app.accounts.mail import UNDELIVERED, deliver
from app.accounts.models import COMPANY_KINDS, Organisation
from app.companies.models import Company
from app.companies.owned import companies_of
from app.consortium import notifications
from app.consortium.formation import start
from app.consortium.jobs.solve import submit
from app.consortium.models import Groupement, GroupementMember, Proposal, SolverRun
from app.consortium.vocabulary import GroupementStatus
from app.consortium.web.forms import CHOICES, GroupementForm, lots_work
from app.consortium.web.pages import groupement_page
from app.consortium.web.wording import wording
from app.consortium.workflow import transitions as workflow
from app.consortium.workspace.checklist import check_before_submission
from app.db import get_or_404, get_session
from app.forms import FrenchForm, commit_or_show, form_status
from app.permissions import authorize, may
from app.tenders.models import Tender

bp = Blueprint("consortium", __name__, template_folder="templates")
bp.app_context_processor(wording)


def _initiating_organisation() -> Organisation:
    """The user's organisation that forms groupements: its first SME or large group."""
    return next(m.organisation for m in current_user.memberships if m.organisation.kind in COMPANY_KINDS)


@bp.route("/appels-d-offres/<int:tender_id>/groupement", methods=["GET", "POST"])
@login_required
def new(tender_id: int) -> str | Response | tuple[str, int]:
    tender = get_or_404(Tender, tender_id)
    if not may(current_user, "view_tender", tender):
        abort(404)  # a private consultation or a draft: its existence is not revealed
    authorize("start_groupement", tender)
    companies = companies_of(get_session(), current_user.organisation_ids)
    form = GroupementForm()
    form.fill(tender, companies)
    _without_withdrawn_lots(form, tender)
    if form.validate_on_submit():
        limit = float(current_app.config["SOLVER_TIME_LIMIT_S"])
        groupement = commit_or_show(
            form,
            lambda session: start.start_groupement(
                session, tender, _initiating_organisation(), current_user, form.request(session, limit, tender)
            ),
        )
        if groupement is not None:
            submit(groupement.runs[-1])
            return redirect(url_for("consortium.detail", groupement_id=groupement.id))
    page = render_template(
        "consortium/new.html", form=form, tender=tender, lots_work=lots_work(tender), package_choices=CHOICES
    )
    return page, form_status(form)


def _without_withdrawn_lots(form: GroupementForm, tender: Tender) -> None:
    """The lots a newer version of the notice withdrew are not offered (``selection.lots`` refuses them anyway)."""
    gone = {lot.id for lot in tender.lots if lot.withdrawn}
    if not gone:
        return
    for field in (form.lots, form.self_lots):
        field.choices = [choice for choice in field.choices if choice.value not in gone]
    if not form.is_submitted():
        form.lots.data = [i for i in form.lots.data or () if i not in gone]


@bp.get("/groupements")
@login_required
def index() -> str:
    authorize("browse_directory")
    session = get_session()
    organisation_ids = current_user.organisation_ids
    mine = session.scalars(
        select(Groupement).where(Groupement.organisation_id.in_(organisation_ids)).order_by(Groupement.id.desc())
    ).all()
    invitations = session.scalars(
        select(GroupementMember)
        .join(Company, GroupementMember.company_id == Company.id)
        .join(Groupement, GroupementMember.groupement_id == Groupement.id)
        .where(Company.organisation_id.in_(organisation_ids), Groupement.organisation_id.not_in(organisation_ids))
        .order_by(GroupementMember.id.desc())
    ).all()
    return render_template("consortium/index.html", mine=mine, invitations=invitations)


@bp.get("/groupements/<int:groupement_id>")
@login_required
def detail(groupement_id: int) -> str:
    groupement = get_or_404(Groupement, groupement_id)
    authorize("view_groupement", groupement)
    return groupement_page(groupement)


def _act(groupement_id: int, action, success: str, tell=None) -> Response:
    """Lock the groupement, run ``action(session, groupement)``, commit; a refusal is flashed. ``tell(groupement,
    result)``: the messages to send once it is committed."""
    groupement = get_or_404(Groupement, groupement_id)
    authorize("edit_groupement", groupement)
    done, result = _submit(lambda session: action(session, workflow.locked(session, groupement_id)), success)
    if isinstance(result, SolverRun):
        submit(result)
    if done and tell is not None:
        _send(lambda: tell(get_session().get(Groupement, groupement_id), result))
    return redirect(url_for("consortium.detail", groupement_id=groupement_id))


def _send(messages) -> None:
    """Write the messages and send them; a failure is flashed, the action stays done."""
    if not deliver(*messages()):
        flash(UNDELIVERED, "error")


def _submit(action, success: str) -> tuple[bool, object]:
    """A one-button form: check its CSRF token, run the service, commit, flash the outcome; whether it went
    through, and what the service returned. A write based on a stale view of the groupement (someone acted
    meanwhile) is refused, not merged."""
    form = FrenchForm()
    if not form.validate_on_submit():
        abort(400)
    result = None
    try:
        result = commit_or_show(form, action)
    except StaleDataError:
        get_session().rollback()
        form.form_errors.append("Le groupement a été modifié entre-temps : rechargez la page et recommencez.")
    for error in form.form_errors:
        flash(error, "error")
    if form.form_errors:
        return False, None
    flash(success, "success")
    return True, result


@bp.post("/groupements/<int:groupement_id>/recalculer")
@login_required
def resolve(groupement_id: int) -> Response:
    def action(session, g):
        keep = request.form.get("garder") == "acceptes"
        wanted = start.request_keeping_accepted(g) if keep else start.last_request(g)
        return start.queue_run(session, g, current_user, wanted)

    return _act(groupement_id, action, "Calcul relancé.")


@bp.post("/groupements/<int:groupement_id>/entreprises/<int:company_id>/<choice>")
@login_required
def lock_or_exclude(groupement_id: int, company_id: int, choice: str) -> Response:
    if choice not in ("imposer", "exclure"):
        abort(404)

    def action(session, g):
        current = start.last_request(g)
        if choice == "imposer":
            wanted = start.adjusted(current, impose=(company_id,))
        else:
            wanted = start.adjusted(current, exclude=(company_id,))
        return start.queue_run(session, g, current_user, wanted)

    verb = "imposée" if choice == "imposer" else "exclue"
    return _act(groupement_id, action, f"Entreprise {verb} ; calcul relancé.")


@bp.post("/groupements/<int:groupement_id>/certifications/<int:lot_id>")
@login_required
def global_certification(groupement_id: int, lot_id: int) -> Response:
    code = request.form.get("code", "")

    def action(session, g):
        return start.queue_run(session, g, current_user, start.with_global_certification(g, lot_id, code))

    return _act(groupement_id, action, "Certification appréciée au niveau du groupement ; calcul relancé.")


@bp.post("/groupements/<int:groupement_id>/avis-modifie/lu")
@login_required
def acknowledge(groupement_id: int) -> Response:
    return _act(
        groupement_id,
        lambda s, g: start.acknowledge_tender_changes(s, g, current_user),
        "Modifications de l'avis prises en compte.",
    )


@bp.post("/groupements/<int:groupement_id>/propositions/<int:proposal_id>/retenir")
@login_required
def adopt(groupement_id: int, proposal_id: int) -> Response:
    proposal = get_or_404(Proposal, proposal_id)
    return _act(groupement_id, lambda s, g: workflow.adopt(s, g, proposal, current_user), "Proposition retenue.")


@bp.post("/groupements/<int:groupement_id>/inviter")
@login_required
def invite(groupement_id: int) -> Response:
    return _act(
        groupement_id,
        lambda s, g: workflow.invite(s, g, current_user),
        "Invitations envoyées.",
        tell=notifications.invitation_messages,
    )


@bp.post("/groupements/<int:groupement_id>/confirmer")
@login_required
def confirm(groupement_id: int) -> Response:
    return _act(
        groupement_id,
        lambda s, g: workflow.confirm(s, g, current_user),
        "Groupement constitué.",
        tell=lambda g, _result: notifications.constituted_messages(g),
    )


@bp.post("/groupements/<int:groupement_id>/statut/<target>")
@login_required
def move(groupement_id: int, target: str) -> Response:
    try:
        status = GroupementStatus(target)
    except ValueError:
        abort(404)

    def action(session, g):
        if status is GroupementStatus.SUBMITTED:  # the pieces still missing refuse it, unless « déposer quand même »
            check_before_submission(session, g, current_user, request.form.get("deposer_quand_meme") == "oui")
        workflow.move(session, g, status, current_user)

    return _act(groupement_id, action, f"Statut : {status.label}.")


@bp.post("/groupements/<int:groupement_id>/membres/<int:member_id>/<choice>")
@login_required
def answer(groupement_id: int, member_id: int, choice: str) -> Response:
    member = get_or_404(GroupementMember, member_id)
    if member.groupement_id != groupement_id or choice not in ("accepter", "refuser"):
        abort(404)
    authorize("answer_invitation", member)

    read = request.form.get("repartition", "")  # the version of the split the member read (0: the proposal)
    number = int(read) if read.isdigit() and len(read) < 10 else (None if not read else -1)

    def action(session):
        workflow.locked(session, groupement_id)
        accept = choice == "accepter"
        workflow.answer(session, session.get(GroupementMember, member_id), current_user, accept, number)

    done, _ = _submit(action, "Invitation acceptée." if choice == "accepter" else "Invitation refusée.")
    if done:
        _send(lambda: notifications.answer_message(member.groupement, get_session().get(GroupementMember, member_id)))
    return redirect(url_for("consortium.detail", groupement_id=groupement_id))
