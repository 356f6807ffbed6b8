"""Solves run off the request. One interface, ``Runner.submit(job, *args)`` — ``job(app, *args)`` runs with an
application context and opens its own session — and two runners:

- ``ThreadRunner`` (the default): a small pool of threads in the web process, each job with its own session.
  A solve is CPU-bound native code (CP-SAT releases the GIL), so the web threads keep answering meanwhile.
- ``InlineRunner``: runs the job at once, in the caller's thread (the CLI, and tests that want the answer now).

A job marks its run « en cours » and commits; it commits the best proposal as soon as the solver finds it (the
page shows it while the alternatives are sought), then the alternatives and the outcome. Each proposal is written
whole; on any error the job rolls back what is not committed and says so on the run in French. A run left
« en cours » by a process that died is shown as interrupted once it is older than its time limit plus a margin
(``SolverRun.is_stale``)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any, Protocol

from flask import Flask, current_app
from sqlalchemy.orm import Session

from app.consortium.models import RunState, SolverRun
from app.consortium.services import execute_run, fail_run
from app.db import utcnow

log = logging.getLogger(__name__)


class Runner(Protocol):
    def submit(self, job: Callable[..., None], *args: Any) -> None: ...


def solver_workers(app: Flask) -> int:
    """CP-SAT workers per solve: the configured number, else the machine's cores (at most 8)."""
    return int(app.config.get("SOLVER_WORKERS") or min(8, os.cpu_count() or 1))


def run_job(app: Flask, run_id: int) -> None:
    """The whole job for one run, in its own session; never raises."""
    with app.app_context():
        session: Session = app.extensions["db_sessionmaker"]()
        try:
            run = session.get(SolverRun, run_id)
            if run is None or run.state is not RunState.QUEUED:
                return
            run.state, run.started_at = RunState.RUNNING, utcnow()
            session.commit()
            try:
                execute_run(session, run, workers=solver_workers(app), today=date.today(), publish=session.commit)
                session.commit()
            except Exception as error:  # noqa: BLE001 — a job reports every failure on its run
                log.exception("solver run %s failed", run_id)
                session.rollback()
                run = session.get(SolverRun, run_id)
                fail_run(run, error)
                session.commit()
        finally:
            session.close()


def _call(app: Flask, job: Callable[..., None], args: tuple) -> None:
    """A job in its own application context; a failure is logged, never raised into the runner."""
    with app.app_context():
        try:
            job(app, *args)
        except Exception:  # noqa: BLE001 — the job's own handling failed: keep the runner alive
            log.exception("job %s%r failed", getattr(job, "__name__", job), args)


class InlineRunner:
    def __init__(self, app: Flask) -> None:
        self.app = app

    def submit(self, job: Callable[..., None], *args: Any) -> None:
        _call(self.app, job, args)


class ThreadRunner:
    def __init__(self, app: Flask, threads: int = 1) -> None:
        self.app = app
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="solver")

    def submit(self, job: Callable[..., None], *args: Any) -> None:
        self.pool.submit(_call, self.app, job, args)


def init_app(app: Flask) -> None:
    """Two runners: groupement solves, and the background checks of « Pour vous » in a pool of their own so that
    a page of checks never queues ahead of a person waiting for a groupement."""
    inline = app.config.get("SOLVER_RUNNER", "thread") == "inline"
    for kind in ("solve", "check"):
        threads = int(app.config.get("SOLVER_THREADS", 1))
        app.extensions[f"{kind}_runner"] = InlineRunner(app) if inline else ThreadRunner(app, threads)


def runner(kind: str = "solve") -> Runner:
    """The runner for groupement solves (``solve``) or for « Pour vous » checks (``check``)."""
    return current_app.extensions[f"{kind}_runner"]


def submit(run: SolverRun) -> None:
    """Hand a committed run to the application's runner."""
    runner().submit(run_job, run.id)
