#!/usr/bin/env bash
# Runs the test suite (installs the Debian packages it needs first).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
swift test "$@"
