"""``flask accounts create-operator``: operator organisations (the CCI) are never self-registered."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.accounts import services
from app.db import get_session
from app.errors import CliError, DomainError

accounts_cli = AppGroup("accounts", help="Comptes et organisations.")


@accounts_cli.command("create-operator")
@click.option("--organisation", "organisation_name", required=True, help="Nom de l'organisation opérateur.")
@click.option("--email", "admin_email", required=True, help="Adresse e-mail de son premier administrateur.")
def create_operator_command(organisation_name: str, admin_email: str) -> None:
    """Create an operator organisation and print the invitation link of its administrator."""
    session = get_session()
    try:
        token = services.create_operator(
            session,
            organisation_name=organisation_name,
            admin_email=admin_email,
            valid_days=current_app.config["INVITATION_VALID_DAYS"],
        )
    except DomainError as exc:
        session.rollback()
        raise CliError(exc.message) from exc
    session.commit()
    link = f"{current_app.config['BASE_URL'].rstrip('/')}/invitation/{token}"
    click.echo(f"Organisation opérateur « {organisation_name} » créée. Lien d'invitation de {admin_email} : {link}")


def init_app(app: Flask) -> None:
    app.cli.add_command(accounts_cli)
