"""A dashboard table as a file: CSV as French spreadsheets open it (semicolons, decimal commas, UTF-8 with a BOM)
and XLSX (openpyxl, numbers as numbers, shares as percentages)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from app.impact.tables import COUNT, EUR, SHARE, TEXT, Table

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_XLSX_FORMATS = {EUR: "#,##0.00", COUNT: "0", SHARE: "0.0%"}
_FORMULA = ("=", "+", "-", "@", "\t", "\r")  # a name from a public file must never run as a spreadsheet formula


def as_csv(table: Table, caption: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([caption])
    writer.writerow([_csv_title(c.title, c.kind) for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(value, column.kind) for value, column in zip(row, table.columns, strict=True)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_title(title: str, kind: str) -> str:
    return f"{title} (%)" if kind == SHARE else title


def _csv_cell(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == TEXT:
        return _inert(str(value))
    if kind == SHARE:
        return f"{value * 100:.1f}".replace(".", ",")
    if kind == EUR:
        return f"{Decimal(value):.2f}".replace(".", ",")
    return str(value)


def as_xlsx(table: Table, caption: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(table.title[:31])
    sheet.append([caption])
    sheet.append([c.title for c in table.columns])
    for row in table.rows:
        sheet.append([_xlsx_cell(sheet, value, column.kind) for value, column in zip(row, table.columns, strict=True)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(sheet, value, kind: str):
    if kind == TEXT and value is not None:
        cell = WriteOnlyCell(sheet, value=_inert(str(value)))
        cell.data_type = "s"
        return cell
    if value is None or kind not in _XLSX_FORMATS:
        return value
    cell = WriteOnlyCell(sheet, value=int(value) if kind == COUNT else float(value))
    cell.number_format = _XLSX_FORMATS[kind]
    return cell


def _inert(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA) else text
