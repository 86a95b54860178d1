import CSVReader
import Foundation
import PayrollCore
import PayrollRules
import Performance
import RunRecords
import Stages

/// Where a register row's cells go, one after another in `Register.columns` order.
public protocol RegisterCellSink {
    /// A text cell.
    mutating func text(_ s: String)
    /// An amount.
    mutating func money(_ m: Money)
    /// A score or coefficient (two decimals; empty when there is none).
    mutating func score(_ x: Exact?)
    /// A whole number (a rank).
    mutating func integer(_ n: Int)
}

/// `payroll_register.csv`: one row per employee, sorted by employee_id, amounts
/// in yuan with exactly two decimals, columns as STANDARD.md spells them
/// (and, after them, a few more for reading the row).
public enum Register {
    /// The register's columns: scores, the structure's lines in gross, then `RegisterAmounts`.
    /// Balances follow, when the run has them: carried negative net (`negative_net: carry_forward`) and comp time (hours).
    public static func columns(_ run: PayrollRun) -> [String] {
        ["employee_id", "department", "final_score", "grade", "coefficient"]
            + run.rules.components.filter(\.spec.inGross).map(\.spec.code)
            + RegisterAmounts.pay.map(\.name) + ["name", "cost_center", "city"] + RegisterAmounts.yearToDate.map(\.name)
            + ["kpi_score", "mbo_score", "feedback360_score", "bsc_score", "department_rank", "company_rank"]
            + (run.rules.policy.negativeNet == .carryForward ? RegisterAmounts.carried.map(\.name) : [])
            + (run.compTimeUsed ? ["comp_time_balance"] : [])
    }

    /// A register cell, typed: the CSV writes its text, the workbook a number or a string.
    public enum Cell: Sendable {
        case text(String)
        case money(Money)
        case score(Exact?)
        case integer(Int)

        /// The cell as CSV text.
        public var text: String {
            switch self {
            case .text(let s): return s
            case .money(let m): return m.description
            case .score(let x): return x.map { $0.formatted(places: 2) } ?? ""
            case .integer(let n): return String(n)
            }
        }
    }

    /// One employee's register row, in `columns` order; nil when the employee was not paid.
    public static func cells(_ i: Int, batch: Batch, run: PayrollRun) -> [Cell]? {
        var list = CellList()
        return cells(i, batch: batch, run: run, into: &list) ? list.cells : nil
    }

    /// Hands one employee's register cells, in `columns` order, to `sink`; false (and nothing handed) when the
    /// employee was not paid. The one place that knows what a register row holds.
    public static func cells(_ i: Int, batch: Batch, run: PayrollRun, into f: inout some RegisterCellSink) -> Bool {
        guard let r = run.pay[i] else { return false }
        let e = batch.employees[i]
        let p = run.performance[i]
        f.text(e.id)
        f.text(e.department)
        f.score(p.final)
        f.text(p.grade)
        f.score(p.coefficient)
        for (k, c) in run.rules.components.enumerated() where c.spec.inGross { f.money(r.lines[k]) }
        for a in RegisterAmounts.pay { f.money(a.value(r)) }
        f.text(e.name)
        f.text(e.costCenter)
        f.text(e.city)
        for a in RegisterAmounts.yearToDate { f.money(a.value(r)) }
        f.score(p.kpi)
        f.score(p.mbo)
        f.score(p.feedback360)
        f.score(p.bsc)
        f.integer(p.departmentRank)
        f.integer(p.companyRank)
        if run.rules.policy.negativeNet == .carryForward { for a in RegisterAmounts.carried { f.money(a.value(r)) } }
        if run.compTimeUsed { f.text(r.ytd.compTime.description) }
        return true
    }

    /// Cells collected into a list.
    struct CellList: RegisterCellSink {
        var cells: [Cell] = []
        mutating func text(_ s: String) { cells.append(.text(s)) }
        mutating func money(_ m: Money) { cells.append(.money(m)) }
        mutating func score(_ x: Exact?) { cells.append(.score(x)) }
        mutating func integer(_ n: Int) { cells.append(.integer(n)) }
    }

    /// Cells written straight into a CSV row (the text `Cell.text` gives, without a String per amount).
    struct CSVRowSink: RegisterCellSink {
        let writer: CSVStreamWriter
        func text(_ s: String) { writer.field(s) }
        func money(_ m: Money) { writer.field(m) }
        func score(_ x: Exact?) { writer.field(x.map { $0.formatted(places: 2) } ?? "") }
        func integer(_ n: Int) { writer.field(integer: n) }
    }

    /// One employee's register row as text; nil when the employee was not paid.
    public static func row(_ i: Int, batch: Batch, run: PayrollRun) -> [String]? {
        cells(i, batch: batch, run: run).map { $0.map(\.text) }
    }

    /// Writes payroll_register.csv, one row per paid employee in employee_id order; returns the SHA-256 and size of
    /// what it wrote.
    @discardableResult
    public static func writeCSV(batch: Batch, run: PayrollRun, to path: String) throws -> FileDigest {
        let w = try CSVStreamWriter(path: path, forPeople: true)
        try w.row(columns(run))
        var sink = CSVRowSink(writer: w)
        for i in batch.employees.indices where cells(i, batch: batch, run: run, into: &sink) { try w.endRow() }
        return try w.close()
    }

    /// The ledger the next period reads; returns the SHA-256 and size of what it wrote.
    @discardableResult
    public static func writeLedger(run: PayrollRun, to path: String) throws -> FileDigest {
        let w = try CSVStreamWriter(path: path)
        // The balance columns appear only when some employee has a balance: a default run's ledger is unchanged.
        let balances = run.ledger.contains { $0.ytd.carried != .zero || $0.ytd.compTime != .zero }
        let items = run.ledger.contains { $0.ytd.additionalItems != nil }
        try w.row(YearToDateStore.ledgerColumns + (balances ? YearToDateStore.balanceColumns : []) + (items ? YearToDateStore.itemColumns : []))
        for (id, y) in run.ledger {
            w.field(id)
            w.field(integer: y.year)
            w.field(integer: y.months)
            for m in [y.income, y.taxFree, y.special, y.additional, y.taxable, y.tax, y.withheld, y.annualBonus, y.annualBonusTax] {
                w.field(m)
            }
            if balances {
                w.field(y.carried)
                w.field(y.compTime.description)
            }
            if items {
                if let a = y.additionalItems {
                    for m in a { w.field(m) }
                } else {
                    for _ in YearToDateStore.itemColumns { w.field("") }
                }
            }
            try w.endRow()
        }
        return try w.close()
    }
}
