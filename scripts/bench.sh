#!/usr/bin/env bash
# Benchmark: `payroll validate` on generated data at 1,000 / 100,000 /
# 1,000,000 employees, against libcsv parsing the same files with empty
# callbacks in the same run. Prints rows/s, wall time, peak memory, and the
# time of each stage (intake = the four validation stages; rollup+payroll =
# the performance rollup and the pay calculation, dry run).
#   scripts/bench.sh [SIZES...]      (default: 1000 100000 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
swift build -c release --product payroll >/dev/null
BIN=.build/release/payroll
SIZES="${*:-1000 100000 1000000}"
PERIOD=2026-06
mkdir -p bench
printf "%-9s %10s %9s %9s %11s %8s %9s %7s  %s\n" employees rows wall_s intake_s rows_per_s peak_MiB libcsv_s ratio stages
for n in $SIZES; do
  dir=bench/data-$n
  [ -f "$dir/.done" ] || { python3 scripts/gen_data.py --employees "$n" --period $PERIOD --out "$dir" && touch "$dir/.done"; }
  rows=$(( $(cat "$dir"/*.csv | wc -l) - 4 ))
  cat "$dir"/*.csv > /dev/null    # warm the page cache so both measurements read from memory
  base=$($BIN parse-baseline "$dir"/employees.csv "$dir"/attendance.csv "$dir"/scores.csv "$dir"/adjustments.csv | sed -E 's/.*nanoseconds=([0-9]+)/\1/')
  /usr/bin/time -f "%e %M" -o bench/time-$n.txt $BIN validate --input "$dir" --period $PERIOD --out bench/out-$n \
      --first-period --timings >/dev/null 2>bench/stages-$n.txt || true
  read -r wall kb < <(tail -n 1 bench/time-$n.txt)
  stages=$(grep '^timings:' bench/stages-$n.txt | sed 's/^timings: //')
  intake=$(echo "$stages" | sed -E 's/.*intake=([0-9.]+).*/\1/')
  awk -v n="$n" -v rows="$rows" -v wall="$wall" -v kb="$kb" -v base="$base" -v intake="$intake" -v stages="$stages" 'BEGIN {
    b = base / 1e9; printf "%-9d %10d %9.2f %9.2f %11.0f %8.0f %9.2f %7.2f  %s\n", n, rows, wall, intake, rows / intake, kb / 1024, b, b / intake, stages }'
done
echo "ratio = libcsv empty-callback time / intake time (1.0 = as fast as bare libcsv; the goal is >= 0.5)"
