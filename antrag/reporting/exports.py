"""Exports of applications, notices, payments and registrations as CSV and XLSX.

CSV is written for German Excel: UTF-8 with BOM, `;` between cells, amounts with a decimal
comma and no thousands separator (`60750,00`), dates as `14.05.2019` and times as
`14.05.2019 10:30` in Europe/Berlin. Every cell that a spreadsheet could read as a formula
(it starts with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`.
XLSX holds numbers as numbers, dates as dates and every text as a text cell, never a formula.
Text stored before today's input rule may hold characters XML cannot (U+FFFE, control
characters): both formats show them as U+FFFD, so that Excel and openpyxl open every export.
"""

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from openpyxl import Workbook

from ..engine.calendar import BERLIN
from ..input_text import xml_safe

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Column kinds: how a value is written to CSV and typed in XLSX.
TEXT, INTEGER, MONEY, DATE, DATETIME = "text", "integer", "money", "date", "datetime"
XLSX_FORMATS = {MONEY: "#,##0.00", DATE: "DD.MM.YYYY", DATETIME: "DD.MM.YYYY HH:MM"}


@dataclass(frozen=True)
class Column:
    """One column of an export: its German header and the kind of its values."""

    header: str
    kind: str = TEXT


@dataclass(frozen=True)
class Table:
    """An export's title, columns and rows (plain Python values, None for empty)."""

    name: str
    title: str
    columns: list[Column]
    rows: list[tuple]


def neutralise(text: str) -> str:
    """Return `text` with a leading `'` if a spreadsheet could take it for a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _local(moment: datetime) -> datetime:
    """Return a UTC time as naive Europe/Berlin wall time (spreadsheets know no time zones)."""
    return moment.astimezone(BERLIN).replace(tzinfo=None)


def csv_cell(value, kind: str) -> str:
    """Return the CSV text of one value of a column of `kind`."""
    if value is None:
        return ""
    if kind == MONEY:
        text = f"{Decimal(value):.2f}".replace(".", ",")
    elif kind == DATE:
        text = value.strftime("%d.%m.%Y")
    elif kind == DATETIME:
        text = _local(value).strftime("%d.%m.%Y %H:%M")
    else:
        text = xml_safe(str(value))
    return neutralise(text)


def to_csv(table: Table) -> bytes:
    """Return the table as CSV bytes for German Excel (UTF-8 with BOM, `;`, CRLF)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([neutralise(xml_safe(str(column.header))) for column in table.columns])
    for row in table.rows:
        writer.writerow(
            [csv_cell(value, c.kind) for value, c in zip(row, table.columns, strict=True)]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_value(cell, value, kind: str) -> None:
    """Write one value into an openpyxl cell with the right type and number format."""
    if value is None:
        return
    if kind in (MONEY, INTEGER):
        cell.value = Decimal(value) if kind == MONEY else int(value)
    elif kind == DATETIME:
        cell.value = _local(value)
    elif kind == DATE:
        cell.value = value
    else:
        cell.value = xml_safe(str(value))
        cell.data_type = "s"  # a text, even if it starts with "=": never a formula
    if kind in XLSX_FORMATS:
        cell.number_format = XLSX_FORMATS[kind]


def to_xlsx(table: Table) -> bytes:
    """Return the table as an XLSX workbook with one sheet, header row frozen."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = xml_safe(str(table.title))[:31]
    for number, column in enumerate(table.columns, start=1):
        header = sheet.cell(row=1, column=number)
        _xlsx_value(header, column.header, TEXT)
        sheet.column_dimensions[header.column_letter].width = max(12, len(str(column.header)) + 4)
    for row_number, row in enumerate(table.rows, start=2):
        for number, (value, column) in enumerate(zip(row, table.columns, strict=True), start=1):
            _xlsx_value(sheet.cell(row=row_number, column=number), value, column.kind)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
