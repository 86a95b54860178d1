#!/usr/bin/env python3
"""An independent implementation of ../shared/STANDARD.md in Python's Decimal,
for cross-checking the engine's register cell by cell on generated batches.

    python3 scripts/gen_data.py --employees 2000 --period 2026-06 --out /tmp/batch
    payroll run --input /tmp/batch --period 2026-06 --out /tmp/out --first-period --only register
    python3 scripts/check_standard.py /tmp/batch 2026-06 /tmp/out/2026-06/payroll_register.csv

Assumes a first period of the year at this employer (no earlier withholding) and
UTF-8 CONTRACT files with the canonical English headers (what gen_data.py writes).

"Beyond the default" (STANDARD.md), read from the batch when its columns are there
(gen_data.py --beyond): basic_deduction_mode (first_income, annual_60000), comp time
(overtime_compensation), and a period after 2027-12-31 taxes the annual bonus with the
salary. Pipeline keys are flags after the three arguments:
    --carry-forward      negative_net: carry_forward (net 0, carried_balance)
    --sick-statutory     sick_pay: statutory (service ratios, 80% of the minimum wage)
"""
import csv
import sys
from collections import defaultdict
from decimal import Decimal as D, ROUND_HALF_UP

SD_COLUMNS = ["sd_children_education", "sd_continuing_education", "sd_housing_loan", "sd_housing_rent",
              "sd_elderly_support", "sd_infant_care"]

def r2(x):
    return x.quantize(D("0.01"), ROUND_HALF_UP)

def r0(x):
    return x.quantize(D("1"), ROUND_HALF_UP)

CITY = {  # STANDARD.md city table: (from, {line: (floor, ceiling, ee, er, ee_fixed)}, hf (floor, ceiling, yuan?))
    "shanghai": [("2024-07-01", 7384, 36921, 2690, 36921), ("2025-07-01", 7460, 37302, 2690, 37302)],
    "beijing": [("2024-07-01", 6821, 35283, 2420, 35283), ("2025-07-01", 7162, 35811, 2420, 35811)],
}
RATES = {
    "shanghai": {"pension": ("0.08", "0.16"), "medical": ("0.02", "0.09"), "unemployment": ("0.005", "0.005"), "injury": ("0", "0.0016")},
    "beijing": {"pension": ("0.08", "0.16"), "medical": ("0.02", "0.098"), "unemployment": ("0.005", "0.005"), "injury": ("0", "0.002")},
    "shenzhen": {"pension": ("0.08", "0.15"), "medical": ("0.02", "0.05"), "unemployment": ("0.002", "0.008"), "injury": ("0", "0.002")},
}
SZ_BANDS = {"pension": (3523, 26421), "medical": (6475, 32376), "unemployment": (2360, 43659), "injury": (2360, 43659)}
ANNUAL = [(36000, "0.03", 0), (144000, "0.10", 2520), (300000, "0.20", 16920), (420000, "0.25", 31920), (660000, "0.30", 52920),
          (960000, "0.35", 85920), (None, "0.45", 181920)]
BONUS = [(3000, "0.03", 0), (12000, "0.10", 210), (25000, "0.20", 1410), (35000, "0.25", 2660), (55000, "0.30", 4410),
         (80000, "0.35", 7160), (None, "0.45", 15160)]

# Monthly minimum wages (reference/cn-payroll-rules.md s.5): (from, amount); the earlier figure from the pack's first day.
MIN_WAGE = {
    "shanghai": [("2024-07-01", 2690), ("2025-07-01", 2740)],
    "beijing": [("2024-07-01", 2420), ("2025-09-01", 2540)],
    "shenzhen": [("2024-07-01", 2360), ("2025-03-01", 2520)],
}
# Shanghai's sick-pay ratio by full years of continuous service (reference s.5: 60-100%); other cities 0.8.
SH_SICK = [(2, "0.6"), (4, "0.7"), (6, "0.8"), (8, "0.9"), (None, "1.0")]
MODES = {"": "employment", "employment": "employment", "任职受雇": "employment", "first_income": "first_income",
         "首次取得工资": "first_income", "annual_60000": "annual_60000", "全年6万": "annual_60000", "全年6万元": "annual_60000"}

def full_years(start, day):
    y = int(day[:4]) - int(start[:4])
    if day[5:] < start[5:]:
        y -= 1
    return max(0, y)

def band(table, x):
    for top, rate, qd in table:
        if top is None or x <= top:
            return D(rate), D(qd)

def read(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))

