#!/usr/bin/env bash
# Side-by-side benchmark (issue 13), in one invocation, on the same generated
# January data at each size (default 1,000 / 100,000 / 1,000,000 employees):
#   ../shared/bench/run.sh times, one program after another: the libcsv floor
#   (counting callbacks), the C reference without and with its register
#   workbook, then the engine's `validate`, `run --only register` and
#   `run --only register,reports`, with peak memory;
#   then one more engine run with --timings gives each stage's time.
# Prints per size the programs, the ratios the issue's "Done when" names, and
# microseconds per employee; at the end the per-employee times side by side
# (the goal: within 20% of each other beyond start-up).
#   scripts/bench.sh [SIZES...]        e.g. scripts/bench.sh 1000 100000
# The machine's speed drifts ±30% between runs (more after a minute of full load: the C program with its workbook
# runs just before the engine): compare ratios from one run, and with REPEAT=N (default 3) run.sh runs N times
# per size; each run's ratios are printed, then the median of each ratio and each program's median time (the
# per-employee figures use the medians).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
command -v gcc >/dev/null || { echo "bench: gcc is needed for ../shared/bench's C programs" >&2; exit 69; }
dpkg -s libcsv-dev >/dev/null 2>&1 || { echo "bench: libcsv-dev is needed" >&2; exit 69; }
swift build -c release --product payroll >/dev/null
BIN=.build/release/payroll
SIZES="${*:-1000 100000 1000000}"
export PERIOD=2026-01
mkdir -p bench
summary=bench/summary.txt
: > "$summary"
for n in $SIZES; do
  dir=bench/jan-$n
  [ -f "$dir/.done" ] || { python3 scripts/gen_data.py --employees "$n" --period $PERIOD --out "$dir" && touch "$dir/.done"; }
  echo "== $n employees ($(du -sh "$dir" | cut -f1) of CSV)"
  work=bench/side-by-side-$n
  # At 1,000 employees a reference program can take "0.00 s", and run.sh's ratios then divide by zero: its
  # times still stand, and the larger sizes are still run.
  : > "$work.txt"
  for r in $(seq 1 "${REPEAT:-3}"); do
    echo "-- run $r of ${REPEAT:-3}"
    ../shared/bench/run.sh "$dir" "$BIN" "$work" | tee "$work.run$r.txt" ||
      echo "bench: ../shared/bench/run.sh gave no ratios at $n employees (a time of 0.00 s?); its times above stand" >&2
  done
  # The median of each program's time and of each ratio over the runs (ratios from one run each, never mixed).
  python3 - "$work" "${REPEAT:-3}" > "$work.txt" <<'PY'
import re, statistics, sys
work, runs = sys.argv[1], int(sys.argv[2])
times, mem, ratios = {}, {}, {}
for r in range(1, runs + 1):
    for line in open(f"{work}.run{r}.txt"):
        m = re.match(r"(\S+)\s+([0-9.]+) s(?:\s+([0-9]+) MiB)?", line)
        if m:
            times.setdefault(m.group(1), []).append(float(m.group(2)))
            if m.group(3):
                mem.setdefault(m.group(1), []).append(int(m.group(3)))
        for name, value in re.findall(r"(validate / libcsv floor|run --only register / C|run --only register,reports / C with its workbook) = ([0-9.]+)", line):
            ratios.setdefault(name, []).append(float(value))
for k, v in times.items():
    peak = f"   peak {max(mem[k])} MiB" if k in mem else ""
    print(f"{k:<22} {statistics.median(v):8.2f} s (median of {', '.join(f'{x:.2f}' for x in v)}){peak}")
for k, v in ratios.items():
    print(f"median {k} = {statistics.median(v):.2f}   (runs: {', '.join(f'{x:.2f}' for x in v)})")
PY
  cat "$work.txt"
  # Each stage's time: the same run once more, with --timings (not part of the figures above).
  rm -rf "$work/out/engine_timings"
  $BIN run --only register,reports --input "$dir" --period $PERIOD --first-period --out "$work/out/engine_timings" \
      --timings >/dev/null 2>"$work/timings.txt" || true
  echo "engine stages: $(grep '^timings:' "$work/timings.txt" | sed 's/^timings: //')"
  python3 - "$n" "$work.txt" "$summary" <<'PY'
import re, sys
n, path, summary = int(sys.argv[1]), sys.argv[2], sys.argv[3]
t = {}
for line in open(path):
    m = re.match(r"(\S+)\s+([0-9.]+) s", line)
    if m:
        t[m.group(1)] = float(m.group(2))
per = {k: v / n * 1e6 for k, v in t.items()}
print("microseconds per employee: " + "  ".join(f"{k} {v:.1f}" for k, v in per.items()))
with open(summary, "a") as f:
    f.write(f"{n} " + " ".join(f"{k}={v:.3f}" for k, v in t.items()) + "\n")
PY
done
python3 - "$summary" <<'PY'
import sys
rows = []
for line in open(sys.argv[1]):
    parts = line.split()
    rows.append((int(parts[0]), dict((k, float(v)) for k, v in (p.split("=") for p in parts[1:]))))
if len(rows) < 2:
    sys.exit(0)
# Start-up: what the smallest size costs; the rest is per employee.
small_n, small = rows[0]
print("\nper-employee time beyond start-up (the smallest size's time taken as start-up), microseconds:")
names = [k for k in small if k.startswith("engine_")]
print(f"{'employees':>10} " + " ".join(f"{k:>16}" for k in names))
base = {}
for n, t in rows[1:]:
    per = {k: (t[k] - small[k]) / (n - small_n) * 1e6 for k in names}
    base = base or per
    print(f"{n:>10} " + " ".join(f"{per[k]:>9.2f} ({per[k] / base[k]:.2f})" for k in names))
print("(in brackets: relative to the second size; within 0.8-1.2 is the goal)")
PY
