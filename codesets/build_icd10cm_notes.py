#!/usr/bin/env python3
"""Build codedrill's ICD-10-CM instructional notes from the official CDC/NCHS
tabular XML (the same file as ``build_icd10cm.py``).

Usage::

    python3 codesets/build_icd10cm_notes.py TABULAR.xml OUT_NOTES.tsv OUT_SEVENTH.tsv OUT_SECTIONS.tsv

Outputs (UTF-8, ``\\n`` line endings, no header line, one tab between fields,
no tab or newline inside a field):

* OUT_NOTES.tsv -- ``OWNER<TAB>LEVEL<TAB>KIND<TAB>LIST<TAB>PATTERNS<TAB>TEXT``,
  one line per ``note`` of the tabular, sorted by OWNER in plain byte order
  and, for one owner, in the tabular's order.

  - OWNER: where the tabular places the note: a code without its dot
    (``E11``, ``E1165``) or, for a chapter or a section, its range
    ``FIRST-LAST`` of 3-character categories (``E00-E89``, ``E08-E13``,
    ``B20-B20``).
  - LEVEL: ``chapter``, ``section``, ``category`` (a 3-character code),
    ``subcategory`` (a longer code with codes under it) or ``code`` (a code
    with none).
  - KIND: ``inclusion`` (inclusion term), ``includes``, ``excludes1``,
    ``excludes2``, ``code_first``, ``use_additional``, ``code_also``, ``note``
    (a general note) or ``seventh_note`` (the sentence that introduces the 7th
    characters).
  - LIST: ``lead`` for a note that ends with ``:`` and is followed by items
    in the same list ("code to identify control using:"), ``item`` for those
    items, ``alone`` otherwise.
  - PATTERNS: the codes the text names, dotless, separated by one space:
    ``Z794`` (a code or category and everything under it: ``(Z79.4)``,
    ``(E11.-)``, ``(O24.4-)``) or ``E08-E13`` (a range, bounds included,
    compared on as many characters as each bound has). A ``~`` before a
    pattern says the text names only part of it ("T36-T65 with fifth or
    sixth character 5"). Empty when the text names no code. A reference that
    matches no code of the tabular (``vitamin B12``) is left out.
  - TEXT: the note as the tabular words it, whitespace collapsed.

* OUT_SEVENTH.tsv -- ``OWNER<TAB>CHAR<TAB>MEANING<TAB>TERMS``: the 7th
  characters defined on a code (``sevenChrDef``), for the codes under it
  (the nearest definition applies, see ``build_icd10cm.py``), sorted by OWNER,
  characters in the tabular's order. TERMS: the inclusion terms the tabular
  gives for that character ("Old central retinal vein occlusion"), joined
  with ``"; "``, usually empty.

* OUT_SECTIONS.tsv -- ``FIRST<TAB>LAST<TAB>TITLE``: every section (block) of
  the tabular in its order, its title without the trailing range.

Standard library only.  The script prints counts; ``--expect-notes N`` makes it
fail when the number of note lines differs.
"""

from __future__ import annotations

import argparse
import bisect
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from build_icd10cm import build_codes, clean_text, normalize_code, write_tsv

# Tabular element -> KIND, in the order a codebook shows them.
KINDS = {
    "inclusionTerm": "inclusion",
    "includes": "includes",
    "excludes1": "excludes1",
    "excludes2": "excludes2",
    "codeFirst": "code_first",
    "useAdditionalCode": "use_additional",
    "codeAlso": "code_also",
    "notes": "note",
    "sevenChrNote": "seventh_note",
}

_CODE = r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?"
# A code (`E11`, `E11.9`), a category or subcategory with its dash (`E11.-`,
# `O24.4-`), or a range of them (`E08-E13`, `O00-O9A`, `E71.0-E71.2`,
# `S72.0--S72.9-`), not inside a longer word (`O157`, `HbA1c`).
_REF_RE = re.compile(
    rf"(?<![A-Za-z0-9.])(?P<first>{_CODE})(?:\.?-)?"
    rf"(?:\s*-\s*(?P<last>{_CODE})(?:\.?-)?)?(?![A-Za-z0-9])"
)
# What may stand between two references of one list.
_JOIN_RE = re.compile(r"\s*(?:,|;|\band\b|\bor\b)\s*(?:\band\b|\bor\b)?\s*$")
# A list followed by this names only part of its codes.
_QUALIFIER_RE = re.compile(r"^[\s,]*with\b", re.IGNORECASE)
_RANGE_SUFFIX_RE = re.compile(r"\s*\(([A-Z][0-9A-Z]{2})(?:-([A-Z][0-9A-Z]{2}))?\)\s*$")


