import PayrollCore

/// Year-to-date withholding state of one employee at the end of a period.
public struct YearToDate: Sendable, Equatable {
    /// The tax year.
    public var year: Int {
        get { Int(yearValue) }
        set { yearValue = Int32(clamping: newValue) }  // a year of the rule pack's range (1900–2200)
    }
    /// Months of basic deduction granted so far this year.
    public var months: Int {
        get { Int(monthsValue) }
        set { monthsValue = Int32(clamping: newValue) }  // 0–12
    }
    private var yearValue: Int32
    private var monthsValue: Int32
    /// Cumulative income.
    public var income: Money
    /// Cumulative tax-free income.
    public var taxFree: Money
    /// Cumulative special deductions (employee SI and HF).
    public var special: Money
    /// Cumulative special additional deductions.
    public var additional: Money
    /// Cumulative taxable income.
    public var taxable: Money
    /// Cumulative tax due.
    public var tax: Money
    /// Cumulative tax withheld.
    public var withheld: Money
    /// Annual bonus paid this year.
    public var annualBonus: Money
    /// Tax withheld on it.
    public var annualBonusTax: Money
    /// Negative net pay carried forward and not yet recovered (`negative_net: carry_forward`); not reset in January.
    public var carried = Money.zero
    /// Comp-time balance in hours (调休): rest-day overtime taken as time off, less comp-leave days; not reset in January.
    public var compTime = Fixed.zero
    /// The cumulative special additional deductions by category (`SpecialDeductionCategory` order), when every month of
    /// the year so far gave them by category; nil when only totals are known.
    public var additionalItems: [Money]?

    /// A year-to-date state.
    public init(
        year: Int, months: Int = 0, income: Money = .zero, taxFree: Money = .zero, special: Money = .zero,
        additional: Money = .zero, taxable: Money = .zero, tax: Money = .zero, withheld: Money = .zero,
        annualBonus: Money = .zero, annualBonusTax: Money = .zero
    ) {
        self.yearValue = Int32(clamping: year)
        self.monthsValue = Int32(clamping: months)
        self.income = income
        self.taxFree = taxFree
        self.special = special
        self.additional = additional
        self.taxable = taxable
        self.tax = tax
        self.withheld = withheld
        self.annualBonus = annualBonus
        self.annualBonusTax = annualBonusTax
    }
}

/// One insurance line's base and amounts.
public struct InsuranceAmounts: Sendable, Equatable {
    /// The base after clamping to the city's band.
    public var base: Money
    /// The employee's contribution.
    public var employee: Money
    /// The employer's contribution.
    public var employer: Money
}

/// Everything computed for one employee in one period.
public struct PayResult: Sendable {
    /// One value per structure component, in structure order (info components included).
    public var lines: [Money]
    /// Gross pay: the sum of the lines that are in gross.
    public var gross: Money
    /// Per `InsuranceLine.allCases` order.
    public var insurance: [InsuranceAmounts] { [insuranceLines.0, insuranceLines.1, insuranceLines.2, insuranceLines.3] }
    /// The four lines in place (an array would be one more allocation per employee).
    var insuranceLines: (InsuranceAmounts, InsuranceAmounts, InsuranceAmounts, InsuranceAmounts)
    /// The housing fund.
    public var housingFund: InsuranceAmounts
    /// The employee's social insurance, all lines (their sum, not kept beside them).
    public var employeeSI: Money {
        insuranceLines.0.employee + insuranceLines.1.employee + insuranceLines.2.employee + insuranceLines.3.employee
    }
    /// The employer's social insurance, all lines.
    public var employerSI: Money {
        insuranceLines.0.employer + insuranceLines.1.employer + insuranceLines.2.employer + insuranceLines.3.employer
    }
    /// The cumulative basic deduction.
    public var basicDeduction: Money
    /// The year-to-date state after this period.
    public var ytd: YearToDate
    /// Tax withheld this period on wages.
    public var tax: Money
    /// The annual one-time bonus paid.
    public var annualBonus: Money
    /// Its separately computed tax.
    public var bonusTax: Money
    /// The bonus table's rate that applied.
    public var bonusRate: Exact? { bonusRateStore?.value }
    var bonusRateStore: CompactExact?
    /// Net pay.
    public var net: Money
    /// Gross plus the employer's SI and HF.
    public var employerCost: Money { gross + employerSI + housingFund.employer }
    /// True when the employee was hired or left during the period.
    public var prorated: Bool
    /// Conditions the pay stage reports (annual-bonus table missing, a second bonus, comp time below zero).
    public var problems: [String]
    /// Carried negative net recovered from this period's net pay, as a negative amount (0 when none).
    public var carriedRecovery = Money.zero
    /// Carried negative net still to recover after this period.
    public var carriedBalance: Money { ytd.carried }
    /// The annual bonus was taxed with the salary: its separate taxation had ended (bonus tax 0).
    public var bonusTaxedWithSalary = false

