"""Base form and the one way views submit a form to a service."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import flash
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session

from app.db import get_session
from app.errors import DomainError

T = TypeVar("T")


class FrenchForm(FlaskForm):
    """CSRF from Flask-WTF; validation messages in French from WTForms' own catalogue."""

    class Meta:
        locales = ("fr_FR", "fr")


def commit_or_show(form: FrenchForm, action: Callable[[Session], T]) -> T | None:
    """Run a service call and commit; on a refusal, roll back and show it next to its field (or atop the
    form) and return None."""
    session = get_session()
    try:
        result = action(session)
        session.flush()  # what the service left unflushed meets the checks (text lengths…) here, not in commit
    except DomainError as error:
        session.rollback()
        if error.field and error.field in form:
            form[error.field].errors = [*form[error.field].errors, error.message]
        else:
            form.form_errors.append(error.message)
        return None
    session.commit()
    return result


def flash_result(form: FrenchForm, message: str) -> None:
    """After a small form posted from another page: its errors, or ``message`` when it went through."""
    if form.errors:
        errors = "; ".join(error for errors in form.errors.values() for error in errors)
        flash(f"Rien n'a été enregistré : {errors}", "error")
    else:
        flash(message, "success")


def form_status(form: FrenchForm) -> int:
    """422 when the form is shown again with errors, so that clients and tests can tell."""
    return 422 if form.errors else 200
