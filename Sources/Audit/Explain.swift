import Foundation
import PayrollCore
import PayrollRules
import RunRecords
import Stages

/// `payroll explain`: recomputes a finished period from what its manifest
/// names and traces one employee's pay.
public enum Explain {
    /// One employee's explained pay.
    public struct Report: Sendable {
        /// The period.
        public var period: Period
        /// The employee.
        public var employee: Employee
        /// Every step of the pay calculation.
        public var trace: PayTrace
        /// The final performance score, as text.
        public var finalScore: String
        /// The grade.
        public var grade: String
        /// The pay coefficient, as text.
        public var coefficient: String
        /// The stored register row agrees with the recomputed one.
        public var matchesRegister: Bool?
        /// The employee's adjustment rows, with the file and line each comes from (adjustments.csv, retro_adjustments.csv).
        public var adjustments: [Adjustment] = []
    }

    /// A finished period recomputed in memory from what its manifest names.
    public struct Context: Sendable {
        /// The recomputed batch.
        public var batch: Batch
        /// Its performance and pay.
        public var run: PayrollRun
        /// The rule pack's values for the period.
        public var rules: PeriodRules
        /// What the run read (from its manifest).
        public var request: ReplayRequest
    }

    /// Recomputes a finished period in memory from what its manifest names.
    public static func context(period: Period, root: String, replay: any PeriodReplay) throws -> Context {
        let folder = (root as NSString).appendingPathComponent(period.description)
        guard let record = try RunRecord.read(folder: folder) else {
            throw AuditError("\(folder) is not a finished run (no manifest.json)")
        }
        func input(_ kind: String) -> String? { record.inputs.first { $0.kind == kind }?.path }
        guard let pipeline = input("pipeline"), let employees = input("employees") else {
            throw AuditError("the manifest names no pipeline or employees file")
        }
        let settings = record.settings
        let s = ReplayRequest(
            pipeline: pipeline, period: period, inputDirectory: (employees as NSString).deletingLastPathComponent,
            outputRoot: root, openingBalance: input("opening-balance"), firstPeriod: settings["first_period"] == "true",
            previousLedger: input("previous-ledger"))
        let c = try replay.compute(s)
        guard let run = c.run else { throw AuditError("the period's inputs now have errors; it cannot be recomputed") }
        return Context(batch: c.batch, run: run, rules: c.rules, request: s)
    }

    /// Explains one employee's pay in a finished period.
    public static func run(period: Period, employeeID: String, root: String, replay: any PeriodReplay) throws -> Report {
        let ctx = try context(period: period, root: root, replay: replay)
        let folder = (root as NSString).appendingPathComponent(period.description)
        let c = (batch: ctx.batch, rules: ctx.rules)
        let run = ctx.run
        let s = ctx.request
        guard let i = c.batch.employees.firstIndex(where: { $0.id == employeeID }) else {
            throw AuditError("employee \(employeeID) is not in \(period)")
        }
        let e = c.batch.employees[i]
        let p = run.performance[i]
        let starts = c.batch.adjustments.filter { Int($0.employee) == i }
        let ytd = try YearToDateStore.load(
            period: period, root: root, opening: s.openingBalance, firstPeriod: s.firstPeriod,
            previousLedger: s.previousLedger)
        let inputForTrace = PayInput(
            employee: e, attendance: c.batch.attendance[i], coefficient: p.coefficient,
            finalScore: p.final ?? .zero, pointsBonus: p.pointsBonus, adjustments: starts,
            previous: ytd.entries[e.id], mode: e.basicDeductionMode,
            compTime: c.batch.compTimeTracked || (ytd.entries[e.id]?.compTime ?? .zero) != .zero)
        let trace = try c.rules.trace(inputForTrace)
        var matches: Bool?
        let registerPath = (folder as NSString).appendingPathComponent("payroll_register.csv")
        if FileManager.default.fileExists(atPath: registerPath), let row = replay.registerRow(i, batch: c.batch, run: run) {
            let stored = try RegisterDiff.read(registerPath)
            matches = stored.rows[e.id].map { Array($0.prefix(row.count)) == row }
        }
        return Report(
            period: period, employee: e, trace: trace, finalScore: p.final?.formatted(places: 2) ?? "",
            grade: p.grade, coefficient: p.coefficient.formatted(places: 2), matchesRegister: matches, adjustments: starts)
    }

