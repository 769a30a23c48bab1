#!/usr/bin/env python3
"""Build codedrill's embedded ICD-10-CM code set from the official CDC/NCHS
tabular XML (e.g. ``icd10cm-tabular-April-1-2026.xml``).

Usage::

    python3 codesets/build_icd10cm.py TABULAR.xml OUT_CODES.tsv OUT_CHAPTERS.tsv

Outputs (UTF-8, ``\\n`` line endings, no header line):

* OUT_CODES.tsv   -- ``CODE<TAB>STATUS<TAB>DESCRIPTION``, one line per code,
  sorted by code in plain byte order. CODE is upper case without the dot
  (``E119``), STATUS is ``billable`` or ``header``.
* OUT_CHAPTERS.tsv -- ``NUMBER<TAB>FIRST<TAB>LAST<TAB>DESCRIPTION``, one line
  per chapter in chapter order, FIRST/LAST being the first and last
  3-character categories of the chapter (from its section ranges).

Rules (see codesets/README.md for the full explanation):

* every ``diag`` element is a code; a ``diag`` with child ``diag``s is a
  ``header``; a leaf is ``billable`` unless a 7th character applies to it;
* the 7th characters that apply to a code are given by the nearest
  ``sevenChrDef`` on the code itself or on one of its ancestors;
* a leaf with 7th characters is a ``header``; each of its extensions is a
  ``billable`` code: the leaf padded with the placeholder ``X`` to 6
  characters, followed by the 7th character; its description is the leaf's
  description + ", " + the 7th character's description;
* a tabular note of the form "7th characters D and S do not apply to codes
  in category S06 with 6th character 7 ..., or 8 ..." removes those
  extensions for the matching codes under the diag that carries the note.

Standard library only.  The script prints the counts; ``--expect-billable N``
makes it fail when the billable count differs.
"""

from __future__ import annotations

import argparse
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

PLACEHOLDER = "X"
CODE_WIDTH_BEFORE_7TH = 6


@dataclass(frozen=True)
class Restriction:
    """7th characters ``chars`` do not apply to codes (under the diag that
    carries the note) whose character at 1-based ``position`` (after
    placeholder padding) is one of ``values``."""

    chars: frozenset
    position: int
    values: frozenset
    source: str = field(compare=False, default="")

    def excludes(self, padded_code: str, char: str) -> bool:
        if char not in self.chars:
            return False
        if len(padded_code) < self.position:
            return False
        return padded_code[self.position - 1] in self.values


# "7th characters D and S do not apply to codes in category S06 with
#  6th character 7 - death due to ..., or 8 - death due to ..."
_RESTRICT_RE = re.compile(
    r"7th characters?\s+(?P<chars>[0-9A-Z](?:\s*(?:,|and|or)\s*[0-9A-Z])*)\s+"
    r"(?:do|does)\s+not\s+apply\s+to\s+(?P<rest>.*)",
    re.IGNORECASE | re.DOTALL,
)
_POSITION_RE = re.compile(r"with\s+(\d)(?:st|nd|rd|th)\s+character", re.IGNORECASE)
_VALUE_RE = re.compile(r"(?:character|or|and|,)\s+([0-9A-Z])\s+-")


def normalize_code(name: str) -> str:
    """'S00.00' -> 'S0000' (upper case, dot removed, trimmed)."""
    return name.strip().replace(".", "").upper()


def clean_text(text: str | None) -> str:
    """Collapse any whitespace run (tabs, newlines included) to one space."""
    return " ".join((text or "").split())


def pad_placeholder(code: str, width: int = CODE_WIDTH_BEFORE_7TH) -> str:
    """Pad a dotless code with the placeholder X up to ``width`` characters."""
    return code + PLACEHOLDER * (width - len(code)) if len(code) < width else code


def extension_code(code: str, char: str) -> str:
    """'S0000' + 'A' -> 'S0000XA'; 'S52521' + 'A' -> 'S52521A'."""
    return pad_placeholder(code) + char


def extension_description(parent_desc: str, char_desc: str) -> str:
    """Long title of a 7th-character code, as CMS phrases it in its order file."""
    return f"{parent_desc}, {char_desc}"


def parse_restriction(text: str) -> Restriction | None:
    """Parse a note restricting 7th characters, or return None if the note
    is not such a restriction.  Raises ValueError when the note clearly is a
    restriction but cannot be understood (so a new phrasing is noticed)."""
    text = clean_text(text)
    m = _RESTRICT_RE.search(text)
    if not m:
        return None
    chars = frozenset(re.findall(r"\b([0-9A-Z])\b", m.group("chars")))
    rest = m.group("rest")
    pos = _POSITION_RE.search(rest)
    values = frozenset(_VALUE_RE.findall(rest[pos.start():])) if pos else frozenset()
    if not chars or not pos or not values:
        raise ValueError(f"cannot understand 7th-character restriction note: {text!r}")
    return Restriction(chars, int(pos.group(1)), values, text)


def seven_chr_def(diag: ET.Element) -> list[tuple[str, str]] | None:
    """The (char, description) pairs of a diag's own sevenChrDef, in order."""
    d = diag.find("sevenChrDef")
    if d is None:
        return None
    return [(e.get("char", "").strip().upper(), clean_text(e.text)) for e in d.findall("extension")]


