"""Tests of the code-set converters.  Run from the repository root:

    python3 -m unittest discover -s codesets -p 'test_*.py'

Standard library only; needs no network and no official release.
"""

import contextlib
import io
import json
import lzma
import os
import sqlite3
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FIXTURES = os.path.join(ROOT, "fixtures", "codesets")
sys.path.insert(0, HERE)

import build_icd10cm as cm  # noqa: E402
import build_icd10cm_notes as notes  # noqa: E402
import build_icd10pcs as pcs  # noqa: E402
import build_msdrg_cc as cc  # noqa: E402


def run_quiet(main, argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(argv)
    return rc, out.getvalue(), err.getvalue()


def read(path):
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


class TabularSmallTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.codes = os.path.join(self.tmp.name, "codes.tsv")
        self.chapters = os.path.join(self.tmp.name, "chapters.tsv")

    def tearDown(self):
        self.tmp.cleanup()

    def convert(self, *extra):
        return run_quiet(cm.main, [os.path.join(FIXTURES, "tabular-small.xml"),
                                   self.codes, self.chapters, *extra])

    def test_output_matches_expected(self):
        rc, out, _ = self.convert("--expect-billable", "26")
        self.assertEqual(rc, 0)
        self.assertEqual(read(self.codes), read(os.path.join(FIXTURES, "tabular-small.expected.tsv")))
        self.assertEqual(read(self.chapters),
                         read(os.path.join(FIXTURES, "tabular-small.expected-chapters.tsv")))
        self.assertIn("billable: 26", out)
        self.assertIn("header:   21", out)
        self.assertIn("extensions removed by restricting notes: 2", out)

    def test_wrong_expected_count_fails(self):
        rc, _, err = self.convert("--expect-billable", "27")
        self.assertEqual(rc, 1)
        self.assertIn("expected 27", err)

    def test_output_shape(self):
        self.convert()
        lines = read(self.codes).split("\n")
        self.assertEqual(lines[-1], "")  # trailing newline, no blank lines
        codes = []
        for line in lines[:-1]:
            fields = line.split("\t")
            self.assertEqual(len(fields), 3, line)
            self.assertIn(fields[1], ("billable", "header"))
            self.assertTrue(fields[2] and fields[2] == fields[2].strip())
            codes.append(fields[0])
        self.assertEqual(codes, sorted(codes, key=str.encode))


class FunctionTest(unittest.TestCase):
    def test_normalize_code(self):
        self.assertEqual(cm.normalize_code(" s00.00 "), "S0000")
        self.assertEqual(cm.normalize_code("E11.9"), "E119")

    def test_placeholder_padding(self):
        self.assertEqual(cm.extension_code("S0000", "A"), "S0000XA")
        self.assertEqual(cm.extension_code("S000", "D"), "S000XXD")
        self.assertEqual(cm.extension_code("W19", "S"), "W19XXXS")
        self.assertEqual(cm.extension_code("S52521", "A"), "S52521A")
        self.assertEqual(cm.pad_placeholder("T148"), "T148XX")

    def test_extension_description(self):
        self.assertEqual(
            cm.extension_description("Torus fracture of lower end of right radius",
                                     "initial encounter for closed fracture"),
            "Torus fracture of lower end of right radius, initial encounter for closed fracture")

    def test_clean_text(self):
        self.assertEqual(cm.clean_text("  a\tb\n   c "), "a b c")
        self.assertEqual(cm.clean_text(None), "")

    def test_parse_s06_restriction(self):
        r = cm.parse_restriction(
            "7th characters D and S do not apply to codes in category S06 with 6th character "
            "7 - death due to brain injury prior to regaining consciousness, or 8 - death due "
            "to other cause prior to regaining consciousness.")
        self.assertEqual(r.chars, frozenset("DS"))
        self.assertEqual(r.position, 6)
        self.assertEqual(r.values, frozenset("78"))
        self.assertTrue(r.excludes("S060X7", "D"))
        self.assertTrue(r.excludes("S061X8", "S"))
        self.assertFalse(r.excludes("S060X7", "A"))
        self.assertFalse(r.excludes("S060X1", "D"))
        self.assertFalse(r.excludes("S069XX", "D"))

    def test_other_notes_are_not_restrictions(self):
        self.assertIsNone(cm.parse_restriction("A fracture not indicated as open or closed should be coded to closed"))
        self.assertIsNone(cm.parse_restriction("The appropriate 7th character is to be added to each code from category S06, except as noted below"))

    def test_unparseable_restriction_raises(self):
        with self.assertRaises(ValueError):
            cm.parse_restriction("7th character B does not apply to codes in this category")


def read_rows(path):
    return [line.split("\t") for line in read(path).split("\n")[:-1]]


def applicable(rows, code):
    """The notes of a dotless code as codedrill reads the notes file: those owned by the
    code and its prefixes (nearest first), then those of the chapters and sections whose range holds its
    category."""
    own = sorted((r for r in rows if "-" not in r[0] and code.startswith(r[0])), key=lambda r: -len(r[0]))
    blocks = [r for r in rows if "-" in r[0] and r[0].split("-")[0] <= code[:3] <= r[0].split("-")[1]]
    return own + blocks


class NotesSmallTest(unittest.TestCase):
    """The instructional notes of fixtures/codesets/tabular-notes.xml."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = [os.path.join(cls.tmp.name, name) for name in ("notes.tsv", "seventh.tsv", "sections.tsv")]
        cls.rc, cls.stdout, _ = run_quiet(notes.main, [os.path.join(FIXTURES, "tabular-notes.xml"), *cls.out,
                                                       "--expect-notes", "21"])
        cls.notes = read_rows(cls.out[0])
        cls.seventh = read_rows(cls.out[1])

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_output_matches_expected(self):
        self.assertEqual(self.rc, 0)
        for out, name in zip(self.out, ("notes", "seventh", "sections")):
            self.assertEqual(read(out), read(os.path.join(FIXTURES, f"tabular-notes.expected-{name}.tsv")), name)
        self.assertIn("references naming no code (left out): 4", self.stdout)

    def test_output_shape(self):
        owners = [r[0] for r in self.notes]
        self.assertEqual(owners, sorted(owners, key=str.encode))
        for row in self.notes:
            self.assertEqual(len(row), 6, row)
            self.assertIn(row[1], ("chapter", "section", "category", "subcategory", "code"))
            self.assertIn(row[2], notes.KINDS.values())
            self.assertIn(row[3], ("alone", "lead", "item"))
            self.assertTrue(row[5] and row[5] == row[5].strip() and "  " not in row[5], row)

    def test_note_inherited_from_a_category(self):
        # E11.9 has one note of its own; the "use additional" notes of E11 stay on E11
        # (level category) and apply to E11.9 through its prefix, after its own.
        mine = [r for r in self.notes if r[0] == "E119"]
        self.assertEqual([r[2] for r in mine], ["excludes1"])
        rows = applicable(self.notes, "E119")
        self.assertEqual(rows[0], mine[0])
        insulin = [r for r in rows if r[5] == "insulin (Z79.4)"]
        self.assertEqual(insulin, [["E11", "category", "use_additional", "item", "Z794", "insulin (Z79.4)"]])
        lead = rows[rows.index(insulin[0]) - 1]
        self.assertEqual((lead[3], lead[5]), ("lead", "code to identify control using:"))
        # and the chapter's notes, whose owner is the chapter's range of categories
        self.assertIn(["E08-E53", "chapter", "note", "alone", "",
                       "All neoplasms, whether functionally active or not, are classified in Chapter 2."], rows)

    def test_range_reference(self):
        row = next(r for r in self.notes if r[0] == "O244")
        self.assertEqual(row[4], "E08-E13")
        pattern = notes.parse_patterns(row[5])[0]
        for code, inside in (("E08", True), ("E1121", True), ("E13", True), ("E14", False), ("E079", False)):
            self.assertEqual(pattern.matches(code), inside, code)
        partial = next(r for r in self.notes if r[5].startswith("code for adverse effect"))
        self.assertEqual(partial[4], "~T36-T50")

    def test_excludes1_between_two_chapters(self):
        # E11 (chapter 4) excludes gestational diabetes O24.4- (chapter 15), and back.
        row = next(r for r in self.notes if r[0] == "E11" and "gestational" in r[5])
        self.assertEqual(row[2:5], ["excludes1", "alone", "O244"])
        back = [r for r in applicable(self.notes, "O24410") if r[2] == "excludes1"]
        self.assertEqual([(r[0], r[4]) for r in back], [("O244", "E08-E13")])
        self.assertTrue(notes.parse_patterns(back[0][5])[0].matches("E119"))

    def test_seventh_character_definition(self):
        def nearest(code):
            for n in range(min(len(code), 6), 2, -1):
                rows = [r for r in self.seventh if r[0] == code[:n]]
                if rows:
                    return rows
            return []
        self.assertEqual([r[1] for r in nearest("S5259XA")], ["A", "B", "S"])
        self.assertEqual([r[1] for r in nearest("S52521A")], ["A", "S"], "S52.52 replaces S52's list")
        self.assertEqual(nearest("S5259XB")[1][3], "initial encounter for open fracture NOS")
        self.assertEqual([r[1] for r in nearest("T360X5A")], ["A", "D", "S"])
        self.assertEqual(nearest("E119"), [])

    def test_references_to_no_code_are_left_out(self):
        row = next(r for r in self.notes if r[0] == "E538")
        self.assertEqual(row[4], "", "vitamin B12 is no code")


class PatternTest(unittest.TestCase):
    def parse(self, text):
        return [str(p) for p in notes.parse_patterns(text)]

    def test_reference_shapes(self):
        cases = [
            ("insulin (Z79.4)", ["Z794"]),
            ("type 1 diabetes mellitus (E10.-)", ["E10"]),
            ("gestational diabetes (O24.4-)", ["O244"]),
            ("(E08-E13)", ["E08-E13"]),
            ("complications of pregnancy (O00-O9A)", ["O00-O9A"]),
            ("(E71.0-E71.2)", ["E710-E712"]),
            ("(S72.0--S72.9-)", ["S720-S729"]),
            ("(C4A.-, M1A.-, M10.-)", ["C4A", "M1A", "M10"]),
            ("endocrine disease, except diabetes (E00-E07, E15-E16, E20-E34)", ["E00-E07", "E15-E16", "E20-E34"]),
            ("hearing loss as classified in H90.-", ["H90"]),
            ("diabetic acidosis - see categories E08-E10, E11, E13 with ketoacidosis",
             ["~E08-E10", "~E11", "~E13"]),
            ("(T36-T50 with fifth or sixth character 5)", ["~T36-T50"]),
            ("dementia (F10-F19, with .17, .27, .97)", ["~F10-F19"]),
            ("COVID-19 (U07.1)", ["U071"]),
            ("E. coli O157:H7 with confirmation", []),
            ("HbA1c", []),
            ("(T38.3X- with final characters -23)", ["~T383X"]),
        ]
        for text, want in cases:
            self.assertEqual(self.parse(text), want, text)

    def test_repeats_are_kept_once(self):
        self.assertEqual(self.parse("(O00-O07, O00-O07)"), ["O00-O07"])

    def test_prefix_and_range_matching(self):
        self.assertTrue(notes.Pattern("E11").matches("E119"))
        self.assertFalse(notes.Pattern("E11").matches("E12"))
        self.assertTrue(notes.Pattern("O00", "O9A").matches("O9A211"))
        self.assertFalse(notes.Pattern("O00", "O9A").matches("P00"))

    def test_list_roles(self):
        self.assertEqual(notes.list_roles(["code to identify:", "a (Z79.4)", "b (Z79.84)"]), ["lead", "item", "item"])
        self.assertEqual(notes.list_roles(["one", "two"]), ["alone", "alone"])
        self.assertEqual(notes.list_roles(["ends with a colon:"]), ["alone"])

    def test_names_any_code(self):
        index = notes.CodeIndex(["E10", "E109", "E11", "E119", "O244"])
        self.assertTrue(index.names_any(notes.Pattern("E08", "E13")))
        self.assertTrue(index.names_any(notes.Pattern("E11")))
        self.assertFalse(index.names_any(notes.Pattern("B12")))
        self.assertFalse(index.names_any(notes.Pattern("O240", "O243")))


class MsDrgCcTest(unittest.TestCase):
    def convert(self, payload, codes):
        with tempfile.TemporaryDirectory() as tmp:
            data = os.path.join(tmp, "v43.1.json.xz")
            with open(data, "wb") as f:
                f.write(lzma.compress(json.dumps(payload).encode()))
            codes_tsv = os.path.join(tmp, "codes.tsv")
            with open(codes_tsv, "w", encoding="utf-8") as f:
                f.write("".join(f"{c}\t{s}\tTitle\n" for c, s in codes))
            out = [os.path.join(tmp, "cc.tsv"), os.path.join(tmp, "ex.tsv")]
            rc, stdout, err = run_quiet(cc.main, [data, codes_tsv, *out, "--expect-version", "v43.1",
                                                  "--expect", "1,2"])
            return rc, stdout, err, [read(p) if os.path.exists(p) else None for p in out]

    PAYLOAD = {
        "version": "v43.1",
        "ccmap": {
            "N179": {"level": "CC", "pdx": "1332", "aowa": False, "hac": None},
            "J189": {"level": "MCC", "pdx": "0113", "aowa": False, "hac": None},
            "I469": {"level": "MCC", "pdx": "0821", "aowa": True, "hac": None},
        },
        "exmap": {"1332": ["N179", "N170"], "0113": ["J189"], "0821": ["I469"]},
    }
    CODES = [("I469", "billable"), ("J189", "billable"), ("N170", "billable"), ("N179", "billable"), ("E11", "header")]

    def test_small_map(self):
        rc, stdout, _, (cc_tsv, ex_tsv) = self.convert(self.PAYLOAD, self.CODES)
        self.assertEqual(rc, 0, stdout)
        self.assertEqual(cc_tsv, "I469\tmcc\t0821\talive\nJ189\tmcc\t0113\tany\nN179\tcc\t1332\tany\n")
        self.assertEqual(ex_tsv, "0113\tJ189\n0821\tI469\n1332\tN170 N179\n")
        self.assertIn("mcc: 2 (of which 1 only if discharged alive)", stdout)

    def test_a_cc_that_is_no_billable_code_fails(self):
        payload = json.loads(json.dumps(self.PAYLOAD))
        payload["ccmap"]["E11"] = {"level": "CC", "pdx": "1332", "aowa": False}
        with self.assertRaises(ValueError):
            self.convert(payload, self.CODES)

    def test_wrong_counts_fail(self):
        payload = json.loads(json.dumps(self.PAYLOAD))
        del payload["ccmap"]["N179"]
        rc, _, err, _ = self.convert(payload, self.CODES)
        self.assertEqual(rc, 1)
        self.assertIn("expected CC,MCC 1,2", err)


class PcsTest(unittest.TestCase):
    """build_icd10pcs.py on a miniature icd10pcs.db (section 0 and its tables) and a
    miniature drg CSV (the other sections, titles only)."""

    TREE = [  # code, ro_def, bp_def, ap_def, dv_def, qu_def
        ("0FT40ZZ", "Resection: Cutting out or off, without replacement, all of a body part",
         "Gallbladder", "Open", "No Device", "No Qualifier"),
        ("0FT44ZZ", "Resection: Cutting out or off, without replacement, all of a body part",
         "Gallbladder", "Percutaneous Endoscopic", "No Device", "No Qualifier"),
        ("0DTJ4ZZ", "Resection: Cutting out or off, without replacement, all of a body part",
         "Appendix", "Percutaneous Endoscopic", "No Device", "No Qualifier"),
    ]
    TITLES = {
        "0FT40ZZ": "Resection of Gallbladder, Open Approach",
        "0FT44ZZ": "Resection of Gallbladder, Percutaneous Endoscopic Approach",
        "0DTJ4ZZ": "Resection of Appendix, Percutaneous Endoscopic Approach",
    }
    # The drg CSV: no header; its section-0 rows are ignored (the db's are embedded).
    CSV = (
        '"0FT44ZZ","Resection of Gallbladder, Percutaneous Endoscopic Approach (older)"\n'
        '"BW03ZZZ","Plain Radiography of Chest"\n'
        '"BW00ZZZ","Plain Radiography of Abdomen"\n'
        '"BW110ZZ","Fluoroscopy of Abdomen and Pelvis using High Osmolar Contrast"\n'
        '"BW111ZZ","Fluoroscopy of Abdomen and Pelvis using Low Osmolar Contrast"\n'
        '"BW11ZZZ","Fluoroscopy of Abdomen and Pelvis"\n'
        '"BW190ZZ","Fluoroscopy of Head and Neck using High Osmolar Contrast"\n'
        '"HZ2ZZZZ","Detoxification Services for Substance Abuse Treatment"\n'
        '"30233N1","Transfusion of Nonautologous Red Blood Cells into Peripheral Vein, Percutaneous Approach"\n'
        '"30233N0","Transfusion of Autologous Red Blood Cells into Peripheral Vein, Percutaneous Approach"\n'
        '"30233R1","Transfusion of Nonautologous Platelets into Peripheral Vein, Percutaneous Approach"\n'
        '"30243N1","Transfusion of Nonautologous Red Blood Cells into Central Vein, Percutaneous Approach"\n'
    )

    def make_db(self, path):
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE pcs_codes (code TEXT PRIMARY KEY, billable INTEGER NOT NULL,"
                    " short_name TEXT NOT NULL, long_name TEXT NOT NULL)")
        con.execute("CREATE TABLE pcs_body_system (section TEXT NOT NULL, code TEXT NOT NULL,"
                    " definition TEXT NOT NULL, PRIMARY KEY (section, code))")
        con.execute("CREATE TABLE pcs_tree (section TEXT, body_system TEXT, root_op TEXT, body_part TEXT,"
                    " approach TEXT, device TEXT, qualifier TEXT, code TEXT, sec_def TEXT, bs_def TEXT,"
                    " ro_def TEXT, bp_def TEXT, ap_def TEXT, dv_def TEXT, qu_def TEXT)")
        con.execute("CREATE TABLE pcs_root_operation (section TEXT, code TEXT, value TEXT, definition TEXT,"
                    " explanation TEXT, examples TEXT)")
        con.execute("CREATE TABLE pcs_approach (section TEXT, code TEXT, value TEXT, definition TEXT)")
        con.executemany("INSERT INTO pcs_codes VALUES (?,?,?,?)",
                        [(c, 1, t[:20], t) for c, t in self.TITLES.items()])
        con.executemany("INSERT INTO pcs_body_system VALUES (?,?,?)", [
            ("0", "D", "Gastrointestinal System"),
            ("0", "F", "Hepatobiliary System and Pancreas"),
            ("1", "0", "Pregnancy"),
        ])
        con.executemany("INSERT INTO pcs_tree VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", [
            (c[0], c[1], c[2], c[3], c[4], c[5], c[6], c, "Medical and Surgical", "x", ro, bp, ap, dv, qu)
            for c, ro, bp, ap, dv, qu in self.TREE
        ])
        con.execute("INSERT INTO pcs_root_operation VALUES ('0','T','Resection',"
                    " 'Cutting out or off, without replacement, all of a body part', '',"
                    " 'Total nephrectomy, total lobectomy of lung')")
        con.executemany("INSERT INTO pcs_approach VALUES (?,?,?,?)", [
            ("0", "0", "Open", "Cutting through the skin"),
            ("0", "3", "Percutaneous", "Entry by puncture"),
            ("0", "4", "Percutaneous Endoscopic", "Entry by puncture, to visualize"),
        ])
        con.commit()
        con.close()

    def build(self, tmp, *extra):
        db = os.path.join(tmp, "pcs.db")
        self.make_db(db)
        csv_path = os.path.join(tmp, "icd_10_pcs.csv")
        with open(csv_path, "w", encoding="utf-8") as f:
            f.write(self.CSV)
        out = os.path.join(tmp, "out")
        rc, stdout, stderr = run_quiet(pcs.main, [db, csv_path, out, *extra])
        return rc, stdout, stderr, out

    def test_small_sources(self):
        with tempfile.TemporaryDirectory() as tmp:
            rc, stdout, stderr, out = self.build(tmp, "--expect", "3", "--expect-other", "11")
            self.assertEqual(rc, 0, stdout + stderr)
            codes = read(os.path.join(out, "icd10pcs.tsv")).splitlines()
            self.assertEqual([line.split("\t")[0] for line in codes], [
                "0DTJ4ZZ", "0FT40ZZ", "0FT44ZZ", "30233N0", "30233N1", "30233R1", "30243N1",
                "BW00ZZZ", "BW03ZZZ", "BW110ZZ", "BW111ZZ", "BW11ZZZ", "BW190ZZ", "HZ2ZZZZ"])
            # Section 0 keeps the db's title, not the drg CSV's.
            self.assertIn("0FT44ZZ\tbillable\tResection of Gallbladder, Percutaneous Endoscopic Approach\n",
                          read(os.path.join(out, "icd10pcs.tsv")))
            axes = {tuple(line.split("\t")[:3]): tuple(line.split("\t")[3:])
                    for line in read(os.path.join(out, "icd10pcs-axes.tsv")).splitlines()}
            # Section 0 from pcs_tree.
            self.assertEqual(axes[("0FT", "3", "T")], ("Resection", "tree"))
            self.assertEqual(axes[("0FT", "5", "4")], ("Percutaneous Endoscopic", "tree"))
            # Imaging from its titles: the type, the body part, the contrast; Z is None.
            self.assertEqual(axes[("BW0", "3", "0")], ("Plain Radiography", "title"))
            self.assertEqual(axes[("BW0", "4", "3")], ("Chest", "title"))
            self.assertEqual(axes[("BW1", "4", "1")], ("Abdomen and Pelvis", "title"))
            self.assertEqual(axes[("BW1", "5", "1")], ("Low Osmolar Contrast", "title"))
            self.assertEqual(axes[("BW1", "5", "Z")], ("None", "none"))
            # Two characters in one segment ("Nonautologous Red Blood Cells") are told apart.
            self.assertEqual(axes[("302", "6", "N")], ("Red Blood Cells", "title"))
            self.assertEqual(axes[("302", "7", "1")], ("Nonautologous", "title"))
            self.assertEqual(axes[("302", "5", "3")], ("Percutaneous", "approach"))
            self.assertEqual(axes[("HZ2", "3", "2")], ("Detoxification Services", "title"))
            sections = read(os.path.join(out, "icd10pcs-sections.tsv")).splitlines()
            self.assertEqual(sections[0].split("\t")[:3], ["0", "Medical and Surgical", "FY2025"])
            self.assertEqual(sections[2].split("\t"), ["B", "Imaging", "FY2024", "Section", "Body System", "Type",
                                                       "Body Part", "Contrast", "Qualifier", "Qualifier"])
            self.assertEqual(read(os.path.join(out, "icd10pcs-body-systems.tsv")),
                             "0D\tGastrointestinal System\n0F\tHepatobiliary System and Pancreas\n"
                             "30\tCirculatory\nBW\tAnatomical Regions\nHZ\tNone\n")
            definitions = read(os.path.join(out, "icd10pcs-definitions.tsv")).splitlines()
            self.assertEqual(definitions[-1].split("\t")[:4], ["0", "5", "4", "Percutaneous Endoscopic"])
            self.assertIn("table characters without a meaning: 0", stdout)

    def test_wrong_counts_fail(self):
        with tempfile.TemporaryDirectory() as tmp:
            rc, _, stderr, _ = self.build(tmp)  # defaults expect the full FY2025/FY2024 counts
            self.assertEqual(rc, 1)
            self.assertIn("expected 68367 section-0 codes, got 3", stderr)

    def test_a_malformed_csv_row_is_named(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "bad.csv")
            with open(path, "w", encoding="utf-8") as f:
                f.write('"BW03ZZZ","Plain Radiography of Chest"\n"BW0OZZZ","A letter O"\n')
            with self.assertRaises(ValueError):
                pcs.read_other_sections(path)


if __name__ == "__main__":
    unittest.main()
