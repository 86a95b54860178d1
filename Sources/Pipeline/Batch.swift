import PayrollCore

/// One employee row of employees.csv, typed. `rowValid` is false when the row
/// had errors (the employee still exists for cross-file references).
public struct Employee: Sendable {
    public var id: String
    public var name: String
    public var idNumber: String
    public var department: String
    public var deptType: DeptType
    public var position: String
    public var costCenter: String
    public var city: String
    public var hireDate: Day
    public var leaveDate: Day?
    public var contractEnd: Day?
    public var baseSalary: Money
    public var positionSalary: Money
    public var allowance: Money?
    public var bonusBase: Money?
    public var siBase: Money
    public var hfBase: Money?
    public var hfRate: Fixed
    public var specialDeduction: Money?
    public var bankCode: String
    public var bankAccount: String
    /// Line in employees.csv.
    public var line: Int
    public var rowValid: Bool
}

/// What one employee's attendance rows add up to; rows themselves are not kept.
public struct AttendanceSummary: Sendable {
    /// Bit d-1 set when a row for day d of the period was read.
    public var dayMask: UInt32 = 0
    /// Days per `AttendanceStatus.rawValue`.
    public var days = SIMD8<Int32>(repeating: 0)
    public var overtimeWorkday = Fixed.zero
    public var overtimeRestday = Fixed.zero
    public var overtimeHoliday = Fixed.zero
    public var rows: Int32 = 0

    public init() {}
    public func days(_ s: AttendanceStatus) -> Int { Int(days[s.rawValue]) }
    public func overtime(_ k: OvertimeKind) -> Fixed {
        switch k {
        case .workday: return overtimeWorkday
        case .restday: return overtimeRestday
        case .holiday: return overtimeHoliday
        }
    }
}

public struct ScoreRow: Sendable {
    /// Index into `Batch.employees`.
    public var employee: Int32
    public var method: ScoreMethod
    public var item: String
    public var perspective: Perspective?
    public var raterGroup: RaterGroup?
    /// Used only to count distinct raters; never written to any output.
    public var raterID: String
    public var weight: Fixed?
    public var target: Fixed?
    public var actual: Fixed?
    public var direction: Direction
    public var rating: Fixed?
    public var line: Int32
}

public struct Adjustment: Sendable {
    public var employee: Int32
    public var code: String
    public var amount: Money
    public var note: String
    public var line: Int
}

/// An input file as read: for the manifest and the report.
public struct InputFile: Sendable {
    public var kind: String
    public var path: String
    public var encoding: String?
    public var records: Int
    public var bytes: Int
}

/// A period's inputs, typed and validated. Employees are sorted by
/// employee_id in code-point order; every per-employee array is parallel to them.
public struct Batch: Sendable {
    public var period: Period
    public var employees: [Employee]
    public var attendance: [AttendanceSummary]
    /// Score rows in employee order, then file order.
    public var scores: [ScoreRow]
    public var adjustments: [Adjustment]
    public var inputs: [InputFile]
    public var diagnostics: [Diagnostic]

    public var errorCount: Int { diagnostics.lazy.filter { $0.severity == .error }.count }
    public var warningCount: Int { diagnostics.lazy.filter { $0.severity == .warning }.count }
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}
