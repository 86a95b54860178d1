import Foundation

// Enumerations of ../shared/CONTRACT.md.

public enum DeptType: String, Sendable, CaseIterable {
    case frontline, backoffice
}

public enum AttendanceStatus: Int, Sendable, CaseIterable {
    case present, absent, personalLeave, sickLeave, annualLeave, compLeave, businessTrip
    public var code: String {
        ["present", "absent", "personal_leave", "sick_leave", "annual_leave", "comp_leave", "business_trip"][rawValue]
    }
}

public enum OvertimeKind: Int, Sendable, CaseIterable {
    case workday, restday, holiday
    public var code: String { ["workday", "restday", "holiday"][rawValue] }
}

public enum ScoreMethod: Int, Sendable, CaseIterable {
    case kpi, mbo, feedback360, bsc
    public var code: String { ["kpi", "mbo", "360", "bsc"][rawValue] }
}

public enum Perspective: Int, Sendable, CaseIterable {
    case financial, customer, process, learning
    public var code: String { ["financial", "customer", "process", "learning"][rawValue] }
}

public enum RaterGroup: Int, Sendable, CaseIterable {
    case selfRating, manager, peer, subordinate
    public var code: String { ["self", "manager", "peer", "subordinate"][rawValue] }
}

public enum Direction: Int, Sendable {
    case higher, lower
}

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
    /// This employer pays the employee's first wage income of the year (SAT Ann. 2020 No. 13):
    /// the basic deduction counts every month of the year so far.
    public var firstIncomeOfYear: Bool = false

    public init(
        id: String, name: String, idNumber: String, department: String, deptType: DeptType, position: String, costCenter: String, city: String,
        hireDate: Day, leaveDate: Day?, contractEnd: Day?, baseSalary: Money, positionSalary: Money, allowance: Money?, bonusBase: Money?,
        siBase: Money, hfBase: Money?, hfRate: Fixed, specialDeduction: Money?, bankCode: String, bankAccount: String, line: Int, rowValid: Bool,
        firstIncomeOfYear: Bool = false
    ) {
        self.firstIncomeOfYear = firstIncomeOfYear
        self.id = id
        self.name = name
        self.idNumber = idNumber
        self.department = department
        self.deptType = deptType
        self.position = position
        self.costCenter = costCenter
        self.city = city
        self.hireDate = hireDate
        self.leaveDate = leaveDate
        self.contractEnd = contractEnd
        self.baseSalary = baseSalary
        self.positionSalary = positionSalary
        self.allowance = allowance
        self.bonusBase = bonusBase
        self.siBase = siBase
        self.hfBase = hfBase
        self.hfRate = hfRate
        self.specialDeduction = specialDeduction
        self.bankCode = bankCode
        self.bankAccount = bankAccount
        self.line = line
        self.rowValid = rowValid
    }
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

    public init(
        employee: Int32, method: ScoreMethod, item: String, perspective: Perspective?, raterGroup: RaterGroup?, raterID: String, weight: Fixed?,
        target: Fixed?, actual: Fixed?, direction: Direction, rating: Fixed?, line: Int32
    ) {
        self.employee = employee
        self.method = method
        self.item = item
        self.perspective = perspective
        self.raterGroup = raterGroup
        self.raterID = raterID
        self.weight = weight
        self.target = target
        self.actual = actual
        self.direction = direction
        self.rating = rating
        self.line = line
    }
}

public struct Adjustment: Sendable {
    public var employee: Int32
    public var code: String
    public var amount: Money
    public var note: String
    public var line: Int

    public init(employee: Int32, code: String, amount: Money, note: String, line: Int) {
        self.employee = employee
        self.code = code
        self.amount = amount
        self.note = note
        self.line = line
    }
}

/// An input file as read: for the manifest and the report.
public struct InputFile: Sendable {
    public var kind: String
    public var path: String
    public var encoding: String?
    public var records: Int
    public var bytes: Int

    public init(kind: String, path: String, encoding: String?, records: Int, bytes: Int) {
        self.kind = kind
        self.path = path
        self.encoding = encoding
        self.records = records
        self.bytes = bytes
    }
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
    /// Optional performance inputs: calibration overrides, special-achievement
    /// points (per employee), coaching check-ins (per employee: count in the
    /// last quarter, latest date).
    public var calibrations: [Calibration] = []
    public var points: [Fixed] = []
    public var checkIns: [CheckIns] = []

    public var errorCount: Int { diagnostics.lazy.filter { $0.severity == .error }.count }
    public var warningCount: Int { diagnostics.lazy.filter { $0.severity == .warning }.count }
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    public init(
        period: Period, employees: [Employee], attendance: [AttendanceSummary], scores: [ScoreRow], adjustments: [Adjustment], inputs: [InputFile],
        diagnostics: [Diagnostic]
    ) {
        self.period = period
        self.employees = employees
        self.attendance = attendance
        self.scores = scores
        self.adjustments = adjustments
        self.inputs = inputs
        self.diagnostics = diagnostics
    }
}

extension String {
    /// Code-point order (UTF-8 byte order), the order registers are sorted in;
    /// Swift's `<` on String compares by Unicode canonical equivalence instead.
    @inlinable
    public func codePointPrecedes(_ other: String) -> Bool {
        self.utf8.lexicographicallyPrecedes(other.utf8)
    }
}

/// A calibration decision: a grade changed after review, with its reason and approver.
public struct Calibration: Sendable {
    public var employee: Int32
    public var grade: String
    public var reason: String
    public var approver: String
    public var line: Int

    public init(employee: Int32, grade: String, reason: String, approver: String, line: Int) {
        self.employee = employee
        self.grade = grade
        self.reason = reason
        self.approver = approver
        self.line = line
    }
}

/// An employee's coaching check-ins that count for the period.
public struct CheckIns: Sendable {
    /// Check-ins dated in the quarter that ends with the period.
    public var inLastQuarter: Int = 0
    public var latest: Day?
    public init() {}
}
