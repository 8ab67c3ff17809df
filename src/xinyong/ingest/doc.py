"""Render the data contract (:mod:`xinyong.ingest.contract`) as the Markdown of ``docs/data-contract.md``.

The document is generated, never edited by hand: ``scripts/render_docs.py`` rewrites it
and ``tests/ingest/test_contract.py`` fails when it is out of step with the code.
"""

from __future__ import annotations

from xinyong.ingest import contract
from xinyong.ingest.limits import Limits
from xinyong.ingest.validate import EARLIEST_DATE, RULES

TYPES = (
    ("string", "text", "any non-empty text meeting the column's rules", "text, dictionary text (pandas `category`)"),
    (
        "int",
        "whole number",
        "`0` or `-?[1-9][0-9]*`: no sign `+`, leading zero, `-0`, decimal point or exponent (`1e3`)",
        "any integer type, text",
    ),
    (
        "decimal",
        "number",
        "`-?(0\\|[1-9][0-9]*)(\\.[0-9]+)?`, finite: no `+`, exponent (`1e3`, `1e-400`), thousands separator "
        "(`1,000`), `-0`, `.5` or `5.`, nor a value so small that it reads as 0",
        "any integer, float or decimal type, text",
    ),
    (
        "date",
        "`YYYY-MM-DD`",
        "`YYYY-MM-DD`, `YYYY-M-D` or `YYYY/M/D`, zero-padded or not (`2024-08-14`, `2024-8-14`, `2024/8/14`), "
        "followed by nothing or a midnight time (an xlsx date cell, `2024-08-14 00:00:00`; Excel's `2024/8/14 0:00`); "
        f"a real calendar date from {EARLIEST_DATE} to the ingest date (unless noted); no sign (`+2020-01-05`), "
        "spaces or other forms",
        "date, date-time without time zone at midnight, text",
    ),
    ("month", "`YYYY-MM`", "`YYYY-MM`, a real month", "text"),
)


def _types() -> str:
    lines = ["| kind | written as | accepted as text | accepted in Parquet |", "|---|---|---|---|"]
    return "\n".join(lines + [f"| {' | '.join(row)} |" for row in TYPES])


