import Foundation
import PayrollCore
import PayrollRules
import Stages
import TestSupport
import XCTest

/// attendance_summary.csv (CONTRACT): a monthly summary per employee instead of daily rows.
final class AttendanceSummaryTests: XCTestCase {
    /// The demo's attendance rows summed per employee, as a clerk's monthly sheet would have them.
    func summary(of fixture: String) throws -> String {
        let text = try String(contentsOfFile: fixtures.path + "/\(fixture)/attendance.csv", encoding: .utf8)
        var lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n").map(String.init)
        if lines[0].hasPrefix("\u{FEFF}") { lines[0].removeFirst() }
        let head = lines[0].split(separator: ",").map(String.init)
        func col(_ names: [String]) -> Int { head.firstIndex { names.contains($0) }! }
        let (ie, ist, ih, ik) = (
            col(["employee_id", "工号"]), col(["status", "出勤状态"]), col(["overtime_hours", "加班小时"]), col(["overtime_kind", "加班类型"])
        )
        struct Sum {
            var paid = 0, absent = 0, personal = 0, sick = 0, comp = 0
            var ot = [String: Decimal]()
        }
        var sums: [String: Sum] = [:]
        var order: [String] = []
        let paid: Set<String> = ["present", "出勤", "annual_leave", "年假", "comp_leave", "调休", "business_trip", "出差"]
        for l in lines.dropFirst() {
            let c = l.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let id = c[ie]
            if sums[id] == nil { order.append(id) }
            var s = sums[id] ?? Sum()
            let st = c[ist]
            if paid.contains(st) { s.paid += 1 }
            if st == "comp_leave" || st == "调休" { s.comp += 1 }
            if st == "absent" || st == "旷工" { s.absent += 1 }
            if st == "personal_leave" || st == "事假" { s.personal += 1 }
            if st == "sick_leave" || st == "病假" { s.sick += 1 }
            if let h = Decimal(string: c[ih]), !c[ik].isEmpty { s.ot[c[ik], default: 0] += h }
            sums[id] = s
        }
        var out =
            "employee_id,paid_days,absent_days,personal_leave_days,sick_leave_days,comp_leave_days,overtime_workday_hours,overtime_restday_hours,overtime_holiday_hours\n"
        for id in order {
            let s = sums[id]!
            func h(_ k: [String]) -> String { k.compactMap { s.ot[$0] }.reduce(Decimal(0), +).description }
            out +=
                "\(id),\(s.paid),\(s.absent),\(s.personal),\(s.sick),\(s.comp),\(h(["workday", "工作日"])),\(h(["restday", "休息日"])),\(h(["holiday", "法定节假日"]))\n"
        }
        return out
    }

    func testASummaryOfTheRowsGivesTheSameRegister() throws {
        let rowsRoot = tempDir()
        XCTAssertTrue(try runPeriod("2026-01", input: "demo", root: rowsRoot).finished)
        let m = try DemoMonth()
        try m.write()
        try FileManager.default.removeItem(atPath: m.dir + "/attendance.csv")
        try summary(of: "demo").write(toFile: m.dir + "/attendance_summary.csv", atomically: true, encoding: .utf8)
        let root = tempDir()
        let o = try runPeriod("2026-01", input: m.dir, root: root)
        XCTAssertTrue(o.finished, "\(o.batch.diagnostics.filter { $0.severity == .error })")
        XCTAssertEqual(
            try String(contentsOfFile: root + "/2026-01/payroll_register.csv", encoding: .utf8),
            try String(contentsOfFile: rowsRoot + "/2026-01/payroll_register.csv", encoding: .utf8))
    }

    func testHalfDaysAndTheirDeduction() throws {
        // D002: 1.5 days of personal leave. STANDARD: absence deduction = −round(monthly / 21.75 × (absent + personal)).
        let m = try DemoMonth()
        try m.write()
        try FileManager.default.removeItem(atPath: m.dir + "/attendance.csv")
        var text = try summary(of: "demo")
        let lines = text.split(separator: "\n").map(String.init)
        text = lines.map { $0.hasPrefix("D002,") ? "D002,20.5,0,1.5,0,0,0,0,0" : $0 }.joined(separator: "\n") + "\n"
        try text.write(toFile: m.dir + "/attendance_summary.csv", atomically: true, encoding: .utf8)
        let root = tempDir()
        let o = try runPeriod("2026-01", input: m.dir, root: root)
        XCTAssertTrue(o.finished, "\(o.batch.diagnostics.filter { $0.severity == .error })")
        let row = try XCTUnwrap(try register(root + "/2026-01/payroll_register.csv").first { $0["employee_id"] == "D002" })
        let monthly =
            try XCTUnwrap(Money.parse(m.cell("employees.csv", "D002", "base_salary")))
            + (Money.parse(m.cell("employees.csv", "D002", "position_salary")) ?? .zero)
        // monthly × 1.5 / 21.75, half up to the fen, negative.
        let expected = Money(fen: -((monthly.fen * 150 / 100 * 100 + 2175 / 2) / 2175))
        XCTAssertEqual(row["absence_deduction"], expected.description)
    }

    func testBothFilesAreAnErrorAndCountsAreChecked() throws {
        let m = try DemoMonth()
        try m.write()
        try "employee_id,paid_days\nD001,21\nD001,20\nD002,2.25\nD003,40\n".write(
            toFile: m.dir + "/attendance_summary.csv", atomically: true, encoding: .utf8)
        XCTAssertTrue(try load(m.dir).diagnostics.contains { $0.code == Code.bothAttendanceFiles.rawValue })
        try FileManager.default.removeItem(atPath: m.dir + "/attendance.csv")
        let d = try load(m.dir).diagnostics.filter { $0.file == "attendance_summary.csv" }
        XCTAssertTrue(d.contains { $0.code == Code.duplicateSummary.rawValue && $0.line == 3 }, "\(d)")
        XCTAssertTrue(d.contains { $0.code == Code.outOfRange.rawValue && $0.line == 4 }, "2.25 is not a half day: \(d)")
        XCTAssertTrue(d.contains { $0.code == Code.outOfRange.rawValue && $0.line == 5 }, "40 days in January: \(d)")
    }
}