    /// An insurance line's amounts.
    public func line(_ i: InsuranceLine) -> InsuranceAmounts {
        switch i.ordinal {
        case 0: return insuranceLines.0
        case 1: return insuranceLines.1
        case 2: return insuranceLines.2
        default: return insuranceLines.3
        }
    }
}

/// What the calculator needs to know about one employee this period besides the employee record: what the pay stage
/// hands over for each employee while the record itself is read in place (a copy of it, with its texts' reference
/// counts, for each of a million employees was a tenth of the pay stage).
public struct PayFacts: Sendable {
    /// The period's attendance.
    public var attendance: AttendanceSummary
    /// The performance coefficient.
    public var coefficient: Exact
    /// The final performance score.
    public var finalScore: Exact
    /// Special-achievement bonus earned by points this period.
    public var pointsBonus: Money
    /// The employee's adjustments.
    public var adjustments: ArraySlice<Adjustment>
    /// The state at the end of the previous period of the same year, if any.
    public var previous: YearToDate?
    /// How the basic deduction counts months.
    public var mode: BasicDeductionMode
    /// Comp time is accounted for: the attendance says how overtime is compensated, or a balance is carried.
    /// Off, comp-leave days are paid days and touch no balance (STANDARD.md: each item is off unless its input is present).
    public var compTime: Bool

    /// One employee's facts.
    public init(
        attendance: AttendanceSummary, coefficient: Exact, finalScore: Exact, pointsBonus: Money = .zero,
        adjustments: ArraySlice<Adjustment>, previous: YearToDate?, mode: BasicDeductionMode = .employment, compTime: Bool = true
    ) {
        self.attendance = attendance
        self.coefficient = coefficient
        self.finalScore = finalScore
        self.pointsBonus = pointsBonus
        self.adjustments = adjustments
        self.previous = previous
        self.mode = mode
        self.compTime = compTime
    }
}

/// What the calculator needs to know about one employee this period: the employee record and the rest of it
/// (`PayFacts`, whose fields read as the input's own: `input.previous`).
@dynamicMemberLookup
public struct PayInput: Sendable {
    /// The employee.
    public var employee: Employee
    /// All but the employee record.
    public var facts: PayFacts

    /// One employee's inputs to the pay calculation.
    public init(
        employee: Employee, attendance: AttendanceSummary, coefficient: Exact, finalScore: Exact, pointsBonus: Money = .zero,
        adjustments: [Adjustment], previous: YearToDate?, mode: BasicDeductionMode = .employment, compTime: Bool = true
    ) {
        self.employee = employee
        facts = PayFacts(
            attendance: attendance, coefficient: coefficient, finalScore: finalScore, pointsBonus: pointsBonus,
            adjustments: adjustments[...], previous: previous, mode: mode, compTime: compTime)
    }

    /// A field of the facts.
    public subscript<T>(dynamicMember field: WritableKeyPath<PayFacts, T>) -> T {
        get { facts[keyPath: field] }
        set { facts[keyPath: field] = newValue }
    }
}

