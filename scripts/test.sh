#!/usr/bin/env bash
# Runs the test suite (installs the Debian packages it needs first) and ends
# with a plain "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
# The committed .swift-format is the style: the tree stays lint-clean (swift-format ships with the toolchain).
if swift format --version >/dev/null 2>&1; then
  lint=$(swift format lint --recursive Sources Tests Package.swift 2>&1 || true)
  if [ -n "$lint" ]; then echo "$lint"; echo "swift format lint: the tree is not formatted (run: swift format format --in-place --recursive Sources Tests Package.swift)"; exit 1; fi
fi
log=$(mktemp)
set +e
swift build --product payroll 2>&1 | tee "$log"
# XCTest cases first, then Swift Testing's (@Test, parameterized tables); both summaries are counted.
swift test "$@" 2>&1 | tee -a "$log"
status=${PIPESTATUS[0]}
set -e
summary=$(grep -E "Executed [0-9]+ tests?, with [0-9]+ failures?" "$log" | tail -n 1 || true)
n=0; f=0
if [ -n "$summary" ]; then
  n=$(echo "$summary" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/')
  f=$(echo "$summary" | sed -E 's/.*with ([0-9]+) failures?.*/\1/')
fi
# Swift Testing: "Test run with N tests in M suites passed|failed …"; a failed test prints "Test name(…) failed".
st=$(grep -E "Test run with [0-9]+ tests?" "$log" | tail -n 1 || true)
if [ -n "$st" ]; then
  sn=$(echo "$st" | sed -E 's/.*Test run with ([0-9]+) tests?.*/\1/')
  sf=$(grep -cE "^. Test [^ ]+\(.*\) failed" "$log" || true)
  n=$((n + sn)); f=$((f + sf))
fi
rm -f "$log"
echo "$((n - f)) passed, $f failed"
exit "$status"
