import PayrollCore
import PayrollRules
import Performance

/// Validation of the rollup and pay stages, per employee (P and N codes): each check reports through `add`
/// (code, English, Chinese) against the employee's line of employees.csv.
enum PayChecks {
    /// A diagnostic of the employee being paid: code, English, Chinese.
    typealias Add = (Code, String, String) -> Void

    /// P: a scheme method without scores is left out (its weight spread over the others).
    static func missingMethods(_ p: PerformanceResult, _ add: Add) {
        for m in p.missingMethods where p.final != nil {
            add(
                .missingMethod, "no \(m.code) scores: the method is left out and the remaining weights are scaled to sum to 1",
                "没有\(m.labelZH)评分：该考核方式不计，其余权重按比例调整为合计 1")
        }
    }

    /// P: no method gives a final score, so there is no grade or coefficient and no pay; N004 when the
    /// rollup went beyond the exact arithmetic.
    static func noFinalScore(_ p: PerformanceResult, _ add: Add) {
        if p.arithmeticOverflow {
            add(
                .calculation,
                "a value of this employee's performance rollup grows beyond the exact arithmetic's range; check the scores, weights and points",
                "该员工绩效汇总中的某个数值超出精确运算范围；请检查评分、权重和积分")
            return
        }
        add(
            .noFinalScore, "no performance method gives a score for this employee, so there is no grade or coefficient",
            "该员工没有任何可计分的考核方式，无法确定等级和系数")
    }

    /// N: hired earlier this year but absent from the year-to-date source.
    static func ledgerEntry(_ e: Employee, previous prev: YearToDate?, usesLedger: Bool, period: Period, _ add: Add) {
        if usesLedger && prev == nil && e.hireDate.year == period.year && e.hireDate < period.firstDay {
            add(
                .notInLedger, "hired \(e.hireDate) but not in the year-to-date source; this year's earlier figures are taken as zero",
                "入职日期为 \(e.hireDate)，但本年累计数据中没有该员工；此前累计按零处理")
        }
    }

    /// N: what the pay calculation flagged (annual bonus out of force or paid twice, negative net pay).
    static func result(_ r: PayResult, period: Period, _ add: Add) {
        if r.problems.contains("annual-bonus-table") {
            add(
                .bonusTableExpired,
                "an annual bonus is paid but separate taxation of annual bonuses is not in force on \(period.firstDay)",
                "发放了全年一次性奖金，但 \(period.firstDay) 不适用单独计税政策")
        }
        if r.problems.contains("second-annual-bonus") {
            add(
                .secondAnnualBonus, "a second annual bonus this year: separate taxation may be used once per person per year",
                "本年第二次发放全年一次性奖金：单独计税每人每年只能使用一次")
        }
        if r.problems.contains("comp-time-negative") {
            add(
                .compTimeNegative,
                "comp leave this period takes the comp-time balance below zero (\(r.ytd.compTime.description) hours); check the comp_leave days against the rest-day hours taken as time off",
                "本期调休使调休余额低于零（\(r.ytd.compTime.description) 小时）；请核对调休天数与休息日加班调休小时")
        }
        if r.net.isNegative {
            add(
                .negativeNet, "net pay would be negative; resolve it (or carry the deduction forward) before anyone is paid",
                "实发工资为负数；须先处理（或将扣款结转）才能发放")
        }
    }

    /// N008, once per run: annual bonuses paid after the separate-taxation policy ended are taxed with the salary.
    static func bonusPolicyEnded(count n: Int, rules: PeriodRules, employeesFile: String) -> Diagnostic? {
        guard n > 0, let end = rules.annualBonusSeries?.entries.compactMap(\.until).max() else { return nil }
        return Diagnostic(
            code: Code.bonusPolicyEnded.rawValue, severity: Code.bonusPolicyEnded.severity, stage: .business, file: employeesFile,
            line: nil, column: nil, employeeID: nil,
            en:
                "separate taxation of the annual one-time bonus ended on \(end): the annual bonus of \(n) employee\(n == 1 ? "" : "s") is taxed with this month's salary (bonus tax 0)",
            zh: "全年一次性奖金单独计税政策已于 \(end) 到期：本期 \(n) 名员工的全年一次性奖金并入当月工资薪金计税（奖金税额为 0）")
    }

    /// N009, once per city: the social-insurance and housing-fund bands a city revises every year (in July, in most
    /// cities) are more than 12 months old for the period: the rule pack probably lacks this year's figures.
    static func staleBands(rules: PeriodRules, employees: [Employee], employeesFile: String) -> [Diagnostic] {
        var used: [String] = []
        for e in employees { noteCity(e.city, in: &used) }
        return staleBands(rules: rules, cities: used, employeesFile: employeesFile)
    }