extension PeriodRules {
    /// Months of basic deduction this period: from max(January, hire month) to the period.
    public func deductionMonths(hire: Day, mode: BasicDeductionMode, previous: YearToDate?) -> Int {
        if mode == .firstIncome { return period.month }
        let start = hire.year == period.year ? hire.month : 1
        let byHire = hire.year > period.year ? 0 : period.month - start + 1
        return max(byHire, (previous?.months ?? 0) + 1)
    }

    static func round(_ x: Exact, _ r: AmountRounding) -> Money {
        switch r {
        case .fen: return x.money(.halfUp)
        case .yuan: return x.rounded(places: 0).money(.halfUp)
        }
    }

    /// `round(Exact(amount) × Exact(rate), r)` in integers: the product is whole 10^-8 yuan (fen × millionths), rounded
    /// half away from zero to the fen or the yuan. The insurance lines and the housing fund of every employee.
    static func product(_ amount: Money, _ rate: Fixed, _ r: AmountRounding) -> Money {
        let wide = Int128(amount.fen) * Int128(rate.units)  // two 64-bit factors: exact in 128 bits (below 2^126)
        let n = Exact.quotientRoundedHalfAwayFromZero(wide, r == .fen ? 1_000_000 : 100_000_000)
        return Money(fen: Int64(r == .fen ? n : n * 100))
    }

    /// The largest amount one employee's line, gross or bonus may reach (10^13 yuan): within it the rest
    /// of the calculation (insurance, tax, net, year to date) cannot overflow 64-bit fen.
    public static let employeeBoundFen: Int64 = 1_000_000_000_000_000

    /// `m`, or `MoneyOverflow` when it is beyond `employeeBoundFen`.
    static func bounded(_ m: Money) throws -> Money {
        if m.fen.magnitude > UInt64(employeeBoundFen) { throw MoneyOverflow() }
        return m
    }

    /// Computes one employee's pay. Pure: the same input gives the same result.
    /// - Throws: `EvaluationError` for a formula that cannot be evaluated, `MoneyOverflow` for amounts beyond the arithmetic's range.
    public func compute(_ input: PayInput) throws -> PayResult { try compute(input.employee, input.facts) }

