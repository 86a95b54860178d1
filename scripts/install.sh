#!/usr/bin/env bash
# Installs the payroll binary and what it ships with (the default pipeline, the cn rule pack,
# bank templates, the sample month) so that it runs from any folder:
#   PREFIX/bin/payroll
#   PREFIX/share/payroll/pipelines/...   PREFIX/share/payroll/fixtures/demo/...
# Usage: scripts/install.sh [PREFIX]   (default ~/.local)
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${1:-$HOME/.local}"
scripts/deps.sh
swift build -c release --product payroll
mkdir -p "$prefix/bin" "$prefix/share/payroll/fixtures"
install -m 0755 .build/release/payroll "$prefix/bin/payroll"
rm -rf "$prefix/share/payroll/pipelines" "$prefix/share/payroll/fixtures/demo"
cp -R pipelines "$prefix/share/payroll/pipelines"
cp -R fixtures/demo "$prefix/share/payroll/fixtures/demo"
echo "installed: $prefix/bin/payroll (shipped files in $prefix/share/payroll)"
