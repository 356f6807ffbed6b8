"""Registration, login, organisation members and invitations."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from app.accounts import services
from app.accounts.forms import AcceptInvitationForm, InviteForm, LoginForm, RegisterForm
from app.accounts.mail import UNDELIVERED, LogMailer, compose, deliver, get_mailer, site_url
from app.accounts.models import Invitation, Organisation, Role, User
from app.db import get_or_404, get_session
from app.forms import FrenchForm, commit_or_show, form_status
from app.permissions import authorize
from app.security import account_rate_key, address_range_key, limiter, login_rate_key

bp = Blueprint("accounts", __name__)


_CONTROL = dict.fromkeys([*range(32), 127])


def _safe_next(default: str) -> str:
    """Only a path of this site: one leading « / » then neither « / » nor « \\ » (after removing control
    characters, which browsers ignore: « /\t/evil.example » is « //evil.example »)."""
    target = request.args.get("next", "").translate(_CONTROL)
    if len(target) >= 2 and target[0] == "/" and target[1] not in "/\\":
        return target
    return default


@bp.route("/inscription", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_RATE_LIMIT"], methods=["POST"])
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
            return redirect(_safe_next(url_for("main.dashboard")))
    return render_template("accounts/register.html", form=form), form_status(form)


def _failed(response: Response) -> bool:
    return response.status_code != 302


@bp.route("/connexion", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"], key_func=login_rate_key, methods=["POST"], deduct_when=_failed
)
@limiter.limit(
    lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"],
    key_func=account_rate_key,
    methods=["POST"],
    deduct_when=_failed,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_RANGE_RATE_LIMIT"],
    key_func=address_range_key,
    methods=["POST"],
    deduct_when=_failed,
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
    """Ends every session of the user, not only this browser's: a copied cookie stops working too."""
    if current_user.is_authenticated:
        session = get_session()
        services.log_out_everywhere(session, current_user)
        session.commit()
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
            token = commit_or_show(
                form, lambda session: _invite(session, organisation, form.email.data, Role(form.role.data))
            )
            if token is not None:
                _send_invitation(organisation, form.email.data.strip().lower(), token)
                return redirect(url_for(".organisation", organisation_id=organisation.id))
    return render_template(
        "accounts/organisation.html",
        organisation=organisation,
        form=form,
        invitations=services.pending_invitations(get_session(), organisation),
    ), form_status(form)


def _invite(session: Session, organisation: Organisation, email: str, role: Role) -> str:
    _invitation, token = services.invite(
        session,
        organisation=organisation,
        inviter=current_user,
        email=email,
        role=role,
        valid_days=current_app.config["INVITATION_VALID_DAYS"],
    )
    return token


def _send_invitation(organisation: Organisation, email: str, token: str) -> None:
    link = site_url(".invitation", token=token)
    days = current_app.config["INVITATION_VALID_DAYS"]
    subject = f"Invitation à rejoindre {organisation.name} sur Groupement"
    message = compose(email, "organisation_invitation", subject, organisation=organisation, link=link, days=days)
    if not deliver(message):
        flash(f"Invitation enregistrée pour {email}. {UNDELIVERED} Lien à lui transmettre : {link}", "error")
    elif isinstance(get_mailer(), LogMailer):  # no mail server (make run): the inviter passes the link on
        flash(f"Invitation envoyée à {email} (sans serveur de messagerie). Lien à lui transmettre : {link}", "success")
    else:
        flash(f"Invitation envoyée à {email}.", "success")


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def invitation(token: str) -> str | Response:
    session = get_session()
    found = services.find_invitation(session, token, lock=request.method == "POST")
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
