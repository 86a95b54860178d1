#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need, only when missing:
#   libcsv-dev, libxlsxwriter-dev     CSV reading, .xlsx writing
#   zlib1g-dev                        ZIPFoundation (reading .xlsx for import), payslip PDF streams
#   libcairo2-dev, libpango1.0-dev    payslip PDFs (text laid out by pango)
#   fonts-wqy-microhei                the CJK font embedded (as a subset) in payslips
#   libharfbuzz-dev, libfontconfig-dev  payslips written directly: glyphs, advances, font subsets
#   libqpdf-dev                       AES-256 payslip encryption
#   libisal-dev                       ISA-L deflate for the large workbooks' sheets
#   poppler-utils, libxml2-utils      tests: pdftotext/pdffonts, xmllint against the pain.001 XSD
set -euo pipefail
need=()
for p in zlib1g-dev libcsv-dev libxlsxwriter-dev libcairo2-dev libpango1.0-dev libharfbuzz-dev libfontconfig-dev fonts-wqy-microhei libqpdf-dev libisal-dev poppler-utils libxml2-utils; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
# The tests' independent readers (.xlsx, STANDARD.md's check) are Python: a fresh machine may lack it.
command -v python3 >/dev/null 2>&1 || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${need[@]}"
fi
command -v python3 >/dev/null 2>&1 || { echo "python3 is needed by the tests' independent .xlsx reader" >&2; exit 1; }
