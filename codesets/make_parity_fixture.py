#!/usr/bin/env python3
"""Make fixtures/codesets/icd10cm_parity.tsv: a fixed random sample of
ICD-10-CM codes whose status and description come from an INDEPENDENT
implementation, the PyPI library ``simple_icd_10_cm`` (1.5.0, April 1 2026
data), not from codesets/icd10cm.tsv.  The Rust tests look each INPUT up and
compare with the library's answer.

Usage (needs ``pip install simple-icd-10-cm==1.5.0``, e.g. in a venv)::

    python3 codesets/make_parity_fixture.py fixtures/codesets/icd10cm_parity.tsv

Output: no header line; ``INPUT<TAB>STATUS<TAB>DESCRIPTION`` with STATUS
``billable``, ``header`` or ``invalid`` (empty DESCRIPTION).  INPUT is written
in varied forms: dotted (``E11.9``), dotless (``E119``), lower case.

Two kinds of codes are deliberately left out of the random sample, because the
library differs from the official CMS titles there (see codesets/README.md):

* codes whose 7th-character definition carries an inclusion ``note`` in the
  tabular XML: the library appends it to the title ("..., stable/Old central
  retinal vein occlusion"), CMS does not;
* categories whose code is also the name of a one-category block (B20, F99,
  Z66, ...): the library resolves the name to the block.
"""

from __future__ import annotations

import random
import re
import sys

import simple_icd_10_cm as cm

SEED = 20260401
N_BILLABLE = 130
N_SEVENTH = 100
N_HEADER = 50
N_INVALID = 20
# Always included (inputs exactly as written).
FIXED = ["E11.9", "E11", "I10", "S52.521A", "e119", "S06.1X7A", "Z00.00", "T14.90XA"]
FIXED_INVALID = ["S06.1X7D", "S06.1X8S", "E11.99", "S52.521Z", "A10"]
WELL_FORMED = re.compile(r"[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?")


def desc(code: str) -> str:
    return " ".join(cm.get_description(code).split())


def status(code: str) -> str:
    if not cm.is_valid_item(code) or cm.is_chapter_or_block(code):
        return "invalid"
    return "billable" if cm.is_leaf(code) else "header"


def seventh_def_has_note(code: str) -> bool:
    """True if the 7th-character definition that applies to an extended code
    is one where the library merged an inclusion note into the text."""
    char = code[-1]
    node = cm.get_parent(code)
    while node:
        d = cm.get_seven_chr_def(node)
        if d:
            return "/" in d.get(char, "")
        node = cm.get_parent(node)
    return False


def variant(code: str, rng: random.Random) -> str:
    form = rng.randrange(4)
    if form == 0:
        return code  # dotted upper case
    if form == 1:
        return code.replace(".", "")  # dotless
    if form == 2:
        return code.lower()  # dotted lower case
    return code.replace(".", "").lower()  # dotless lower case


def make_invalid(valid: list[str], rng: random.Random) -> str:
    while True:
        base = rng.choice(valid)
        kind = rng.randrange(4)
        if kind == 0:  # one character too many
            cand = (base if "." in base else base + ".") + rng.choice("0123456789")
        elif kind == 1:  # change the last character
            cand = base[:-1] + rng.choice("0123456789ABXYZ")
        elif kind == 2:  # unused category number
            cand = base[0] + f"{rng.randrange(100):02d}"
        else:  # unused 7th character on a 7-character code
            cand = base[:-1] + rng.choice("BCEFHJLMNQRTUVWYZ") if len(base) == 8 else base + "9"
        if len(cand.replace(".", "")) > 7 or not WELL_FORMED.fullmatch(cand):
            continue
        if cm.is_valid_item(cand) or cm.is_valid_item(cand.replace(".", "")):
            continue
        return cand


def main(argv) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    rng = random.Random(SEED)
    codes = [c for c in cm.get_all_codes(with_dots=True) if not cm.is_chapter_or_block(c)]
    billable, seventh, header = [], [], []
    skipped_notes = 0
    for c in codes:
        if not cm.is_leaf(c):
            header.append(c)
        elif cm.is_extended_subcategory(c):
            if seventh_def_has_note(c):
                skipped_notes += 1
                continue
            seventh.append(c)
        else:
            billable.append(c)
    picked = rng.sample(billable, N_BILLABLE) + rng.sample(seventh, N_SEVENTH) + rng.sample(header, N_HEADER)
    rows = []
    for c in FIXED:
        rows.append((c, status(c.upper()), desc(c.upper())))
    for c in FIXED_INVALID:
        assert status(c) == "invalid", c
        rows.append((c, "invalid", ""))
    seen = {r[0].replace(".", "").upper() for r in rows}
    for c in picked:
        if c.replace(".", "") in seen:
            continue
        seen.add(c.replace(".", ""))
        rows.append((variant(c, rng), status(c), desc(c)))
    valid = billable + seventh + header
    while sum(1 for r in rows if r[1] == "invalid") < N_INVALID + len(FIXED_INVALID):
        c = make_invalid(valid, rng)
        if c.replace(".", "") in seen:
            continue
        seen.add(c.replace(".", ""))
        rows.append((variant(c, rng), "invalid", ""))
    head, tail = rows[: len(FIXED) + len(FIXED_INVALID)], rows[len(FIXED) + len(FIXED_INVALID):]
    rng.shuffle(tail)
    rows = head + tail
    for inp, st, d in rows:
        assert "\t" not in d and "\n" not in d
        assert st != "invalid" or d == ""
    with open(argv[1], "w", encoding="utf-8", newline="\n") as f:
        for r in rows:
            f.write("\t".join(r) + "\n")
    counts = {s: sum(1 for r in rows if r[1] == s) for s in ("billable", "header", "invalid")}
    print(f"{len(rows)} rows {counts}; 7th-character codes left out of the draw "
          f"(library merges an inclusion note into their title): {skipped_notes}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
