#!/usr/bin/env bash
# Runs the demo pipeline (pipelines/monthly.yaml on fixtures/demo) into output/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
swift build -c release --product payroll
.build/release/payroll run pipelines/monthly.yaml --out output "$@"
