#!/usr/bin/env python3
"""Writes a synthetic codedrill attempt log, deterministic for a given seed.

    python3 benches/gen_log.py --rows 1000000 --out /tmp/attempts-1m.csv   # about 170 MB
    python3 benches/gen_log.py --rows 1000000 --chain --out /tmp/chained-1m.csv   # about 240 MB

With --chain the log has the chained header and each row its `chain` link (README "Evidence"):
what `codedrill verify` checks.

Users practise in sessions of 10 to 40 items on one deck, on some of 120 days, so rows come in
runs of one user, session, deck and day, as in real logs. Verdicts cover every kind, near misses
every detail, and a few typed answers carry the log's formula guard.
"""
import argparse
import csv
import datetime as dt
import hashlib
import random
import sys

HEADER = ("timestamp,session,user,mode,deck,item,system,category,prompt,expected,entered,"
          "verdict,detail,score,elapsed_ms,first_key_ms,keystrokes,backspaces").split(",")

DECKS = [  # name, system, categories
    ("icd10cm-common", "icd10cm", ["Endocrine", "Circulatory", "Respiratory", "Digestive"]),
    ("icd10cm-injury", "icd10cm", ["Injury", "External causes"]),
    ("icd10cm-obstetrics", "icd10cm", ["Pregnancy"]),
    ("icd10cm-mental", "icd10cm", ["Mental, behavioral"]),
    ("icd10pcs-basics", "icd10pcs", ["Medical and Surgical"]),
    ("icd10pcs-ortho", "icd10pcs", ["Upper Bones", "Lower Joints"]),
    ("cpt-em-office", "cpt", ["E/M"]),
    ("cpt-surgery", "cpt", ["Surgery"]),
    ("hcpcs-supplies", "hcpcs", ["Supplies", ""]),
    ("medical-terms", "term", ["Prefixes", "Suffixes", "Roots"]),
    ("interview", "icd10cm", ["Mixed"]),
    ("generated", "icd10cm", ["Chapter 4", "Chapter 9", "Chapter 19"]),
]
WORDS = ("acute chronic left right bilateral fracture of shaft with without complication "
         "type diabetes mellitus hypertension initial encounter subsequent closed open "
         "displaced nondisplaced unspecified essential primary infection lower upper "
         "respiratory tract pneumonia excision resection laparoscopic approach").split()
VERDICTS = [  # verdict, weight, details
    ("correct", 70, [""]),
    ("partial", 3, ["", "sequence"]),
    ("near_miss", 10, ["typo", "transposition", "seventh_character", "placeholder",
                       "same_category", "not_billable", "spelling", "format"]),
    ("incorrect", 7, [""]),
    ("invalid", 4, [""]),
    ("skipped", 3, [""]),
    ("timed_out", 3, [""]),
]


def code(rng, system):
    letters = "ABCDEFGHIJKLMNOPQRSTVWXYZ"
    if system == "icd10cm":
        return f"{rng.choice(letters)}{rng.randint(0, 99):02d}.{rng.randint(0, 999)}"
    if system == "icd10pcs":
        return "0" + "".join(rng.choice("0123456789BDFJKLPQRSTXYZ") for _ in range(6))
    if system == "cpt":
        return f"{rng.randint(10000, 99999)}"
    if system == "hcpcs":
        return f"{rng.choice('ABEGJKLQ')}{rng.randint(0, 9999):04d}"
    return rng.choice(WORDS)


def make_items(rng, deck, system, categories, count):
    items = []
    for n in range(count):
        words = rng.sample(WORDS, rng.randint(3, 7))
        prompt = " ".join(words).capitalize()
        if rng.random() < 0.15:
            prompt += ", " + rng.choice(WORDS)  # a comma: the field gets quoted
        items.append((f"{deck[:3]}-{n + 1:03d}", rng.choice(categories), prompt, code(rng, system)))
    return items


def typed(rng, expected, verdict, system):
    if verdict == "correct":
        return expected.lower() if rng.random() < 0.2 else expected
    if verdict in ("skipped", "timed_out"):
        return ""
    if verdict == "invalid" and rng.random() < 0.1:
        return "-" + expected  # a formula-looking answer: written with the guard
    return code(rng, system)


def link(previous, fields):
    """The row's `chain`: SHA-256 of the previous link and each field as a netstring."""
    digest = hashlib.sha256(previous.encode())
    for field in fields:
        data = str(field).encode()
        digest.update(b"%d:%s," % (len(data), data))
    return digest.hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--decks", type=int, default=len(DECKS))
    parser.add_argument("--items", type=int, default=200, help="items per deck")
    parser.add_argument("--out", default="-")
    parser.add_argument("--chain", action="store_true", help="a chained log (a `chain` column)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    decks = [(d, s, make_items(rng, d, s, c, args.items)) for d, s, c in DECKS[: args.decks]]
    users = [f"user{n:02d}" for n in range(args.users)]
    offsets = [dt.timezone(dt.timedelta(hours=h)) for h in (-5, -6, 0, 1, 5.5)]
    user_zone = {u: rng.choice(offsets) for u in users}
    weights = [w for _, w, _ in VERDICTS]
    start = dt.datetime(2026, 6, 1, 8, 0)
    out = sys.stdout if args.out == "-" else open(args.out, "w", newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER + ["chain"] if args.chain else HEADER)
    previous = "0" * 64
    rows = 0
    session_no = 0
    while rows < args.rows:
        user = rng.choice(users)
        deck, system, items = rng.choice(decks)
        day = rng.randrange(args.days)
        when = start + dt.timedelta(days=day, minutes=rng.randrange(12 * 60))
        when = when.replace(tzinfo=user_zone[user])
        session_no += 1
        session = f"s{session_no:06d}"
        mode = rng.choice(["practice", "practice", "practice", "exam", "transcribe", "review"])
        for _ in range(min(rng.randint(10, 40), args.rows - rows)):
            item, category, prompt, expected = rng.choice(items)
            verdict, _, details = rng.choices(VERDICTS, weights)[0]
            detail = rng.choice(details)
            score = {"correct": "1", "partial": rng.choice(["0.5", "0.667", "0.75"])}.get(verdict, "0")
            entered = typed(rng, expected, verdict, system)
            elapsed = int(rng.lognormvariate(8.7, 0.6))
            if verdict == "timed_out":
                elapsed = 30000
            when += dt.timedelta(milliseconds=elapsed + rng.randint(300, 3000))
            backspaces = rng.choice([0, 0, 0, 1, 2])
            row = [
                when.isoformat(timespec="seconds"), session, user, mode, deck, item, system,
                category, prompt, expected,
                "'" + entered if entered[:1] in ("=", "+", "-", "@") else entered,
                verdict, detail, score, elapsed,
                "" if mode == "transcribe" else min(elapsed, rng.randint(300, 2500)),
                len(entered) + 1 + 2 * backspaces, backspaces,
            ]
            if args.chain:
                previous = link(previous, row)
                row.append(previous)
            writer.writerow(row)
            rows += 1
    out.flush()


if __name__ == "__main__":
    main()
