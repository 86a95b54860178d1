#!/usr/bin/env python3
"""Mutation fuzzer for `payroll import` on a legacy workbook: damaged zip bytes, truncation,
damaged XML parts (bad characters, huge cell references and row numbers, broken markup).
Counts exit codes; a crash (signal) or a hang is kept in bench/fuzz-workbook/.
Usage: scripts/fuzz_workbook.py [CASES]   (needs .build/release/payroll)"""
import os, random, subprocess, sys, zipfile, io, shutil, tempfile
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
B = os.path.join(ROOT, ".build", "release", "payroll")
src = os.path.join(ROOT, "fixtures", "legacy", "payroll_2026-01.xlsx")
mp = os.path.join(ROOT, "pipelines", "import", "legacy-payroll.yaml")
WORK = tempfile.mkdtemp(prefix="payroll-xfuzz-")
KEEP = os.path.join(ROOT, "bench", "fuzz-workbook")
os.makedirs(KEEP, exist_ok=True)
orig = open(src, "rb").read()
z = zipfile.ZipFile(io.BytesIO(orig))
names = z.namelist()
parts = {n: z.read(n) for n in names}
rng = random.Random(5)
counts = {}
for n in range(int(sys.argv[1]) if len(sys.argv) > 1 else 500):
    kind = rng.choice(["bytes", "xml", "truncate", "xmlbytes"])
    if kind == "bytes":
        b = bytearray(orig)
        for _ in range(rng.randint(1, 20)): b[rng.randrange(len(b))] = rng.randrange(256)
        data = bytes(b)
    elif kind == "truncate":
        data = orig[: rng.randrange(len(orig))]
    else:
        target = rng.choice([x for x in names if x.endswith(".xml")])
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as w:
            for name in names:
                d = parts[name]
                if name == target:
                    if kind == "xml":
                        t = d.decode("utf-8", "replace")
                        i = rng.randrange(len(t)); j = min(len(t), i + rng.randint(1, 50))
                        t = t[:i] + rng.choice(["", "<", ">", "&", "<c r=\"ZZZ99999999\" t=\"s\"><v>99999999</v></c>", "<v>1e400</v>", "\"", "<row r=\"0\">", "<row r=\"99999999999\">"]) + t[j:]
                        d = t.encode()
                    else:
                        b = bytearray(d)
                        for _ in range(rng.randint(1, 5)): b[rng.randrange(len(b))] = rng.randrange(256)
                        d = bytes(b)
                w.writestr(name, d)
        data = out.getvalue()
    p = os.path.join(WORK, "case.xlsx")
    open(p, "wb").write(data)
    shutil.rmtree(os.path.join(WORK, "out"), ignore_errors=True)
    for args in (["import", p, "--suggest"], ["import", p, "--map", mp, "--out", os.path.join(WORK, "out")]):
        try:
            r = subprocess.run([B] + args, capture_output=True, timeout=60, cwd=ROOT)
            v = "crash" if r.returncode < 0 or r.returncode >= 128 else f"exit{r.returncode}"
        except subprocess.TimeoutExpired:
            v = "hang"
        counts[v] = counts.get(v, 0) + 1
        if v in ("crash", "hang"):
            shutil.copy(p, os.path.join(KEEP, f"{v}-{n}.xlsx"))
            print(v, n, kind, args[0:3], (r.stderr[-600:] if v == "crash" else b"").decode("utf-8", "replace"))
print(counts)
shutil.rmtree(WORK, ignore_errors=True)
sys.exit(1 if counts.get("crash") or counts.get("hang") else 0)
