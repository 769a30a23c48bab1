#!/usr/bin/env bash
# Whole-process timings of codedrill, side by side with the Python library simple-icd-10-cm
# doing the same lookup, plus peak memory. Needs hyperfine and GNU time
# (apt-get install hyperfine time) and network access to PyPI for the Python side.
#
#   bash benches/compare_lookup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in hyperfine /usr/bin/time; do
  command -v "$tool" > /dev/null || {
    echo "needs $tool: apt-get install -y hyperfine time" >&2
    exit 1
  }
done
cargo build --release --quiet
bin=target/release/codedrill
venv=${VENV:-/tmp/codedrill-bench-venv}
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet simple-icd-10-cm==1.5.0
fi
py="$venv/bin/python"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

hyperfine --warmup 3 --runs 30 --export-markdown /dev/stdout \
  -n "codedrill lookup E11.9" "$bin lookup E11.9" \
  -n "python simple_icd_10_cm E11.9" "$py -c 'import simple_icd_10_cm as cm; print(cm.get_description(\"E11.9\"))'" \
  -n "codedrill lookup --search diabetes" "$bin lookup --search diabetes" \
  -n "codedrill first prompt (drill, 1 item)" "printf '\n' | $bin drill -n 1 --seed 1 --log $log"

echo
echo "Peak memory (maximum resident set size):"
for cmd in "$bin lookup E11.9" "$bin lookup --search diabetes" "$bin lookup E11.99"; do
  kb=$(/usr/bin/time -v $cmd 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ {print $2}')
  echo "  $cmd: $((kb / 1024)) MB"
done
