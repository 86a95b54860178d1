#!/usr/bin/env bash
# Installs the Debian packages the build needs, only when they are missing.
set -euo pipefail
need=()
for p in libcsv-dev libxlsxwriter-dev; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "${need[@]}"
fi
command -v python3 >/dev/null 2>&1 || { echo "python3 is needed by the tests' independent .xlsx reader" >&2; exit 1; }
