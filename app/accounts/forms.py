"""Registration, login and invitation forms."""

from __future__ import annotations

from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.accounts.models import SELF_REGISTERED_KINDS, Role
from app.accounts.passwords import MIN_LENGTH
from app.forms import FrenchForm

_REQUIRED = DataRequired(message="Ce champ est obligatoire.")
_EMAIL = Email(message="Saisissez une adresse e-mail valide, par exemple nom@entreprise.fr.")


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _email_field(label: str, autocomplete: str = "email") -> EmailField:
    return EmailField(
        label,
        validators=[_REQUIRED, _EMAIL, Length(max=254)],
        filters=[_strip],
        render_kw={"autocomplete": autocomplete},
    )


class _NewPasswordMixin:
    password = PasswordField(
        "Mot de passe",
        validators=[_REQUIRED],
        render_kw={"autocomplete": "new-password"},
        description=f"Au moins {MIN_LENGTH} caractères ; une phrase de passe convient très bien.",
    )
    password_confirm = PasswordField(
        "Confirmer le mot de passe",
        validators=[_REQUIRED, EqualTo("password", message="Les deux mots de passe ne sont pas identiques.")],
        render_kw={"autocomplete": "new-password"},
    )


class RegisterForm(_NewPasswordMixin, FrenchForm):
    organisation_name = StringField(
        "Nom de l'organisation", validators=[_REQUIRED, Length(max=200)], render_kw={"autocomplete": "organization"}
    )
    kind = SelectField(
        "Type d'organisation",
        choices=[SelectChoice(kind.value, kind.label) for kind in SELF_REGISTERED_KINDS],
        validate_choice=True,
        invalid_choice_message="Type d'organisation inconnu.",
    )
    full_name = StringField(
        "Nom et prénom", validators=[_REQUIRED, Length(max=200)], render_kw={"autocomplete": "name"}
    )
    email = _email_field("Adresse e-mail")


class LoginForm(FrenchForm):
    email = _email_field("Adresse e-mail", autocomplete="username")
    password = PasswordField("Mot de passe", validators=[_REQUIRED], render_kw={"autocomplete": "current-password"})


class InviteForm(FrenchForm):
    email = _email_field("Adresse e-mail du collègue", autocomplete="off")
    role = SelectField("Rôle", choices=[SelectChoice(role.value, role.label) for role in (Role.MEMBER, Role.ADMIN)])


class AcceptInvitationForm(_NewPasswordMixin, FrenchForm):
    full_name = StringField(
        "Nom et prénom", validators=[_REQUIRED, Length(max=200)], render_kw={"autocomplete": "name"}
    )


class ForgotPasswordForm(FrenchForm):
    email = _email_field("Adresse e-mail de votre compte", autocomplete="username")


class ResetPasswordForm(_NewPasswordMixin, FrenchForm):
    pass


class ChangePasswordForm(_NewPasswordMixin, FrenchForm):
    current_password = PasswordField(
        "Mot de passe actuel", validators=[_REQUIRED], render_kw={"autocomplete": "current-password"}
    )
