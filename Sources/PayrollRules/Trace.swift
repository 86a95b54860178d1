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
    }
    /// One salary line, explained.
    public struct Line: Sendable {
        /// Its code.
        public var code: String
        /// Its label.
        public var label: String
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
        public var rounding: String
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
        public var source: String
    }
    /// The salary lines.
    public var lines: [Line]
    /// Gross pay.
    public var gross: Money
    /// The insurance lines.
    public var insurance: [Insurance]
    /// The withholding's steps.
    public var tax: [(String, String)]
    /// The annual bonus's steps.
    public var bonus: [(String, String)]
    /// Net pay's steps.
    public var net: [(String, String)]
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
            let exact = try Evaluator(values: v, tables: tables).number(c.expr)
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
                let source =
                    pack.sickServiceRatios[e.city].map { "\($0.source); \(years) full years of service from \(start)" }
                    ?? "\(e.city) sets no service ratios: sick_pay_ratio"
                params.append(
                    PayTrace.Parameter(
                        name: "sick.service_ratio", value: v[InputSlot.sickServiceRatio.rawValue].text(), from: start.description, source: source))
            }
            lines.append(
                PayTrace.Line(
                    code: c.spec.code, label: "\(c.spec.labelZH) \(c.spec.labelEN)", inGross: c.spec.inGross,
                    formula: c.spec.formula, inputs: inputs, parameters: params, exact: exact.text(maxPlaces: 10),
                    rounding: "half-up to the fen", amount: r.lines[k]))
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
                    employee: amt.employee, employer: amt.employer, source: "\(e.city) from \(city.from): \(city.source)"))
        }
        let hf = city.housingFund
        ins.append(
            PayTrace.Insurance(
                line: "housing_fund", declaredBase: e.hfBase ?? e.siBase, floor: hf.floor, ceiling: hf.ceiling,
                base: r.housingFund.base, employeeRate: e.hfRate.description, employeeFixed: .zero,
                employerRate: e.hfRate.description, rounding: hf.rounding.rawValue,
                employee: r.housingFund.employee, employer: r.housingFund.employer,
                source: "\(e.city) from \(city.from): \(city.source)"))
        let prev = input.previous.flatMap { $0.year == period.year ? $0 : nil } ?? YearToDate(year: period.year)
        let bracket = withholding.value.row(for: Exact(r.ytd.taxable))
        let tax: [(String, String)] = [
            ("income before this month", prev.income.description),
            ("gross this month", r.gross.description),
            ("ytd_income", r.ytd.income.description),
            ("months of basic deduction", "\(r.ytd.months) (\(input.mode.rawValue))"),
            (
                "basic deduction",
                "\(basicDeduction.value.text()) × \(r.ytd.months) = \(r.basicDeduction)  [\(basicDeduction.source), from \(basicDeduction.from)]"
            ),
            ("ytd_special (SI + HF)", "\(prev.special) + \(r.employeeSI) + \(r.housingFund.employee) = \(r.ytd.special)"),
            ("ytd_additional", "\(prev.additional) + \(e.specialDeduction ?? .zero) = \(r.ytd.additional)"),
            (
                "ytd_taxable",
                "max(0, \(r.ytd.income) − \(r.ytd.taxFree) − \(r.basicDeduction) − \(r.ytd.special) − \(r.ytd.additional)) = \(r.ytd.taxable)"
            ),
            ("bracket", "rate \(bracket.rate.text()), quick deduction \(bracket.quickDeduction.text())  [\(withholding.source)]"),
            (
                "ytd_tax",
                "round(\(r.ytd.taxable) × \(bracket.rate.text()) − \(bracket.quickDeduction.text())) = \(r.ytd.tax)  (\(pack.tax.rounding.rawValue))"
            ),
            ("withheld before this month", prev.withheld.description),
            ("tax this month", "max(0, \(r.ytd.tax) − \(prev.withheld)) = \(r.tax)"),
        ]
        var bonus: [(String, String)] = []
        if r.annualBonus > .zero, let t = annualBonus {
            let row = t.value.row(for: try Exact(r.annualBonus) / Exact(12))
            bonus = [
                ("annual bonus", r.annualBonus.description),
                ("bonus / 12", (try Exact(r.annualBonus) / Exact(12)).text()),
                ("bracket", "rate \(row.rate.text()), quick deduction \(row.quickDeduction.text())  [\(t.source)]"),
                ("bonus tax", "round(\(r.annualBonus) × \(row.rate.text()) − \(row.quickDeduction.text())) = \(r.bonusTax)"),
            ]
        }
        var net: [(String, String)] = []
        if policy.negativeNet == .carryForward {
            net.append(("carried from earlier periods", (input.previous?.carried ?? .zero).description))
            net.append(("recovered this period (negative_net: carry_forward)", r.carriedRecovery.description))
            net.append(("still to recover", r.carriedBalance.description))
        }
        if r.bonusTaxedWithSalary { net.append(("annual bonus", "taxed with the salary: its separate taxation has ended (bonus tax 0)")) }
        if input.compTime && (r.ytd.compTime != .zero || input.attendance.overtimeRestdayComp != .zero) {
            net.append(
                (
                    "comp-time balance (hours)",
                    "\((input.previous?.compTime ?? .zero).description) + \(input.attendance.overtimeRestdayComp.description) rest-day hours − 8 × \(input.attendance.days(.compLeave)) comp-leave days = \(r.ytd.compTime.description)"
                ))
        }
        net += [
            (
                "net pay",
                "\(r.gross) + \(r.annualBonus) − \(r.employeeSI) − \(r.housingFund.employee) − \(r.tax) − \(r.bonusTax)\(r.carriedRecovery == .zero ? "" : " − \(Money.zero - r.carriedRecovery)")\(r.carriedBalance > (input.previous?.carried ?? .zero) ? " (below zero: paid 0, the shortfall carried)" : "") = \(r.net)"
            ),
            ("employer cost", "\(r.gross) + \(r.employerSI) + \(r.housingFund.employer) = \(r.employerCost)"),
        ]
        return PayTrace(lines: lines, gross: r.gross, insurance: ins, tax: tax, bonus: bonus, net: net, result: r)
    }
}
