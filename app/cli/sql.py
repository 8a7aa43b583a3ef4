"""``dbadmin sql dev|prod "SELECT ..."``: one read-only statement, as the branch's reader."""

from __future__ import annotations

import csv
import sys
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from ..services import data
from .common import BranchArg, Confirm, actor, console_context, out

Query = Annotated[str, typer.Argument(help="One statement; it runs read-only, as a role that cannot write.")]
Explain = Annotated[str | None, typer.Option(help="'plan' (EXPLAIN) or 'analyze' (EXPLAIN ANALYZE: it runs).")]
AsCsv = Annotated[bool, typer.Option("--csv", help="Print CSV (a header row, then the rows) instead of a table.")]


def sql(
    branch: BranchArg, query: Query, explain: Explain = None, as_csv: AsCsv = False, confirm: Confirm = None
) -> None:
    """Run one read-only statement on BRANCH and print its rows (capped at SQL_ROW_LIMIT); on
    Production it is audited, and EXPLAIN ANALYZE asks for the phrase 'EXPLAIN ANALYZE'."""
    with console_context() as context:
        result = data.run(context, branch, query, actor=actor(), explain=explain, confirm=confirm)
    if as_csv:
        writer = csv.writer(sys.stdout)
        writer.writerow([column.name for column in result.columns])
        writer.writerows(["" if value is None else value for value in row] for row in result.rows)
    else:
        table = Table()  # the data as text, never as rich markup: a value "[red]" stays "[red]"
        for column in result.columns:
            table.add_column(Text(column.name) + Text(f"\n{column.type}", style="dim"))
        for row in result.rows:
            table.add_row(*(Text("null", style="dim") if value is None else Text(str(value)) for value in row))
        out.print(table)
    count = f"{result.row_count} row{'' if result.row_count == 1 else 's'}"
    print(f"{count} in {result.elapsed_ms} ms" + (f" ({result.capped})" if result.capped else ""), file=sys.stderr)
