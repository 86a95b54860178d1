import Foundation
import PayrollCore
import RunRecords
import Stages
import TestSupport
import XCTest

@testable import ExcelImport

/// What an import must not let through silently: a pasted duplicate row, a currency sign in a money cell, a totals
/// row that the imported rows do not add up to; and what it leaves behind: a manifest and the map from each CSV line to
/// its workbook cell, which validation uses.
final class ImportIntegrityTests: XCTestCase {
    func importCSV(_ text: String) throws -> (Importer.Result, String) {
        let dir = tempDir()
        try text.write(toFile: dir + "/工资.csv", atomically: true, encoding: .utf8)
        try """
        header_rows: [1]
        data_starts: 2
        total_markers: [合计]
        targets:
          employees:
            employee_id: 工号
            name: 姓名
            base_salary: 基本工资
        """.write(toFile: dir + "/map.yaml", atomically: true, encoding: .utf8)
        let m = try ImportMapping.load(path: dir + "/map.yaml")
        let r = Importer.run(source: try SourceTable.load(path: dir + "/工资.csv", sheet: nil), mapping: m)
        try Importer.write(r, to: dir + "/out")
        return (r, dir + "/out")
    }

    func testDuplicateRowsCurrencySignsAndDisagreeingTotalsAreErrorsAtTheirCells() throws {
        // 6,000 + 6,530 + 7,000 = 19,530 in the totals row; the ¥ cell is refused, so the imported rows add up to 13,000,
        // and the difference, 6,530.00, is the refused cell C3.
        let (r, out) = try importCSV("工号,姓名,基本工资\nE001,张三,6000.00\nE002,李四, ¥6530.00\nE003,王五,7000.00\nE001,张三,6000.00\n合计,,19530.00\n")
        let by = Dictionary(grouping: r.issues, by: \.code)
        XCTAssertEqual(by["I012"]?.map(\.cell), ["工资.csv!C3"], "the ¥ amount, at its cell")
        XCTAssertEqual(by["I013"]?.map(\.cell), ["工资.csv!A5"], "the pasted copy of E001, at its cell")
        XCTAssertTrue(by["I013"]?.first?.messageEN.contains("工资.csv!A2") ?? false, "names the first row")
        let totals = try XCTUnwrap(by["I014"]?.first)
        XCTAssertEqual(totals.cell, "工资.csv!C6")
        XCTAssertTrue(totals.messageEN.contains("19530.00") && totals.messageEN.contains("13000.00"), totals.messageEN)
        XCTAssertTrue(totals.messageEN.contains("the difference, 6530.00, is the cells already reported and not imported (C3)"), totals.messageEN)
        // The duplicate is not written; the amount is written as the workbook has it, never stripped, so that validation
        // refuses it too.
        let rows = try register(out + "/employees.csv")
        XCTAssertEqual(rows.map { $0["employee_id"]! }, ["E001", "E002", "E003"])
        XCTAssertEqual(rows[1]["base_salary"], "¥6530.00")
        // The manifest: the files with their hashes, row counts and control totals; the totals row checked.
        let m = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/import_manifest.json"))) as? [String: Any])
        let files = try XCTUnwrap(m["files"] as? [[String: Any]])
        let employees = try XCTUnwrap(files.first { $0["file"] as? String == "employees.csv" })
        XCTAssertEqual(employees["rows"] as? Int, 3)
        XCTAssertEqual((employees["control_totals"] as? [String: String])?["base_salary"], "13000.00")
        XCTAssertEqual(employees["sha256"] as? String, try FileHash.sha256(path: out + "/employees.csv").hex)
        XCTAssertEqual((m["totals_rows_checked"] as? [[String: Any]])?.first?["agrees"] as? Bool, false)
    }

    func testAgreeingTotalsPass() throws {
        let (r, out) = try importCSV("工号,姓名,基本工资\nE001,张三,6000.00\nE002,李四,6530.00\n合计,,12530.00\n")
        XCTAssertFalse(r.issues.contains { $0.severity == .error }, "\(r.issues)")
        let m = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/import_manifest.json"))) as? [String: Any])
        XCTAssertEqual((m["totals_rows_checked"] as? [[String: Any]])?.first?["agrees"] as? Bool, true)
        // The cell map: employees.csv line 3, base_salary is 工资.csv!C3.
        XCTAssertEqual(ImportCells.read(folder: out)["employees.csv|3|base_salary"], "工资.csv!C3")
    }

    /// validate names the workbook cell beside the CSV line of an imported month.
    func testValidationNamesTheWorkbookCell() throws {
        let out = tempDir() + "/month"
        let book = fixtures.appendingPathComponent("legacy/payroll_2026-01.xlsx").path
        let map = repoRoot.appendingPathComponent("pipelines/import/legacy-payroll.yaml").path
        XCTAssertEqual(try payroll(["import", book, "--map", map, "--out", out]).status, 1)
        for f in ["attendance.csv", "scores.csv", "adjustments.csv"] {
            try FileManager.default.copyItem(atPath: fixtures.appendingPathComponent("demo/" + f).path, toPath: out + "/" + f)
        }
        let v = try payroll(["validate", "--input", out, "--out", tempDir()])
        XCTAssertEqual(v.status, 1)
        // D007's ID number was refused at 工资表!D11 (I003); validation reports the empty required cell at that cell.
        XCTAssertTrue(v.out.contains("(工资表!D11)"), v.out)
    }
}

/// A workbook's monthly attendance columns become attendance_summary.csv through the mapping.
final class ImportAttendanceSummaryTests: XCTestCase {
    func testAttendanceColumnsBecomeASummary() throws {
        let dir = tempDir()
        try "工号,姓名,出勤天数,事假天数,病假天数,工作日加班\nE001,张三,21,0,0,4\nE002,李四,19.5,1.5,0,0\n".write(
            toFile: dir + "/考勤.csv", atomically: true, encoding: .utf8)
        try """
        header_rows: [1]
        data_starts: 2
        targets:
          attendance_summary:
            employee_id: 工号
            paid_days: 出勤天数
            personal_leave_days: 事假天数
            sick_leave_days: 病假天数
            overtime_workday_hours: 工作日加班
        """.write(toFile: dir + "/map.yaml", atomically: true, encoding: .utf8)
        let r = Importer.run(
            source: try SourceTable.load(path: dir + "/考勤.csv", sheet: nil), mapping: try ImportMapping.load(path: dir + "/map.yaml"))
        XCTAssertFalse(r.issues.contains { $0.severity == .error }, "\(r.issues)")
        try Importer.write(r, to: dir + "/out")
        let rows = try register(dir + "/out/attendance_summary.csv")
        XCTAssertEqual(rows.map { $0["paid_days"]! }, ["21", "19.5"])
        XCTAssertEqual(rows[1]["personal_leave_days"], "1.5")
        XCTAssertEqual(rows[0]["overtime_workday_hours"], "4")
    }
}
