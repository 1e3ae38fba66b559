"""Writes and reads .xlsx workbooks with openpyxl (a real spreadsheet writer) for Spanpatch's tests.

  python workbook.py write PATH   < {"sheets": [{"name": "Spans", "rows": [[...], ...]}]}
  python workbook.py read PATH    > {"sheets": [{"name": ..., "cells": [{"ref": "A1", "value": ..., "fill": "FFC7CE" | null, "comment": "..." | null}]}]}

A cell value in JSON is written as it is (text, number, boolean, null for an empty cell), except
{"date": "2024-03-01"} and {"datetime": "2024-03-01T09:30:00"}, which become Excel dates.
A row written {"repeat": N, "row": [...]} is that row N times (a large sheet without a large JSON).
"""

import datetime
import json
import sys

import openpyxl


def cell_value(value):
    if isinstance(value, dict) and "date" in value:
        return datetime.date.fromisoformat(value["date"])
    if isinstance(value, dict) and "datetime" in value:
        return datetime.datetime.fromisoformat(value["datetime"])
    return value


def write(path):
    spec = json.load(sys.stdin)
    book = openpyxl.Workbook(write_only=True)
    for sheet in spec["sheets"]:
        ws = book.create_sheet(sheet["name"])
        for row in sheet["rows"]:
            if isinstance(row, dict) and "repeat" in row:
                values = [cell_value(v) for v in row["row"]]
                for _ in range(row["repeat"]):
                    ws.append(values)
            else:
                ws.append([cell_value(v) for v in row])
    book.save(path)


def plain(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def read(path):
    book = openpyxl.load_workbook(path)
    sheets = []
    for ws in book.worksheets:
        cells = []
        for row in ws.iter_rows():
            for cell in row:
                fill = cell.fill.fgColor.rgb if cell.fill is not None and cell.fill.fill_type == "solid" else None
                comment = cell.comment.text if cell.comment is not None else None
                if cell.value is None and fill is None and comment is None:
                    continue
                cells.append(
                    {
                        "ref": cell.coordinate,
                        "value": plain(cell.value),
                        "fill": fill[-6:] if isinstance(fill, str) else None,
                        "comment": comment,
                    }
                )
        sheets.append({"name": ws.title, "cells": cells})
    json.dump({"sheets": sheets}, sys.stdout)


if __name__ == "__main__":
    {"write": write, "read": read}[sys.argv[1]](sys.argv[2])
