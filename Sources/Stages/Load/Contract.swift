import Foundation
import PayrollCore

/// The input files of one period (../shared/CONTRACT.md).
public enum InputKind: String, CaseIterable, Sendable {
    case employees, attendance, scores, adjustments
    /// Optional performance inputs (issue: calibration, special achievements, coaching).
    case calibration, points, coaching
    /// Back pay that `payroll retro` computed for the period (adjustments.csv's columns; read beside it).
    case retroAdjustments = "retro_adjustments"
    /// A monthly attendance summary per employee, instead of attendance.csv (never both).
    case attendanceSummary = "attendance_summary"

    /// `<kind>.csv`.
    public var defaultFileName: String { "\(rawValue).csv" }
    /// True for the files a period may leave out.
    public var isOptional: Bool { self != .employees && self != .attendance && self != .scores }
    /// The file's columns (CONTRACT.md), with their Chinese aliases.
    public var columns: [ColumnSpec] {
        switch self {
        case .employees: return EmployeeColumn.allCases.map(\.spec)
        case .attendance: return AttendanceColumn.allCases.map(\.spec)
        case .scores: return ScoreColumn.allCases.map(\.spec)
        case .adjustments, .retroAdjustments: return AdjustmentColumn.allCases.map(\.spec)
        case .calibration: return CalibrationColumn.allCases.map(\.spec)
        case .points: return PointsColumn.allCases.map(\.spec)
        case .coaching: return CoachingColumn.allCases.map(\.spec)
        case .attendanceSummary: return AttendanceSummaryColumn.allCases.map(\.spec)
        }
    }
}

/// One CONTRACT column.
public struct ColumnSpec: Sendable {
    /// The column's name.
    public let name: String
    /// Other headers accepted for it (Chinese first).
    public let aliases: [String]
    /// True when every row needs a value.
    public let required: Bool
}

/// Header text compared the CONTRACT way: case, surrounding spaces and a BOM ignored.
func normalizeHeader(_ s: String) -> String {
    var t = s
    while t.hasPrefix("\u{FEFF}") { t.removeFirst() }
    return t.trimmingCharacters(in: .whitespaces).lowercased()
}

protocol ContractColumn: CaseIterable, RawRepresentable where RawValue == String {
    var zh: String { get }
    var more: [String] { get }
    var required: Bool { get }
}
extension ContractColumn {
    var spec: ColumnSpec { ColumnSpec(name: rawValue, aliases: [zh] + more, required: required) }
    var more: [String] { [] }
}

