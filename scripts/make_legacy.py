#!/usr/bin/env python3
"""Writes the legacy-Excel fixtures, as an Excel user would have them
(needs openpyxl: python3 -m pip install openpyxl):

fixtures/legacy/payroll_2026-01.xlsx   the demo company's employee sheet kept in Excel:
    a title row, a merged two-row header (应发工资 over its parts), dates as
    Excel dates, one salary typed as text with a thousands separator, a totals
    row, formatted empty rows below it, and two planted problems:
      - D007's ID number typed as a number (shown 4.40305E+17)  -> I003
      - D040's bank account typed as a number (leading zero lost) -> I004
fixtures/legacy/legacy_register_2026-01.xlsx   the same month's register kept in
    Excel beside the engine, made from engine_register_2026-01.csv (a snapshot of
    the engine's demo register) with planted differences:
      - D001 social insurance on the declared 45,000 base (engine clamps to 37,302)
      - D002 tax computed month by month (not cumulatively)
      - D003 net pay rounded to the yuan
      - D043 missing; X999 only in the legacy register
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


def payroll_workbook():
    wb = openpyxl.Workbook()
    fixed_props(wb)
    ws = wb.active
    ws.title = "工资表"
    ws["A1"] = "示例科技有限公司 2026年1月 员工工资基础信息"
    ws.merge_cells("A1:U1")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "制表：人力资源部    日期：2026-02-05"
    top = ["序号", "工号", "姓名", "身份证号", "部门", "部门类型", "岗位", "成本中心", "参保城市", "入职日期", "离职日期",
           "合同到期日", "应发工资", None, None, "绩效奖金基数", "社保缴费基数", "公积金比例", "专项附加扣除", "开户行", "银行账号"]
    sub = [None] * 12 + ["基本工资", "岗位工资", "津贴补贴"] + [None] * 6
    for c, (t, s) in enumerate(zip(top, sub), start=1):
        if t:
            ws.cell(row=3, column=c, value=t)
        if s:
            ws.cell(row=4, column=c, value=s)
        if t and not s and c not in (13, 14, 15):
            ws.merge_cells(start_row=3, start_column=c, end_row=4, end_column=c)
    ws.merge_cells("M3:O3")
    for row in ws.iter_rows(min_row=3, max_row=4):
        for cell in row:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    city = {"shanghai": "上海", "beijing": "北京", "shenzhen": "深圳"}
    dtype = {"frontline": "前线", "backoffice": "后援"}
    r = 5
    totals = [Decimal(0)] * 3
    for n, e in enumerate(employees(), start=1):
        values = [n, e["工号"], e["姓名"], e["身份证号"], e["部门"], dtype[e["部门类型"]], e["岗位"], e["成本中心"],
                  city[e["参保城市"]], dt.date.fromisoformat(e["入职日期"]),
                  dt.date.fromisoformat(e["离职日期"]) if e["离职日期"] else None,
                  dt.date.fromisoformat(e["合同到期日"]) if e["合同到期日"] else None,
                  float(e["基本工资"]), float(e["岗位工资"]), float(e["津贴补贴"]) if e["津贴补贴"] else None,
                  float(e["绩效奖金基数"]) if e["绩效奖金基数"] else None, float(e["社保缴费基数"]),
                  float(e["公积金比例"]), float(e["专项附加扣除"]) if e["专项附加扣除"] else None, e["开户行"], e["银行账号"]]
        for k, t in enumerate((e["基本工资"], e["岗位工资"], e["津贴补贴"] or "0")):
            totals[k] += Decimal(t)
        if e["工号"] == "D007":
            values[3] = int(e["身份证号"][:17] + ("0" if e["身份证号"][17] == "X" else e["身份证号"][17]))  # typed as a number
        if e["工号"] == "D040":
            values[20] = int(e["银行账号"])                       # typed as a number: the leading zero is gone
        if e["工号"] == "D012":
            values[12] = "{:,.2f}".format(float(e["基本工资"]))    # number stored as text, with a thousands separator
        for c, v in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=v)
            if isinstance(v, dt.date):
                cell.number_format = "yyyy/m/d"
            elif isinstance(v, float) and c != 18:
                cell.number_format = "#,##0.00"
        r += 1
    ws.cell(row=r, column=1, value="合计")
    for k, t in enumerate(totals):
        ws.cell(row=r, column=13 + k, value=float(t)).number_format = "#,##0.00"
    for extra in range(r + 1, r + 4):                              # formatted but empty rows
        ws.cell(row=extra, column=13).number_format = "#,##0.00"
    wb.save(os.path.join(OUT, "payroll_2026-01.xlsx"))


MONTHLY = [(3000, "0.03", 0), (12000, "0.10", 210), (25000, "0.20", 1410), (35000, "0.25", 2660), (55000, "0.30", 4410),
           (80000, "0.35", 7160), (None, "0.45", 15160)]


def monthly_tax(taxable):
    for top, rate, qd in MONTHLY:
        if top is None or taxable <= top:
            return max(Decimal(0), (taxable * Decimal(rate) - qd).quantize(Decimal("0.01"), ROUND_HALF_UP))


def register_workbook():
    with open(os.path.join(OUT, "engine_register_2026-01.csv"), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    special = {e["工号"]: Decimal(e["专项附加扣除"] or "0") for e in employees()}
    wb = openpyxl.Workbook()
    fixed_props(wb)
    ws = wb.active
    ws.title = "1月工资"
    ws["A1"] = "2026年1月工资发放表"
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
    for x in rows:
        if x["employee_id"] == "D043":
            continue
        si = sum(Decimal(x[k]) for k in ("si_pension", "si_medical", "si_unemployment"))
        hf, tax, net, gross = Decimal(x["hf"]), Decimal(x["tax"]), Decimal(x["net_pay"]), Decimal(x["gross"])
        if x["employee_id"] == "D001":                   # SI on the declared base, no ceiling: 45,000 x 10.5%
            si = (Decimal(45000) * Decimal("0.105")).quantize(Decimal("0.01"))
            net = gross + Decimal(x["annual_bonus"]) - si - hf - tax - Decimal(x["bonus_tax"])
        if x["employee_id"] == "D002":                   # month-by-month tax
            taxable = gross - 5000 - si - hf - special[x["employee_id"]]
            tax = monthly_tax(taxable)
            net = gross - si - hf - tax
        if x["employee_id"] == "D003":                   # net rounded to the yuan
            net = net.quantize(Decimal("1"), ROUND_HALF_UP)
        vals = [x["employee_id"], x["name"], x["department"], float(x["base"]), float(x["position"]),
                float(x["performance_bonus"]), float(gross), float(si), float(hf), float(tax), float(net)]
        for c, v in enumerate(vals, start=1):
            ws.cell(row=r, column=c, value=v)
        r += 1
    for c, v in enumerate(["X999", "临时工", "行政部", 3000.0, 0.0, 0.0, 3000.0, 0.0, 0.0, 0.0, 3000.0], start=1):
        ws.cell(row=r, column=c, value=v)
    ws.cell(row=r + 1, column=1, value="合计")
    wb.save(os.path.join(OUT, "legacy_register_2026-01.xlsx"))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    payroll_workbook()
    register_workbook()
