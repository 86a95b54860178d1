import Foundation

// Enumerations of ../shared/CONTRACT.md.

/// A front-line (KPI) or back-office (MBO, 360, BSC) department.
public enum DeptType: String, Sendable, CaseIterable {
    case frontline, backoffice
}

/// A day's attendance status.
public enum AttendanceStatus: Int, Sendable, CaseIterable {
    case present, absent, personalLeave, sickLeave, annualLeave, compLeave, businessTrip
    /// The CONTRACT spelling.
    public var code: String {
        ["present", "absent", "personal_leave", "sick_leave", "annual_leave", "comp_leave", "business_trip"][rawValue]
    }
}

/// The kind of day an overtime hour is worked on (rates differ).
public enum OvertimeKind: Int, Sendable, CaseIterable {
    case workday, restday, holiday
    /// The CONTRACT spelling.
    public var code: String { ["workday", "restday", "holiday"][rawValue] }
}

/// An appraisal method.
public enum ScoreMethod: Int, Sendable, CaseIterable {
    case kpi, mbo, feedback360, bsc
    /// The CONTRACT spelling.
    public var code: String { ["kpi", "mbo", "360", "bsc"][rawValue] }
    /// The method's name in Chinese.
    public var labelZH: String { ["KPI 考核", "目标管理（MBO）", "360 度评估", "平衡计分卡"][rawValue] }
}

/// A balanced-scorecard perspective.
public enum Perspective: Int, Sendable, CaseIterable {
    case financial, customer, process, learning
    /// The CONTRACT spelling.
    public var code: String { ["financial", "customer", "process", "learning"][rawValue] }
}

/// A 360 rater group.
public enum RaterGroup: Int, Sendable, CaseIterable {
    case selfRating, manager, peer, subordinate
    /// The CONTRACT spelling.
    public var code: String { ["self", "manager", "peer", "subordinate"][rawValue] }
}

/// Whether a KPI's higher or lower actual is better.
public enum Direction: Int, Sendable {
    case higher, lower
}

/// One employee row of employees.csv, typed. `rowValid` is false when the row
/// had errors (the employee still exists for cross-file references).
public struct Employee: Sendable {
    /// employee_id (a safe identifier).
    public var id: String
    /// The name.
    public var name: String
    /// The department.
    public var department: String
    /// The position.
    public var position: String
    /// The cost centre the journal books to.
    public var costCenter: String
    /// The city whose insurance parameters apply.
    public var city: String
    /// The bank's short code (normalised from the file's spelling).
    public var bankCode: String
    /// The resident ID number (checked; never in a message).
    public var idNumber: String {
        get { idNumberText.string }
        set { idNumberText = PackedText(newValue) }
    }
    /// The bank account (digits; never in a message).
    public var bankAccount: String {
        get { bankAccountText.string }
        set { bankAccountText = PackedText(newValue) }
    }
    /// The bank account's length in UTF-8 bytes (without making its text).
    public var bankAccountUTF8Count: Int { bankAccountText.utf8Count }
    /// The ID number as kept (a reader sets it packed from a cell's bytes, without a String).
    public var idNumberPacked: PackedText {
        get { idNumberText }
        set { idNumberText = newValue }
    }
    /// The bank account as kept.
    public var bankAccountPacked: PackedText {
        get { bankAccountText }
        set { bankAccountText = newValue }
    }
    /// This employer pays the employee's first wage income of the year (SAT Ann. 2020 No. 13):
    /// the basic deduction counts every month of the year so far.
    public var firstIncomeOfYear: Bool { basicDeductionMode == .firstIncome }
    /// Monthly allowance.
    public var allowance: Money? {
        get { optionalAmounts[0] }
        set { optionalAmounts[0] = newValue }
    }
    /// The performance bonus's base.
    public var bonusBase: Money? {
        get { optionalAmounts[1] }
        set { optionalAmounts[1] = newValue }
    }
    /// The housing-fund base (the SI base when empty).
    public var hfBase: Money? {
        get { optionalAmounts[2] }
        set { optionalAmounts[2] = newValue }
    }
    /// Monthly special additional deductions.
    public var specialDeduction: Money? {
        get { optionalAmounts[3] }
        set { optionalAmounts[3] = newValue }
    }
    // Stored properties are laid out in declaration order, each right after the previous one's size (not stride):
    // the 8-byte fields first, then the small ones in the tail room of the 17-byte packed texts (a million employees).
    /// Monthly base salary.
    public var baseSalary: Money
    /// Monthly position salary.
    public var positionSalary: Money
    /// The social-insurance base (clamped to the city's band).
    public var siBase: Money
    /// The housing-fund rate, a fraction.
    public var hfRate: Fixed
    /// Line in employees.csv.
    public var line: Int
    /// This month's special additional deductions by category (`sd_*`, in `SpecialDeductionCategory` order), when the
    /// file gives them; their sum is `specialDeduction`.
    public var specialDeductionItems: [Money]?
    // The four optional amounts in 33 bytes (four `Money?` would take 64 with their padding).
    private var optionalAmounts = OptionalAmounts()
    /// Front line or back office.
    public var deptType: DeptType
    /// False when the row had errors that make it unfit for later checks.
    public var rowValid: Bool
    /// How the cumulative basic deduction counts (`basic_deduction_mode`; default employment).
    public var basicDeductionMode = BasicDeductionMode.employment
    // The two long digit texts, packed (no heap storage each).
    private var idNumberText: PackedText
    /// The hire date.
    public var hireDate: Day
    /// The leave date, if the employee leaves.
    public var leaveDate: Day?
    private var bankAccountText: PackedText
    /// The contract's end date.
    public var contractEnd: Day?
    /// Start of continuous service, for statutory sick pay (`service_start`; nil: the hire date).
    public var serviceStart: Day?

