"""Registration, login, organisation members and invitations."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from app.accounts import services
from app.accounts.forms import AcceptInvitationForm, InviteForm, LoginForm, RegisterForm
from app.accounts.mail import Message, get_mailer
from app.accounts.models import Invitation, Organisation, Role, User
from app.db import get_or_404, get_session
from app.forms import FrenchForm, commit_or_show, form_status
from app.permissions import authorize
from app.security import limiter, login_rate_key

bp = Blueprint("accounts", __name__)


def _safe_next(default: str) -> str:
    target = request.args.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else default


@bp.route("/inscription", methods=["GET", "POST"])
def register() -> str | Response:
    form = RegisterForm()
    if form.validate_on_submit():
        user = commit_or_show(
            form,
            lambda session: services.register(
                session,
                email=form.email.data,
                full_name=form.full_name.data,
                password=form.password.data,
                organisation_name=form.organisation_name.data,
                kind=form.kind.data,
            ),
        )
        if user is not None:
            login_user(user)
            flash("Bienvenue ! Votre compte et votre organisation sont créés.", "success")
            return redirect(url_for("main.dashboard"))
    return render_template("accounts/register.html", form=form), form_status(form)


@bp.route("/connexion", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"],
    key_func=login_rate_key,
    methods=["POST"],
    deduct_when=lambda response: response.status_code != 302,
)
def login() -> str | Response:
    form = LoginForm()
    if form.validate_on_submit():
        session = get_session()
        user = services.authenticate(session, form.email.data, form.password.data)
        if user is not None:
            session.commit()
            login_user(user)
            flash(f"Bonjour {user.full_name}.", "success")
            return redirect(_safe_next(url_for("main.dashboard")))
        form.form_errors.append("Adresse e-mail ou mot de passe incorrect.")
    return render_template("accounts/login.html", form=form), form_status(form)


@bp.post("/deconnexion")
def logout() -> Response:
    logout_user()
    flash("Vous êtes déconnecté.", "info")
    return redirect(url_for("main.home"))


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
@login_required
def organisation(organisation_id: int) -> str | Response:
    organisation = get_or_404(Organisation, organisation_id)
    authorize("view_organisation", organisation)
    form = InviteForm()
    if request.method == "POST":
        authorize("manage_members", organisation)
        if form.validate_on_submit():
            link = commit_or_show(
                form, lambda session: _send_invitation(session, organisation, form.email.data, Role(form.role.data))
            )
            if link is not None:
                flash(f"Invitation envoyée à {form.email.data}. Lien à lui transmettre : {link}", "success")
                return redirect(url_for(".organisation", organisation_id=organisation.id))
    return render_template(
        "accounts/organisation.html",
        organisation=organisation,
        form=form,
        invitations=services.pending_invitations(get_session(), organisation),
    ), form_status(form)


def _send_invitation(session: Session, organisation: Organisation, email: str, role: Role) -> str:
    invitation, token = services.invite(
        session,
        organisation=organisation,
        inviter=current_user,
        email=email,
        role=role,
        valid_days=current_app.config["INVITATION_VALID_DAYS"],
    )
    link = url_for(".invitation", token=token, _external=True)
    get_mailer().send(
        Message(
            to=invitation.email,
            subject=f"Invitation à rejoindre {organisation.name} sur Groupement",
            body=f"{current_user.full_name} vous invite à rejoindre {organisation.name}.\n"
            f"Ouvrez ce lien pour accepter (valable {current_app.config['INVITATION_VALID_DAYS']} jours) :\n{link}",
        )
    )
    return link


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def invitation(token: str) -> str | Response:
    session = get_session()
    found = services.find_invitation(session, token)
    if found is None:
        flash("Ce lien d'invitation n'est pas valide ou a expiré. Demandez une nouvelle invitation.", "error")
        return redirect(url_for("main.home"))
    existing = services.find_user(session, found.email)
    if existing is not None:
        return _accept_as_existing_user(found, existing)
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        user = commit_or_show(
            form,
            lambda session: services.register_invited(
                session, found, full_name=form.full_name.data, password=form.password.data
            ),
        )
        if user is not None:
            login_user(user)
            flash(f"Bienvenue dans {found.organisation.name}.", "success")
            return redirect(url_for("main.dashboard"))
    return render_template("accounts/invitation.html", invitation=found, form=form), form_status(form)


def _accept_as_existing_user(found: Invitation, existing: User) -> str | Response:
    if not current_user.is_authenticated or current_user.id != existing.id:
        flash(f"Connectez-vous avec l'adresse {found.email} pour accepter l'invitation.", "info")
        return redirect(url_for(".login", next=request.path))
    form = FrenchForm()
    if form.validate_on_submit() and commit_or_show(
        form, lambda session: services.accept_invitation(session, found, current_user)
    ):
        flash(f"Vous avez rejoint {found.organisation.name}.", "success")
        return redirect(url_for(".organisation", organisation_id=found.organisation_id))
    return render_template("accounts/invitation.html", invitation=found, form=form, existing=True), form_status(form)