@dataclass(frozen=True)
class Pattern:
    """Codes named by a note: ``first`` alone is a prefix; with ``last`` a range."""

    first: str
    last: str | None = None
    partial: bool = False

    def __str__(self) -> str:
        text = self.first if self.last is None else f"{self.first}-{self.last}"
        return ("~" if self.partial else "") + text

    def matches(self, code: str) -> bool:
        if self.last is None:
            return code.startswith(self.first)
        return code[: len(self.first)] >= self.first and code[: len(self.last)] <= self.last


def parse_patterns(text: str) -> list[Pattern]:
    """The code references in a note's text, in order, without repeats.

    References separated only by commas, ``and`` or ``or`` form one list; a
    list followed by "with ..." ("T36-T65 with fifth or sixth character 5")
    names only part of its codes, so its patterns are partial."""
    found: list[tuple[int, int, str, str | None]] = []
    for m in _REF_RE.finditer(text):
        first = normalize_code(m.group("first"))
        last = normalize_code(m.group("last")) if m.group("last") else None
        if last is not None and last < first[: len(last)]:
            continue  # not a range after all
        found.append((m.start(), m.end(), first, last))
    patterns: list[Pattern] = []
    run: list[tuple[str, str | None]] = []

    def close(after: str) -> None:
        partial = bool(_QUALIFIER_RE.match(after))
        for first, last in run:
            p = Pattern(first, last, partial)
            if p not in patterns:
                patterns.append(p)
        run.clear()

    for i, (start, end, first, last) in enumerate(found):
        run.append((first, last))
        following = text[end: found[i + 1][0]] if i + 1 < len(found) else text[end:]
        if i + 1 == len(found) or not _JOIN_RE.match(following + " "):
            close(following)
    return patterns


def chapter_range(chapter: ET.Element) -> str:
    refs = chapter.findall("sectionIndex/sectionRef")
    first = min(r.get("first", "").strip().upper() for r in refs)
    last = max(r.get("last", "").strip().upper() for r in refs)
    return f"{first}-{last}"


def section_range(section: ET.Element) -> str:
    """``E08-E13`` -> ``E08-E13``; a one-category section ``B20`` -> ``B20-B20``."""
    ident = section.get("id", "").strip().upper()
    first, _, last = ident.partition("-")
    if not re.fullmatch(r"[A-Z][0-9A-Z]{2}", first) or (last and not re.fullmatch(r"[A-Z][0-9A-Z]{2}", last)):
        raise ValueError(f"section id {ident!r} is not a range of categories")
    return f"{first}-{last or first}"


def diag_level(diag: ET.Element, code: str) -> str:
    if len(code) == 3:
        return "category"
    return "subcategory" if diag.find("diag") is not None else "code"


def list_roles(texts: list[str]) -> list[str]:
    """``lead``/``item``/``alone`` for the notes of one list element."""
    roles = []
    under_lead = False
    for i, text in enumerate(texts):
        if text.endswith(":") and i + 1 < len(texts):
            roles.append("lead")
            under_lead = True
        else:
            roles.append("item" if under_lead else "alone")
    return roles


def element_notes(owner: str, level: str, element: ET.Element) -> list[tuple]:
    """(owner, level, kind, list role, text) of the notes directly on an element."""
    out = []
    for child in element:
        kind = KINDS.get(child.tag)
        if kind is None:
            continue
        texts = [clean_text(n.text) for n in child.findall("note")]
        texts = [t for t in texts if t]
        for role, text in zip(list_roles(texts), texts):
            out.append((owner, level, kind, role, text))
    return out


def walk_diag(diag: ET.Element, notes: list, sevenths: list) -> None:
    code = normalize_code(diag.findtext("name", ""))
    notes.extend(element_notes(code, diag_level(diag, code), diag))
    definition = diag.find("sevenChrDef")
    if definition is not None:
        rows: list[list[str]] = []
        for child in definition:
            if child.tag == "extension":
                rows.append([code, child.get("char", "").strip().upper(), clean_text(child.text), ""])
            elif child.tag == "note" and rows:
                term = clean_text(child.text)
                rows[-1][3] = f"{rows[-1][3]}; {term}" if rows[-1][3] else term
        sevenths.extend(tuple(r) for r in rows)
    for child in diag.findall("diag"):
        walk_diag(child, notes, sevenths)


