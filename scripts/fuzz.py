#!/usr/bin/env python3
"""Mutation fuzzer for `payroll validate` (issue 12).

Copies the demo month, damages one or more of its files at random (bytes,
quotes, line ends, truncation, huge numbers, path-like IDs, swapped header
columns, duplicated rows, NUL and control bytes, invalid UTF-8), runs the
binary on it with a timeout, and counts:

  crash   the process died of a signal (or exited >= 128)
  hang    it did not finish within --timeout seconds
  leak    a message quoted an ID number, bank account or salary of the inputs
  noloc   an error diagnostic without a file or line (file-level codes aside)
  escape  a file appeared outside the output root
  oper    validate exited neither 0 nor 1 (an operational failure on bad data)
  runfails validate exited 0 but `run` of the same input then failed

Usage: scripts/fuzz.py [--minutes 10] [--seed 1] [--binary .build/release/payroll]
Failing cases are kept under bench/fuzz-failures/ with the seed that made them.
"""
import argparse, csv, io, os, random, shutil, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO = os.path.join(ROOT, "fixtures", "demo")
FILE_LEVEL = {"F001", "F003", "Y001", "N005"}
BAD = ("crash", "hang", "leak", "noloc", "escape", "oper", "runfails")


def read_text(path):
    raw = open(path, "rb").read()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            pass
    raise SystemExit("cannot decode " + path)


def sensitive_values():
    """ID numbers, bank accounts and salaries of the demo's employees."""
    rows = list(csv.reader(io.StringIO(read_text(os.path.join(DEMO, "employees.csv")))))
    header = rows[0]
    out = set()
    for r in rows[1:]:
        for i, v in enumerate(r):
            name = header[i]
            if name in ("身份证号", "银行账号") and len(v) >= 6:
                out.add(v)
            if name in ("基本工资", "岗位工资", "社保缴费基数") and len(v) >= 7:
                out.add(v)
    return out


MUTATIONS = []


def mutation(f):
    MUTATIONS.append(f)
    return f


@mutation
def flip_bytes(rng, data):
    b = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if b:
            b[rng.randrange(len(b))] = rng.randrange(256)
    return bytes(b)


@mutation
def truncate(rng, data):
    return data[: rng.randrange(max(1, len(data)))]


@mutation
def truncate_inside_character(rng, data):
    # cut right after the first byte of a multi-byte character
    idx = [i for i, c in enumerate(data) if c >= 0xC0]
    if not idx:
        return data[:-1]
    i = rng.choice(idx)
    return data[: i + 1]


@mutation
def stray_quote(rng, data):
    i = rng.randrange(max(1, len(data)))
    return data[:i] + b'"' + data[i:]


@mutation
def line_ends(rng, data):
    choice = rng.choice([b"\r", b"\n", b"\r\n", b"\n\r"])
    return data.replace(b"\r\n", b"\n").replace(b"\n", choice)


@mutation
def control_bytes(rng, data):
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        b.insert(rng.randrange(len(b) + 1), rng.choice([0, 1, 7, 8, 0x1B, 0x7F, 0x0B, 0x0C]))
    return bytes(b)


@mutation
def invalid_utf8(rng, data):
    i = rng.randrange(max(1, len(data)))
    return data[:i] + rng.choice([b"\xff", b"\xc3", b"\xe4\xb8", b"\xf0\x9f\x98", b"\x80\x80"]) + data[i:]


def field_edit(rng, data, new_value):
    try:
        text = data.decode("utf-8-sig")
        enc = "utf-8"
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
        enc = "gb18030"
    lines = text.split("\n")
    if len(lines) < 2:
        return data
    k = rng.randrange(1, len(lines))
    cells = lines[k].split(",")
    if not cells:
        return data
    j = rng.randrange(len(cells))
    cells[j] = new_value(rng, cells[j])
    lines[k] = ",".join(cells)
    return "\n".join(lines).encode(enc, errors="replace")


@mutation
def huge_number(rng, data):
    return field_edit(rng, data, lambda r, v: r.choice(["99999999999999999999", "9223372036854775807.99", "-9223372036854775808",
                                                         "1e308", "100000000.01", "9" * 40, "0.0000001", "NaN", "-0"]))


@mutation
def path_like(rng, data):
    return field_edit(rng, data, lambda r, v: r.choice(["../../../escape", "/etc/passwd", "a/b", "..", ".", ".hidden", "x\\y",
                                                         "D0" + "9" * 300, "D003.pdf", "CON", " D001", "D001 ", "张三"]))


@mutation
def long_field(rng, data):
    return field_edit(rng, data, lambda r, v: "x" * r.choice([40_000, 70_000, 1_100_000]))


@mutation
def duplicate_row(rng, data):
    lines = data.split(b"\n")
    if len(lines) < 3:
        return data
    k = rng.randrange(1, len(lines) - 1)
    lines.insert(k, lines[k])
    return b"\n".join(lines)