    /// The explanation as text for the terminal.
    public static func text(_ r: Report) -> String {
        var o = "Employee \(r.employee.id) \(r.employee.name), \(r.employee.department), period \(r.period)\n"
        o += "Performance: final score \(r.finalScore), grade \(r.grade), coefficient \(r.coefficient)\n\n"
        o += "Pay lines (each rounded half-up to the fen)\n"
        for l in r.trace.lines {
            o += "  \(l.code)  \(l.label)\(l.inGross ? "" : "  [information, not in gross]")\n"
            o += "    formula: \(l.formula)\n"
            for (n, v) in l.inputs { o += "    \(n) = \(v)\n" }
            for p in l.parameters { o += "    \(p.name) = \(p.value)  (from \(p.from); \(p.source))\n" }
            o += "    = \(l.exact) → \(l.amount)\n"
        }
        if !r.adjustments.isEmpty {
            o += "  adjustments, row by row:\n"
            for a in r.adjustments { o += "    \(a.file):\(a.line)  \(a.code)  \(a.amount)  \(a.note)\n" }
        }
        o += "  gross = \(r.trace.gross)\n\nSocial insurance and housing fund\n"
        for s in r.trace.insurance {
            o += "  \(s.line): base clamp(\(s.declaredBase), \(s.floor), \(s.ceiling)) = \(s.base); employee \(s.employeeRate)"
            o += s.employeeFixed == .zero ? "" : " + \(s.employeeFixed)"
            o += " → \(s.employee); employer \(s.employerRate) → \(s.employer); rounding \(s.rounding)\n"
        }
        if let src = r.trace.insurance.first?.source { o += "  source: \(src)\n" }
        o += "\nIncome tax, cumulative withholding\n"
        for (k, v) in r.trace.tax { o += "  \(k): \(v)\n" }
        if !r.trace.bonus.isEmpty {
            o += "\nAnnual one-time bonus, taxed separately\n"
            for (k, v) in r.trace.bonus { o += "  \(k): \(v)\n" }
        }
        o += "\n"
        for (k, v) in r.trace.net { o += "\(k): \(v)\n" }
        if let m = r.matchesRegister {
            o += m ? "\nThe register's row for this employee matches.\n" : "\nWARNING: the stored register row differs from this recomputation.\n"
        }
        return o
    }

    /// The explanation as JSON for tools.
    public static func json(_ r: Report) throws -> Data {
        let t = r.trace
        let obj: [String: Any] = [
            "period": r.period.description, "employee_id": r.employee.id, "department": r.employee.department,
            "performance": ["final_score": r.finalScore, "grade": r.grade, "coefficient": r.coefficient],
            "lines": t.lines.map { l in
                [
                    "code": l.code, "label": l.label, "in_gross": l.inGross, "formula": l.formula,
                    "inputs": Dictionary(uniqueKeysWithValues: l.inputs.map { ($0.0, $0.1) }),
                    "parameters": l.parameters.map { ["name": $0.name, "value": $0.value, "from": $0.from, "source": $0.source] },
                    "exact": l.exact, "rounding": l.rounding, "amount": l.amount.description,
                ] as [String: Any]
            },
            "gross": t.gross.description,
            "insurance": t.insurance.map { s in
                [
                    "line": s.line, "declared_base": s.declaredBase.description, "floor": s.floor.description, "ceiling": s.ceiling.description,
                    "base": s.base.description, "employee_rate": s.employeeRate, "employee_fixed": s.employeeFixed.description,
                    "employer_rate": s.employerRate, "rounding": s.rounding, "employee": s.employee.description,
                    "employer": s.employer.description, "source": s.source,
                ]
            },
            "tax": t.tax.map { ["step": $0.0, "value": $0.1] },
            "annual_bonus": t.bonus.map { ["step": $0.0, "value": $0.1] },
            "net_pay": t.result.net.description,
            "matches_register": r.matchesRegister as Any,
            "adjustments": r.adjustments.map {
                ["file": $0.file, "line": $0.line, "code": $0.code, "amount": $0.amount.description, "note": $0.note] as [String: Any]
            },
        ]
        return try JSONSerialization.data(withJSONObject: obj, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }
}
