#!/usr/bin/env python3
"""Writes fixtures/demo (a believable small company, January 2026) and the
fixtures/invalid-* folders, each showing one kind of bad input, with the
diagnostics it must produce in expected.csv (code,file,line).

    python3 scripts/make_fixtures.py        # rewrites fixtures/ deterministically
"""
import csv
import datetime as dt
import io
import os
import random
import shutil
import sys

sys.path.insert(0, os.path.dirname(__file__))
from gen_data import id_number, working_days, money  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..", "fixtures")
PERIOD = (2026, 1)

EMP_HEADER_ZH = ["工号", "姓名", "身份证号", "部门", "部门类型", "岗位", "成本中心", "参保城市", "入职日期", "离职日期",
                 "合同到期日", "基本工资", "岗位工资", "津贴补贴", "绩效奖金基数", "社保缴费基数", "公积金缴费基数",
                 "公积金比例", "专项附加扣除", "开户行", "银行账号"]
EMP_COLS = ["employee_id", "name", "id_number", "department", "dept_type", "position", "cost_center", "city",
            "hire_date", "leave_date", "contract_end", "base_salary", "position_salary", "allowance", "bonus_base",
            "si_base", "hf_base", "hf_rate", "special_deduction", "bank_code", "bank_account"]
ATT_COLS = ["employee_id", "date", "status", "overtime_hours", "overtime_kind"]
SCORE_COLS = ["employee_id", "method", "item", "perspective", "rater_group", "rater_id", "weight", "target", "actual",
              "direction", "rating"]
ADJ_COLS = ["employee_id", "code", "amount", "note"]

DEPTS = [
    # name, type, cost center, city, headcount, position
    ("销售部", "frontline", "CC-SALES", "shanghai", 12, "销售代表"),
    ("客服部", "frontline", "CC-SVC", "beijing", 9, "客服专员"),
    ("财务部", "backoffice", "CC-FIN", "shanghai", 8, "会计"),
    ("人力资源部", "backoffice", "CC-HR", "beijing", 7, "人事专员"),
    ("行政部", "backoffice", "CC-ADM", "shenzhen", 8, "行政专员"),
]
NAMES = ("张伟 王芳 李娜 刘洋 陈静 杨磊 赵敏 黄勇 周杰 吴霞 徐涛 孙丽 马超 朱婷 胡军 郭燕 何平 高翔 林峰 罗佳 "
         "郑凯 梁雪 谢晨 宋雨 唐浩 许琳 韩梅 冯刚 邓娟 曹阳 彭博 曾敏 肖然 田甜 董明 袁野 潘悦 蒋欣 蔡文 余波 "
         "杜宇 叶青 程远 苏晴 魏东").split()


