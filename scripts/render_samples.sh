#!/usr/bin/env bash
# Renders what a person sees: page 1 of a payslip and the summary workbook
# (LibreOffice headless -> PDF -> pdftoppm) into output/samples/*.png.
# Needs a finished demo run (scripts/demo.sh) and LibreOffice
# (apt-get install libreoffice-calc-nogui).
set -euo pipefail
cd "$(dirname "$0")/.."
run=output/2026-01
out=output/samples
mkdir -p "$out"
pdftoppm -png -r 80 -f 1 -l 1 "$run/payslips/D030.pdf" "$out/payslip-D030"
tmp=$(mktemp -d)
cp "$run/summary.xlsx" "$run/payroll_register.xlsx" "$tmp/"
(cd "$tmp" && soffice --headless --convert-to pdf summary.xlsx >/dev/null 2>&1)
pdftoppm -png -r 60 -f 1 -l 3 "$tmp/summary.pdf" "$out/summary"
rm -rf "$tmp"
ls "$out"
