"""Registration, login and invitation forms."""

from __future__ import annotations

from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.accounts.models import ORGANISATION_KIND_LABELS, Role
from app.accounts.passwords import MIN_LENGTH
from app.forms import FrenchForm

_REQUIRED = DataRequired(message="Ce champ est obligatoire.")
_EMAIL = Email(message="Saisissez une adresse e-mail valide, par exemple nom@entreprise.fr.")


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
        choices=[SelectChoice(kind.value, label) for kind, label in ORGANISATION_KIND_LABELS.items()],
        validate_choice=True,
    )
    full_name = StringField(
        "Nom et prénom", validators=[_REQUIRED, Length(max=200)], render_kw={"autocomplete": "name"}
    )
    email = EmailField(
        "Adresse e-mail", validators=[_REQUIRED, _EMAIL, Length(max=254)], render_kw={"autocomplete": "email"}
    )


class LoginForm(FrenchForm):
    email = EmailField("Adresse e-mail", validators=[_REQUIRED, _EMAIL], render_kw={"autocomplete": "username"})
    password = PasswordField("Mot de passe", validators=[_REQUIRED], render_kw={"autocomplete": "current-password"})


class InviteForm(FrenchForm):
    email = EmailField("Adresse e-mail du collègue", validators=[_REQUIRED, _EMAIL, Length(max=254)])
    role = SelectField("Rôle", choices=[SelectChoice(role.value, role.label) for role in (Role.MEMBER, Role.ADMIN)])


class AcceptInvitationForm(_NewPasswordMixin, FrenchForm):
    full_name = StringField(
        "Nom et prénom", validators=[_REQUIRED, Length(max=200)], render_kw={"autocomplete": "name"}
    )