    /// Adds `city` to the cities `used` (a handful: a short list compared against, no hashing of a million texts).
    @inline(__always)
    static func noteCity(_ city: String, in used: inout [String]) {
        if !used.contains(city) { used.append(city) }
    }

    /// The same for the employees' cities given (any order, no repeats).
    static func staleBands(rules: PeriodRules, cities used: [String], employeesFile: String) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for city in used.sorted() {
            guard let c = rules.cities[city] else { continue }
            let first = rules.period.firstDay
            let months = (first.year - c.from.year) * 12 + (first.month - c.from.month) - (first.day < c.from.day ? 1 : 0)
            guard months > 12 else { continue }
            let zh = rules.pack.cityName(city, .zh)
            let en = rules.pack.cityName(city, .en)
            out.append(
                Diagnostic(
                    code: Code.staleParameter.rawValue, severity: Code.staleParameter.severity, stage: .business, file: employeesFile,
                    line: nil, column: "city", employeeID: nil,
                    en:
                        "\(en)'s social-insurance and housing-fund bands in the rule pack are from \(c.from), \(months) months before \(rules.period): cities revise them every year; check that the pack has this year's figures",
                    zh: "规则包中\(zh)的社保和公积金基数标准自 \(c.from) 起执行，距 \(rules.period) 已有 \(months) 个月；各地每年调整，请确认规则包已包含本年度标准"))
        }
        return out
    }

    /// N: the calculation could not finish (an amount beyond the arithmetic, or another failure).
    static func failure(_ error: Error, _ add: Add) {
        switch error {
        case is MoneyOverflow:
            add(
                .calculation,
                "an amount of this employee's pay grows beyond what the arithmetic holds (10^13 yuan); check the salary, adjustments and formulas",
                "该员工工资中的某个金额超出运算范围（10^13 元）；请检查工资、调整项和公式")
        case is Exact.Overflow:
            add(
                .calculation,
                "a value of this employee's pay grows beyond the exact arithmetic's range; check the salary, adjustments and formulas",
                "该员工工资中的某个数值超出精确运算范围；请检查工资、调整项和公式")
        default:
            add(.calculation, "the pay calculation failed: \(error)", "工资计算失败：\(error)")
        }
    }

    /// What one employee adds to the magnitude `totalsBound` bounds: the amounts a report adds up (each below 10^13
    /// yuan, `PeriodRules.employeeBoundFen`, so that their sum cannot wrap).
    @inline(__always)
    static func magnitude(_ r: PayResult) -> UInt64 {
        var m: UInt64 = 0
        for x in r.lines { m = m &+ x.fen.magnitude }
        func add(_ x: Money) { m = m &+ x.fen.magnitude }
        add(r.gross)
        add(r.net)
        add(r.employeeSI)
        add(r.employerSI)
        add(r.housingFund.employee)
        add(r.housingFund.employer)
        add(r.tax)
        add(r.annualBonus)
        add(r.bonusTax)
        add(r.employerCost)
        add(r.ytd.income)
        add(r.ytd.withheld)
        return m
    }

    /// Of consecutive shards' magnitudes (each `UInt64.max` when beyond), the first shard at whose end the running
    /// magnitude passes `bound`, and the running magnitude before it; nil when none does.
    static func shardPassingBound(_ magnitudes: [UInt64], bound: UInt64) -> (shard: Int, before: UInt64)? {
        var running: UInt64 = 0
        for (k, m) in magnitudes.enumerated() {
            let (sum, overflow) = running.addingReportingOverflow(m)
            if overflow || sum > bound { return (k, running) }
            running = sum
        }
        return nil
    }

    /// N005: every total a report forms is a sum over employees of these amounts; their magnitudes are bounded
    /// together so that no writer's sum can overflow, and the employee at which the bound is passed is named. Over
    /// the employees of `range` (employee `i`'s pay being `result(i)`), the magnitude of those before it being `start`.
    static func totalsBound(
        employees: [Employee], employeesFile: String, range: Range<Int>, from start: UInt64, result: (Int) -> PayResult?
    ) -> Diagnostic? {
        var magnitude = start
        // By index, each amount added in place: no copy of each result, no array of its amounts (a million employees).
        for i in range {
            guard let r = result(i) else { continue }
            magnitude = magnitude &+ PayChecks.magnitude(r)
            if magnitude > UInt64(MoneyBounds.totalFen) {
                let e = employees[i]
                return Diagnostic(
                    code: Code.totalsTooLarge.rawValue, severity: .error, stage: .business, file: employeesFile,
                    line: e.line, column: nil, employeeID: e.id,
                    en:
                        "adding this employee's pay makes the period's totals larger than the reports can add up (about 4.6 × 10^16 yuan); check the amounts",
                    zh: "计入该员工后，本期合计金额超出报表可汇总的范围（约 4.6 × 10^16 元）；请检查金额")
            }
        }
        return nil
    }
}
