#!/usr/bin/env bash
# Documents at N employees (default 100,000): payslips per second, register
# rows per second (CSV), the four Excel/CSV reports, bank files.
#   scripts/bench_documents.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
swift build -c release --product payroll >/dev/null
BIN=.build/release/payroll
n=${1:-100000}
PERIOD=2026-06
dir=bench/data-$n
[ -f "$dir/.done" ] || { python3 scripts/gen_data.py --employees "$n" --period $PERIOD --out "$dir" && touch "$dir/.done"; }
printf "%-10s %9s %12s %s\n" output write_s per_second note
for only in register reports bank payslips; do
  $BIN run --input "$dir" --period $PERIOD --out bench/doc-$n-$only --first-period --only "$only" --timings >/dev/null 2>bench/doc-$n-$only.txt || true
  w=$(grep '^timings:' bench/doc-$n-$only.txt | sed -E 's/.* write=([0-9.]+).*/\1/')
  size=$(du -sh bench/doc-$n-$only/$PERIOD | cut -f1)
  awk -v o="$only" -v w="$w" -v n="$n" -v s="$size" 'BEGIN { printf "%-10s %9.2f %12.0f %s\n", o, w, n / w, "employees/s, folder " s }'
done