def to_csv(header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    return buf.getvalue()


def demo_company():
    """Returns (employees, attendance, scores, adjustments) as lists of dicts."""
    rng = random.Random(202601)
    y, m = PERIOD
    days = working_days(y, m)
    emps, att, scores, adj = [], [], [], []
    n = 0
    for dept, dtype, cc, city, count, pos in DEPTS:
        for k in range(count):
            n += 1
            eid = f"D{n:03d}"
            birth = dt.date(1975 + rng.randrange(25), 1 + rng.randrange(12), 1 + rng.randrange(28))
            region = {"shanghai": "310104", "beijing": "110105", "shenzhen": "440305"}[city]
            base = rng.choice([6000, 7000, 8000, 9000, 10000, 12000, 15000])
            position_salary = rng.choice([1000, 2000, 3000, 4000, 6000])
            e = dict(employee_id=eid, name=NAMES[n - 1], id_number=id_number(region, birth, rng.randrange(1000)),
                     department=dept, dept_type=dtype, position=("经理" if k == 0 else pos), cost_center=cc, city=city,
                     hire_date=str(dt.date(2016 + rng.randrange(9), 1 + rng.randrange(12), 1 + rng.randrange(28))),
                     leave_date="", contract_end=str(dt.date(2027 + rng.randrange(3), 6, 30)),
                     base_salary=money(base * 100), position_salary=money(position_salary * 100),
                     allowance=rng.choice(["", "300.00", "500.00", "800.00"]),
                     bonus_base=rng.choice(["2000.00", "3000.00", "5000.00"]),
                     si_base=money((base + position_salary) * 100), hf_base="",
                     hf_rate=("0.07" if city == "shanghai" else rng.choice(["0.05", "0.08", "0.12"])),
                     special_deduction=rng.choice(["", "", "1000.00", "2000.00", "3000.00", "4500.00"]),
                     bank_code=rng.choice(["ICBC", "CCB", "BOC", "CMB"]),
                     bank_account="622" + "".join(str(rng.randrange(10)) for _ in range(16)))
            emps.append(e)
    by_id = {e["employee_id"]: e for e in emps}
    # Planted cases, each named so a reader of the fixture can find them.
    by_id["D001"].update(base_salary="30000.00", position_salary="8000.00", si_base="45000.00",
                         special_deduction="2000.00")                     # above the Shanghai SI ceiling
    by_id["D013"].update(base_salary="4200.00", position_salary="500.00", si_base="4700.00",
                         allowance="", hf_base="3000.00")                 # below the Beijing SI floor
    by_id["D005"].update(hire_date="2026-01-14", contract_end="2029-01-13")  # mid-month hire
    by_id["D025"].update(leave_date="2026-01-20")                         # leaver
    by_id["D040"].update(bank_account="0" + by_id["D040"]["bank_account"][1:])  # leading zero kept as text
    by_id["D030"].update(name="欧阳, 小\"明\"")                              # comma and quotes in a name
    for e in emps:
        hire = dt.date.fromisoformat(e["hire_date"])
        leave = dt.date.fromisoformat(e["leave_date"]) if e["leave_date"] else None
        for d in days:
            if d < hire or (leave and d > leave):
                continue
            row = dict(employee_id=e["employee_id"], date=str(d), status="present", overtime_hours="", overtime_kind="")
            att.append(row)
    def set_status(eid, day, status):
        for r in att:
            if r["employee_id"] == eid and r["date"] == f"2026-01-{day:02d}":
                r["status"] = status
    def overtime(eid, day, hours, kind):
        for r in att:
            if r["employee_id"] == eid and r["date"] == f"2026-01-{day:02d}":
                r["overtime_hours"], r["overtime_kind"] = hours, kind
    for d in (12, 13, 14):
        set_status("D003", d, "sick_leave")                                # three sick days
    set_status("D008", 21, "personal_leave")
    set_status("D015", 22, "absent")
    set_status("D020", 6, "annual_leave")
    set_status("D022", 7, "business_trip")
    set_status("D027", 8, "comp_leave")
    set_status("D005", 16, "sick_leave")                                   # the new hire is ill one day
    overtime("D002", 5, "2", "workday")
    overtime("D002", 6, "1.5", "workday")
    overtime("D010", 9, "8", "holiday")     # worked on New Year's Day; recorded on the next row
    overtime("D016", 12, "3", "workday")
    # Rest-day overtime on a Saturday: its own row.
    att.append(dict(employee_id="D011", date="2026-01-10", status="present", overtime_hours="8", overtime_kind="restday"))
    att.sort(key=lambda r: (r["employee_id"], r["date"]))

    # Scores
    fr_ids = [e["employee_id"] for e in emps if e["dept_type"] == "frontline"]
    bo = [e for e in emps if e["dept_type"] == "backoffice"]
    for eid in fr_ids:
        sales_actual = rng.randrange(70, 135) * 1000
        scores.append(dict(employee_id=eid, method="kpi", item="销售额", weight="0.5", target="100000", actual=str(sales_actual), direction="higher"))
        scores.append(dict(employee_id=eid, method="kpi", item="回款率", weight="0.3", target="95", actual=str(rng.randrange(80, 100)), direction="higher"))
        scores.append(dict(employee_id=eid, method="kpi", item="客诉次数", weight="0.2", target="3", actual=str(rng.randrange(0, 6)), direction="lower"))
    for i, e in enumerate(bo):
        eid = e["employee_id"]
        scores.append(dict(employee_id=eid, method="mbo", item="年度目标一", weight="0.6", rating=str(rng.randrange(65, 101))))
        scores.append(dict(employee_id=eid, method="mbo", item="年度目标二", weight="0.4", rating=str(rng.randrange(65, 101))))
        mgr = [x for x in bo if x["department"] == e["department"]][0]["employee_id"]
        peers = [x["employee_id"] for x in bo if x["department"] == e["department"] and x["employee_id"] != eid]
        npeers = 2 if eid == "D024" else 3                                 # D024: only 2 peers (group dropped)
        for q in ("Q1", "Q2"):
            scores.append(dict(employee_id=eid, method="360", item=q, rater_group="manager", rater_id=mgr if mgr != eid else "D000", rating=str(rng.randrange(70, 101))))
            for p in peers[:npeers]:
                scores.append(dict(employee_id=eid, method="360", item=q, rater_group="peer", rater_id=p, rating=str(rng.randrange(60, 101))))
            scores.append(dict(employee_id=eid, method="360", item=q, rater_group="self", rater_id=eid, rating=str(rng.randrange(80, 101))))
        if eid != "D041":                                                   # D041: no BSC rows (warning, re-scaled)
            scores.append(dict(employee_id=eid, method="bsc", item="预算执行率", perspective="financial", weight="0.3", target="100", actual=str(rng.randrange(85, 115)), direction="higher"))
            scores.append(dict(employee_id=eid, method="bsc", item="内部满意度", perspective="customer", weight="0.3", target="90", actual=str(rng.randrange(75, 100)), direction="higher"))
            scores.append(dict(employee_id=eid, method="bsc", item="报销周期天数", perspective="process", weight="0.2", target="5", actual=str(rng.randrange(3, 8)), direction="lower"))
            scores.append(dict(employee_id=eid, method="bsc", item="培训学时", perspective="learning", weight="0.2", target="16", actual=str(rng.randrange(8, 24)), direction="higher"))
    adj += [
        dict(employee_id="D001", code="annual_bonus", amount="36000.00", note="2025 年终奖"),
        dict(employee_id="D029", code="annual_bonus", amount="36001.00", note="2025 年终奖（跨档）"),
        dict(employee_id="D004", code="special_bonus", amount="1500.00", note="季度销售冠军"),
        dict(employee_id="D031", code="other_deduction", amount="-200.00", note="工牌补办, \"遗失\""),
        dict(employee_id="D018", code="back_pay", amount="650.50", note="12 月加班补发"),
    ]
    return emps, att, scores, adj


def demo_month(year, month):
    """The demo company in a later month: the leaver is gone, someone joins in March,
    one employee takes a long unpaid leave in February (a month whose cumulative
    tax falls below what was already withheld)."""
    emps, _, _, _ = demo_company()
    rng = random.Random(year * 100 + month)
    first = dt.date(year, month, 1)
    emps = [dict(e) for e in emps if not e["leave_date"] or dt.date.fromisoformat(e["leave_date"]) >= first]
    if month >= 3:
        emps.append(dict(emps[-1], employee_id="D045", name="沈悦", hire_date="2026-03-09", contract_end="2029-03-08",
                         id_number=__import__("gen_data").id_number("440305", dt.date(1999, 5, 20), 123),
                         bank_account="6222" + "".join(str(rng.randrange(10)) for _ in range(15))))
    days = working_days(year, month)
    att = []
    for e in emps:
        hire = dt.date.fromisoformat(e["hire_date"])
        for d in days:
            if d < hire:
                continue
            att.append(dict(employee_id=e["employee_id"], date=str(d), status="present"))
    def status(eid, n, st):
        rows = [r for r in att if r["employee_id"] == eid][:n]
        for r in rows:
            r["status"] = st
    if month == 2:
        status("D031", 12, "personal_leave")
        status("D010", 2, "sick_leave")
    else:
        status("D012", 1, "absent")
    for r in att:
        if r["employee_id"] in ("D002", "D016") and r["date"].endswith("-10"):
            r["overtime_hours"], r["overtime_kind"] = "2.5", "workday"
    _, _, scores, _ = demo_company()
    ids = {e["employee_id"] for e in emps}
    scores = [dict(r) for r in scores if r["employee_id"] in ids]
    for r in scores:   # this month's results differ a little
        if r.get("actual") and r["method"] == "kpi" and r.get("direction") == "higher":
            r["actual"] = str(int(int(r["actual"]) * (0.9 + rng.random() * 0.25)))
    if month >= 3:
        scores += [dict(employee_id="D045", method="mbo", item="试用期目标", weight="1", rating="85")]
        scores += [dict(employee_id="D045", method="360", item="Q1", rater_group="manager", rater_id="D037", rating="88")]
    adj = [dict(employee_id="D018", code="back_pay", amount="120.00", note=f"{month - 1} 月餐补补发")]
    if month == 3:
        adj.append(dict(employee_id="D006", code="annual_bonus", amount="60000.00", note="2025 年终奖"))
    return emps, att, scores, adj


def coaching_rows(emps, rng):
    """Coaching check-ins: most employees had one in the last quarter, some long ago, some never."""
    rows = []
    for i, e in enumerate(emps):
        if i % 5 == 4:
            continue                                   # never coached
        d = dt.date(2025, 6, 10) if i % 7 == 3 else dt.date(2025, 11 + (i % 2), 3 + i % 20)
        rows.append(dict(employee_id=e["employee_id"], date=str(d), coach="M-" + e["department"], topic=rng.choice(["目标回顾", "能力发展", "绩效改进"])))
    return rows


def write_extra(folder, name, header, rows):
    with open(os.path.join(folder, name), "w", encoding="utf-8", newline="") as f:
        f.write(to_csv(header, [[r.get(c, "") for c in header] for r in rows]))


def write_set(folder, emps, att, scores, adj, emp_encoding="gb18030", emp_zh=True):
    os.makedirs(folder, exist_ok=True)
    header = EMP_HEADER_ZH if emp_zh else EMP_COLS
    text = to_csv(header, [[e.get(c, "") for c in EMP_COLS] for e in emps])
    with open(os.path.join(folder, "employees.csv"), "wb") as f:
        f.write(text.encode(emp_encoding))
    with open(os.path.join(folder, "attendance.csv"), "wb") as f:
        f.write(b"\xef\xbb\xbf" + to_csv(ATT_COLS, [[r.get(c, "") for c in ATT_COLS] for r in att]).encode("utf-8"))
    with open(os.path.join(folder, "scores.csv"), "wb") as f:
        f.write(to_csv(SCORE_COLS, [[r.get(c, "") for c in SCORE_COLS] for r in scores]).replace("\r\n", "\n").encode("utf-8"))
    if adj is not None:
        with open(os.path.join(folder, "adjustments.csv"), "wb") as f:
            f.write(to_csv(ADJ_COLS, [[r.get(c, "") for c in ADJ_COLS] for r in adj]).encode("utf-8"))


def small_company():
    """Six clean employees, the base of every invalid-* set."""
    emps, att, scores, adj = demo_company()
    keep = {"D002", "D003", "D004", "D022", "D023", "D026"}
    emps = [e for e in emps if e["employee_id"] in keep]
    att = [r for r in att if r["employee_id"] in keep]
    scores = [r for r in scores if r["employee_id"] in keep]
    for r in scores:   # raters outside the small company are fine: rater IDs are not employees
        pass
    adj = [dict(employee_id="D004", code="special_bonus", amount="1500.00", note="季度销售冠军")]
    return emps, att, scores, adj


def line_of(rows, pred, header_lines=1):
    for i, r in enumerate(rows):
        if pred(r):
            return i + 1 + header_lines
    raise KeyError


def invalid_sets():
    sets = {}

    def base():
        e, a, s, j = small_company()
        return [dict(x) for x in e], [dict(x) for x in a], [dict(x) for x in s], [dict(x) for x in j]

    # 1. header problems
    e, a, s, j = base()
    sets["invalid-header"] = dict(data=(e, a, s, j), mutate_emp_header=True,
                                  expected=[("F004", "employees.csv", 1), ("F006", "employees.csv", 1), ("F005", "attendance.csv", 1)])
    # 2. money, dates and enumerations in rows
    e, a, s, j = base()
    e[0]["base_salary"] = "¥8000"
    e[1]["position_salary"] = "1,234.567"
    e[2]["allowance"] = "1.2e4"
    e[3]["hire_date"] = "2020-13-01"
    e[4]["dept_type"] = "前台"
    a[5]["status"] = "late"
    sets["invalid-row-values"] = dict(data=(e, a, s, j), expected=[
        ("R003", "employees.csv", 2), ("R003", "employees.csv", 3), ("R003", "employees.csv", 4),
        ("R004", "employees.csv", 5), ("R006", "employees.csv", 6), ("R006", "attendance.csv", 7)])
    # 3. ID number check digit and bank account turned into a number by Excel
    e, a, s, j = base()
    idn = e[1]["id_number"]
    e[1]["id_number"] = idn[:17] + ("0" if idn[17] != "0" else "1")
    e[2]["bank_account"] = "6.22848E+18"
    sets["invalid-identity"] = dict(data=(e, a, s, j), expected=[("R008", "employees.csv", 3), ("R015", "employees.csv", 4)])
    # 4. across files: unknown employee, duplicate employee-date, dates outside the period
    e, a, s, j = base()
    a.append(dict(employee_id="X999", date="2026-01-05", status="present"))
    dup = dict(a[3])
    a.insert(4, dup)
    a.append(dict(employee_id="D002", date="2026-02-02", status="present"))
    s.append(dict(employee_id="X998", method="kpi", item="销售额", weight="1", target="1", actual="1"))
    sets["invalid-references"] = dict(data=(e, a, s, j), expected=[
        ("X002", "attendance.csv", 6), ("X001", "attendance.csv", len(a) ), ("R009", "attendance.csv", len(a) + 1),
        ("X001", "scores.csv", len(s) + 1)])
    # 5. performance inputs: weights not summing to 1, target 0
    e, a, s, j = base()
    first_kpi = line_of(s, lambda r: r["employee_id"] == "D003" and r["method"] == "kpi")
    for r in s:
        if r["employee_id"] == "D003" and r["item"] == "客诉次数":
            r["weight"] = "0.1"
        if r["employee_id"] == "D004" and r["item"] == "回款率":
            r["target"] = "0"
    target_line = line_of(s, lambda r: r["employee_id"] == "D004" and r["item"] == "回款率")
    sets["invalid-scores"] = dict(data=(e, a, s, j), expected=[("X003", "scores.csv", first_kpi), ("R014", "scores.csv", target_line)])
    # 6. business rules
    e, a, s, j = base()
    e[0]["hire_date"] = "2026-02-03"                       # hired after the period
    e[1]["leave_date"] = "2025-06-30"; e[1]["hire_date"] = "2025-07-01"   # leave before hire
    e[2]["base_salary"] = "-100.00"                        # negative salary
    e[3]["contract_end"] = "2025-12-31"                    # contract ended: warning
    gone = e[4]["employee_id"]
    a = [r for r in a if r["employee_id"] != gone]          # no attendance: warning
    a = [r for r in a if r["employee_id"] != e[0]["employee_id"]]
    sets["invalid-business"] = dict(data=(e, a, s, j), expected=[
        ("B001", "employees.csv", 2), ("B002", "employees.csv", 3), ("B003", "employees.csv", 4),
        ("B004", "employees.csv", 5), ("B005", "employees.csv", 6)])
    # 7. overtime rules and housing-fund rate
    e, a, s, j = base()
    a[2]["overtime_hours"] = "3"; a[2]["overtime_kind"] = ""
    a[3]["overtime_hours"] = "25"; a[3]["overtime_kind"] = "workday"
    shanghai = next(i for i, x in enumerate(e) if x["city"] == "shanghai")
    e[shanghai]["hf_rate"] = "0.12"
    e[0 if shanghai != 0 else 1]["city"] = "hangzhou"
    sets["invalid-attendance-rules"] = dict(data=(e, a, s, j), expected=[
        ("R013", "attendance.csv", 4), ("R007", "attendance.csv", 5), ("R012", "employees.csv", shanghai + 2),
        ("R011", "employees.csv", (0 if shanghai != 0 else 1) + 2)])
    # 8. unterminated quote in adjustments.csv, header-only scores.csv
    e, a, s, j = base()
    sets["invalid-structure"] = dict(data=(e, a, [], j), raw_adjustments='employee_id,code,amount,note\r\nD004,special_bonus,1500.00,"季度销售冠军\r\n',
                                     expected=[("F008", "adjustments.csv", 2), ("F010", "scores.csv", 1),
                                               ("X005", "employees.csv", 2), ("X005", "employees.csv", 3), ("X005", "employees.csv", 4),
                                               ("X005", "employees.csv", 5), ("X005", "employees.csv", 6), ("X005", "employees.csv", 7)])
    # 9. binary garbage in employees.csv and an empty attendance.csv
    e, a, s, j = base()
    sets["invalid-encoding"] = dict(data=(e, a, s, j), garbage=True,
                                    expected=[("F002", "employees.csv", 3), ("F003", "attendance.csv", None)])
    # 10. a duplicate employee and a row with the wrong number of fields
    e, a, s, j = base()
    e.append(dict(e[1]))
    sets["invalid-duplicates"] = dict(data=(e, a, s, j), short_row=True, expected=[
        ("R010", "employees.csv", 8), ("R001", "attendance.csv", 2)])
    return sets


def main():
    if os.path.isdir(ROOT):
        for name in os.listdir(ROOT):
            if name.startswith("demo") or name.startswith("invalid-"):
                shutil.rmtree(os.path.join(ROOT, name))
    emps, att, scores, adj = demo_company()
    write_set(os.path.join(ROOT, "demo"), emps, att, scores, adj)
    write_extra(os.path.join(ROOT, "demo"), "coaching.csv", ["employee_id", "date", "coach", "topic"],
                coaching_rows(emps, random.Random(7)))
    # The review variant: the same month with calibration overrides and special-achievement points.
    review = os.path.join(ROOT, "demo-review")
    write_set(review, emps, att, scores, adj)
    write_extra(review, "calibration.csv", ["employee_id", "grade", "reason", "approver"], [
        dict(employee_id="D003", grade="A", reason="客户投诉事件，校准会决定下调", approver="HRD-王"),
        dict(employee_id="D030", grade="A", reason="承担跨部门预算项目，上调一级", approver="CFO-李"),
    ])
    write_extra(review, "points.csv", ["employee_id", "points", "reason"], [
        dict(employee_id="D026", points="12", reason="报销周期由 15 天缩短至 7 天"),
        dict(employee_id="D027", points="8.5", reason="年度预算节约 4%"),
    ])
    for month in (2, 3):
        e, a, sc, j = demo_month(2026, month)
        write_set(os.path.join(ROOT, f"demo-2026-{month:02d}"), e, a, sc, j)
    for name, spec in invalid_sets().items():
        folder = os.path.join(ROOT, name)
        e, a, s, j = spec["data"]
        write_set(folder, e, a, s, j, emp_encoding="utf-8", emp_zh=False)
        if spec.get("mutate_emp_header"):
            p = os.path.join(folder, "employees.csv")
            t = open(p, encoding="utf-8", newline="").read().replace(",bank_account\r\n", ",bank_acct\r\n", 1)
            open(p, "w", encoding="utf-8", newline="").write(t)
            p = os.path.join(folder, "attendance.csv")
            t = open(p, encoding="utf-8-sig", newline="").read().replace("overtime_kind\r\n", "overtime_kind,日期\r\n", 1)
            t = t.replace("\r\n", ",\r\n").replace("overtime_kind,日期,\r\n", "overtime_kind,日期\r\n", 1)
            open(p, "w", encoding="utf-8", newline="").write(t)
        if "raw_adjustments" in spec:
            open(os.path.join(folder, "adjustments.csv"), "w", encoding="utf-8", newline="").write(spec["raw_adjustments"])
        if spec.get("garbage"):
            p = os.path.join(folder, "employees.csv")
            data = open(p, "rb").read().split(b"\r\n")
            data[2] = data[2][:20] + b"\xff\xfe\x00\x81\x00garbage" + data[2][20:]
            open(p, "wb").write(b"\r\n".join(data))
            open(os.path.join(folder, "attendance.csv"), "wb").write(b"")
        if spec.get("short_row"):
            p = os.path.join(folder, "attendance.csv")
            lines = open(p, "rb").read().split(b"\r\n")
            lines[1] = lines[1].rsplit(b",", 2)[0]
            open(p, "wb").write(b"\r\n".join(lines))
        with open(os.path.join(folder, "expected.csv"), "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["code", "file", "line"])
            for code, file, line in spec["expected"]:
                w.writerow([code, file, "" if line is None else line])


if __name__ == "__main__":
    main()
