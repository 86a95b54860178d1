#!/usr/bin/env bash
# Benchmark: `payroll validate` on generated data at 1,000 / 100,000 /
# 1,000,000 employees, against libcsv parsing the same files with empty
# callbacks in the same run. Prints rows/s, wall time and peak memory.
#   scripts/bench.sh [SIZES...]      (default: 1000 100000 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
swift build -c release --product payroll >/dev/null
BIN=.build/release/payroll
SIZES=("${@:-1000 100000 1000000}")
PERIOD=2026-06
mkdir -p bench
printf "%-10s %12s %10s %12s %10s %12s %8s\n" employees rows validate_s rows_per_s peak_MiB libcsv_s ratio
for n in ${SIZES[@]}; do
  dir=bench/data-$n
  [ -f "$dir/.done" ] || { python3 scripts/gen_data.py --employees "$n" --period $PERIOD --out "$dir" && touch "$dir/.done"; }
  rows=$(( $(cat "$dir"/*.csv | wc -l) - 4 ))
  # warm the page cache so both measurements read from memory
  cat "$dir"/*.csv > /dev/null
  base=$($BIN parse-baseline "$dir"/employees.csv "$dir"/attendance.csv "$dir"/scores.csv "$dir"/adjustments.csv | sed -E 's/.*nanoseconds=([0-9]+)/\1/')
  /usr/bin/time -f "%e %M" -o bench/time-$n.txt $BIN validate --input "$dir" --period $PERIOD --out bench/out-$n >/dev/null || true
  read -r wall kb < bench/time-$n.txt
  awk -v n="$n" -v rows="$rows" -v wall="$wall" -v kb="$kb" -v base="$base" 'BEGIN {
    b = base / 1e9; printf "%-10d %12d %10.2f %12.0f %10.0f %12.2f %8.2f\n", n, rows, wall, rows / wall, kb / 1024, b, b / wall }'
done
echo "ratio = libcsv empty-callback time / validate time (1.0 = as fast as bare libcsv; the goal is >= 0.5)"
