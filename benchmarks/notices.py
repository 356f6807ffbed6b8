"""Notice benchmark: parsing the corpus, and importing 1,000 notices.

    python -m benchmarks.notices [--rounds 15] [--imports 1000] [--backend sqlite|postgresql]

Parsing every XML file of ../shared/corpus (read and parse into a Notice) is compared, in the same run, with a
bare ``lxml.etree.parse`` loop over the same files (target: ours ≤ 2.5 × bare). Importing 1,000 notices (the
project's fixtures under new notice ids, one transaction each, as ``flask tenders import`` does) is compared
with parsing them alone."""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time
from pathlib import Path

from lxml import etree

from app.db import get_session
from app.tenders.parsing.dispatch import parse_notice
from app.tenders.parsing.model import NoticeParseError
from app.tenders.services import import_notice
from benchmarks.common import benchmark_app, machine

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
FOLDERS = (
    "eforms-sdk-1.15.1/examples",
    "ted-eforms-published-notices",
    "ted-r2.0.9-legacy-notices",
    "boamp-v230-notices",
)
FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "notices"


def corpus_files() -> list[Path]:
    return [p for folder in FOLDERS for p in sorted((CORPUS / folder).rglob("*.xml"))]


def _rounds(function, rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _parse_all(files: list[Path]) -> None:
    for path in files:
        with contextlib.suppress(NoticeParseError):
            parse_notice(path.read_bytes())


def _bare_all(files: list[Path]) -> None:
    for path in files:
        with contextlib.suppress(etree.XMLSyntaxError):
            etree.parse(str(path))


def bench_parse(rounds: int) -> None:
    if not CORPUS.is_dir():
        print("parse: ../shared/corpus absent, skipped")
        return
    files = corpus_files()
    size = sum(p.stat().st_size for p in files) / 1e6
    _parse_all(files)  # warm the page cache and the compiled XPaths
    # Interleaved rounds: each ratio compares two runs made seconds apart, which the machine's noise spares.
    bare, ours = [], []
    for _ in range(rounds):
        bare.append(_rounds(lambda: _bare_all(files), 1))
        ours.append(_rounds(lambda: _parse_all(files), 1))
    ratios = sorted(o / b for o, b in zip(ours, bare, strict=True))
    print(
        f"parse {len(files)} corpus files ({size:.1f} MB), {rounds} interleaved rounds: bare lxml median "
        f"{statistics.median(bare) * 1000:.0f} ms, parse_notice median {statistics.median(ours) * 1000:.0f} ms → "
        f"ratio median {statistics.median(ratios):.2f}× (min {ratios[0]:.2f}, max {ratios[-1]:.2f}; target ≤ 2.5×)"
    )


def _variants(count: int) -> list[tuple[str, bytes]]:
    """The fixtures under distinct notice ids, so that each one is a new notice."""
    fixtures = sorted(FIXTURES.glob("*.xml"))
    originals = {p: p.read_bytes() for p in fixtures}
    ids = {p: parse_notice(data).notice_id.encode() for p, data in originals.items()}
    out = []
    for i in range(count):
        path = fixtures[i % len(fixtures)]
        out.append((path.name, originals[path].replace(ids[path], ids[path] + f"-b{i:05d}".encode())))
    return out


def bench_import(backend: str, count: int) -> None:
    notices = _variants(count)
    parse_only = _rounds(lambda: [parse_notice(data) for _, data in notices], 1)
    with benchmark_app(backend) as app, app.app_context():
        session = get_session()

        def run() -> None:
            for name, data in notices:
                import_notice(session, data, name)
                session.commit()

        elapsed = _rounds(run, 1)
    print(
        f"import {count} notices into {backend}: {elapsed:.1f} s ({count / elapsed:.0f} notices/s; target ≤ 60 s "
        f"on SQLite); parsing them alone {parse_only:.1f} s → import / parse {elapsed / parse_only:.1f}×"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--imports", type=int, default=1000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    bench_parse(args.rounds)
    bench_import(args.backend, args.imports)


if __name__ == "__main__":
    main()
