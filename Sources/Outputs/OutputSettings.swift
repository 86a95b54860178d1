import PayrollCore

/// The kinds of output a pipeline can write; `--only` picks among them.
public enum OutputKind: String, CaseIterable, Sendable {
    case validation, register, performance, payslips, bank, reports
}

/// Which password opens an employee's payslip.
public enum PayslipPassword: String, Sendable {
    case none
    /// The last six characters of the resident ID number.
    case idLast6 = "id_last6"
    case employeeID = "employee_id"
}
