import CSVReader
import Foundation
import PayrollCore
import PayrollRules
import Performance
import RunRecords
import Stages

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
        guard let r = run.pay[i] else { return nil }
        let e = batch.employees[i]
        let p = run.performance[i]
        var f: [Cell] = [.text(e.id), .text(e.department), .score(p.final), .text(p.grade), .score(p.coefficient)]
        for (k, c) in run.rules.components.enumerated() where c.spec.inGross { f.append(.money(r.lines[k])) }
        for a in RegisterAmounts.pay { f.append(.money(a.value(r))) }
        f += [.text(e.name), .text(e.costCenter), .text(e.city)]
        for a in RegisterAmounts.yearToDate { f.append(.money(a.value(r))) }
        f += [.score(p.kpi), .score(p.mbo), .score(p.feedback360), .score(p.bsc), .integer(p.departmentRank), .integer(p.companyRank)]
        if run.rules.policy.negativeNet == .carryForward { for a in RegisterAmounts.carried { f.append(.money(a.value(r))) } }
        if run.compTimeUsed { f.append(.text(r.ytd.compTime.description)) }
        return f
    }

    /// One employee's register row as text; nil when the employee was not paid.
    public static func row(_ i: Int, batch: Batch, run: PayrollRun) -> [String]? {
        cells(i, batch: batch, run: run).map { $0.map(\.text) }
    }

    /// Writes payroll_register.csv, one row per paid employee in employee_id order.
    public static func writeCSV(batch: Batch, run: PayrollRun, to path: String) throws {
        let w = try CSVStreamWriter(path: path, forPeople: true)
        try w.row(columns(run))
        for i in batch.employees.indices {
            if let r = row(i, batch: batch, run: run) { try w.row(r) }
        }
        try w.close()
    }

    /// The ledger the next period reads.
    public static func writeLedger(run: PayrollRun, to path: String) throws {
        let w = try CSVStreamWriter(path: path)
        // The balance columns appear only when some employee has a balance: a default run's ledger is unchanged.
        let balances = run.ledger.contains { $0.ytd.carried != .zero || $0.ytd.compTime != .zero }
        let items = run.ledger.contains { $0.ytd.additionalItems != nil }
        try w.row(YearToDateStore.ledgerColumns + (balances ? YearToDateStore.balanceColumns : []) + (items ? YearToDateStore.itemColumns : []))
        for (id, y) in run.ledger {
            try w.row(
                [
                    id, String(y.year), String(y.months), y.income.description, y.taxFree.description, y.special.description,
                    y.additional.description, y.taxable.description, y.tax.description, y.withheld.description,
                    y.annualBonus.description, y.annualBonusTax.description,
                ] + (balances ? [y.carried.description, y.compTime.description] : [])
                    + (items ? (y.additionalItems?.map(\.description) ?? Array(repeating: "", count: YearToDateStore.itemColumns.count)) : []))
        }
        try w.close()
    }
}