HEADER = (
    f"""# Data contract (raw input tables)

*Generated from `src/xinyong/ingest/contract.py` by `scripts/render_docs.py`; do not edit.*

`xinyong ingest RAW_DIR --out CLEAN_DIR [--encoding ENC] [--max-quarantined S] [--max-registry-loss S]`
reads one file per table from RAW_DIR. Headers may be the English column names or the Chinese labels below,
on the first row that names them (title rows above it are passed over). CSV files are read as `--encoding`
says (e.g. `gbk`), else as UTF-8 (with or without BOM) when their bytes are valid UTF-8, else as GB18030
(which contains GBK, what Excel on Chinese Windows saves).

## Files
A table's file is named after the table or after its Chinese name (the heading of each table below),
in any letter case and character width, ending `.parquet`, `.csv`, `.xlsx` or `.xls`:
`penalties.csv`, `Penalties.CSV`, `行政处罚.xlsx` and `行政处罚.xls` are all the table `penalties`.
Hidden files, Excel's lock files (`~$…`) and other files are not read. Every table must have exactly
one file: all the tables without one are listed in one error (with the files that matched no table),
and a table with two (`enterprises.csv` beside `enterprises.parquet`, or beside `市场主体登记信息.xlsx`)
is an error naming both; no file is ever picked over another silently. Headers may be the English
column names or the Chinese labels below. CSV files are UTF-8 (with or without BOM) unless `--encoding`
says otherwise (e.g. `gbk`, as Excel on Chinese Windows saves "CSV (逗号分隔)"). xlsx and xls cells are
read as text; a date cell reads as its date. CLEAN_DIR may not be RAW_DIR, be inside it or hold it.

## What comes out
Every row either passes every rule and is written, typed, to `CLEAN_DIR/<table>.parquet`, or is
written to `CLEAN_DIR/quarantine/<table>.csv` with `file, line, column, rule, value, detail` (the
reason, in Chinese) and the row as it was read, in which control, bidirectional and invisible characters
are shown as `<U+XXXX>`. `line` is the row Excel or LibreOffice shows (the header on its own row,
blank rows counted; an entirely empty row is skipped); Parquet counts records from 1.
`CLEAN_DIR/manifest.json` records, per table, `input_rows = accepted + quarantined`, and the limits below.
A whole-file problem (a missing table or column, a table in two files, a Parquet column of a type
outside the contract, an unreadable file, a wrong encoding) is a one-line error naming the file,
and CLEAN_DIR is left as it was.

## When an ingest is refused
A few bad rows are quarantined and the rest go on. A table quarantined whole or mostly is a file read
wrongly (the wrong encoding or date format, a column mapping gone wrong), and later steps must not run
on what is left of it as if it were all, so ingest is **refused** (exit code 6) when

- a table with rows has every row quarantined;
- more than `--max-quarantined` of a table's rows are quarantined (default {Limits.max_quarantined:.0%});
- the registry (`enterprises`) loses more than `--max-registry-loss` of its firms (default
  {Limits.max_registry_loss:.0%}): quarantined, or accepted fewer than by the previous ingest into
  CLEAN_DIR (a partial export; deregistered firms stay in a registry with their status), or none at all.

The summary it prints says for each table, in Chinese and English, whether it passed, and why not.
A refused ingest leaves CLEAN_DIR's tables and manifest as they were (a folder never ingested has no
manifest, so every later step refuses it) and writes its quarantine and report to
`CLEAN_DIR/refused/` (`quarantine/<table>.csv`, `refused.json`: the manifest it would have written and
the reasons); the next ingest that passes removes it.

## Types
{_types()}
Digits are ASCII `0`–`9` everywhere (formats included): full-width `２０２４` is not a number.
In Parquet, any other column type — list, struct, map, binary, boolean, time, duration, a date-time
with a time zone, or a float where an integer is expected (pandas writes an integer column with empty
cells as float; write it as `Int64`) — is a one-line error naming the file, the column, the type found
and the types expected.

## Text
Text may not hold a control character (rule `control_character`: C0 U+0000–U+001F — NUL, TAB, LF,
CR… —, DEL U+007F and C1 U+0080–U+009F; a column marked multi-line may hold TAB, LF and CR), a
bidirectional formatting character (rule `bidi_control`: U+202A–U+202E embeddings and overrides,
U+2066–U+2069 isolates, U+200E/U+200F/U+061C marks; Unicode UAX #9, and CVE-2021-42574 "Trojan Source"
for how they make text display in another order than it reads), or an invisible format character
(rule `invisible_character`: U+00AD, U+034F, U+180E, U+200B–U+200D, U+2060–U+2064, U+FEFF), which make
two names that look the same differ.

## Rules, in the order they are tried
A row is quarantined under the first rule it breaks: `missing`, then for text `control_character`,
`bidi_control`, `invisible_character`, and for other kinds `invalid_<kind>`, then `allowed_values`,
`pattern`, `range`, `uscc_check` (GB 32100-2015), `date_in_future`, `date_too_early`, then table rules
— `missing` and `certificate_expired` on the rows a condition names (e.g. enforcement officers),
`date_order`, `one_of_required` — then `unknown_reference` (the referenced row was not accepted), then
`duplicate_key` (the first row with a key is kept). Tables are validated in the order below, so
references point upstream.

| rule | 中文 |
|---|---|
"""
    + "\n".join(f"| `{rule}` | {label} |" for rule, label in RULES.items())
    + "\n"
)


RESULTS_HEADER = """## The results form (抽查检查结果录入表)

Not a department table: the form inspectors fill in for one round and `xinyong results import`
reads (xlsx, Excel 97–2003 xls or CSV; English or Chinese headers), read as offices fill it in
(`src/xinyong/workspace/tables.py`, `src/xinyong/results/form.py`):

- the sheet is the first whose header, within its first 20 rows, names every required column, so a
  说明 or legend sheet and title rows may come first; header cells match without spaces and after
  Unicode NFKC normalisation (full-width letters become ASCII);
- row numbers are the ones Excel and LibreOffice show, in workbooks and CSV alike: the header's own
  row, blank rows counted; an entirely empty row is skipped and the rows after it keep their numbers;
- a CSV file's encoding, unless `--encoding` names one, is UTF-8 (with or without BOM) when its bytes
  are valid UTF-8, else GB18030, which contains GBK (what Excel on Chinese Windows saves as CSV);
- every cell is trimmed; all but 市场主体名称, 检查人员姓名 and 备注 are also NFKC-normalised and
  upper-cased (`Ａ`, `a`, `；`, `，` read as `A`, `A`, `;`, `,`);
- dates may be `2026-12-11`, `2026/12/11`, `2026.12.11`, `2026年12月11日`, `20261211`, a date cell, an
  Excel serial number in a General cell (1900 date system) or a date-time (the time of day is
  dropped); a date with the year last is read when only one of day/month and month/day is a day of
  the calendar (`12/31/2026`), and otherwise (`12/11/2026`, `11/12/26`) refused as `ambiguous_date`;
- result codes and team members may be separated by `;`, `,`, `、` or spaces; a code may carry its
  meaning (`A 发现问题待后续处理`, as drop-down lists offer it); an unknown code is `unknown_code`,
  whose message lists every code with its meaning; a team member that is no inspector id is
  `inspector_id`;
- a USCC loses its spaces; one that is a number and not a valid code (`913308021420020992`,
  `9.13308E+17`) is `uscc_number`, whose message says that Excel stored it as a number, which keeps 15
  significant digits, and that the column must be formatted as 文本 and the code entered again.

A row with nothing in 检查开始日期, 检查完成日期, 检查结果代码, 更正记录号 and 备注 is **待录入**: its
result has not come back. It is listed by row, not checked and never rejected, so a form is imported
again as results come in; the rows already imported are recognised by their content and not added
twice. Every other row must meet the column rules below, name a target of the round, carry exactly
the team on record for it, use `1` alone, start no earlier than the round's month, and — to change a
result already imported — name it in 更正记录号. One bad row rejects the file; all bad rows are
listed by row, column, rule and the value read. 检查人员姓名 is there to read beside the ids: never
checked or stored. The result codes and their meanings are listed in `docs/disclosure.md`.
"""