/// employees.csv's columns.
public enum EmployeeColumn: String, CaseIterable, ContractColumn {
    case employeeID = "employee_id"
    case name
    case idNumber = "id_number"
    case department
    case deptType = "dept_type"
    case
        position
    case costCenter = "cost_center"
    case city
    case hireDate = "hire_date"
    case leaveDate = "leave_date"
    case
        contractEnd = "contract_end"
    case baseSalary = "base_salary"
    case positionSalary = "position_salary"
    case
        allowance
    case bonusBase = "bonus_base"
    case siBase = "si_base"
    case hfBase = "hf_base"
    case hfRate = "hf_rate"
    case
        specialDeduction = "special_deduction"
    case bankCode = "bank_code"
    case bankAccount = "bank_account"
    case
        basicDeductionMode = "basic_deduction_mode"
    case serviceStart = "service_start"
    case sdChildrenEducation = "sd_children_education"
    case sdContinuingEducation = "sd_continuing_education"
    case sdHousingLoan = "sd_housing_loan"
    case sdHousingRent = "sd_housing_rent"
    case sdElderlySupport = "sd_elderly_support"
    case sdInfantCare = "sd_infant_care"
    var zh: String {
        switch self {
        case .employeeID: return "工号"
        case .name: return "姓名"
        case .idNumber: return "身份证号"
        case .department: return "部门"
        case .deptType: return "部门类型"
        case .position: return "岗位"
        case .costCenter: return "成本中心"
        case .city: return "参保城市"
        case .hireDate: return "入职日期"
        case .leaveDate: return "离职日期"
        case .contractEnd: return "合同到期日"
        case .baseSalary: return "基本工资"
        case .positionSalary: return "岗位工资"
        case .allowance: return "津贴补贴"
        case .bonusBase: return "绩效奖金基数"
        case .siBase: return "社保缴费基数"
        case .hfBase: return "公积金缴费基数"
        case .hfRate: return "公积金比例"
        case .specialDeduction: return "专项附加扣除"
        case .bankCode: return "开户行"
        case .bankAccount: return "银行账号"
        case .basicDeductionMode: return "减除费用方式"
        case .serviceStart: return "连续工龄起算日"
        case .sdChildrenEducation: return "子女教育"
        case .sdContinuingEducation: return "继续教育"
        case .sdHousingLoan: return "住房贷款利息"
        case .sdHousingRent: return "住房租金"
        case .sdElderlySupport: return "赡养老人"
        case .sdInfantCare: return "3岁以下婴幼儿照护"
        }
    }
    var more: [String] {
        switch self {
        case .employeeID: return ["员工编号", "employee id"]
        case .idNumber: return ["身份证号码", "证件号码"]
        case .bankAccount: return ["银行卡号"]
        default: return []
        }
    }
    var required: Bool {
        switch self {
        case .leaveDate, .contractEnd, .allowance, .bonusBase, .hfBase, .specialDeduction, .basicDeductionMode, .serviceStart,
            .sdChildrenEducation, .sdContinuingEducation, .sdHousingLoan, .sdHousingRent, .sdElderlySupport, .sdInfantCare:
            return false
        default: return true
        }
    }
}

/// attendance.csv's columns.
public enum AttendanceColumn: String, CaseIterable, ContractColumn {
    case employeeID = "employee_id"
    case date, status
    case overtimeHours = "overtime_hours"
    case overtimeKind = "overtime_kind"
    case overtimeCompensation = "overtime_compensation"
    var zh: String {
        switch self {
        case .employeeID: return "工号"
        case .date: return "日期"
        case .status: return "出勤状态"
        case .overtimeHours: return "加班小时"
        case .overtimeKind: return "加班类型"
        case .overtimeCompensation: return "加班补偿方式"
        }
    }
    var required: Bool { self == .employeeID || self == .date || self == .status }
}

/// attendance_summary.csv's columns: counts in days (halves allowed) and overtime in hours.
public enum AttendanceSummaryColumn: String, CaseIterable, ContractColumn {
    case employeeID = "employee_id"
    case paidDays = "paid_days"
    case absentDays = "absent_days"
    case personalLeaveDays = "personal_leave_days"
    case sickLeaveDays = "sick_leave_days"
    case compLeaveDays = "comp_leave_days"
    case overtimeWorkdayHours = "overtime_workday_hours"
    case overtimeRestdayHours = "overtime_restday_hours"
    case overtimeRestdayCompHours = "overtime_restday_comp_hours"
    case overtimeHolidayHours = "overtime_holiday_hours"
    var zh: String {
        switch self {
        case .employeeID: return "工号"
        case .paidDays: return "计薪出勤天数"
        case .absentDays: return "旷工天数"
        case .personalLeaveDays: return "事假天数"
        case .sickLeaveDays: return "病假天数"
        case .compLeaveDays: return "调休天数"
        case .overtimeWorkdayHours: return "工作日加班小时"
        case .overtimeRestdayHours: return "休息日加班小时"
        case .overtimeRestdayCompHours: return "休息日加班调休小时"
        case .overtimeHolidayHours: return "法定节假日加班小时"
        }
    }
    var required: Bool { self == .employeeID || self == .paidDays }
    /// The column's position in `allCases`.
    var index: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}

