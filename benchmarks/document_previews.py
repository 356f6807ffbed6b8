"""PNG previews of the first page of each bid document of the sample pack, for the docs and for eyeballing layout.

    python -m benchmarks.document_previews [--out docs/documents] [--dpi 80]

Needs ``pdftoppm`` (Debian package poppler-utils). Renders the sample pack of ``tests.document_samples`` (a draft:
the « PROJET » mark shows) and writes dc1.png, dc2.png, convention-conjoint.png, convention-solidaire.png, dc4.png
and summary.png, and convention-annexe.png: the convention's page where its tableau de répartition starts (the
split the members sign)."""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from app.consortium.documents import rendering
from tests.document_samples import sample_pack

OUT = Path(__file__).resolve().parent.parent / "docs" / "documents"


def previews() -> dict[str, Callable[[], bytes]]:
    """Preview name -> renderer of the document it shows."""
    conjoint, solidaire = sample_pack(form="conjoint"), sample_pack(form="solidaire")
    return {
        "dc1": lambda: rendering.dc1(conjoint),
        "dc2": lambda: rendering.dc2(conjoint, conjoint.members[0]),
        "convention-conjoint": lambda: rendering.convention(conjoint),
        "convention-solidaire": lambda: rendering.convention(solidaire),
        "dc4": lambda: rendering.dc4(conjoint, conjoint.subcontractors[0]),
        "summary": lambda: rendering.summary(conjoint),
        "convention-annexe": lambda: rendering.convention(conjoint),
    }


# The page a preview shows, found by a text it carries (the first page otherwise).
PAGE_WITH = {"convention-annexe": "Tableau de répartition des prestations et des prix"}


def page_with(pdf: bytes, text: str) -> int:
    """The 1-based number of the first page of ``pdf`` whose text contains ``text``."""
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(pdf)).pages
    return next(i for i, page in enumerate(pages, start=1) if text in " ".join(page.extract_text().split()))


def page_png(pdftoppm: str, pdf: bytes, target: Path, dpi: int, page: int = 1) -> None:
    """``target`` (a .png path) gets page ``page`` of ``pdf`` at ``dpi``."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "document.pdf"
        source.write_bytes(pdf)
        command = [pdftoppm, "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile"]
        subprocess.run([*command, str(source), str(target.with_suffix(""))], check=True)  # noqa: S603 (our own paths)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--dpi", type=int, default=80)
    args = parser.parse_args()
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise SystemExit("pdftoppm est introuvable : installez poppler-utils (apt-get install -y poppler-utils).")
    args.out.mkdir(parents=True, exist_ok=True)
    for name, render in previews().items():
        start = time.perf_counter()
        pdf = render()
        page = page_with(pdf, PAGE_WITH[name]) if name in PAGE_WITH else 1
        page_png(pdftoppm, pdf, args.out / f"{name}.png", args.dpi, page)
        print(f"{name}.png: {len(pdf) / 1024:.0f} KiB PDF rendered in {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
