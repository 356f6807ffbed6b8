"""Load benchmark: concurrent clients against gunicorn + PostgreSQL, the whole register and 1,000 tenders.

    python -m benchmarks.load [--companies 146000] [--tenders 1000] [--clients 50] [--duration 30]
                              [--baseline-duration 10] [--think 1] [--database-url postgresql+psycopg://…]

A fresh PostgreSQL schema (GROUPEMENT_TEST_DATABASE_URL, else the local server) is migrated and loaded with the
reference data, the demo register and the project's notice fixtures under distinct notice ids (deadlines moved into
the coming weeks so that the list shows them). One user logs in once; then each client — a thread with its own
keep-alive connection — loops for ``--duration`` seconds over a mix of the tender list (pages 1–5), a tender page
and the company directory search (CPV prefix + commune + 30 km), recording each request's latency. Four runs on
the same server settings (gunicorn -w 4 --threads 2), each after a warm-up:

* the clients without any pause (closed loop: 50 requests always in flight);
* the clients pausing ``--think`` seconds on average between two pages (people reading, if quick ones);
* the floor: the same clients without pause on the home page alone (signed in, no query of its own), i.e. what
  this machine serves when the three routes cost nothing;
* the baseline: the clients without pause against one process with one thread, for ``--baseline-duration``.

Target (issue #8): p95 < 200 ms and no error. Figures go to docs/PERFORMANCE.md."""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import text

from app.accounts import services as accounts
from app.accounts.models import OrganisationKind
from app.companies import importing
from app.db import get_session
from app.tenders.services import import_notice
from benchmarks.common import benchmark_app, machine, percentiles
from benchmarks.notices import _variants
from benchmarks.register import PREFIXES
from tests.databases import PG_URL_ENV

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
EMAIL, PASSWORD = "charge.bench@exemple.fr", "Calanques-de-Cassis-2026"
ROUTES = ("tender list", "tender page", "company search")
FLOOR = "home page"  # the cheapest page of the site, signed in: what the machine serves when the routes cost nothing
TARGET_P95_MS = 200.0


# --- The database -------------------------------------------------------------------------------------------
def prepare(app, companies: int, tenders: int) -> tuple[list[int], list[str]]:
    """Seed the register and the tenders, create the user; return the tender ids and the communes by weight."""
    session = get_session()
    started = time.perf_counter()
    importing.seed_demo(session, count=companies, seed=1)
    session.commit()
    seeded = time.perf_counter()
    for name, data in _variants(tenders):
        import_notice(session, data, name)
        session.commit()
    _spread_deadlines(session)
    accounts.create_account(
        session,
        email=EMAIL,
        full_name="Chargé d'affaires",
        password=PASSWORD,
        organisation_name="PME du banc d'essai",
        kind=OrganisationKind.SME,
    )
    session.commit()
    _vacuum(app)
    imported = time.perf_counter() - seeded
    print(f"seeded {companies} companies in {seeded - started:.0f} s, {tenders} tenders in {imported:.0f} s")
    ids = list(session.scalars(text("SELECT id FROM tender ORDER BY id")))
    communes = session.execute(text("SELECT insee_code, population FROM commune")).all()
    rng = random.Random(42)
    return ids, rng.choices([c for c, _ in communes], [p for _, p in communes], k=1000)


def _vacuum(app) -> None:
    """What autovacuum would do a minute after the load (and then during the measurement): visibility maps for
    index-only scans, planner statistics."""
    engine = app.extensions["db_engine"]
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        tables = connection.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))
        for table in list(tables):
            connection.execute(text(f'VACUUM ANALYZE "{table}"'))


def _spread_deadlines(session) -> None:
    """The fixtures' deadlines have passed: move them over the next 60 days, so the list has 1,000 open tenders."""
    now = datetime.now(UTC)
    ids = list(session.scalars(text("SELECT id FROM tender ORDER BY id")))
    for tender_id in ids:
        deadline = now + timedelta(days=1 + tender_id % 60, hours=tender_id % 24)
        session.execute(
            text("UPDATE tender SET deadline_utc = :d, deadline_date = :day WHERE id = :id"),
            {"d": deadline, "day": deadline.date(), "id": tender_id},
        )
    session.commit()


