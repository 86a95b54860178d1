#!/usr/bin/env python3
"""Deterministic generator of CONTRACT input files (../shared/CONTRACT.md).

    python3 scripts/gen_data.py --employees 100000 --period 2026-06 --out bench/100k

Writes employees.csv, attendance.csv (one row per employee per working day),
scores.csv (about six rows per employee) and adjustments.csv. The same
arguments always give byte-identical files (seeded PRNG, no clock).
"""
import argparse
import calendar
import datetime as dt
import os
import random

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉宇浩然子轩欣怡梓涵一诺思远佳琪俊杰晨曦雨桐"
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"
REGION = {"shanghai": "310101", "beijing": "110101", "shenzhen": "440304"}
BANKS = ["ICBC", "CCB", "BOC", "ABC", "CMB"]

# Statutory holidays that fall on weekdays (no attendance rows): 2025-2026.
HOLIDAYS = {
    dt.date(2026, 1, 1),
    dt.date(2026, 2, 16), dt.date(2026, 2, 17), dt.date(2026, 2, 18), dt.date(2026, 2, 19), dt.date(2026, 2, 20),
    dt.date(2025, 10, 1), dt.date(2025, 10, 2), dt.date(2025, 10, 3), dt.date(2025, 10, 6), dt.date(2025, 10, 7),
}


def id_number(region, birth, seq):
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + CHECK[sum(int(c) * w for c, w in zip(body, WEIGHTS)) % 11]


def working_days(year, month):
    n = calendar.monthrange(year, month)[1]
    return [dt.date(year, month, d) for d in range(1, n + 1)
            if dt.date(year, month, d).weekday() < 5 and dt.date(year, month, d) not in HOLIDAYS]


def q(s):
    """RFC 4180 quoting where needed."""
    if any(c in s for c in ',"\n\r'):
        return '"' + s.replace('"', '""') + '"'
    return s


def money(fen):
    return f"{fen // 100}.{fen % 100:02d}" if fen >= 0 else "-" + money(-fen)


DEPTS = [  # name, type, cost center, share
    ("销售一部", "frontline", "CC-S1"), ("销售二部", "frontline", "CC-S2"), ("客服中心", "frontline", "CC-CS"),
    ("财务部", "backoffice", "CC-FIN"), ("人力资源部", "backoffice", "CC-HR"), ("行政部", "backoffice", "CC-ADM"),
]


