#!/usr/bin/env python3
"""Writes the legacy-Excel fixtures, as an Excel user would have them
(needs openpyxl: python3 -m pip install openpyxl):

fixtures/legacy/payroll_2026-01.xlsx   the demo company's employee sheet kept in Excel:
    a title row, a merged two-row header (应发工资, 考勤 and 加班（小时） over their
    parts), dates as Excel dates, one salary typed as text with a thousands
    separator, the month's attendance as monthly counts (the demo's daily rows
    summed), a totals row, formatted empty rows below it, and planted problems:
      - D007's ID number typed as a number (shown 4.40305E+17)  -> I003 at D11
      - D040's bank account typed as a number (leading zero lost) -> I004 at U44
      - D025's base salary typed " ¥<amount>" (text with a currency sign) -> I012 at M29
      - D008's personal leave typed "1天" (a word in a count)      -> I007 at X12
      - D020's row pasted again below the last employee          -> I013 at B49
      - the totals row (row 50) sums every row, the pasted copy and the ¥ cell
        included, and its 岗位工资 total was typed over (+1,000.00)  -> I014 at
        M50, N50, O50 (M and O explained by the rows above; N not)
fixtures/legacy/legacy_register_2026-01.xlsx   the same month's register kept in
    Excel beside the engine, made from engine_register_2026-01.csv (a snapshot of
    the engine's demo register) with planted differences:
      - D001 social insurance on the declared 45,000 base (engine clamps to 37,302)
      - D002 tax computed month by month (not cumulatively)
      - D001 tax recomputed with that social insurance (follows from SI)
      - D003 net pay rounded to the yuan
      - D004 housing fund not rounded to the yuan (the engine's is: 1,120.00; legacy 1,120.10)
      - D043 missing; X999 only in the legacy register
    expected_reconcile.csv lists each difference with its cause and legacy cell.
fixtures/legacy/parallel/legacy_register_2026-0{1,2,3}.xlsx   three months of the
    legacy register beside the engine's demo months (made from the snapshots
    fixtures/legacy/engine_register_2026-0{1,2,3}.csv), every difference explained, the same employees on both sides:
      - 2026-01: D003 net rounded to the yuan; D004 housing fund not rounded
      - 2026-02: D001 social insurance on the declared base, its tax and net following
      - 2026-03: no difference
    expected_parallel.csv: per month matched, differences, unexplained, one side
    only; expected_differences.csv: each difference with its cause and legacy cell;
    expected_verdict.txt: ready to switch.
"""
import csv
import datetime as dt
import os
from decimal import Decimal, ROUND_HALF_UP

import openpyxl
from openpyxl.styles import Alignment, Font

ROOT = os.path.join(os.path.dirname(__file__), "..", "fixtures")
OUT = os.path.join(ROOT, "legacy")


def employees():
    with open(os.path.join(ROOT, "demo", "employees.csv"), encoding="gb18030", newline="") as f:
        return list(csv.DictReader(f))


def fixed_props(wb):
    wb.properties.created = dt.datetime(2026, 2, 5, 9, 0, 0)
    wb.properties.modified = dt.datetime(2026, 2, 5, 9, 0, 0)
    wb.properties.creator = "HR"


