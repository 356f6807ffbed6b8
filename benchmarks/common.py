"""What the benchmarks share: fresh databases, timing, percentiles, machine description."""

from __future__ import annotations

import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask

from app import create_app, schema
from app.db import get_session
from app.reference import loading
from app.reference.cpv_files import read_cpv_file
from tests.databases import fresh_database

SHARED_CPV = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "cpv-2008" / "cpv_2008_fr_en.csv"


@contextmanager
def benchmark_app(backend: str) -> Iterator[Flask]:
    """An app on a new, migrated database with the reference data loaded; dropped afterwards."""
    with tempfile.TemporaryDirectory() as tmp, fresh_database(backend, Path(tmp)) as url:
        app = create_app({"TESTING": True, "SECRET_KEY": "benchmark", "DATABASE_URL": url})
        schema.upgrade(app.extensions["db_engine"])
        with app.app_context():
            session = get_session()
            loading.load_communes(session)
            loading.load_nuts(session)
            cpv = SHARED_CPV if SHARED_CPV.is_file() else loading.BUILTIN_CPV
            loading.load_cpv(session, read_cpv_file(cpv))
            session.commit()
        try:
            yield app
        finally:
            app.extensions["db_engine"].dispose()


def timed(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"p50": statistics.median(ordered), "p95": cuts[94], "p99": cuts[98], "max": ordered[-1]}


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, load {load:.2f}"