    /// `compute` of the employee `e` (read in place, not copied) with the rest of its input.
    public func compute(_ e: Employee, _ input: PayFacts) throws -> PayResult {
        guard let city = cities[e.city] else {
            throw EvaluationError(message: "no city parameters for \(e.city) on \(period.firstDay)")
        }
        let prorated = isProrated(e)
        // Salary structure, in order; each line is rounded half-up to the fen. The evaluation context (every slot's
        // value) and the formulas' stack in memory lent for the call, not arrays per employee.
        var lines: [Money] = []
        lines.reserveCapacity(components.count)
        var gross = Money.zero
        let bonusAmount = try withUnsafeTemporaryAllocation(of: Exact.self, capacity: slotCount + program.stackDepth) { memory in
            memory.initialize(repeating: .zero)
            let v = UnsafeMutableBufferPointer(rebasing: memory[0..<slotCount])
            let stack = UnsafeMutableBufferPointer(rebasing: memory[slotCount...])
            let (_, bonus) = try fillInputs(e, input, prorated: prorated, into: v, only: usedInputs)
            for k in 0..<program.count {
                let value = try PeriodRules.bounded(try program.number(k, values: v, stack: stack, tables: tables).checkedMoney(.halfUp))
                v[componentSlots[k]] = Exact(value)
                lines.append(value)
                if componentInGross[k] { gross = try PeriodRules.bounded(try gross.adding(value)) }
            }
            return bonus
        }

        // Social insurance per line (in place by the line's position: the sums do not depend on the order the
        // city's lines are walked in), housing fund.
        let none = InsuranceAmounts(base: .zero, employee: .zero, employer: .zero)
        var insurance = (none, none, none, none)
        var employeeSI = Money.zero
        for (line, p) in city.lines {
            let base = Swift.min(Swift.max(e.siBase, p.floor), p.ceiling)
            let emp =
                p.employeeRate.isZeroRate && p.employeeFixed == .zero
                ? Money.zero
                : try PeriodRules.product(base, p.employeeRate, p.rounding).adding(p.employeeFixed)
            let er = PeriodRules.product(base, p.employerRate, p.rounding)
            let amounts = InsuranceAmounts(base: base, employee: emp, employer: er)
            switch line {
            case .pension: insurance.0 = amounts
            case .medical: insurance.1 = amounts
            case .unemployment: insurance.2 = amounts
            case .workInjury: insurance.3 = amounts
            }
            employeeSI += emp
        }
        let hf = city.housingFund
        let hfBase = Swift.min(Swift.max(e.hfBase ?? e.siBase, hf.floor), hf.ceiling)
        let hfAmount = PeriodRules.product(hfBase, e.hfRate, hf.rounding)
        let housing = InsuranceAmounts(base: hfBase, employee: hfAmount, employer: hfAmount)

        // The annual bonus is taxed on its own while its policy is in force; after the table's last day it joins
        // this month's income for cumulative withholding (STANDARD.md "Annual bonus after the policy ends").
        var problems: [String] = []
        var bonusWithSalary = false
        if bonusAmount > .zero, annualBonus == nil {
            if let end = annualBonusSeries?.entries.compactMap(\.until).max(), end < period.firstDay,
                annualBonusSeries?.at(period.firstDay) == nil
            {
                bonusWithSalary = true
                problems.append("annual-bonus-ended")
            } else {
                problems.append("annual-bonus-table")
            }
        }

        // Cumulative withholding.
        let prev = input.previous.flatMap { $0.year == period.year ? $0 : nil } ?? YearToDate(year: period.year)
        let months = deductionMonths(hire: e.hireDate, mode: input.mode, previous: input.previous?.year == period.year ? input.previous : nil)
        let basic: Money
        if input.mode == .annual60000 {
            guard let annual = parameterValues[PeriodRules.annualBasicParameter] else {
                throw EvaluationError(
                    message:
                        "basic_deduction_mode annual_60000 needs the parameter \(PeriodRules.annualBasicParameter) in force on \(period.firstDay)")
            }
            basic = try annual.value.checkedMoney()
        } else {
            basic = try basicDeduction.value.multiplied(by: Exact(months)).checkedMoney()
        }
        var (ytd, tax) = try CumulativeWithholding.step(
            previous: prev, months: months, basicDeduction: basic, income: bonusWithSalary ? try gross.adding(bonusAmount) : gross,
            special: employeeSI + housing.employee,
            additional: e.specialDeduction ?? .zero,
            table: withholding.value, rounding: pack.tax.rounding)
        // By category, when this month gives them and the months before did too (or had none): their sum is ytd.additional.
        if let items = e.specialDeductionItems {
            if let before = prev.additionalItems, before.count == items.count {
                ytd.additionalItems = zip(before, items).map { $0 + $1 }
            } else if prev.additional == .zero {
                ytd.additionalItems = items
            }
        }

        // Annual one-time bonus, taxed on its own.
        var bonusTax = Money.zero
        var bonusRate: Exact?
        if bonusAmount > .zero {
            if let table = annualBonus {
                let row = table.value.row(for: try Exact(bonusAmount).divided(by: Exact(12)))
                bonusRate = row.rate
                bonusTax = try Exact(bonusAmount).multiplied(by: row.rate).adding(row.quickDeduction.negated).checkedMoney(pack.tax.rounding)
            }
            if prev.annualBonus > .zero { problems.append("second-annual-bonus") }
            ytd.annualBonus = prev.annualBonus + bonusAmount
            ytd.annualBonusTax = prev.annualBonusTax + bonusTax
        }
        var net = gross + bonusAmount - employeeSI - housing.employee - tax - bonusTax

        // Balances carried across periods (and years): negative net pay to recover, comp time in hours.
        var carried = input.previous?.carried ?? .zero
        var recovery = Money.zero
        if policy.negativeNet == .carryForward {
            let available = net.isNegative ? Money.zero : net
            let r = Swift.min(carried, available)
            recovery = .zero - r
            net = net - r
            carried = carried - r
            if net.isNegative {
                carried = carried + (.zero - net)
                net = .zero
            }
        }
        ytd.carried = carried
        let compLeaveDays = input.compTime ? input.attendance.days(.compLeave) : .zero
        var comp = (input.previous?.compTime ?? .zero) + input.attendance.overtimeRestdayComp
        if compLeaveDays > .zero {
            guard let perDay = parameterValues[PeriodRules.compLeaveHoursParameter] else {
                throw EvaluationError(
                    message: "comp_leave days need the parameter \(PeriodRules.compLeaveHoursParameter) in force on \(period.firstDay)")
            }
            comp = comp - (perDay.value.fixed * compLeaveDays)
        }
        ytd.compTime = comp
        if comp < .zero && compLeaveDays > .zero { problems.append("comp-time-negative") }  // drawn below zero this period
        return PayResult(
            lines: lines, gross: gross, insuranceLines: insurance, housingFund: housing,
            basicDeduction: basic, ytd: ytd, tax: tax, annualBonus: bonusAmount,
            bonusTax: bonusTax, bonusRateStore: bonusRate.map(CompactExact.init), net: net,
            prorated: prorated, problems: problems,
            carriedRecovery: recovery, bonusTaxedWithSalary: bonusWithSalary)
    }