def attendance_summary():
    """The demo's daily attendance rows summed per employee, as a clerk's monthly sheet has them."""
    with open(os.path.join(ROOT, "demo", "attendance.csv"), encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    paid = {"present", "annual_leave", "comp_leave", "business_trip"}
    out = {}
    for r in rows:
        s = out.setdefault(r["employee_id"], {"paid": 0, "absent": 0, "personal": 0, "sick": 0, "comp": 0,
                                              "workday": Decimal(0), "restday": Decimal(0), "holiday": Decimal(0)})
        st = r["status"]
        s["paid"] += st in paid
        s["comp"] += st == "comp_leave"
        s["absent"] += st == "absent"
        s["personal"] += st == "personal_leave"
        s["sick"] += st == "sick_leave"
        if r["overtime_kind"]:
            s[r["overtime_kind"]] += Decimal(r["overtime_hours"])
    return out


ATTENDANCE = [("考勤", ["出勤天数", "旷工天数", "事假天数", "病假天数", "调休天数"], ["paid", "absent", "personal", "sick", "comp"]),
              ("加班（小时）", ["工作日", "休息日", "法定节假日"], ["workday", "restday", "holiday"])]


def payroll_workbook():
    wb = openpyxl.Workbook()
    fixed_props(wb)
    ws = wb.active
    ws.title = "工资表"
    ws["A1"] = "示例科技有限公司 2026年1月 员工工资基础信息"
    ws.merge_cells("A1:AC1")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "制表：人力资源部    日期：2026-02-05"
    top = ["序号", "工号", "姓名", "身份证号", "部门", "部门类型", "岗位", "成本中心", "参保城市", "入职日期", "离职日期",
           "合同到期日", "应发工资", None, None, "绩效奖金基数", "社保缴费基数", "公积金比例", "专项附加扣除", "开户行", "银行账号"]
    sub = [None] * 12 + ["基本工资", "岗位工资", "津贴补贴"] + [None] * 6
    for group, subs, _ in ATTENDANCE:
        top += [group] + [None] * (len(subs) - 1)
        sub += subs
    for c, (t, s) in enumerate(zip(top, sub), start=1):
        if t:
            ws.cell(row=3, column=c, value=t)
        if s:
            ws.cell(row=4, column=c, value=s)
        if t and not s:
            ws.merge_cells(start_row=3, start_column=c, end_row=4, end_column=c)
    ws.merge_cells("M3:O3")
    ws.merge_cells("V3:Z3")
    ws.merge_cells("AA3:AC3")
    for row in ws.iter_rows(min_row=3, max_row=4):
        for cell in row:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    city = {"shanghai": "上海", "beijing": "北京", "shenzhen": "深圳"}
    dtype = {"frontline": "前线", "backoffice": "后援"}
    att = attendance_summary()
    r = 5
    people = employees()
    lines = []
    for n, e in enumerate(people, start=1):
        values = [n, e["工号"], e["姓名"], e["身份证号"], e["部门"], dtype[e["部门类型"]], e["岗位"], e["成本中心"],
                  city[e["参保城市"]], dt.date.fromisoformat(e["入职日期"]),
                  dt.date.fromisoformat(e["离职日期"]) if e["离职日期"] else None,
                  dt.date.fromisoformat(e["合同到期日"]) if e["合同到期日"] else None,
                  float(e["基本工资"]), float(e["岗位工资"]), float(e["津贴补贴"]) if e["津贴补贴"] else None,
                  float(e["绩效奖金基数"]) if e["绩效奖金基数"] else None, float(e["社保缴费基数"]),
                  float(e["公积金比例"]), float(e["专项附加扣除"]) if e["专项附加扣除"] else None, e["开户行"], e["银行账号"]]
        a = att[e["工号"]]
        for _, _, keys in ATTENDANCE:
            values += [(int(a[k]) if a[k] == int(a[k]) else float(a[k])) if a[k] else None for k in keys]
        if e["工号"] == "D007":
            values[3] = int(e["身份证号"][:17] + ("0" if e["身份证号"][17] == "X" else e["身份证号"][17]))  # typed as a number
        if e["工号"] == "D040":
            values[20] = int(e["银行账号"])                       # typed as a number: the leading zero is gone
        if e["工号"] == "D012":
            values[12] = "{:,.2f}".format(float(e["基本工资"]))    # number stored as text, with a thousands separator
        if e["工号"] == "D025":
            values[12] = " ¥{:.2f}".format(float(e["基本工资"]))    # typed with a currency sign: refused, never stripped
        if e["工号"] == "D008":
            values[23] = "1天"                                      # a word in a count
        lines.append(values)
    lines.append(list(next(v for v in lines if v[1] == "D020")))   # D020's row pasted again below the last employee
    totals = [Decimal(0)] * 3
    for values in lines:
        for c, v in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=v)
            if isinstance(v, dt.date):
                cell.number_format = "yyyy/m/d"
            elif isinstance(v, float) and c != 18 and c < 22:
                cell.number_format = "#,##0.00"
        for k in range(3):                                         # what Excel's SUM over the rows shows
            v = values[12 + k]
            totals[k] += Decimal(v.replace(",", "").replace("¥", "").strip()) if isinstance(v, str) else Decimal(str(v or 0))
        r += 1
    totals[1] += 1000                                              # the 岗位工资 total typed over
    ws.cell(row=r, column=1, value="合计")
    for k, t in enumerate(totals):
        ws.cell(row=r, column=13 + k, value=float(t)).number_format = "#,##0.00"
    for extra in range(r + 1, r + 4):                              # formatted but empty rows
        ws.cell(row=extra, column=13).number_format = "#,##0.00"
    wb.save(os.path.join(OUT, "payroll_2026-01.xlsx"))


