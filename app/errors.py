"""Domain errors and the French error pages."""

from __future__ import annotations

import logging

import click
from flask import Flask, Response, g, jsonify, render_template, request
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


# What a person reads when even the error page cannot be rendered.
FALLBACK_500 = (
    '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Erreur interne · Groupement</title></head>'
    f"<body><h1>{TITLES[500]} <small>(erreur 500)</small></h1><p>{EXPLANATIONS[500]}</p>"
    '<p><a href="/">Retour à l\'accueil</a></p></body></html>'
)


def _page(status: int, explanation: str | None = None, *, minimal: bool = False):
    """The French error page (JSON when asked for). ``minimal``: a header that reads nothing from the database
    (not the signed-in user), for pages shown after a failure whose session state cannot be trusted."""
    explanation = explanation or EXPLANATIONS.get(status, EXPLANATIONS[400])
    title = TITLES.get(status, TITLES[400])
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error=title, message=explanation), status
    page = render_template(
        "errors/error.html", status=status, title=title, explanation=explanation, minimal_header=minimal
    )
    return page, status


def _http_error(exc: HTTPException):
    return _page(exc.code or 500)


def _csrf_error(exc: CSRFError):
    return _page(
        400,
        "Le formulaire a expiré ou n'est pas valide (jeton de sécurité absent ou incorrect). "
        "Rechargez la page et envoyez-le de nouveau.",
    )


def _internal_error(exc: Exception):
    """Roll the request's session back (a failed flush leaves it unusable), then the French page, with a header
    that loads nothing; should even that fail, a fixed French page: never Werkzeug's, never a traceback."""
    log.exception("Unhandled error on %s %s", request.method, request.path)
    _roll_back_request_session()
    try:
        return _page(500, minimal=True)
    except Exception:  # noqa: BLE001 — the last resort must answer
        log.exception("The error page failed on %s %s", request.method, request.path)
        return Response(FALLBACK_500, status=500, mimetype="text/html")


def _roll_back_request_session() -> None:
    session = g.get("db_session")  # app.db.get_session's, when the request opened one
    if session is None:
        return
    try:
        session.rollback()
    except Exception:  # noqa: BLE001 — the connection may be gone; the page must still be shown
        log.exception("Rolling back the session of %s %s failed", request.method, request.path)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _internal_error)


class CliError(click.ClickException):
    """One clear French line on stderr and exit code 1, for the ``flask`` commands."""

    def show(self, file=None) -> None:
        click.echo(f"Erreur : {self.format_message()}", err=True, file=file)