# --- The server ---------------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _limiter_storage() -> str:
    """Redis when a server answers (several processes share the counts, as in production), else memory."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return "memory://"
    return "redis://127.0.0.1:6379"


@contextmanager
def gunicorn(database_url: str, workers: int, threads: int) -> Iterator[int]:
    """A gunicorn serving ``wsgi:app`` on a free port until the block ends; yields the port."""
    port = _free_port()
    env = os.environ | {
        "GROUPEMENT_DATABASE_URL": database_url,
        "GROUPEMENT_SECRET_KEY": secrets.token_hex(32),
        "GROUPEMENT_SESSION_COOKIE_SECURE": "false",  # plain HTTP on the loopback
        "GROUPEMENT_REMEMBER_COOKIE_SECURE": "false",
        "GROUPEMENT_RATELIMIT_STORAGE_URI": _limiter_storage(),
    }
    command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "--threads", str(threads)]
    command += ["-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"]
    with tempfile.TemporaryFile() as log:
        # The command is ours: this interpreter's gunicorn on the loopback.
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        try:
            _wait_until_up(port, server, log)
            yield port
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_until_up(port: int, server: subprocess.Popen, log, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"gunicorn stopped:\n{log.read().decode(errors='replace')[-3000:]}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def login(port: int) -> str:
    """Sign in through the login form (CSRF token and all); return the Cookie header of the session."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/connexion")
    page = connection.getresponse()
    cookie = _session_cookie(page)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page.read().decode()).group(1)
    body = urlencode({"email": EMAIL, "password": PASSWORD, "csrf_token": token})
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    connection.request("POST", "/connexion", body=body, headers=headers)
    answer = connection.getresponse()
    answer.read()
    if answer.status != 302:
        raise RuntimeError(f"login refused: {answer.status}")
    return _session_cookie(answer)


def _session_cookie(response: http.client.HTTPResponse) -> str:
    cookies = [value.split(";", 1)[0] for name, value in response.getheaders() if name.lower() == "set-cookie"]
    return next(c for c in cookies if c.startswith("session="))


# --- The clients ----------------------------------------------------------------------------------------------
class Mix:
    """Deterministic requests of the three routes, in equal parts (or of the home page alone: the floor)."""

    def __init__(self, tender_ids: list[int], communes: list[str], seed: int, routes: tuple[str, ...] = ROUTES) -> None:
        self.rng, self.tender_ids, self.communes, self.routes = random.Random(seed), tender_ids, communes, routes

    def next(self) -> tuple[str, str]:
        route = self.rng.choice(self.routes)
        if route == FLOOR:
            return route, "/"
        if route == "tender list":
            return route, f"/appels-d-offres?page={self.rng.randint(1, 5)}"
        if route == "tender page":
            return route, f"/appels-d-offres/{self.rng.choice(self.tender_ids)}"
        query = {"cpv": self.rng.choice(PREFIXES), "commune": self.rng.choice(self.communes), "radius": "30"}
        return route, f"/entreprises?{urlencode(query)}"


def _get(connection: http.client.HTTPConnection, path: str, cookie: str) -> int:
    connection.request("GET", path, headers={"Cookie": cookie})
    response = connection.getresponse()
    response.read()
    return response.status


def _client(port: int, cookie: str, mix: Mix, until: float, out: list, errors: list, think: float) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < until:
        if think:  # a person reading the page: exponential pauses of mean ``think`` seconds
            time.sleep(min(mix.rng.expovariate(1 / think), max(0.0, until - time.monotonic())))
        route, path = mix.next()
        start = time.perf_counter()
        try:
            try:
                status = _get(connection, path, cookie)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                connection.close()  # the server closed an idle keep-alive connection: retry once, as browsers do
                status = _get(connection, path, cookie)
            ok = status == 200
        except (OSError, http.client.HTTPException):
            ok = False
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        (out if ok else errors).append((route, (time.perf_counter() - start) * 1000))
    connection.close()


