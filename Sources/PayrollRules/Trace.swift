import PayrollCore

/// How one employee's pay was computed, step by step: each pay line with
/// its formula, the values that went in, the parameters with their effective
/// dates and sources, and the rounding applied; social insurance per line;
/// tax with its year-to-date steps.
public struct PayTrace: Sendable {
    /// A parameter a formula used, with its date and source.
    public struct Parameter: Sendable {
        /// Its name.
        public var name: String
        /// Its value.
        public var value: String
        /// The first day it is in force.
        public var from: String
        /// Where it comes from.
        public var source: String
        /// What the run worked out from it for this employee (e.g. the years of service), when anything.
        public var note: Bilingual? = nil
    }
    /// One salary line, explained.
    public struct Line: Sendable {
        /// Its code.
        public var code: String
        /// Its label.
        public var label: Bilingual
        /// True when it is part of gross.
        public var inGross: Bool
        /// The formula.
        public var formula: String
        /// The inputs the formula read, with their values.
        public var inputs: [(String, String)]
        /// The parameters it used.
        public var parameters: [Parameter]
        /// The exact value before rounding.
        public var exact: String
        /// How it was rounded.
        public var rounding: Bilingual
        /// The amount.
        public var amount: Money
    }
    /// One insurance line, explained.
    public struct Insurance: Sendable {
        /// The line.
        public var line: String
        /// The base the employee declared.
        public var declaredBase: Money
        /// The city's lowest base.
        public var floor: Money
        /// The city's highest base.
        public var ceiling: Money
        /// The base used.
        public var base: Money
        /// The employee's rate.
        public var employeeRate: String
        /// A fixed employee amount (e.g. Beijing's +3).
        public var employeeFixed: Money
        /// The employer's rate.
        public var employerRate: String
        /// How the amounts were rounded.
        public var rounding: String
        /// The employee's contribution.
        public var employee: Money
        /// The employer's contribution.
        public var employer: Money
        /// Where the parameters come from.
        public var source: Bilingual
    }
    /// The salary lines.
    public var lines: [Line]
    /// Gross pay.
    public var gross: Money
    /// The insurance lines.
    public var insurance: [Insurance]
    /// The withholding's steps: what each is, in both languages, and its figures.
    public var tax: [(Bilingual, Bilingual)]
    /// The annual bonus's steps.
    public var bonus: [(Bilingual, Bilingual)]
    /// Net pay's steps.
    public var net: [(Bilingual, Bilingual)]
    /// The result the trace explains.
    public var result: PayResult
}

extension PeriodRules {
    /// Names of the formula inputs by slot.
    func slotNames() -> [Int: String] {
        var names: [Int: String] = [:]
        for s in InputSlot.allCases { names[s.rawValue] = s.name }
        var next = InputSlot.allCases.count
        for name in pack.parameters.keys.sorted() {
            names[next] = name
            next += 1
        }
        for a in pack.adjustments {
            names[next] = "adjustment.\(a.code)"
            next += 1
        }
        for c in components { names[c.slot] = c.spec.code }
        return names
    }

