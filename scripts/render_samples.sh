#!/usr/bin/env bash
# Renders what a person sees into output/samples/*.png: page 1 of three payslips (zh, with an adjustment note, with the
# annual bonus; and one in both languages), the register, summary and tax workbooks (LibreOffice headless -> PDF ->
# pdftoppm). Runs the demo month itself (in zh and in both) into a temporary root.
# Needs LibreOffice (apt-get install libreoffice-calc-nogui) for the workbooks; the payslips need only poppler-utils.
set -euo pipefail
cd "$(dirname "$0")/.."
out=output/samples
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
swift build --product payroll >/dev/null
bin=$(swift build --show-bin-path)/payroll
"$bin" run --out "$tmp/zh" >/dev/null
"$bin" run --out "$tmp/both" --locale both --only payslips >/dev/null
run="$tmp/zh/2026-01"
for id in D001 D031; do pdftoppm -png -r 80 -f 1 -l 1 "$run/payslips/$id.pdf" "$out/payslip-$id"; done
pdftoppm -png -r 80 -f 1 -l 1 "$tmp/both/2026-01/payslips/D001.pdf" "$out/payslip-D001-both"
if command -v soffice >/dev/null; then
    for book in payroll_register summary tax_withholding; do
        cp "$run/$book.xlsx" "$tmp/"
        (cd "$tmp" && soffice --headless --convert-to pdf "$book.xlsx" >/dev/null 2>&1)
        pdftoppm -png -r 60 -f 1 -l 2 "$tmp/$book.pdf" "$out/$book"
    done
else
    echo "LibreOffice not found: workbooks not rendered (apt-get install libreoffice-calc-nogui)" >&2
fi
ls "$out"
