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

    /// What every row of a run's register has in common, worked out once per file rather than once per row.
    public struct Layout: Sendable {
        /// The structure's lines that are in gross, by index.
        let grossLines: [Int]
        let carried: Bool
        let compTime: Bool

        /// The layout of `run`'s register.
        public init(_ run: PayrollRun) {
            grossLines = run.rules.components.indices.filter { run.rules.components[$0].spec.inGross }
            carried = run.rules.policy.negativeNet == .carryForward
            compTime = run.compTimeUsed
        }
    }

    /// Hands one employee's register cells, in `columns` order, to `sink`; false (and nothing handed) when the
    /// employee was not paid.
    public static func cells(_ i: Int, batch: Batch, run: PayrollRun, into f: inout some RegisterCellSink) -> Bool {
        cells(i, batch: batch, run: run, layout: Layout(run), into: &f)
    }

    /// The same with the run's layout given. The one place that knows what a register row holds. The employee's
    /// and the scores' fields are read in place (binding them to a local would copy every field, each String
    /// retained and released once per row); the pay result is bound once, as every amount's closure takes it.
    public static func cells(_ i: Int, batch: Batch, run: PayrollRun, layout: Layout, into f: inout some RegisterCellSink) -> Bool {
        guard let r = run.pay[i] else { return false }
        f.text(batch.employees[i].id)
        f.text(batch.employees[i].department)
        f.score(run.performance[i].final)
        f.text(run.performance[i].grade)
        f.score(run.performance[i].coefficient)
        for k in layout.grossLines { f.money(r.lines[k]) }
        for a in RegisterAmounts.pay { f.money(a.value(r)) }
        f.text(batch.employees[i].name)
        f.text(batch.employees[i].costCenter)
        f.text(batch.employees[i].city)
        for a in RegisterAmounts.yearToDate { f.money(a.value(r)) }
        f.score(run.performance[i].kpi)
        f.score(run.performance[i].mbo)
        f.score(run.performance[i].feedback360)
        f.score(run.performance[i].bsc)
        f.integer(run.performance[i].departmentRank)
        f.integer(run.performance[i].companyRank)
        if layout.carried { for a in RegisterAmounts.carried { f.money(a.value(r)) } }
        if layout.compTime { f.text(r.ytd.compTime.description) }
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
        let buffer: CSVRowBuffer
        func text(_ s: String) { buffer.field(s) }
        func money(_ m: Money) { buffer.field(m) }
        func score(_ x: Exact?) { buffer.field(x, places: 2) }
        func integer(_ n: Int) { buffer.field(integer: n) }
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
        let layout = Layout(run)
        // Formatted on a thread of their own while this one writes and hashes them (the rows in order).
        try w.rows(count: batch.employees.count) { i, buffer in
            var sink = CSVRowSink(buffer: buffer)
            return cells(i, batch: batch, run: run, layout: layout, into: &sink)
        }
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