MONTHLY = [(3000, "0.03", 0), (12000, "0.10", 210), (25000, "0.20", 1410), (35000, "0.25", 2660), (55000, "0.30", 4410),
           (80000, "0.35", 7160), (None, "0.45", 15160)]
CUMULATIVE = [(36000, "0.03", 0), (144000, "0.10", 2520), (300000, "0.20", 16920), (420000, "0.25", 31920),
              (660000, "0.30", 52920), (960000, "0.35", 85920), (None, "0.45", 181920)]   # tax.yaml iit_withholding
CENT = Decimal("0.01")


def bracket_tax(table, taxable):
    for top, rate, qd in table:
        if top is None or taxable <= top:
            return max(Decimal(0), (taxable * Decimal(rate) - qd).quantize(CENT, ROUND_HALF_UP))


def monthly_tax(taxable):
    return bracket_tax(MONTHLY, taxable)


D = Decimal
COLUMNS = ["employee_id", "name", "department", "base", "position", "performance_bonus", "gross", "si", "hf", "tax", "net_pay"]
LETTERS = "ABCDEFGHIJK"


def si_declared(x, special):
    """SI on the declared 45,000 base, no ceiling (45,000 x 10.5%); the tax recomputed cumulatively with it."""
    si = (D(45000) * D("0.105")).quantize(CENT)
    taxable = D(x["ytd_taxable"]) - (si - x["si"])
    tax = bracket_tax(CUMULATIVE, taxable) - (D(x["ytd_withheld"]) - D(x["tax"]))
    return {"si": (si, "social insurance base clamped"), "tax": (tax, "follows from the social insurance difference")}


def tax_month_by_month(x, special):
    taxable = D(x["gross"]) - 5000 - x["si"] - D(x["hf"]) - special[x["employee_id"]]
    return {"tax": (monthly_tax(taxable), "tax computed month by month")}


def net_to_the_yuan(x, special):
    return {"net_pay": (D(x["net_pay"]).quantize(D("1"), ROUND_HALF_UP), "legacy value rounded to the yuan")}


def hf_not_rounded(x, special):
    return {"hf": (D(x["hf"]) + D("0.10"), "the engine's value is whole yuan")}


