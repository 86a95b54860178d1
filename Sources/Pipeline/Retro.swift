import Audit
import CSVReader
import Foundation
import Outputs
import PayrollCore
import PayrollRules
import RunRecords
import Stages

/// `payroll retro`: a change of pay approved late, effective from an earlier month. Every finished earlier
/// period of the year from the change's month is computed again with the new values; each earning or
/// deduction line of the structure (not SI, HF or tax) that differs from what was paid becomes one
/// `back_pay` row for the current period, taxed there under cumulative withholding (STANDARD.md "Retro pay").
/// Past periods are not changed.
public enum Retro {
    /// One row of the changes file.
    public struct Change: Sendable {
        /// The employee.
        public var employeeID: String
        /// The amount that changes.
        public var field: SalaryField
        /// The new monthly amount.
        public var value: Money
        /// The first day of the first month it applies to.
        public var effectiveFrom: Day
        /// The row's line in the changes file.
        public var line: Int
    }

    /// One back-pay row: an employee, a month, a line and what is still due.
    public struct Row: Sendable {
        /// The employee.
        public var employeeID: String
        /// The month recomputed.
        public var month: Period
        /// The structure line (component code).
        public var line: String
        /// What was paid.
        public var paid: Money
        /// What is due with the new values.
        public var due: Money
        /// due − paid.
        public var delta: Money { due - paid }
        /// The note on the adjustment (and the payslip).
        public var note: String { "retro \(month) \(line): paid \(paid), due \(due)" }
    }

    /// The file `run` reads beside adjustments.csv.
    public static let fileName = InputKind.retroAdjustments.defaultFileName

    /// Reads the changes file (CONTRACT "retro changes"); every problem is a diagnostic with its line and column.
    public static func readChanges(path: String) throws -> (changes: [Change], diagnostics: [Diagnostic]) {
        let name = (path as NSString).lastPathComponent
        var sink = DiagnosticSink(file: name)
        guard FileManager.default.fileExists(atPath: path) else {
            sink.add(.fileMissing, line: nil, column: nil, employee: nil, en: "changes file not found", zh: "未找到调整文件")
            return ([], sink.finish())
        }
        let columns: [(String, String)] = [("employee_id", "工号"), ("field", "字段"), ("value", "新值"), ("effective_from", "生效日期")]
        var pos: [String: Int] = [:]
        var changes: [Change] = []
        let summary = try CSVFileReader(path: path).read { rec in
            if rec.index == 0 {
                for i in 0..<rec.count {
                    let h = rec.string(i).trimmingCharacters(in: .whitespaces)
                    if let c = columns.first(where: { $0.0 == h.lowercased() || $0.1 == h }) { pos[c.0] = i }
                }
                for (c, zh) in columns where pos[c] == nil {
                    sink.add(
                        .missingColumn, line: 1, column: c, employee: nil, en: "required column \(c) (\(zh)) is missing",
                        zh: "缺少必填列 \(c)（\(zh)）")
                }
                return
            }
            guard pos.count == columns.count else { return }
            func cell(_ c: String) -> String { pos[c].flatMap { $0 < rec.count ? rec.string($0).trimmingCharacters(in: .whitespaces) : nil } ?? "" }
            let id = cell("employee_id")
            if id.isEmpty {
                sink.add(.required, line: rec.line, column: "employee_id", employee: nil, en: "employee_id is empty", zh: "工号为空")
            }
            let field = SalaryField(rawValue: cell("field"))
            if field == nil {
                sink.add(
                    .badEnum, line: rec.line, column: "field", employee: id,
                    en: "field must be one of \(SalaryField.allCases.map(\.rawValue).joined(separator: ", "))",
                    zh: "字段应为 \(SalaryField.allCases.map(\.rawValue).joined(separator: "、")) 之一")
            }
            let value = try? Money.parse(Array(cell("value").utf8), allowNegative: false).get()
            if value == nil {
                sink.add(
                    .badMoney, line: rec.line, column: "value", employee: id, en: "value must be an amount of at most 2 decimals, not negative",
                    zh: "新值应为不超过两位小数的非负金额")
            }
            let day = Day.parse(cell("effective_from"))
            if day == nil || day?.day != 1 {
                sink.add(
                    .badDate, line: rec.line, column: "effective_from", employee: id,
                    en: "effective_from must be the first day of a month (YYYY-MM-01)", zh: "生效日期应为某月 1 日（YYYY-MM-01）")
            }
            guard !id.isEmpty, let field, let value, let day, day.day == 1 else { return }
            changes.append(Change(employeeID: id, field: field, value: value, effectiveFrom: day, line: rec.line))
        }
        if let fault = summary.fault {
            sink.add(
                .malformedQuote, line: nil, column: nil, employee: nil, en: "the file cannot be read as CSV: \(fault)", zh: "无法按 CSV 读取该文件：\(fault)")
        }
        return (changes, sink.finish())
    }

