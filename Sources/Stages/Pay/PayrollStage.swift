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
    /// Each employee's pay; nil for an employee who cannot be paid (a diagnostic says why). Empty when the run was
    /// computed for validation only (`keepResults` false): `net(_:)` still gives each net pay.
    public var pay: [PayResult?]
    /// Each employee's net pay when the results were not kept; empty when they were.
    var nets: [Money?] = []
    /// Employee `i`'s net pay; nil when the employee cannot be paid.
    public func net(_ i: Int) -> Money? { nets.isEmpty ? pay[i]?.net : nets[i] }
    /// Year-to-date entries to carry into the next period's ledger (this period's and earlier ones not paid now), in
    /// code-point order of employee_id: read from the pay results as they are walked, not kept beside them.
    public var ledger: Ledger { Ledger(employees: employees, pay: pay, carried: carried, inOrder: idsInOrder) }
    /// The batch's employees (the same storage, not a copy): each pay result's employee_id.
    var employees: [Employee]
    /// Entries of the previous ledger of the same year for employees not paid now, in code-point order.
    var carried: [(id: String, ytd: YearToDate)]
    /// The employees' IDs are strictly in code-point order (intake sorts them so; checked once).
    var idsInOrder: Bool
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
    /// Every employee's pay, over employee shards in parallel, and the ledger to carry forward. `keepResults` false
    /// (validation) keeps each employee's net pay only; the diagnostics are the same.
    public static func run(
        batch: Batch, performance: [PerformanceResult], rules: PeriodRules, ytd: YearToDateStore.Loaded,
        modes: [BasicDeductionMode]? = nil, scheduler: any WorkScheduler = SerialScheduler(), employeesFile: String = "employees.csv",
        minShard: Int = PayrollStage.payShard, keepResults: Bool = true
    ) -> PayrollRun {
        let executor = scheduler
        let started = DispatchTime.now()
        let employees = batch.employees
        // Row ranges of each employee's adjustments (sorted by employee).
        let adjStart = rowStarts(count: employees.count, keys: batch.adjustments.lazy.map(\.employee))
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
        // Each employee's pay, its diagnostics going to the shard's summary with what the checks after pay need of it
        // (read here, where the result is at hand, not in passes over a million results after).
        @Sendable func pay(_ i: Int, _ rules: PeriodRules, _ summary: inout ShardSummary) -> PayResult? {
            PayChecks.noteCity(employees[i].city, in: &summary.cities)
            if i > summary.range.lowerBound && !employees[i - 1].id.codePointPrecedes(employees[i].id) { summary.idsInOrder = false }
            if attendance.indices.contains(i) && attendance[i].overtimeRestdayComp != .zero { summary.compTime = true }
            // The employee and the rollup read in place: the employee record is not copied, the facts are.
            let line = employees[i].line
            let id = employees[i].id
            var sink = DiagnosticSink(file: employeesFile)
            func add(_ c: Code, _ en: String, _ zh: String) { sink.add(c, line: line, column: nil, employee: id, en: en, zh: zh) }
            // The rollup's result bound once and the pay result returned as it is made: each copy of them (140 and 330
            // bytes) was a memory copy per employee.
            let p = perf[i]
            PayChecks.missingMethods(p, add)
            guard let final = p.final else {
                PayChecks.noFinalScore(p, add)
                summary.diagnostics += sink.finish()
                return nil
            }
            let prev = entries.isEmpty ? nil : entries[id]
            PayChecks.ledgerEntry(employees[i], previous: prev, usesLedger: usesLedger, period: period, add)
            let facts = PayFacts(
                attendance: attendance[i], coefficient: p.coefficient, finalScore: final, pointsBonus: p.pointsBonus,
                adjustments: adjustments[adjStart[i]..<adjStart[i + 1]], previous: prev,
                mode: modes?[i] ?? employees[i].basicDeductionMode, compTime: compTimeTracked || (prev?.compTime ?? .zero) != .zero)
            do {
                let r = try rules.compute(employees[i], facts)
                PayChecks.result(r, period: period, add)
                let (sum, overflow) = summary.magnitude.addingReportingOverflow(PayChecks.magnitude(r))
                summary.magnitude = overflow ? .max : sum
                if r.ytd.compTime != .zero { summary.compTime = true }
                if r.bonusTaxedWithSalary { summary.bonusWithSalary += 1 }
                summary.diagnostics += sink.finish()
                return r
            } catch {
                PayChecks.failure(error, add)
                summary.diagnostics += sink.finish()
                return nil
            }
        }
        // The results are built in place, over shards; kept whole for the writers, or (validation, which writes none)
        // only each employee's net pay, for the bank check: a million results are about 330 MB written and let go.
        let results: [PayResult?]
        let nets: [Money?]
        let shards: [ShardSummary]
        if keepResults {
            (results, shards) = executor.mapEach(count: employees.count, minShard: minShard) { (range, put: (PayResult?) -> Void) in
                let rules = rules.threadLocal()  // nothing shared between the cores on the hot path
                var summary = ShardSummary(range: range)
                for i in range { put(pay(i, rules, &summary)) }
                return summary
            }
            nets = []
        } else {
            (nets, shards) = executor.mapEach(count: employees.count, minShard: minShard) { (range, put: (Money?) -> Void) in
                let rules = rules.threadLocal()
                var summary = ShardSummary(range: range)
                for i in range { put(pay(i, rules, &summary)?.net) }
                return summary
            }
            results = []
        }
        let timings = [("payroll", Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9)]
        var diags = shards.flatMap(\.diagnostics)
        if let d = PayChecks.bonusPolicyEnded(count: shards.reduce(0) { $0 + $1.bonusWithSalary }, rules: rules, employeesFile: employeesFile) {
            diags.append(d)
        }
        // N005 from the shards' magnitudes; the employee who passes the bound is found in the shard where it is passed
        // (its results computed again when they were not kept: pay is pure, and this happens only beyond the bound).
        if let (k, before) = PayChecks.shardPassingBound(shards.map(\.magnitude), bound: UInt64(MoneyBounds.totalFen)) {
            let range = shards[k].range
            let again = rules.threadLocal()
            var scratch = ShardSummary(range: range)
            let d = PayChecks.totalsBound(employees: employees, employeesFile: employeesFile, range: range, from: before) { i in
                keepResults ? results[i] : pay(i, again, &scratch)
            }
            if let d { diags.append(d) }
        }
        var cities: [String] = []
        for shard in shards { for c in shard.cities { PayChecks.noteCity(c, in: &cities) } }
        diags += PayChecks.staleBands(rules: rules, cities: cities, employeesFile: employeesFile)
        diags.sort(by: Diagnostic.reportOrder)
        // The ledger is read from the pay results when it is written: only the previous ledger's entries
        // for employees not paid now are kept (a copy of every year-to-date state would be 128 bytes an employee).
        var carried: [(id: String, ytd: YearToDate)] = []
        if !entries.isEmpty {
            let paid = Set(employees.indices.lazy.filter { keepResults ? results[$0] != nil : nets[$0] != nil }.map { employees[$0].id })
            for (id, y) in entries where !paid.contains(id) && y.year == period.year { carried.append((id, y)) }
            carried.sort { $0.id.codePointPrecedes($1.id) }
        }
        // In order within each shard (checked there) and across their boundaries.
        let idsInOrder =
            shards.allSatisfy(\.idsInOrder)
            && shards.indices.dropFirst().allSatisfy { k in
                employees[shards[k].range.lowerBound - 1].id.codePointPrecedes(employees[shards[k].range.lowerBound].id)
            }
        var run = PayrollRun(
            rules: rules, performance: performance, pay: results, employees: employees, carried: carried, idsInOrder: idsInOrder,
            diagnostics: diags, timings: timings)
        run.nets = nets
        // The ledger's entries are the pay results' and the carried ones: read in place.
        run.compTimeUsed =
            carried.contains { $0.ytd.compTime != .zero } || shards.contains(where: \.compTime)
            || batch.attendance.count > employees.count
                && batch.attendance[employees.count...].contains { $0.overtimeRestdayComp != .zero }
        return run
    }

    /// What a shard of the pay stage gives besides its results.
    struct ShardSummary: Sendable {
        /// Its employees.
        let range: Range<Int>
        var diagnostics: [Diagnostic] = []
        /// The magnitude N005 bounds, summed over its results (`UInt64.max` when beyond).
        var magnitude: UInt64 = 0
        /// Its employees' cities, no repeats.
        var cities: [String] = []
        /// Its employees' IDs are strictly in code-point order.
        var idsInOrder = true
        /// Some employee has a comp-time balance or rest-day overtime taken as time off.
        var compTime = false
        /// Its employees whose annual bonus is taxed with the month's salary (N008 counts them).
        var bonusWithSalary = 0
    }
}

