import CSVReader
import Foundation
import PayrollCore
import PayrollRules
import Stages

/// `receivables.csv` (`negative_net: carry_forward`): leavers whose carried negative net pay was not recovered
/// by their last period. The employer recovers it outside payroll.
public enum Receivables {
    /// The employees who leave by the period's last day with a balance still to recover, in employee_id order.
    public static func rows(batch: Batch, run: PayrollRun) -> [(employee: Employee, amount: Money)] {
        batch.employees.indices.compactMap { i in
            let e = batch.employees[i]
            guard let r = run.pay[i], r.carriedBalance > .zero, let leave = e.leaveDate, leave <= batch.period.lastDay else { return nil }
            return (e, r.carriedBalance)
        }
    }

    /// Writes the receivables (a header only when there are none).
    public static func write(batch: Batch, run: PayrollRun, to path: String) throws {
        let w = try CSVStreamWriter(path: path, forPeople: true)
        try w.row(["employee_id", "name", "department", "leave_date", "receivable"])
        for (e, amount) in rows(batch: batch, run: run) {
            try w.row([e.id, e.name, e.department, e.leaveDate?.description ?? "", amount.description])
        }
        try w.close()
    }
}
