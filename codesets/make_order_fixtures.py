#!/usr/bin/env python3
"""Make fixtures/codesets/icd10cm_order_sample.txt and icd10cm_order_bad.txt:
lines in the fixed-width format of CMS's ICD-10-CM order file
(``icd10cm_order_2026.txt``), built from codesets/icd10cm.tsv.

Usage::

    python3 codesets/make_order_fixtures.py codesets/icd10cm.tsv fixtures/codesets

CMS order-file layout (1-based columns)::

    1-5    order number, zero-padded to 5 digits
    6      blank
    7-13   code without the dot, left-aligned, padded with blanks to 7
    14     blank
    15     0 = header (not valid for HIPAA transactions), 1 = billable
    16     blank
    17-76  short title, padded with blanks to 60
    77     blank
    78-    long title (no padding)

Our sample differs from CMS on two documented points: the short title is the
long title cut to 60 characters (CMS's abbreviated short titles are not in the
tabular XML), and the order number is the 1-based position of the code in
codesets/icd10cm.tsv (byte-sorted), which is close to but not exactly CMS's
tabular order.  Only codes whose title is plain ASCII are sampled, as CMS's
order file is ASCII.  Lines end with ``\\n``.
"""

from __future__ import annotations

import os
import random
import sys

SEED = 20260401
SAMPLE = 200
FIXED = ["E11", "E119", "I10", "S52521A", "S52521", "A00", "A000", "Z0000", "W19XXXA", "U071"]


def order_line(number: int, code: str, status: str, desc: str) -> str:
    flag = "1" if status == "billable" else "0"
    return f"{number:05d} {code:<7} {flag} {desc[:60]:<60} {desc}"


def main(argv) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    rows = []
    with open(argv[1], encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            code, status, desc = line.rstrip("\n").split("\t")
            rows.append((i, code, status, desc))
    by_code = {r[1]: r for r in rows}
    rng = random.Random(SEED)
    ascii_rows = [r for r in rows if r[3].isascii()]
    picked = {by_code[c] for c in FIXED}
    while len(picked) < SAMPLE:
        picked.add(rng.choice(ascii_rows))
    sample = sorted(picked)
    lines = [order_line(*r) for r in sample]
    os.makedirs(argv[2], exist_ok=True)
    with open(os.path.join(argv[2], "icd10cm_order_sample.txt"), "w", encoding="ascii", newline="\n") as f:
        f.write("\n".join(lines) + "\n")

    # Bad file: valid lines except line 3 (billable flag missing: blank in
    # column 15) and line 7 (too short: cut right after the code).
    good = [order_line(*by_code[c]) for c in ["A00", "A000", "A001", "A009", "E11", "E119", "I10", "S52521A", "Z0000"]]
    bad = list(good)
    bad[2] = bad[2][:14] + " " + bad[2][15:]
    bad[6] = bad[6][:13]
    with open(os.path.join(argv[2], "icd10cm_order_bad.txt"), "w", encoding="ascii", newline="\n") as f:
        f.write("\n".join(bad) + "\n")
    print(f"sample: {len(lines)} lines; bad: {len(bad)} lines (malformed: 3, 7)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