def register_workbook(source, out, month, plants, missing=(), extra=False):
    """A legacy register made from an engine register snapshot with planted differences; returns the expected
    differences (employee, line, legacy, engine, cause, legacy cell)."""
    with open(source, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    special = {e["工号"]: D(e["专项附加扣除"] or "0") for e in employees()}
    wb = openpyxl.Workbook()
    fixed_props(wb)
    ws = wb.active
    ws.title = f"{month}月工资"
    ws["A1"] = f"2026年{month}月工资发放表"
    ws.merge_cells("A1:K1")
    top = ["工号", "姓名", "部门", "应发工资", None, None, "应发合计", "代扣款项", None, None, "实发工资"]
    sub = [None, None, None, "基本工资", "岗位工资", "绩效奖金", None, "个人社保", "个人公积金", "个人所得税", None]
    for c, (t, s) in enumerate(zip(top, sub), start=1):
        if t:
            ws.cell(row=2, column=c, value=t)
        if s:
            ws.cell(row=3, column=c, value=s)
        if t and not s:
            ws.merge_cells(start_row=2, start_column=c, end_row=3, end_column=c)
    ws.merge_cells("D2:F2")
    ws.merge_cells("H2:J2")
    r = 4
    expected = []
    for x in rows:
        if x["employee_id"] in missing:
            continue
        x["si"] = sum(D(x[k]) for k in ("si_pension", "si_medical", "si_unemployment"))
        engine = {k: (x["si"] if k == "si" else x[k]) for k in COLUMNS}
        legacy = dict(engine)
        causes = {}
        plant = plants.get(x["employee_id"])
        if plant:
            for line, (value, cause) in plant(x, special).items():
                legacy[line], causes[line] = value, cause
            delta = sum(D(legacy[k]) - D(engine[k]) for k in ("si", "hf", "tax"))
            if "net_pay" not in causes and delta:                 # the net pay follows from the lines above
                legacy["net_pay"] = D(engine["net_pay"]) - delta
                causes["net_pay"] = "follows from the difference in"
        for c, k in enumerate(COLUMNS, start=1):
            v = legacy[k]
            ws.cell(row=r, column=c, value=v if c <= 3 else float(v))
            if k in causes:
                expected.append([x["employee_id"], k, "%.2f" % D(legacy[k]), "%.2f" % D(engine[k]), causes[k],
                                 f"{ws.title}!{LETTERS[c - 1]}{r}"])
        r += 1
    if extra:
        for c, v in enumerate(["X999", "临时工", "行政部", 3000.0, 0.0, 0.0, 3000.0, 0.0, 0.0, 0.0, 3000.0], start=1):
            ws.cell(row=r, column=c, value=v)
        r += 1
    ws.cell(row=r, column=1, value="合计")
    wb.save(out)
    return expected


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def reconcile_fixture():
    found = register_workbook(
        os.path.join(OUT, "engine_register_2026-01.csv"), os.path.join(OUT, "legacy_register_2026-01.xlsx"), 1,
        {"D001": si_declared, "D002": tax_month_by_month, "D003": net_to_the_yuan, "D004": hf_not_rounded},
        missing=("D043",), extra=True)
    write_csv(os.path.join(OUT, "expected_reconcile.csv"), ["employee_id", "line", "legacy", "engine", "cause", "legacy_cell"],
              found + [["only_legacy", "X999", "", "", "", ""], ["only_engine", "D043", "", "", "", ""]])


def parallel_fixture():
    folder = os.path.join(OUT, "parallel")
    os.makedirs(folder, exist_ok=True)
    months = [(1, os.path.join(OUT, "engine_register_2026-01.csv"), {"D003": net_to_the_yuan, "D004": hf_not_rounded}),
              (2, os.path.join(OUT, "engine_register_2026-02.csv"), {"D001": si_declared}),
              (3, os.path.join(OUT, "engine_register_2026-03.csv"), {})]
    summary, differences = [], []
    for month, source, plants in months:
        found = register_workbook(source, os.path.join(folder, f"legacy_register_2026-{month:02d}.xlsx"), month, plants)
        with open(source, encoding="utf-8-sig", newline="") as f:
            people = [x["employee_id"] for x in csv.DictReader(f)]
        differing = {d[0] for d in found}
        differences += [[f"2026-{month:02d}"] + d for d in found]
        summary.append([f"2026-{month:02d}", len(people) - len(differing), len(found), 0, 0])
    write_csv(os.path.join(folder, "expected_parallel.csv"),
              ["period", "matched", "differences", "unexplained", "one_side_only"], summary)
    write_csv(os.path.join(folder, "expected_differences.csv"),
              ["period", "employee_id", "line", "legacy", "engine", "cause", "legacy_cell"], differences)
    with open(os.path.join(folder, "expected_verdict.txt"), "w", encoding="utf-8") as f:
        f.write("ready to switch: the last 3 consecutive months have no unexplained difference and the same employees\n")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    payroll_workbook()
    reconcile_fixture()
    parallel_fixture()