    /// Computes one employee's pay and records every step of it.
    public func trace(_ input: PayInput) throws -> PayTrace {
        let r = try compute(input)
        let e = input.employee
        // The evaluation context exactly as compute() builds it; then each formula is replayed.
        var (v, _, _) = try inputValues(input, prorated: r.prorated)
        let names = slotNames()
        var lines: [PayTrace.Line] = []
        for (k, c) in components.enumerated() {
            let exact = try program.number(k, values: &v, tables: tables)
            v[c.slot] = Exact(r.lines[k])
            var slots = Set<Int>()
            var tbls = Set<Int>()
            PeriodRules.collect(c.expr, &slots, &tbls)
            let paramNames = Set(c.parameters)
            let inputs = slots.sorted().compactMap { s -> (String, String)? in
                guard let n = names[s], !paramNames.contains(n) else { return nil }
                return (n, n == "prorated" ? (v[s].isZero ? "false" : "true") : v[s].text())
            }
            var params = c.parameters.compactMap { name -> PayTrace.Parameter? in
                guard let d = parameterValues[name] else { return nil }
                return PayTrace.Parameter(name: name, value: d.value.text(), from: d.from.description, source: d.source)
            }
            // The per-city inputs of statutory sick pay are dated data too: say where they come from.
            if slots.contains(InputSlot.minimumWage.rawValue), let w = minimumWages[e.city] {
                params.append(
                    PayTrace.Parameter(name: "city.minimum_wage (\(e.city))", value: w.value.text(), from: w.from.description, source: w.source))
            }
            if slots.contains(InputSlot.sickServiceRatio.rawValue) {
                let start = e.serviceStart ?? e.hireDate
                let years = PeriodRules.fullYears(from: start, to: period.firstDay)
                let ratios = pack.sickServiceRatios[e.city]
                params.append(
                    PayTrace.Parameter(
                        name: "sick.service_ratio", value: v[InputSlot.sickServiceRatio.rawValue].text(), from: start.description,
                        source: ratios?.source ?? "sick_pay_ratio",
                        note: ratios == nil
                            ? Bilingual("\(pack.cityName(e.city, .zh))未规定工龄系数：用 sick_pay_ratio", "\(e.city) sets no service ratios: sick_pay_ratio")
                            : Bilingual("自 \(start) 起连续工龄满 \(years) 年", "\(years) full years of service from \(start)")))
            }
            lines.append(
                PayTrace.Line(
                    code: c.spec.code, label: Bilingual(c.spec.labelZH, c.spec.labelEN), inGross: c.spec.inGross,
                    formula: c.spec.formula, inputs: inputs, parameters: params, exact: exact.text(maxPlaces: 10),
                    rounding: Bilingual("四舍五入到分", "half-up to the fen"), amount: r.lines[k]))
        }
        guard let city = cities[e.city] else { throw EvaluationError(message: "no city parameters for \(e.city) on \(period.firstDay)") }
        var ins: [PayTrace.Insurance] = []
        for line in InsuranceLine.allCases {
            guard let p = city.lines[line] else { continue }
            let amt = r.line(line)
            ins.append(
                PayTrace.Insurance(
                    line: line.rawValue, declaredBase: e.siBase, floor: p.floor, ceiling: p.ceiling, base: amt.base,
                    employeeRate: p.employeeRate.description, employeeFixed: p.employeeFixed,
                    employerRate: p.employerRate.description, rounding: p.rounding.rawValue,
                    employee: amt.employee, employer: amt.employer,
                    source: Bilingual(
                        "\(pack.cityName(e.city, .zh))自 \(city.from) 起：\(city.source)",
                        "\(pack.cityName(e.city, .en)) from \(city.from): \(city.source)")))
        }
        let hf = city.housingFund
        ins.append(
            PayTrace.Insurance(
                line: "housing_fund", declaredBase: e.hfBase ?? e.siBase, floor: hf.floor, ceiling: hf.ceiling,
                base: r.housingFund.base, employeeRate: e.hfRate.description, employeeFixed: .zero,
                employerRate: e.hfRate.description, rounding: hf.rounding.rawValue,
                employee: r.housingFund.employee, employer: r.housingFund.employer,
                source: Bilingual(
                    "\(pack.cityName(e.city, .zh))自 \(city.from) 起：\(city.source)", "\(pack.cityName(e.city, .en)) from \(city.from): \(city.source)")
            ))
        let prev = input.previous.flatMap { $0.year == period.year ? $0 : nil } ?? YearToDate(year: period.year)
        let bracket = withholding.value.row(for: Exact(r.ytd.taxable))
        func same(_ s: String) -> Bilingual { Bilingual(same: s) }
        let mode = Bilingual(
            ["employment": "任职受雇", "first_income": "首次取得工资", "annual_60000": "全年6万"][input.mode.rawValue] ?? input.mode.rawValue,
            input.mode.rawValue)
        let tax: [(Bilingual, Bilingual)] = [
            (Bilingual("本月之前的累计收入", "income before this month"), same(prev.income.description)),
            (Bilingual("本月应发", "gross this month"), same(r.gross.description)),
            (Bilingual("累计收入 ytd_income", "ytd_income"), same(r.ytd.income.description)),
            (Bilingual("累计减除费用月数", "months of basic deduction"), Bilingual("\(r.ytd.months)（\(mode.zh)）", "\(r.ytd.months) (\(mode.en))")),
            (
                Bilingual("累计减除费用", "basic deduction"),
                Bilingual(
                    "\(basicDeduction.value.text()) × \(r.ytd.months) = \(r.basicDeduction)  [来源：\(basicDeduction.source)，自 \(basicDeduction.from) 起]",
                    "\(basicDeduction.value.text()) × \(r.ytd.months) = \(r.basicDeduction)  [\(basicDeduction.source), from \(basicDeduction.from)]")
            ),
            (
                Bilingual("累计专项扣除（社保＋公积金）ytd_special", "ytd_special (SI + HF)"),
                same("\(prev.special) + \(r.employeeSI) + \(r.housingFund.employee) = \(r.ytd.special)")
            ),
            (
                Bilingual("累计专项附加扣除 ytd_additional", "ytd_additional"),
                same("\(prev.additional) + \(e.specialDeduction ?? .zero) = \(r.ytd.additional)")
            ),
            (
                Bilingual("累计应纳税所得额 ytd_taxable", "ytd_taxable"),
                same("max(0, \(r.ytd.income) − \(r.ytd.taxFree) − \(r.basicDeduction) − \(r.ytd.special) − \(r.ytd.additional)) = \(r.ytd.taxable)")
            ),
            (
                Bilingual("税率级距", "bracket"),
                Bilingual(
                    "税率 \(bracket.rate.text())，速算扣除数 \(bracket.quickDeduction.text())  [来源：\(withholding.source)]",
                    "rate \(bracket.rate.text()), quick deduction \(bracket.quickDeduction.text())  [\(withholding.source)]")
            ),
            (
                Bilingual("累计应纳税额 ytd_tax", "ytd_tax"),
                Bilingual(
                    "round(\(r.ytd.taxable) × \(bracket.rate.text()) − \(bracket.quickDeduction.text())) = \(r.ytd.tax)（四舍五入到分）",
                    "round(\(r.ytd.taxable) × \(bracket.rate.text()) − \(bracket.quickDeduction.text())) = \(r.ytd.tax)  (\(pack.tax.rounding.rawValue))"
                )
            ),
            (Bilingual("本月之前累计已预扣", "withheld before this month"), same(prev.withheld.description)),
            (Bilingual("本月预扣个税", "tax this month"), same("max(0, \(r.ytd.tax) − \(prev.withheld)) = \(r.tax)")),
        ]
        var bonus: [(Bilingual, Bilingual)] = []
        if r.annualBonus > .zero, let t = annualBonus {
            let row = t.value.row(for: try Exact(r.annualBonus) / Exact(12))
            bonus = [
                (Bilingual("全年一次性奖金", "annual bonus"), same(r.annualBonus.description)),
                (Bilingual("奖金 ÷ 12", "bonus / 12"), same((try Exact(r.annualBonus) / Exact(12)).text())),
                (
                    Bilingual("税率级距", "bracket"),
                    Bilingual(
                        "税率 \(row.rate.text())，速算扣除数 \(row.quickDeduction.text())  [来源：\(t.source)]",
                        "rate \(row.rate.text()), quick deduction \(row.quickDeduction.text())  [\(t.source)]")
                ),
                (
                    Bilingual("年终奖个税", "bonus tax"),
                    same("round(\(r.annualBonus) × \(row.rate.text()) − \(row.quickDeduction.text())) = \(r.bonusTax)")
                ),
            ]
        }
        var net: [(Bilingual, Bilingual)] = []
        if policy.negativeNet == .carryForward {
            net.append((Bilingual("以前期间结转的欠款", "carried from earlier periods"), same((input.previous?.carried ?? .zero).description)))
            net.append(
                (Bilingual("本期追回（负数实发结转）", "recovered this period (negative_net: carry_forward)"), same(r.carriedRecovery.description)))
            net.append((Bilingual("待追回余额", "still to recover"), same(r.carriedBalance.description)))
        }
        if r.bonusTaxedWithSalary {
            net.append(
                (
                    Bilingual("全年一次性奖金", "annual bonus"),
                    Bilingual("并入工资计税：单独计税政策已结束（年终奖个税为 0）", "taxed with the salary: its separate taxation has ended (bonus tax 0)")
                ))
        }
        if input.compTime && (r.ytd.compTime != .zero || input.attendance.overtimeRestdayComp != .zero) {
            let before = (input.previous?.compTime ?? .zero).description
            let restday = input.attendance.overtimeRestdayComp.description
            let days = input.attendance.days(.compLeave)
            net.append(
                (
                    Bilingual("调休余额（小时）", "comp-time balance (hours)"),
                    Bilingual(
                        "\(before) + 休息日加班 \(restday) 小时 − 8 × 调休 \(days) 天 = \(r.ytd.compTime.description)",
                        "\(before) + \(restday) rest-day hours − 8 × \(days) comp-leave days = \(r.ytd.compTime.description)")
                ))
        }
        let recovery = r.carriedRecovery == .zero ? "" : " − \(Money.zero - r.carriedRecovery)"
        let short = r.carriedBalance > (input.previous?.carried ?? .zero)
        let netSum = "\(r.gross) + \(r.annualBonus) − \(r.employeeSI) − \(r.housingFund.employee) − \(r.tax) − \(r.bonusTax)\(recovery)"
        net += [
            (
                Bilingual("实发工资", "net pay"),
                Bilingual(
                    "\(netSum)\(short ? "（低于零：实发 0，差额结转）" : "") = \(r.net)",
                    "\(netSum)\(short ? " (below zero: paid 0, the shortfall carried)" : "") = \(r.net)")
            ),
            (Bilingual("用工成本", "employer cost"), same("\(r.gross) + \(r.employerSI) + \(r.housingFund.employer) = \(r.employerCost)")),
        ]
        return PayTrace(lines: lines, gross: r.gross, insurance: ins, tax: tax, bonus: bonus, net: net, result: r)
    }
}