def render() -> str:
    parts = [
        HEADER,
        *(_table(table) for table in contract.tables()),
        RESULTS_HEADER,
        _table(contract.results_form()),
        _reference_lists(),
    ]
    return "\n".join(parts)


def _reference_lists() -> str:
    """The enumerations too long for a table cell, from ``src/xinyong/reference/``."""
    towns = contract.reference_rows("towns.csv")
    lines = [
        "## Reference lists",
        "",
        "### 乡镇(街道), grids and stations of 330802 衢州市柯城区 (`reference/towns.csv`)",
        "",
        "A registry row's town, grid and station are those a workspace lists (`[[town]]`, docs/workspace.md);"
        " this list, the default region's, stands in for division 330802 when a workspace lists none of its towns.",
        "",
        "| town | kind | grid | station |",
        "|---|---|---|---|",
    ]
    lines += [f"| {t['town']} | {t['kind']} | {t['grid']} | {t['station']} |" for t in towns]
    lines += ["", "### GB/T 4754-2017 divisions (`reference/industries.csv`)", ""]
    lines += [", ".join(f"`{r['code']}` {r['name']}" for r in contract.reference_rows("industries.csv"))]
    return "\n".join(lines) + "\n"


def _table(table: contract.Table) -> str:
    lines = [
        f"## `{table.name}` — {table.label}",
        f"Source: {table.source}. {table.description}",
        "",
        f"Key: {', '.join(f'`{k}`' for k in table.key)} (unique).",
    ]
    if table.date_order:
        lines.append("Order: " + "; ".join(f"`{later}` ≥ `{earlier}`" for later, earlier in table.date_order) + ".")
    if table.one_of:
        lines.append("At least one of " + ", ".join(f"`{c}`" for c in table.one_of) + " per row.")
    for rule in table.conditionals:
        needs = [f"{', '.join(f'`{c}`' for c in rule.required)} required"] if rule.required else []
        needs += [f"`{c}` not before the ingest date" for c in rule.not_expired]
        lines.append(f"Rows with `{rule.when}` = {rule.value}: {'; '.join(needs)}.")
    lines += ["", "| column | 中文 | kind | required | rule | meaning |", "|---|---|---|---|---|---|"]
    for column in table.columns:
        lines.append(
            f"| `{column.name}` | {column.label} | {column.kind} | {'yes' if column.required else 'no'} | "
            f"{_rules(column)} | {column.description} |"
        )
    return "\n".join(lines) + "\n"


def _rules(column: contract.Column) -> str:
    rules = []
    if column.uscc:
        rules.append("GB 32100-2015 code")
    if column.allowed is not None:
        values = (
            column.allowed
            if len(column.allowed) <= 14
            else (*column.allowed[:6], "…", f"({len(column.allowed)} values)")
        )
        rules.append(("each of " if column.separator else "one of ") + " / ".join(values))
    if column.pattern:
        rules.append(f"`{column.pattern}`")
    if column.minimum is not None or column.maximum is not None:
        rules.append(f"{column.minimum:g} ≤ x ≤ {column.maximum:g}")
    if column.references:
        rules.append(("each part in " if column.separator else "in ") + f"`{column.references}`")
    if column.separator:
        rules.append(f"parts separated by `{column.separator}`")
    if column.future:
        rules.append("may be in the future")
    if column.multiline:
        rules.append("multi-line")
    if column.private:
        rules.append("**private: never published**")
    return "; ".join(rules).replace("|", "\\|") or "—"
