"""Class statistics as CSV (UTF-8 with BOM, formula cells defused) and as an Excel workbook. No Flask.

CSV cells go through dashboard.export.safe_cell, the same guard as the learner's own export. In the
workbook, numbers are real numbers (percentages formatted as such) and every text cell is written
as a string cell, so a nickname like "=HYPERLINK(…)" is shown, never evaluated.
"""
from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any, Callable, Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ..dashboard.export import BOM, MAX_CELL, safe_cell
from ..progress.classstats import Figure
from .tables import INT, PERCENT, SCORE, TIME, Column, cell_text

Sheet = tuple[str, Sequence[Column], Iterable[Any]]


def csv_text(columns: Sequence[Column], rows: Iterable[Any], when: Callable[[datetime], str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(c.title) for c in columns])
    for row in rows:
        writer.writerow([safe_cell(cell_text(c.kind, c.get(row), when)) for c in columns])
    return BOM + buffer.getvalue()


def _xlsx_value(kind: str, value: Any, when: Callable[[datetime], str]) -> tuple[Any, str | None]:
    """(value for the cell, number format) — numbers stay numbers; missing figures become their words."""
    if isinstance(value, Figure):
        if value.value is None:
            return value.missing, None
        return value.value, "0%" if kind == PERCENT else "0.00"
    if value is None:
        return None, None
    if kind == INT or (kind == SCORE and isinstance(value, (int, float))):
        return value, "0" if kind == INT else "0.#"
    if kind == TIME:
        return when(value), None
    return cell_text(kind, value, when), None


def xlsx_bytes(sheets: Sequence[Sheet], when: Callable[[datetime], str]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, columns, rows in sheets:
        sheet = book.create_sheet(title=name[:31])
        sheet.append([c.title for c in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [max(6, len(c.title) * 2) for c in columns]
        for r, row in enumerate(rows, start=2):
            for i, column in enumerate(columns):
                value, fmt = _xlsx_value(column.kind, column.get(row), when)
                cell = sheet.cell(row=r, column=i + 1)
                if isinstance(value, str):
                    cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL]
                    cell.data_type = "s"  # never a formula, whatever it starts with
                    widths[i] = min(60, max(widths[i], len(value) * 2))
                else:
                    cell.value = value
                if fmt:
                    cell.number_format = fmt
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.freeze_panes = "B2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