    /// The parameter of the `annual_60000` basic deduction (SAT Ann. 2020 No. 19).
    public static let annualBasicParameter = "basic_deduction_annual_60000"
    /// The parameter of the hours one comp-leave day takes off the comp-time balance.
    public static let compLeaveHoursParameter = "comp_leave_hours_per_day"

    /// Full years of continuous service on `day` from `start` (0 before the first anniversary).
    public static func fullYears(from start: Day, to day: Day) -> Int {
        var y = day.year - start.year
        if (day.month, day.day) < (start.month, start.day) { y -= 1 }
        return Swift.max(0, y)
    }

    /// The index of a salary line by code.
    public func componentIndex(_ code: String) -> Int? { components.firstIndex { $0.spec.code == code } }
}

extension PeriodRules {
    /// Hired or leaving inside the period (STANDARD.md): hire date after its first day or leave date before its last.
    public func isProrated(_ e: Employee) -> Bool {
        e.hireDate > period.firstDay || (e.leaveDate.map { $0 < period.lastDay } ?? false)
    }

    /// The evaluation context of one employee: every formula input by slot, with
    /// the adjustments summed; also the adjustments into gross and the annual bonus.
    func inputValues(_ input: PayInput, prorated: Bool) throws -> ([Exact], Money, Money) {
        var v = [Exact](repeating: .zero, count: slotCount)
        let (gross, bonus) = try v.withUnsafeMutableBufferPointer {
            try fillInputs(input.employee, input.facts, prorated: prorated, into: $0, only: .max)
        }
        return (v, gross, bonus)
    }

