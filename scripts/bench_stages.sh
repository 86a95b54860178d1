#!/usr/bin/env bash
# Throughput of the performance rollup and the pay calculation at N
# employees, with 1 and with 2 worker threads (`payroll run --timings`).
#   scripts/bench_stages.sh [SIZES...]     (default: 100000 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
swift build -c release --product payroll >/dev/null
BIN=.build/release/payroll
SIZES="${*:-100000 1000000}"
PERIOD=2026-06
mkdir -p bench
printf "%-9s %7s %9s %12s %9s %12s %9s %12s\n" employees threads rollup_s rollup_emp/s payroll_s payroll_emp/s write_s register_rows/s
for n in $SIZES; do
  dir=bench/data-$n
  [ -f "$dir/.done" ] || { python3 scripts/gen_data.py --employees "$n" --period $PERIOD --out "$dir" && touch "$dir/.done"; }
  for t in 1 2; do
    $BIN run --input "$dir" --period $PERIOD --out bench/run-$n-$t --first-period --only register --threads $t --timings \
        >/dev/null 2>bench/stages-run-$n-$t.txt || true
    line=$(grep '^timings:' bench/stages-run-$n-$t.txt)
    get() { echo "$line" | sed -E "s/.*[ ]$1=([0-9.]+).*/\1/"; }
    awk -v n="$n" -v t="$t" -v r="$(get rollup)" -v p="$(get payroll)" -v w="$(get write)" 'BEGIN {
      printf "%-9d %7d %9.2f %12.0f %9.2f %12.0f %9.2f %12.0f\n", n, t, r, n / r, p, n / p, w, n / w }'
  done
done