/// The year-to-date entries a run carries into the next period's ledger, in code-point order of employee_id: each paid
/// employee's state after this period, and the previous ledger's entries of the same year for employees not paid now.
/// Walked from the pay results; nothing is copied.
public struct Ledger: Sequence, Sendable {
    let employees: [Employee]
    let pay: [PayResult?]
    let carried: [(id: String, ytd: YearToDate)]
    let inOrder: Bool

    /// The entries in order.
    public func makeIterator() -> AnyIterator<(id: String, ytd: YearToDate)> {
        guard inOrder else {
            // Employees out of code-point order (never from intake, which sorts them): every entry, sorted.
            var all: [(id: String, ytd: YearToDate)] = carried
            for i in employees.indices { if let r = pay[i] { all.append((employees[i].id, r.ytd)) } }
            all.sort { $0.id.codePointPrecedes($1.id) }
            return AnyIterator(all.makeIterator())
        }
        // Two sorted runs merged: the paid employees in order, the carried entries in order.
        var i = 0
        var c = 0
        let employees = employees
        let pay = pay
        let carried = carried
        return AnyIterator {
            while i < employees.count && pay[i] == nil { i += 1 }
            let paidNext = i < employees.count
            if c < carried.count && (!paidNext || carried[c].id.codePointPrecedes(employees[i].id)) {
                c += 1
                return carried[c - 1]
            }
            guard paidNext, let r = pay[i] else { return nil }
            i += 1
            return (employees[i - 1].id, r.ytd)
        }
    }
}
