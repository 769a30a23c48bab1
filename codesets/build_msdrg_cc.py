#!/usr/bin/env python3
"""Build codedrill's CC/MCC flags of ICD-10-CM codes (MS-DRG) from the data
file of the PyPI package ``drgpy`` (``drgpy/runtime_data/vNN.json.xz``: CMS's
MS-DRG definitions as one xz-compressed JSON object).  Only its data is read:
``ccmap`` (code -> severity level and PDX exclusion list) and ``exmap``
(PDX exclusion list -> principal diagnoses).

Usage::

    python3 codesets/build_msdrg_cc.py RUNTIME.json.xz ICD10CM.tsv OUT_CC.tsv OUT_EXCLUSIONS.tsv

Outputs (UTF-8, ``\\n`` line endings, no header line, one tab between fields):

* OUT_CC.tsv -- ``CODE<TAB>SEVERITY<TAB>EXCLUSION<TAB>DISCHARGE``, one line
  per code that is a CC or an MCC as a secondary diagnosis, sorted by CODE in
  plain byte order.  CODE without its dot; SEVERITY ``cc`` or ``mcc``;
  EXCLUSION the number of its PDX exclusion list (four digits, as CMS numbers
  them); DISCHARGE ``any``, or ``alive`` when the code counts only if the
  patient is discharged alive (CMS's "MCC only if discharged alive").
* OUT_EXCLUSIONS.tsv -- ``EXCLUSION<TAB>CODES``: each PDX exclusion list,
  CODES the principal diagnoses (dotless, sorted, one space between) with
  which a secondary diagnosis of that list is not a CC/MCC.  Sorted by
  EXCLUSION.

Every code must be a code of ICD10CM.tsv (the output of build_icd10cm.py);
every CC/MCC code must be billable there.  Standard library only.
"""

from __future__ import annotations

import argparse
import json
import lzma
import re
import sys

from build_icd10cm import write_tsv

LEVELS = {"CC": "cc", "MCC": "mcc"}


def load(path: str) -> dict:
    with open(path, "rb") as f:
        return json.loads(lzma.decompress(f.read()))


def read_codes(path: str) -> dict[str, str]:
    """CODE -> STATUS of an icd10cm.tsv file."""
    codes = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            code, status, _ = line.rstrip("\n").split("\t", 2)
            codes[code] = status
    return codes


def build(payload: dict, codes: dict[str, str]) -> tuple[list, list]:
    ccmap, exmap = payload["ccmap"], payload["exmap"]
    cc_rows = []
    for code, entry in ccmap.items():
        level = LEVELS.get(entry.get("level"))
        if level is None:
            raise ValueError(f"{code}: unknown severity level {entry.get('level')!r}")
        if codes.get(code) != "billable":
            raise ValueError(f"{code}: CC/MCC code that is not a billable ICD-10-CM code")
        exclusion = str(entry.get("pdx", ""))
        if not re.fullmatch(r"[0-9]{4}", exclusion) or exclusion not in exmap:
            raise ValueError(f"{code}: PDX exclusion list {exclusion!r} not found")
        discharge = "alive" if entry.get("aowa") else "any"
        cc_rows.append((code, level, exclusion, discharge))
    cc_rows.sort(key=lambda r: r[0].encode())
    ex_rows = []
    for exclusion, pdx in exmap.items():
        unknown = [c for c in pdx if c not in codes]
        if unknown:
            raise ValueError(f"PDX exclusion list {exclusion}: not ICD-10-CM codes: {unknown[:5]}")
        ex_rows.append((exclusion, " ".join(sorted(set(pdx), key=str.encode))))
    ex_rows.sort(key=lambda r: r[0].encode())
    return cc_rows, ex_rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("runtime_json_xz")
    ap.add_argument("icd10cm_tsv")
    ap.add_argument("out_cc")
    ap.add_argument("out_exclusions")
    ap.add_argument("--expect-version", default=None, help="fail unless the data says this MS-DRG version")
    ap.add_argument("--expect", default=None, metavar="CC,MCC",
                    help="fail unless exactly this many CC and MCC codes are produced")
    args = ap.parse_args(argv)

    payload = load(args.runtime_json_xz)
    cc_rows, ex_rows = build(payload, read_codes(args.icd10cm_tsv))
    write_tsv(args.out_cc, cc_rows)
    write_tsv(args.out_exclusions, ex_rows)

    version = payload.get("version")
    cc = sum(1 for r in cc_rows if r[1] == "cc")
    mcc = len(cc_rows) - cc
    alive = sum(1 for r in cc_rows if r[3] == "alive")
    print(f"MS-DRG version: {version}")
    print(f"cc:  {cc}")
    print(f"mcc: {mcc} (of which {alive} only if discharged alive)")
    print(f"PDX exclusion lists: {len(ex_rows)} ({sum(len(r[1].split()) for r in ex_rows)} codes)")
    if args.expect_version is not None and version != args.expect_version:
        print(f"ERROR: expected MS-DRG {args.expect_version}, got {version}", file=sys.stderr)
        return 1
    if args.expect is not None and args.expect != f"{cc},{mcc}":
        print(f"ERROR: expected CC,MCC {args.expect}, got {cc},{mcc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