    /// An employee row.
    public init(
        id: String, name: String, idNumber: String, department: String, deptType: DeptType, position: String, costCenter: String, city: String,
        hireDate: Day, leaveDate: Day?, contractEnd: Day?, baseSalary: Money, positionSalary: Money, allowance: Money?, bonusBase: Money?,
        siBase: Money, hfBase: Money?, hfRate: Fixed, specialDeduction: Money?, bankCode: String, bankAccount: String, line: Int, rowValid: Bool,
        firstIncomeOfYear: Bool = false
    ) {
        self.basicDeductionMode = firstIncomeOfYear ? .firstIncome : .employment
        self.id = id
        self.name = name
        self.idNumberText = PackedText(idNumber)
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
        self.siBase = siBase
        self.hfRate = hfRate
        self.bankCode = bankCode
        self.bankAccountText = PackedText(bankAccount)
        self.line = line
        self.rowValid = rowValid
        self.allowance = allowance
        self.bonusBase = bonusBase
        self.hfBase = hfBase
        self.specialDeduction = specialDeduction
    }
}

/// Four optional amounts in place: the values, and a bit each for "given".
struct OptionalAmounts: Sendable {
    private var values: (Money, Money, Money, Money) = (.zero, .zero, .zero, .zero)
    private var given: UInt8 = 0

    subscript(i: Int) -> Money? {
        get {
            guard given & (1 << UInt8(i)) != 0 else { return nil }
            switch i {
            case 0: return values.0
            case 1: return values.1
            case 2: return values.2
            default: return values.3
            }
        }
        set {
            let v = newValue ?? .zero
            switch i {
            case 0: values.0 = v
            case 1: values.1 = v
            case 2: values.2 = v
            default: values.3 = v
            }
            if newValue == nil { given &= ~(1 << UInt8(i)) } else { given |= 1 << UInt8(i) }
        }
    }
}

/// A monthly amount of employees.csv that a retroactive change may set (`payroll retro`, CONTRACT "retro changes").
public enum SalaryField: String, Sendable, CaseIterable {
    case baseSalary = "base_salary"
    case positionSalary = "position_salary"
    case allowance
    case bonusBase = "bonus_base"

    /// Sets the field of an employee.
    public func set(_ value: Money, on e: inout Employee) {
        switch self {
        case .baseSalary: e.baseSalary = value
        case .positionSalary: e.positionSalary = value
        case .allowance: e.allowance = value
        case .bonusBase: e.bonusBase = value
        }
    }
}

/// How months of basic deduction are counted for an employee (employees.csv `basic_deduction_mode`).
public enum BasicDeductionMode: String, Sendable, CaseIterable {
    /// 5,000 × months employed at this employer this year (hire month counts).
    case employment
    /// First wage income of the year (SAT Ann. 2020 No. 13): 5,000 × calendar month number.
    case firstIncome = "first_income"
    /// Same employer all of last year with income ≤ 60,000 (SAT Ann. 2020 No. 19): 60,000 from January.
    case annual60000 = "annual_60000"
}

