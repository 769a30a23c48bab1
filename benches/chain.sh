#!/usr/bin/env bash
# Times `codedrill verify` over a chained log of 1,000,000 rows (goal: at most 2 s), and
# `codedrill report` over the same rows with and without the chain column (goal: no measurable
# difference but the bytes the column adds), best of RUNS runs each.
#
#   bash benches/chain.sh [ROWS] [RUNS]
#
# The logs are made by benches/gen_log.py (same seed: the same rows) in /tmp when missing;
# builds codedrill in release mode.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
RUNS=${2:-5}
PLAIN=/tmp/attempts-$ROWS.csv
CHAINED=/tmp/chained-$ROWS.csv
[ -f "$PLAIN" ] || python3 benches/gen_log.py --rows "$ROWS" --out "$PLAIN"
[ -f "$CHAINED" ] || python3 benches/gen_log.py --rows "$ROWS" --chain --out "$CHAINED"
cargo build --release --quiet -j "${JOBS:-2}"
BIN=${CARGO_TARGET_DIR:-target}/release/codedrill

# Best wall time of RUNS runs of "$@", in seconds.
best() {
  local best=""
  for _ in $(seq "$RUNS"); do
    local start end took
    start=$(date +%s.%N)
    "$@" > /dev/null
    end=$(date +%s.%N)
    took=$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')
    if [ -z "$best" ] || awk -v t="$took" -v b="$best" 'BEGIN { exit !(t < b) }'; then
      best=$took
    fi
  done
  printf '%.3f' "$best"
}

cat "$PLAIN" "$CHAINED" > /dev/null  # both in the page cache
echo "rows: $ROWS; best of $RUNS runs; $(nproc) cores"
echo "unchained log: $(du -h "$PLAIN" | cut -f1); chained log: $(du -h "$CHAINED" | cut -f1)"
"$BIN" verify "$CHAINED"
printf 'verify (chained)            %s s   (goal: at most 2 s)\n' "$(best "$BIN" verify "$CHAINED")"
printf 'report --by deck (unchained) %s s\n' "$(best "$BIN" report "$PLAIN" --by deck --format json)"
printf 'report --by deck (chained)   %s s\n' "$(best "$BIN" report "$CHAINED" --by deck --format json)"