def diag_restrictions(diag: ET.Element) -> list[Restriction]:
    out = []
    for container in ("notes", "sevenChrNote"):
        for c in diag.findall(container):
            for note in c.findall("note"):
                r = parse_restriction(note.text or "")
                if r is not None:
                    out.append(r)
    return out


@dataclass
class Stats:
    billable: int = 0
    header: int = 0
    seventh: int = 0  # billable codes with a 7th character
    restricted: int = 0  # extensions removed by restricting notes
    restrictions: list = field(default_factory=list)


def walk_diag(diag, inherited_7th, inherited_restr, rows, stats):
    code = normalize_code(diag.findtext("name", ""))
    desc = clean_text(diag.findtext("desc"))
    own = seven_chr_def(diag)
    sevenths = own if own is not None else inherited_7th
    local = diag_restrictions(diag)
    for r in local:
        stats.restrictions.append((code, r.source))
    restr = inherited_restr + local
    children = diag.findall("diag")
    if children:
        rows.append((code, "header", desc))
        for child in children:
            walk_diag(child, sevenths, restr, rows, stats)
    elif sevenths:
        rows.append((code, "header", desc))
        padded = pad_placeholder(code)
        for char, char_desc in sevenths:
            if any(r.excludes(padded, char) for r in restr):
                stats.restricted += 1
                continue
            rows.append((extension_code(code, char), "billable", extension_description(desc, char_desc)))
            stats.seventh += 1
    else:
        rows.append((code, "billable", desc))


def build_codes(root: ET.Element) -> tuple[list[tuple[str, str, str]], Stats]:
    rows: list[tuple[str, str, str]] = []
    stats = Stats()
    for chapter in root.findall("chapter"):
        for section in chapter.findall("section"):
            for diag in section.findall("diag"):
                walk_diag(diag, None, [], rows, stats)
    rows.sort(key=lambda r: r[0].encode())
    codes = [r[0] for r in rows]
    dupes = {c for c in codes if codes.count(c) > 1} if len(set(codes)) != len(codes) else set()
    if dupes:
        raise ValueError(f"duplicate codes: {sorted(dupes)[:10]}")
    for code, status, desc in rows:
        if not re.fullmatch(r"[A-Z][0-9A-Z]{2,6}", code):
            raise ValueError(f"malformed code {code!r}")
        if not desc or "\t" in desc or "\n" in desc:
            raise ValueError(f"bad description for {code}: {desc!r}")
        if status == "billable":
            stats.billable += 1
        else:
            stats.header += 1
    return rows, stats


_RANGE_SUFFIX_RE = re.compile(r"\s*\(([A-Z][0-9A-Z]{2})-([A-Z][0-9A-Z]{2})\)\s*$")


def build_chapters(root: ET.Element) -> list[tuple[str, str, str, str]]:
    out = []
    for chapter in root.findall("chapter"):
        number = clean_text(chapter.findtext("name"))
        desc = clean_text(chapter.findtext("desc"))
        refs = chapter.findall("sectionIndex/sectionRef")
        if not refs:
            raise ValueError(f"chapter {number} has no sectionIndex")
        firsts = [r.get("first", "").strip().upper() for r in refs]
        lasts = [r.get("last", "").strip().upper() for r in refs]
        first, last = min(firsts), max(lasts)
        m = _RANGE_SUFFIX_RE.search(desc)
        if m:
            if (m.group(1), m.group(2)) != (first, last):
                # e.g. chapter 22 is titled (U00-U85) but its sections span U00-U49:
                # the section ranges are authoritative.
                print(f"note: chapter {number} title says {m.group(1)}-{m.group(2)}, "
                      f"its sections span {first}-{last}; using the sections", file=sys.stderr)
            desc = desc[: m.start()]
        out.append((number, first, last, desc))
    return out


def write_tsv(path: str, rows) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write("\t".join(row) + "\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("tabular_xml")
    ap.add_argument("out_codes")
    ap.add_argument("out_chapters")
    ap.add_argument("--expect-billable", type=int, default=None,
                    help="fail (exit 1) unless exactly this many billable codes are produced")
    args = ap.parse_args(argv)

    root = ET.parse(args.tabular_xml).getroot()
    rows, stats = build_codes(root)
    chapters = build_chapters(root)
    write_tsv(args.out_codes, rows)
    write_tsv(args.out_chapters, chapters)

    version = clean_text(root.findtext("version"))
    print(f"tabular version: {version}")
    print(f"codes:    {len(rows)}")
    print(f"billable: {stats.billable} (of which {stats.seventh} with a 7th character)")
    print(f"header:   {stats.header}")
    print(f"chapters: {len(chapters)}")
    for code, text in stats.restrictions:
        print(f"restriction at {code}: {text}")
    print(f"extensions removed by restricting notes: {stats.restricted}")
    if args.expect_billable is not None and stats.billable != args.expect_billable:
        print(f"ERROR: expected {args.expect_billable} billable codes, got {stats.billable}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