/// scores.csv's columns.
public enum ScoreColumn: String, CaseIterable, ContractColumn {
    case employeeID = "employee_id"
    case method, item, perspective
    case raterGroup = "rater_group"
    case raterID = "rater_id"
    case
        weight, target, actual, direction, rating
    var zh: String {
        switch self {
        case .employeeID: return "工号"
        case .method: return "考核方式"
        case .item: return "指标"
        case .perspective: return "维度"
        case .raterGroup: return "评价人类别"
        case .raterID: return "评价人"
        case .weight: return "权重"
        case .target: return "目标值"
        case .actual: return "实际值"
        case .direction: return "方向"
        case .rating: return "评分"
        }
    }
    // Columns needed by only some methods may be absent when no row needs them;
    // a row that needs a missing column is reported on that row.
    var required: Bool { self == .employeeID || self == .method || self == .item }
}

/// adjustments.csv's columns.
public enum AdjustmentColumn: String, CaseIterable, ContractColumn {
    case employeeID = "employee_id"
    case code, amount, note
    var zh: String {
        switch self {
        case .employeeID: return "工号"
        case .code: return "项目"
        case .amount: return "金额"
        case .note: return "备注"
        }
    }
    var required: Bool { self != .note }
}

/// calibration.csv: grade overrides decided in a calibration meeting.
public enum CalibrationColumn: String, CaseIterable, ContractColumn {
    case employeeID = "employee_id"
    case grade, reason, approver
    var zh: String {
        switch self {
        case .employeeID: return "工号"
        case .grade: return "校准等级"
        case .reason: return "原因"
        case .approver: return "审批人"
        }
    }
    var required: Bool { true }
}

/// points.csv: points for special achievements (e.g. a shortened reimbursement cycle).
public enum PointsColumn: String, CaseIterable, ContractColumn {
    case employeeID = "employee_id"
    case points, reason
    var zh: String {
        switch self {
        case .employeeID: return "工号"
        case .points: return "积分"
        case .reason: return "事由"
        }
    }
    var required: Bool { self != .reason }
}

/// coaching.csv: coaching check-ins.
public enum CoachingColumn: String, CaseIterable, ContractColumn {
    case employeeID = "employee_id"
    case date, coach, topic
    var zh: String {
        switch self {
        case .employeeID: return "工号"
        case .date: return "日期"
        case .coach: return "辅导人"
        case .topic: return "主题"
        }
    }
    var required: Bool { self == .employeeID || self == .date }
}

// MARK: - Aliases of the enumerations

extension DeptType {
    static let aliases: [String: DeptType] = ["frontline": .frontline, "backoffice": .backoffice, "前线": .frontline, "后援": .backoffice]
}

extension AttendanceStatus {
    static let aliases: [String: AttendanceStatus] = [
        "present": .present, "出勤": .present, "absent": .absent, "旷工": .absent,
        "personal_leave": .personalLeave, "事假": .personalLeave, "sick_leave": .sickLeave, "病假": .sickLeave,
        "annual_leave": .annualLeave, "年假": .annualLeave, "comp_leave": .compLeave, "调休": .compLeave,
        "business_trip": .businessTrip, "出差": .businessTrip,
    ]
}

extension OvertimeKind {
    static let aliases: [String: OvertimeKind] = [
        "workday": .workday, "工作日": .workday, "restday": .restday, "休息日": .restday,
        "holiday": .holiday, "法定节假日": .holiday,
    ]
}

extension ScoreMethod {
    static let aliases: [String: ScoreMethod] = ["kpi": .kpi, "mbo": .mbo, "360": .feedback360, "bsc": .bsc]
}

extension Perspective {
    static let aliases: [String: Perspective] = [
        "financial": .financial, "customer": .customer, "process": .process, "learning": .learning,
        "财务": .financial, "客户": .customer, "内部流程": .process, "学习与成长": .learning,
    ]
}

extension RaterGroup {
    static let aliases: [String: RaterGroup] = [
        "self": .selfRating, "manager": .manager, "peer": .peer, "subordinate": .subordinate,
        "自评": .selfRating, "上级": .manager, "同事": .peer, "下属": .subordinate,
    ]
}

extension Direction {
    static let aliases: [String: Direction] = ["higher": .higher, "lower": .lower, "越高越好": .higher, "越低越好": .lower]
}
