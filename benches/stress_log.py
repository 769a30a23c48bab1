#!/usr/bin/env python3
"""Stress the attempt log the way crashes and classrooms do, and count what was lost.

    python3 benches/stress_log.py [--kills 500] [--writers 16] [--rows 50] [--bin PATH]

1. kill -9 loop: a drill over a deck whose prompts are short or 2 MB long (so rows are short
   or 2 MB long) is killed at a random moment, again and again, on one log. After each kill the
   log is read with `codedrill report --format json`: the count of whole rows must never go
   down (a row once written stays readable), whatever the cut.
2. concurrent writers: WRITERS drills answer ROWS items each at the same time on one log:
   every row whole, one header.
3. disk full (root only): a drill on a 1 MiB tmpfs in a private mount namespace runs out of
   space: the rows saved are whole, the summary is printed, the exit status is 1.

Needs a release build (cargo build --release) unless --bin names another binary.
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HEADER = ("timestamp,session,user,mode,deck,item,system,category,prompt,expected,entered,"
          "verdict,detail,score,elapsed_ms,first_key_ms,keystrokes,backspaces")


def write_deck(path, items, big_every):
    with open(path, "w") as deck:
        deck.write("id,prompt,answer,system\n")
        for n in range(1, items + 1):
            prompt = f"Say word {n}"
            if big_every and n % big_every == 0:
                prompt += " " + "long " * (2 * 1024 * 1024 // 5)
            deck.write(f't{n},"{prompt}",word{n},term\n')


def counts(binary, log):
    """(whole rows, skipped rows) as codedrill's reader sees the log."""
    if not os.path.exists(log):
        return 0, 0
    out = subprocess.run([binary, "report", log, "--format", "json"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        if "empty" in out.stderr:
            return 0, 0
        raise SystemExit(f"report failed: {out.stderr}")
    report = json.loads(out.stdout)
    return report["overall"]["attempts"], report["skipped_rows"]


def feed(proc, answers):
    """Answers the first `answers` items, then leaves the session waiting until it is killed."""
    try:
        for n in range(1, answers + 1):
            proc.stdin.write(f"word{n}\n".encode())
            proc.stdin.flush()
    except (BrokenPipeError, ValueError, OSError):
        pass


def kill_loop(binary, work, kills):
    """Kills a drill at a random moment, KILLS times; a new log every 50 kills keeps each
    check quick."""
    deck = os.path.join(work, "mixed.csv")
    write_deck(deck, 12, 3)
    lost = whole_total = skipped_total = 0
    size = 0
    started = time.time()
    for round_start in range(0, kills, 50):
        log = os.path.join(work, f"kill-{round_start}.csv")
        before = 0
        for _ in range(min(50, kills - round_start)):
            proc = subprocess.Popen([binary, "drill", deck, "--order", "file", "--log", log],
                                    stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL,
                                    env=dict(os.environ, USER="stress"))
            feed(proc, random.randint(1, 6))
            # A whole session takes about 30 ms here: kill somewhere inside it.
            time.sleep(random.uniform(0.005, 0.04))
            proc.kill()
            proc.wait()
            whole, _ = counts(binary, log)
            lost += max(0, before - whole)
            before = whole
        whole, skipped = counts(binary, log)
        whole_total += whole
        skipped_total += skipped
        size += os.path.getsize(log) if os.path.exists(log) else 0
        os.remove(log)
    print(f"kill -9 loop: {kills} kills in {time.time() - started:.0f} s, "
          f"{size / 2**20:.0f} MiB of logs (rows of 20 B to 2 MiB): {whole_total} whole rows, "
          f"{skipped_total} cut rows reported and skipped, rows lost {lost}")
    return lost


def writers(binary, work, count, rows):
    deck = os.path.join(work, "short.csv")
    log = os.path.join(work, "shared.csv")
    write_deck(deck, rows, 0)
    answers = "".join(f"word{n}\n" for n in range(1, rows + 1)).encode()
    procs = [subprocess.Popen([binary, "drill", deck, "--order", "file", "-n", str(rows),
                               "--log", log], stdin=subprocess.PIPE,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              env=dict(os.environ, USER=f"writer{w}"))
             for w in range(count)]
    for proc in procs:
        proc.stdin.write(answers)
        proc.stdin.close()
    failed = sum(proc.wait() != 0 for proc in procs)
    whole, skipped = counts(binary, log)
    with open(log) as text:
        headers = sum(line.rstrip("\n") == HEADER for line in text)
    lost = count * rows - whole
    print(f"concurrent writers: {count} x {rows} rows: {whole} whole, {skipped} skipped, "
          f"{headers} header(s), {failed} failed sessions, rows lost {lost}")
    return lost + skipped + failed + (headers != 1)


def disk_full(binary, work):
    if os.geteuid() != 0 or not shutil.which("unshare"):
        print("disk full: skipped (needs root and unshare)")
        return 0
    deck = os.path.join(work, "disk.csv")
    write_deck(deck, 40, 2)
    mount = os.path.join(work, "small")
    os.mkdir(mount)
    script = (f"mount -t tmpfs -o size=1m tmpfs {mount} && "
              f"seq 1 40 | sed 's/^/word/' | {binary} drill {deck} --order file "
              f"--log {mount}/attempts.csv > {work}/out.txt 2> {work}/err.txt; "
              f"echo $? > {work}/status; cp {mount}/attempts.csv {work}/full.csv")
    subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script],
                   env=dict(os.environ, USER="full"), check=True)
    status = open(os.path.join(work, "status")).read().strip()
    err = open(os.path.join(work, "err.txt")).read().strip()
    out = open(os.path.join(work, "out.txt")).read()
    whole, skipped = counts(binary, os.path.join(work, "full.csv"))
    ends_whole = open(os.path.join(work, "full.csv"), "rb").read().endswith(b"\n")
    print(f"disk full: exit {status}, {whole} whole rows, {skipped} skipped, "
          f"file ends on a line break: {ends_whole}, summary printed: {'Session summary' in out}\n"
          f"  stderr: {err}")
    return int(status != "1" or skipped != 0 or not ends_whole or "Session summary" not in out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=500)
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--rows", type=int, default=50)
    parser.add_argument("--bin", default=os.path.join(os.path.dirname(__file__), "..",
                                                      "target", "release", "codedrill"))
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="codedrill-stress-")
    try:
        bad = kill_loop(args.bin, work, args.kills)
        bad += writers(args.bin, work, args.writers, args.rows)
        bad += disk_full(args.bin, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