def collect(root: ET.Element) -> tuple[list, list, list]:
    """Notes (without patterns), 7th-character rows and sections, in tabular order."""
    notes: list[tuple] = []
    sevenths: list[tuple] = []
    sections: list[tuple] = []
    for chapter in root.findall("chapter"):
        notes.extend(element_notes(chapter_range(chapter), "chapter", chapter))
        for section in chapter.findall("section"):
            owner = section_range(section)
            first, last = owner.split("-")
            title = _RANGE_SUFFIX_RE.sub("", clean_text(section.findtext("desc")))
            sections.append((first, last, title))
            notes.extend(element_notes(owner, "section", section))
            for diag in section.findall("diag"):
                walk_diag(diag, notes, sevenths)
    return notes, sevenths, sections


class CodeIndex:
    """Whether a pattern names at least one code of the tabular."""

    def __init__(self, codes: list[str]):
        self.codes = sorted(codes)

    def names_any(self, p: Pattern) -> bool:
        # The first code at or after the pattern's first bound is the only candidate: codes
        # sort as their prefixes do.
        at = bisect.bisect_left(self.codes, p.first)
        return at < len(self.codes) and p.matches(self.codes[at])


@dataclass
class Stats:
    references: int = 0
    dropped: list = None


def add_patterns(notes: list[tuple], index: CodeIndex) -> tuple[list[tuple], Stats]:
    out = []
    stats = Stats(dropped=[])
    for owner, level, kind, role, text in notes:
        kept = []
        for p in parse_patterns(text):
            if index.names_any(p):
                kept.append(str(p))
            else:
                stats.dropped.append((owner, str(p), text))
        stats.references += len(kept)
        out.append((owner, level, kind, role, " ".join(kept), text))
    return out, stats


def check_rows(rows, width: int, name: str) -> None:
    for row in rows:
        if len(row) != width:
            raise ValueError(f"{name}: wrong field count in {row!r}")
        for field in row:
            if "\t" in field or "\n" in field:
                raise ValueError(f"{name}: tab or newline in {row!r}")


def build(root: ET.Element) -> tuple[list, list, list, Stats]:
    codes, _ = build_codes(root)
    raw, sevenths, sections = collect(root)
    notes, stats = add_patterns(raw, CodeIndex([c for c, _, _ in codes]))
    notes.sort(key=lambda r: r[0].encode())  # stable: the tabular's order within an owner
    sevenths.sort(key=lambda r: r[0].encode())
    check_rows(notes, 6, "notes")
    check_rows(sevenths, 4, "7th characters")
    check_rows(sections, 3, "sections")
    return notes, sevenths, sections, stats


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("tabular_xml")
    ap.add_argument("out_notes")
    ap.add_argument("out_seventh")
    ap.add_argument("out_sections")
    ap.add_argument("--expect-notes", type=int, default=None,
                    help="fail (exit 1) unless exactly this many note lines are produced")
    args = ap.parse_args(argv)

    root = ET.parse(args.tabular_xml).getroot()
    notes, sevenths, sections, stats = build(root)
    write_tsv(args.out_notes, notes)
    write_tsv(args.out_seventh, sevenths)
    write_tsv(args.out_sections, sections)

    by_kind: dict[str, int] = {}
    for row in notes:
        by_kind[row[2]] = by_kind.get(row[2], 0) + 1
    print(f"notes:    {len(notes)}")
    for kind in KINDS.values():
        print(f"  {kind:<15} {by_kind.get(kind, 0)}")
    print(f"code references kept: {stats.references}")
    print(f"references naming no code (left out): {len(stats.dropped)}")
    for owner, pattern, text in stats.dropped:
        print(f"  {owner}: {pattern} in {text!r}")
    print(f"7th characters: {len(sevenths)} on {len({r[0] for r in sevenths})} codes")
    print(f"sections: {len(sections)}")
    if args.expect_notes is not None and len(notes) != args.expect_notes:
        print(f"ERROR: expected {args.expect_notes} note lines, got {len(notes)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
