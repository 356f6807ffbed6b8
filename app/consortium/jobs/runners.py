"""Long work runs off the request. One interface, ``Runner.submit(job, *args)`` — ``job(app, *args)`` runs with an
application context and opens its own session — and two runners:

- ``ThreadRunner`` (the default): a small pool of threads in the web process, each job with its own session.
  A solve is CPU-bound native code (CP-SAT releases the GIL), so the web threads keep answering meanwhile.
- ``InlineRunner``: runs the job at once, in the caller's thread (the CLI, and tests that want the answer now).

Three runners per application: groupement solves, the background checks of « Pour vous » in a pool of their own,
so that a page of checks never queues ahead of a person waiting for a groupement, and the « retombées » recomputed
after a large upload (``app.impact``), one at a time."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from flask import Flask, current_app

log = logging.getLogger(__name__)
Job = Callable[..., None]


class Runner(Protocol):
    def submit(self, job: Job, *args: Any) -> None: ...


def _call(app: Flask, job: Job, args: tuple) -> None:
    """A job in its own application context; a failure is logged, never raised into the runner."""
    with app.app_context():
        try:
            job(app, *args)
        except Exception:  # noqa: BLE001 — the job's own handling failed: keep the runner alive
            log.exception("job %s%r failed", getattr(job, "__name__", job), args)


class InlineRunner:
    def __init__(self, app: Flask) -> None:
        self.app = app

    def submit(self, job: Job, *args: Any) -> None:
        _call(self.app, job, args)


class ThreadRunner:
    def __init__(self, app: Flask, threads: int = 1) -> None:
        self.app = app
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="solver")

    def submit(self, job: Job, *args: Any) -> None:
        self.pool.submit(_call, self.app, job, args)


def init_app(app: Flask) -> None:
    inline = app.config.get("SOLVER_RUNNER", "thread") == "inline"
    for kind in ("solve", "check", "impact"):
        threads = 1 if kind == "impact" else int(app.config.get("SOLVER_THREADS", 1))
        app.extensions[f"{kind}_runner"] = InlineRunner(app) if inline else ThreadRunner(app, threads)


def runner(kind: str = "solve") -> Runner:
    """The runner for groupement solves (``solve``), « Pour vous » checks (``check``) or « retombées » (``impact``)."""
    return current_app.extensions[f"{kind}_runner"]
