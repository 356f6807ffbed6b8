"""The solve job: one run, in its own session. It marks the run « en cours » and commits; it commits the best
proposal as soon as ``execute_run`` yields it (the page shows it while the alternatives are sought), then the
alternatives and the outcome. Each proposal is written whole; on any error the job rolls back what is not committed
and says so on the run in French. A run left « en cours » by a process that died is shown as interrupted once it is
older than its time limit plus a margin (``SolverRun.is_stale``)."""

from __future__ import annotations

import logging
import os
from datetime import date

from flask import Flask
from sqlalchemy.orm import Session

from app.consortium.jobs.runners import runner
from app.consortium.models import SolverRun
from app.consortium.vocabulary import RunState
from app.db import utcnow

log = logging.getLogger(__name__)


def solver_workers(app: Flask) -> int:
    """CP-SAT workers per solve: the configured number, else the machine's cores (at most 8)."""
    return int(app.config.get("SOLVER_WORKERS") or min(8, os.cpu_count() or 1))


def run_job(app: Flask, run_id: int) -> None:
    """The whole job for one run, in its own session; never raises."""
    from app.consortium.formation.runs import execute_run, fail_run  # OR-Tools loads with the solver: not at start

    with app.app_context():
        session: Session = app.extensions["db_sessionmaker"]()
        try:
            run = session.get(SolverRun, run_id)
            if run is None or run.state is not RunState.QUEUED:
                return
            run.state, run.started_at = RunState.RUNNING, utcnow()
            session.commit()
            try:
                for _step in execute_run(session, run, workers=solver_workers(app), today=date.today()):
                    session.commit()  # the candidates read (no lock while solving), then the best proposal
                session.commit()
            except Exception as error:  # noqa: BLE001 — a job reports every failure on its run
                log.exception("solver run %s failed", run_id)
                session.rollback()
                fail_run(session.get(SolverRun, run_id), error)
                session.commit()
        finally:
            session.close()


def submit(run: SolverRun) -> None:
    """Hand a committed run to the application's solve runner."""
    runner("solve").submit(run_job, run.id)
