"""DECP benchmark: reading a national-sized 2022-format file.

    python -m benchmarks.awards [--records 1000000] [--rounds 3] [--seed 1]

Generates a 2022-format JSON file (``{"marches": {"marche": [...], "contrat-concession": [...]}}``) of ``--records``
records shaped as the real ones (one to three holders, sub-contracting acts, modifications, a few concessions, and
junk: « NC », 1e17, « test », wrong SIRET keys, VAT numbers, dates with a zone, records published twice) into a
temporary directory, then, in interleaved rounds of the same run:

* the baseline: a bare ``ijson.items(file, "marches.marche.item")`` loop (ijson's C backend, building the dicts and
  nothing else; it skips the concessions' array, one per cent of the records);
* ours: ``read_decp`` on the same file, every record into a ``Contract`` (or a ``Rejected``);
* ours, stored: ``read_decp`` into a fresh, migrated SQLite database (``store_into``, as ``flask awards import``),
  timed from the first record.

Each measure runs in its own child process, so that its peak RSS (``resource.getrusage``) is its own. It prints
records/s for each, the median ratio, and the peak RSS of each next to an idle child's (the interpreter and imports).

"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import ijson

from app.awards.model import Contract
from app.awards.parsing.decp import read_decp
from app.companies.identifiers import luhn_check_digit
from benchmarks.common import machine

NATURES = ("Marché", "Marché", "Marché", "Accord-cadre", "Marché subséquent", "Marché de partenariat")
PROCEDURES = ("Procédure adaptée", "Appel d'offres ouvert", "Appel d'offres restreint", "Procédure avec négociation")
CPV = ("45000000-7", "45210000-2", "45310000-3", "71000000-8", "90910000-9", "30192000-1", "50720000-8", "77313000-7")
WORDS = (
    "travaux",
    "fourniture",
    "entretien",
    "rénovation",
    "maintenance",
    "école",
    "gymnase",
    "voirie",
    "lot",
    "chauffage",
    "nettoyage",
    "bâtiments",
    "communaux",
    "menuiseries",
    "électricité",
    "espaces verts",
)
GROUPEMENTS = ("Pas de groupement",) * 8 + ("Conjoint", "Solidaire")


def _siret(rng: random.Random, valid: bool = True) -> str:
    siren = f"{rng.randrange(10**7, 10**8)}"
    siren += luhn_check_digit(siren)
    base = siren + f"{rng.randrange(1, 100):05d}"
    key = luhn_check_digit(base)
    return base + (key if valid else str((int(key) + 1) % 10))


def _holder(rng: random.Random, companies: list[str]) -> dict:
    draw = rng.random()
    if draw < 0.97:
        return {"titulaire": {"typeIdentifiant": "SIRET", "id": rng.choice(companies)}}
    if draw < 0.98:
        return {"titulaire": {"typeIdentifiant": "TVA", "id": f"DE{rng.randrange(10**8, 10**9)}"}}
    if draw < 0.99:
        return {"titulaire": {"typeIdentifiant": "SIRET", "id": _siret(rng, valid=False)}}
    return {"titulaire": {"typeIdentifiant": "HORS-UE", "id": "test"}}


def _record(rng: random.Random, n: int, buyers: list[str], companies: list[str]) -> dict:
    day = f"2024-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
    holders = [_holder(rng, companies) for _ in range(rng.choice((1, 1, 1, 1, 1, 1, 2, 2, 3)))]
    record = {
        "id": f"2024{n:012d}",
        "acheteur": {"id": rng.choice(buyers)},
        "nature": rng.choice(NATURES),
        "objet": " ".join(rng.choice(WORDS) for _ in range(rng.randrange(4, 12))).capitalize(),
        "codeCPV": rng.choice(CPV),
        "procedure": rng.choice(PROCEDURES),
        "lieuExecution": {"code": f"{rng.randrange(1000, 96000):05d}", "typeCode": "Code postal"},
        "dureeMois": rng.randrange(1, 60),
        "dateNotification": day if rng.random() < 0.8 else day + "+02:00",
        "datePublicationDonnees": day,
        "montant": round(rng.lognormvariate(11.5, 1.2), 2),
        "formePrix": rng.choice(("Forfaitaire", "Unitaire", "Mixte")),
        "typesPrix": {"typePrix": ["Définitif ferme"]},
        "offresRecues": rng.randrange(1, 12),
        "marcheInnovant": False,
        "ccag": "Travaux",
        "considerationsSociales": {"considerationSociale": ["Pas de considération sociale"]},
        "considerationsEnvironnementales": {"considerationEnvironnementale": ["Pas de considération environnementale"]},
        "techniques": {"technique": ["Sans objet"]},
        "modalitesExecution": {"modaliteExecution": ["Sans objet"]},
        "typeGroupementOperateurs": rng.choice(GROUPEMENTS) if len(holders) > 1 else "Pas de groupement",
        "sousTraitanceDeclaree": rng.random() < 0.1,
        "titulaires": holders,
    }
    if rng.random() < 0.1:
        record["actesSousTraitance"] = [
            {
                "acteSousTraitance": {
                    "id": 1,
                    "sousTraitant": {"typeIdentifiant": "SIRET", "id": rng.choice(companies)},
                    "dureeMois": 6,
                    "dateNotification": day,
                    "montant": round(record["montant"] / 5, 2),
                    "variationPrix": "Ferme",
                }
            }
        ]
    if rng.random() < 0.15:
        change = {
            "id": 1,
            "montant": round(record["montant"] * 1.1, 2),
            "dateNotificationModification": day,
            "datePublicationDonneesModification": day,
        }
        if rng.random() < 0.3:
            change["titulaires"] = [_holder(rng, companies)]
        record["modifications"] = [{"modification": change}]
    junk = rng.random()
    if junk < 0.01:
        record["dureeMois"] = "NC"
    elif junk < 0.015:
        record["montant"] = 1e17
    elif junk < 0.02:
        record["id"] = ""
    return record


def _concession(rng: random.Random, n: int, buyers: list[str], companies: list[str]) -> dict:
    return {
        "id": f"DSP{n:010d}",
        "autoriteConcedante": {"id": rng.choice(buyers)},
        "nature": "Concession de service",
        "objet": "Délégation de service public",
        "procedure": "Procédure non négociée ouverte",
        "dureeMois": rng.randrange(36, 300),
        "dateSignature": "2024-03-02",
        "dateDebutExecution": "2024-04-01",
        "valeurGlobale": rng.randrange(10**5, 10**8),
        "concessionnaires": [{"concessionnaire": {"typeIdentifiant": "SIRET", "id": rng.choice(companies)}}],
    }


def generate(path: Path, count: int, seed: int) -> None:
    """``count`` records: 99 % marchés (1 % of them published twice), 1 % concessions."""
    rng = random.Random(seed)
    buyers = [_siret(rng) for _ in range(5000)]
    companies = [_siret(rng) for _ in range(60_000)]
    register_file(path).write_text("\n".join(companies[::3]))  # a third of the holders are in our register
    concessions = count // 100
    with path.open("w", encoding="utf-8") as out:
        out.write('{"marches": {"marche": [\n')
        previous = None
        for n in range(count - concessions):
            record = previous if previous is not None and rng.random() < 0.01 else _record(rng, n, buyers, companies)
            out.write(("," if n else "") + json.dumps(record, ensure_ascii=False) + "\n")
            previous = record
        out.write('],\n"contrat-concession": [\n')
        for n in range(concessions):
            out.write(("," if n else "") + json.dumps(_concession(rng, n, buyers, companies), ensure_ascii=False))
        out.write("]}}\n")


# --- the measures, each in its own process ---------------------------------------------------------------------------


def _bare(path: str) -> int:
    with open(path, "rb") as stream:
        return sum(1 for _ in ijson.items(stream, "marches.marche.item"))


def _ours(path: str) -> int:
    with open(path, "rb") as stream:
        return sum(1 for _ in read_decp(stream))


def _idle(path: str) -> int:
    return 0


def register_file(path: Path) -> Path:
    """The SIRETs of the companies the register holds, beside the generated file."""
    return path.with_suffix(".register")


def _seed_register(session, sirets: list[str]) -> None:
    from sqlalchemy import insert

    from app.companies.models import Company

    rows = [
        {"siret": s, "siren": s[:9], "legal_name": f"Entreprise {s}", "commune_insee": "13055", "source": "sirene"}
        for s in sirets
    ]
    session.execute(insert(Company), rows)
    session.commit()


def _stored(path: str) -> tuple[int, float]:
    """Read and stored into a fresh, migrated SQLite database whose register holds a third of the holders, through
    ``store_into`` (it yields its report after each batch, the caller commits each one), as ``flask awards import``
    does. Timed from the first record: the database's creation, reference data and register are not the import's."""
    from app.awards.store import store_into
    from app.db import get_session
    from benchmarks.common import benchmark_app

    logging.getLogger("alembic").setLevel(logging.WARNING)  # the fresh database's migrations, one line each
    with benchmark_app("sqlite") as app, app.app_context(), open(path, "rb") as stream:
        session = get_session()
        _seed_register(session, register_file(Path(path)).read_text().split())
        start = time.perf_counter()
        contracts = (item for item in read_decp(stream) if isinstance(item, Contract))
        kept = 0
        for report in store_into(session, contracts, Path(path).name):
            session.commit()
            kept = report.stored + report.updated + report.unchanged
        return kept, time.perf_counter() - start


def _child(function: Callable[[str], int | tuple[int, float]], path: str, pipe) -> None:
    start = time.perf_counter()
    result = function(path)
    count, elapsed = result if isinstance(result, tuple) else (result, time.perf_counter() - start)
    pipe.send((count, elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
    pipe.close()


def measure(function: Callable[[str], int | tuple[int, float]], path: Path) -> tuple[int, float, float]:
    """(records, seconds, peak RSS in MB) of ``function(path)`` run in a fresh child process."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(function, str(path), sender))
    process.start()
    sender.close()
    try:
        result = receiver.recv()
    except EOFError:  # the child failed: its traceback is above
        result = (0, float("nan"), float("nan"))
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "decp-2022.json"
        start = time.perf_counter()
        generate(path, args.records, args.seed)
        size = path.stat().st_size / 1e6
        print(f"generated {args.records:,} records, 2022 format, {size:,.0f} MB in {time.perf_counter() - start:.0f} s")
        idle = measure(_idle, path)[2]
        bare, ours = [], []
        for _ in range(args.rounds):  # interleaved: each ratio compares two runs made seconds apart
            bare.append(measure(_bare, path))
            ours.append(measure(_ours, path))
        _report(bare, ours, idle)
        count, elapsed, rss = measure(_stored, path)
        bare_seconds = statistics.median(b[1] for b in bare)
        print(
            f"read and stored into SQLite (store_into): {count:,} contracts kept in {elapsed:.1f} s "
            f"({args.records / elapsed:,.0f} records/s, {elapsed / bare_seconds:.1f}× the bare loop), "
            f"peak RSS {rss:.0f} MB"
        )


def _report(bare: list[tuple[int, float, float]], ours: list[tuple[int, float, float]], idle: float) -> None:
    ratios = sorted(o[1] / b[1] for o, b in zip(ours, bare, strict=True))
    for label, runs in (("bare ijson.items", bare), ("read_decp", ours)):
        seconds = statistics.median(r[1] for r in runs)
        print(
            f"{label}: {runs[0][0]:,} records, median {seconds:.1f} s ({runs[0][0] / seconds:,.0f} records/s), "
            f"peak RSS {max(r[2] for r in runs):.0f} MB (idle child {idle:.0f} MB)"
        )
    print(
        f"ratio read_decp / bare: median {statistics.median(ratios):.2f}× (min {ratios[0]:.2f}, max {ratios[-1]:.2f})"
    )


if __name__ == "__main__":
    main()
