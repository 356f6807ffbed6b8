"""Read the official CPV list: the EU Publications Office genericode XML (``Cpv2008Core.gc``) or a
``code,label_fr,label_en`` CSV. Pure: standard library and lxml only. Rows are checked as they stream by;
the first bad row stops the reading with its line number."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from lxml import etree

# Notices print CPV codes as 8 digits; the published list may add the check digit ("45000000-7").
_CODE = re.compile(r"^(\d{8})(?:-\d)?$")
# Box-drawing and block characters (U+2500–U+25FF) betray UTF-8 read as code page 437 (seen in copies of
# the official file); no CPV label contains them.
_MOJIBAKE = re.compile("[\u2500-\u25ff]")


class CpvFileError(ValueError):
    def __init__(self, path: Path, line: int | None, reason: str) -> None:
        where = f"{path.name}, ligne {line}" if line else path.name
        super().__init__(f"{where} : {reason}")


@dataclass(frozen=True)
class CpvRow:
    code: str
    label_fr: str
    label_en: str | None


def read_cpv_file(path: Path) -> Iterator[CpvRow]:
    try:
        with path.open("rb") as handle:
            start = handle.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError as exc:
        raise CpvFileError(path, None, f"fichier illisible ({exc.strerror})") from exc
    if start.startswith(b"<"):
        yield from _read_genericode(path)
    else:
        yield from _read_csv(path)


def normalise_code(raw: str) -> str | None:
    match = _CODE.match(raw.strip())
    return match.group(1) if match else None


def _row(path: Path, line: int | None, code: str, label_fr: str, label_en: str | None) -> CpvRow:
    normalised = normalise_code(code)
    if normalised is None:
        raise CpvFileError(path, line, f"code CPV invalide « {code.strip()[:20]} » (8 chiffres attendus)")
    if not label_fr.strip():
        raise CpvFileError(path, line, f"libellé français manquant pour le code {normalised}")
    return CpvRow(normalised, _repair(label_fr.strip()), _repair(label_en.strip()) if label_en else None)


def _repair(text: str) -> str:
    if not _MOJIBAKE.search(text):
        return text
    try:
        return text.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _read_csv(path: Path) -> Iterator[CpvRow]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or not {"code", "label_fr"} <= set(reader.fieldnames):
                raise CpvFileError(path, 1, "en-tête attendu : code,label_fr,label_en")
            for row in reader:
                if None in row or any(value is None for value in row.values()):
                    raise CpvFileError(path, reader.line_num, "nombre de colonnes incorrect")
                yield _row(path, reader.line_num, row["code"], row["label_fr"], row.get("label_en"))
    except UnicodeDecodeError as exc:
        raise CpvFileError(path, None, "le fichier n'est pas encodé en UTF-8") from exc
    except csv.Error as exc:
        raise CpvFileError(path, None, f"CSV mal formé ({exc})") from exc


def _read_genericode(path: Path) -> Iterator[CpvRow]:
    with path.open("rb") as handle:
        yield from _genericode_rows(path, handle)


def _genericode_rows(path: Path, handle: BinaryIO) -> Iterator[CpvRow]:
    # Hardened: no entity expansion, no DTD, no network; streams ~30 MB in constant memory.
    events = etree.iterparse(
        handle, events=("end",), tag="{*}Row", resolve_entities=False, no_network=True, load_dtd=False
    )
    found = False
    try:
        for _event, row in events:
            values = {
                value.get("ColumnRef"): (value.findtext("{*}SimpleValue") or "") for value in row.iterfind("{*}Value")
            }
            found = True
            yield _row(
                path,
                row.sourceline,
                values.get("code", ""),
                values.get("fra_label", ""),
                values.get("eng_label") or values.get("Name"),
            )
            row.clear(keep_tail=True)
            while row.getprevious() is not None:
                del row.getparent()[0]
    except etree.XMLSyntaxError as exc:
        raise CpvFileError(path, exc.lineno, f"XML mal formé ({exc.msg})") from exc
    if not found:
        raise CpvFileError(path, None, "aucune ligne <Row> : ce n'est pas une liste genericode CPV")
