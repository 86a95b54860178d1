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
    /// Some employee has a comp-time balance or took comp time this period: the register shows the balance.
    public var compTimeUsed = false
}

/// Stage 4: pay under the period's rules, from the validated batch and its rollup.
public enum PayrollStage {
    /// Pay runs over shards of at least this many employees (each one's pay costs more than its rollup).
    public static let payShard = 256
    /// Every employee's pay, over employee shards in parallel, and the ledger to carry forward.
    public static func run(
        batch: Batch, performance: [PerformanceResult], rules: PeriodRules, ytd: YearToDateStore.Loaded,
        modes: [BasicDeductionMode]? = nil, scheduler: any WorkScheduler = SerialScheduler(), employeesFile: String = "employees.csv"
    ) -> PayrollRun {
        let executor = scheduler
        let started = DispatchTime.now()
        let employees = batch.employees
        // Row ranges of each employee's adjustments (sorted by employee).
        let adjStart = rowStarts(count: employees.count, keys: batch.adjustments.map(\.employee))
        let adjustments = batch.adjustments
        let compTimeTracked = batch.compTimeTracked
        let perf = performance
        let attendance = batch.attendance
        let period = batch.period
        let entries = ytd.entries
        let usesLedger: Bool = {
            if case .ledger = ytd.source { return true }
            if case .opening = ytd.source { return true }
            return false
        }()
        // The results are built in place; each shard's diagnostics come back beside them.
        let computed = executor.mapEach(count: employees.count, minShard: PayrollStage.payShard) {
            (range, put: (PayResult?) -> Void) -> [Diagnostic] in
            let rules = rules.threadLocal()  // nothing shared between the cores on the hot path
            var shardDiagnostics: [Diagnostic] = []
            func emit(_ r: PayResult?, _ d: [Diagnostic]) {
                put(r)
                shardDiagnostics += d
            }
            for i in range {
                let e = employees[i]
                let p = perf[i]
                var sink = DiagnosticSink(file: employeesFile)
                func add(_ c: Code, _ en: String, _ zh: String) { sink.add(c, line: e.line, column: nil, employee: e.id, en: en, zh: zh) }
                PayChecks.missingMethods(p, add)
                guard let final = p.final else {
                    PayChecks.noFinalScore(p, add)
                    emit(nil, sink.finish())
                    continue
                }
                let prev = entries[e.id]
                PayChecks.ledgerEntry(e, previous: prev, usesLedger: usesLedger, period: period, add)
                let input = PayInput(
                    employee: e, attendance: attendance[i], coefficient: p.coefficient, finalScore: final,
                    pointsBonus: p.pointsBonus,
                    adjustments: Array(adjustments[adjStart[i]..<adjStart[i + 1]]), previous: prev,
                    mode: modes?[i] ?? e.basicDeductionMode, compTime: compTimeTracked || (prev?.compTime ?? .zero) != .zero)
                do {
                    let r = try rules.compute(input)
                    PayChecks.result(r, period: period, add)
                    emit(r, sink.finish())
                } catch {
                    PayChecks.failure(error, add)
                    emit(nil, sink.finish())
                }
            }
            return shardDiagnostics
        }
        let timings = [("payroll", Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9)]
        var diags = computed.shards.flatMap { $0 }
        let pay = computed.results
        if let d = PayChecks.bonusPolicyEnded(pay, rules: rules, employees: employees, employeesFile: employeesFile) { diags.append(d) }
        if let d = PayChecks.totalsBound(pay, employees: employees, employeesFile: employeesFile) { diags.append(d) }
        diags += PayChecks.staleBands(rules: rules, employees: employees, employeesFile: employeesFile)
        diags.sort(by: Diagnostic.reportOrder)
        // Labelled as PayrollRun's ledger is: an array of unlabelled tuples would be converted, a copy of every entry.
        var ledger: [(id: String, ytd: YearToDate)] = []
        ledger.reserveCapacity(employees.count)
        for (i, e) in employees.enumerated() {
            if let r = pay[i] { ledger.append((e.id, r.ytd)) }
        }
        // Who was in last period's ledger and not paid now keeps the entry (a set of the paid only when there is one).
        if !entries.isEmpty {
            let paid = Set(ledger.map(\.0))
            for (id, y) in entries where !paid.contains(id) && y.year == period.year { ledger.append((id, y)) }
        }
        // Employees come sorted by ID, so the ledger usually is already: checked in one pass before sorting.
        if !zip(ledger, ledger.dropFirst()).allSatisfy({ $0.0.0.codePointPrecedes($0.1.0) }) {
            ledger.sort { $0.0.codePointPrecedes($1.0) }
        }
        var run = PayrollRun(
            rules: rules, performance: performance, pay: pay, ledger: ledger, diagnostics: diags,
            timings: timings)
        run.compTimeUsed =
            ledger.contains { $0.1.compTime != .zero }
            || batch.attendance.contains { $0.overtimeRestdayComp != .zero }
        return run
    }
}
