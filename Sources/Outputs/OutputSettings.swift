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

/// The language of reports and messages.
public enum ReportLocale: String, Sendable {
    case zh, en, both

    /// A diagnostic's message in this locale.
    public func text(_ d: Diagnostic) -> String {
        switch self {
        case .zh: return d.messageZH
        case .en: return d.messageEN
        case .both: return "\(d.messageZH) / \(d.messageEN)"
        }
    }
}
