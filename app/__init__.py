"""Groupement: local SMEs answering public tenders together."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """The application: configured, its database and security wired, its templates helped, its pages and commands
    registered, its job runners ready."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    _configure(app, overrides)
    _wire_services(app)
    _extend_templates(app)
    _register_blueprints(app)
    _register_commands(app)
    return app


def _configure(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    from app import config

    config.configure(app, dict(overrides or {}))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # one line per plugin at every start


def _wire_services(app: Flask) -> None:
    """The database (and the register's version watch), the schema check, security, passwords, error pages, mail,
    and the runners of long work."""
    from app import converters, db, errors, lengths, schema, security
    from app.accounts import mail, passwords
    from app.companies import register_version
    from app.consortium.jobs import runners

    converters.init_app(app)  # before the blueprints: ids past an INTEGER column answer 404
    db.init_app(app)
    lengths.init_app(app)  # texts longer than their column are refused before the database
    register_version.watch(app.extensions["db_engine"])
    schema.init_app(app)
    security.init_app(app)
    passwords.init_app(app)
    errors.init_app(app)
    mail.init_app(app)
    runners.init_app(app)


def _extend_templates(app: Flask) -> None:
    from app.awards.queries import contracts_for_tender, contracts_held
    from app.consortium.workspace.glance import workspace_glance
    from app.formatting import date_fr, number_fr
    from app.impact.queries import groupements_of, local_partners, subcontracts_held
    from app.permissions import may

    app.jinja_env.add_extension("jinja2.ext.do")
    app.add_template_global(contracts_for_tender)
    app.add_template_global(contracts_held)
    app.add_template_global(groupements_of)
    app.add_template_global(local_partners)
    app.add_template_global(subcontracts_held)
    app.add_template_global(may)
    app.add_template_global(workspace_glance)
    app.add_template_filter(date_fr)
    app.add_template_filter(number_fr)


def _register_blueprints(app: Flask) -> None:
    from app.accounts.password_views import bp as passwords
    from app.accounts.views import bp as accounts
    from app.awards.views import bp as awards
    from app.companies.claim_views import bp as claims
    from app.companies.edit_views import bp as company_edit
    from app.companies.views import bp as companies
    from app.consortium.capacity.views import bp as capacity
    from app.consortium.documents.views import bp as documents
    from app.consortium.recommendations.views import bp as recommendations
    from app.consortium.split.views import bp as split
    from app.consortium.web.views import bp as consortium
    from app.consortium.workspace.views import bp as workspace
    from app.impact.purchasing.views import bp as purchasing
    from app.impact.views import bp as impact
    from app.impact.views import buyers
    from app.main.views import bp as main
    from app.tenders.views import bp as tenders

    pages = (
        main,
        accounts,
        passwords,
        companies,
        company_edit,
        claims,
        tenders,
        consortium,
        documents,
        split,
        workspace,
        recommendations,
        capacity,
        awards,
        impact,
        buyers,
        purchasing,
    )
    for blueprint in pages:
        app.register_blueprint(blueprint)


def _register_commands(app: Flask) -> None:
    from app.accounts.cli import init_app as accounts
    from app.awards.cli import init_app as awards
    from app.companies.cli import init_app as companies
    from app.consortium.cli import init_app as consortium
    from app.impact.cli import init_app as impact
    from app.reference.cli import init_app as reference
    from app.tenders.cli import init_app as tenders

    for init in (accounts, companies, reference, tenders, consortium, awards, impact):
        init(app)