def run_clients(
    port: int,
    cookie: str,
    args,
    duration: float,
    data: tuple[list[int], list[str]],
    think: float,
    routes: tuple[str, ...],
) -> dict:
    """``clients`` threads for ``duration`` seconds: latencies (ms) and errors by route, and the elapsed time."""
    samples: list[tuple[str, float]] = []
    errors: list[tuple[str, float]] = []
    until = time.monotonic() + duration
    threads = [
        threading.Thread(
            target=_client, args=(port, cookie, Mix(*data, seed=n, routes=routes), until, samples, errors, think)
        )
        for n in range(args.clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"samples": samples, "errors": errors, "elapsed": time.perf_counter() - started}


def report(label: str, result: dict, routes: tuple[str, ...]) -> dict[str, float]:
    by_route: dict[str, list[float]] = defaultdict(list)
    for route, ms in result["samples"]:
        by_route[route].append(ms)
    failed = Counter(route for route, _ in result["errors"])
    total = len(result["samples"]) + len(result["errors"])
    rate = total / result["elapsed"]
    print(f"{label}: {total} requests in {result['elapsed']:.1f} s ({rate:.0f} req/s), load {os.getloadavg()[0]:.2f}")
    for route in (*routes, "overall"):
        ms = [m for _, m in result["samples"]] if route == "overall" else by_route[route]
        errors = len(result["errors"]) if route == "overall" else failed[route]
        if not ms:
            print(f"  {route:15} no successful request, {errors} errors")
            continue
        figures = percentiles(ms) if len(ms) > 1 else {"p50": ms[0], "p95": ms[0], "p99": ms[0], "max": ms[0]}
        print(
            f"  {route:15} n {len(ms):6}  "
            + "  ".join(f"{k} {v:7.1f}" for k, v in figures.items())
            + f"  errors {errors}"
        )
    overall = percentiles([m for _, m in result["samples"]])
    return {**overall, "rps": rate, "errors": len(result["errors"])}


def measure(
    database_url: str,
    workers: int,
    threads: int,
    args,
    duration: float,
    data,
    think: float = 0.0,
    routes: tuple[str, ...] = ROUTES,
) -> dict[str, float]:
    with gunicorn(database_url, workers, threads) as port:
        cookie = login(port)
        run_clients(port, cookie, args, min(5.0, duration / 3), data, think, routes)  # warm-up, not counted
        result = run_clients(port, cookie, args, duration, data, think, routes)
    pace = f", think {think:g} s" if think else ", no think time"
    return report(f"gunicorn -w {workers} --threads {threads}, {args.clients} clients{pace}", result, routes)


def verdict(figures: dict[str, float]) -> str:
    met = figures["p95"] < TARGET_P95_MS and not figures["errors"]
    return f"p95 {figures['p95']:.0f} ms, {figures['errors']:.0f} errors: {'MET' if met else 'MISSED'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=146_000)
    parser.add_argument("--tenders", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--baseline-duration", type=float, default=10.0)
    parser.add_argument("--think", type=float, default=1.0, help="mean pause of the paced clients (s)")
    parser.add_argument("--database-url", default=os.environ.get(PG_URL_ENV, DEFAULT_PG_URL))
    args = parser.parse_args()
    os.environ[PG_URL_ENV] = args.database_url  # where tests.databases.fresh_database creates the schema
    print(f"machine: {machine()}")
    with benchmark_app("postgresql") as app:
        with app.app_context():
            data = prepare(app, args.companies, args.tenders)
        url = app.config["DATABASE_URL"]
        app.extensions["db_engine"].dispose()
        closed = measure(url, 4, 2, args, args.duration, data)
        paced = measure(url, 4, 2, args, args.duration, data, think=args.think)
        floor = measure(url, 4, 2, args, args.baseline_duration, data, routes=(FLOOR,))
        baseline = measure(url, 1, 1, args, args.baseline_duration, data)
    print(
        f"throughput {closed['rps']:.0f} vs {baseline['rps']:.0f} req/s with one thread "
        f"({closed['rps'] / baseline['rps']:.1f}×), {floor['rps']:.0f} req/s on the home page alone "
        f"({closed['rps'] / floor['rps']:.0%} of it)"
    )
    print(f"target p95 < {TARGET_P95_MS:.0f} ms and no error, {args.clients} clients without pause: {verdict(closed)}")
    print(f"  the home page alone, same clients: {verdict(floor)}")
    print(f"  {args.clients} clients pausing {args.think:g} s on average between pages: {verdict(paced)}")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
