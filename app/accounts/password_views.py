"""The account page (« Changer mon mot de passe ») and « Mot de passe oublié »."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user
from werkzeug.wrappers import Response

from app.accounts import resets, services
from app.accounts.forms import ChangePasswordForm, ForgotPasswordForm, ResetPasswordForm
from app.accounts.mail import compose, deliver, site_url
from app.db import get_session
from app.forms import commit_or_show, form_status
from app.permissions import authorize
from app.security import limiter

bp = Blueprint("passwords", __name__)

SENT = (
    "Si un compte existe pour cette adresse, un lien pour choisir un nouveau mot de passe vient d'y être envoyé "
    "(valable une heure)."
)


@bp.route("/compte", methods=["GET", "POST"])
@login_required
def account() -> str | Response | tuple[str, int]:
    authorize("manage_account")
    form = ChangePasswordForm()
    if form.validate_on_submit() and commit_or_show(
        form,
        lambda session: (
            services.change_password(session, current_user, form.current_password.data, form.password.data) or True
        ),
    ):
        login_user(current_user._get_current_object())  # this browser keeps its session, with the new token
        flash("Mot de passe changé. Vos autres sessions sont fermées.", "success")
        return redirect(url_for(".account"))
    return render_template("accounts/account.html", form=form), form_status(form)


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_RATE_LIMIT"], methods=["POST"])
def forgot() -> str | Response | tuple[str, int]:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = services.find_user(get_session(), form.email.data)
        subject = "Groupement : choisir un nouveau mot de passe"
        if user is not None and user.active:
            link = site_url(".reset", token=resets.reset_token(user))
            deliver(compose(user.email, "password_reset", subject, link=link))
        else:  # a message either way: the same work, the same time, and the person learns why nothing came
            deliver(compose(form.email.data.strip(), "password_reset_unknown", subject, link=site_url(".forgot")))
        # The same answer whether or not the address has an account, and whether or not the message went out.
        flash(SENT, "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form), form_status(form)


@bp.route("/mot-de-passe/<token>", methods=["GET", "POST"])
def reset(token: str) -> str | Response | tuple[str, int]:
    user = resets.user_for_token(get_session(), token[:500], lock=request.method == "POST")
    if user is None:
        flash("Ce lien n'est pas valide, a déjà servi ou a expiré (une heure). Demandez-en un nouveau.", "error")
        return redirect(url_for(".forgot"))
    form = ResetPasswordForm()
    if form.validate_on_submit() and commit_or_show(
        form, lambda session: services.set_password(session, user, form.password.data)
    ):
        flash(
            "Mot de passe enregistré : connectez-vous avec le nouveau. Vos sessions ouvertes sont fermées.", "success"
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form), form_status(form)
