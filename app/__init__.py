"""Groupement: local SMEs answering public tenders together."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    from app import config, db, errors, schema, security
    from app.accounts import passwords
    from app.accounts.cli import init_app as init_accounts_cli
    from app.accounts.mail import LogMailer
    from app.accounts.views import bp as accounts_bp
    from app.companies import register_version
    from app.companies.cli import init_app as init_companies_cli
    from app.companies.edit_views import bp as company_edit_bp
    from app.companies.views import bp as companies_bp
    from app.consortium import jobs
    from app.consortium.capacity_views import bp as capacity_bp
    from app.consortium.cli import init_app as init_consortium_cli
    from app.consortium.document_views import bp as documents_bp
    from app.consortium.match_views import bp as matches_bp
    from app.consortium.views import bp as consortium_bp
    from app.formatting import date_fr, number_fr
    from app.main.views import bp as main_bp
    from app.permissions import may
    from app.reference.cli import init_app as init_reference_cli
    from app.tenders.cli import init_app as init_tenders_cli
    from app.tenders.views import bp as tenders_bp

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    config.configure(app, dict(overrides or {}))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    db.init_app(app)
    register_version.watch(app.extensions["db_engine"])
    schema.init_app(app)
    security.init_app(app)
    passwords.init_app(app)
    errors.init_app(app)
    app.extensions["mailer"] = LogMailer()
    app.jinja_env.add_extension("jinja2.ext.do")
    app.add_template_global(may)
    app.add_template_filter(date_fr)
    app.add_template_filter(number_fr)
    app.register_blueprint(main_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(companies_bp)
    app.register_blueprint(company_edit_bp)
    app.register_blueprint(tenders_bp)
    app.register_blueprint(consortium_bp)
    app.register_blueprint(documents_bp)
    app.register_blueprint(matches_bp)
    app.register_blueprint(capacity_bp)
    jobs.init_app(app)
    init_accounts_cli(app)
    init_companies_cli(app)
    init_reference_cli(app)
    init_tenders_cli(app)
    init_consortium_cli(app)
    return app
