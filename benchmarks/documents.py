"""Bid pack generation: every document of a 6-member, 10-lot groupement, rendered and zipped.

    python -m benchmarks.documents [--members 6] [--lots 10] [--runs 5]

Ours: ``bidpack.render_files`` + ``bidpack.archive`` on a pack of that size (``tests.document_samples``), as the
« Générer les documents » button does after reading the database. Baseline in the same run: WeasyPrint alone
rendering, for each of the same files, a bare one-page HTML document — the engine's floor, which our templates
cannot go below. Prints medians and the ratio. Target (issue #7): ≤ 5 s for the pack. Figures go to
docs/PERFORMANCE.md."""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

from weasyprint import HTML

from app.consortium.documents import store as bidpack
from benchmarks.common import machine
from tests.document_samples import sample_pack


def ours(pack) -> tuple[float, int, int]:
    """Seconds, number of PDF files, size of the ZIP."""
    start = time.perf_counter()
    files = bidpack.render_files(pack)
    content = bidpack.archive(files, date(2026, 11, 27))
    return time.perf_counter() - start, sum(name.endswith(".pdf") for name, _ in files), len(content)


def floor(count: int) -> float:
    start = time.perf_counter()
    for index in range(count):
        HTML(string=f"<h1>Document {index}</h1><p>Une page.</p>").write_pdf()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=6)
    parser.add_argument("--lots", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    pack = sample_pack(draft=True, members=args.members, lots=args.lots, with_subcontractor=False)
    ours(pack)  # warm-up: fonts and templates loaded once per process, as in a serving process
    ours_s, floor_s = [], []
    for _ in range(args.runs):
        wall, pdfs, size = ours(pack)
        ours_s.append(wall)
        floor_s.append(floor(pdfs))
    median, baseline = statistics.median(ours_s), statistics.median(floor_s)
    print(
        f"pack of {args.members} members, {args.lots} lots: {pdfs} PDFs and the DUMEs, ZIP {size / 1024:.0f} KiB; "
        f"ours median {median:.2f} s (max {max(ours_s):.2f} s); bare WeasyPrint for as many PDFs "
        f"{baseline:.2f} s; ratio {median / baseline:.1f}×; target ≤ 5 s: {'MET' if max(ours_s) <= 5 else 'NOT MET'}"
    )
    # « Générer » again with nothing changed: the digest of the inputs is compared before anything is rendered.
    unchanged = []
    for _ in range(args.runs):
        start = time.perf_counter()
        bidpack.inputs_digest(pack)
        unchanged.append(time.perf_counter() - start)
    again = statistics.median(unchanged)
    print(
        f"generate again, inputs unchanged: digest median {again * 1000:.1f} ms against rendering {median:.2f} s "
        f"(what it cost before: every PDF rendered, then compared); ratio {median / again:.0f}×"
    )


if __name__ == "__main__":
    main()
