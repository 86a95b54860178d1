import Foundation
import PayrollCore
import PayrollRules
import Performance

/// The computed period: performance and pay for every employee, in employee_id order.
public struct PayrollRun: Sendable {
    /// The rule pack's values for the period.
    public var rules: PeriodRules
    /// Each employee's scores, grade and coefficient, in employee order.
    public var performance: [PerformanceResult]
    /// Each employee's pay; nil for an employee who cannot be paid (a diagnostic says why).
    public var pay: [PayResult?]
    /// Year-to-date entries to carry into the next period's ledger (this period's and earlier ones not paid now).
    public var ledger: [(id: String, ytd: YearToDate)]
    /// Performance and pay diagnostics (P and N codes).
    public var diagnostics: [Diagnostic]
    /// Wall time of the rollup and of the pay calculation, in seconds.
    public var timings: [(String, Double)] = []
}

/// The rollup and pay stage of a period.
public enum PayrollStage {
    /// The rollup runs over shards of at least this many employees.
    public static let rollupShard = 1024
    /// Pay runs over shards of at least this many employees (each one's pay costs more than its rollup).
    public static let payShard = 256
    /// Stages 3 (performance) and 4 (pay), each over employee shards in parallel.
    public static func run(
        batch: Batch, rules: PeriodRules, ytd: YearToDateStore.Loaded, settings: PerformanceSettings = PerformanceSettings(),
        modes: [BasicDeductionMode]? = nil, scheduler: any WorkScheduler = SerialScheduler(), employeesFile: String = "employees.csv"
    ) -> PayrollRun {
        let config = settings.config
        let executor = scheduler
        var mark = DispatchTime.now()
        var timings: [(String, Double)] = []
        func lap(_ name: String) {
            let now = DispatchTime.now()
            timings.append((name, Double(now.uptimeNanoseconds - mark.uptimeNanoseconds) / 1e9))
            mark = now
        }
        let employees = batch.employees
        // Row ranges of each employee's scores and adjustments (both sorted by employee).
        let scoreStart = starts(count: employees.count, keys: batch.scores.map(\.employee))
        let adjStart = starts(count: employees.count, keys: batch.adjustments.map(\.employee))
        let scores = batch.scores
        let adjustments = batch.adjustments

        var performance: [PerformanceResult] = executor.map(count: employees.count, minShard: PayrollStage.rollupShard) { range in
            let config = config.threadLocal()
            return range.map { i in Rollup.employee(employees[i], rows: scores[scoreStart[i]..<scoreStart[i + 1]], config: config) }
        }
        Rollup.rank(&performance, employees: employees)
        settings.forced?.apply(&performance, employees: employees, config: config)
        config.calibrate(&performance, batch.calibrations)
        if !batch.points.isEmpty {
            for i in performance.indices where batch.points[i] != .zero {
                performance[i].points = Exact(batch.points[i])
                performance[i].pointsBonus = (Exact(batch.points[i]) * settings.pointsRate).money()
            }
        }
        lap("rollup")

        let perf = performance
        let attendance = batch.attendance
        let period = batch.period
        let entries = ytd.entries
        let usesLedger: Bool = {
            if case .ledger = ytd.source { return true }
            if case .opening = ytd.source { return true }
            return false
        }()
        let computed: [(PayResult?, [Diagnostic])] = executor.map(count: employees.count, minShard: PayrollStage.payShard) { range in
            let rules = rules.threadLocal()  // nothing shared between the cores on the hot path
            var out: [(PayResult?, [Diagnostic])] = []
            out.reserveCapacity(range.count)
            for i in range {
                let e = employees[i]
                let p = perf[i]
                var sink = DiagnosticSink(file: employeesFile)
                func add(_ c: Code, _ en: String, _ zh: String) { sink.add(c, line: e.line, column: nil, employee: e.id, en: en, zh: zh) }
                for m in p.missingMethods where p.final != nil {
                    add(
                        .missingMethod, "no \(m.code) scores: the method is left out and the remaining weights are scaled to sum to 1",
                        "没有 \(m.code) 评分：该考核方式不计，其余权重按比例调整为合计 1")
                }
                guard let final = p.final else {
                    add(
                        .noFinalScore, "no performance method gives a score for this employee, so there is no grade or coefficient",
                        "该员工没有任何可计分的考核方式，无法确定等级和系数")
                    out.append((nil, sink.finish()))
                    continue
                }
                let prev = entries[e.id]
                if usesLedger && prev == nil && e.hireDate.year == period.year && e.hireDate < period.firstDay {
                    add(
                        .notInLedger, "hired \(e.hireDate) but not in the year-to-date source; this year's earlier figures are taken as zero",
                        "入职日期为 \(e.hireDate)，但本年累计数据中没有该员工；此前累计按零处理")
                }
                let input = PayInput(
                    employee: e, attendance: attendance[i], coefficient: p.coefficient, finalScore: final,
                    pointsBonus: p.pointsBonus,
                    adjustments: Array(adjustments[adjStart[i]..<adjStart[i + 1]]), previous: prev,
                    mode: modes?[i] ?? (e.firstIncomeOfYear ? .firstIncome : .employment))
                do {
                    let r = try rules.compute(input)
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
                    if r.net.isNegative {
                        add(
                            .negativeNet, "net pay would be negative; resolve it (or carry the deduction forward) before anyone is paid",
                            "实发工资为负数；须先处理（或将扣款结转）才能发放")
                    }
                    out.append((r, sink.finish()))
                } catch is MoneyOverflow {
                    add(
                        .calculation,
                        "an amount of this employee's pay grows beyond what the arithmetic holds (10^13 yuan); check the salary, adjustments and formulas",
                        "该员工工资中的某个金额超出运算范围（10^13 元）；请检查工资、调整项和公式")
                    out.append((nil, sink.finish()))
                } catch is Exact.Overflow {
                    add(
                        .calculation,
                        "a value of this employee's pay grows beyond the exact arithmetic's range; check the salary, adjustments and formulas",
                        "该员工工资中的某个数值超出精确运算范围；请检查工资、调整项和公式")
                    out.append((nil, sink.finish()))
                } catch {
                    add(.calculation, "the pay calculation failed: \(error)", "工资计算失败：\(error)")
                    out.append((nil, sink.finish()))
                }
            }
            return out
        }
        lap("payroll")
        var diags = computed.flatMap(\.1)
        // Every total a report forms is a sum over employees of these amounts: bound their magnitudes together
        // so that no writer's sum can overflow, and name the employee at which the bound is passed.
        var magnitude: UInt64 = 0
        for (i, c) in computed.enumerated() {
            guard let r = c.0 else { continue }
            var m: UInt64 = 0
            for x in r.lines { m = m &+ x.fen.magnitude }
            for x in [
                r.gross, r.net, r.employeeSI, r.employerSI, r.housingFund.employee, r.housingFund.employer, r.tax, r.annualBonus,
                r.bonusTax, r.employerCost, r.ytd.income, r.ytd.withheld,
            ] as [Money] {
                m = m &+ x.fen.magnitude
            }
            magnitude = magnitude &+ m
            if magnitude > UInt64(MoneyBounds.totalFen) {
                let e = employees[i]
                diags.append(
                    Diagnostic(
                        code: Code.totalsTooLarge.rawValue, severity: .error, stage: .business, file: employeesFile,
                        line: e.line, column: nil, employeeID: e.id,
                        en:
                            "adding this employee's pay makes the period's totals larger than the reports can add up (about 4.6 × 10^16 yuan); check the amounts",
                        zh: "计入该员工后，本期合计金额超出报表可汇总的范围（约 4.6 × 10^16 元）；请检查金额"))
                break
            }
        }
        diags.sort(by: Diagnostic.reportOrder)
        var ledger: [(String, YearToDate)] = []
        var paid = Set<String>()
        for (i, e) in employees.enumerated() {
            if let r = computed[i].0 {
                ledger.append((e.id, r.ytd))
                paid.insert(e.id)
            }
        }
        for (id, y) in entries where !paid.contains(id) && y.year == period.year { ledger.append((id, y)) }
        ledger.sort { $0.0.codePointPrecedes($1.0) }
        return PayrollRun(
            rules: rules, performance: performance, pay: computed.map(\.0), ledger: ledger, diagnostics: diags,
            timings: timings)
    }

    /// starts[i]..<starts[i+1] is the range of rows whose key is i (keys sorted).
    static func starts(count: Int, keys: [Int32]) -> [Int] {
        var s = [Int](repeating: 0, count: count + 1)
        for k in keys { s[Int(k) + 1] += 1 }
        for i in 0..<count { s[i + 1] += s[i] }
        return s
    }
}