def header_edit(rng, data, edit):
    lines = data.split(b"\n", 1)
    cells = lines[0].split(b",")
    if len(cells) < 2:
        return data
    edit(rng, cells)
    return b",".join(cells) + (b"\n" + lines[1] if len(lines) > 1 else b"")


def _swap(rng, cells):
    i, j = rng.sample(range(len(cells)), 2)
    cells[i], cells[j] = cells[j], cells[i]


@mutation
def swap_header_columns(rng, data):
    return header_edit(rng, data, _swap)


@mutation
def drop_header_column(rng, data):
    return header_edit(rng, data, lambda r, cells: cells.pop(r.randrange(len(cells))))


@mutation
def empty_file(rng, data):
    return rng.choice([b"", b"\xef\xbb\xbf", b"\n\n\n", b",,,\n"])


def run_case(args, rng, case_dir, secrets):
    inp = os.path.join(case_dir, "in")
    out = os.path.join(case_dir, "out", "root")
    shutil.copytree(DEMO, inp)
    os.makedirs(out)
    files = sorted(f for f in os.listdir(inp) if f.endswith(".csv"))
    touched = []
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        f = rng.choice(files)
        m = rng.choice(MUTATIONS)
        p = os.path.join(inp, f)
        data = open(p, "rb").read()
        open(p, "wb").write(m(rng, data))
        touched.append(f"{f}:{m.__name__}")
    cmd = [args.binary, "validate", os.path.join(ROOT, "pipelines", "monthly.yaml"), "--input", inp, "--out", out]
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=args.timeout, cwd=case_dir)
    except subprocess.TimeoutExpired:
        return "hang", touched, ""
    text = p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace")
    if p.returncode < 0 or p.returncode >= 128:
        return "crash", touched, text
    if p.returncode not in (0, 1):
        return "oper", touched, text
    # every message of the report
    report = ""
    for root, _, names in os.walk(out):
        for n in names:
            if n == "validation.csv":
                report += open(os.path.join(root, n), encoding="utf-8-sig", errors="replace").read()
    for s in secrets:
        if s in report or s in text:
            return "leak", touched, s
    for row in csv.DictReader(io.StringIO(report)):
        code = row.get("code", "")
        if row.get("severity") == "error" and code not in FILE_LEVEL and not code.startswith("F0") and not row.get("line"):
            return "noloc", touched, str(row)
    # nothing outside the output root (the case folder holds only in/ and out/)
    extra = set(os.listdir(case_dir)) - {"in", "out"}
    if extra or set(os.listdir(os.path.join(case_dir, "out"))) != {"root"}:
        return "escape", touched, str(extra)
    if p.returncode == 0:
        # A clean validation promises a run that does not fail on the data.
        run = subprocess.run([args.binary, "run", os.path.join(ROOT, "pipelines", "monthly.yaml"), "--input", inp, "--out", out],
                             capture_output=True, timeout=args.timeout * 3, cwd=case_dir)
        if run.returncode != 0:
            return "runfails", touched, (run.stdout + run.stderr).decode("utf-8", "replace")[-400:]
        extra = set(os.listdir(case_dir)) - {"in", "out"}
        if extra or set(os.listdir(os.path.join(case_dir, "out"))) != {"root"}:
            return "escape", touched, str(extra)
    return f"exit{p.returncode}", touched, ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "payroll"))
    args = ap.parse_args()
    args.binary = os.path.abspath(args.binary)
    if not os.access(args.binary, os.X_OK):
        raise SystemExit(f"build the binary first: swift build -c release --product payroll ({args.binary})")
    secrets = sensitive_values()
    fail_dir = os.path.join(ROOT, "bench", "fuzz-failures")
    counts = {}
    start = time.time()
    n = 0
    while time.time() - start < args.minutes * 60:
        seed = args.seed * 1_000_003 + n
        rng = random.Random(seed)
        with tempfile.TemporaryDirectory(prefix="payroll-fuzz-") as d:
            verdict, touched, detail = run_case(args, rng, d, secrets)
            counts[verdict] = counts.get(verdict, 0) + 1
            if verdict in BAD:
                keep = os.path.join(fail_dir, f"{verdict}-{seed}")
                shutil.rmtree(keep, ignore_errors=True)
                shutil.copytree(os.path.join(d, "in"), keep)
                print(f"{verdict} seed={seed} {touched} {detail[:200]}", flush=True)
        n += 1
        if n % 100 == 0:
            print(f"{n} cases, {time.time() - start:.0f} s: {dict(sorted(counts.items()))}", flush=True)
    bad = sum(counts.get(k, 0) for k in BAD)
    print(f"done: {n} cases in {time.time() - start:.0f} s: {dict(sorted(counts.items()))}; failures: {bad}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
