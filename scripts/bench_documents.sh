#!/usr/bin/env bash
# Documents at N employees (default 10,000): payslips per second and bytes
# per payslip, register rows per second (CSV), the Excel/CSV reports, bank
# files; each output kind written alone (`run --only KIND`), with its write time.
#   scripts/bench_documents.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
swift build -c release --product payroll >/dev/null
BIN=.build/release/payroll
n=${1:-10000}
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
slips=$(find bench/doc-$n-payslips/$PERIOD/payslips -name '*.pdf' | wc -l)
bytes=$(find bench/doc-$n-payslips/$PERIOD/payslips -name '*.pdf' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
w=$(grep '^timings:' bench/doc-$n-payslips.txt | sed -E 's/.* write=([0-9.]+).*/\1/')
awk -v n="$slips" -v b="$bytes" -v w="$w" 'BEGIN { printf "payslips: %d files, %.0f per second, %.1f KB each (goal: >= 1,000 per second, <= 30 KB)\n", n, n / w, b / n / 1024 }'
