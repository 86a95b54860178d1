import Foundation
import PayrollCore
import PayrollRules

/// Validation stages 3 and 4 per employee: the attendance and scores an employee needs, and the business
/// rules of CONTRACT and STANDARD (dates, bases, scheme methods).
extension Intake {
    static func checkEmployee(
        _ e: Employee, attendance: AttendanceSummary?, methods: UInt8?, period: Period,
        schemes: PerformanceSchemes, usedMethods: UInt8, sink: inout DiagnosticSink
    ) {
        func add(_ code: Code, _ column: String?, _ en: String, _ zh: String) {
            sink.add(code, line: e.line, column: column, employee: e.id, en: en, zh: zh)
        }
        if e.hireDate > period.lastDay {
            add(
                .hiredAfterPeriod, "hire_date", "hire date \(e.hireDate) is after the period \(period) ends; the employee cannot be paid for it",
                "入职日期 \(e.hireDate) 晚于期间 \(period) 结束，不能在本期发薪")
        }
        if let l = e.leaveDate {
            if l < e.hireDate {
                add(.leaveBeforeHire, "leave_date", "leave date \(l) is before hire date \(e.hireDate)", "离职日期 \(l) 早于入职日期 \(e.hireDate)")
            } else if l < period.firstDay {
                add(
                    .leftBeforePeriod, "leave_date", "the employee left on \(l), before the period \(period); only attendance in the period is paid",
                    "员工已于 \(l) 离职（早于期间 \(period)）；仅按本期出勤发薪")
            }
        }
        if e.baseSalary.isNegative {
            add(.negativeSalary, "base_salary", "base salary is negative", "基本工资为负数")
        }
        if e.positionSalary.isNegative {
            add(.negativeSalary, "position_salary", "position salary is negative", "岗位工资为负数")
        }
        if let c = e.contractEnd, c < period.firstDay {
            add(
                .contractEnded, "contract_end", "the contract ended on \(c), before the period; renew it or record the leave date",
                "劳动合同已于 \(c) 到期（早于本期）；请续签或填写离职日期")
        }
        if let a = attendance, a.rows == 0, e.hireDate <= period.lastDay, (e.leaveDate ?? period.lastDay) >= period.firstDay {
            add(.noAttendance, nil, "the employee has no attendance rows in this period", "该员工本期没有考勤记录")
        }
        // `usedMethods`: the methods the employee's scheme uses, as bits of `ScoreMethod.rawValue` (worked out once
        // per department type, not per employee); the names only for the message.
        if let m = methods, e.rowValid, m & usedMethods == 0 {
            let used = ScoreMethod.allCases.filter { schemes.uses(e.deptType, $0) }
            let names = used.map(\.code).joined(separator: ", ")
            let namesZH = used.map(\.labelZH).joined(separator: "、")
            add(
                .noScores, nil, "no performance scores for this \(e.deptType.rawValue) employee (expected \(names))",
                "该\(e.deptType == .frontline ? "前线部门" : "后援部门")员工没有绩效评分（应有\(namesZH)）")
        }
    }
}