    /// Recomputes the finished periods of `period`'s year that the changes reach and lists the differences.
    /// - Throws: `Failure`-like `AuditError` when a period the changes reach has no finished run, or is
    ///   `period` itself or later; a rule-pack or operational error from the recomputation.
    public static func compute(period: Period, root: String, changes: [Change], threads: Int = 0) throws -> [Row] {
        guard let first = changes.map(\.effectiveFrom).min() else { return [] }
        if let late = changes.first(where: { Period(year: $0.effectiveFrom.year, month: $0.effectiveFrom.month)! >= period }) {
            throw AuditError(
                zh: "变更文件第 \(late.line) 行自 \(late.effectiveFrom) 起生效，不早于 \(period)：本期及以后的变更应写入 employees.csv",
                en:
                    "line \(late.line) of the changes takes effect on \(late.effectiveFrom), not before \(period): a change from this period on belongs in employees.csv"
            )
        }
        var start = Period(year: first.year, month: first.month)!
        if start.year < period.year { start = Period(year: period.year, month: 1)! }  // back pay stays within the tax year
        var rows: [Row] = []
        var p = start
        while p < period {
            let folder = (root as NSString).appendingPathComponent(p.description)
            guard let record = try RunRecord.read(folder: folder) else {
                throw AuditError(
                    zh: "\(root) 中没有 \(p) 已完成的运行：变更涉及该期间，无法计算补发；请先运行 \(p)",
                    en: "\(p) has no finished run in \(root): the changes reach it, so its back pay cannot be computed; run \(p) first")
            }
            // The new values in force in p: the latest change of each field effective by p's first day.
            var overrides: [String: [(SalaryField, Money)]] = [:]
            for c in changes.sorted(by: { $0.effectiveFrom < $1.effectiveFrom }) where c.effectiveFrom <= p.firstDay {
                var list = overrides[c.employeeID] ?? []
                list.removeAll { $0.0 == c.field }
                list.append((c.field, c.value))
                overrides[c.employeeID] = list
            }
            if !overrides.isEmpty { rows += try recompute(p, record: record, root: root, overrides: overrides, threads: threads) }
            p = p.next
        }
        return rows
    }

    /// One period recomputed with `overrides`, line by line against its register.
    static func recompute(
        _ p: Period, record: RunRecord, root: String, overrides: [String: [(SalaryField, Money)]], threads: Int
    ) throws -> [Row] {
        func input(_ kind: String) -> String? { record.inputs.first { $0.kind == kind }?.path }
        guard let pipeline = input("pipeline"), let employees = input("employees") else {
            throw AuditError(zh: "\(p) 的 manifest 中没有流水线文件或 employees 文件", en: "the manifest of \(p) names no pipeline or employees file")
        }
        let def = try PipelineDefinition.load(path: pipeline)
        var s = RunSettings(
            definition: def, period: p, inputDirectory: (employees as NSString).deletingLastPathComponent, outputRoot: root,
            threads: threads, openingBalance: input("opening-balance"), firstPeriod: record.settings["first_period"] == "true")
        s.previousLedger = input("previous-ledger")
        s.employeeOverrides = overrides
        let c = try PeriodRunner.compute(s)
        guard let run = c.run else {
            throw AuditError(
                zh: "\(p) 的输入现在有 \(c.batch.errorCount) 个错误，无法重新计算（payroll validate 可列出）",
                en: "\(p)'s inputs now have \(c.batch.errorCount) errors; it cannot be recomputed (payroll validate shows them)")
        }
        let paid = try RegisterDiff.read((record.folder as NSString).appendingPathComponent("payroll_register.csv"))
        var rows: [Row] = []
        for (i, e) in c.batch.employees.enumerated() where overrides[e.id] != nil {
            guard let r = run.pay[i], let old = paid.rows[e.id] else { continue }
            for (k, comp) in run.rules.components.enumerated() where comp.spec.inGross && comp.spec.code != "adjustments" {
                guard let col = paid.header.firstIndex(of: comp.spec.code), col < old.count,
                    let was = try? Money.parse(Array(old[col].utf8), allowNegative: true).get()
                else { continue }
                if r.lines[k] != was { rows.append(Row(employeeID: e.id, month: p, line: comp.spec.code, paid: was, due: r.lines[k])) }
            }
        }
        return rows
    }

    /// Writes the back-pay rows as adjustments (`back_pay`, the note naming month, line, paid and due).
    public static func write(_ rows: [Row], to path: String) throws {
        let w = try CSVStreamWriter(path: path)
        try w.row(["employee_id", "code", "amount", "note"])
        for r in rows.sorted(by: { ($0.employeeID, $0.month, $0.line) < ($1.employeeID, $1.month, $1.line) }) {
            try w.row([r.employeeID, "back_pay", r.delta.description, r.note])
        }
        try w.close()
    }
}
