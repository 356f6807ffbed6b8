"""The « retombées » recomputed off the request when the platform is large: past ``IMPACT_INLINE_LIMIT`` contracts,
the rollups' rebuild takes seconds per hundred thousand, longer than a page should wait. One runner of its own,
one refresh at a time (and the state's row lock makes two take turns anyway)."""

from __future__ import annotations

from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.awards.models import AwardedContract
from app.consortium.jobs.runners import runner
from app.impact import facts


def is_large(session: Session) -> bool:
    known = session.scalar(select(func.max(AwardedContract.id))) or 0
    return known > current_app.config["IMPACT_INLINE_LIMIT"]


def refresh_later() -> None:
    runner("impact").submit(refresh_job)


def refresh_job(app: Flask) -> None:
    """The background refresh: its own session, committed; a failure is logged by the runner."""
    session = app.extensions["db_sessionmaker"]()
    try:
        facts.refresh(session)
        session.commit()
    finally:
        session.close()