/// What one employee's attendance rows add up to; rows themselves are not kept.
public struct AttendanceSummary: Sendable {
    // The vector first, then the 8-byte fields, then the 4-byte ones: no padding between them (a million summaries).
    /// Half days per `AttendanceStatus.rawValue` (a day row adds 2; attendance_summary.csv may give halves).
    public var halfDays = SIMD8<Int32>(repeating: 0)
    /// Overtime hours on workdays.
    public var overtimeWorkday = Fixed.zero
    /// Overtime hours on rest days.
    public var overtimeRestday = Fixed.zero
    /// Overtime hours on public holidays.
    public var overtimeHoliday = Fixed.zero
    /// Rest-day overtime hours compensated with time off (调休): not paid, added to the comp-time balance.
    public var overtimeRestdayComp = Fixed.zero
    /// Attendance rows read for the employee.
    public var rows: Int32 = 0
    /// Bit d-1 set when a row for day d of the period was read.
    public var dayMask: UInt32 = 0

    /// No attendance.
    public init() {}
    /// Days with a status (whole or half days).
    public func days(_ s: AttendanceStatus) -> Fixed { Fixed(units: Int64(halfDays[s.rawValue]) * (Fixed.scale / 2)) }
    /// One whole day with a status (a row of attendance.csv). The lane is added to in place: writing one lane of
    /// the vector by a variable index copied it through the stack and read it back wider than written, which
    /// stalled on store forwarding for every attendance row. A day row comes once per day (at most 62 halves).
    @inline(__always)
    public mutating func addDay(_ s: AttendanceStatus) {
        withUnsafeMutableBytes(of: &halfDays) { lanes in
            let at = s.rawValue * MemoryLayout<Int32>.stride
            lanes.storeBytes(of: lanes.load(fromByteOffset: at, as: Int32.self) &+ 2, toByteOffset: at, as: Int32.self)
        }
    }
    /// Overtime hours of a kind.
    public func overtime(_ k: OvertimeKind) -> Fixed {
        switch k {
        case .workday: return overtimeWorkday
        case .restday: return overtimeRestday
        case .holiday: return overtimeHoliday
        }
    }
}

/// One row of scores.csv, typed, in 56 bytes: the item and rater are numbers standing for their text (`TextKeys`),
/// the four figures are kept as millionths with a bit each for "given" (a million employees send 6.5 million rows).
public struct ScoreRow: Sendable {
    /// Index into `Batch.employees`.
    public var employee: Int32
    /// The physical line in scores.csv.
    public var line: Int32
    /// The item (KPI, objective, 360 question, BSC measure): equal texts have equal numbers within a batch.
    public var item: Int32
    /// The rater (0: none), likewise; used only to count distinct raters, never written to any output.
    public var raterID: Int32
    private var units: (weight: Int64, target: Int64, actual: Int64, rating: Int64)
    /// The appraisal method.
    public var method: ScoreMethod
    /// The BSC perspective.
    public var perspective: Perspective?
    /// The 360 rater group.
    public var raterGroup: RaterGroup?
    /// Whether higher or lower is better.
    public var direction: Direction
    private var given: UInt8

    /// A score row.
    public init(
        employee: Int32, method: ScoreMethod, item: Int32, perspective: Perspective?, raterGroup: RaterGroup?, raterID: Int32, weight: Fixed?,
        target: Fixed?, actual: Fixed?, direction: Direction, rating: Fixed?, line: Int32
    ) {
        self.employee = employee
        self.line = line
        self.item = item
        self.raterID = raterID
        self.method = method
        self.perspective = perspective
        self.raterGroup = raterGroup
        self.direction = direction
        units = (weight?.units ?? 0, target?.units ?? 0, actual?.units ?? 0, rating?.units ?? 0)
        given = (weight == nil ? 0 : 1) | (target == nil ? 0 : 2) | (actual == nil ? 0 : 4) | (rating == nil ? 0 : 8)
    }

    /// The item's weight within its method.
    public var weight: Fixed? { given & 1 != 0 ? Fixed(units: units.weight) : nil }
    /// A KPI or BSC target.
    public var target: Fixed? { given & 2 != 0 ? Fixed(units: units.target) : nil }
    /// A KPI or BSC actual.
    public var actual: Fixed? { given & 4 != 0 ? Fixed(units: units.actual) : nil }
    /// An MBO or 360 rating, 0–100.
    public var rating: Fixed? { given & 8 != 0 ? Fixed(units: units.rating) : nil }
}

/// Numbers standing for texts (score items, rater IDs): the same text always gets the same number, "" gets 0.
public struct TextKeys: Sendable {
    private var numbers: [String: Int32] = [:]

