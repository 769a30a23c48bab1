#!/usr/bin/env bash
# Times `codedrill report --by deck --format json` against pandas and DuckDB computing the same
# numbers (per deck: count, correct, mean score, median and 0.9 quantile of elapsed_ms, sums for
# the rates) over one synthetic log, side by side; wall time and peak RSS from /usr/bin/time -v.
#
#   bash benches/compare_report.sh [LOG] [RUNS]
#
# LOG defaults to /tmp/attempts-1m.csv, made by benches/gen_log.py (1,000,000 attempts) when
# missing. Needs python3 with pandas and duckdb (pip install pandas duckdb) and GNU time
# (apt-get install time); builds codedrill in release mode.
set -euo pipefail
cd "$(dirname "$0")/.."
LOG=${1:-/tmp/attempts-1m.csv}
RUNS=${2:-3}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install -y time" >&2; exit 1; }
python3 -c 'import pandas, duckdb' 2>/dev/null || { echo "needs: pip install pandas duckdb" >&2; exit 1; }
if [ ! -f "$LOG" ]; then
  echo "generating $LOG ..." >&2
  python3 benches/gen_log.py --rows 1000000 --out "$LOG"
fi
cargo build --release --quiet -j "${JOBS:-2}"
BIN=${CARGO_TARGET_DIR:-target}/release/codedrill

cat > "$OUT/pandas_report.py" <<'PY'
import sys, pandas as pd
df = pd.read_csv(sys.argv[1], usecols=["deck", "verdict", "score", "elapsed_ms", "keystrokes"],
                 dtype={"deck": "string", "verdict": "string"})
df["correct"] = df["verdict"] == "correct"
g = df.groupby("deck")
out = pd.DataFrame({
    "attempts": g.size(), "correct": g["correct"].sum(), "score": g["score"].mean(),
    "median_ms": g["elapsed_ms"].median(), "p90_ms": g["elapsed_ms"].quantile(0.9),
    "elapsed": g["elapsed_ms"].sum(), "keystrokes": g["keystrokes"].sum(),
})
out["accuracy"] = out["correct"] / out["attempts"]
out["codes_per_hour"] = out["correct"] / (out["elapsed"] / 3.6e6)
out["kph"] = out["keystrokes"] / (out["elapsed"] / 3.6e6)
print(out.to_json(orient="index"))
PY

cat > "$OUT/duckdb_report.py" <<'PY'
import sys, duckdb
con = duckdb.connect()
print(con.sql(f"""
  SELECT deck, count(*) AS attempts, sum((verdict = 'correct')::INT) AS correct,
         avg(score) AS score, median(elapsed_ms) AS median_ms,
         quantile_cont(elapsed_ms, 0.9) AS p90_ms,
         sum((verdict = 'correct')::INT) / (sum(elapsed_ms) / 3.6e6) AS codes_per_hour,
         sum(keystrokes) / (sum(elapsed_ms) / 3.6e6) AS kph,
         avg((verdict = 'near_miss')::INT) AS near_miss
  FROM read_csv('{sys.argv[1]}', header = true, all_varchar = false)
  GROUP BY deck ORDER BY deck
""").fetchall())
PY

# Runs "$@" once, printing "seconds peak_kb".
measure() {
  /usr/bin/time -v "$@" > "$OUT/stdout" 2> "$OUT/time" || { cat "$OUT/time" >&2; exit 1; }
  local wall rss
  wall=$(grep 'Elapsed (wall clock)' "$OUT/time" | awk '{print $NF}' | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
  rss=$(grep 'Maximum resident set size' "$OUT/time" | awk '{print $NF}')
  echo "$wall $rss"
}

# Best wall time of RUNS runs, and the peak RSS of that run.
best() {
  local name=$1; shift
  local best_wall="" best_rss=""
  for _ in $(seq "$RUNS"); do
    read -r wall rss < <(measure "$@")
    if [ -z "$best_wall" ] || awk "BEGIN { exit !($wall < $best_wall) }"; then
      best_wall=$wall; best_rss=$rss
    fi
  done
  printf '%-34s %8.2f s %8.1f MB\n' "$name" "$best_wall" "$(awk "BEGIN { print $best_rss / 1024 }")"
  echo "$best_wall" > "$OUT/$name.wall"
}

echo "log: $LOG ($(du -h "$LOG" | cut -f1), $(($(wc -l < "$LOG") - 1)) rows); best of $RUNS runs; $(nproc) cores"
printf '%-34s %10s %11s\n' "tool" "wall" "peak RSS"
cat "$LOG" > /dev/null  # the file in the page cache for everyone
best codedrill "$BIN" report "$LOG" --by deck --format json
best pandas python3 "$OUT/pandas_report.py" "$LOG"
best duckdb python3 "$OUT/duckdb_report.py" "$LOG"
ours=$(cat "$OUT/codedrill.wall")
awk -v o="$ours" -v p="$(cat "$OUT/pandas.wall")" -v d="$(cat "$OUT/duckdb.wall")" 'BEGIN {
  printf "codedrill takes %.2f of pandas time (goal: at most 0.20) and %.2f of DuckDB time\n", o / p, o / d }'
