import Foundation
import PayrollCore
import PayrollRules
import Stages
import TestSupport
import XCTest

/// attendance_summary.csv (CONTRACT): a monthly summary per employee instead of daily rows.
final class AttendanceSummaryTests: XCTestCase {
    func summary(of fixture: String) throws -> String { try attendanceSummary(of: fixture) }

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