    /// An empty table.
    public init() {}

    /// The number of `text`, given the next free one when it is new.
    public mutating func key(_ text: String) -> Int32 {
        if text.isEmpty { return 0 }
        if let n = numbers[text] { return n }
        let n = Int32(truncatingIfNeeded: numbers.count + 1)
        numbers[text] = n
        return n
    }
}

/// One row of adjustments.csv, typed.
public struct Adjustment: Sendable {
    /// Index into `Batch.employees`.
    public var employee: Int32
    /// The adjustment code (the rule pack's structure names them).
    public var code: String
    /// The amount (negative for deductions).
    public var amount: Money
    /// The note, shown on the payslip.
    public var note: String
    /// The physical line in its file.
    public var line: Int
    /// The file it comes from: adjustments.csv, or retro_adjustments.csv for back pay `payroll retro` computed.
    public var file = "adjustments.csv"

    /// An adjustment row.
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
    /// The input kind (employees, attendance, …).
    public var kind: String
    /// The file read.
    public var path: String
    /// The encoding it turned out to have.
    public var encoding: String?
    /// Data records (the header not counted).
    public var records: Int
    /// Bytes read.
    public var bytes: Int

    /// An input file's summary.
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
    /// The pay period.
    public var period: Period
    /// The employees, sorted by employee_id.
    public var employees: [Employee]
    /// Each employee's attendance summary, in employee order.
    public var attendance: [AttendanceSummary]
    /// Score rows in employee order, then file order. A run lets them go once the rollup has read them.
    public var scores: [ScoreRow]
    /// Adjustments, sorted by employee and line.
    public var adjustments: [Adjustment]
    /// The files read.
    public var inputs: [InputFile]
    /// Every problem found, in report order.
    public var diagnostics: [Diagnostic]
    /// Optional performance inputs: calibration overrides, special-achievement
    /// points (per employee), coaching check-ins (per employee: count in the
    /// last quarter, latest date).
    public var calibrations: [Calibration] = []
    /// Special-achievement points per employee.
    public var points: [Fixed] = []
    /// Coaching check-ins per employee.
    public var checkIns: [CheckIns] = []
    /// The attendance gives `overtime_compensation`: comp time (调休) is accounted for this period.
    public var compTimeTracked = false
    /// Seconds intake spent on each large file and on the per-employee checks (`--timings`); the files after
    /// employees.csv are read at the same time, so these overlap.
    public var timings: [(String, Double)] = []

    /// Errors among the diagnostics.
    public var errorCount: Int { diagnostics.lazy.filter { $0.severity == .error }.count }
    /// Warnings among the diagnostics.
    public var warningCount: Int { diagnostics.lazy.filter { $0.severity == .warning }.count }
    /// True when any diagnostic is an error (then nothing is paid).
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// A batch.
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
        // UTF-8 bytes compared as unsigned bytes (memcmp): their order is the code points' order.
        var a = self
        var b = other
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let n = Swift.min(x.count, y.count)
                if n > 0, let p = x.baseAddress, let q = y.baseAddress {
                    let c = memcmp(p, q, n)
                    if c != 0 { return c < 0 }
                }
                return x.count < y.count
            }
        }
    }
}

/// A calibration decision: a grade changed after review, with its reason and approver.
public struct Calibration: Sendable {
    /// Index into `Batch.employees`.
    public var employee: Int32
    /// The grade the calibration sets.
    public var grade: String
    /// Why.
    public var reason: String
    /// Who approved it.
    public var approver: String
    /// The physical line in calibration.csv.
    public var line: Int

    /// A calibration row.
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
    /// The latest check-in's date.
    public var latest: Day?
    /// No check-ins.
    public init() {}
}

/// The categories of the special additional deductions (专项附加扣除), in the order of the withholding client's columns.
public enum SpecialDeductionCategory: Int, Sendable, CaseIterable {
    case childrenEducation, continuingEducation, housingLoan, housingRent, elderlySupport, infantCare

    /// The employees.csv column (CONTRACT).
    public var column: String {
        ["sd_children_education", "sd_continuing_education", "sd_housing_loan", "sd_housing_rent", "sd_elderly_support", "sd_infant_care"][
            rawValue]
    }

    /// The category's Chinese name, as the withholding client spells it after 累计.
    public var labelZH: String { ["子女教育", "继续教育", "住房贷款利息", "住房租金", "赡养老人", "3岁以下婴幼儿照护"][rawValue] }
}
