#!/usr/bin/env python3
"""Times `codedrill drill DECK --due` from start to its first prompt, and its peak memory, on a
1,000,000-row log: the issue's bound is 1.5 s and 64 MB.

    python3 benches/due_first_prompt.py [--runs 5] [--bin target/release/codedrill]

Two logs from benches/gen_log.py (made when missing): the usual one (40 users: the drilling
user has 1/40 of the rows) and a worst case where one user has all of them. The deck is a file
named like the log's deck (`icd10cm-common.csv`, items icd-001 to icd-200, word answers), so
every logged item of that deck is a reviewed card of the schedule. The answers are piped: the
prompt is the first line on stdout that starts with `[1/`; the process is then ended by closing
its input, and its peak resident memory is the one the kernel reports for it at exit.
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROWS = 1_000_000
LIMIT_S, LIMIT_MB = 1.5, 64


def ensure_log(path, users):
    if not os.path.exists(path):
        print(f"generating {path} ...", file=sys.stderr)
        subprocess.run([sys.executable, os.path.join(ROOT, "benches", "gen_log.py"),
                        "--rows", str(ROWS), "--users", str(users), "--out", path], check=True)


def write_deck(folder):
    path = os.path.join(folder, "icd10cm-common.csv")
    with open(path, "w") as deck:
        deck.write("id,prompt,answer,system\n")
        for n in range(1, 201):
            deck.write(f"icd-{n:03d},Word number {n},word,term\n")
    return path


def first_prompt(binary, deck, log, user, env):
    """Seconds to the first prompt, and peak RSS in MB, of one run."""
    start = time.perf_counter()
    child = subprocess.Popen([binary, "drill", deck, "--due", "--user", user, "--log", log],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, env=env, text=True)
    seconds = None
    for line in child.stdout:
        if line.startswith("[1/"):
            seconds = time.perf_counter() - start
            break
    child.stdin.close()
    child.stdout.read()
    child.wait()
    # The largest child so far: main runs each run in a fresh interpreter, so it is this one.
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "codedrill"))
    parser.add_argument("--one", nargs=3, metavar=("DECK", "LOG", "USER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    env = dict(os.environ, XDG_CONFIG_HOME="/nonexistent/codedrill-bench")
    if args.one:
        seconds, peak = first_prompt(args.bin, *args.one, env)
        print(f"{seconds} {peak}")
        return
    if not os.path.exists(args.bin):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    logs = [("40 users", "/tmp/attempts-1m.csv", 40, "user01"),
            ("1 user", "/tmp/attempts-1m-1user.csv", 1, "user00")]
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        deck = write_deck(folder)
        for name, log, users, user in logs:
            ensure_log(log, users)
            # A copy: the piped session appends nothing (no answer), but stays off the original.
            copy = os.path.join(folder, "attempts.csv")
            subprocess.run(["cp", log, copy], check=True)
            times, peaks = [], []
            for _ in range(args.runs):
                # Each run in a fresh interpreter, so each peak is that run's alone.
                out = subprocess.run([sys.executable, __file__, "--bin", args.bin,
                                      "--one", deck, copy, user],
                                     check=True, capture_output=True, text=True).stdout.split()
                if out[0] == "None":
                    sys.exit(f"{name}: no prompt (nothing due?)")
                times.append(float(out[0]))
                peaks.append(float(out[1]))
            median, worst = statistics.median(times), max(peaks)
            ok &= median <= LIMIT_S and worst <= LIMIT_MB
            print(f"{name:9} first prompt median {median:.2f} s (min {min(times):.2f}, "
                  f"max {max(times):.2f}), peak {worst:.1f} MB over {args.runs} runs")
    print("within 1.5 s and 64 MB" if ok else "OVER the 1.5 s / 64 MB bound")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