def generate(n, year, month, out, seed=20260101, variety=False, beyond=False, negative=0):
    rng = random.Random(seed)
    # STANDARD.md "Beyond the default" draws from its own generator, so the other files stay as they were.
    more = random.Random(seed + 1)
    os.makedirs(out, exist_ok=True)
    days = working_days(year, month)
    first = dt.date(year, month, 1)
    emps = []
    with open(os.path.join(out, "employees.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("employee_id,name,id_number,department,dept_type,position,cost_center,city,hire_date,leave_date,"
                "contract_end,base_salary,position_salary,allowance,bonus_base,si_base,hf_base,hf_rate,"
                "special_deduction,bank_code,bank_account" + (",basic_deduction_mode,service_start" if beyond else "") + "\n")
        for i in range(n):
            eid = f"E{i + 1:07d}"
            dept, dtype, cc = DEPTS[i % len(DEPTS)]
            city = ("shanghai", "beijing", "shenzhen")[rng.randrange(3)]
            birth = dt.date(1970 + rng.randrange(35), 1 + rng.randrange(12), 1 + rng.randrange(28))
            idn = id_number(REGION[city], birth, rng.randrange(1000))
            hire = dt.date(2015 + rng.randrange(10), 1 + rng.randrange(12), 1 + rng.randrange(28))
            leave = ""
            hf_base = ""
            if variety:
                r = rng.random()
                if r < 0.04:                                    # hired inside the period
                    hire = dt.date(year, month, 2 + rng.randrange(20))
                elif r < 0.08:                                  # hired earlier this year
                    hire = dt.date(year, 1 + rng.randrange(month), 1 + rng.randrange(28))
                    if hire > dt.date(year, month, 1):
                        hire = dt.date(year, month, 1)
                elif r < 0.11:                                  # leaves inside the period
                    leave = str(dt.date(year, month, 5 + rng.randrange(20)))
                if rng.random() < 0.1:
                    hf_base = money(rng.randrange(200, 5000) * 1000)
            base = rng.randrange(60, 250) * 10000
            pos = rng.randrange(10, 120) * 10000
            allowance = rng.choice([0, 30000, 50000, 80000])
            bonus = rng.randrange(5, 40) * 10000
            si = base + pos
            hf_rate = "0.07" if city == "shanghai" else rng.choice(["0.05", "0.08", "0.12"])
            special = rng.choice([0, 0, 100000, 200000, 300000, 350000])
            account = "622" + "".join(str(rng.randrange(10)) for _ in range(16))
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
            if variety and rng.random() < 0.2:
                si = rng.choice([200000, 500000, 5000000, si])       # below floors, above ceilings
            f.write(f"{eid},{name},{idn},{dept},{dtype},{'专员'},{cc},{city},{hire},{leave},,"
                    f"{money(base)},{money(pos)},{money(allowance) if allowance else ''},{money(bonus)},{money(si)},{hf_base},"
                    f"{hf_rate},{money(special) if special else ''},{rng.choice(BANKS)},{account}")
            if beyond:
                mode = more.choice(["", "", "", "employment", "first_income", "annual_60000", "全年6万", "首次取得工资"])
                service = str(hire - dt.timedelta(days=more.randrange(0, 4000))) if more.random() < 0.3 else ""
                f.write(f",{mode},{service}")
            f.write("\n")
            emps.append((eid, dtype, hire, leave))
    statuses = ["present"] * 40 + ["annual_leave", "sick_leave", "personal_leave", "business_trip", "comp_leave", "absent"]
    with open(os.path.join(out, "attendance.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("employee_id,date,status,overtime_hours,overtime_kind" + (",overtime_compensation" if beyond else "") + "\n")
        for eid, _, hire, leave in emps:
            r = rng.random()
            for d in days:
                if variety and (d < hire or (leave and str(d) > leave)):
                    continue
                st = statuses[int(rng.random() * len(statuses))] if r < 0.3 else "present"
                if st == "present" and rng.random() < 0.05:
                    kind = rng.choice(["workday", "restday", "holiday"]) if variety else "workday"
                    hours = rng.choice(["2", "1.5", "8", "3.25"]) if variety else "2"
                    comp = ""
                    if beyond and kind == "restday" and more.random() < 0.5:
                        comp = more.choice(["comp_time", "调休"])
                    elif beyond and more.random() < 0.2:
                        comp = more.choice(["pay", "加班费"])
                    f.write(f"{eid},{d},present,{hours},{kind}" + (f",{comp}" if beyond else "") + "\n")
                else:
                    f.write(f"{eid},{d},{st},," + ("," if beyond else "") + "\n")
    with open(os.path.join(out, "scores.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("employee_id,method,item,perspective,rater_group,rater_id,weight,target,actual,direction,rating\n")
        for k, (eid, dtype, _, _) in enumerate(emps):
            if dtype == "frontline":
                for item, w, tgt, lower in (("sales", "0.4", 100000, False), ("margin", "0.3", 30, False),
                                            ("collection", "0.1", 95, False), ("complaints", "0.2", 5, True)):
                    actual = max(0, int(tgt * (0.6 + rng.random() * 0.7)))
                    f.write(f"{eid},kpi,{item},,,,{w},{tgt},{actual},{'lower' if lower else 'higher'},\n")
            else:
                f.write(f"{eid},mbo,O1,,,,0.6,,,,{60 + rng.randrange(41)}\n")
                f.write(f"{eid},mbo,O2,,,,0.4,,,,{60 + rng.randrange(41)}\n")
                f.write(f"{eid},360,Q1,,manager,M{k % 97:04d},,,,,{60 + rng.randrange(41)}\n")
                for p in range(3):
                    f.write(f"{eid},360,Q1,,peer,P{(k + p) % 89:04d},,,,,{60 + rng.randrange(41)}\n")
                f.write(f"{eid},360,Q1,,self,{eid},,,,,{70 + rng.randrange(31)}\n")
                f.write(f"{eid},bsc,cost,financial,,,0.5,100,{80 + rng.randrange(40)},higher,\n")
                f.write(f"{eid},bsc,sla,process,,,0.5,100,{80 + rng.randrange(40)},higher,\n")
    with open(os.path.join(out, "adjustments.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("employee_id,code,amount,note\n")
        for eid, _, _, _ in emps[:: 50]:
            f.write(f"{eid},special_bonus,500.00,项目奖励\n")
        if variety:
            for eid, _, _, _ in emps[7:: 37]:
                f.write(f"{eid},other_deduction,-{rng.randrange(1, 500)}.{rng.randrange(100):02d},扣款\n")
            for eid, _, _, _ in emps[3:: 41]:
                f.write(f"{eid},annual_bonus,{rng.choice(['36000.00', '36001.00', '144000.00', '12000.50', '500000.00'])},年终奖\n")
            for eid, _, _, _ in emps[5:: 43]:
                f.write(f"{eid},back_pay,{rng.randrange(1, 3000)}.{rng.randrange(100):02d},补发\n")
        for eid, _, _, _ in emps[11:: max(1, len(emps) // negative)] if negative else []:
            f.write(f"{eid},other_deduction,-{more.randrange(50000, 90000)}.00,借款扣回\n")   # beyond any gross here


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--employees", type=int, required=True)
    ap.add_argument("--period", default="2026-06")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=20260101)
    ap.add_argument("--variety", action="store_true",
                    help="hires and leavers inside the period, bases outside the city bands, all overtime kinds, "
                         "deductions, back pay and annual bonuses (for scripts/check_standard.py)")
    ap.add_argument("--beyond", action="store_true",
                    help="STANDARD.md's 'Beyond the default' inputs: basic_deduction_mode (annual_60000 too), service_start, "
                         "overtime_compensation (comp time on rest days)")
    ap.add_argument("--negative", type=int, default=0,
                    help="this many employees with a deduction beyond their gross (negative net: needs negative_net: carry_forward)")
    a = ap.parse_args()
    y, m = map(int, a.period.split("-"))
    generate(a.employees, y, m, a.out, a.seed, a.variety, a.beyond, a.negative)
