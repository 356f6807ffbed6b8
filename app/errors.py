"""Domain errors and the French error pages."""

from __future__ import annotations

import logging

import click
from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A refusal a person can act on. ``message`` is French and shown as is; ``field`` names the form
    field it concerns, when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


TITLES = {
    400: "Requête invalide",
    403: "Accès refusé",
    404: "Page introuvable",
    405: "Méthode non autorisée",
    413: "Fichier trop volumineux",
    429: "Trop de tentatives",
    500: "Erreur interne",
}

EXPLANATIONS = {
    400: "La requête n'a pas pu être comprise. Revenez à la page précédente et réessayez.",
    403: "Vous n'avez pas les droits nécessaires pour cette page ou cette action.",
    404: "Cette page n'existe pas ou a été déplacée.",
    405: "Cette adresse n'accepte pas ce type de requête.",
    413: "Le fichier envoyé dépasse la taille autorisée.",
    429: "Trop de tentatives en peu de temps. Patientez une minute avant de réessayer.",
    500: "Une erreur inattendue s'est produite. Elle a été enregistrée ; réessayez dans un instant.",
}


def _page(status: int, explanation: str | None = None):
    explanation = explanation or EXPLANATIONS.get(status, EXPLANATIONS[400])
    title = TITLES.get(status, TITLES[400])
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error=title, message=explanation), status
    return render_template("errors/error.html", status=status, title=title, explanation=explanation), status


def _http_error(exc: HTTPException):
    return _page(exc.code or 500)


def _csrf_error(exc: CSRFError):
    return _page(
        400,
        "Le formulaire a expiré ou n'est pas valide (jeton de sécurité absent ou incorrect). "
        "Rechargez la page et envoyez-le de nouveau.",
    )


def _internal_error(exc: Exception):
    log.exception("Unhandled error on %s %s", request.method, request.path)
    return _page(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _internal_error)


class CliError(click.ClickException):
    """One clear French line on stderr and exit code 1, for the ``flask`` commands."""

    def show(self, file=None) -> None:
        click.echo(f"Erreur : {self.format_message()}", err=True, file=file)