    /// `inputValues` into `v` (`slotCount` values, all zero): the inputs whose bit (`InputSlot.rawValue`) is set in
    /// `only` (the others stay 0), every parameter and the adjustments.
    func fillInputs(
        _ e: Employee, _ input: PayFacts, prorated: Bool, into v: UnsafeMutableBufferPointer<Exact>, only: UInt64
    ) throws -> (Money, Money) {
        let a = input.attendance
        @inline(__always) func set(_ s: InputSlot, _ x: @autoclosure () -> Exact) {
            if only & (1 << UInt64(s.rawValue)) != 0 { v[s.rawValue] = x() }
        }
        set(.baseSalary, Exact(e.baseSalary))
        set(.positionSalary, Exact(e.positionSalary))
        set(.allowance, Exact(e.allowance ?? .zero))
        set(.bonusBase, Exact(e.bonusBase ?? .zero))
        set(.siBase, Exact(e.siBase))
        set(.hfBase, Exact(e.hfBase ?? e.siBase))
        set(.hfRate, Exact(e.hfRate))
        set(.specialDeduction, Exact(e.specialDeduction ?? .zero))
        for (st, slot) in PeriodRules.statusSlots { set(slot, Exact(a.days(st))) }
        set(.paidDays, Exact(a.days(.present) + a.days(.annualLeave) + a.days(.compLeave) + a.days(.businessTrip)))
        set(.attendanceRows, Exact(Int(a.rows)))
        set(.overtimeWorkday, Exact(a.overtimeWorkday))
        set(.overtimeRestday, Exact(a.overtimeRestday))
        set(.overtimeHoliday, Exact(a.overtimeHoliday))
        set(.coefficient, input.coefficient)
        set(.finalScore, input.finalScore)
        set(.pointsBonus, Exact(input.pointsBonus))
        set(.prorated, prorated ? .one : .zero)
        set(.periodDays, Exact(period.dayCount))
        for (slot, value) in parameterSlots { v[slot] = value }
        // Statutory sick pay: the city's ratio for the years of service, else the flat ratio; its minimum wage.
        if only & (1 << UInt64(InputSlot.sickServiceRatio.rawValue)) != 0 {
            let years = PeriodRules.fullYears(from: e.serviceStart ?? e.hireDate, to: period.firstDay)
            if !pack.sickServiceRatios.isEmpty, let r = pack.sickServiceRatios[e.city]?.ratio(years: years) {
                set(.sickServiceRatio, Exact(r))
            } else {
                set(.sickServiceRatio, flatSickPayRatio)
            }
        }
        set(.minimumWage, minimumWages.isEmpty ? .zero : minimumWages[e.city]?.value ?? .zero)
        var grossAdjustments = Money.zero
        var bonusAmount = Money.zero
        for adj in input.adjustments {
            if let s = adjustmentSlots[adj.code] { v[s] = try v[s].adding(Exact(adj.amount)) }
            switch adjustmentTargets[adj.code] ?? .gross {
            case .gross: grossAdjustments = try PeriodRules.bounded(try grossAdjustments.adding(adj.amount))
            case .annualBonus: bonusAmount = try PeriodRules.bounded(try bonusAmount.adding(adj.amount))
            }
        }
        set(.adjustmentsGross, Exact(grossAdjustments))
        return (grossAdjustments, bonusAmount)
    }

    static let statusSlots: [(AttendanceStatus, InputSlot)] = [
        (.present, .present), (.absent, .absent), (.personalLeave, .personalLeave),
        (.sickLeave, .sickLeave), (.annualLeave, .annualLeave), (.compLeave, .compLeave), (.businessTrip, .businessTrip),
    ]
}

extension InsuranceLine {
    /// The line's position in `PayResult.insurance`.
    public var ordinal: Int {
        switch self {
        case .pension: return 0
        case .medical: return 1
        case .unemployment: return 2
        case .workInjury: return 3
        }
    }
}

extension Fixed {
    var isZeroRate: Bool { units == 0 }
}

/// SAT Announcement 2018 No. 61 art. 6: cumulative withholding, one month at a time.
public enum CumulativeWithholding {
    /// Adds this month to `previous` and returns the new year-to-date state and
    /// this month's tax: max(0, round(taxable × rate − quick deduction) − withheld so far).
    public static func step(
        previous prev: YearToDate, months: Int, basicDeduction basic: Money, income: Money,
        special: Money, additional: Money, table: BracketTable,
        rounding: RoundingMode = .halfUp
    ) throws -> (YearToDate, Money) {
        var ytd = prev
        ytd.months = months
        ytd.income = prev.income + income
        ytd.special = prev.special + special
        ytd.additional = prev.additional + additional
        let taxable = ytd.income - ytd.taxFree - basic - ytd.special - ytd.additional
        ytd.taxable = taxable.isNegative ? .zero : taxable
        ytd.tax = try table.tax(on: Exact(ytd.taxable)).money(rounding)
        let due = ytd.tax - prev.withheld
        let tax = due.isNegative ? Money.zero : due  // a negative month withholds nothing and refunds nothing
        ytd.withheld = prev.withheld + tax
        return (ytd, tax)
    }
}