def main(batch, period, register, *flags):
    carry = "--carry-forward" in flags
    statutory = "--sick-statutory" in flags
    year, month = map(int, period.split("-"))
    first = f"{period}-01"
    import calendar
    last = f"{period}-{calendar.monthrange(year, month)[1]:02d}"
    emps = {e["employee_id"]: e for e in read(f"{batch}/employees.csv")}
    att = defaultdict(lambda: defaultdict(int))
    ot = defaultdict(lambda: defaultdict(D))
    comp_hours = defaultdict(D)
    import os
    summary_path = f"{batch}/attendance_summary.csv"
    attendance_rows = [] if os.path.exists(summary_path) else read(f"{batch}/attendance.csv")
    tracked = bool(attendance_rows) and "overtime_compensation" in attendance_rows[0]
    if os.path.exists(summary_path):
        # CONTRACT attendance_summary.csv: the counts replace those from the rows (STANDARD "Beyond the default").
        summary = read(summary_path)
        tracked = bool(summary) and "overtime_restday_comp_hours" in summary[0]
        for s in summary:
            eid = s["employee_id"]
            comp = D(s.get("comp_leave_days") or 0)
            att[eid]["present"] = D(s["paid_days"]) - comp
            att[eid]["comp_leave"] = comp
            att[eid]["absent"] = D(s.get("absent_days") or 0)
            att[eid]["personal_leave"] = D(s.get("personal_leave_days") or 0)
            att[eid]["sick_leave"] = D(s.get("sick_leave_days") or 0)
            for k in ("workday", "restday", "holiday"):
                ot[eid][k] += D(s.get(f"overtime_{k}_hours") or 0)
            comp_hours[eid] += D(s.get("overtime_restday_comp_hours") or 0)
    for a in attendance_rows:
        att[a["employee_id"]][a["status"]] += 1
        if a["overtime_hours"]:
            if a.get("overtime_compensation") in ("comp_time", "调休"):
                comp_hours[a["employee_id"]] += D(a["overtime_hours"])  # rest-day hours taken as time off: not paid
            else:
                ot[a["employee_id"]][a["overtime_kind"]] += D(a["overtime_hours"])
    scores = defaultdict(list)
    for s in read(f"{batch}/scores.csv"):
        scores[s["employee_id"]].append(s)
    adj = defaultdict(list)
    try:
        for a in read(f"{batch}/adjustments.csv"):
            adj[a["employee_id"]].append(a)
    except FileNotFoundError:
        pass

    def item(s):
        t, a = D(s["target"]), D(s["actual"])
        if (s.get("direction") or "higher") == "lower":
            ratio = D("1.2") if a == 0 else t / a
        else:
            ratio = a / t
        return r2(min(ratio, D("1.2")) * 100)

    def perf(eid):
        e = emps[eid]
        rows = scores[eid]
        if e["dept_type"] == "frontline":
            k = [s for s in rows if s["method"] == "kpi"]
            final = r2(sum(D(s["weight"]) * item(s) for s in k))
        else:
            parts = {}
            m = [s for s in rows if s["method"] == "mbo"]
            if m:
                parts["mbo"] = (D("0.4"), r2(sum(D(s["weight"]) * D(s["rating"]) for s in m)))
            f = [s for s in rows if s["method"] == "360"]
            groups = {}
            for s in f:
                groups.setdefault(s["rater_group"], []).append(s)
            gw = {"manager": D("0.4"), "peer": D("0.3"), "subordinate": D("0.2"), "self": D("0.1")}
            used = {}
            for g, rs in groups.items():
                if g in ("peer", "subordinate") and len({x["rater_id"] for x in rs}) < 3:
                    continue
                used[g] = r2(sum(D(x["rating"]) for x in rs) / len(rs))
            if used:
                tw = sum(gw[g] for g in used)
                parts["360"] = (D("0.3"), r2(sum(gw[g] * v for g, v in used.items()) / tw))
            b = [s for s in rows if s["method"] == "bsc"]
            if b:
                parts["bsc"] = (D("0.3"), r2(sum(D(s["weight"]) * item(s) for s in b)))
            tw = sum(w for w, _ in parts.values())
            final = r2(sum(w * v for w, v in parts.values()) / tw)
        for g, t, c in (("S", 105, "1.5"), ("A", 95, "1.2"), ("B", 80, "1.0"), ("C", 60, "0.8"), ("D", -10**9, "0.5")):
            if final >= t:
                return final, g, D(c)

    def params(city, what):
        if city == "shenzhen":
            return None
        rows = [r for r in CITY[city] if r[0] <= first]
        return rows[-1]

    mismatches = 0
    checked = 0
    with open(register, encoding="utf-8-sig", newline="") as f:
        engine = {r["employee_id"]: r for r in csv.DictReader(f)}
    for eid in sorted(emps, key=lambda s: s.encode("utf-8")):
        e = emps[eid]
        final, grade, coef = perf(eid)
        base, pos = D(e["base_salary"]), D(e["position_salary"])
        monthly = base + pos
        allowance = D(e["allowance"] or 0)
        bonus = r2(D(e["bonus_base"] or 0) * coef)
        o = ot[eid]
        overtime = r2(monthly / 174 * (D("1.5") * o["workday"] + 2 * o["restday"] + 3 * o["holiday"]))
        a = att[eid]
        prorated = e["hire_date"] > first or (e["leave_date"] and e["leave_date"] < last)
        if prorated:
            absence = sick = D(0)
            paid = a["present"] + a["annual_leave"] + a["comp_leave"] + a["business_trip"]
            proration = min(monthly, r2(monthly / D("21.75") * (paid + D("0.8") * a["sick_leave"]))) - monthly
        else:
            absence = -r2(monthly / D("21.75") * (a["absent"] + a["personal_leave"]))
            if statutory:
                city = e["city"]
                years = full_years(e.get("service_start") or e["hire_date"], first)
                ratio = D("0.8")
                if city == "shanghai":
                    ratio = next(D(r) for top, r in SH_SICK if top is None or years < top)
                wage = D([w for f0, w in MIN_WAGE[city] if f0 <= first][-1])
                worth = monthly / D("21.75") * a["sick_leave"]
                sick = -r2(max(D(0), worth - max(worth * ratio, D("0.8") * wage / D("21.75") * a["sick_leave"])))
            else:
                sick = -r2(monthly / D("21.75") * a["sick_leave"] * D("0.2"))
            proration = D(0)
        adjustments = sum((D(x["amount"]) for x in adj[eid] if x["code"] != "annual_bonus"), D(0))
        annual = sum((D(x["amount"]) for x in adj[eid] if x["code"] == "annual_bonus"), D(0))
        gross = base + pos + allowance + bonus + overtime + absence + sick + proration + adjustments
        city = e["city"]
        si_base = D(e["si_base"])
        ee = {}
        er = D(0)
        for line in ("pension", "medical", "unemployment", "injury"):
            if city == "shenzhen":
                lo, hi = SZ_BANDS[line]
            else:
                p = params(city, line)
                lo, hi = p[1], p[2]
            b = min(max(si_base, D(lo)), D(hi))
            er_rate = D(RATES[city][line][1])
            ee[line] = r2(b * D(RATES[city][line][0])) + (D(3) if city == "beijing" and line == "medical" else 0)
            er += r2(b * er_rate)
        hf_decl = D(e["hf_base"]) if e.get("hf_base") else si_base
        if city == "shenzhen":
            hb = min(max(hf_decl, D(2360)), D(41190))
            hf = r2(hb * D(e["hf_rate"]))
        else:
            p = params(city, "hf")
            hb = min(max(hf_decl, D(p[3])), D(p[4]))
            hf = r0(hb * D(e["hf_rate"]))
        hire_y, hire_m = int(e["hire_date"][:4]), int(e["hire_date"][5:7])
        months = month - (hire_m if hire_y == year else 1) + 1
        mode = MODES[e.get("basic_deduction_mode", "") or ""]
        basic = D(60000) if mode == "annual_60000" else 5000 * (month if mode == "first_income" else months)
        ee_si = ee["pension"] + ee["medical"] + ee["unemployment"]
        bonus_ended = first > "2027-12-31"  # separate taxation of the annual bonus ends (MOF/SAT Ann. 2023 No. 30)
        income = gross + (annual if bonus_ended else 0)
        # CONTRACT: with sd_* columns, an empty special_deduction is their sum.
        special = e.get("special_deduction") or sum((D(e.get(c) or 0) for c in SD_COLUMNS), D(0))
        taxable = max(D(0), income - basic - ee_si - hf - D(special or 0))
        rate, qd = band(ANNUAL, taxable)
        tax = max(D(0), r2(taxable * rate - qd))
        bonus_tax = D(0)
        if annual > 0 and not bonus_ended:
            rate, qd = band(BONUS, annual / 12)
            bonus_tax = r2(annual * rate - qd)
        net = gross + annual - ee_si - hf - tax - bonus_tax
        carried = D(0)
        if carry and net < 0:
            carried, net = -net, D(0)
        expect = {
            "final_score": final, "grade": grade, "coefficient": coef, "base": base, "position": pos, "allowance": allowance,
            "performance_bonus": bonus, "overtime": overtime, "absence_deduction": absence, "sick_deduction": sick,
            "proration": proration, "adjustments": adjustments, "gross": gross, "si_pension": ee["pension"],
            "si_medical": ee["medical"], "si_unemployment": ee["unemployment"], "hf": hf, "ytd_taxable": taxable, "tax": tax,
            "annual_bonus": annual, "bonus_tax": bonus_tax, "net_pay": net, "employer_si": er, "employer_hf": hf,
            "employer_cost": gross + er + hf,
        }
        if carry:
            expect["carried_recovery"] = D(0)  # a first period has nothing carried in
            expect["carried_balance"] = carried
        if tracked:
            expect["comp_time_balance"] = ("hours", comp_hours[eid] - 8 * a["comp_leave"])
        row = engine.get(eid)
        if row is None:
            print(f"{eid}: missing from the register")
            mismatches += 1
            continue
        for k, v in expect.items():
            if isinstance(v, tuple):  # hours: compared as numbers
                ok = k in row and D(row[k]) == v[1]
                want = str(v[1])
            else:
                want = v if isinstance(v, str) else f"{v.quantize(D('0.01'), ROUND_HALF_UP)}"
                ok = row.get(k) == want
            if not ok:
                mismatches += 1
                if mismatches <= 20:
                    print(f"{eid} {k}: engine {row.get(k)}, standard {want}")
            checked += 1
    print(f"{checked} cells checked, {mismatches} differ")
    return 1 if mismatches else 0

if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
