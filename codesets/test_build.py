"""Tests of the code-set converters.  Run from the repository root:

    python3 -m unittest discover -s codesets -p 'test_*.py'

Standard library only; needs no network and no official release.
"""

import contextlib
import io
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
import build_icd10pcs as pcs  # noqa: E402


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


class PcsTest(unittest.TestCase):
    def test_small_db(self):
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "pcs.db")
            con = sqlite3.connect(db)
            con.execute("CREATE TABLE pcs_codes (code TEXT PRIMARY KEY, billable INTEGER NOT NULL,"
                        " short_name TEXT NOT NULL, long_name TEXT NOT NULL)")
            con.execute("CREATE TABLE pcs_body_system (section TEXT NOT NULL, code TEXT NOT NULL,"
                        " definition TEXT NOT NULL, PRIMARY KEY (section, code))")
            con.executemany("INSERT INTO pcs_codes VALUES (?,?,?,?)", [
                ("0DTJ4ZZ", 1, "Resection of Appendix, Perc Endo", "Resection of Appendix, Percutaneous Endoscopic Approach"),
                ("0016070", 1, "Bypass", "Bypass Cerebral Ventricle to Nasopharynx with Autologous Tissue Substitute, Open Approach"),
                ("10D00Z0", 1, "Extraction", "Extraction of Products of Conception, High, Open Approach"),
            ])
            con.executemany("INSERT INTO pcs_body_system VALUES (?,?,?)", [
                ("0", "0", "Central Nervous System and Cranial Nerves"),
                ("0", "D", "Gastrointestinal System"),
                ("0", "F", "Hepatobiliary System and Pancreas"),
                ("1", "0", "Pregnancy"),
            ])
            con.commit()
            con.close()
            out_codes = os.path.join(tmp, "codes.tsv")
            out_bs = os.path.join(tmp, "bs.tsv")
            rc, out, _ = run_quiet(pcs.main, [db, out_codes, out_bs, "--expect", "2"])
            self.assertEqual(rc, 0)
            self.assertEqual(read(out_codes),
                             "0016070\tbillable\tBypass Cerebral Ventricle to Nasopharynx with Autologous Tissue Substitute, Open Approach\n"
                             "0DTJ4ZZ\tbillable\tResection of Appendix, Percutaneous Endoscopic Approach\n")
            self.assertEqual(read(out_bs), "00\tCentral Nervous System and Cranial Nerves\n0D\tGastrointestinal System\n")
            self.assertIn("{'0': 2, '1': 1}", out)
            rc, _, _ = run_quiet(pcs.main, [db, out_codes, out_bs])  # default expects 68367
            self.assertEqual(rc, 1)


if __name__ == "__main__":
    unittest.main()
